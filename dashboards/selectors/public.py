"""What the open-data page (/open/) publishes, for everyone and deliberately not scoped to a user.

- Mahalla colours: the programme announces each mahalla's colour, so counts of mahallas by colour per district
  are shown as they are, for any period.
- Registered crimes by district and top-level category: published for one family of periods only, calendar
  half-years, and only once a half-year has settled. Half-years never overlap, so no two published tables can
  be subtracted from each other (a year minus its first half, a quarter from its half); the in-progress
  half-year and "the last 90 days" are not published, because their figures move from one day to the next and
  two visits a day apart would difference out one day's crimes. Half-years rather than quarters: a
  district-and-category cell holds twice the crimes, so far fewer cells are under the threshold and hidden.
  Within the table, `disclosure.protect` hides every small count and the cells that would give it away.

Counted crimes are those of `incidents.querysets.counted_sql`, through the dashboards' pre-aggregates.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db import connection
from django.db.models import Count, Q

from core import dates
from core.periods import Period
from incidents.models import IncidentCategory
from mahallas.models import District, Mahalla
from zones.models import Colour

from .. import disclosure
from ..models import DailyDistrictCategory, MonthlyDistrictCategory
from .cache import cache_token, cached
from .sums import pieces_sql, split_days

# A half-year is published this many days after it ends: the window in which crimes are still registered
# late (`core.periods.recent_periods`), so its figures no longer move between two visits.
SETTLE_DAYS = 92
YEARS_SHOWN = 3
HIDDEN = "x"


def number(value: int) -> str:
    return f"{value:,}".replace(",", "\u202f")


@dataclass
class ColourRow:
    district: str
    region: str
    mahallas: int
    green: int
    yellow: int
    red: int


def colour_rows(zones_key: str) -> list[ColourRow]:
    """Per district: its mahallas and how many are green, yellow and red in the period. Not suppressed: each
    mahalla's colour is public."""

    def build():
        colour = {c: Count("id", filter=Q(zone_statuses__period=zones_key, zone_statuses__colour=c))
                  for c in Colour.values}
        counts = {r["district_id"]: r for r in Mahalla.objects.values("district_id")
                  .annotate(n=Count("id", distinct=True), **colour).order_by()}
        rows = []
        for d in _districts():
            c = counts.get(d.pk, {})
            rows.append(ColourRow(d.name, d.region.name, c.get("n", 0), c.get("green", 0), c.get("yellow", 0),
                                  c.get("red", 0)))
        return rows

    return cached(["public-colours", zones_key, cache_token()], build, 600)


def _districts():
    return District.objects.select_related("region").defer("boundary", "region__boundary").order_by(
        "region__name_uz", "name_uz")


def crime_periods(on: datetime.date | None = None) -> list[Period]:
    """The half-years whose crime figures are published, newest first."""
    day = on or dates.today()
    found = []
    for year in range(day.year, day.year - YEARS_SHOWN, -1):
        for n in (2, 1):
            half = Period.half(year, n)
            if (day - half.last_day).days > SETTLE_DAYS:
                found.append(half)
    return found


@dataclass
class CrimeRow:
    region: str
    name: str
    cells: list[str]
    total: str


@dataclass
class CrimeTable:
    period: Period
    categories: list[str]
    rows: list[CrimeRow]
    totals: CrimeRow
    hidden: int  # how many figures (cells and totals) are hidden


def _category_counts(starts: datetime.date, ends: datetime.date) -> dict[tuple[int, int], int]:
    """{(district id, top-level category id): counted crimes} in [starts, ends): whole months from the monthly
    roll-up, edge days from the daily rows."""
    split = split_days(starts, ends)
    days_sql, days_params = pieces_sql("day", split.days)
    months_sql, months_params = pieces_sql("month", [split.months] if split.months else [])
    sql = f"""
        SELECT district_id, category_id, sum(crimes) FROM (
            SELECT district_id, category_id, crimes FROM {DailyDistrictCategory._meta.db_table} WHERE ({days_sql})
            UNION ALL
            SELECT district_id, category_id, crimes FROM {MonthlyDistrictCategory._meta.db_table}
            WHERE ({months_sql})
        ) u GROUP BY district_id, category_id
    """  # noqa: S608 - table names from the models; values in params
    with connection.cursor() as cursor:
        cursor.execute(sql, [*days_params, *months_params])
        return {(district, category): int(n) for district, category, n in cursor.fetchall()}


def crime_table(period: Period) -> CrimeTable:
    """Registered crimes by district and top-level category in a published half-year, with district totals,
    category totals and the grand total; small counts and the cells that would reveal them shown as `HIDDEN`."""
    if period.kind != "H":
        raise ValueError(f"crime figures are published for half-years only, not {period.key}")

    categories = list(IncidentCategory.objects.filter(parent__isnull=True).order_by("sort_order", "pk"))
    districts = list(_districts())

    def pattern():
        # Computed once for every language: only the names differ between them.
        counts = _category_counts(period.starts.date(), period.ends.date())
        grid = disclosure.extend([[counts.get((d.pk, c.pk), 0) for c in categories] for d in districts])
        return grid, disclosure.protect(grid)

    grid, hidden = cached(["public-crimes", period.key, cache_token(), [d.pk for d in districts],
                           [c.pk for c in categories]], pattern, 600, per_language=False)

    def shown(i: int, j: int) -> str:
        return HIDDEN if (i, j) in hidden else number(grid[i][j])

    width, last = len(categories), len(districts)
    rows = [CrimeRow(d.region.name, d.name, [shown(i, j) for j in range(width)], shown(i, width))
            for i, d in enumerate(districts)]
    totals = CrimeRow("", "", [shown(last, j) for j in range(width)], shown(last, width))
    return CrimeTable(period, [c.name for c in categories], rows, totals, len(hidden))
