"""The week grid of field visits: seven Tashkent days, Monday first, each with its visits and its count."""

from __future__ import annotations

import contextlib
import datetime
from dataclasses import dataclass

from django.db.models import Count
from django.db.models.functions import TruncDate

from core.dates import TASHKENT, local_date, midnight, today

# The grid lists at most this many visits; the per-day counts are always complete.
WEEK_MAX_ROWS = 400


def week_start(value: str | None) -> datetime.date:
    """The Monday of the week holding the ISO date `value` (this week when it is missing or not a date)."""
    day = today()
    if value:
        with contextlib.suppress(ValueError):
            day = datetime.date.fromisoformat(value)
    return day - datetime.timedelta(days=day.weekday())


@dataclass
class VisitWeek:
    start: datetime.date
    end: datetime.date
    columns: list[dict]
    total: int
    is_current: bool

    @property
    def previous_start(self) -> datetime.date:
        return self.start - datetime.timedelta(days=7)

    @property
    def next_start(self) -> datetime.date:
        return self.start + datetime.timedelta(days=7)


def field_visit_week(visits, *, start: datetime.date) -> VisitWeek:
    """The visits of `visits` (already scoped and filtered) in the week from Monday `start`, by day."""
    days = [start + datetime.timedelta(days=i) for i in range(7)]
    since = midnight(start)
    week = visits.filter(visited_at__gte=since, visited_at__lt=since + datetime.timedelta(days=7))
    counts = {row["day"]: row["n"] for row in week.order_by().annotate(
        day=TruncDate("visited_at", tzinfo=TASHKENT)).values("day").annotate(n=Count("*"))}
    by_day: dict[datetime.date, list] = {d: [] for d in days}
    for visit in week.order_by("visited_at", "id")[:WEEK_MAX_ROWS]:
        by_day.setdefault(local_date(visit.visited_at), []).append(visit)
    now = today()
    columns = [{"day": d, "visits": by_day.get(d, []), "count": counts.get(d, 0), "today": d == now,
                "more": counts.get(d, 0) - len(by_day.get(d, []))} for d in days]
    return VisitWeek(start=start, end=days[-1], columns=columns, total=sum(counts.values()),
                     is_current=start <= now <= days[-1])
