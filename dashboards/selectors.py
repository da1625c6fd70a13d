"""Reads of the dashboards. Every one starts from the territory the user may see (`visible_to(user)`), then
reads the pre-aggregated tables (dashboards.models) for that territory.

`dashboard_scope()` turns "who you are" and the requested unit into a `Scope`: the region or district is looked
up through `Region/District.objects.visible_to(user)` and the user's scope level, so a unit outside it
answers exactly like one that does not exist. The pre-aggregated rows are then filtered by that unit's id.

A period is read as its whole months from the monthly roll-ups and its edge days from the daily tables
(`_range_sums`), so a year costs about as much as a month.

Results are cached in Redis for a short time under a key that carries the pre-aggregates' version and the
time of the last zone-status recompute, so a refresh is seen by the next request. The map layers are in
`maps`.
"""

from __future__ import annotations

import datetime
import hashlib
import operator
from dataclasses import dataclass, field
from functools import cached_property, reduce

from django.core.cache import cache
from django.db import connection
from django.db.models import Count, Q, Sum
from django.db.models.functions import TruncMonth
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from accounts.capabilities import can
from accounts.models import Assignment, Role
from incidents.models import IncidentCategory
from mahallas.models import District, Mahalla, Region, name_field
from mahallas.scope import ScopeLevel, scope_of
from roadmaps.selectors import territory_progress
from zones.models import MahallaStatus, RecomputeRun
from zones.selectors import ColourCounts, colour_counts_by_district, sum_counts

from .models import (
    DailyDistrictCategory,
    DailyDistrictStats,
    DailyMahallaStats,
    MonthlyDistrictCategory,
    MonthlyDistrictStats,
    MonthlyMahallaStats,
)
from .periods import DashPeriod, _add_months, split_days
from .stats import COUNTERS

CACHE_SECONDS = 120
TREND_MONTHS = 12
TREND_SERIES = 5
RANKING_ROWS = 15


class DashboardNotFound(Exception):
    """The unit does not exist or lies outside the user's territory (both answer 404)."""


# --- Scope -------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Scope:
    level: str  # "national" | "region" | "district"
    region: Region | None = None
    district: District | None = None

    @property
    def territory(self):
        return self.district or self.region

    @property
    def key(self) -> str:
        return {"national": "n", "region": f"r{self.region and self.region.pk}",
                "district": f"d{self.district and self.district.pk}"}[self.level]

    @property
    def stats_filter(self) -> dict:
        if self.level == "district":
            return {"district_id": self.district.pk}
        if self.level == "region":
            return {"region_id": self.region.pk}
        return {}

    @property
    def mahalla_filter(self) -> dict:
        if self.level == "district":
            return {"district_id": self.district.pk}
        if self.level == "region":
            return {"district__region_id": self.region.pk}
        return {}

    @property
    def child_level(self) -> str:
        return {"national": "region", "region": "district", "district": "mahalla"}[self.level]

    @property
    def name(self) -> str:
        return self.territory.name if self.territory else _("Uzbekistan")


def home_scope(user) -> Scope:
    """The dashboard a user lands on: their own territory."""
    if not can(user, "dashboards.view"):
        raise DashboardNotFound
    return own_territory_scope(user)


def own_territory_scope(user) -> Scope:
    """The user's own territory as a Scope (the caller has checked what the user may view)."""
    level = scope_of(user).level
    if level == ScopeLevel.NATIONAL:
        return Scope("national")
    if level == ScopeLevel.REGION:
        return territory_scope(user, region_id=scope_of(user).region_id)
    if level == ScopeLevel.DISTRICT:
        return territory_scope(user, district_id=scope_of(user).district_id)
    raise DashboardNotFound


def dashboard_scope(user, *, region_id: int | None = None, district_id: int | None = None) -> Scope:
    if not can(user, "dashboards.view"):
        raise DashboardNotFound
    return territory_scope(user, region_id=region_id, district_id=district_id)


