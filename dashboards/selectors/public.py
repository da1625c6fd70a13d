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
from dataclasses import dataclass, field

from django.db import connection
from django.db.models import Count, Q

from core import dates
from core.periods import Period
from incidents.models import IncidentCategory
from mahallas.models import District, Mahalla
from zones.models import Colour, MahallaStatus

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
    region_id: int = 0
    # The shown figures as numbers (None where hidden): what a subtotal may add up. A hidden count never
    # reaches this list, so nothing built from it can give one away.
    shown: list[int | None] = field(default_factory=list)


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

    def figures(i: int) -> list[int | None]:
        return [None if (i, j) in hidden else grid[i][j] for j in range(width + 1)]

    width, last = len(categories), len(districts)
    rows = [CrimeRow(d.region.name, d.name, [shown(i, j) for j in range(width)], shown(i, width), d.region_id,
                     figures(i))
            for i, d in enumerate(districts)]
    totals = CrimeRow("", "", [shown(last, j) for j in range(width)], shown(last, width), 0, figures(last))
    return CrimeTable(period, [c.name for c in categories], rows, totals, len(hidden))


# --- Regions -> districts -> mahallas, for a resident looking for their own mahalla ---------------------------

SORTS = ("name", "mahallas", "green", "yellow", "red", "none", "colour")
COLOUR_RANK = {"red": 0, "yellow": 1, "green": 2, None: 3}
SEARCH_LIMIT = 100


@dataclass
class UnitColours:
    """A region, district or mahalla with its mahallas by colour (a mahalla counts itself, in its colour)."""

    pk: int | None
    name: str
    mahallas: int = 0
    green: int = 0
    yellow: int = 0
    red: int = 0
    parent: str = ""  # a mahalla's district and region, in search results
    colour: str | None = None  # a mahalla's own colour

    @property
    def colour_rank(self) -> int:
        return COLOUR_RANK.get(self.colour, 3)

    @property
    def none(self) -> int:
        return self.mahallas - self.green - self.yellow - self.red

    def add(self, other: UnitColours) -> None:
        self.mahallas += other.mahallas
        self.green += other.green
        self.yellow += other.yellow
        self.red += other.red


def _district_colours(zones_key: str) -> list[dict]:
    """Per district: its pk, name, region and mahallas by colour (cached per language with the colours)."""

    def build():
        colour = {c: Count("id", filter=Q(zone_statuses__period=zones_key, zone_statuses__colour=c))
                  for c in Colour.values}
        counts = {r["district_id"]: r for r in Mahalla.objects.values("district_id")
                  .annotate(n=Count("id", distinct=True), **colour).order_by()}
        return [{"pk": d.pk, "name": d.name, "region_id": d.region_id, "region": d.region.name,
                 **{k: counts.get(d.pk, {}).get(k, 0) for k in ("n", *Colour.values)}} for d in _districts()]

    return cached(["public-district-colours", zones_key, cache_token()], build, 600)


def _unit(pk, name, row) -> UnitColours:
    return UnitColours(pk, name, row["n"], row.get("green", 0), row.get("yellow", 0), row.get("red", 0))


def sort_units(units: list[UnitColours], sort: str) -> list[UnitColours]:
    """Sorted by one of `SORTS` ("-" first: descending); ties and unknown keys by name."""
    key = sort.lstrip("-")
    ordered = sorted(units, key=lambda u: u.name.casefold())
    if key == "colour":
        ordered.sort(key=lambda u: u.colour_rank, reverse=sort.startswith("-"))
    elif key in SORTS and key != "name":
        ordered.sort(key=lambda u: getattr(u, key), reverse=sort.startswith("-"))
    elif sort == "-name":
        ordered.reverse()
    return ordered


def region_colours(zones_key: str) -> tuple[list[UnitColours], UnitColours]:
    """Each region's mahallas by colour, and the country's total."""
    regions: dict[int, UnitColours] = {}
    for row in _district_colours(zones_key):
        regions.setdefault(row["region_id"], UnitColours(row["region_id"], row["region"])).add(
            _unit(row["pk"], row["name"], row))
    total = UnitColours(None, "")
    for region in regions.values():
        total.add(region)
    return list(regions.values()), total


def district_colours(zones_key: str, region_id: int) -> tuple[list[UnitColours], UnitColours]:
    """The region's districts by colour, and the region's subtotal."""
    rows = [r for r in _district_colours(zones_key) if r["region_id"] == region_id]
    units = [_unit(r["pk"], r["name"], r) for r in rows]
    total = UnitColours(region_id, rows[0]["region"] if rows else "")
    for unit in units:
        total.add(unit)
    return units, total


def mahalla_colours(zones_key: str, *, district_id: int | None = None, region_id: int | None = None,
                    text: str = "") -> list[UnitColours]:
    """Mahallas with their own colour: one district's, or those whose name holds `text` (at most
    SEARCH_LIMIT), in the district or region if one is chosen."""
    qs = Mahalla.objects.select_related("district__region").defer(
        "boundary", "district__boundary", "district__region__boundary")
    if district_id:
        qs = qs.filter(district_id=district_id)
    elif region_id:
        qs = qs.filter(district__region_id=region_id)
    if text:
        qs = qs.filter(Q(name_uz__icontains=text) | Q(name_ru__icontains=text) | Q(name_en__icontains=text)
                       | Q(name_uz_cyrl__icontains=text))
    mahallas = list(qs.order_by("name_uz", "pk")[:SEARCH_LIMIT if text or not district_id else None])
    colours = dict(MahallaStatus.objects.filter(period=zones_key, mahalla__in=[m.pk for m in mahallas])
                   .values_list("mahalla_id", "colour"))
    units = []
    for m in mahallas:
        colour = colours.get(m.pk)
        units.append(UnitColours(m.pk, m.name, 1, int(colour == "green"), int(colour == "yellow"),
                                 int(colour == "red"), f"{m.district.name}, {m.district.region.name}", colour))
    return units


def crime_groups(table: CrimeTable, region_id: int | None = None) -> list[tuple[CrimeRow, list[CrimeRow]]]:
    """The crime table's districts grouped by region, each group under its subtotal row (only the chosen region's
    when `region_id`). A subtotal is shown only where every district figure it adds is shown: then it is their
    sum and tells nothing new; one hidden figure hides it (else subtotal minus the shown ones would be that
    figure)."""
    groups: dict[int, list[CrimeRow]] = {}
    for row in table.rows:
        if region_id is None or row.region_id == region_id:
            groups.setdefault(row.region_id, []).append(row)
    found = []
    for rid, rows in groups.items():
        sums: list[int | None] = []
        for j in range(len(table.categories) + 1):
            column = [r.shown[j] for r in rows]
            sums.append(None if any(v is None for v in column) else sum(column))
        text = [HIDDEN if v is None else number(v) for v in sums]
        found.append((CrimeRow(rows[0].region, rows[0].region, text[:-1], text[-1], rid, sums), rows))
    return found
