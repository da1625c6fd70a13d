"""The roadmap home panel of officials (registered in RoadmapsConfig.ready through territories.home): roadmaps
waiting for their approval, their own territory's roadmap of the year, and the overdue measures of their
territory. A completion figure is only ever shown for a roadmap that exists."""

from __future__ import annotations

from accounts.capabilities import can
from core import dates

from . import selectors
from .models import RoadmapItem

SHOWN = 5


def roadmaps_panel(request):
    user = request.user
    today = dates.today()
    awaiting = selectors.awaiting_approval(user)
    territory = selectors.rollup_territory_default(user)
    own = None
    if territory is not None:
        latest = selectors.territory_roadmaps(user, territory, since_year=today.year, limit=1)
        own = latest[0] if latest else None
    overdue = (RoadmapItem.objects.visible_to(user).in_force().overdue(today)
               .select_related("roadmap__region", "roadmap__district", "roadmap__mahalla")
               .defer("roadmap__region__boundary", "roadmap__district__boundary", "roadmap__mahalla__boundary")
               .order_by("deadline", "id"))
    overdue_count = overdue.count()
    if not (awaiting or territory is not None or overdue_count):
        return None
    return {
        "template": "roadmaps/_home_panel.html", "year": today.year,
        "awaiting": selectors.with_progress(awaiting[:SHOWN]), "awaiting_count": len(awaiting),
        "territory": territory, "own": own,
        "own_progress": selectors.roadmap_progress_of(own) if own else None,
        "can_create": territory is not None and can(user, "roadmaps.write_territory", territory),
        "overdue": list(overdue[:SHOWN]), "overdue_count": overdue_count,
    }
