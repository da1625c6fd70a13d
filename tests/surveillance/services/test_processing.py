"""Processing: normalise, attach camera and mahalla, group, apply the district's rules, route, flag urgent.
Calls the services directly; test_worker.py runs the same through a real Celery worker."""

import datetime
import itertools
import json

import pytest
from django.utils import timezone

from surveillance import services
from surveillance.models import Alert, AlertGroup, AlertPicture, Camera, DistrictAlertRule, RawEvent
from surveillance.signals import alert_routed

from ..conftest import payload, process_all

pytestmark = pytest.mark.django_db
S = Alert.Status


def store(vendor: str, body: bytes, content_type: str = "application/json", integration=None):
    return services.raw_events_store(vendor=vendor, body=body, content_type=content_type, integration=integration)


def generic(site, **fields) -> bytes:
    item = {**json.loads(payload("generic_single.json")), **fields}
    return json.dumps(item).encode()


def test_hikvision_alert_is_routed_to_the_cameras_mahalla_and_district(site, territory):
    store("hikvision", payload("hikvision_vmd.xml"), "application/xml", site.integration)
    assert process_all() == 1

    alert = Alert.objects.get()
    assert alert.camera == site.street and alert.mahalla == territory.mahalla_a1a
    assert alert.district == territory.district_a1
    assert (alert.status, alert.route_reason, alert.is_urgent) == (S.ROUTED, "matched", False)
    raw = RawEvent.objects.get()
    assert raw.processed_at is not None and raw.alert == alert and raw.attempts == 1
    site.street.refresh_from_db()
    assert site.street.status == Camera.Status.ONLINE


def test_urgent_label_is_flagged(site):
    store("generic", generic(site), integration=site.integration)
    process_all()
    alert = Alert.objects.get()
    assert alert.is_urgent and alert.status == S.ROUTED and alert.route_reason == "urgent"


@pytest.mark.parametrize(("rule", "fields", "status", "reason"), [
    ({"min_confidence": 0.9}, {"event_type": "loitering", "label": "person"}, S.FILTERED, "confidence"),
    ({"min_confidence": 0.9}, {}, S.FILTERED, "confidence"),  # urgent, but still below the minimum
    ({"event_types": ["fight"]}, {"event_type": "loitering", "label": "person"}, S.FILTERED, "event_type"),
    ({"event_types": ["fight"]}, {"event_type": "weapon", "label": "weapon"}, S.ROUTED, "urgent"),
    # 22:10 local is outside 08:00-20:00 ...
    ({"active_from": datetime.time(8), "active_to": datetime.time(20)},
     {"event_type": "loitering", "label": "person"}, S.FILTERED, "hours"),
    # ... and inside 20:00-06:00, a window that crosses midnight.
    ({"active_from": datetime.time(20), "active_to": datetime.time(6)},
     {"event_type": "loitering", "label": "person"}, S.ROUTED, "matched"),
    # Urgent labels skip the hours.
    ({"active_from": datetime.time(8), "active_to": datetime.time(20)}, {}, S.ROUTED, "urgent"),
])
def test_district_rules(site, territory, rule, fields, status, reason):
    DistrictAlertRule.objects.create(district=territory.district_a1,
                                     urgent_labels=list(DistrictAlertRule.DEFAULT_URGENT_LABELS), **rule)
    store("generic", generic(site, **fields), integration=site.integration)
    process_all()
    alert = Alert.objects.get()
    assert (alert.status, alert.route_reason) == (status, reason)


def test_duplicate_delivery_is_stored_and_processed_once(site):
    for _ in range(3):
        store("hikvision", payload("hikvision_vmd.xml"), "application/xml", site.integration)
    assert process_all() == 1
    assert RawEvent.objects.count() == 1 and Alert.objects.count() == 1


def test_a_claimed_event_is_not_claimed_again(site):
    result = store("hikvision", payload("hikvision_vmd.xml"), "application/xml", site.integration)
    assert services.raw_events_claim(ids=result.ids) == result.ids
    # A second delivery of the task: someone else has it.
    assert services.raw_events_claim(ids=result.ids, fill_to=10) == []
    assert services.raw_events_process(ids=result.ids).claimed == 0
    assert Alert.objects.count() == 0


