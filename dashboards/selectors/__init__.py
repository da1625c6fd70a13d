"""Reads of the dashboards. Every one starts from the territory the user may see (`visible_to(user)`), then
reads the pre-aggregated tables (dashboards.models) for that territory.

- `access`: who may see which scope (national, a region, a district); outside it is a 404.
- `cache`: the short-lived Redis cache every part is kept in, and the token that a refresh changes.
- `sums`: the SQL builder that sums the pre-aggregates' counters over ranges of days.
- `tiles`, `colours`: the headline figures against the comparison period; the zone-colour counts.
- `tables`: a row per child unit, the total row and the ranking.
- `trend`: crimes by category, and month by month.
- `dashboard`: a whole dashboard, each part built on first use and cached apart.
- `public`: what the open-data page publishes (not scoped to a user).

The map layers are in `dashboards.maps`, the count-changes report in `dashboards.count_report`.
"""

from .access import DashboardNotFound, Scope, dashboard_scope, home_scope
from .colours import ZoneCounts
from .dashboard import DashboardData, dashboard_data
from .tables import UnitRow, ranking, unit_rows
from .tiles import Tile, dashboard_tiles
from .trend import Trend, category_breakdown, monthly_trend

__all__ = [
    "DashboardData",
    "DashboardNotFound",
    "Scope",
    "Tile",
    "Trend",
    "UnitRow",
    "ZoneCounts",
    "category_breakdown",
    "dashboard_data",
    "dashboard_scope",
    "dashboard_tiles",
    "home_scope",
    "monthly_trend",
    "ranking",
    "unit_rows",
]