def territory_scope(user, *, region_id: int | None = None, district_id: int | None = None) -> Scope:
    """The requested unit, looked up through visible_to: one outside the user's territory does not exist.
    The caller has checked that the user may view the page at all."""
    level = scope_of(user).level
    if district_id is not None:
        district = (District.objects.visible_to(user).select_related("region")
                    .defer("boundary", "region__boundary").filter(pk=district_id).first())
        if district is None:
            raise DashboardNotFound
        return Scope("district", region=district.region, district=district)
    if region_id is not None:
        # A district official "sees" their region in the territory tree, but not the region's figures.
        region = Region.objects.visible_to(user).defer("boundary").filter(pk=region_id).first()
        if region is None or level not in (ScopeLevel.NATIONAL, ScopeLevel.REGION):
            raise DashboardNotFound
        return Scope("region", region=region)
    if level != ScopeLevel.NATIONAL:
        raise DashboardNotFound
    return Scope("national")


def visible_mahallas(user, scope: Scope):
    return Mahalla.objects.visible_to(user).filter(**scope.mahalla_filter)


# --- Caching -----------------------------------------------------------------------------------------


def cache_token() -> str:
    """Changes when the pre-aggregates are refreshed or zone statuses recomputed."""
    with connection.cursor() as cursor:
        cursor.execute(f"""SELECT (SELECT version FROM dashboards_refreshstate WHERE id = 1),
                                  (SELECT max(started_at) FROM {RecomputeRun._meta.db_table})""")  # noqa: S608
        version, zones_run = cursor.fetchone()
    return f"{version or 0}:{zones_run.timestamp() if zones_run else 0}"


def _cached(parts: list, build, seconds: int = CACHE_SECONDS, *, prefix: str = "dash", per_language: bool = True):
    """`build()`, kept in Redis under the key of `parts` (and of the reader's language, unless it cannot differ)."""
    if per_language:
        parts = [(get_language() or "uz")[:2], *parts]
    raw = ":".join(str(p) for p in parts)
    key = f"{prefix}:" + hashlib.sha256(raw.encode()).hexdigest()[:32]
    value = cache.get(key)
    if value is None:
        value = build()
        cache.set(key, value, seconds)
    return value


# --- Tiles -------------------------------------------------------------------------------------------


@dataclass
class Tile:
    key: str
    label: str
    value: float | None
    previous: float | None = None
    kind: str = "count"  # count | percent | ratio
    note: str = ""
    available: bool = True
    unavailable_text: str = ""
    # Whether a rise is bad news (crimes) or good news (coverage): colours the change.
    rise_is_bad: bool | None = True

    @property
    def change(self) -> float | None:
        if self.value is None or self.previous is None:
            return None
        return self.value - self.previous

    @property
    def change_pct(self) -> float | None:
        if self.kind != "count" or self.change is None or not self.previous:
            return None
        return self.change / self.previous * 100

    @property
    def trend(self) -> str:
        change = self.change
        if change is None or abs(change) < 1e-9:
            return "same"
        if self.rise_is_bad is None:
            return "neutral"
        return "worse" if (change > 0) == self.rise_is_bad else "better"

    @staticmethod
    def _fmt(value, kind) -> str:
        if value is None:
            return "—"
        if kind == "percent":
            return f"{value:.1f}%"
        if kind == "ratio":
            return f"{value:.1f}"
        return f"{int(value):,}".replace(",", "\u202f")

    @property
    def display(self) -> str:
        return self._fmt(self.value, self.kind)

    @property
    def previous_display(self) -> str:
        return self._fmt(self.previous, self.kind)

    @property
    def change_display(self) -> str:
        change = self.change
        if change is None:
            return ""
        sign = "+" if change > 0 else ("−" if change < 0 else "±")
        if self.kind == "percent":
            return _("%(sign)s%(n).1f pp") % {"sign": sign, "n": abs(change)}
        if self.kind == "ratio":
            return f"{sign}{abs(change):.1f}"
        text = f"{sign}{int(abs(change)):,}".replace(",", "\u202f")
        if self.change_pct is not None:
            text += f" ({sign}{abs(self.change_pct):.0f}%)"
        return text

    def as_dict(self) -> dict:
        return {"key": self.key, "label": str(self.label), "value": self.value, "previous": self.previous,
                "change": self.change, "kind": self.kind, "available": self.available, "note": str(self.note),
                "display": self.display if self.available else str(self.unavailable_text)}


