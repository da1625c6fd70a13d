"""Every Hikvision sample in payloads/hikvision/ (public ones and the NVR of issue 17; see its README): accepted
through the ingest endpoint, stored once, a resend stores nothing, and the alert made of it reads as listed."""

import pytest

from surveillance.models import Alert, Camera, RawEvent
from surveillance.services import camera_create

from ..conftest import HIKVISION, PAYLOADS, post_raw, process_all

pytestmark = pytest.mark.django_db

SAMPLES = PAYLOADS / "hikvision"
NXI = "DS-7608NXI-I2/8P/S0820211012CCRRG41234567WCVU"
NVR_MAC = "c0:56:e3:4a:10:02"
FF = "ff:ff:ff:ff:ff:ff"

# file: (device_id, channel, source_channel, event_type, label, plate, zones); None for a heartbeat.
EXPECTED = {
    "hikvision_next__cam1_DS-2CD2T46G2-ISU_io_notification.xml":
        ("4f:e4:2f:81:cd:1b", 1, None, "io", "io", "", ["io1"]),
    "hikvision_next__fielddetection_human.xml":
        ("ac:b9:2f:49:44:75", 1, None, "fielddetection", "human", "", ["region3"]),
    "hikvision_next__fielddetection_vehicle.xml":
        ("ac:b9:2f:49:44:75", 1, None, "fielddetection", "vehicle", "", ["region2"]),
    # A "duration" alarm: the field detection still going on.
    "hikvision_next__ipc_1_fielddetection.xml":
        ("a6:63:9e:f8:01:09", 1, None, "fielddetection", "fielddetection", "", []),
    "hikvision_next__ipc_thermometry_motiondetection.xml":
        ("a6:60:9e:f8:01:09", 2, None, "vmd", "vmd", "", []),
    # The NVR of issue 17's kind as published: PSIA namespace, serial number only, channelID 34 alone.
    "hikvision_next__nvr_2_fielddetection.xml":
        ("DS-7608NXI-I0/0P/S0000000000CCRRJ00000000WCVU", 34, None, "fielddetection", "fielddetection", "", []),
    "hikvision_next__pir.xml": ("c6:e6:61:0a:46:37", 1, None, "pir", "pir", "", []),
    "hikvision_next__ipc1_anpr_plate_detected.xml":
        ("bc:5e:33:62:2a:5c", 1, None, "anpr", "vehicle", "KH35192", []),
    "hikvision_next__ipc1_anpr_plate_unknown.xml": ("bc:5e:33:62:2a:5c", 1, None, "anpr", "anpr", "", []),
    "hikvision_next__vmd_human.xml": ("a6:63:9e:f8:01:09", 1, None, "vmd", "human", "", []),
    # HikSink's recordings of a camera, an NVR and a PTZ dome (alert stream), MAC anonymised to ff:ff:....
    "hiksink__cam_linedetection_active.xml": (FF, 1, None, "linedetection", "linedetection", "", ["region1"]),
    "hiksink__cam_linedetection_inactive.xml": (FF, 1, None, "linedetection", "linedetection", "", []),
    "hiksink__cam_videoloss_inactive.xml": None,
    "hiksink__cam_vmd_active.xml": (FF, 1, None, "vmd", "vmd", "", []),
    "hiksink__cam_vmd_inactive.xml": (FF, 1, None, "vmd", "vmd", "", []),
    "hiksink__nvr_fielddetection_active.xml": (FF, 7, None, "fielddetection", "fielddetection", "", []),
    "hiksink__nvr_linedetection_active.xml": (FF, 5, None, "linedetection", "linedetection", "", []),
    # An NVR channel with no camera behind it reports its video lost, again and again.
    "hiksink__nvr_videoloss_active.xml": (FF, 16, None, "videoloss", "videoloss", "", []),
    "hiksink__nvr_vmd_active.xml": (FF, 15, None, "vmd", "vmd", "", []),
    "hiksink__ptz_fielddetection_active.xml": (FF, 1, None, "fielddetection", "fielddetection", "", ["region1"]),
    "hiksink__ptz_videoloss_inactive.xml": None,
    "hiksink__ptz_vmd_active.xml": (FF, 1, None, "vmd", "vmd", "", []),
    "moonfire__videoloss_heartbeat.xml": None,
    "moonfire__std_cgi_vmd.xml": ("01:17:24:45:d9:f4", 1, None, "vmd", "vmd", "", ["region2"]),
    "issue17_ds7608nxi_linedetection.xml": (NXI, 2, 34, "linedetection", "human", "", ["region1"]),
    "nvr_facedetection.xml": (NVR_MAC, 1, 33, "facedetection", "facedetection", "", []),
    "nvr_heartbeat_channel0.xml": None,
    # The NVR's own alarm input: channel 0, the device itself.
    "nvr_io_alarm_input.xml": (NVR_MAC, 0, None, "io", "io", "", ["io2"]),
    "nvr_regionentrance.xml": (NVR_MAC, 1, 33, "regionentrance", "regionentrance", "", []),
    "nvr_regionexiting.xml": (NVR_MAC, 1, 33, "regionexiting", "regionexiting", "", []),
    "nvr_shelteralarm.xml": (NVR_MAC, 4, 36, "shelteralarm", "shelteralarm", "", []),
    "nvr_videoloss.xml": (NVR_MAC, 3, 35, "videoloss", "videoloss", "", []),
}


