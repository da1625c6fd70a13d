"""Coverage: which mahallas of a territory have an inspector and a social worker now, and how often they are
visited. One query for the rows, one aggregate for the totals, one for the staff of a page."""

from __future__ import annotations

import datetime

from django.db.models import Count, Exists, IntegerField, OuterRef, Q, Subquery, Value
from django.db.models.functions import Coalesce
from django.utils import timezone

from accounts.models import Assignment, Role
from core.dates import today
from mahallas.models import Mahalla

from ..models import FieldVisit
from .records import assignment_list

COVERAGE_WINDOW_DAYS = 30
GAPS = ("inspector", "social_worker", "any")


def coverage(*, user, district_id: int | None = None, region_id: int | None = None,
             on: datetime.date | None = None):
    """Mahallas of the user's territory with their active field staff and recent visits, in one query.

    Annotates `has_inspector`, `has_social_worker` (an assignment active on `on`, default today) and
    `visits_30d` (visits in the last 30 days).
    """
    on = on or today()
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


def coverage_totals(qs) -> dict:
    """Mahallas of a coverage queryset, and how many lack an inspector or a social worker."""
    return qs.order_by().aggregate(
        mahallas=Count("id"), no_inspector=Count("id", filter=Q(has_inspector=False)),
        no_social_worker=Count("id", filter=Q(has_social_worker=False)),
    )


def coverage_search(qs, text: str):
    """Mahallas whose name contains `text`, or whose code starts with it."""
    if not text:
        return qs
    return qs.filter(Q(name_uz__icontains=text) | Q(name_ru__icontains=text) | Q(code__startswith=text))


def coverage_staff_attach(*, user, mahallas: list) -> None:
    """Set `mahalla.staff`: the assignments active today, inspectors first, the primary one first."""
    staff: dict[int, list] = {}
    active = (assignment_list(user=user).active().filter(mahalla_id__in=[m.pk for m in mahallas])
              .order_by("role", "-is_primary", "starts_on"))
    for assignment in active:
        staff.setdefault(assignment.mahalla_id, []).append(assignment)
    for mahalla in mahallas:
        mahalla.staff = staff.get(mahalla.pk, [])
