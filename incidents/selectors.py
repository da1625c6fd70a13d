"""Reads that pages and the API need, each starting from `visible_to(user)`."""

from __future__ import annotations

import datetime

from django.db.models import Count, Exists, IntegerField, OuterRef, Q, Subquery, Value
from django.db.models.functions import Coalesce
from django.utils import timezone

from accounts.capabilities import role_of
from accounts.models import FIELD_ROLES, Assignment, Role
from audit.models import AuditEvent
from audit.services import audit_read, audit_record
from mahallas.models import Mahalla

from .models import FieldVisit, Incident, IncidentChangeRequest, SupportCase

COVERAGE_WINDOW_DAYS = 30


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


def coverage(*, user, district_id: int | None = None, region_id: int | None = None,
             on: datetime.date | None = None):
    """Mahallas of the user's territory with their active field staff and recent visits, in one query.

    Annotates `has_inspector`, `has_social_worker` (an assignment active on `on`, default today) and
    `visits_30d` (visits in the last 30 days).
    """
    on = on or timezone.localdate()
    since = timezone.now() - datetime.timedelta(days=COVERAGE_WINDOW_DAYS)
    active = Assignment.objects.active(on).filter(mahalla=OuterRef("pk"))
    visits = (FieldVisit.objects.filter(mahalla=OuterRef("pk"), visited_at__gte=since).order_by()
              .values("mahalla").annotate(n=Count("*")).values("n"))
    qs = Mahalla.objects.visible_to(user).defer("boundary").select_related("district").defer(
        "district__boundary")
    if district_id:
        qs = qs.filter(district_id=district_id)
    if region_id:
        qs = qs.filter(district__region_id=region_id)
    return qs.annotate(
        has_inspector=Exists(active.filter(role=Role.INSPECTOR)),
        has_social_worker=Exists(active.filter(role=Role.SOCIAL_WORKER)),
        visits_30d=Coalesce(Subquery(visits, output_field=IntegerField()), Value(0)),
    ).order_by("district__name_uz", "name_uz", "id")


def coverage_gaps(qs, missing: str | None):
    if missing == "inspector":
        return qs.filter(has_inspector=False)
    if missing == "social_worker":
        return qs.filter(has_social_worker=False)
    if missing == "any":
        return qs.filter(Q(has_inspector=False) | Q(has_social_worker=False))
    return qs


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
