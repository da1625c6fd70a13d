"""Each vendor adapter against stored real-format payloads. Pure parsing: no database."""

import datetime
import json

import pytest

from surveillance.errors import PayloadError
from surveillance.vendors import frigate, generic, hikvision, parse

from ..conftest import MULTIPART_TYPE, payload

TASHKENT = datetime.timezone(datetime.timedelta(hours=5))


def test_hikvision_vmd_normalises_mac_and_event():
    (alert,) = hikvision.parse(payload("hikvision_vmd.xml"), "application/xml")
    assert alert.device_id == "44:19:b6:0a:1b:2c"
    assert (alert.channel, alert.event_type, alert.label) == (1, "vmd", "vmd")
    assert alert.started_at == datetime.datetime(2026, 3, 14, 21, 5, 11, tzinfo=TASHKENT)
    assert alert.natural_key == "44:19:b6:0a:1b:2c|1|VMD|2026-03-14T21:05:11+05:00|1"
    assert alert.device_ip == "10.20.1.64" and alert.device_name == "Bozor ko'chasi 01"
    assert not alert.is_heartbeat and alert.pictures == []


def test_hikvision_fielddetection_reads_region_and_target():
    (alert,) = hikvision.parse(payload("hikvision_fielddetection.xml"), "text/xml; charset=UTF-8")
    assert (alert.event_type, alert.label, alert.zones) == ("fielddetection", "human", ["region2"])
    assert alert.natural_key.endswith("|fielddetection|2026-03-14T23:41:02+05:00|3")


def test_hikvision_linedetection_with_dashed_mac_and_channel_2():
    (alert,) = hikvision.parse(payload("hikvision_linedetection.xml"), "application/xml")
    assert (alert.device_id, alert.channel, alert.label) == ("44:19:b6:0a:1b:2d", 2, "vehicle")


def test_hikvision_multipart_carries_xml_and_jpeg():
    (alert,) = hikvision.parse(payload("hikvision_linedetection_multipart.bin"), MULTIPART_TYPE)
    assert alert.event_type == "linedetection"
    assert [p.content_type for p in alert.pictures] == ["image/jpeg"]
    assert alert.pictures[0].data == payload("snapshot.jpg")
    assert alert.raw == payload("hikvision_linedetection_multipart.bin")


def test_hikvision_heartbeat_is_no_alert():
    (message,) = hikvision.parse(payload("hikvision_heartbeat.xml"), "application/xml")
    assert message.is_heartbeat and message.device_id == "44:19:b6:0a:1b:2c"


def test_hikvision_time_without_offset_is_tashkent_time():
    body = payload("hikvision_vmd.xml").replace(b"2026-03-14T21:05:11+05:00", b"2026-03-14T21:05:11")
    (alert,) = hikvision.parse(body, "application/xml")
    assert alert.started_at == datetime.datetime(2026, 3, 14, 21, 5, 11, tzinfo=TASHKENT)


@pytest.mark.parametrize(("body", "field"), [
    (payload("hikvision_dtd_entities.xml"), "body"),
    (b"<EventNotificationAlert><macAddress>", "body"),
    (b"<Other/>", "body"),
    (payload("hikvision_vmd.xml").replace(b"44:19:B6:0A:1B:2C", b"not-a-mac"), "macAddress"),
    (payload("hikvision_vmd.xml").replace(b"2026-03-14T21:05:11+05:00", b"yesterday"), "dateTime"),
    (payload("hikvision_vmd.xml").replace(b"<eventType>VMD</eventType>", b""), "eventType"),
])
def test_hikvision_bad_payload_names_the_problem(body, field):
    with pytest.raises(PayloadError) as excinfo:
        hikvision.parse(body, "application/xml")
    assert excinfo.value.field == field


def test_hikvision_external_entity_is_refused():
    body = (b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]>'
            b"<EventNotificationAlert><eventType>&e;</eventType></EventNotificationAlert>")
    with pytest.raises(PayloadError, match="DTD"):
        hikvision.parse(body, "application/xml")


def test_hikvision_multipart_without_xml_is_refused():
    body = b"--B\r\nContent-Disposition: form-data; name=\"x\"\r\n\r\nhello\r\n--B--\r\n"
    with pytest.raises(PayloadError, match="no EventNotificationAlert"):
        hikvision.parse(body, "multipart/form-data; boundary=B")