def _pct(part, whole) -> float | None:
    return part * 100.0 / whole if whole else None


# (daily table, its monthly roll-up)
DISTRICT_STATS = (DailyDistrictStats, MonthlyDistrictStats)
MAHALLA_STATS = (DailyMahallaStats, MonthlyMahallaStats)
CATEGORY_STATS = (DailyDistrictCategory, MonthlyDistrictCategory)


# Columns `_range_sums` may filter or group by (its SQL is assembled from these names only).
_KEY_COLUMNS = frozenset({"region_id", "district_id", "mahalla_id", "category_id"})


def pieces_sql(column: str, pieces) -> tuple[str, list]:
    """A WHERE condition (and its parameters) for `column` within any of the [start, end) pieces."""
    if not pieces:
        return "false", []
    return " OR ".join(f"({column} >= %s AND {column} < %s)" for _piece in pieces), [d for p in pieces for d in p]


def _range_sums(tables, filters: dict, ranges: dict[str, tuple[datetime.date, datetime.date, tuple[str, ...]]],
                group: str | None = None) -> dict:
    """Counters summed over ranges of days [start, end): whole months from the monthly roll-up, the edge days
    from the daily table, one query each. `ranges` names each range and the counters it needs; the answer is
    {group value (None without `group`): {"<range>_<counter>": sum}}, zero where nothing happened.

    Plain SQL: the tiles need 44 filtered sums, and building them as ORM expressions cost more than running
    them."""
    if not set(filters) | {group or "region_id"} <= _KEY_COLUMNS:
        raise ValueError(f"not a key column: {filters} {group}")
    splits = {name: split_days(start, end) for name, (start, end, _counters) in ranges.items()}
    names = [f"{name}_{c}" for name, (_s, _e, counters) in ranges.items() for c in counters]
    result: dict = {} if group else {None: {}}
    for model, column in zip(tables, ("day", "month"), strict=True):
        selects, select_params, conditions, where_params, selected = [], [], [], [], []
        for name, (_start, _end, counters) in ranges.items():
            split = splits[name]
            pieces = split.days if column == "day" else ([split.months] if split.months else [])
            if not pieces:
                continue
            condition, params = pieces_sql(column, pieces)
            conditions.append(condition)
            where_params += params
            for counter in counters:
                if counter not in COUNTERS:
                    raise ValueError(counter)
                selects.append(f"coalesce(sum({counter}) FILTER (WHERE {condition}), 0)")
                select_params += params
                selected.append(f"{name}_{counter}")
        if not selects:
            continue
        unit = "".join(f" AND {key} = %s" for key in filters)
        sql = (f"SELECT {group + ', ' if group else ''}{', '.join(selects)} "  # noqa: S608 - names checked above
               f"FROM {model._meta.db_table} WHERE ({' OR '.join(conditions)}){unit}"
               f"{' GROUP BY ' + group if group else ''}")
        with connection.cursor() as cursor:
            cursor.execute(sql, [*select_params, *where_params, *filters.values()])
            rows = cursor.fetchall()
        for row in rows:
            key, values = (row[0], row[1:]) if group else (None, row)
            target = result.setdefault(key, {})
            for name, value in zip(selected, values, strict=True):
                target[name] = target.get(name, 0) + value
    for values in result.values():
        for name in names:
            values.setdefault(name, 0)
    return result


def _sums(scope: Scope, period: DashPeriod, previous: DashPeriod, today) -> tuple[dict, dict]:
    """Both periods' counters over the per-district rows."""
    row = _range_sums(DISTRICT_STATS, scope.stats_filter,
                      {"c": (period.start, period.effective_end(today), COUNTERS),
                       "p": (previous.start, previous.end, COUNTERS)})[None]
    return ({n: row[f"c_{n}"] for n in COUNTERS}, {n: row[f"p_{n}"] for n in COUNTERS})


