"""Sections zones adds to the territory pages (registered in ZonesConfig.ready via territories.panels)."""

from core.periods import Period
from mahallas.models import District, Region

from . import selectors
from .reasons import category_names, flag_labels, reason


def mahalla_panel(request, mahalla):
    current = Period.current()
    status = selectors.status_of(request.user, mahalla, current)
    names = category_names()
    trend = selectors.mahalla_trend(request.user, mahalla)
    changes = list(selectors.colour_changes(request.user, mahalla=mahalla)[:5])
    return {
        "template": "zones/_mahalla_panel.html",
        "status": status,
        "reason": reason(status, names) if status else "",
        "flags": flag_labels(status) if status else [],
        "trend": [{"period": c.period, "status": c.status,
                   "reason": reason(c.status, names) if c.status else ""} for c in trend],
        "changes": [{"change": c, "reason": reason(c, names)} for c in changes],
        "period": current,
    }


def territory_panel(request, territory):
    period = Period.current()
    counts = selectors.colour_counts(request.user, period, territory=territory)
    if not counts.mahallas:
        return None
    level = "region" if isinstance(territory, Region) else "district" if isinstance(territory, District) else ""
    return {"template": "zones/_territory_panel.html", "counts": counts, "period": period,
            "territory_level": level, "territory": territory}
