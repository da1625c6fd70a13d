"""Helpers of the alert-review tests (issue 16): camera alerts stored and processed through the real ingest
services, and the camera incident categories and alert-type rules their migrations seed."""

import datetime
import importlib
import json

from django.apps import apps
from django.utils import timezone

from surveillance import services
from surveillance.models import Alert
from tests.incidents.factories import ensure_incident_categories
from tests.surveillance.conftest import process_all


def camera_categories() -> None:
    """The migrations' seeds again: a transactional test's flush removes them for the tests that follow."""
    ensure_incident_categories()
    importlib.import_module("incidents.migrations.0007_camera_alert_categories").seed(apps, None)
    importlib.import_module("surveillance.migrations.0004_dismiss_code_category_rules").seed_rules(apps, None)


def alerts_stored(site, *events: dict) -> dict[str, Alert]:
    """Each event {key, event_type, label?, minutes_ago?, device_id?} as a generic alert; returns them by key."""
    now = timezone.now()
    items = [{"event_id": e["key"], "device_id": e.get("device_id", "AI-SRV7-CAM12"), "channel": 1,
              "event_type": e["event_type"], "label": e.get("label", ""), "confidence": 0.8,
              "started_at": (now - datetime.timedelta(minutes=e.get("minutes_ago", 5))).isoformat()}
             for e in events]
    services.raw_events_store(vendor="generic", body=json.dumps({"alerts": items}).encode(),
                              content_type="application/json", integration=site.integration)
    process_all()
    return {a.natural_key.split(":", 1)[1]: a for a in Alert.objects.filter(integration=site.integration)}
