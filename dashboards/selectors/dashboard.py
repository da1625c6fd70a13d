"""A whole dashboard: its parts, each built on first use and cached apart."""

from __future__ import annotations

import datetime
from functools import cached_property

from core import dates
from core.periods import Period

from .access import Scope
from .cache import cache_token, cached
from .colours import ZoneCounts, zone_counts
from .tables import UnitRow, ranking, ranking_level, regions_from_districts, totals_row, unit_rows
from .tiles import Tile, dashboard_tiles
from .trend import Trend, category_breakdown, monthly_trend


class DashboardData:
    """The parts of a dashboard, each built on first use and cached apart: an API endpoint that shows one
    part never waits for the others, and the page reads the parts the endpoints already cached."""

    def __init__(self, user, scope: Scope, period: Period, today: datetime.date):
        self.user, self.scope, self.period, self.today = user, scope, period, today
        self._token = cache_token()

    def _part(self, name: str, build):
        return cached([name, self.scope.key, self.period.key, self.today, self._token], build)

    @cached_property
    def zones(self) -> ZoneCounts:
        return self._part("zones", lambda: zone_counts(self.user, self.scope, self.period, self.today))

    @cached_property
    def tiles(self) -> list[Tile]:
        return self._part("tiles", lambda: dashboard_tiles(self.user, self.scope, self.period, today=self.today,
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


def dashboard_data(user, scope: Scope, period: Period, *, today=None) -> DashboardData:
    return DashboardData(user, scope, period, today or dates.today())
