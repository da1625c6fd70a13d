"""Demo cameras and a month of their alerts in the demo district, fed through the real ingestion path (stored raw,
then processed: matched, grouped, filtered by the district's rules, routed), and partly reviewed by the demo
operator, so the review queue, false-positive rates and the dashboards' alert tiles have something to show.

Loaded once: a database that already has cameras is left alone.
"""

from __future__ import annotations

import datetime
import json
import random
from dataclasses import dataclass

from django.contrib.gis.db.models.functions import PointOnSurface
from django.utils import timezone

from accounts.models import User
from mahallas.models import Mahalla

from .models import Alert, Camera, CameraOutage, InstallationKind
from .services.cameras import camera_create
from .services.ingest import raw_events_store
from .services.integrations import integration_create
from .services.processing import raw_events_process
from .services.review import alert_confirm, alert_dismiss

# (event type, label, typical confidence, weight): what street analytics mostly raise, and the rare urgent ones.
EVENTS = [
    ("intrusion", "person", 0.72, 30), ("loitering", "person", 0.66, 22), ("crowd", "crowd", 0.7, 14),
    ("vehicle", "car", 0.8, 14), ("fight", "fight", 0.78, 8), ("theft", "theft", 0.69, 6),
    ("drug_dealing", "drug_dealing", 0.64, 3), ("weapon", "weapon", 0.74, 3),
]
KINDS = [InstallationKind.STREET, InstallationKind.ENTRANCE_FACE, InstallationKind.SCHOOL, InstallationKind.MARKET,
         InstallationKind.TRANSPORT]
DISMISS_REASONS = ["Shadow or headlights", "Staff on duty", "Animal", "Children playing", "Duplicate"]


@dataclass
class DemoCameras:
    cameras: int = 0
    alerts: int = 0
    reviewed: int = 0
    skipped: str = ""


DEMO_MQTT_INTEGRATION = "frigate-mqtt"


def _demo_health(cameras: list[Camera], integration, now: datetime.datetime) -> None:
    """Something for the camera health page and the uptime tile: the cameras registered when their month of
    alerts began, a video loss an hour ago, one camera offline for the last five hours, two short outages earlier
    in the week."""
    Camera.objects.filter(pk__in=[c.pk for c in cameras]).update(created_at=now - datetime.timedelta(days=31))
    lost = cameras[1 % len(cameras)]
    raw_events_store(vendor="generic", content_type="application/json", integration=integration, body=json.dumps(
        {"event_id": "demo-videoloss", "device_id": lost.device_id, "channel": 1, "event_type": "videoloss",
         "started_at": (now - datetime.timedelta(hours=1)).isoformat()}).encode())
    while raw_events_process(fill_to=1000).claimed:
        pass
    down = cameras[-1]
    Camera.objects.filter(pk=down.pk).update(status=Camera.Status.OFFLINE,
                                             last_seen_at=now - datetime.timedelta(hours=5))
    CameraOutage.objects.bulk_create(
        [CameraOutage(camera=down, started_at=now - datetime.timedelta(hours=5))]
        + [CameraOutage(camera=camera, started_at=now - datetime.timedelta(days=day, hours=hours),
                        ended_at=now - datetime.timedelta(days=day)) for camera, day, hours in
           ((cameras[2 % len(cameras)], 3, 9), (cameras[5 % len(cameras)], 5, 4))])


def demo_cameras_load(*, operator: User, seed: int = 2026, alerts: int = 360, days: int = 30) -> DemoCameras:
    result = DemoCameras()
    if Camera.objects.exists():
        result.skipped = "cameras and alerts: the database already has cameras"
        return result
    rng = random.Random(seed)
    mahallas = list(Mahalla.objects.filter(district_id=operator.district_id)
                    .annotate(spot=PointOnSurface("boundary")).only("id", "name_uz").order_by("code"))
    cameras = []
    for i, mahalla in enumerate(mahallas):
        kind = KINDS[i % len(KINDS)]
        cameras.append(camera_create(by=operator, vendor="generic", device_id=f"DEMO-CAM-{i + 1:03d}",
                                     name=f"{mahalla.name_uz} · {kind.label}", location=mahalla.spot,
                                     installation_kind=kind, mahalla=mahalla))
    integration, _token = integration_create(name="demo-analytics-server", district=mahallas[0].district)
    # The demo district's Frigate NVRs publish over MQTT as this integration (`make run` and compose start the
    # consumer with MQTT_INTEGRATION=frigate-mqtt).
    integration_create(name=DEMO_MQTT_INTEGRATION, district=mahallas[0].district)
    now = timezone.now()
    batch = []
    for n in range(alerts):
        event_type, label, confidence, _w = rng.choices(EVENTS, weights=[e[3] for e in EVENTS])[0]
        camera = rng.choice(cameras)
        started = now - datetime.timedelta(seconds=rng.uniform(600, days * 86400))
        batch.append({"event_id": f"demo-{n:05d}", "device_id": camera.device_id, "channel": 1,
                      "event_type": event_type, "label": label,
                      "confidence": round(min(0.99, max(0.3, rng.gauss(confidence, 0.1))), 2),
                      "started_at": started.isoformat(),
                      "ended_at": (started + datetime.timedelta(seconds=rng.randint(5, 90))).isoformat()})
    for start in range(0, len(batch), 500):
        raw_events_store(vendor="generic", body=json.dumps({"alerts": batch[start:start + 500]}).encode(),
                         content_type="application/json", integration=integration)
    while raw_events_process(fill_to=1000).claimed:
        pass
    _demo_health(cameras, integration, now)
    result.cameras, result.alerts = len(cameras), Alert.objects.count()
    # The operator has worked through the older part of the queue: most turned out false, some were real.
    older = Alert.objects.filter(status=Alert.Status.ROUTED, started_at__lt=now - datetime.timedelta(days=7))
    for alert in older.select_related("camera", "mahalla").order_by("started_at"):
        if rng.random() < 0.12:
            alert_confirm(by=operator, alert=alert, note="Demo: confirmed on the recording")
        else:
            alert_dismiss(by=operator, alert=alert, reason=rng.choice(DISMISS_REASONS))
        result.reviewed += 1
    return result
