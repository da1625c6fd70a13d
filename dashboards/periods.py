"""Dashboard periods: a calendar month ("2025-07"), quarter ("Q3-2025"), half-year ("H1-2025"), year ("2025")
or a custom range of days ("2025-07-01..2025-07-15", both days included). Days are Tashkent calendar days, as
in the pre-aggregated tables, so the edges are Tashkent midnights.

The comparison period has the same length: the calendar unit before (the quarter before a quarter), cut to
as many days as the chosen period has had so far when it is still running (1-15 November against 1-15
October, not against all of October); for a custom range, the same number of days just before it.
"""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass

from django.utils.translation import gettext as _

from core.periods import TASHKENT, Period
from core.periods import today as tashkent_today

KINDS = ("month", "quarter", "half", "year", "custom")
MAX_CUSTOM_DAYS = 3 * 366
EARLIEST = datetime.date(2000, 1, 1)

_MONTH = re.compile(r"^(?P<year>\d{4})-(?P<month>\d{2})$")
_CUSTOM = re.compile(r"^(?P<a>\d{4}-\d{2}-\d{2})\.\.(?P<b>\d{4}-\d{2}-\d{2})$")


class PeriodError(ValueError):
    pass


def _add_months(day: datetime.date, months: int) -> datetime.date:
    index = day.year * 12 + day.month - 1 + months
    return datetime.date(index // 12, index % 12 + 1, 1)


def midnight(day: datetime.date) -> datetime.datetime:
    return datetime.datetime(day.year, day.month, day.day, tzinfo=TASHKENT)


@dataclass(frozen=True)
class DashPeriod:
    kind: str
    start: datetime.date
    end: datetime.date  # exclusive
    key: str

    # --- construction ----------------------------------------------------------------------------

    @classmethod
    def month(cls, year: int, month: int) -> DashPeriod:
        start = datetime.date(year, month, 1)
        return cls("month", start, _add_months(start, 1), f"{year}-{month:02d}")

    @classmethod
    def from_zones(cls, period: Period) -> DashPeriod:
        kind = {"Q": "quarter", "H": "half", "year": "year"}[period.kind]
        return cls(kind, period.starts.date(), period.ends.date(), period.key)

    @classmethod
    def custom(cls, start: datetime.date, last: datetime.date) -> DashPeriod:
        if last < start or start < EARLIEST or (last - start).days >= MAX_CUSTOM_DAYS:
            raise PeriodError(f"{start}..{last}")
        return cls("custom", start, last + datetime.timedelta(days=1), f"{start.isoformat()}..{last.isoformat()}")

    @classmethod
    def parse(cls, key: str) -> DashPeriod:
        key = (key or "").strip()
        if match := _MONTH.match(key):
            year, month = int(match["year"]), int(match["month"])
            if not (1 <= month <= 12 and EARLIEST.year <= year <= 2999):
                raise PeriodError(key)
            return cls.month(year, month)
        if match := _CUSTOM.match(key):
            try:
                a, b = (datetime.date.fromisoformat(match[k]) for k in ("a", "b"))
            except ValueError as exc:
                raise PeriodError(key) from exc
            return cls.custom(a, b)
        if key.lower() == "current":
            raise PeriodError(key)
        try:
            return cls.from_zones(Period.parse(key))
        except ValueError as exc:
            raise PeriodError(key) from exc

    @classmethod
    def default(cls, today: datetime.date | None = None) -> DashPeriod:
        """The quarter so far: the unit the zones colours and most reviews use."""
        return cls.from_zones(Period.containing(today or tashkent_today())[0])

    # --- derived ---------------------------------------------------------------------------------

    @property
    def starts(self) -> datetime.datetime:
        return midnight(self.start)

    @property
    def ends(self) -> datetime.datetime:
        return midnight(self.end)

    @property
    def last_day(self) -> datetime.date:
        return self.end - datetime.timedelta(days=1)

    @property
    def days(self) -> int:
        return (self.end - self.start).days

    def effective_end(self, today: datetime.date | None = None) -> datetime.date:
        """The exclusive end of the days that have happened: a running period ends after today."""
        tomorrow = (today or tashkent_today()) + datetime.timedelta(days=1)
        return max(self.start, min(self.end, tomorrow))

    def is_running(self, today: datetime.date | None = None) -> bool:
        return self.effective_end(today) < self.end

    def previous(self, today: datetime.date | None = None) -> DashPeriod:
        """The comparison period of equal length (see the module docstring)."""
        if self.kind == "custom":
            return DashPeriod("custom", self.start - datetime.timedelta(days=self.days), self.start,
                              "previous")
        months = {"month": 1, "quarter": 3, "half": 6, "year": 12}[self.kind]
        start = _add_months(self.start, -months)
        end = self.start
        elapsed = (self.effective_end(today) - self.start).days
        if elapsed < self.days:
            end = min(end, start + datetime.timedelta(days=elapsed))
        if self.kind == "month":
            base = DashPeriod.month(start.year, start.month)
        else:
            base = DashPeriod.from_zones(Period.parse(_zones_key(self.kind, start)))
        return DashPeriod(base.kind, start, end, base.key)

    def zones_period(self, today: datetime.date | None = None) -> Period:
        """The zone-status period whose colours the dashboard shows: the same one for a quarter, half-year or
        year; for a month or a custom range, the quarter its last elapsed day falls in."""
        if self.kind in ("quarter", "half", "year"):
            return Period.parse(self.key)
        day = self.effective_end(today) - datetime.timedelta(days=1)
        return Period.containing(max(day, self.start))[0]

    def full(self) -> DashPeriod:
        """The whole calendar unit of a (possibly cut) comparison period."""
        return DashPeriod.parse(self.key) if self.kind != "custom" else self

    @property
    def label(self) -> str:
        if self.kind == "month":
            from django.utils import formats

            return formats.date_format(self.start, "F Y")
        if self.kind == "custom" or self.key == "previous":
            return _("%(start)s – %(end)s") % {"start": self.start.isoformat(), "end": self.last_day.isoformat()}
        return Period.parse(self.key).label

    def range_label(self, today: datetime.date | None = None) -> str:
        last = self.effective_end(today) - datetime.timedelta(days=1)
        return _("%(start)s – %(end)s") % {"start": self.start.isoformat(), "end": max(last, self.start).isoformat()}


@dataclass(frozen=True)
class DaySplit:
    """A range of days [start, end) as the whole months inside it plus the days at either edge, so a read
    takes the months from the monthly roll-up and only the edge days from the daily table."""

    days: tuple[tuple[datetime.date, datetime.date], ...]  # [start, end) ranges of single days
    months: tuple[datetime.date, datetime.date] | None  # [first, end) month starts, or None


def split_days(start: datetime.date, end: datetime.date) -> DaySplit:
    if end <= start:
        return DaySplit((), None)
    first = start if start.day == 1 else _add_months(start.replace(day=1), 1)
    last = end.replace(day=1)
    if first >= last:
        return DaySplit(((start, end),), None)
    days = tuple(r for r in ((start, first), (last, end)) if r[0] < r[1])
    return DaySplit(days, (first, last))


def _zones_key(kind: str, start: datetime.date) -> str:
    if kind == "year":
        return str(start.year)
    if kind == "quarter":
        return f"Q{(start.month - 1) // 3 + 1}-{start.year}"
    return f"H{1 if start.month <= 6 else 2}-{start.year}"


def choices(today: datetime.date | None = None) -> list[tuple[str, list[DashPeriod]]]:
    """What the period selector offers, grouped: recent months, quarters, half-years and years."""
    day = today or tashkent_today()
    months = [DashPeriod.month(d.year, d.month) for d in (_add_months(day.replace(day=1), -i) for i in range(12))]
    quarters, halves = [DashPeriod.default(day)], []
    while len(quarters) < 8:
        quarters.append(quarters[-1].previous(day).full())
    half = DashPeriod.from_zones(Period.containing(day)[1])
    halves = [half]
    while len(halves) < 4:
        halves.append(halves[-1].previous(day).full())
    years = [DashPeriod.from_zones(Period.year(day.year - i)) for i in range(3)]
    return [(_("Months"), months), (_("Quarters"), quarters), (_("Half-years"), halves), (_("Years"), years)]

