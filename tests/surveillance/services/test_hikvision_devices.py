"""Hikvision devices of every shape: a device known by MAC, serial number or IP address, NVR channels numbered
twice, heartbeats per device, the device's clock in the event's identity."""

import datetime
import re

import pytest

from surveillance.errors import PayloadError, SurveillanceError
from surveillance.models import Alert, Camera
from surveillance.services import camera_create, cameras_import_csv, integration_create
from surveillance.vendors import hikvision

from ..conftest import HIKVISION, PAYLOADS, post_raw, process_all

pytestmark = pytest.mark.django_db

SAMPLES = PAYLOADS / "hikvision"
NXI = "DS-7608NXI-I2/8P/S0820211012CCRRG41234567WCVU"
NVR_MAC = "c0:56:e3:4a:10:02"


def sample(name: str) -> bytes:
    return (SAMPLES / name).read_bytes()


def register(by, device_id: str, channel: int, location=(63.65, 41.0), name="Kamera") -> Camera:
    return camera_create(by=by, vendor="hikvision", device_id=device_id, channel=channel, name=name,
                         location=location)


def deliver(client, *names: str) -> list[Alert]:
    for name in names:
        assert post_raw(client, HIKVISION, sample(name), "application/xml").status_code == 202
    process_all()
    return list(Alert.objects.order_by("id"))


# --- which camera ----------------------------------------------------------------------------------------

@pytest.mark.parametrize("registered_as", [NXI, NVR_MAC, "10.31.4.20"])
def test_an_event_with_mac_serial_and_ip_finds_the_camera_under_any_of_them(registered_as, personas,
                                                                              integration_client):
    camera = register(personas.operator, registered_as, channel=4)

    (alert,) = deliver(integration_client(), "nvr_shelteralarm.xml")

    assert alert.camera == camera and alert.device_id == NVR_MAC


def test_the_strongest_identity_wins_when_two_cameras_claim_one_device(personas, integration_client):
    by_ip = register(personas.operator, "10.31.4.20", channel=4, name="by IP")
    by_serial = register(personas.operator, NXI, channel=4, name="by serial")

    (alert,) = deliver(integration_client(), "nvr_shelteralarm.xml")

    assert alert.camera == by_serial and alert.camera != by_ip


def test_a_camera_registered_under_the_mac_misses_an_event_that_names_the_serial_alone(personas,
                                                                                      integration_client):
    # The same NVR registered by the MAC its other events carry is a different identity: an event naming only
    # the serial cannot know the MAC, so the operator registers the serial (what the unknown list shows).
    register(personas.operator, NVR_MAC, channel=2)

    (alert,) = deliver(integration_client(), "issue17_ds7608nxi_linedetection.xml")

    assert alert.camera is None and alert.device_id == NXI and alert.status == Alert.Status.NEW


def test_an_nvr_camera_is_found_by_the_number_the_nvr_shows_or_by_its_device_channel(personas,
                                                                                    integration_client):
    d2 = register(personas.operator, NXI, channel=2, name="D2")
    old_style = register(personas.operator, "DS-7608NXI-I0/0P/S0000000000CCRRJ00000000WCVU", channel=34,
                         name="channel 34")

    issue, published = deliver(integration_client(), "issue17_ds7608nxi_linedetection.xml",
                               "hikvision_next__nvr_2_fielddetection.xml")

    assert (issue.camera, issue.channel, issue.source_channel) == (d2, 2, 34)
    assert (published.camera, published.channel, published.source_channel) == (old_style, 34, None)


def test_a_camera_entered_with_the_device_channel_still_matches_an_event_with_both(personas, integration_client):
    camera = register(personas.operator, NXI, channel=34)

    (alert,) = deliver(integration_client(), "issue17_ds7608nxi_linedetection.xml")

    assert alert.camera == camera


def test_an_ip_identified_camera_of_another_district_is_not_matched(personas, territory, client_for):
    """The same private address in district B1 is another device: the integration of A1 never reaches it."""
    register(personas.outsider, "10.31.4.20", channel=1, location=(67.0, 39.0))
    _integration, token = integration_create(name="nvr-a1-ip", district=territory.district_a1)
    body = sample("nvr_io_alarm_input.xml").replace(b"<macAddress>c0:56:e3:4a:10:02</macAddress>\n", b"")

    post_raw(client_for(token=token), HIKVISION, body, "application/xml")
    process_all()

    alert = Alert.objects.get()
    assert alert.device_id == "10.31.4.20" and alert.camera is None
    assert alert.district == territory.district_a1


