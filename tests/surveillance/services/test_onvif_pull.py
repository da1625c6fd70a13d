"""The ONVIF PullPoint driver against a simulated camera over real sockets: events stored once through the
ingest service, renewal before the camera's termination time, reconnection after the camera drops (an event
open across it closes), the credentials refused, Unsubscribe on the way out, a camera clock hours off, an older
camera without GetServices, and messages of shapes nobody foresaw."""

import asyncio
import concurrent.futures
import datetime
import json

import pytest
from onvif import ONVIFCamera
from zeep.exceptions import Fault

from surveillance.models import Alert, RawEvent
from surveillance.services import camera_create, raw_events_store
from surveillance.vendors import parse
from tests.celery_support import wait_for

from ..conftest import process_all
from ..onvif_support import CapturingSink, Puller, StoringSink, device_for
from ..simulators.onvif_device import OnvifDevice, at_time, fixture

DB = pytest.mark.django_db(transaction=True)


@pytest.fixture
def camera(site, personas):
    return camera_create(by=personas.operator, vendor="onvif", device_id="onvif-cam-1", channel=1,
                         name="Bozor ko'chasi ONVIF", location=(63.65, 41.0))


@pytest.fixture
def sim():
    with OnvifDevice() as device:
        yield device


def run_alone(coro):
    """asyncio.run in a thread of its own: after a browser test, Playwright's sync API keeps an event loop running
    in the test thread, and asyncio.run refuses to start a second one there."""
    with concurrent.futures.ThreadPoolExecutor(1) as pool:
        return pool.submit(asyncio.run, coro).result()


def online(sink) -> bool:
    return ("online", "") in sink.states


@DB
def test_pulled_events_are_stored_once_and_become_alerts(site, camera, sim):
    sink = StoringSink(site.integration)
    with Puller(device_for(sim, device_id="onvif-cam-1"), sink, pull_seconds=1):
        wait_for(lambda: online(sink) and sim.subscriptions, 20)
        sim.push(fixture("cell_motion_true.xml"), fixture("line_detector_crossed.xml"),
                 fixture("cell_motion_false.xml"))
        wait_for(lambda: len(sink.results) == 3, 20)

    assert [r.accepted for r in sink.results] == [1, 1, 1]
    assert RawEvent.objects.filter(vendor="onvif", integration=site.integration).count() == 3
    # The same messages again (a PullMessages answer repeated): nothing new is stored.
    again = [raw_events_store(vendor="onvif", body=body, content_type="application/json",
                              integration=site.integration) for body in sink.events]
    assert [(r.accepted, r.duplicates) for r in again] == [(0, 1)] * 3
    process_all()
    motion = Alert.objects.get(event_type="motion")
    assert motion.camera == camera and motion.ended_at is not None
    assert (motion.ended_at - motion.started_at).total_seconds() == 7
    line = Alert.objects.get(event_type="linedetection")
    assert line.channel == 2 and line.camera is None  # channel 2 of this device is not registered
    assert Alert.objects.count() == 2


def test_the_subscription_is_renewed_before_the_camera_lets_it_go(sim):
    sim.max_termination = 3  # the camera grants 3 s whatever the driver asks for
    sink = CapturingSink()
    with Puller(device_for(sim), sink, pull_seconds=10) as puller:
        wait_for(lambda: online(sink), 20)
        wait_for(lambda: len(sim.operations("Renew")) >= 3, 20)
        sim.push(fixture("tamper_detector.xml"))
        wait_for(lambda: len(sink.events) == 1, 10)
        assert puller.ends == []

    created_at = sim.operations("CreatePullPointSubscription")[0][0]
    renewals = [at for at, _ in sim.operations("Renew")]
    granted_until = created_at + 3
    for at in renewals:
        assert at < granted_until, "renewed after the camera had let the subscription go"
        granted_until = at + 3
    assert len(sim.operations("CreatePullPointSubscription")) == 1  # never lost, never re-created


@DB
def test_after_the_camera_drops_the_driver_reconnects_and_the_open_event_is_closed(site, camera, sim):
    sink = StoringSink(site.integration)
    with Puller(device_for(sim, device_id="onvif-cam-1"), sink, pull_seconds=1) as puller:
        wait_for(lambda: online(sink) and sim.subscriptions, 20)
        sim.push(fixture("cell_motion_true.xml"))
        wait_for(lambda: len(sink.results) == 1, 20)

        sim.drop()
        wait_for(lambda: len(puller.ends) >= 1, 20)
        assert isinstance(puller.ends[0], Exception) and ("offline", "") in sink.states
        sim.come_back()
        wait_for(lambda: sink.states.count(("online", "")) == 2 and sim.subscriptions, 20)
        sim.push(fixture("cell_motion_false.xml"))
        wait_for(lambda: len(sink.results) == 2, 20)

    process_all()
    alert = Alert.objects.get()
    assert alert.camera == camera and alert.event_type == "motion"
    assert alert.ended_at is not None and alert.ended_at > alert.started_at
    assert alert.raw_events.count() == 2


def test_refused_credentials_are_reported_as_auth_failed(sim):
    sink = CapturingSink()
    with Puller(device_for(sim, password="not-the-password"), sink, pause=30) as puller:
        wait_for(lambda: puller.ends, 20)

    assert puller.ends == [None]  # returned, as the contract asks, rather than raised
    assert sink.states[0][0] == "auth_failed" and "not authorized" in sink.states[0][1].lower()
    assert sim.auth_failures >= 1 and not sim.subscriptions and not sink.events


