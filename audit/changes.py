"""The one diff helper of the platform: what a write changed, field by field, as JSON-safe values.

    before = snapshot(incident, ["occurred_at", "status"])
    ... change and save ...
    audit_record(action=Action.CHANGE, actor=by, obj=incident, changes=diff(before, snapshot(incident, before)))

`snapshot` turns field values into what the change store keeps: a foreign key its id, a moment an ISO string
in UTC, a date an ISO date, a Decimal its string (no float rounding), a point [lon, lat], any other geometry
its WKT, a file its name, a many-to-many field the sorted list of ids. `diff` keeps the fields whose values
differ. Which fields are personal is said by the model (`AUDIT_PERSONAL_FIELDS`) or by the caller; their values
never reach the database (see `audit.services.audit_record`).
"""

from __future__ import annotations

import datetime
import decimal
import json
import uuid
from collections.abc import Iterable

from django.conf import settings
from django.db import models
from django.utils.crypto import salted_hmac

# Long free text is cut: the trail says what changed, it is not a second copy of every document.
MAX_TEXT = 2000
# Fields never shown, not even as a hash (a password hash, a token): the trail only says "changed".
SECRET_MARKERS = ("password", "passwd", "secret", "token", "otp", "recovery")
_HASH_SALT = "audit.changes.personal-value"


def is_secret(field: str) -> bool:
    return any(marker in field.lower() for marker in SECRET_MARKERS)


def personal_fields_of(obj_or_model) -> frozenset[str]:
    """The model's personal free-text fields: stored as a hash plus "changed", never in clear."""
    return frozenset(getattr(obj_or_model, "AUDIT_PERSONAL_FIELDS", ()) or ())


def json_value(value):
    """A field value as JSON: ids, ISO strings in UTC, Decimal strings, [lon, lat] or WKT, lists."""
    if value is None or isinstance(value, bool | int | float):
        return value
    if isinstance(value, str):
        # Choices (TextChoices members) become their plain value.
        text = str.__str__(value)
        return text if len(text) <= MAX_TEXT else text[:MAX_TEXT] + "…"
    if isinstance(value, models.Model):
        return value.pk
    if isinstance(value, datetime.datetime):
        if value.tzinfo is not None:
            value = value.astimezone(datetime.UTC)
        return value.isoformat()
    if isinstance(value, datetime.date | datetime.time):
        return value.isoformat()
    if isinstance(value, datetime.timedelta):
        return value.total_seconds()
    if isinstance(value, decimal.Decimal):
        return str(value)
    if isinstance(value, uuid.UUID):
        return str(value)
    if hasattr(value, "geom_type") and hasattr(value, "wkt"):
        # A boundary's WKT can run to megabytes: cut like any long text.
        return [value.x, value.y] if value.geom_type == "Point" else json_value(value.wkt)
    if isinstance(value, models.fields.files.FieldFile):
        return value.name or None
    if isinstance(value, dict):
        return {str(k): json_value(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        items = [json_value(v) for v in value]
        return sorted(items, key=repr) if isinstance(value, set | frozenset) else items
    if isinstance(value, bytes | memoryview):
        return None
    return str(value)


def _field_value(obj: models.Model, name: str):
    field = obj._meta.get_field(name)
    if field.many_to_many:
        if obj.pk is None:
            return []
        return sorted(obj.__class__._meta.get_field(name).value_from_object(obj), key=lambda o: o.pk)
    if field.is_relation and field.concrete:
        return getattr(obj, field.attname)
    return getattr(obj, name)


def default_fields(model) -> list[str]:
    """Every concrete field someone could change: not the id, not auto-stamped times."""
    names = []
    for field in model._meta.concrete_fields:
        if field.primary_key or getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
            continue
        names.append(field.name)
    return names


def snapshot(obj: models.Model, fields: Iterable[str] | None = None) -> dict:
    """The JSON-safe values of `fields` (default: `default_fields`) of `obj` as it is in memory."""
    names = list(fields) if fields is not None else default_fields(obj)
    return {name: json_value(_field_value(obj, name)) for name in names}


def diff(before: dict, after: dict) -> dict[str, tuple]:
    """{field: (old, new)} for every field whose value differs; a field missing on one side is None there
    (a creation is diff({}, snapshot(obj)), a deletion diff(snapshot(obj), {}))."""
    changes = {}
    for field in [*before, *(f for f in after if f not in before)]:
        old, new = before.get(field), after.get(field)
        if old != new:
            changes[field] = (old, new)
    return changes


def value_hash(value) -> str:
    """HMAC-SHA256 of a value under a key derived from SECRET_KEY: equal values give equal hashes, and nobody
    without the key can test guesses against them."""
    canonical = json.dumps(value, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return salted_hmac(_HASH_SALT, canonical, secret=settings.SECRET_KEY, algorithm="sha256").hexdigest()
