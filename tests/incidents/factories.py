"""Factories for field-work rows. They write through the ORM for test set-up; tests of rules call services."""

import datetime
import uuid

import factory
from django.utils import timezone

from incidents.models import FieldVisit, Incident, IncidentCategory, SupportCase
from tests.factories import earlier_today


def ensure_incident_categories() -> None:
    """The categories come from a data migration; a transactional test's flush (MQTT, worker and browser tests)
    removes them for the tests that follow on a reused database."""
    import importlib

    from django.apps import apps

    if not IncidentCategory.objects.exists():
        importlib.import_module("incidents.migrations.0002_seed_categories").seed(apps, None)
        # The camera categories and the alert-type rules that point at them (surveillance's own seed).
        importlib.import_module("incidents.migrations.0007_camera_alert_categories").seed(apps, None)
        importlib.import_module("surveillance.migrations.0004_dismiss_code_category_rules").seed_rules(apps, None)


def category(code: str) -> IncidentCategory:
    return IncidentCategory.objects.get(code=code)


class IncidentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Incident

    category = factory.LazyFunction(lambda: category("theft"))
    occurred_at = factory.LazyFunction(lambda: timezone.now() - datetime.timedelta(days=1))
    reported_at = factory.LazyAttribute(lambda o: o.occurred_at + datetime.timedelta(hours=1))
    description = factory.Sequence(lambda n: f"Incident {n}")
    # A row set up as registered (or closed after registration) entered the count when it was reported.
    registered_at = factory.LazyAttribute(
        lambda o: o.reported_at if getattr(o, "status", "reported") in ("registered", "closed") else None)


class FieldVisitFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = FieldVisit

    kind = FieldVisit.Kind.HOUSEHOLD
    visited_at = factory.LazyFunction(lambda: earlier_today(hours=2))
    client_uuid = factory.LazyFunction(uuid.uuid4)
    people_reached = 3


class SupportCaseFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SupportCase

    subject_name = factory.Sequence(lambda n: f"Household {n}")
    category = SupportCase.Category.CONFLICT_FAMILY
    next_review_on = factory.LazyFunction(lambda: timezone.localdate() + datetime.timedelta(days=7))
    created_by = factory.LazyAttribute(lambda o: o.social_worker)