def test_processing_sets_the_cameras_last_event_time_to_when_the_event_arrived(personas, integration_client):
    camera = register(personas.operator, NVR_MAC, channel=4)
    before = camera.last_event_at

    deliver(integration_client(), "nvr_shelteralarm.xml")

    camera.refresh_from_db()
    # The device said 23:01 on 30 November 2026, Tashkent time; what counts is when it reached us.
    assert before is None and camera.status == Camera.Status.ONLINE
    assert camera.last_event_at == Alert.objects.get().raw_events.get().received_at


# --- heartbeats -----------------------------------------------------------------------------------------

def test_a_heartbeat_marks_every_channel_of_the_device_online_with_its_time(personas, integration_client):
    channels = [register(personas.operator, NVR_MAC, channel=n, name=f"D{n}") for n in (1, 2)]
    by_ip = register(personas.operator, "10.31.4.20", channel=3, name="D3 by IP")
    other = register(personas.operator, "c0:56:e3:4a:10:99", channel=1, name="another NVR")

    response = post_raw(integration_client(), HIKVISION, sample("nvr_heartbeat_channel0.xml"), "application/xml")

    assert response.json() == {"accepted": 0, "duplicates": 0, "heartbeats": 1}
    for camera in [*channels, by_ip]:
        camera.refresh_from_db()
        assert camera.status == Camera.Status.ONLINE and camera.last_heartbeat_at is not None
        assert camera.last_event_at is None
    other.refresh_from_db()
    assert other.status == Camera.Status.OFFLINE and other.last_heartbeat_at is None


def test_a_heartbeat_from_another_districts_integration_changes_nothing(personas, territory, client_for):
    camera = register(personas.operator, NVR_MAC, channel=1)
    _integration, token = integration_create(name="nvr-b1", district=territory.district_b1)

    post_raw(client_for(token=token), HIKVISION, sample("nvr_heartbeat_channel0.xml"), "application/xml")

    camera.refresh_from_db()
    assert camera.last_heartbeat_at is None and camera.status == Camera.Status.OFFLINE


# --- the device's clock ------------------------------------------------------------------------------------

def test_a_resend_is_recognised_by_its_identical_body_whatever_the_clock_says_now(integration_client):
    client = integration_client()
    body = sample("issue17_ds7608nxi_linedetection.xml")

    answers = [post_raw(client, HIKVISION, body, "application/xml").json() for _ in range(3)]
    process_all()

    assert [a["accepted"] for a in answers] == [1, 0, 0] and Alert.objects.count() == 1
    assert Alert.objects.get().natural_key.endswith(f"{NXI}|34|linedetection|2026-11-30T22:14:07+05:00|12")


def test_a_clock_correction_between_events_changes_their_times_not_their_identity(integration_client):
    """The device was 40 minutes fast, then corrected: its next event reports an earlier time than the one
    before. Both are stored, each with the time the device gave; neither is taken for a resend."""
    client = integration_client()
    fast = sample("nvr_regionentrance.xml")
    corrected = fast.replace(b"2026-11-30T23:03:00+05:00", b"2026-11-30T22:23:00+05:00").replace(
        b"<activePostCount>3</activePostCount>", b"<activePostCount>4</activePostCount>")

    deliver(client, "nvr_regionentrance.xml")
    post_raw(client, HIKVISION, corrected, "application/xml")
    process_all()

    times = sorted(Alert.objects.values_list("started_at", flat=True))
    assert times == [datetime.datetime(2026, 11, 30, 17, 23, tzinfo=datetime.UTC),
                     datetime.datetime(2026, 11, 30, 18, 3, tzinfo=datetime.UTC)]


def test_the_same_instant_written_differently_is_another_message(integration_client):
    """The key keeps the device's text: only a byte-identical resend is one, never a re-rendered time."""
    client = integration_client()
    body = sample("nvr_regionentrance.xml")
    post_raw(client, HIKVISION, body, "application/xml")

    answer = post_raw(client, HIKVISION, body.replace(b"2026-11-30T23:03:00+05:00", b"2026-11-30T18:03:00Z"),
                      "application/xml").json()

    assert answer["accepted"] == 1


def test_a_one_digit_utc_offset_is_read():
    (message,) = hikvision.parse(sample("moonfire__videoloss_heartbeat.xml"), "application/xml")
    assert message.started_at == datetime.datetime(2016, 12, 25, 2, 59, 49, tzinfo=datetime.UTC)
    assert message.natural_key.split("|")[3] == "2016-12-24T18:59:49-8:00"


# --- registration -----------------------------------------------------------------------------------------

