"""Each camera's status and its history: online while traffic arrives (or its pulled stream is up), offline
after CAMERA_OFFLINE_AFTER_SECONDS of silence or while its pulled stream is down. Every change to offline opens a
CameraOutage and every change back closes it, so uptime can be computed afterwards (surveillance.health).

Four writers: the pull process when a stream drops (`cameras_stream_down`), a heartbeat (`cameras_seen` in
services.cameras), an alert being processed (`cameras_heard`), and the beat task every minute
(`cameras_mark_offline`), which also brings a camera online whose pulled stream is up.
"""

from __future__ import annotations

import datetime

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Q
from django.db.models.functions import Greatest
from django.utils import timezone

from .. import streams
from ..models import Camera, CameraOutage, OutageCause


def outages_close(*, cameras, at: datetime.datetime) -> int:
    """Close the open outage of these cameras (a queryset or ids); none open: nothing written."""
    key = "camera__in" if hasattr(cameras, "query") else "camera_id__in"
    return CameraOutage.objects.filter(ended_at__isnull=True, **{key: cameras}).update(
        ended_at=Greatest("started_at", at))


@transaction.atomic
def cameras_heard(*, latest: dict[int, datetime.datetime]) -> int:
    """Alerts from these cameras were processed: online now, last event at the given time (processing gives when
    the event reached us; anything ahead of our clock is capped at now), and any open outage closed.
    `latest`: camera id -> time of its newest event."""
    if not latest:
        return 0
    now = timezone.now()
    ids = sorted(latest)
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE surveillance_camera AS c SET last_seen_at = %s, status = 'online', "
            "last_event_at = GREATEST(c.last_event_at, LEAST(v.latest, %s)) "
            "FROM unnest(%s::bigint[], %s::timestamptz[]) AS v(id, latest) WHERE c.id = v.id",
            [now, now, ids, [latest[i] for i in ids]])
        changed = cursor.rowcount
    outages_close(cameras=ids, at=now)
    return changed


@transaction.atomic
def cameras_mark_offline(*, now: datetime.datetime | None = None) -> int:
    """The beat's minute check. Offline (an outage opened): an online camera silent for
    CAMERA_OFFLINE_AFTER_SECONDS whose pulled stream (if any) is not up, or a pulled camera whose stream is down
    and that was not heard from within the last minute some other way. Online (its outage closed): an offline
    camera whose pulled stream is up. Returns how many cameras went offline."""
    now = now or timezone.now()
    cutoff = now - datetime.timedelta(seconds=settings.CAMERA_OFFLINE_AFTER_SECONDS)
    silent = Q(last_seen_at__lt=cutoff) | Q(last_seen_at__isnull=True)
    live = streams.stream_up(now)
    stream_down = streams.pulled() & ~live & ~Q(last_seen_at__gte=streams.fresh_after(now))
    # Locked, so traffic processed meanwhile either waits for this transaction or is seen by it: FOR UPDATE
    # re-checks the conditions on a row another transaction has just marked online, and skips it.
    going = dict(Camera.objects.filter(status=Camera.Status.ONLINE)
                 .filter((silent & ~live) | stream_down)
                 .annotate(down=stream_down).order_by("id").select_for_update(of=("self",))
                 .values_list("id", "down"))
    if going:
        Camera.objects.filter(pk__in=list(going)).update(status=Camera.Status.OFFLINE)
        CameraOutage.objects.bulk_create(
            [CameraOutage(camera_id=pk, started_at=now, cause=OutageCause.STREAM if down else OutageCause.SILENT)
             for pk, down in going.items()], ignore_conflicts=True)
    back = list(Camera.objects.filter(live, status=Camera.Status.OFFLINE).order_by("id")
                .select_for_update(of=("self",)).values_list("id", flat=True))
    if back:
        Camera.objects.filter(pk__in=back).update(status=Camera.Status.ONLINE)
        outages_close(cameras=back, at=now)
    return len(going)


@transaction.atomic
def cameras_stream_down(cameras, *, now: datetime.datetime | None = None) -> int:
    """A pulled device's stream dropped: its online cameras (a queryset) go offline at once, each with an outage
    of cause "stream", rather than after the minute check finds them silent. Returns how many went offline."""
    now = now or timezone.now()
    going = list(cameras.filter(status=Camera.Status.ONLINE).order_by("id").select_for_update(of=("self",))
                 .values_list("id", flat=True))
    if going:
        Camera.objects.filter(pk__in=going).update(status=Camera.Status.OFFLINE)
        CameraOutage.objects.bulk_create([CameraOutage(camera_id=pk, started_at=now, cause=OutageCause.STREAM)
                                          for pk in going], ignore_conflicts=True)
    return len(going)
