"""Home panels of surveillance (registered in SurveillanceConfig.ready through territories.home): an operator's
queue (how many alerts wait, the oldest urgent one), the district's cameras needing attention, and the recent
alerts of a field worker's mahallas."""

from __future__ import annotations

from django.urls import reverse
from django.utils.http import urlencode

from accounts.capabilities import can

from . import health, presenters, selectors
from .models import Alert

RECENT = 5


def queue_panel(request):
    user = request.user
    if not can(user, "surveillance.review_alerts"):
        return None
    counts = selectors.alert_queue_counts(user=user)
    oldest = (Alert.objects.visible_to(user).awaiting_review().filter(is_urgent=True, camera__isnull=False)
              .for_list().order_by("started_at", "id").first())
    queue = reverse("surveillance:alerts")
    return {
        "template": "surveillance/_home_queue.html", "counts": counts, "oldest": oldest,
        "oldest_label": presenters.event_label(oldest.event_type) if oldest else "",
        "queue_url": queue, "urgent_url": f"{queue}?{urlencode({'urgent': 'on'})}",
        "unmatched_url": reverse("surveillance:unmatched") if can(user, "surveillance.manage_cameras") else "",
    }


def recent_alerts_panel(request):
    user = request.user
    if not can(user, "surveillance.view_cameras"):
        return None
    alerts = list(selectors.alert_list(user=user).order_by("-started_at", "-id")[:RECENT])
    if not alerts:
        return None
    for alert in alerts:
        alert.event_text = presenters.event_label(alert.event_type)
    return {"template": "surveillance/_home_recent.html", "alerts": alerts,
            "queue_url": reverse("surveillance:alerts")}


HEALTH_SHOWN = 5


def camera_health_panel(request):
    """The cameras of the user's district needing attention: how many, by problem, and the first few."""
    user = request.user
    if not can(user, "surveillance.view_camera_health") or not user.district_id:
        return None
    rows = health.district_health(user=user, district_id=user.district_id)
    if not rows:
        return None
    counts = health.attention_counts(rows)
    page = reverse("surveillance:camera-health")
    return {
        "template": "surveillance/_home_health.html", "counts": counts,
        "problems": [(code, label, counts[code], f"{page}?{urlencode({'problem': code})}")
                     for code, label in health.PROBLEMS.items() if counts[code]],
        "rows": [h for h in rows if h.needs_attention][:HEALTH_SHOWN], "health_url": page,
    }
