"""CSV and XLSX files of the dashboard tables. Each file is scoped like the page it comes from, and every
download is recorded in the audit trail (action "export") by the view."""

from __future__ import annotations

from django.utils.translation import gettext as _

from core.numbers import rounded
from core.sheet_cells import (  # noqa: F401 - export_response: the views call it from here
    choice_label,
    code_title,
    csv_value,
    export_response,
    xlsx_row,
)
from zones.models import Colour

from .selectors import DashboardData, Scope

TABLES = ("units", "categories", "trend", "ranking")
FORMATS = ("csv", "xlsx")


def table_rows(table: str, scope: Scope, data: DashboardData) -> tuple[list[str], list[list]]:
    if table == "units":
        level = {"region": _("region"), "district": _("district"), "mahalla": _("mahalla")}[scope.child_level]
        header = [_("code"), level, _("mahallas"), _("population"), _("registered crimes"),
                  _("registered crimes, previous period"), _("per 1,000 residents"), _("cybercrimes"),
                  _("drug crimes"), _("camera alerts"), _("confirmed alerts"), _("dismissed alerts"),
                  _("field visits")]
        header += ([code_title(_("zone colour")), _("zone colour")] if scope.child_level == "mahalla"
                   else [_("green"), _("yellow"), _("red")])
        rows = []
        for r in [*data.rows, data.total]:
            row = [r.code, r.name, r.mahallas, r.population, r.crimes, r.previous_crimes, rounded(r.rate, 3),
                   r.cyber, r.drug, r.alerts, r.alerts_confirmed, r.alerts_dismissed, r.visits]
            row += ([r.colour, choice_label(Colour, r.colour)] if scope.child_level == "mahalla"
                    else [r.green, r.yellow, r.red])
            rows.append(row)
        return header, rows
    if table == "categories":
        return [_("category"), _("registered crimes")], [[c["name"], c["count"]] for c in data.categories]
    if table == "trend":
        header = [_("month"), *[s["name"] for s in data.trend.series], _("total")]
        # The month as a real date (its first day), so a spreadsheet sorts and charts it.
        rows = [[m, *[s["values"][i] for s in data.trend.series], data.trend.totals[i]]
                for i, m in enumerate(data.trend.months)]
        return header, rows
    header = [_("rank"), _("code"), _("name"), _("population"), _("registered crimes"), _("per 1,000 residents")]
    return header, [[i + 1, r.code, r.name, r.population, r.crimes, rounded(r.rate, 3)]
                    for i, r in enumerate(data.ranking)]




# --- The count-changes report ------------------------------------------------------------------------------

COUNT_TABLES = ("changes", "units")


def count_report_rows(table: str, report) -> tuple[list[str], list[list]]:
    """The report's tables as rows: "changes" (every crime that left the count) or "units" (figures per unit).
    Moments stay moments: real date-times in XLSX, ISO in CSV (core.sheet_cells)."""
    if table == "changes":
        header = [_("request"), _("incident"), code_title(_("kind")), _("kind"), code_title(_("reason")),
                  _("reason"), _("explanation"), _("district"), _("mahalla"), _("occurred at"), _("requested by"),
                  _("requested at"), _("approved by"), _("approved at")]
        return header, [[c.id, c.incident_id, c.kind, c.kind_label, c.reason_code, c.reason_label, c.reason,
                         c.district, c.mahalla, c.counted_occurred_at, c.requested_by, c.requested_at,
                         c.approved_by, c.decided_at] for c in report.changes]
    level = {"region": _("region"), "district": _("district"), "mahalla": _("mahalla")}[report.unit_level]
    header = [_("code"), level, _("registered crimes"), _("de-registered"), _("de-registered, %"),
              _("reports decided"), _("turned away before registration"), _("turned away, %"),
              _("median days to a decision"), _("overdue for a decision now"), _("longest wait, days")]
    return header, [[r.code, r.name, r.counted, r.deregistered, rounded(r.deregistered_share, 1), r.decided,
                     r.turned_away, rounded(r.turned_away_share, 1), rounded(r.median_decision_days, 1), r.overdue,
                     "" if r.oldest_waiting_days is None else r.oldest_waiting_days]
                    for r in [*report.rows, report.total]]
