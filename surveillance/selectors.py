"""Reads the API and the review pages need. Every one starts from `visible_to(user)`."""

from __future__ import annotations

import datetime

from django.core.exceptions import EmptyResultSet
from django.db import connection
from django.db.models import Count, Max, Prefetch, Q
from django.utils import timezone

from mahallas.models import Mahalla

from .filters import AlertFilter
from .models import Alert, AlertPicture, Camera, PullDevice
from .querysets import FINAL_STATUSES

# The queue's filter lists offer what was seen lately; older event types can still be typed into the address.
EVENT_TYPES_DAYS = 90


def alert_list(*, user):
    return (Alert.objects.visible_to(user).for_list().select_related("group")
            .prefetch_related(Prefetch("pictures", queryset=AlertPicture.objects.only("id", "alert_id",
                                                                                     "is_biometric"))))


def alert_get(*, user, alert_id: int) -> Alert | None:
    return alert_list(user=user).select_related("reviewed_by", "incident").filter(pk=alert_id).first()


def alert_repeats(*, user, alert: Alert, limit: int = 20) -> list[Alert]:
    """The other alerts of the alert's group (repeats of one camera's event), latest first."""
    if not alert.group_id:
        return []
    return list(alert_list(user=user).filter(group_id=alert.group_id).exclude(pk=alert.pk)
                .order_by("-started_at")[:limit])


# The queue's filters that "next alert" keeps (the status is always "awaiting review").
QUEUE_FILTERS = ("event_type", "camera", "mahalla", "urgent", "date_from", "date_to")


def alert_next(*, user, alert: Alert, filters) -> tuple[Alert | None, int]:
    """The alert to review after `alert` in the user's queue: awaiting review, the queue's filters, in the
    queue's order (urgent first, then newest), wrapping round to the top; and how many others wait."""
    wanted = {name: filters.get(name) for name in QUEUE_FILTERS if filters.get(name) and name != "urgent"}
    if filters.get("urgent") in ("on", "true", "True", "1"):
        wanted["urgent"] = "true"
    base = Alert.objects.visible_to(user).awaiting_review().filter(camera__isnull=alert.camera_id is None)
    waiting = AlertFilter(data=wanted, queryset=base).qs.exclude(pk=alert.pk).order_by(
        "-is_urgent", "-started_at", "-id")
    after = (Q(is_urgent__lt=alert.is_urgent) | Q(is_urgent=alert.is_urgent, started_at__lt=alert.started_at)
             | Q(is_urgent=alert.is_urgent, started_at=alert.started_at, id__lt=alert.pk))
    following = waiting.filter(after).only("id").first() or waiting.only("id").first()
    return following, (waiting.count() if following else 0)


def alert_queue_counts(*, user) -> dict:
    """Alerts awaiting review: from registered cameras (of them urgent) and from unknown ones."""
    return Alert.objects.visible_to(user).awaiting_review().aggregate(
        review=Count("id", filter=Q(camera__isnull=False)),
        urgent=Count("id", filter=Q(camera__isnull=False, is_urgent=True)),
        unmatched=Count("id", filter=Q(camera__isnull=True)))


def alert_filter_choices(*, user) -> dict:
    """What the queue's filters offer: the user's cameras, recent event types, the cameras' mahallas."""
    cameras = list(camera_list(user=user).order_by("name", "id").values_list("pk", "name"))
    since = timezone.now() - datetime.timedelta(days=EVENT_TYPES_DAYS)
    event_types = list(Alert.objects.visible_to(user).filter(started_at__gte=since).exclude(event_type="")
                       .order_by("event_type").values_list("event_type", flat=True).distinct()[:200])
    mahallas = [(m.pk, m.name) for m in Mahalla.objects.filter(
        pk__in=camera_list(user=user).values("mahalla_id")).defer("boundary").order_by("name_uz")]
    return {"cameras": cameras, "event_types": event_types, "mahallas": mahallas}


def alert_picture_get(*, user, alert_id: int, picture_id: int) -> tuple[Alert, AlertPicture] | None:
    """The picture and its alert, if the user may see the alert; None otherwise (so the view answers 404)."""
    alert = Alert.objects.visible_to(user).select_related("mahalla").filter(pk=alert_id).first()
    if alert is None:
        return None
    picture = AlertPicture.objects.filter(alert=alert, pk=picture_id).first()
    return (alert, picture) if picture is not None else None


def camera_list(*, user):
    return Camera.objects.visible_to(user).select_related("mahalla").defer("mahalla__boundary")


def camera_get(*, user, camera_id: int) -> Camera | None:
    return camera_list(user=user).select_related("district").defer("district__boundary").filter(
        pk=camera_id).first()