def test_every_sample_in_the_folder_has_its_expectation():
    assert sorted(p.name for p in SAMPLES.glob("*.xml")) == sorted(EXPECTED)


@pytest.mark.parametrize("name", sorted(n for n, fields in EXPECTED.items() if fields is not None))
def test_sample_is_stored_once_and_reads_as_expected(name, integration_client):
    body = (SAMPLES / name).read_bytes()
    client = integration_client()

    first = post_raw(client, HIKVISION, body, "application/xml")
    again = post_raw(client, HIKVISION, body, "application/xml")
    process_all()

    assert first.status_code == 202 and first.json() == {"accepted": 1, "duplicates": 0, "heartbeats": 0}
    assert again.status_code == 202 and again.json() == {"accepted": 0, "duplicates": 1, "heartbeats": 0}
    assert RawEvent.objects.count() == 1
    alert = Alert.objects.get()
    device_id, channel, source_channel, event_type, label, plate, zones = EXPECTED[name]
    assert (alert.device_id, alert.channel, alert.source_channel) == (device_id, channel, source_channel)
    assert (alert.event_type, alert.label, alert.plate, alert.zones) == (event_type, label, plate, zones)
    assert alert.started_at is not None and alert.camera is None  # nobody registered these devices


@pytest.mark.parametrize("name", sorted(n for n, fields in EXPECTED.items() if fields is None))
def test_heartbeat_sample_is_no_alert_and_stores_nothing(name, integration_client, personas):
    body = (SAMPLES / name).read_bytes()

    responses = [post_raw(integration_client(), HIKVISION, body, "application/xml") for _ in range(2)]

    assert [r.json() for r in responses] == [{"accepted": 0, "duplicates": 0, "heartbeats": 1}] * 2
    assert RawEvent.objects.count() == 0 and Alert.objects.count() == 0


def test_the_nvr_of_issue_17_reaches_the_camera_registered_under_its_serial(integration_client, personas):
    camera = camera_create(by=personas.operator, vendor="hikvision", device_id=NXI.lower(), channel=2,
                           name="Guliston D2", location=(63.65, 41.0))
    body = (SAMPLES / "issue17_ds7608nxi_linedetection.xml").read_bytes()

    response = post_raw(integration_client(), HIKVISION, body, "application/xml")
    process_all()

    assert response.status_code == 202 and response.json()["accepted"] == 1
    alert = Alert.objects.get()
    assert alert.camera == camera and alert.status == Alert.Status.ROUTED
    camera.refresh_from_db()
    assert camera.status == Camera.Status.ONLINE and camera.last_event_at is not None
    assert camera.last_heartbeat_at is None

