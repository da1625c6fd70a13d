"""Writing the audit trail. Every app records through `audit_record`; reads of personal data through
`audit_read`.

Transactions: a row is one INSERT on the caller's connection, so it commits or rolls back with the
caller's transaction. That is right for "created/changed/deleted X" (if the change rolled back, it did
not happen). Events that describe a failure or a refusal (login_failed, permission_denied,
two_factor_failed, account_locked) must survive the request failing, so they are recorded outside any
atomic block: the auth signals fire outside one (ATOMIC_REQUESTS is off), and AuditDeniedMiddleware
runs after the view's atomic block has already unwound. Callers that record such events themselves
must do so after leaving their `transaction.atomic()`, never inside it.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from contextlib import nullcontext

from django.db import transaction
from django.db.models import Model

from mahallas.models import District, Mahalla, Region

from .changes import is_secret, personal_fields_of, value_hash
from .context import current_request
from .models import AuditEvent, FieldChange
from .net import client_ip

Action = AuditEvent.Action
Outcome = AuditEvent.Outcome

# Keys that could carry a secret never reach the table, whatever a caller passes in `details`.
_SECRET_MARKERS = ("password", "passwd", "secret", "token", "otp", "recovery")
_DETAILS_MAX_CHARS = 4000


def _clean_details(details, personal: frozenset[str] = frozenset()) -> dict:
    def clean(value):
        if isinstance(value, dict):
            return {str(k): clean(v) for k, v in value.items()
                    if str(k) not in personal
                    and not any(marker in str(k).lower() for marker in _SECRET_MARKERS)}
        if isinstance(value, list | tuple | set | frozenset):
            return [clean(v) for v in value]
        return value

    cleaned = clean(dict(details or {}))
    try:
        size = len(json.dumps(cleaned, default=str))
    except (TypeError, ValueError):
        size = _DETAILS_MAX_CHARS + 1
    if size > _DETAILS_MAX_CHARS:
        return {"truncated": True, "keys": sorted(cleaned)[:50]}
    return cleaned


def _territory_ids(obj) -> tuple[int | None, int | None, int | None]:
    """(region_id, district_id, mahalla_id) of a territory unit or of an object hanging off one."""
    if obj is None:
        return None, None, None
    if isinstance(obj, Region):
        return obj.pk, None, None
    if isinstance(obj, District):
        return obj.region_id, obj.pk, None
    if isinstance(obj, Mahalla):
        return _from_mahalla(obj.pk, obj)
    mahalla_id = getattr(obj, "mahalla_id", None)
    if mahalla_id is None and isinstance(getattr(obj, "mahalla", None), Mahalla):
        mahalla_id = obj.mahalla.pk
    if mahalla_id is not None:
        return _from_mahalla(mahalla_id, None)
    district_id = getattr(obj, "district_id", None)
    if district_id is None and isinstance(getattr(obj, "district", None), District):
        district_id = obj.district.pk
    if district_id is not None:
        region_id = District.objects.filter(pk=district_id).values_list("region_id", flat=True).first()
        return region_id, district_id, None
    region_id = getattr(obj, "region_id", None)
    if region_id is None and isinstance(getattr(obj, "region", None), Region):
        region_id = obj.region.pk
    return region_id, None, None


def _from_mahalla(mahalla_id: int, mahalla: Mahalla | None):
    if mahalla is not None and Mahalla.district.is_cached(mahalla):
        return mahalla.district.region_id, mahalla.district_id, mahalla_id
    row = Mahalla.objects.filter(pk=mahalla_id).values_list("district__region_id", "district_id").first()
    return (row[0], row[1], mahalla_id) if row else (None, None, mahalla_id)


# A failed sign-in is about the account being tried, never about whoever the session already belongs to.
_NO_SESSION_ACTOR = (Action.LOGIN_FAILED,)


def _actor_of(actor, request, action):
    if actor is None and request is not None and action not in _NO_SESSION_ACTOR:
        actor = getattr(request, "user", None)
    if actor is None or not getattr(actor, "is_authenticated", False):
        return None
    return actor


def audit_record(*, action: str, actor=None, request=None, obj: Model | None = None,
                 object_type: str | None = None, object_id=None, object_repr: str | None = None,
                 territory: Model | None = None, outcome: str = Outcome.SUCCESS,
                 details: dict | None = None, actor_username: str | None = None,
                 changes: dict | None = None, personal: Iterable[str] | None = None) -> AuditEvent:
    """Append one event to the audit trail and return it.

    `actor` defaults to the request's signed-in user; `request` supplies IP (see `audit.net.client_ip`)
    and user agent (without it, the request being served, if any: see `audit.context`); `actor_username`
    names an actor that is no user (the username typed in a failed sign-in). `obj` supplies type, id, text
    and territory; `object_type`/`object_id`/`object_repr` describe something that is not a model instance
    (or override), and `territory` (a Region, District or Mahalla) overrides the territory derived from
    `obj`. `details` is small JSON: field names, filters, reasons; keys that look like secrets are dropped.
    Never pass field values of personal data.
    `changes` is what `audit.changes.diff` returned: one FieldChange row per field, written with the event
    in one transaction, and the field names listed in `details["fields"]`. `personal` names the fields whose
    values are kept only as hashes (default: the `AUDIT_PERSONAL_FIELDS` of `obj`'s model); those names are
    also dropped from `details`, so a caller cannot leak their values there either.
    Read the module docstring about transactions before recording a failure or a refusal.
    """
    actor = _actor_of(actor, request, action)
    if obj is not None:
        object_type = object_type or obj._meta.label_lower
        object_id = object_id if object_id is not None else obj.pk
        object_repr = object_repr if object_repr is not None else str(obj)
    region_id, district_id, mahalla_id = _territory_ids(territory if territory is not None else obj)
    # A service called while a request is served gives no request; the address and browser are still that
    # request's. The actor is never taken from it: services name theirs.
    origin = request if request is not None else current_request()
    meta = origin.META if origin is not None else {}
    personal = frozenset(personal) if personal is not None else personal_fields_of(obj)
    details = dict(details or {})
    if changes:
        details.setdefault("fields", sorted(changes))
    # The event and its field changes are one write; no savepoint, so a page's query count does not grow.
    with transaction.atomic(savepoint=False) if changes else nullcontext():
        event = AuditEvent.objects.create(
            actor=actor,
            actor_username=(actor.get_username() if actor is not None else actor_username or "")[:150],
            actor_role=str(getattr(actor, "role", "") or "")[:32],
            ip=client_ip(origin),
            user_agent=(meta.get("HTTP_USER_AGENT") or "")[:255],
            action=action,
            outcome=outcome,
            object_type=(object_type or "")[:100],
            object_id="" if object_id is None else str(object_id)[:64],
            object_repr=(object_repr or "")[:200],
            region_id=region_id,
            district_id=district_id,
            mahalla_id=mahalla_id,
            details=_clean_details(details, personal),
        )
        if changes:
            _record_changes(event, changes, personal)
    return event


def _record_changes(event: AuditEvent, changes: dict, personal: frozenset[str]) -> None:
    rows = []
    for field, (old, new) in sorted(changes.items()):
        hidden = field in personal or is_secret(field)
        rows.append(FieldChange(
            event=event, object_type=event.object_type, object_id=event.object_id,
            region_id=event.region_id, district_id=event.district_id, mahalla_id=event.mahalla_id,
            field=field[:100], personal=hidden,
            old_value=None if hidden else old, new_value=None if hidden else new,
            # A secret (a password hash) gets no hash of its own either: only the fact that it changed.
            old_hash=value_hash(old) if hidden and old is not None and not is_secret(field) else "",
            new_hash=value_hash(new) if hidden and new is not None and not is_secret(field) else "",
        ))
    FieldChange.objects.bulk_create(rows)


def audit_read(request, obj: Model, *, details: dict | None = None) -> AuditEvent:
    """Record that the request's user read personal data (a case, a visit, a person, a camera picture)."""
    return audit_record(action=Action.VIEW, request=request, obj=obj, details=details)