@pytest.mark.parametrize(("typed", "stored"), [
    ("44-19-B6-0A-1B-2F", "44:19:b6:0a:1b:2f"),
    ("4419.b60a.1b2f", "44:19:b6:0a:1b:2f"),
    (" ds-7608nxi-i2/8p/s0820211012ccrrg41234567wcvu ", NXI),
    ("E12345678", "E12345678"),
    ("10.31.4.21", "10.31.4.21"),
    ("::ffff:10.31.4.22", "10.31.4.22"),
])
def test_a_hikvision_device_is_registered_by_mac_serial_or_ip_as_its_events_name_it(typed, stored, personas):
    camera = register(personas.operator, typed, channel=1)
    assert camera.device_id == stored


@pytest.mark.parametrize("typed", ["NOT-A-MAC", "44:19:b6:0a", "kamera 1", "DS 7608"])
def test_a_hikvision_device_id_that_is_none_of_them_is_refused_naming_the_field(typed, personas):
    with pytest.raises(SurveillanceError) as refused:
        register(personas.operator, typed, channel=1)
    assert refused.value.field == "device_id"


def test_the_same_device_and_channel_may_exist_once_per_district(personas):
    register(personas.operator, "10.31.4.20", channel=2)
    elsewhere = register(personas.outsider, "10.31.4.20", channel=2, location=(67.0, 39.0))

    with pytest.raises(SurveillanceError) as refused:
        register(personas.operator, "10.31.4.20", channel=2, location=(63.75, 41.0))

    assert elsewhere.pk and refused.value.field == "device_id"
    assert "already registered in this district" in str(refused.value.message)


def test_csv_import_takes_serials_and_addresses(personas):
    report = cameras_import_csv(by=personas.operator, data=(
        "vendor,device_id,channel,name,longitude,latitude\n"
        f"hikvision,{NXI},1,D1,63.65,41.0\n"
        f"hikvision,{NXI},2,D2,63.65,41.0\n"
        "hikvision,10.31.4.23,1,By IP,63.75,41.0\n").encode())

    assert report.errors == [] and report.imported == 3
    assert set(Camera.objects.values_list("device_id", "channel")) == {(NXI, 1), (NXI, 2), ("10.31.4.23", 1)}


def test_an_event_naming_no_device_is_refused_and_nothing_stored(integration_client):
    body = sample("nvr_io_alarm_input.xml").replace(b"<macAddress>c0:56:e3:4a:10:02</macAddress>", b"").replace(
        b"<ipAddress>10.31.4.20</ipAddress>", b"")

    response = post_raw(integration_client(), HIKVISION, body, "application/xml")

    assert response.status_code == 400 and "macAddress" in response.json()["errors"]
    assert Alert.objects.count() == 0


def test_an_unreadable_serial_is_refused_by_the_adapter():
    body = sample("hikvision_next__nvr_2_fielddetection.xml").replace(b"DS-7608NXI-I0/0P/", b"!!")
    with pytest.raises(PayloadError) as refused:
        hikvision.parse(body, "application/xml")
    assert refused.value.field == "serialNumber"


# --- hostile values ------------------------------------------------------------------------------------------

FIELDS = ("macAddress", "serialNumber", "ipAddress", "channelID", "dynChannelID", "dateTime", "activePostCount",
          "eventType", "eventState", "inputIOPortID", "licensePlate", "confidenceLevel")
VALUES = ("", " ", "-1", "1.5", "99999999999999999999999", "nan", "x" * 300, "::", "2026-13-40T99:99:99",
          "&lt;b&gt;", "ff:ff:ff:ff:ff:ff:ff")


@pytest.mark.parametrize("name", ["issue17_ds7608nxi_linedetection.xml", "hikvision_next__pir.xml",
                                  "hikvision_next__ipc1_anpr_plate_detected.xml", "nvr_io_alarm_input.xml"])
def test_any_value_in_any_field_is_read_or_refused_naming_a_field(name):
    body = sample(name).decode()
    for field in FIELDS:
        for value in VALUES:
            changed = re.sub(rf"(<{field}[^>]*>)[^<]*(</{field}>)", lambda m, v=value: f"{m[1]}{v}{m[2]}", body)
            try:
                (message,) = hikvision.parse(changed.encode(), "application/xml")
            except PayloadError as refused:
                assert refused.field, (field, value)
                continue
            assert 0 <= message.channel <= 100_000 and len(message.plate) <= 32, (field, value)
            assert message.confidence is None or 0 <= message.confidence <= 1, (field, value)
