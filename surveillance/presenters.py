"""How the pages show alerts and cameras: event types in words (labels.py), map markers, row decorations, the queue's
fingerprint and the false-positive tables. Nothing here reads the database beyond what it is given."""

import hashlib

from django.conf import settings
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext as _

from . import labels
from .models import Camera, Vendor

# Below this many reviews a rate says little; the page says so.
RATE_RELIABLE_FROM = 10
RATE_SORTS = {"rate": "rate", "reviewed": "reviewed", "dismissed": "dismissed", "name": "name"}


def event_label(event_type: str) -> str:
    return labels.event_type_label(event_type)


def incident_url(incident_id) -> str:
    if not incident_id:
        return ""
    try:
        return reverse("incidents:detail", args=[incident_id])
    except NoReverseMatch:  # the incidents pages may not be installed
        return ""


def point(camera) -> dict | None:
    if camera is None or camera.location is None:
        return None
    return {"lon": round(camera.location.x, 6), "lat": round(camera.location.y, 6)}


def alert_points(alerts) -> list[dict]:
    """Map markers for a page of alerts: one per camera, urgent if any of its alerts is."""
    points: dict[int, dict] = {}
    for alert in alerts:
        where = point(alert.camera)
        if where is None:
            continue
        entry = points.setdefault(alert.camera_id, {**where, "name": alert.camera.name, "count": 0,
                                                    "urgent": False, "url": reverse("surveillance:alert",
                                                                                   args=[alert.pk])})
        entry["count"] += 1
        entry["urgent"] = entry["urgent"] or alert.is_urgent
    return list(points.values())


def camera_points(cameras) -> list[dict]:
    return [{**point(c), "name": c.name, "count": 1, "urgent": False, "offline": c.status != Camera.Status.ONLINE,
             "url": reverse("surveillance:camera", args=[c.pk])} for c in cameras]


def map_context() -> dict:
    return {"map_tiles_url": settings.MAP_TILES_URL, "mahalla_layer_url": "/api/v1/geo/mahallas/"}


def alerts_decorate(alerts) -> list:
    for alert in alerts:
        alert.event_label = labels.event_type_label(alert.event_type)
        alert.object_label = labels.object_label(alert.label, alert.event_type)
        pictures = list(alert.pictures.all())
        alert.thumbnail = pictures[0] if pictures else None
        alert.picture_count = len(pictures)
        alert.repeats = alert.group.count if alert.group_id and alert.group else 1
    return alerts


def page_fingerprint(page) -> str:
    """Changes whenever what the rows show changes: a poll that sees the same answers 204 and the browser
    keeps its rows (and does not fetch, and audit, the same pictures again)."""
    parts = [str(page.paginator.count), str(page.number)]
    for alert in page.object_list:
        parts.append(f"{alert.pk}:{alert.status}:{alert.updated_at.timestamp()}:{alert.repeats}:"
                     f"{alert.picture_count}")
    return hashlib.sha256("|".join(parts).encode()).hexdigest()[:20]


def devices_decorate(devices: list[dict]) -> list[dict]:
    labels = dict(Vendor.choices)
    for device in devices:
        device["vendor_label"] = labels.get(device["vendor"], device["vendor"])
    return devices


def rates_decorate(rates: dict) -> dict:
    """Words, percentages and the "few reviews" mark for the rows of selectors.false_positive_rates."""
    for row in rates["by_event_type"]:
        row["label"] = event_label(row["event_type"])
        # Beside a known type's words, its code helps whoever tunes the analytics; an unknown one says it already.
        row["code"] = row["event_type"] if (row["event_type"] or "").lower() in labels.EVENT_TYPES else ""
    for row in rates.get("by_reason", []):
        row["percent"] = round(row["share"] * 100, 1)
    for row in [*rates["by_camera"], *rates["by_event_type"]]:
        row["percent"] = round(row["rate"] * 100, 1)
        row["bar"] = round(row["rate"] * 100, 1)
        row["few"] = row["reviewed"] < RATE_RELIABLE_FROM
    for row in rates["by_camera"]:
        row["name"] = row["camera_name"] or _("Unknown cameras")
    for row in rates["by_event_type"]:
        row["name"] = row["label"]
    return rates


def rates_sorted(rows: list[dict], sort: str, name_key: str) -> list[dict]:
    key = sort.lstrip("-")
    field = name_key if key == "name" else RATE_SORTS.get(key, "rate")
    reverse_order = sort.startswith("-")
    return sorted(rows, key=lambda r: ((r[field] or "") if field == name_key else r[field],
                                       r[name_key] or ""), reverse=reverse_order)


def rate_headers(name_label: str) -> list[tuple[str, str]]:
    return [("name", name_label), ("reviewed", _("Reviewed")), ("dismissed", _("Dismissed")),
            ("rate", _("False positives"))]
