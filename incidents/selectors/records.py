"""Reads of records that pages and the API need, each starting from `visible_to(user)`."""

from __future__ import annotations

from accounts.capabilities import can, role_of
from accounts.models import FIELD_ROLES, Assignment
from audit.models import AuditEvent
from audit.services import audit_read, audit_record
from mahallas.models import Mahalla

from ..models import FieldVisit, Incident, IncidentChangeRequest, SupportCase


def personal_read_record(request, *, object_type: str, ids=(), obj=None, details: dict | None = None) -> None:
    """Record one read of a list or a detail carrying personal fields (one row per request, not per object).

    Field staff read their own mahallas' records all day as their work and are not recorded; every other role
    is. An empty list read nothing and is not recorded."""
    if role_of(request.user) in FIELD_ROLES:
        return
    if obj is not None:
        audit_read(request, obj, details=details)
    elif ids:
        audit_record(action=AuditEvent.Action.VIEW, request=request, object_type=object_type, object_repr="list",
                     details={"ids": list(ids), **(details or {})})


def incident_list(*, user):
    return Incident.objects.visible_to(user).for_list()


def incident_get(*, user, pk) -> Incident:
    """Raises Incident.DoesNotExist for an id outside the user's scope, exactly as for a missing one."""
    return (Incident.objects.visible_to(user).for_list()
            .prefetch_related("transitions__by").get(pk=pk))


def writable_mahallas(user):
    """Mahallas where this user may record incidents: their assignments, or the territory they supervise."""
    # The territory a recorder sees is exactly where they record (incidents.record_incident per mahalla).
    return Mahalla.objects.visible_to(user) if can(user, "incidents.record_incident") else Mahalla.objects.none()


def field_visit_list(*, user, mine: bool = False):
    qs = FieldVisit.objects.visible_to(user).for_list()
    return qs.filter(by=user) if mine else qs


def support_case_list(*, user):
    return SupportCase.objects.visible_to(user).for_list()


def support_case_get(*, user, pk, request=None) -> SupportCase:
    """A case for reading: personal data, so every read is recorded in the audit trail."""
    case = support_case_list(user=user).prefetch_related("reviews__by").get(pk=pk)
    if request is not None:
        audit_read(request, case)
    return case


def assignment_list(*, user):
    return (Assignment.objects.visible_to(user)
            .select_related("user", "mahalla").defer("mahalla__boundary", "user__password"))


def change_request_list(*, user, to_decide: bool = False, mine: bool = False):
    """Change requests of the user's territory; `to_decide` those waiting for this user's decision, `mine` those
    the user filed."""
    qs = IncidentChangeRequest.objects.visible_to(user)
    if to_decide:
        qs = qs.decidable_by(user)
    if mine:
        qs = qs.filter(requested_by=user)
    return qs.select_related("incident__category", "counted_mahalla", "requested_by", "decided_by").defer(
        "counted_mahalla__boundary", "requested_by__password", "decided_by__password").order_by(
        "-requested_at", "-id")


def change_request_get(*, user, pk) -> IncidentChangeRequest:
    """Raises DoesNotExist for a request outside the user's territory, as for a missing one."""
    return change_request_list(user=user).get(pk=pk)