def _coverage(user, scope: Scope, days: list[datetime.date]) -> dict:
    """Mahallas of the scope and, for each day, how many had an active inspector / social worker."""
    mahallas = visible_mahallas(user, scope)
    result = mahallas.aggregate(mahallas=Count("id"), population=Sum("population", default=0))
    # Counted from the assignments (thousands) rather than probed per mahalla (9,000 lookups per day and role).
    aggregates = {}
    for i, day in enumerate(days):
        active = Q(pk__in=Assignment.objects.active(day).values("pk"))
        aggregates[f"insp{i}"] = Count("mahalla_id", distinct=True, filter=active & Q(role=Role.INSPECTOR))
        aggregates[f"soc{i}"] = Count("mahalla_id", distinct=True, filter=active & Q(role=Role.SOCIAL_WORKER))
    result.update(Assignment.objects.visible_to(user).filter(mahalla__in=mahallas.values("pk"))
                  .aggregate(**aggregates))
    return result


def _roadmap_tiles(user, scope: Scope, period: DashPeriod, today) -> list[Tile]:
    year = (period.effective_end(today) - datetime.timedelta(days=1)).year
    progress = territory_progress(user, scope.territory, year=year, today=today, kpis=False)
    note = _("roadmaps of %(year)s in force") % {"year": year}
    return [
        Tile("roadmap_completion", _("Roadmap completion"), progress.completion, kind="percent", note=note,
             rise_is_bad=False),
        Tile("roadmap_overdue", _("Overdue roadmap measures"), progress.overdue,
             note=_("of %(n)s measures, as of today") % {"n": progress.items}),
    ]


@dataclass
class ZoneCounts:
    """Mahallas by zone colour per district, for the zone period the dashboard period maps to and the one
    before it (None when there is none): one query shared by the tiles, the table and the ranking."""
    label: str
    by_district: dict[int, list[ColourCounts]]
    has_previous: bool

    def total(self, which: int = 0) -> ColourCounts:
        return sum_counts(counts[which] for counts in self.by_district.values())

    def of(self, district_ids, which: int = 0) -> ColourCounts | None:
        found = [self.by_district[d][which] for d in district_ids if d in self.by_district]
        return sum_counts(found) if found else None


def zone_counts(user, scope: Scope, period: DashPeriod, today) -> ZoneCounts:
    zp = period.zones_period(today)
    try:
        periods = [zp, zp.previous()]
    except ValueError:
        periods = [zp]
    by_district = colour_counts_by_district(user, periods, region=None if scope.district else scope.region,
                                            district=scope.district)
    return ZoneCounts(str(zp.label), by_district, has_previous=len(periods) > 1)


def _zone_tiles(zones: ZoneCounts) -> list[Tile]:
    current = zones.total(0)
    before = zones.total(1) if zones.has_previous else None
    computed = current.green + current.yellow + current.red
    note = _("zone status %(period)s") % {"period": zones.label}
    missing = _("not computed for %(period)s") % {"period": zones.label}
    prev_ok = before is not None and (before.green + before.yellow + before.red) > 0
    green_share = current.share("green") * 100 if current.mahallas else None
    return [
        Tile("green", _("Green mahallas"), current.green, before.green if prev_ok else None, rise_is_bad=False,
             note=(_("%(share).1f%% of %(n)s mahallas · %(when)s")
                   % {"share": green_share or 0, "n": current.mahallas, "when": zones.label}),
             available=computed > 0, unavailable_text=missing),
        Tile("green_share", _("Green share"), green_share,
             before.share("green") * 100 if prev_ok else None, kind="percent", rise_is_bad=False, note=note,
             available=computed > 0, unavailable_text=missing),
        Tile("yellow", _("Yellow mahallas"), current.yellow, before.yellow if prev_ok else None, note=note,
             available=computed > 0, unavailable_text=missing),
        Tile("red", _("Red mahallas"), current.red, before.red if prev_ok else None, note=note,
             available=computed > 0, unavailable_text=missing),
    ]


