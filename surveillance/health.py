"""Device health an operator can act on: per camera its last event and heartbeat, its pulled stream, its events
per hour against its own usual rate, tamper and video-loss events; which cameras need attention; and the share
of camera-time online (from the CameraOutage history). Reads only: every one starts from `visible_to(user)`.

A page costs one camera query (the pulled stream's state comes along as correlated subqueries) and one grouped
query over the cameras' alerts of the last 15 days (`_alert_stats`), whatever the number of cameras.

The usual rate is the median, over the previous 14 whole days the camera existed, of its events per day,
divided by 24: robust to a single day of flood or silence, and meaningful for a camera that fires a few times a
day (an hourly median would be zero for it). Fewer than MIN_BASELINE_DAYS such days: no usual rate yet.
"""

from __future__ import annotations

import datetime
import statistics
from dataclasses import dataclass, field

from django.db import connection
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .models import Camera
from .streams import is_stream_up, stream_annotations

# What a camera's analytics send when someone covers, turns, blurs or cuts it, as the adapters name it (see
# labels.py): Hikvision shelteralarm/tamperdetection, defocus and scene change, Hikvision and Dahua videoloss, and
# ONVIF's tamper detector, global scene change and image too blurry/dark/bright (all "tamper").
TAMPER_EVENT_TYPES = ("tamper", "shelteralarm", "tamperdetection", "videoloss", "defocus", "scenechangedetection",
                      "videotampering", "globalscenechange", "scenechange", "signalloss")
BASELINE_DAYS = 14
MIN_BASELINE_DAYS = 3
# Silent: the camera has gone so long without an event that its usual rate would have produced this many (the
# chance of that by bad luck is below 1 in 20,000 for a steady camera), and at least an hour.
SILENT_EXPECTED_EVENTS = 10
# Flooding: the last hour, or the last 24 hours on average, at this many times its usual rate and at least
# FLOOD_MIN_PER_HOUR events an hour (a camera that usually sends 1 an hour sending 5 is not a flood).
FLOOD_FACTOR = 5
FLOOD_MIN_PER_HOUR = 12

PROBLEMS = {
    "never_seen": _("never seen"),
    "offline": _("offline"),
    "stream_down": _("event stream down"),
    "silent": _("silent"),
    "flooding": _("flooding"),
    "tamper": _("tamper or video loss"),
}
# The problems that mean the camera shows nothing now; the others mean it shows something wrong.
DOWN_PROBLEMS = frozenset({"never_seen", "offline", "stream_down"})


@dataclass
class CameraHealth:
    camera: Camera
    events_24h: int = 0
    events_last_hour: int = 0
    usual_rate: float | None = None  # events per hour; None: too little history
    tamper_24h: int = 0
    last_tamper_at: datetime.datetime | None = None
    last_alert_at: datetime.datetime | None = None
    pulled: bool = False
    stream_up: bool = False
    problems: list[str] = field(default_factory=list)

    @property
    def rate_24h(self) -> float:
        return self.events_24h / 24

    @property
    def level(self) -> str:
        """"down" (shows nothing), "attention" (shows something wrong) or "ok": the colour on the map."""
        if DOWN_PROBLEMS.intersection(self.problems):
            return "down"
        return "attention" if self.problems else "ok"

    @property
    def working(self) -> bool:
        """Shows the street now: up, and no tamper or video loss in the last day (silent or flooding analytics
        still show the picture). What "a working camera" means for coverage."""
        return self.level != "down" and "tamper" not in self.problems

    @property
    def needs_attention(self) -> bool:
        return bool(self.problems)

    @property
    def problem_labels(self) -> list[str]:
        return [str(PROBLEMS[p]) for p in self.problems]


def health_cameras(*, user, district_id: int | None = None):
    """The cameras a user may see (of one district if given), with their pulled stream's state."""
    qs = (Camera.objects.visible_to(user).select_related("mahalla").defer("mahalla__boundary")
          .annotate(**stream_annotations()))
    return qs.filter(district_id=district_id) if district_id is not None else qs


_STATS_SQL = """
SELECT a.camera_id, floor(extract(epoch FROM (%(now)s - a.started_at)) / 86400)::int AS day,
       count(*), count(*) FILTER (WHERE a.started_at > %(now)s - interval '1 hour'),
       count(*) FILTER (WHERE a.event_type = ANY(%(tamper)s::varchar[])),
       max(a.started_at) FILTER (WHERE a.event_type = ANY(%(tamper)s::varchar[])), max(a.started_at)
FROM surveillance_alert a
WHERE a.camera_id = ANY(%(ids)s::bigint[]) AND a.started_at > %(since)s AND a.started_at <= %(now)s
GROUP BY 1, 2
"""


