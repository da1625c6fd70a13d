"""Sections zones adds to the territory pages (registered in ZonesConfig.ready via territories.panels).

They open on the quarter so far, like the dashboards, so a territory page and its dashboard give the same
colours; `?period=` (a zone-status period key, "current" included) shows another one, named on the panel.
"""

from core import dates
from core.periods import Period, PeriodError, default_period
from mahallas.models import District, Region

from . import breakdown, selectors
from .reasons import category_names, flag_labels, reason


def panel_period(request) -> Period:
    """The period the page asked for, or the quarter so far."""
    try:
        return Period.parse(request.GET.get("period", "")) if request.GET.get("period") else default_period()
    except PeriodError:
        return default_period()


def _label(key: str) -> str:
    try:
        return Period.parse(key).short_label()
    except PeriodError:
        return key


def mahalla_panel(request, mahalla):
    period = panel_period(request)
    status = selectors.status_of(request.user, mahalla, period)
    names = category_names()
    trend = selectors.mahalla_trend(request.user, mahalla)
    breakdown.attach([status, *(c.status for c in trend)])
    changes = list(selectors.colour_changes(request.user, mahalla=mahalla)[:5])
    today = dates.today()
    return {
        "template": "zones/_mahalla_panel.html",
        "status": status,
        "reason": reason(status, names) if status else "",
        "flags": flag_labels(status) if status else [],
        "trend": [{"period": c.period, "label": c.period.short_label(today), "status": c.status,
                   "running": c.period.is_current or c.period.is_running(today),
                   "reason": reason(c.status, names) if c.status else ""} for c in trend],
        "changes": [{"change": c, "period": _label(c.period), "reason": reason(c, names)} for c in changes],
        "period": period,
        "period_label": period.full_label(today),
        "awaiting": selectors.awaiting_verification(request.user, period, mahalla=mahalla),
    }


def territory_panel(request, territory):
    period = panel_period(request)
    counts = selectors.colour_counts(request.user, period, territory=territory)
    if not counts.mahallas:
        return None
    level = "region" if isinstance(territory, Region) else "district" if isinstance(territory, District) else ""
    return {"template": "zones/_territory_panel.html", "counts": counts, "period": period,
            "period_label": period.full_label(), "territory_level": level, "territory": territory,
            "awaiting": selectors.awaiting_verification(request.user, period, territory=territory)}
