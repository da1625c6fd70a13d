"""The national picture on the home page of national staff (registered in DashboardsConfig.ready through
territories.home): the zone colours of the quarter so far, the dashboard's own coloured map of mahallas and its
regions table, so that the figures are the dashboard's, for the period the dashboard opens with."""

from __future__ import annotations

from django.conf import settings
from django.urls import reverse

from accounts.capabilities import can
from core import dates

from . import selectors
from .periods import period_default


def national_panel(request):
    user = request.user
    if not can(user, "dashboards.view_territory"):
        return None
    try:
        scope = selectors.home_scope(user)
    except selectors.DashboardNotFound:
        return None
    if scope.level != "national":
        return None
    period = period_default()
    data = selectors.dashboard_data(user, scope, period)
    query = f"period={period.key}"
    return {
        "template": "dashboards/_home_national.html", "assets": "dashboards/_home_assets.html", "wide": True,
        "scope": scope, "data": data, "period": period, "zones": data.zones.total(), "today": dates.today(),
        "map_url": f"{reverse('api:dashboards-map')}?{query}", "map_tiles_url": settings.MAP_TILES_URL,
        "dashboard_url": f"{reverse('dashboards:home')}?{query}",
    }