def _alert_stats(camera_ids: list[int], now: datetime.datetime) -> dict[int, dict[int, tuple]]:
    """camera id -> {days ago (0 = the last 24 hours): (events, of them in the last hour, tamper events,
    last tamper, last event)}: one grouped query. Alerts dated after now (a device clock ahead) wait."""
    if not camera_ids:
        return {}
    since = now - datetime.timedelta(days=BASELINE_DAYS + 1)
    with connection.cursor() as cursor:
        cursor.execute(_STATS_SQL, {"now": now, "since": since, "ids": camera_ids,
                                    "tamper": list(TAMPER_EVENT_TYPES)})
        rows = cursor.fetchall()
    stats: dict[int, dict[int, tuple]] = {}
    for camera_id, day, *values in rows:
        stats.setdefault(camera_id, {})[day] = tuple(values)
    return stats


def usual_rate(days: dict[int, tuple], created_at: datetime.datetime, now: datetime.datetime) -> float | None:
    """Median events per day over the previous BASELINE_DAYS whole days since the camera was registered, per
    hour; None with fewer than MIN_BASELINE_DAYS such days."""
    counts = [days.get(d, (0,))[0] for d in range(1, BASELINE_DAYS + 1)
              if now - datetime.timedelta(days=d + 1) >= created_at]
    if len(counts) < MIN_BASELINE_DAYS:
        return None
    return statistics.median(counts) / 24


def _problems(h: CameraHealth, now: datetime.datetime) -> list[str]:
    camera, found = h.camera, []
    if camera.last_seen_at is None and not h.stream_up:
        found.append("never_seen")
    elif camera.status != Camera.Status.ONLINE and not h.stream_up:
        # A live stream is the truth for a pulled camera: the minute check will mark it online.
        found.append("offline")
    if h.pulled and not h.stream_up:
        found.append("stream_down")
    down = bool(found)
    # A camera that is down obviously sends nothing: "silent" is for one that is up but whose analytics stopped.
    if h.usual_rate and not down:
        quiet_since = h.last_alert_at or (now - datetime.timedelta(days=BASELINE_DAYS + 1))
        quiet_hours = (now - quiet_since).total_seconds() / 3600
        if quiet_hours >= 1 and h.usual_rate * quiet_hours >= SILENT_EXPECTED_EVENTS:
            found.append("silent")
    if h.usual_rate is not None:
        threshold = max(FLOOD_FACTOR * h.usual_rate, FLOOD_MIN_PER_HOUR)
        if h.events_last_hour >= threshold or h.rate_24h >= threshold:
            found.append("flooding")
    if h.tamper_24h:
        found.append("tamper")
    return found


def camera_health(cameras, *, now: datetime.datetime | None = None) -> list[CameraHealth]:
    """The health of cameras already read (from `health_cameras`, so they carry their stream's state)."""
    now = now or timezone.now()
    cameras = list(cameras)
    stats = _alert_stats([c.pk for c in cameras], now)
    result = []
    for camera in cameras:
        days = stats.get(camera.pk, {})
        today = days.get(0, (0, 0, 0, None, None))
        state = getattr(camera, "stream_state", None)
        h = CameraHealth(
            camera=camera, events_24h=today[0], events_last_hour=today[1], tamper_24h=today[2],
            last_tamper_at=today[3], last_alert_at=max((v[4] for v in days.values()), default=None),
            usual_rate=usual_rate(days, camera.created_at, now), pulled=state is not None,
            stream_up=is_stream_up(state, getattr(camera, "stream_checked_at", None), now))
        h.problems = _problems(h, now)
        result.append(h)
    return result


_LEVEL_ORDER = {"down": 0, "attention": 1, "ok": 2}


def district_health(*, user, district_id: int, attention_only: bool = False,
                    now: datetime.datetime | None = None) -> list[CameraHealth]:
    """Every camera of the district the user may see, those needing attention first (down, then attention),
    then by name; two queries whatever the district's size."""
    rows = camera_health(health_cameras(user=user, district_id=district_id).order_by("name", "id"), now=now)
    if attention_only:
        rows = [h for h in rows if h.needs_attention]
    return sorted(rows, key=lambda h: _LEVEL_ORDER[h.level])


def attention_counts(rows: list[CameraHealth]) -> dict[str, int]:
    """How many cameras have each problem, and how many need attention at all."""
    counts = {code: 0 for code in PROBLEMS}
    for h in rows:
        for code in h.problems:
            counts[code] += 1
    counts["total"] = sum(1 for h in rows if h.needs_attention)
    counts["cameras"] = len(rows)
    return counts


def health_districts(*, user):
    """The districts whose cameras the user may see and that have any, by name (the page's chooser)."""
    from mahallas.models import District

    return (District.objects.visible_to(user).filter(pk__in=Camera.objects.visible_to(user).values("district_id"))
            .defer("boundary").order_by("name_uz", "id"))
