"""The dashboard's tables: one row per child unit of the scope (regions, districts or mahallas) with its
figures and drill-down link, their total, and the ranking by crimes per 1,000 residents."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Count, Sum
from django.urls import reverse
from django.utils.translation import gettext as _

from core import dates
from core.periods import Period
from mahallas.models import District, Region, name_field
from zones.models import MahallaStatus

from .access import Scope, visible_mahallas
from .colours import ZoneCounts, zone_counts
from .sums import DISTRICT_STATS, MAHALLA_STATS, pct, range_sums

RANKING_ROWS = 15


@dataclass
class UnitRow:
    id: int
    code: str
    name: str
    url: str
    mahallas: int = 0
    population: int = 0
    crimes: int = 0
    previous_crimes: int = 0
    cyber: int = 0
    drug: int = 0
    alerts: int = 0
    alerts_confirmed: int = 0
    alerts_dismissed: int = 0
    visits: int = 0
    green: int | None = None
    yellow: int | None = None
    red: int | None = None
    colour: str = ""

    @property
    def rate(self) -> float | None:
        return self.crimes * 1000 / self.population if self.population else None

    @property
    def confirmation(self) -> float | None:
        return pct(self.alerts_confirmed, self.alerts_confirmed + self.alerts_dismissed)

    @property
    def change(self) -> int:
        return self.crimes - self.previous_crimes

    def as_dict(self) -> dict:
        return {"id": self.id, "code": self.code, "name": self.name, "url": self.url, "mahallas": self.mahallas,
                "population": self.population, "crimes": self.crimes, "previous_crimes": self.previous_crimes,
                "rate": None if self.rate is None else round(self.rate, 3), "cyber": self.cyber,
                "drug": self.drug, "alerts": self.alerts, "alerts_confirmed": self.alerts_confirmed,
                "alerts_dismissed": self.alerts_dismissed, "visits": self.visits, "green": self.green,
                "yellow": self.yellow, "red": self.red, "colour": self.colour}


_ROW_COUNTERS = ("crimes", "cyber", "drug", "alerts", "alerts_confirmed", "alerts_dismissed", "visits")


def _grouped(tables, key: str, filters: dict, period: Period, previous: Period, today) -> dict:
    sums = range_sums(tables, filters, {"c": (period.start, period.effective_end(today), _ROW_COUNTERS),
                                        "p": (previous.start, previous.end, ("crimes",))}, group=key)
    return {unit: {**{name: row[f"c_{name}"] for name in _ROW_COUNTERS}, "previous_crimes": row["p_crimes"]}
            for unit, row in sums.items()}


def unit_names(qs, *extra: str) -> list[tuple]:
    """(pk, code, name in the active language, *extra) of the units in `qs`, ordered by Uzbek name: plain
    tuples, since a table of 206 districts spent more on building model instances than on its queries."""
    rows = qs.order_by("name_uz", "id").values_list("pk", "code", "name_uz", name_field(), *extra)
    return [(pk, code, name or uz, *rest) for pk, code, uz, name, *rest in rows]


def unit_rows(user, scope: Scope, period: Period, *, today=None, child_level: str | None = None,
              zones: ZoneCounts | None = None) -> list[UnitRow]:
    """One row per child unit of the scope (regions, districts or mahallas), with drill-down links."""
    today = today or dates.today()
    previous = period.comparison(today)
    level = child_level or scope.child_level
    zp = period.status_period(today)
    query = f"?period={period.key}"
    mahallas = visible_mahallas(user, scope)
    if level == "mahalla":
        mahalla_url = url_maker("territories:mahalla")
        stats = _grouped(MAHALLA_STATS, "mahalla_id", scope.stats_filter, period, previous, today)
        colours = dict(MahallaStatus.objects.visible_to(user).filter(period=zp.key, mahalla__in=mahallas)
                       .values_list("mahalla_id", "colour"))
        rows = []
        for pk, code, name, population in unit_names(mahallas, "population"):
            row = UnitRow(pk, code, name, mahalla_url(pk), 1, population, colour=colours.get(pk, ""))
            rows.append(_fill(row, stats.get(pk)))
        return rows
    key = "region_id" if level == "region" else "district_id"
    stats = _grouped(DISTRICT_STATS, key, scope.stats_filter, period, previous, today)
    group = "district__region_id" if level == "region" else "district_id"
    sizes = {r[group]: r for r in mahallas.values(group).annotate(n=Count("id"), people=Sum("population"))
             .order_by()}
    zones = zones or zone_counts(user, scope, period, today)
    region_filter = scope.region.pk if scope.level == "region" else None
    if level == "region":
        units = unit_names(Region.objects.visible_to(user))
        unit_url = url_maker("dashboards:region")
        members: dict[int, list[int]] = {}
        for district_id, region_id in District.objects.visible_to(user).values_list("pk", "region_id"):
            members.setdefault(region_id, []).append(district_id)
    else:
        units = unit_names(District.objects.visible_to(user).filter(
            **({"region_id": region_filter} if region_filter else {})))
        unit_url = url_maker("dashboards:district")
    rows = []
    for pk, code, name in units:
        size = sizes.get(pk, {})
        zone = zones.of(members.get(pk, []) if level == "region" else [pk])
        row = UnitRow(pk, code, name, unit_url(pk) + query, size.get("n", 0), size.get("people") or 0,
                      green=zone.green if zone else None, yellow=zone.yellow if zone else None,
                      red=zone.red if zone else None)
        rows.append(_fill(row, stats.get(pk)))
    return rows


def url_maker(url_name: str):
    """pk -> the page's URL, reversed once (206 districts: reverse() per row cost more than their query)."""
    sentinel = "987654321"
    prefix, _found, suffix = reverse(url_name, args=[sentinel]).partition(sentinel)
    return lambda pk: f"{prefix}{pk}{suffix}"