def tiles(user, scope: Scope, period: DashPeriod, *, today: datetime.date | None = None,
          zones: ZoneCounts | None = None) -> list[Tile]:
    from core.periods import today as tashkent_today

    today = today or tashkent_today()
    zones = zones or zone_counts(user, scope, period, today)
    previous = period.previous(today)
    cur, prev = _sums(scope, period, previous, today)
    last_day = period.effective_end(today) - datetime.timedelta(days=1)
    cover = _coverage(user, scope, [max(last_day, period.start), max(previous.end - datetime.timedelta(days=1),
                                                                     previous.start)])
    mahallas = cover["mahallas"]
    result = [
        Tile("crimes", _("Registered crimes"), cur["crimes"], prev["crimes"],
             note=_("%(rate)s per 1,000 residents") % {
                 "rate": f"{cur['crimes'] * 1000 / cover['population']:.2f}" if cover["population"] else "—"}),
        *_zone_tiles(zones),
        Tile("cyber_share", _("Cybercrime share"), _pct(cur["cyber"], cur["crimes"]),
             _pct(prev["cyber"], prev["crimes"]), kind="percent",
             note=_("%(n)s cybercrimes") % {"n": cur["cyber"]}),
        Tile("bank_card_share", _("Bank-card share of cybercrime"), _pct(cur["bank_card"], cur["cyber"]),
             _pct(prev["bank_card"], prev["cyber"]), kind="percent",
             note=_("%(n)s bank-card cybercrimes") % {"n": cur["bank_card"]}),
        Tile("drug", _("Drug crimes"), cur["drug"], prev["drug"]),
        Tile("minor", _("Crimes involving minors"), cur["minor"], prev["minor"]),
        Tile("youth", _("Crimes involving youth"), cur["youth"], prev["youth"]),
        Tile("woman", _("Crimes against women"), cur["woman"], prev["woman"]),
        Tile("alerts", _("Camera alerts"), cur["alerts"], prev["alerts"], rise_is_bad=None,
             note=_("%(n)s confirmed, %(d)s dismissed") % {"n": cur["alerts_confirmed"],
                                                           "d": cur["alerts_dismissed"]}),
        Tile("alert_confirmation", _("Alert confirmation rate"),
             _pct(cur["alerts_confirmed"], cur["alerts_confirmed"] + cur["alerts_dismissed"]),
             _pct(prev["alerts_confirmed"], prev["alerts_confirmed"] + prev["alerts_dismissed"]),
             kind="percent", rise_is_bad=None, note=_("confirmed of reviewed (confirmed + dismissed)")),
        Tile("inspector_coverage", _("Inspector coverage"), _pct(cover["insp0"], mahallas),
             _pct(cover["insp1"], mahallas), kind="percent", rise_is_bad=False,
             note=_("%(n)s of %(total)s mahallas on %(day)s") % {"n": cover["insp0"], "total": mahallas,
                                                                  "day": last_day.isoformat()}),
        Tile("social_worker_coverage", _("Social-worker coverage"), _pct(cover["soc0"], mahallas),
             _pct(cover["soc1"], mahallas), kind="percent", rise_is_bad=False,
             note=_("%(n)s of %(total)s mahallas on %(day)s") % {"n": cover["soc0"], "total": mahallas,
                                                                  "day": last_day.isoformat()}),
        Tile("visits_per_mahalla", _("Field visits per mahalla"),
             cur["visits"] / mahallas if mahallas else None, prev["visits"] / mahallas if mahallas else None,
             kind="ratio", rise_is_bad=False, note=_("%(n)s visits") % {"n": cur["visits"]}),
        *_roadmap_tiles(user, scope, period, today),
    ]
    return result


# --- Tables ------------------------------------------------------------------------------------------


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
        return _pct(self.alerts_confirmed, self.alerts_confirmed + self.alerts_dismissed)

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


