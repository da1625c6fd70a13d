"""The "Cameras and alerts" panel of the district and mahalla pages (registered in apps.py).

The territory pages keep a fixed query budget, so the panel is a placeholder that HTMX fills once the page has
loaded (surveillance.views.territory.territory_panel), as the roadmaps panel does."""

from django.urls import reverse

from accounts.capabilities import can
from mahallas.models import Mahalla


def territory_panel(request, territory):
    if not can(request.user, "surveillance.view_cameras"):
        return None
    level = "mahalla" if isinstance(territory, Mahalla) else "district"
    return {"template": "surveillance/_territory_panel_lazy.html",
            "url": reverse("surveillance:territory-panel", args=[level, territory.pk])}