def _fill(row: UnitRow, stats: dict | None) -> UnitRow:
    if stats:
        for name in (*_ROW_COUNTERS, "previous_crimes"):
            setattr(row, name, stats[name])
    return row


def totals_row(rows: list[UnitRow]) -> UnitRow:
    total = UnitRow(0, "", _("Total"), "")
    for name in ("mahallas", "population", *_ROW_COUNTERS, "previous_crimes"):
        setattr(total, name, sum(getattr(r, name) for r in rows))
    for colour in ("green", "yellow", "red"):
        values = [getattr(r, colour) for r in rows if getattr(r, colour) is not None]
        setattr(total, colour, sum(values) if values else None)
    return total


def regions_from_districts(user, period: Period, district_rows: list[UnitRow]) -> list[UnitRow]:
    """The national table's regions as the sums of their districts' rows (every figure in a row adds up),
    so the national dashboard reads the pre-aggregates and zone statuses once, by district, for both its
    table and its ranking."""
    region_of = dict(District.objects.visible_to(user).values_list("pk", "region_id"))
    members: dict[int, list[UnitRow]] = {}
    for row in district_rows:
        members.setdefault(region_of.get(row.id), []).append(row)
    url = url_maker("dashboards:region")
    rows = []
    for pk, code, name in unit_names(Region.objects.visible_to(user)):
        row = totals_row(members.get(pk, []))
        row.id, row.code, row.name = pk, code, name
        row.url = url(pk) + f"?period={period.key}"
        rows.append(row)
    return rows


def ranking_level(scope: Scope) -> str:
    return "mahalla" if scope.level == "district" else "district"


def ranking(user, scope: Scope, period: Period, *, today=None, limit: int = RANKING_ROWS,
            rows: list[UnitRow] | None = None) -> list[UnitRow]:
    """Districts (mahallas, on a district dashboard) ranked by registered crimes per 1,000 residents.
    `rows`: the scope's table when it already lists those units (a region's districts, a district's mahallas)."""
    if rows is None:
        rows = unit_rows(user, scope, period, today=today, child_level=ranking_level(scope))
    rows = [r for r in rows if r.population]
    rows.sort(key=lambda r: (-(r.rate or 0), r.name))
    return rows[:limit]

