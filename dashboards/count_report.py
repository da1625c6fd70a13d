"""The count-changes report: which crimes left the count of a territory and period, and how reports were
decided before they could ever count. What a ministry inspector checks first.

Every read starts from `visible_to(user)` (incidents, mahallas) or `change_requests_visible_to(user)`, narrowed
to the scope's territory:

- left the count: approved change requests whose crime counted (`counted_mahalla`, `counted_occurred_at`) in
  the territory and period, whoever asked and approved;
- per unit: counted crimes (incidents.querysets.counted), crimes de-registered (approved de-registrations,
  distinct crimes) and their share of the crimes ever registered (counted + de-registered);
- intake per unit (reports made in the period, as they stand now): reports decided, turned away before
  registration (unfounded or referred) and their share, median days to a decision; reports waiting beyond
  INCIDENT_DECISION_DAYS now (not tied to the period) and the longest wait;
- change requests of the territory waiting for a decision now.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.conf import settings
from django.db.models import Count, Min
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.capabilities import can
from core.numbers import rounded
from core.periods import Period
from incidents.count_queries import IntakeFigures, change_requests_visible_to, intake_figures
from incidents.models import Incident, IncidentChangeRequest
from mahallas.models import District, Mahalla, Region

from .selectors.access import DashboardNotFound, Scope, own_territory_scope, territory_scope
from .selectors.sums import pct
from .selectors.tables import unit_names

CHANGES_ON_PAGE = 200
# Per child level: the path from an incident's mahalla to the unit, and the intake grouping.
_UNIT_PATH = {"region": "district__region_id", "district": "district_id", "mahalla": "id"}


def report_scope(user, *, region_id: int | None = None, district_id: int | None = None) -> Scope:
    """The territory of a report: the one asked for (within the user's), else the user's own."""
    if not can(user, "dashboards.view_count_report"):
        raise DashboardNotFound
    if region_id is None and district_id is None:
        return own_territory_scope(user)
    return territory_scope(user, region_id=region_id, district_id=district_id)


@dataclass
class CountChange:
    """One approved request that took a crime out of the count of the territory and period."""

    id: int
    incident_id: int
    kind: str
    kind_label: str
    reason_code: str
    reason_label: str
    reason: str
    mahalla: str
    district: str
    counted_occurred_at: datetime.datetime
    requested_by: str
    requested_at: datetime.datetime
    approved_by: str
    decided_at: datetime.datetime | None

    def as_dict(self) -> dict:
        return {"id": self.id, "incident": self.incident_id, "kind": self.kind, "kind_label": self.kind_label,
                "reason_code": self.reason_code, "reason_label": self.reason_label, "reason": self.reason,
                "mahalla": self.mahalla, "district": self.district,
                "counted_occurred_at": self.counted_occurred_at, "requested_by": self.requested_by,
                "requested_at": self.requested_at, "approved_by": self.approved_by, "decided_at": self.decided_at}


@dataclass
class UnitFigures:
    id: int | None
    code: str
    name: str
    counted: int = 0
    deregistered: int = 0
    decided: int = 0
    turned_away: int = 0
    median_decision_days: float | None = None
    overdue: int = 0
    oldest_waiting_days: int | None = None

    @property
    def deregistered_share(self) -> float | None:
        return pct(self.deregistered, self.counted + self.deregistered)

    @property
    def turned_away_share(self) -> float | None:
        return pct(self.turned_away, self.decided)

    def as_dict(self) -> dict:
        return {"id": self.id, "code": self.code, "name": self.name, "counted": self.counted,
                "deregistered": self.deregistered, "deregistered_share": rounded(self.deregistered_share, 1),
                "decided": self.decided, "turned_away": self.turned_away,
                "turned_away_share": rounded(self.turned_away_share, 1),
                "median_decision_days": rounded(self.median_decision_days, 1), "overdue": self.overdue,
                "oldest_waiting_days": self.oldest_waiting_days}


@dataclass
class CountReport:
    scope: Scope
    period: Period
    changes: list[CountChange]
    changes_total: int
    by_reason: list[dict]  # {"kind", "reason_code", "label", "count"}
    rows: list[UnitFigures]
    total: UnitFigures
    pending: int
    decision_days: int = field(default_factory=lambda: settings.INCIDENT_DECISION_DAYS)

    @property
    def unit_level(self) -> str:
        return self.scope.child_level


def _territory_mahallas(user, scope: Scope):
    return Mahalla.objects.visible_to(user).filter(**scope.mahalla_filter)


def left_count_requests(user, scope: Scope, period: Period):
    """Approved change requests whose crime counted in the territory and period (newest decision first)."""
    return (change_requests_visible_to(user)
            .filter(status=IncidentChangeRequest.Status.APPROVED,
                    counted_mahalla__in=_territory_mahallas(user, scope).values("pk"),
                    counted_occurred_at__gte=period.starts, counted_occurred_at__lt=period.ends)
            .order_by("-decided_at", "-id"))


def _person(user) -> str:
    if user is None:
        return ""
    return user.get_full_name() or user.username


def _changes(requests, limit: int | None) -> list[CountChange]:
    rows = (requests.select_related("counted_mahalla__district", "requested_by", "decided_by")
            .defer("counted_mahalla__boundary", "counted_mahalla__district__boundary", "requested_by__password",
                   "decided_by__password"))
    if limit is not None:
        rows = rows[:limit]
    kinds, reasons = dict(IncidentChangeRequest.Kind.choices), dict(IncidentChangeRequest.Reason.choices)
    return [CountChange(
        r.pk, r.incident_id, r.kind, str(kinds.get(r.kind, r.kind)), r.reason_code,
        str(reasons.get(r.reason_code, "")), r.reason, r.counted_mahalla.name, r.counted_mahalla.district.name,
        r.counted_occurred_at, _person(r.requested_by), r.requested_at,
        # De-registrations carried over from the old history have no approver on record.
        _person(r.decided_by) if r.decided_by_id else _("(earlier record, no approver)"), r.decided_at)
        for r in rows]


def _by_reason(requests) -> list[dict]:
    kinds, reasons = dict(IncidentChangeRequest.Kind.choices), dict(IncidentChangeRequest.Reason.choices)
    rows = requests.order_by().values("kind", "reason_code").annotate(n=Count("id"))
    out = [{"kind": r["kind"], "reason_code": r["reason_code"],
            "label": str(reasons[r["reason_code"]]) if r["reason_code"] in reasons else str(kinds.get(r["kind"])),
            "count": r["n"]} for r in rows]
    return sorted(out, key=lambda r: (-r["count"], r["kind"], r["reason_code"]))


def _units(user, scope: Scope) -> list[tuple]:
    level = scope.child_level
    if level == "region":
        return unit_names(Region.objects.visible_to(user))
    if level == "district":
        return unit_names(District.objects.visible_to(user).filter(
            **({"region_id": scope.region.pk} if scope.level == "region" else {})))
    return unit_names(_territory_mahallas(user, scope))


def count_report(user, scope: Scope, period: Period, *, changes_limit: int | None = CHANGES_ON_PAGE,
                 now: datetime.datetime | None = None) -> CountReport:
    now = now or timezone.now()
    level = scope.child_level
    unit = _UNIT_PATH[level]
    mahallas = _territory_mahallas(user, scope).values("pk")
    incidents = Incident.objects.visible_to(user).filter(mahalla__in=mahallas)
    in_period = {"occurred_at__gte": period.starts, "occurred_at__lt": period.ends}

    counted = dict(incidents.counted().filter(**in_period).order_by().values_list(f"mahalla__{unit}")
                   .annotate(n=Count("id")))
    left = left_count_requests(user, scope, period)
    deregistered = dict(left.filter(kind=IncidentChangeRequest.Kind.DEREGISTER).order_by()
                        .values_list(f"counted_mahalla__{unit}").annotate(n=Count("incident_id", distinct=True)))
    reported = incidents.filter(reported_at__gte=period.starts, reported_at__lt=period.ends)
    intake = intake_figures(reported, group=level)
    overdue = {r[0]: r[1:] for r in incidents.decision_overdue(now).order_by().values_list(f"mahalla__{unit}")
               .annotate(n=Count("id"), oldest=Min("reported_at"))}

    def waited(oldest) -> int | None:
        return None if oldest is None else (now - oldest).days

    rows = []
    for pk, code, name in _units(user, scope):
        row = UnitFigures(pk, code, name, counted=counted.get(pk, 0), deregistered=deregistered.get(pk, 0))
        if pk in intake:
            row.decided, row.turned_away = intake[pk].decided, intake[pk].turned_away
            row.median_decision_days = intake[pk].median_days
        if pk in overdue:
            row.overdue, row.oldest_waiting_days = overdue[pk][0], waited(overdue[pk][1])
        rows.append(row)

    total = UnitFigures(None, "", _("Total"), counted=sum(r.counted for r in rows),
                        deregistered=left.filter(kind=IncidentChangeRequest.Kind.DEREGISTER)
                        .values("incident_id").distinct().count(),
                        decided=sum(r.decided for r in rows), turned_away=sum(r.turned_away for r in rows),
                        overdue=sum(r.overdue for r in rows))
    # A median is not a sum of medians: read once for the whole territory.
    total.median_decision_days = intake_figures(reported, group=None).get(None, IntakeFigures()).median_days
    waits = [r.oldest_waiting_days for r in rows if r.oldest_waiting_days is not None]
    total.oldest_waiting_days = max(waits) if waits else None

    pending = (change_requests_visible_to(user).filter(status=IncidentChangeRequest.Status.PENDING,
                                                      counted_mahalla__in=mahallas).count())
    return CountReport(scope=scope, period=period, changes=_changes(left, changes_limit),
                       changes_total=left.count(), by_reason=_by_reason(left), rows=rows, total=total,
                       pending=pending)