def unmatched_devices(*, user):
    """Devices that sent alerts but are not registered: what an operator registers next."""
    return (Alert.objects.visible_to(user).unmatched()
            .values("vendor", "device_id", "channel", "district_id")
            .annotate(alerts=Count("id"), last_seen_at=Max("started_at"), device_ip=Max("device_ip"),
                      device_name=Max("device_name"), source_channel=Max("source_channel"))
            .order_by("-last_seen_at"))


def false_positive_rates(*, user, alerts=None) -> dict[str, list[dict]]:
    """Share of reviewed alerts dismissed as false positives, per camera and per event type, and the dismissals
    per reason code, in one aggregate query (GROUPING SETS) over the alerts the user may see (`alerts`, already
    filtered, if given)."""
    base = (alerts if alerts is not None else Alert.objects.visible_to(user)).filter(
        status__in=FINAL_STATUSES).order_by()
    try:
        inner, params = base.values("camera_id", "event_type", "status", "dismiss_code").query.sql_with_params()
    except EmptyResultSet:  # a user without scope: `none()` compiles to no SQL at all
        return {"by_camera": [], "by_event_type": [], "by_reason": []}
    sql = (
        "SELECT GROUPING(q.camera_id), GROUPING(q.event_type), q.camera_id, c.name, q.event_type, "  # noqa: S608
        "q.dismiss_code, count(*) FILTER (WHERE q.status = 'dismissed'), count(*) "
        f"FROM ({inner}) AS q LEFT JOIN surveillance_camera AS c ON c.id = q.camera_id "
        "GROUP BY GROUPING SETS ((q.camera_id, c.name), (q.event_type), (q.dismiss_code)) ORDER BY 1, 2, 3, 5")
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    by_camera, by_event_type, by_reason = [], [], []
    for not_camera, not_type, camera_id, name, event_type, code, dismissed, reviewed in rows:
        entry = {"dismissed": dismissed, "reviewed": reviewed, "rate": round(dismissed / reviewed, 4)}
        if not not_camera:
            by_camera.append({"camera": camera_id, "camera_name": name or "", **entry})
        elif not not_type:
            by_event_type.append({"event_type": event_type, **entry})
        elif dismissed:  # text without a code (written before codes, or by raw SQL) means "other"
            by_reason.append({"code": code or Alert.DismissReason.OTHER.value, "dismissed": dismissed})
    return {"by_camera": by_camera, "by_event_type": by_event_type, "by_reason": _reason_rows(by_reason)}


def _reason_rows(rows: list[dict]) -> list[dict]:
    """Dismissals per reason code, most frequent first, in words, each with its share of all dismissals."""
    merged: dict[str, int] = {}
    for row in rows:
        merged[row["code"]] = merged.get(row["code"], 0) + row["dismissed"]
    rows = [{"code": code, "dismissed": n} for code, n in merged.items()]
    total = sum(merged.values())
    names = dict(Alert.DismissReason.choices)
    return [{"code": row["code"], "label": str(names.get(row["code"], row["code"])), "dismissed": row["dismissed"],
             "share": round(row["dismissed"] / total, 4)}
            for row in sorted(rows, key=lambda r: (-r["dismissed"], r["code"]))]


def alert_history(*, alert: Alert) -> list:
    """The review decisions taken on an alert the caller may already see, oldest first (from the audit trail,
    which records each of them with who took it)."""
    from audit.models import AuditEvent

    return list(AuditEvent.objects.filter(object_type="surveillance.alert", object_id=str(alert.pk),
                                          action=AuditEvent.Action.CHANGE)
                .only("occurred_at", "actor_username", "actor_role", "details").order_by("occurred_at", "id")[:50])


def camera_counts(*, user, district=None, mahalla=None) -> dict:
    """Cameras and alerts waiting for review in one territory, for the territory pages' panel."""
    cameras = Camera.objects.visible_to(user)
    alerts = Alert.objects.visible_to(user).awaiting_review().filter(camera__isnull=False)
    if mahalla is not None:
        cameras, alerts = cameras.filter(mahalla=mahalla), alerts.filter(mahalla=mahalla)
    elif district is not None:
        cameras, alerts = cameras.filter(district=district), alerts.filter(district=district)
    counts = cameras.aggregate(total=Count("id"), online=Count("id", filter=Q(status=Camera.Status.ONLINE)))
    counts.update(alerts.aggregate(review=Count("id"), urgent=Count("id", filter=Q(is_urgent=True))))
    return counts


def pull_device_list(*, user):
    return PullDevice.objects.visible_to(user).select_related("integration")