def test_hikvision_multipart_with_fake_jpeg_is_refused():
    body = payload("hikvision_linedetection_multipart.bin").replace(payload("snapshot.jpg"), b"MZ" + b"x" * 50)
    with pytest.raises(PayloadError, match="JPEG"):
        hikvision.parse(body, MULTIPART_TYPE)


def test_frigate_new_update_end_share_the_event_id():
    messages = [frigate.parse(payload(f"frigate_{t}.json"))[0] for t in ("new", "update", "end")]
    assert {m.natural_key for m in messages} == {"1773504311.482915-k3x9qz"}
    assert len({m.message_key for m in messages}) == 3
    new, update, end = messages
    assert (new.device_id, new.event_type, new.label, new.channel) == ("bozor_gate", "person", "person", 1)
    assert new.confidence == pytest.approx(0.7421875)
    assert update.confidence == pytest.approx(0.91796875)
    assert update.zones == ["gate", "market_row"]
    assert new.ended_at is None
    assert end.ended_at == datetime.datetime.fromtimestamp(1773504329.91, tz=datetime.UTC)
    assert new.started_at == datetime.datetime.fromtimestamp(1773504311.482915, tz=datetime.UTC)


@pytest.mark.parametrize(("body", "field"), [
    (b"{not json", "body"),
    (b"[]", "body"),
    (b'{"type": "delete", "after": {}}', "type"),
    (b'{"type": "new"}', "after"),
    (b'{"type": "new", "after": {"id": "x", "camera": "c", "label": "person", "start_time": "soon"}}',
     "after.start_time"),
    (b'{"type": "new", "after": {"id": "x", "camera": "c", "label": "person", "start_time": 1, "score": 7}}',
     "after.score"),
])
def test_frigate_bad_payload_names_the_problem(body, field):
    with pytest.raises(PayloadError) as excinfo:
        frigate.parse(body)
    assert excinfo.value.field == field


def test_generic_single_alert():
    (alert,) = parse("generic", payload("generic_single.json"), "application/json", integration_id=7)
    assert alert.natural_key == "7:srv7-2026-03-14-000193"
    assert (alert.event_type, alert.label, alert.confidence, alert.zones) == ("fight", "fight", 0.87,
                                                                               ["playground"])
    assert alert.raw == payload("generic_single.json")


def test_generic_batch_items_are_stored_one_by_one():
    item = json.loads(payload("generic_single.json"))
    batch = {"alerts": [{**item, "event_id": f"e{i}"} for i in range(3)]}
    alerts = parse("generic", json.dumps(batch).encode(), "application/json", integration_id=7)
    assert [a.natural_key for a in alerts] == ["7:e0", "7:e1", "7:e2"]
    assert json.loads(alerts[1].raw)["event_id"] == "e1"


@pytest.mark.parametrize(("change", "field"), [
    ({"started_at": "2026-03-14T22:10:05"}, "alerts[1].started_at"),
    ({"confidence": 1.5}, "alerts[1].confidence"),
    ({"event_id": ""}, "alerts[1].event_id"),
    ({"colour": "red"}, "alerts[1].colour"),
    ({"pictures": [{"content_type": "image/jpeg", "data": "!!"}]}, "alerts[1].pictures[0].data"),
])
def test_generic_batch_names_the_bad_item(change, field):
    item = json.loads(payload("generic_single.json"))
    batch = {"alerts": [{**item, "event_id": "a"}, {**item, "event_id": "b", **change}]}
    with pytest.raises(PayloadError) as excinfo:
        generic.parse(json.dumps(batch).encode())
    assert excinfo.value.field == field


def test_generic_batch_over_the_limit_is_refused(settings):
    settings.SURVEILLANCE_BATCH_MAX = 2
    item = json.loads(payload("generic_single.json"))
    with pytest.raises(PayloadError, match="At most 2"):
        generic.parse(json.dumps({"alerts": [{**item, "event_id": str(i)} for i in range(3)]}).encode())


def test_generic_schema_documents_every_accepted_field():
    from surveillance.serializers import GenericAlertSerializer

    assert set(GenericAlertSerializer().fields) == generic.FIELDS