def _grouped(tables, key: str, filters: dict, period: DashPeriod, previous: DashPeriod, today) -> dict:
    sums = _range_sums(tables, filters, {"c": (period.start, period.effective_end(today), _ROW_COUNTERS),
                                         "p": (previous.start, previous.end, ("crimes",))}, group=key)
    return {unit: {**{name: row[f"c_{name}"] for name in _ROW_COUNTERS}, "previous_crimes": row["p_crimes"]}
            for unit, row in sums.items()}


def _names(qs, *extra: str) -> list[tuple]:
    """(pk, code, name in the active language, *extra) of the units in `qs`, ordered by Uzbek name: plain
    tuples, since a table of 206 districts spent more on building model instances than on its queries."""
    rows = qs.order_by("name_uz", "id").values_list("pk", "code", "name_uz", name_field(), *extra)
    return [(pk, code, name or uz, *rest) for pk, code, uz, name, *rest in rows]


def unit_rows(user, scope: Scope, period: DashPeriod, *, today=None, child_level: str | None = None,
              zones: ZoneCounts | None = None) -> list[UnitRow]:
    """One row per child unit of the scope (regions, districts or mahallas), with drill-down links."""
    from core.periods import today as tashkent_today

    today = today or tashkent_today()
    previous = period.previous(today)
    level = child_level or scope.child_level
    zp = period.zones_period(today)
    query = f"?period={period.key}"
    mahallas = visible_mahallas(user, scope)
    if level == "mahalla":
        mahalla_url = _url_maker("territories:mahalla")
        stats = _grouped(MAHALLA_STATS, "mahalla_id", scope.stats_filter, period, previous, today)
        colours = dict(MahallaStatus.objects.visible_to(user).filter(period=zp.key, mahalla__in=mahallas)
                       .values_list("mahalla_id", "colour"))
        rows = []
        for pk, code, name, population in _names(mahallas, "population"):
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
        units = _names(Region.objects.visible_to(user))
        unit_url = _url_maker("dashboards:region")
        members: dict[int, list[int]] = {}
        for district_id, region_id in District.objects.visible_to(user).values_list("pk", "region_id"):
            members.setdefault(region_id, []).append(district_id)
    else:
        units = _names(District.objects.visible_to(user).filter(
            **({"region_id": region_filter} if region_filter else {})))
        unit_url = _url_maker("dashboards:district")
    rows = []
    for pk, code, name in units:
        size = sizes.get(pk, {})
        zone = zones.of(members.get(pk, []) if level == "region" else [pk])
        row = UnitRow(pk, code, name, unit_url(pk) + query, size.get("n", 0), size.get("people") or 0,
                      green=zone.green if zone else None, yellow=zone.yellow if zone else None,
                      red=zone.red if zone else None)
        rows.append(_fill(row, stats.get(pk)))
    return rows


def _url_maker(url_name: str):
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


def regions_from_districts(user, period: DashPeriod, district_rows: list[UnitRow]) -> list[UnitRow]:
    """The national table's regions as the sums of their districts' rows (every figure in a row adds up),
    so the national dashboard reads the pre-aggregates and zone statuses once, by district, for both its
    table and its ranking."""
    region_of = dict(District.objects.visible_to(user).values_list("pk", "region_id"))
    members: dict[int, list[UnitRow]] = {}
    for row in district_rows:
        members.setdefault(region_of.get(row.id), []).append(row)
    url = _url_maker("dashboards:region")
    rows = []
    for pk, code, name in _names(Region.objects.visible_to(user)):
        row = totals_row(members.get(pk, []))
        row.id, row.code, row.name = pk, code, name
        row.url = url(pk) + f"?period={period.key}"
        rows.append(row)
    return rows


def ranking_level(scope: Scope) -> str:
    return "mahalla" if scope.level == "district" else "district"


