"""Reporting periods: calendar quarter ("Q3-2025"), half-year ("H1-2025"), year ("2025") and "current", the last
90 days; the dashboards also read a month ("2025-07") and a range of days ("2025-07-01..2025-07-15", both days
included). Edges are midnights in Asia/Tashkent: a crime at 2025-06-30 23:30 Tashkent time (18:30 UTC) belongs to
H1 2025, whatever the server's or the database's time zone.

Zone statuses are computed for `STATUS_KINDS` only, which is what `Period.parse` accepts unless told otherwise.
A dashboard compares a period with `comparison()`: the period before, cut to as many days as this one has had
so far while it is still running (1-15 November against 1-15 October, not against all of October).

Every page opens on `default_period()`, the quarter so far, and names the period where its figures are shown
(`full_label()`: "Q4 2026 so far (1 Oct – 6 Dec)"), so two pages never show different periods unannounced.
"""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass

from django.utils import formats
from django.utils.translation import gettext as _

from .dates import TASHKENT, today  # noqa: F401  (today: the periods' "now")
from .dates import midnight as _midnight
from .dates import today as _today
from .formats import day as day_text

CURRENT = "current"
CURRENT_DAYS = 90
EARLIEST_YEAR = 2000
EARLIEST = datetime.date(EARLIEST_YEAR, 1, 1)
MAX_RANGE_DAYS = 3 * 366
MONTH, RANGE = "month", "custom"
# `kind` of each period: what zone statuses are computed for, and what a dashboard may show.
STATUS_KINDS = frozenset({CURRENT, "Q", "H", "year"})
DASHBOARD_KINDS = frozenset({MONTH, "Q", "H", "year", RANGE})

_PATTERN = re.compile(r"^(?:(?P<kind>[QH])(?P<n>\d)-)?(?P<year>\d{4})$")
_MONTH = re.compile(r"^(?P<year>\d{4})-(?P<month>\d{2})$")
_RANGE = re.compile(r"^(?P<a>\d{4}-\d{2}-\d{2})\.\.(?P<b>\d{4}-\d{2}-\d{2})$")


class PeriodError(ValueError):
    """A period key that is not one of the kinds asked for ("Q1-2025", "H1-2025", "2025", "current", "2025-07",
    "2025-07-01..2025-07-15")."""


