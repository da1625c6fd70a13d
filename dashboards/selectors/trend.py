"""Registered crimes by top-level category: the period's breakdown and the monthly trend."""

from __future__ import annotations

import datetime
import operator
from dataclasses import dataclass, field
from functools import reduce

from django.db.models import Q, Sum
from django.db.models.functions import TruncMonth
from django.utils.translation import gettext as _

from core.periods import Period, add_months
from incidents.models import IncidentCategory

from ..models import DailyDistrictCategory, MonthlyDistrictCategory
from .access import Scope
from .sums import CATEGORY_STATS, range_sums, split_days

TREND_MONTHS = 12
TREND_SERIES = 5


def _category_names() -> dict[int, str]:
    return {c.pk: c.name for c in IncidentCategory.objects.filter(parent__isnull=True).order_by("sort_order")}


def category_breakdown(scope: Scope, period: Period, *, today=None) -> list[dict]:
    sums = range_sums(CATEGORY_STATS, scope.stats_filter,
                      {"c": (period.start, period.effective_end(today), ("crimes",))}, group="category_id")
    counts = sorted(((row["c_crimes"], cid) for cid, row in sums.items() if row["c_crimes"]),
                    key=lambda t: (-t[0], t[1]))
    names = _category_names()
    return [{"id": cid, "name": names.get(cid, "?"), "count": n} for n, cid in counts]


@dataclass
class Trend:
    months: list[datetime.date]
    series: list[dict] = field(default_factory=list)  # {"id", "name", "values": [...]}
    totals: list[int] = field(default_factory=list)
    # The days counted of the last month when it is not whole ("1 Dec – 6 Dec"), else "": a month still running
    # (or cut by a range of days) must not read as a drop.
    partial: str = ""

    @property
    def table(self) -> list[tuple[datetime.date, list[int], int]]:
        """(month, each series' value, total): the chart's data table, row by row."""
        return [(month, [s["values"][i] for s in self.series], self.totals[i]) for i, month in enumerate(self.months)]


def monthly_trend(scope: Scope, period: Period, *, today=None, months: int = TREND_MONTHS) -> Trend:
    """Registered crimes per month by top-level category: the 12 months up to the period's last one."""
    last = (period.effective_end(today) - datetime.timedelta(days=1)).replace(day=1)
    first = add_months(last, -(months - 1))
    end = min(add_months(last, 1), period.effective_end(today))
    split = split_days(first, end)
    rows = []
    if split.months:
        rows += (MonthlyDistrictCategory.objects.filter(**scope.stats_filter)
                 .filter(month__gte=split.months[0], month__lt=split.months[1])
                 .values("month", "category_id").annotate(n=Sum("crimes")).order_by())
    if split.days:
        days = reduce(operator.or_, (Q(day__gte=a, day__lt=b) for a, b in split.days))
        rows += (DailyDistrictCategory.objects.filter(**scope.stats_filter).filter(days)
                 .annotate(month=TruncMonth("day")).values("month", "category_id").annotate(n=Sum("crimes"))
                 .order_by())
    month_list = [add_months(first, i) for i in range(months)]
    index = {m: i for i, m in enumerate(month_list)}
    by_category: dict[int, list[int]] = {}
    totals = [0] * months
    for row in rows:
        month = row["month"]
        month = month.date() if isinstance(month, datetime.datetime) else month
        values = by_category.setdefault(row["category_id"], [0] * months)
        values[index[month]] += row["n"]
        totals[index[month]] += row["n"]
    names = _category_names()
    ordered = sorted(by_category.items(), key=lambda kv: (-sum(kv[1]), kv[0]))
    series = [{"id": cid, "name": names.get(cid, "?"), "values": values}
              for cid, values in ordered[:TREND_SERIES]]
    rest = ordered[TREND_SERIES:]
    if rest:
        series.append({"id": None, "name": _("Other categories"),
                       "values": [sum(values[i] for _cid, values in rest) for i in range(months)]})
    partial = Period.between(last, end - datetime.timedelta(days=1)).days_label(today) \
        if end < add_months(last, 1) else ""
    return Trend(month_list, series, totals, partial)

