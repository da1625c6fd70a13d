"""Reporting periods: calendar quarter ("Q3-2025"), half-year ("H1-2025"), year ("2025") and "current", the last
90 days. Edges are midnights in Asia/Tashkent: a crime at 2025-06-30 23:30 Tashkent time (18:30 UTC) belongs to
H1 2025, whatever the server's or the database's time zone.
"""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass

from django.utils.translation import gettext as _

from .dates import TASHKENT, today  # noqa: F401  (today: the periods' "now")
from .dates import midnight as _midnight

CURRENT = "current"
CURRENT_DAYS = 90
EARLIEST_YEAR = 2000

_PATTERN = re.compile(r"^(?:(?P<kind>[QH])(?P<n>\d)-)?(?P<year>\d{4})$")


class PeriodError(ValueError):
    """A period key that is not one of "Q1-2025", "H1-2025", "2025" or "current"."""


@dataclass(frozen=True, order=True)
class Period:
    """[starts, ends): aware datetimes at Tashkent midnights. `key` is what is stored and what URLs carry."""

    starts: datetime.datetime
    ends: datetime.datetime
    key: str

    @classmethod
    def parse(cls, key: str, *, on: datetime.date | None = None) -> Period:
        key = (key or "").strip()
        if key.lower() == CURRENT:
            return cls.current(on=on)
        match = _PATTERN.match(key.upper())
        if not match:
            raise PeriodError(key)
        year = int(match["year"])
        kind, n = match["kind"], int(match["n"] or 0)
        if year < EARLIEST_YEAR or year > 2999:
            raise PeriodError(key)
        if kind is None:
            return cls.year(year)
        if kind == "Q" and 1 <= n <= 4:
            return cls.quarter(year, n)
        if kind == "H" and 1 <= n <= 2:
            return cls.half(year, n)
        raise PeriodError(key)

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
        return CURRENT if self.is_current else ("year" if self.key[0].isdigit() else self.key[0])

    def includes(self, day: datetime.date) -> bool:
        return self.starts <= _midnight(day) < self.ends

    def previous(self) -> Period:
        """The calendar period of the same kind just before this one."""
        if self.is_current:
            raise PeriodError(self.key)
        before = self.starts.date() - datetime.timedelta(days=1)
        if self.kind == "year":
            return Period.year(before.year)
        if self.kind == "Q":
            return Period.quarter(before.year, (before.month - 1) // 3 + 1)
        return Period.half(before.year, 1 if before.month <= 6 else 2)

    @property
    def label(self) -> str:
        """For people: "Q3 2025", "H1 2025", "2025", "last 90 days"."""
        if self.is_current:
            return _("last 90 days")
        if self.kind == "year":
            return self.key
        kind, year = self.key.split("-")
        if kind[0] == "H":
            return _("H%(n)s %(year)s") % {"n": kind[1], "year": year}
        return _("Q%(n)s %(year)s") % {"n": kind[1], "year": year}

    @property
    def last_day(self) -> datetime.date:
        return self.ends.date() - datetime.timedelta(days=1)

    def __str__(self) -> str:
        return self.key


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