def ranking(user, scope: Scope, period: DashPeriod, *, today=None, limit: int = RANKING_ROWS,
            rows: list[UnitRow] | None = None) -> list[UnitRow]:
    """Districts (mahallas, on a district dashboard) ranked by registered crimes per 1,000 residents.
    `rows`: the scope's table when it already lists those units (a region's districts, a district's mahallas)."""
    if rows is None:
        rows = unit_rows(user, scope, period, today=today, child_level=ranking_level(scope))
    rows = [r for r in rows if r.population]
    rows.sort(key=lambda r: (-(r.rate or 0), r.name))
    return rows[:limit]


# --- Categories and trend ----------------------------------------------------------------------------


def _category_names() -> dict[int, str]:
    return {c.pk: c.name for c in IncidentCategory.objects.filter(parent__isnull=True).order_by("sort_order")}


def category_breakdown(scope: Scope, period: DashPeriod, *, today=None) -> list[dict]:
    sums = _range_sums(CATEGORY_STATS, scope.stats_filter,
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

    @property
    def table(self) -> list[tuple[datetime.date, list[int], int]]:
        """(month, each series' value, total): the chart's data table, row by row."""
        return [(month, [s["values"][i] for s in self.series], self.totals[i]) for i, month in enumerate(self.months)]


def monthly_trend(scope: Scope, period: DashPeriod, *, today=None, months: int = TREND_MONTHS) -> Trend:
    """Registered crimes per month by top-level category: the 12 months up to the period's last one."""
    last = (period.effective_end(today) - datetime.timedelta(days=1)).replace(day=1)
    first = _add_months(last, -(months - 1))
    end = min(_add_months(last, 1), period.effective_end(today))
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
    month_list = [_add_months(first, i) for i in range(months)]
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
    return Trend(month_list, series, totals)


# --- Whole dashboard ---------------------------------------------------------------------------------


class DashboardData:
    """The parts of a dashboard, each built on first use and cached apart: an API endpoint that shows one
    part never waits for the others, and the page reads the parts the endpoints already cached."""

    def __init__(self, user, scope: Scope, period: DashPeriod, today: datetime.date):
        self.user, self.scope, self.period, self.today = user, scope, period, today
        self._token = cache_token()

    def _part(self, name: str, build):
        return _cached([name, self.scope.key, self.period.key, self.today, self._token], build)

    @cached_property
    def zones(self) -> ZoneCounts:
        return self._part("zones", lambda: zone_counts(self.user, self.scope, self.period, self.today))

    @cached_property
    def tiles(self) -> list[Tile]:
        return self._part("tiles", lambda: tiles(self.user, self.scope, self.period, today=self.today,
                                                 zones=self.zones))

    @cached_property
    def rows(self) -> list[UnitRow]:
        if self.scope.level == "national":
            return self._part("rows", lambda: regions_from_districts(self.user, self.period, self._districts))
        return self._part("rows", lambda: unit_rows(self.user, self.scope, self.period, today=self.today,
                                                    zones=None if self.scope.level == "district" else self.zones))

    @cached_property
    def _districts(self) -> list[UnitRow]:
        """The national dashboard's district rows: its ranking, and its regions summed."""
        return self._part("districts", lambda: unit_rows(self.user, self.scope, self.period, today=self.today,
                                                         child_level="district", zones=self.zones))

    @cached_property
    def total(self) -> UnitRow:
        return totals_row(self.rows)

    @cached_property
    def categories(self) -> list[dict]:
        return self._part("categories", lambda: category_breakdown(self.scope, self.period, today=self.today))

    @cached_property
    def trend(self) -> Trend:
        return self._part("trend", lambda: monthly_trend(self.scope, self.period, today=self.today))

    @cached_property
    def ranking(self) -> list[UnitRow]:
        if ranking_level(self.scope) == self.scope.child_level:
            return ranking(self.user, self.scope, self.period, today=self.today, rows=self.rows)
        return ranking(self.user, self.scope, self.period, today=self.today, rows=self._districts)


def dashboard_data(user, scope: Scope, period: DashPeriod, *, today=None) -> DashboardData:
    from core.periods import today as tashkent_today

    return DashboardData(user, scope, period, today or tashkent_today())
