"""The "Cameras and alerts" panel of the district and mahalla pages (registered in apps.py).

The territory pages keep a fixed query budget, so the panel is a placeholder that HTMX fills once the page has
loaded (surveillance.views.territory_panel), as the roadmaps panel does."""

from django.urls import reverse

from mahallas.models import Mahalla

# Roles whose scope can hold cameras; anyone else gets no placeholder at all.
PANEL_ROLES = ("operator", "district", "regional", "national", "inspector")


def territory_panel(request, territory):
    if getattr(request.user, "role", "") not in PANEL_ROLES:
        return None
    level = "mahalla" if isinstance(territory, Mahalla) else "district"
    return {"template": "surveillance/_territory_panel_lazy.html",
            "url": reverse("surveillance:territory-panel", args=[level, territory.pk])}
