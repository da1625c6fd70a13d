"""The ONVIF adapter over every recorded message shape (tests/surveillance/payloads/onvif/): each is served by the
simulated camera, pulled by the real driver over a socket, and the body the driver hands its sink is parsed."""

import datetime
import json

import pytest

from surveillance.errors import PayloadError
from surveillance.labels import alert_title
from surveillance.vendors import adapter, parse
from surveillance.vendors import onvif as onvif_adapter
from tests.celery_support import wait_for

from ..onvif_support import CapturingSink, Puller, device_for
from ..simulators.onvif_device import FIXTURES, OnvifDevice, fixture

UTC = datetime.UTC
# In the order the camera sends them: a state reported when the subscription starts, an event that starts
# and ends, then one message of every other shape.
ORDER = ["cell_motion_initialized_false.xml", "cell_motion_true.xml", "cell_motion_false.xml"]
# fixture -> (event type, label, channel, heartbeat, has an end)
EXPECTED = {
    "cell_motion_initialized_false.xml": ("other", "motion", 1, True, False),
    "cell_motion_true.xml": ("motion", "motion", 1, False, False),
    "cell_motion_false.xml": ("motion", "motion", 1, False, True),
    "hikvision_motion_alarm.xml": ("motion", "motion", 1, False, False),
    "tamper_detector.xml": ("tamper", "tamper", 1, False, False),
    "axis_global_scene_change.xml": ("tamper", "tamper", 1, False, False),
    "line_detector_crossed.xml": ("linedetection", "linedetection", 2, False, True),
    "field_detector_inside.xml": ("fielddetection", "fielddetection", 1, False, False),
    "axis_object_analytics.xml": ("objectdetection", "objectdetection", 1, False, False),
    "ajax_object_detection.xml": ("objectdetection", "person", 1, False, False),
    "reolink_people_detect.xml": ("objectdetection", "person", 1, False, False),
    "axis_day_night.xml": ("other", "", 1, True, False),
}
ALL = ORDER + sorted(set(EXPECTED) - set(ORDER))


def test_every_recorded_fixture_has_an_expectation():
    assert sorted(p.name for p in FIXTURES.glob("*.xml")) == sorted(EXPECTED)


@pytest.fixture(scope="module")
def bodies():
    """fixture name -> the JSON body the driver produced for it."""
    with OnvifDevice() as sim:
        sink = CapturingSink()
        with Puller(device_for(sim, device_id="adapter-cam"), sink, pull_seconds=1):
            wait_for(lambda: sim.subscriptions and ("online", "") in sink.states, 20)
            sim.push(*(fixture(name) for name in ALL))
            wait_for(lambda: len(sink.events) >= len(ALL), 20)
    return dict(zip(ALL, sink.events, strict=True))


@pytest.mark.parametrize("name", ALL)
def test_recorded_message_becomes_its_alert(bodies, name):
    event_type, label, channel, heartbeat, ended = EXPECTED[name]
    body = bodies[name]

    (alert,) = parse("onvif", body, "application/json", integration_id=7)

    message = json.loads(body)
    assert message["device_id"] == "adapter-cam"
    assert alert.device_id == "adapter-cam" and alert.vendor == "onvif"
    assert alert.is_heartbeat is heartbeat
    assert alert.channel == channel
    if not heartbeat:
        assert (alert.event_type, alert.label) == (event_type, label)
        assert (alert.ended_at is not None) is ended
        assert alert.natural_key.startswith("7:adapter-cam|" + message["topic"] + "|")
        assert alert.raw == body


def test_true_and_false_share_the_natural_key_and_the_false_sets_the_end(bodies):
    (start,) = parse("onvif", bodies["cell_motion_true.xml"], "application/json", integration_id=1)
    (end,) = parse("onvif", bodies["cell_motion_false.xml"], "application/json", integration_id=1)

    assert start.natural_key == end.natural_key
    assert start.message_key != end.message_key
    assert start.started_at == end.started_at == datetime.datetime(2026, 11, 20, 9, 14, 2, tzinfo=UTC)
    assert end.ended_at == datetime.datetime(2026, 11, 20, 9, 14, 9, tzinfo=UTC)
    assert start.zones == ["MyMotionDetectorRule"]


def test_onvif_parsers_reading_travels_in_the_body(bodies):
    entities = json.loads(bodies["ajax_object_detection.xml"])["entities"]

    assert {e["name"]: e["value"] for e in entities} == {
        "Person Detection": True, "Vehicle Detection": True, "Pet Detection": False}


