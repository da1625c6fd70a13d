"""The district's camera coverage: its cameras on the map coloured by health, the red mahallas without any
working camera, and the cameras' uptime (the dashboards' access rule: a district outside the user's territory is
a 404)."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.urls import reverse

from accounts.capabilities import can

from .forms import parse_period
from .selectors.cameras import UPTIME_DAYS, camera_coverage, uptime_display
from .views import _scope_or_404


@login_required
def district_cameras(request, pk: int):
    scope = _scope_or_404(request, district_id=pk)
    period, error = parse_period(request.GET)
    zones_period = period.status_period()
    coverage = camera_coverage(request.user, scope, zones_period)
    query = f"district={pk}&period={zones_period.key}"
    context = {
        "scope": scope, "region": scope.region, "district": scope.district, "period": period,
        "period_error": error, "zones_period": zones_period, "coverage": coverage, "uptime_days": UPTIME_DAYS,
        "uptime_display": uptime_display(coverage.uptime),
        "coverage_url": f"{reverse('api:dashboards-camera-coverage')}?{query}",
        "mahallas_url": f"{reverse('api:geo-mahallas')}?district={pk}",
        "colours_url": f"{reverse('api:dashboards-colours')}?{query}",
        "map_tiles_url": settings.MAP_TILES_URL,
        "can_view_camera_health": can(request.user, "surveillance.view_camera_health"),
    }
    return render(request, "dashboards/cameras.html", context)