def add_months(day: datetime.date, months: int) -> datetime.date:
    """The first day of the month `months` after `day`'s month."""
    index = day.year * 12 + day.month - 1 + months
    return datetime.date(index // 12, index % 12 + 1, 1)


@dataclass(frozen=True, order=True)
class Period:
    """[starts, ends): aware datetimes at Tashkent midnights. `key` is what is stored and what URLs carry."""

    starts: datetime.datetime
    ends: datetime.datetime
    key: str

    @classmethod
    def parse(cls, key: str, *, on: datetime.date | None = None, kinds=STATUS_KINDS) -> Period:
        """The period of a key, if it is of one of `kinds`."""
        key = (key or "").strip()
        if key.lower() == CURRENT:
            if CURRENT not in kinds:
                raise PeriodError(key)
            return cls.current(on=on)
        if MONTH in kinds and (match := _MONTH.match(key)):
            year, month = int(match["year"]), int(match["month"])
            if not (1 <= month <= 12 and EARLIEST_YEAR <= year <= 2999):
                raise PeriodError(key)
            return cls.month(year, month)
        if RANGE in kinds and (match := _RANGE.match(key)):
            try:
                first, last = (datetime.date.fromisoformat(match[k]) for k in ("a", "b"))
            except ValueError as exc:
                raise PeriodError(key) from exc
            return cls.between(first, last)
        match = _PATTERN.match(key.upper())
        if not match:
            raise PeriodError(key)
        year = int(match["year"])
        kind, n = match["kind"], int(match["n"] or 0)
        if year < EARLIEST_YEAR or year > 2999:
            raise PeriodError(key)
        if (kind or "year") not in kinds:
            raise PeriodError(key)
        if kind is None:
            return cls.year(year)
        if kind == "Q" and 1 <= n <= 4:
            return cls.quarter(year, n)
        if kind == "H" and 1 <= n <= 2:
            return cls.half(year, n)
        raise PeriodError(key)

    @classmethod
    def month(cls, year: int, month: int) -> Period:
        start = datetime.date(year, month, 1)
        return cls(_midnight(start), _midnight(add_months(start, 1)), f"{year}-{month:02d}")

    @classmethod
    def between(cls, first: datetime.date, last: datetime.date) -> Period:
        """The days from `first` to `last`, both included (at most `MAX_RANGE_DAYS`, none before 2000)."""
        if last < first or first < EARLIEST or (last - first).days >= MAX_RANGE_DAYS:
            raise PeriodError(f"{first}..{last}")
        return cls._span(first, last + datetime.timedelta(days=1))

    @classmethod
    def _span(cls, start: datetime.date, end: datetime.date) -> Period:
        last = end - datetime.timedelta(days=1)
        return cls(_midnight(start), _midnight(end), f"{start.isoformat()}..{last.isoformat()}")

    @classmethod
    def year(cls, year: int) -> Period:
        return cls(_midnight(datetime.date(year, 1, 1)), _midnight(datetime.date(year + 1, 1, 1)), f"{year}")

    @classmethod
    def quarter(cls, year: int, n: int) -> Period:
        start = datetime.date(year, 3 * n - 2, 1)
        end = datetime.date(year + 1, 1, 1) if n == 4 else datetime.date(year, 3 * n + 1, 1)
        return cls(_midnight(start), _midnight(end), f"Q{n}-{year}")

    @classmethod
    def half(cls, year: int, n: int) -> Period:
        start = datetime.date(year, 1 if n == 1 else 7, 1)
        end = datetime.date(year, 7, 1) if n == 1 else datetime.date(year + 1, 1, 1)
        return cls(_midnight(start), _midnight(end), f"H{n}-{year}")

    @classmethod
    def current(cls, *, on: datetime.date | None = None) -> Period:
        """The last 90 days including today, in whole Tashkent days, so that every recompute on one day uses
        the same window and a crime leaves it at a midnight (when the nightly recompute runs)."""
        day = on or today()
        return cls(_midnight(day - datetime.timedelta(days=CURRENT_DAYS - 1)),
                   _midnight(day + datetime.timedelta(days=1)), CURRENT)

    @classmethod
    def containing(cls, day: datetime.date) -> list[Period]:
        """The calendar periods a day belongs to: its quarter, its half-year and its year."""
        return [cls.quarter(day.year, (day.month - 1) // 3 + 1), cls.half(day.year, 1 if day.month <= 6 else 2),
                cls.year(day.year)]

    @property
    def is_current(self) -> bool:
        return self.key == CURRENT

    @property
    def kind(self) -> str:
        """CURRENT, "Q", "H", "year", MONTH or RANGE."""
        if self.is_current:
            return CURRENT
        if ".." in self.key:
            return RANGE
        if self.key[0].isdigit():
            return MONTH if "-" in self.key else "year"
        return self.key[0]

    @property
    def start(self) -> datetime.date:
        """The first day."""
        return self.starts.date()

    @property
    def end(self) -> datetime.date:
        """The day after the last one."""
        return self.ends.date()

    @property
    def length(self) -> int:
        """How many days the period has."""
        return (self.end - self.start).days

    def includes(self, day: datetime.date) -> bool:
        return self.starts <= _midnight(day) < self.ends

    def previous(self) -> Period:
        """The calendar period of the same kind just before this one; for a range of days, as many days just
        before it."""
        if self.is_current:
            raise PeriodError(self.key)
        if self.kind == RANGE:
            return Period._span(self.start - datetime.timedelta(days=self.length), self.start)
        before = self.start - datetime.timedelta(days=1)
        if self.kind == "year":
            return Period.year(before.year)
        if self.kind == MONTH:
            return Period.month(before.year, before.month)
        if self.kind == "Q":
            return Period.quarter(before.year, (before.month - 1) // 3 + 1)
        return Period.half(before.year, 1 if before.month <= 6 else 2)

    def effective_end(self, today: datetime.date | None = None) -> datetime.date:
        """The day after the last one that has happened: a running period ends after today."""
        tomorrow = (today or _today()) + datetime.timedelta(days=1)
        return max(self.start, min(self.end, tomorrow))

    def is_running(self, today: datetime.date | None = None) -> bool:
        return self.effective_end(today) < self.end

    def comparison(self, today: datetime.date | None = None) -> Period:
        """What a dashboard compares this period with: `previous()`, of equal length. While a calendar period
        runs, the one before is cut to as many days as this one has had (its key stays the calendar one)."""
        before = self.previous()
        elapsed = (self.effective_end(today) - self.start).days
        if self.kind == RANGE or elapsed >= self.length:
            return before
        end = min(before.end, before.start + datetime.timedelta(days=elapsed))
        return Period(before.starts, _midnight(end), before.key)

    def status_period(self, today: datetime.date | None = None) -> Period:
        """The zone-status period whose colours go with this one: itself for a quarter, half-year or year; for a
        month or a range of days, the quarter its last elapsed day falls in."""
        if self.kind in STATUS_KINDS:
            return Period.parse(self.key, on=today)
        day = self.effective_end(today) - datetime.timedelta(days=1)
        return Period.containing(max(day, self.start))[0]

    @property
    def label(self) -> str:
        """For people: "Q3 2025", "H1 2025", "2025", "last 90 days", "July 2025", "01.07.2025 – 15.07.2025"."""
        if self.is_current:
            return _("last 90 days")
        if self.kind == "year":
            return self.key
        if self.kind == MONTH:
            return formats.date_format(self.start, "F Y")
        if self.kind == RANGE:
            return _("%(start)s – %(end)s") % {"start": day_text(self.start), "end": day_text(self.last_day)}
        kind, year = self.key.split("-")
        if kind[0] == "H":
            return _("H%(n)s %(year)s") % {"n": kind[1], "year": year}
        return _("Q%(n)s %(year)s") % {"n": kind[1], "year": year}

    @property
    def last_day(self) -> datetime.date:
        return self.ends.date() - datetime.timedelta(days=1)

    def range_label(self, today: datetime.date | None = None) -> str:
        """The days that have happened: "01.07.2025 – 15.07.2025"."""
        last = self.effective_end(today) - datetime.timedelta(days=1)
        return _("%(start)s – %(end)s") % {"start": day_text(self.start), "end": day_text(max(last, self.start))}

    def days_label(self, today: datetime.date | None = None) -> str:
        """The days that have happened, for people: "1 Oct – 6 Dec" (with years when they differ)."""
        last = max(self.effective_end(today) - datetime.timedelta(days=1), self.start)
        fmt = "j M" if self.start.year == last.year else "j M Y"
        return _("%(start)s – %(end)s") % {"start": formats.date_format(self.start, fmt),
                                            "end": formats.date_format(last, fmt)}

    def short_label(self, today: datetime.date | None = None) -> str:
        """The label, marked while the period runs: "Q4 2026 so far"; "last 90 days" is always running."""
        if self.is_running(today) and not self.is_current:
            return _("%(period)s so far") % {"period": self.label}
        return str(self.label)

    def full_label(self, today: datetime.date | None = None) -> str:
        """What a figure names its period by: "Q4 2026 so far (1 Oct – 6 Dec)", "Q3 2026 (1 Jul – 30 Sep)",
        "last 90 days (8 Sep – 6 Dec)"; a range of days only by its days."""
        if self.kind == RANGE:
            return self.days_label(today)
        return _("%(period)s (%(days)s)") % {"period": self.short_label(today), "days": self.days_label(today)}

    def __str__(self) -> str:
        return self.key


def default_period(on: datetime.date | None = None) -> Period:
    """What every page opens with: the quarter so far, the unit of official reporting. The rolling 90 days
    ("current") is shown only where asked for, and then labelled as such."""
    return Period.containing(on or today())[0]


def live_periods(on: datetime.date | None = None) -> list[Period]:
    """The periods that include today, plus "current": what the nightly recompute always refreshes."""
    day = on or today()
    return [Period.current(on=day), *Period.containing(day)]


def recent_periods(on: datetime.date | None = None, *, within_days: int = 92) -> list[Period]:
    """Live periods plus calendar periods that ended within `within_days`: crimes are often registered weeks
    after they occurred, so a quarter that just ended still changes."""
    day = on or today()
    periods = {p.key: p for p in live_periods(day)}
    look = day
    while (day - look).days <= within_days:
        for p in Period.containing(look):
            if (day - p.last_day).days <= within_days:
                periods.setdefault(p.key, p)
        look = look.replace(day=1) - datetime.timedelta(days=1)
    return sorted(periods.values(), key=lambda p: (p.key != CURRENT, p.starts, p.ends))


def trend_periods(on: datetime.date | None = None) -> list[Period]:
    """What the mahalla page draws: the last six quarters, the last two half-years, and the last 90 days."""
    day = on or today()
    quarters = [Period.containing(day)[0]]
    while len(quarters) < 6:
        quarters.insert(0, quarters[0].previous())
    halves = [Period.containing(day)[1]]
    halves.insert(0, halves[0].previous())
    return [*quarters, *halves, Period.current(on=day)]


def choices(on: datetime.date | None = None, *, years: int = 3) -> list[Period]:
    """Periods a user can pick: "current", then every half-year, quarter and year of the last few years."""
    day = on or today()
    found = [Period.current(on=day)]
    for year in range(day.year, day.year - years, -1):
        found.append(Period.year(year))
        found.extend(Period.half(year, n) for n in (2, 1) if _midnight(datetime.date(year, 6 * n - 5, 1)) <=
                     _midnight(day))
        found.extend(Period.quarter(year, n) for n in (4, 3, 2, 1) if _midnight(datetime.date(year, 3 * n - 2, 1))
                     <= _midnight(day))
    return found
