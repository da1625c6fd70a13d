"""Fixtures of the surveillance pages: the cameras of tests/surveillance (fixture `site`) and a small queue of
alerts stored and processed through the real ingest services."""

import base64
import datetime
import json
from dataclasses import dataclass

import pytest
from django.utils import timezone

from surveillance import services
from surveillance.models import Alert
from tests.surveillance.conftest import (  # noqa: F401 - fixtures shared with the API tests
    _celery_on_test_redis,
    _in_english,
    _isolated,
    payload,
    process_all,
    site,
)


@dataclass
class Queue:
    urgent: Alert  # fight at the school camera (A1a), with a picture: routed, urgent
    plain: Alert  # loitering at the school camera (A1a), with a picture: routed
    a1b: Alert  # motion at a camera of A1b: routed
    unmatched: Alert  # from a device nobody registered (district A1)
    b1: Alert  # another region's camera


def store(cameras, integration=None, **fields):
    item = {"channel": 1, "label": "", "confidence": 0.7, "zone": "yard", **fields}
    services.raw_events_store(vendor="generic", body=json.dumps(item).encode(), content_type="application/json",
                              integration=integration or cameras.integration)


def at(minutes_ago: int) -> str:
    return (timezone.now() - datetime.timedelta(minutes=minutes_ago)).isoformat()


PICTURE = [{"content_type": "image/jpeg", "data": base64.b64encode(payload("snapshot.jpg")).decode()}]


@pytest.fixture
def queue(site, personas) -> Queue:  # noqa: F811 - the imported fixture
    services.camera_create(by=personas.operator, vendor="generic", device_id="CAM-A1B", name="Navro'z ko'chasi",
                           location=(63.75, 41.0))
    services.camera_create(by=personas.outsider, vendor="generic", device_id="B1-CAM", name="Janubiy bozor",
                           location=(67.0, 39.0))
    store(site, event_id="plain", device_id="AI-SRV7-CAM12", event_type="loitering", label="person",
          confidence=0.61, started_at=at(5), pictures=PICTURE)
    store(site, event_id="urgent", device_id="AI-SRV7-CAM12", event_type="fight", label="fight",
          confidence=0.91, started_at=at(30), pictures=PICTURE)
    store(site, event_id="a1b", device_id="CAM-A1B", event_type="VMD", started_at=at(3))
    store(site, event_id="unknown", device_id="NOT-REGISTERED", event_type="VMD", started_at=at(4))
    b1_integration, _token = services.integration_create(name="nvr-b1", district=personas.outsider.district)
    store(site, b1_integration, event_id="b1", device_id="B1-CAM", event_type="VMD", started_at=at(2))
    process_all()
    by_key = {a.natural_key.split(":")[1]: a for a in Alert.objects.all()}
    return Queue(urgent=by_key["urgent"], plain=by_key["plain"], a1b=by_key["a1b"], unmatched=by_key["unknown"],
                 b1=by_key["b1"])