def test_a_false_whose_start_was_never_seen_only_says_the_camera_is_alive():
    body = json.dumps({"device_id": "c", "topic": "tns1:RuleEngine/CellMotionDetector/Motion",
                       "utc_time": "2026-11-20T09:14:09Z", "source": {"VideoSourceConfigurationToken": "VS_1"},
                       "data": {"IsMotion": "false"}}).encode()

    (alert,) = onvif_adapter.parse(body)

    assert alert.is_heartbeat and alert.device_id == "c"


def test_topic_unknown_to_the_table_is_classified_by_onvif_parsers_device_class():
    assert onvif_adapter.topic_kind("tns1:Vendor/Thing", [{"platform": "binary_sensor",
                                                           "device_class": "motion"}]) == "motion"
    assert onvif_adapter.topic_kind("tns1:Vendor/Thing", [{"platform": "sensor", "device_class": None}]) == ""


@pytest.mark.parametrize(("source", "channel"), [
    ({"VideoSourceConfigurationToken": "VideoSourceToken"}, 1), ({"Source": "VideoSource_3"}, 3),
    ({"VideoSourceToken": "000"}, 1), ({"Source": "0"}, 1), ({"channel": "2"}, 2), ({}, 1),
    ({"VideoSourceConfigurationToken": "VideoSourceToken_12"}, 12), ({"Source": "VS_99999999999"}, 1),
])
def test_video_source_token_to_channel(source, channel):
    assert onvif_adapter.channel_of(source) == channel


@pytest.mark.parametrize(("body", "field"), [
    (b"not json", "body"), (b"[]", "body"),
    (b'{"topic": "tns1:X", "utc_time": "2026-11-20T09:14:09Z"}', "device_id"),
    (b'{"device_id": "c", "utc_time": "2026-11-20T09:14:09Z"}', "topic"),
    (b'{"device_id": "c", "topic": "tns1:X"}', "utc_time"),
    (b'{"device_id": "c", "topic": "tns1:X", "utc_time": "2026-11-20T09:14:09"}', "utc_time"),
    (b'{"device_id": "c", "topic": "tns1:X", "utc_time": "2026-11-20T09:14:09Z", "operation": "Gone"}',
     "operation"),
    (b'{"device_id": "c", "topic": "tns1:X", "utc_time": "2026-11-20T09:14:09Z", "data": {"a": 1}}', "data"),
    (b'{"device_id": "c", "topic": "tns1:X", "utc_time": "2026-11-20T09:14:09Z", "source": []}', "source"),
])
def test_unreadable_bodies_are_refused_naming_the_field(body, field):
    with pytest.raises(PayloadError) as refused:
        onvif_adapter.parse(body, "application/json")
    assert refused.value.field == field


def test_other_content_types_are_refused():
    with pytest.raises(PayloadError):
        onvif_adapter.parse(b"{}", "application/xml")


def test_the_adapter_is_registered():
    assert adapter("onvif") is onvif_adapter


@pytest.mark.parametrize(("event_type", "label", "title"), [
    ("tamper", "tamper", "Camera tampered with"), ("objectdetection", "person", "Object detected · person"),
    ("linedetection", "linedetection", "Line crossing"), ("fielddetection", "fielddetection", "Intrusion"),
    ("motion", "motion", "Motion"),
])
def test_onvif_event_types_have_words(event_type, label, title):
    assert alert_title(event_type, label) == title


def test_long_topics_and_sources_are_hashed_into_the_key_never_cut():
    def body(rule: str, value: str) -> bytes:
        return json.dumps({"device_id": "d" * 64, "topic": "tns1:RuleEngine/" + "X" * 200, "operation": "Initialized",
                           "utc_time": "2026-11-20T09:14:02.123456Z", "source": {"Rule": rule},
                           "data": {"State": value}}).encode()

    (start,) = parse("onvif", body("r" * 300 + "1", "true"), "application/json", integration_id=123456789)
    (other,) = parse("onvif", body("r" * 300 + "2", "true"), "application/json", integration_id=123456789)
    (end,) = parse("onvif", body("r" * 300 + "1", "false"), "application/json", integration_id=123456789)

    assert start.natural_key != other.natural_key
    assert start.message_key != end.message_key
    assert all(len(a.natural_key) <= 255 and len(a.message_key) <= 255 for a in (start, other, end))
