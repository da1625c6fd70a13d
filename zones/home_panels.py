"""Home panels of zone colours (registered in ZonesConfig.ready through territories.home): a field worker's
mahallas with their colours, and the mahallas that need an official's attention (red, newly yellow). All
colours are of the home page's period (territories.home.home_period), which the panels name."""

from __future__ import annotations

import datetime

from django.utils import timezone

from mahallas.models import Mahalla
from territories.home import home_period

from . import breakdown, selectors
from .models import Colour
from .reasons import category_names, flag_labels, reason

SHOWN = 8
# "Newly yellow": turned yellow from green this recently.
NEW_DAYS = 30


def my_mahallas_panel(request):
    """Each of the user's mahallas with its colour and why: where to go first."""
    user, period = request.user, home_period()
    mahallas = list(Mahalla.objects.visible_to(user).defer("boundary").select_related("district")
                    .defer("district__boundary").order_by("name_uz"))
    statuses = {s.mahalla_id: s for s in breakdown.attach(selectors.statuses_for(user, period))}
    names = category_names()
    order = {Colour.RED: 0, Colour.YELLOW: 1, Colour.GREEN: 2}
    rows = []
    for mahalla in mahallas:
        status = statuses.get(mahalla.pk)
        rows.append({"mahalla": mahalla, "status": status, "reason": reason(status, names) if status else "",
                     "flags": flag_labels(status) if status else []})
    rows.sort(key=lambda r: order.get(r["status"].colour if r["status"] else "", 3))
    return {"template": "zones/_home_mahallas.html", "rows": rows, "period": period}


def attention_panel(request):
    """Red mahallas and those newly yellow, of the official's territory."""
    user, period = request.user, home_period()
    statuses = selectors.statuses_for(user, period)
    if not statuses.exists():
        return None
    since = timezone.now() - datetime.timedelta(days=NEW_DAYS)
    red = statuses.filter(colour=Colour.RED).order_by("-total", "mahalla__name_uz")
    yellow = statuses.filter(colour=Colour.YELLOW, previous_colour=Colour.GREEN, colour_since__gte=since
                             ).order_by("-colour_since")
    names = category_names()
    shown_red, shown_yellow = list(red[:SHOWN]), list(yellow[:SHOWN])
    breakdown.attach([*shown_red, *shown_yellow])
    return {
        "template": "zones/_home_attention.html", "period": period, "new_days": NEW_DAYS,
        "red": [{"status": s, "reason": reason(s, names)} for s in shown_red], "red_count": red.count(),
        "yellow": [{"status": s, "reason": reason(s, names)} for s in shown_yellow],
        "yellow_count": yellow.count(),
    }