def test_stopping_the_driver_unsubscribes(sim):
    sink = CapturingSink()
    with Puller(device_for(sim), sink, pull_seconds=10):
        wait_for(lambda: online(sink) and sim.subscriptions, 20)
        wait_for(lambda: sim.operations("PullMessages"), 10)

    assert len(sim.operations("Unsubscribe")) == 1
    assert not sim.subscriptions


VENDOR_ELEMENT = (
    b'<wsnt:NotificationMessage xmlns:wsnt="http://docs.oasis-open.org/wsn/b-2" xmlns:v="urn:example:vendor">'
    b'<wsnt:Topic Dialect="http://www.onvif.org/ver10/tev/topicExpression/ConcreteSet">v:Vendor/Heartbeat</wsnt:Topic>'
    b'<wsnt:Message><v:Alive UtcTime="2026-11-20T11:00:00Z"><v:Source><v:SimpleItem Name="VideoSource" Value="2"/>'
    b'</v:Source></v:Alive></wsnt:Message></wsnt:NotificationMessage>')
NO_TOPIC = (b'<wsnt:NotificationMessage xmlns:wsnt="http://docs.oasis-open.org/wsn/b-2" '
            b'xmlns:tt="http://www.onvif.org/ver10/schema"><wsnt:Message><tt:Message UtcTime="2026-11-20T11:00:01Z">'
            b'<tt:Data><tt:SimpleItem Name="State" Value="true"/></tt:Data></tt:Message></wsnt:Message>'
            b'</wsnt:NotificationMessage>')


def test_a_message_of_an_unforeseen_shape_neither_ends_the_stream_nor_is_lost_silently(sim):
    sink = CapturingSink()
    with Puller(device_for(sim), sink, pull_seconds=1) as puller:
        wait_for(lambda: online(sink) and sim.subscriptions, 20)
        sim.push(VENDOR_ELEMENT, NO_TOPIC, fixture("tamper_detector.xml"))
        wait_for(lambda: len(sink.events) == 2, 20)
        assert puller.ends == []

    vendor, tamper = (json.loads(body) for body in sink.events)
    assert vendor["topic"] == "v:Vendor/Heartbeat" and vendor["source"] == {"VideoSource": "2"}
    assert vendor["utc_time"] == "2026-11-20T11:00:00+00:00"
    assert tamper["topic"] == "tns1:RuleEngine/TamperDetector/Tamper"  # the topic-less message was skipped


def test_a_state_still_true_when_the_camera_comes_back_keeps_its_first_start(sim):
    # The camera reports its current states on every new subscription (PropertyOperation Initialized), each time
    # with a new UtcTime: the driver keeps the start it saw first, so the alert is the same one.
    motion = fixture("cell_motion_true.xml")
    sink = CapturingSink()
    with Puller(device_for(sim), sink, pull_seconds=1) as puller:
        wait_for(lambda: online(sink) and sim.subscriptions, 20)
        sim.push(motion)
        wait_for(lambda: len(sink.events) == 1, 20)
        sim.drop()
        wait_for(lambda: puller.ends, 20)
        sim.initial = [at_time(motion, datetime.datetime.now(datetime.UTC)).replace(b"Changed", b"Initialized")]
        sim.come_back()
        wait_for(lambda: len(sink.events) >= 2, 20)
        sim.push(fixture("cell_motion_false.xml"))
        wait_for(lambda: any(b'"false"' in body for body in sink.events), 20)

    alerts = [alert for body in sink.events for alert in parse("onvif", body, "application/json",
                                                                integration_id=1)]
    assert {alert.natural_key for alert in alerts} == {alerts[0].natural_key}
    assert alerts[-1].ended_at is not None and alerts[-1].started_at == alerts[0].started_at


def test_a_camera_whose_clock_is_hours_off_still_accepts_the_driver():
    # The camera refuses a UsernameToken created more than five minutes from its own clock; the driver reads
    # that clock first (GetSystemDateAndTime needs no credentials) and dates its tokens by it.
    with OnvifDevice(clock_offset=datetime.timedelta(hours=-3, minutes=-7)) as sim:
        assert run_alone(_services_without_clock_reading(sim)) == "refused"
        sink = CapturingSink()
        with Puller(device_for(sim), sink, pull_seconds=1) as puller:
            wait_for(lambda: online(sink) and sim.subscriptions, 20)
            sim.push(fixture("field_detector_inside.xml"))
            wait_for(lambda: sink.events, 20)
            assert puller.ends == []
    assert json.loads(sink.events[0])["utc_time"] == "2026-11-20T10:02:55+00:00"  # the device's time, as sent


async def _services_without_clock_reading(sim) -> str:
    camera = ONVIFCamera("http://127.0.0.1", sim.port, sim.username, sim.password, no_cache=True)
    try:
        await camera.update_xaddrs()
    except Fault:
        return "refused"
    finally:
        await camera.close()
    return "accepted"


def test_an_older_camera_without_get_services_is_found_through_get_capabilities():
    with OnvifDevice(get_services=False) as sim:
        sink = CapturingSink()
        with Puller(device_for(sim), sink, pull_seconds=1):
            wait_for(lambda: online(sink) and sim.subscriptions, 20)
            sim.push(fixture("hikvision_motion_alarm.xml"))
            wait_for(lambda: sink.events, 20)
        assert [op for op, _, _ in sim.calls][:3] == ["GetSystemDateAndTime", "GetServices", "GetCapabilities"]