def test_a_stale_claim_is_taken_over(site, settings):
    result = store("hikvision", payload("hikvision_vmd.xml"), "application/xml", site.integration)
    services.raw_events_claim(ids=result.ids)
    RawEvent.objects.update(claimed_at=timezone.now() - datetime.timedelta(hours=1))
    assert services.raw_events_process(ids=result.ids).processed == 1
    assert RawEvent.objects.get().attempts == 2


def test_processing_twice_changes_nothing(site):
    result = store("hikvision", payload("hikvision_vmd.xml"), "application/xml", site.integration)
    services.raw_events_process(ids=result.ids)
    RawEvent.objects.update(processed_at=None, claimed_at=None)  # as if a worker crashed after its commit
    services.raw_events_process(ids=result.ids)
    assert Alert.objects.count() == 1 and AlertGroup.objects.get().count == 1


FRIGATE_ORDERS = list(itertools.permutations(["new", "update", "end"]))


@pytest.mark.parametrize("order", FRIGATE_ORDERS, ids=["-".join(o) for o in FRIGATE_ORDERS])
@pytest.mark.parametrize("together", [True, False], ids=["one-batch", "one-by-one"])
def test_frigate_messages_merge_into_one_alert_in_any_order(site, order, together):
    for kind in order:
        store("frigate", payload(f"frigate_{kind}.json"), integration=site.integration)
        if not together:
            process_all()
    process_all()

    alert = Alert.objects.get()
    assert alert.natural_key == f"{site.integration.pk}:1773504311.482915-k3x9qz" and alert.camera == site.frigate
    assert alert.confidence == pytest.approx(0.91796875)  # the top score, never the lower end score
    assert alert.ended_at == datetime.datetime.fromtimestamp(1773504329.91, tz=datetime.UTC)
    assert alert.started_at == datetime.datetime.fromtimestamp(1773504311.482915, tz=datetime.UTC)
    assert alert.zones == ["gate", "market_row"]
    assert alert.raw_events.count() == 3 and AlertGroup.objects.get().count == 1


def test_frigate_update_raising_the_score_routes_a_filtered_alert(site, territory):
    DistrictAlertRule.objects.create(district=territory.district_a1, min_confidence=0.8)
    store("frigate", payload("frigate_new.json"), integration=site.integration)
    process_all()
    assert Alert.objects.get().status == S.FILTERED
    store("frigate", payload("frigate_update.json"), integration=site.integration)
    process_all()
    assert Alert.objects.get().status == S.ROUTED


def test_frigate_end_does_not_reopen_a_reviewed_alert(site, personas):
    store("frigate", payload("frigate_new.json"), integration=site.integration)
    process_all()
    services.alert_dismiss(by=personas.operator, alert=Alert.objects.get(), reason="a shadow")
    store("frigate", payload("frigate_end.json"), integration=site.integration)
    process_all()
    alert = Alert.objects.get()
    assert alert.status == S.DISMISSED and alert.ended_at is not None


def test_repeats_within_the_window_form_one_group(site, settings):
    settings.ALERT_GROUP_WINDOW_SECONDS = 300
    start = datetime.datetime(2026, 3, 14, 22, 0, tzinfo=datetime.UTC)
    for i, minutes in enumerate([0, 2, 4, 30]):
        at = (start + datetime.timedelta(minutes=minutes)).isoformat()
        store("generic", generic(site, event_id=f"g{i}", started_at=at, ended_at=None), integration=site.integration)
        if i == 1:
            process_all()  # groups continue across batches
    process_all()
    groups = sorted(AlertGroup.objects.values_list("count", flat=True))
    assert groups == [1, 3]
    assert Alert.objects.filter(group__count=3).count() == 3


