"""The periods a dashboard may show, the one it opens with and what its period selector offers.

A dashboard period is a `core.periods.Period` of one of `DASHBOARD_KINDS`: a calendar month ("2025-07"),
quarter ("Q3-2025"), half-year ("H1-2025"), year ("2025") or a range of days ("2025-07-01..2025-07-15", both
days included). Its figures are compared with `Period.comparison()`.
"""

from __future__ import annotations

import datetime

from django.utils.translation import gettext as _

from core import dates
from core.periods import DASHBOARD_KINDS, Period, add_months, default_period


def period_parse(key: str) -> Period:
    """The dashboard period of a key; PeriodError for anything else (including "current")."""
    return Period.parse(key, kinds=DASHBOARD_KINDS)


def period_default(today: datetime.date | None = None) -> Period:
    """The quarter so far: the unit of official reporting, what every page opens with (`core.periods`)."""
    return default_period(today or dates.today())


def period_choices(today: datetime.date | None = None) -> list[tuple[str, list[Period]]]:
    """What the period selector offers, grouped: recent months, quarters, half-years and years."""
    day = today or dates.today()
    months = [Period.month(d.year, d.month) for d in (add_months(day.replace(day=1), -i) for i in range(12))]
    quarters = [period_default(day)]
    while len(quarters) < 8:
        quarters.append(quarters[-1].previous())
    halves = [Period.containing(day)[1]]
    while len(halves) < 4:
        halves.append(halves[-1].previous())
    years = [Period.year(day.year - i) for i in range(3)]
    return [(_("Months"), months), (_("Quarters"), quarters), (_("Half-years"), halves), (_("Years"), years)]
