"""The SQL builder of the dashboards: counters of the pre-aggregated tables (dashboards.models) summed over
ranges of days.

A range is read as its whole months from the monthly roll-up and its edge days from the daily table
(`split_days`), so a year costs about as much as a month.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db import connection

from core.periods import add_months

from ..models import (
    DailyDistrictCategory,
    DailyDistrictStats,
    DailyMahallaStats,
    MonthlyDistrictCategory,
    MonthlyDistrictStats,
    MonthlyMahallaStats,
)
from ..stats import COUNTERS


def pct(part, whole) -> float | None:
    """`part` as a percentage of `whole`; None when there is no whole."""
    return part * 100.0 / whole if whole else None


# (daily table, its monthly roll-up)
DISTRICT_STATS = (DailyDistrictStats, MonthlyDistrictStats)
MAHALLA_STATS = (DailyMahallaStats, MonthlyMahallaStats)
CATEGORY_STATS = (DailyDistrictCategory, MonthlyDistrictCategory)


# Columns `range_sums` may filter or group by (its SQL is assembled from these names only).
_KEY_COLUMNS = frozenset({"region_id", "district_id", "mahalla_id", "category_id"})


def pieces_sql(column: str, pieces) -> tuple[str, list]:
    """A WHERE condition (and its parameters) for `column` within any of the [start, end) pieces."""
    if not pieces:
        return "false", []
    return " OR ".join(f"({column} >= %s AND {column} < %s)" for _piece in pieces), [d for p in pieces for d in p]


def range_sums(tables, filters: dict, ranges: dict[str, tuple[datetime.date, datetime.date, tuple[str, ...]]],
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


@dataclass(frozen=True)
class DaySplit:
    """A range of days [start, end) as the whole months inside it plus the days at either edge, so a read
    takes the months from the monthly roll-up and only the edge days from the daily table."""

    days: tuple[tuple[datetime.date, datetime.date], ...]  # [start, end) ranges of single days
    months: tuple[datetime.date, datetime.date] | None  # [first, end) month starts, or None


def split_days(start: datetime.date, end: datetime.date) -> DaySplit:
    if end <= start:
        return DaySplit((), None)
    first = start if start.day == 1 else add_months(start.replace(day=1), 1)
    last = end.replace(day=1)
    if first >= last:
        return DaySplit(((start, end),), None)
    days = tuple(r for r in ((start, first), (last, end)) if r[0] < r[1])
    return DaySplit(days, (first, last))