def test_alert_routed_signal_after_commit(site, django_capture_on_commit_callbacks):
    received = []

    def receiver(sender, **kwargs):
        received.append(kwargs)

    alert_routed.connect(receiver)
    try:
        store("generic", generic(site), integration=site.integration)
        with django_capture_on_commit_callbacks(execute=True):
            process_all()
    finally:
        alert_routed.disconnect(receiver)
    alert = Alert.objects.get()
    assert received[0]["alert_ids"] == frozenset({alert.pk}) == received[0]["urgent_ids"]
    assert received[0]["mahalla_ids"] == frozenset({alert.mahalla_id})


def test_unmatched_alert_gets_its_camera_when_registered_later(site, personas):
    body = generic(site, device_id="NEW-CAM")
    store("generic", body, integration=site.integration)
    process_all()
    assert Alert.objects.get().camera is None
    services.camera_create(by=personas.operator, vendor="generic", device_id="NEW-CAM", name="New",
                           location=(63.65, 41.0))
    # A resend after registration merges into the same alert and routes it.
    RawEvent.objects.all().delete()
    store("generic", body, integration=site.integration)
    process_all()
    alert = Alert.objects.get()
    assert alert.camera is not None and alert.status == S.ROUTED


def test_sweep_enqueues_stored_but_unprocessed_events(site, monkeypatch):
    sent = []
    monkeypatch.setattr("surveillance.tasks.alerts_process_batch.delay", lambda ids: sent.append(ids))
    store("hikvision", payload("hikvision_vmd.xml"), "application/xml", site.integration)
    store("hikvision", payload("hikvision_fielddetection.xml"), "application/xml", site.integration)
    claimed = RawEvent.objects.order_by("id").last()
    RawEvent.objects.filter(pk=claimed.pk).update(claimed_at=timezone.now())  # a live worker has it

    assert services.raw_events_sweep(older_than_seconds=0) == 1
    assert sent == [[RawEvent.objects.order_by("id").first().pk]]


def test_cameras_silent_too_long_go_offline(site, settings):
    settings.CAMERA_OFFLINE_AFTER_SECONDS = 600
    now = timezone.now()
    Camera.objects.update(status="online", last_seen_at=now - datetime.timedelta(seconds=900))
    Camera.objects.filter(pk=site.street.pk).update(last_seen_at=now - datetime.timedelta(seconds=60))
    assert services.cameras_mark_offline() == 3
    assert list(Camera.objects.filter(status="online")) == [site.street]


def test_retention_purge_keeps_evidence(site, personas, settings):
    from incidents.models import Incident, IncidentCategory

    settings.ALERT_RETENTION_DAYS = 30
    store("hikvision", payload("hikvision_linedetection_multipart.bin"), "multipart/form-data; boundary=MIME_boundary",
          site.integration)
    kept_body = payload("hikvision_linedetection_multipart.bin").replace(b"2026-03-15T02:17:45", b"2026-03-15T02:19:00")
    store("hikvision", kept_body, "multipart/form-data; boundary=MIME_boundary", site.integration)
    process_all()
    old, evidence = Alert.objects.order_by("id")
    incident_id = Incident.objects.create(
        mahalla=evidence.mahalla, category=IncidentCategory.objects.get(code="theft"),
        occurred_at=evidence.started_at, reported_at=evidence.started_at,
        created_by=personas.district_official).pk
    Alert.objects.filter(pk=evidence.pk).update(incident_id=incident_id)
    old_file = old.pictures.get().file.path

    later = timezone.now() + datetime.timedelta(days=400)
    pictures, raws = services.alert_media_purge(now=later)

    assert (pictures, raws) == (1, 1)
    assert not AlertPicture.objects.filter(alert=old).exists()
    assert AlertPicture.objects.filter(alert=evidence).exists()
    assert list(RawEvent.objects.values_list("alert_id", flat=True)) == [evidence.pk]
    import os

    assert not os.path.exists(old_file)
    assert Alert.objects.count() == 2  # the alert rows stay: counts and false-positive rates need them


def test_retention_purge_leaves_recent_alerts(site):
    store("hikvision", payload("hikvision_linedetection_multipart.bin"), "multipart/form-data; boundary=MIME_boundary",
          site.integration)
    process_all()
    assert services.alert_media_purge(now=Alert.objects.get().started_at + datetime.timedelta(days=29)) == (0, 0)
