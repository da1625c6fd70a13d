"""The "Roadmap" panel on the territory pages (registered in RoadmapsConfig.ready).

The territory pages keep a fixed query budget, so the panel itself costs no query: it is a placeholder that
HTMX fills from `roadmaps:panel` when the page loads (a plain link without JavaScript).
"""

from django.urls import reverse

from accounts.capabilities import can
from mahallas.models import District, Mahalla, Region


def roadmap_panel(request, territory):
    if not isinstance(territory, Region | District | Mahalla):
        return None
    level = territory._meta.model_name
    return {
        "template": "roadmaps/_panel.html",
        "url": reverse("roadmaps:panel", args=[level, territory.pk]),
        "territory_key": f"{level}:{territory.pk}",
        "can_create": can(request.user, "roadmaps.write_territory", territory),
    }
