"""Reads behind the count-integrity figures (which crimes left a count, how reports were decided). Every one
takes a queryset that already starts from `visible_to(user)`, or starts from it here."""

from __future__ import annotations

from dataclasses import dataclass

from django.db import connection

from mahallas.models import District, Mahalla
from mahallas.scope import scope_of

from .models import Incident, IncidentChangeRequest, IncidentTransition

# The statuses that decide a report: it enters the count, or it is turned away before ever counting.
DECISION_STATUSES = (Incident.Status.REGISTERED, Incident.Status.UNFOUNDED, Incident.Status.REFERRED)
TURNED_AWAY_STATUSES = (Incident.Status.UNFOUNDED, Incident.Status.REFERRED)
AWAITING_STATUSES = (Incident.Status.REPORTED, Incident.Status.UNDER_VERIFICATION)

# Territory columns the intake figures may be grouped by (the SQL is assembled from these names only).
INTAKE_GROUPS = {"mahalla": "m.id", "district": "m.district_id", "region": "d.region_id"}


def change_requests_visible_to(user):
    """Change requests of the territory the user may see, by where the crime counted when it was asked."""
    return scope_of(user).apply(IncidentChangeRequest.objects.all(), mahalla_path="counted_mahalla")


@dataclass
class IntakeFigures:
    decided: int = 0
    turned_away: int = 0
    median_days: float | None = None


def intake_figures(incidents, *, group: str | None) -> dict:
    """How the reports in `incidents` (a queryset that starts from visible_to) were decided, per `group`
    ("region", "district", "mahalla" or None for one total): {unit id or None: IntakeFigures}.

    Decided: no longer waiting for a decision (reported / under verification). Turned away: found unfounded or
    referred to another body without ever being registered (no registered_at). Days to a decision: from the
    report to its first transition to registered, unfounded or referred (rows loaded without a history: to
    registration)."""
    if group is not None and group not in INTAKE_GROUPS:
        raise ValueError(group)
    ids_sql, ids_params = incidents.order_by().values("id").query.sql_with_params()
    key = INTAKE_GROUPS[group] if group else "NULL"
    awaiting = ", ".join(f"'{s}'" for s in AWAITING_STATUSES)
    turned = ", ".join(f"'{s}'" for s in TURNED_AWAY_STATUSES)
    decision = ", ".join(f"'{s}'" for s in DECISION_STATUSES)
    decided = f"i.status NOT IN ({awaiting})"
    sql = f"""
        SELECT {key},
               count(*) FILTER (WHERE {decided}),
               count(*) FILTER (WHERE i.registered_at IS NULL AND i.status IN ({turned})),
               percentile_cont(0.5) WITHIN GROUP (
                   ORDER BY extract(epoch FROM coalesce(t.at, i.registered_at) - i.reported_at) / 86400.0)
                   FILTER (WHERE {decided} AND coalesce(t.at, i.registered_at) IS NOT NULL)
        FROM {Incident._meta.db_table} i
        JOIN {Mahalla._meta.db_table} m ON m.id = i.mahalla_id
        JOIN {District._meta.db_table} d ON d.id = m.district_id
        LEFT JOIN LATERAL (
            SELECT min(tr.at) AS at FROM {IncidentTransition._meta.db_table} tr
            WHERE tr.incident_id = i.id AND tr.to_status IN ({decision})
        ) t ON true
        WHERE i.id IN ({ids_sql})
        GROUP BY 1"""  # noqa: S608 - only constants and the compiled queryset go into the text
    with connection.cursor() as cursor:
        cursor.execute(sql, ids_params)
        rows = cursor.fetchall()
    return {unit: IntakeFigures(decided, turned_away, None if median is None else float(median))
            for unit, decided, turned_away, median in rows}
