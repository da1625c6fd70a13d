"""Every integer a client can send is bounded before it reaches a column (issue: "Bounded everything").

A bare IntegerField lets 201020010353 through to PostgreSQL, which answers "integer out of range": a 500 instead
of a 400 naming the field. These tests walk every serializer and form of the project, so a new unbounded field
fails here rather than in production.
"""

import importlib
import pkgutil

import pytest
from django import forms
from rest_framework import serializers

from accounts.bounds import MAX_ID, column_bounds
from surveillance.models import Camera

APPS = ["mahallas", "audit", "accounts", "incidents", "roadmaps", "surveillance", "zones", "dashboards"]

# Serializers that only describe answers (never given request data): their fields bound nothing.
RESPONSE_ONLY = {
    "accounts.api.MeSerializer", "accounts.api.PersonSerializer", "accounts.api.ScopeDistrictSerializer",
    "accounts.api.ScopeMahallaSerializer", "accounts.api.UnitSerializer",
    "surveillance.serializers.CameraImportResultSerializer", "surveillance.serializers.CameraImportRowErrorSerializer",
    "surveillance.serializers.CameraRateSerializer", "surveillance.serializers.DismissReasonCountSerializer",
    "surveillance.serializers.EventTypeRateSerializer",
    "surveillance.serializers.IngestResultSerializer", "surveillance.serializers.RateSerializer",
    "surveillance.serializers.UnmatchedDeviceSerializer",
    "zones.serializers.CrimeFreeRowSerializer", "zones.serializers.TerritoryCountsSerializer",
}


def _import_every_module():
    for app in APPS:
        package = importlib.import_module(app)
        for module in pkgutil.walk_packages(package.__path__, f"{app}."):
            if ".migrations" not in module.name and ".management" not in module.name:
                importlib.import_module(module.name)


def _subclasses(cls):
    for sub in cls.__subclasses__():
        yield sub
        yield from _subclasses(sub)


def _ours(cls) -> bool:
    return cls.__module__.split(".")[0] in APPS


def _name(cls) -> str:
    return f"{cls.__module__}.{cls.__qualname__}"


def _serializer_classes():
    _import_every_module()
    # A ModelSerializer without Meta is an abstract base: its subclasses are walked instead.
    concrete = (c for c in _subclasses(serializers.Serializer)
                if not (issubclass(c, serializers.ModelSerializer) and not hasattr(c, "Meta")))
    return sorted({c for c in concrete if _ours(c)}, key=_name)


def _unbounded(field) -> bool:
    return field.min_value is None or field.max_value is None or field.max_value > MAX_ID


def test_every_writable_integer_of_every_serializer_is_bounded():
    unbounded = []
    for cls in _serializer_classes():
        if _name(cls) in RESPONSE_ONLY:
            continue
        for name, field in cls().fields.items():
            inner = field.child if isinstance(field, serializers.ListField) else field
            if isinstance(inner, serializers.IntegerField) and not field.read_only and _unbounded(inner):
                unbounded.append(f"{_name(cls)}.{name}")
    assert unbounded == []


def test_the_response_only_list_names_existing_serializers():
    # A renamed or removed serializer must leave the list, or the list would excuse a new one of that name.
    assert {_name(c) for c in _serializer_classes()} >= RESPONSE_ONLY


def test_every_integer_of_every_form_is_bounded():
    _import_every_module()
    unbounded = []
    for cls in sorted((c for c in _subclasses(forms.BaseForm) if _ours(c)), key=_name):
        for name, field in getattr(cls, "base_fields", {}).items():
            # Float and decimal fields subclass IntegerField; their columns do not overflow like integers.
            fraction = isinstance(field, forms.FloatField | forms.DecimalField)
            if isinstance(field, forms.IntegerField) and not fraction and _unbounded(field):
                unbounded.append(f"{_name(cls)}.{name}")
    assert unbounded == []


def test_column_bounds_are_the_columns_range():
    assert column_bounds(Camera, "channel") == {"min_value": 0, "max_value": 2**31 - 1}
    assert column_bounds(Camera, "channel", min_value=1)["min_value"] == 1


@pytest.mark.django_db
def test_camera_form_refuses_a_channel_outside_the_column(territory):
    from surveillance.forms import CameraForm

    form = CameraForm(data={"channel": "201020010353"}, district_id=territory.district_a1.pk)
    assert not form.is_valid() and "channel" in form.errors
