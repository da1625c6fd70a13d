"""The share of camera-time online over the last days, per district, from the CameraOutage history.

A camera counts from the later of its registration and the window's start. Its offline time is the part of its
outages inside the window, plus, when it is offline now without an open outage (offline since before the
history began, never seen, or marked offline by a writer that keeps no history), the time since it was last
seen (or registered). Scoped like every read: only cameras `visible_to(user)` count.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db import connection
from django.utils import timezone

from .models import Camera

UPTIME_DAYS = 7

_UPTIME_SQL = """
WITH cams AS (
    SELECT c.id, c.district_id, c.status, c.last_seen_at, GREATEST(c.created_at, %s::timestamptz) AS t0
    FROM surveillance_camera c WHERE c.id IN ({visible}) AND c.created_at < %s::timestamptz
), outage AS (
    SELECT o.camera_id, sum(extract(epoch FROM LEAST(COALESCE(o.ended_at, %s::timestamptz), %s::timestamptz)
                                             - GREATEST(o.started_at, cams.t0))) AS seconds,
           bool_or(o.ended_at IS NULL) AS open
    FROM surveillance_cameraoutage o JOIN cams ON cams.id = o.camera_id
    WHERE (o.ended_at IS NULL OR o.ended_at > cams.t0) AND o.started_at < %s::timestamptz
    GROUP BY o.camera_id
)
SELECT cams.district_id, count(*),
       sum(extract(epoch FROM %s::timestamptz - cams.t0)),
       sum(GREATEST(COALESCE(outage.seconds, 0), 0)
           + CASE WHEN cams.status = 'offline' AND NOT COALESCE(outage.open, false)
                  THEN GREATEST(extract(epoch FROM %s::timestamptz
                                        - GREATEST(COALESCE(cams.last_seen_at, cams.t0), cams.t0)), 0)
                  ELSE 0 END)
FROM cams LEFT JOIN outage ON outage.camera_id = cams.id
GROUP BY cams.district_id
"""


@dataclass(frozen=True)
class Uptime:
    cameras: int
    camera_seconds: float
    offline_seconds: float

    @property
    def share(self) -> float | None:
        """Online share of camera-time, 0..1; None with no camera-time at all."""
        if self.camera_seconds <= 0:
            return None
        return max(0.0, min(1.0, 1 - self.offline_seconds / self.camera_seconds))


def camera_uptime(*, user, district_ids, days: int = UPTIME_DAYS,
                  now: datetime.datetime | None = None) -> dict[int, Uptime]:
    """district id -> Uptime of its cameras the user may see over the last `days`; one query."""
    now = now or timezone.now()
    since = now - datetime.timedelta(days=days)
    visible = Camera.objects.visible_to(user).filter(district_id__in=list(district_ids)).values("id")
    visible_sql, visible_params = visible.query.sql_with_params()
    sql = _UPTIME_SQL.format(visible=visible_sql)
    params = [since, *visible_params, now, now, now, now, now, now]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    return {district_id: Uptime(cameras=n, camera_seconds=float(total or 0), offline_seconds=float(down or 0))
            for district_id, n, total, down in rows}
