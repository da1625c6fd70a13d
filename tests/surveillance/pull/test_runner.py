"""The pull runner against simulated Hikvision and Dahua devices over real sockets: events stored once (also when
the same device pushes), Dahua Start/Stop merged into one alert, state marked as streams come and go, refused
credentials, a stream cut mid-part, a silent stream, and the database connection killed under it."""

import datetime

import pytest
from django.db import connection
from django.utils import timezone

from surveillance.models import Alert, Camera, CameraOutage, PullDevice, RawEvent
from surveillance.services import camera_create, raw_events_process, raw_events_store
from tests.celery_support import wait_for
from tests.surveillance.simulators.devices import TASHKENT, Dahua, Hikvision

pytestmark = [pytest.mark.django_db(transaction=True)]


def state_of(device) -> str:
    return PullDevice.objects.get(pk=device.pk).state


def test_hikvision_stream_stores_each_event_once_even_when_the_device_also_pushes(site, start, register, sims,
                                                                                   runner):
    nvr = start(Hikvision(mac="44:19:b6:0a:1b:2c", keepalive_seconds=0.2))
    device = register(nvr, vendor="hikvision", device_id="44:19:b6:0a:1b:2c")
    pull = runner(touch_seconds=0.5)
    wait_for(lambda: state_of(device) == "online", 20)
    # The held stream is the NVR's heartbeat: its cameras come online before any event.
    wait_for(lambda: Camera.objects.get(pk=site.street.pk).status == "online", 20)
    assert Camera.objects.get(pk=site.entrance.pk).status == "offline"  # another device

    at = datetime.datetime(2026, 12, 6, 21, 0, 5, tzinfo=TASHKENT)
    for count in (1, 2, 3):
        sims.call(nvr.emit, channel=1, count=count, at=at)
    wait_for(lambda: RawEvent.objects.count() == 3, 20)
    # The same alert pushed by the same NVR to the push endpoint (same integration): a duplicate.
    pushed = raw_events_store(vendor="hikvision", body=nvr.alert(channel=1, count=2, at=at),
                              content_type="application/xml", integration=site.integration)
    assert (pushed.accepted, pushed.duplicates) == (0, 1)
    # Keep-alives (videoloss, inactive, channel 0) kept the stream alive but stored nothing.
    assert RawEvent.objects.count() == 3
    row = PullDevice.objects.get(pk=device.pk)
    assert row.last_event_at is not None and row.state_checked_at is not None
    assert {r.integration_id for r in RawEvent.objects.all()} == {site.integration.pk}
    raw_events_process(fill_to=10)
    assert set(Alert.objects.values_list("camera_id", flat=True)) == {site.street.pk}
    wait_for(lambda: pull.runner.stats.stored == 3, 10)  # counted once its commit has returned


def test_hikvision_alert_with_its_picture_is_stored_as_one_event(site, start, register, sims, runner):
    from tests.surveillance.conftest import payload

    nvr = start(Hikvision(mac="44:19:b6:0a:1b:2d", with_length=False, keepalive_seconds=0.2))
    register(nvr, vendor="hikvision", device_id="44:19:b6:0a:1b:2d")
    runner()
    wait_for(lambda: nvr.streams, 20)
    sims.call(nvr.emit, channel=2, picture=payload("snapshot.jpg"))
    wait_for(lambda: RawEvent.objects.count() == 1, 20)
    raw_events_process(fill_to=10)
    alert = Alert.objects.get()
    assert alert.camera == site.entrance and alert.pictures.get().is_biometric


def test_dahua_start_and_stop_become_one_alert_with_an_end_time(site, personas, start, register, sims, runner):
    camera = camera_create(by=personas.operator, vendor="dahua", device_id="NVR-7", channel=4,
                           name="Dahua 4", location=(63.65, 41.0))
    nvr = start(Dahua(keepalive_seconds=0.2, miscount=3))
    register(nvr, vendor="dahua", device_id="NVR-7")
    runner()
    wait_for(lambda: nvr.streams, 20)
    sims.call(nvr.emit, index=3, action="Start", object_type="Human")
    sims.call(nvr.emit, index=3, action="Stop", object_type="Human")
    wait_for(lambda: RawEvent.objects.count() == 2, 20)
    raw_events_process(fill_to=10)
    alert = Alert.objects.get()
    assert alert.camera == camera and alert.channel == 4 and alert.event_type == "linedetection"
    assert alert.ended_at is not None and alert.ended_at >= alert.started_at


def test_refused_credentials_are_marked_and_retried_slowly(site, start, register, runner):
    nvr = start(Hikvision(keepalive_seconds=0.2))
    device = register(nvr, vendor="hikvision", device_id="44:19:b6:0a:1b:2c", password="not-the-password")
    runner(auth_backoff_cap=30)
    wait_for(lambda: state_of(device) == "auth_failed", 20)
    row = PullDevice.objects.get(pk=device.pk)
    assert "401" in row.last_error and nvr.streams_opened == 0 and nvr.unauthorised >= 1


def test_a_stream_cut_mid_part_goes_offline_then_comes_back(site, start, register, sims, runner):
    nvr = start(Hikvision(mac="44:19:b6:0a:1b:2c", keepalive_seconds=0.2))
    device = register(nvr, vendor="hikvision", device_id="44:19:b6:0a:1b:2c")
    runner(touch_seconds=1)  # the held stream's heartbeat, every second here (20 s in production)
    wait_for(lambda: state_of(device) == "online", 20)
    sims.call(nvr.emit, channel=1)
    wait_for(lambda: RawEvent.objects.count() == 1, 20)
    Camera.objects.filter(pk=site.street.pk).update(status="online", last_seen_at=timezone.now())

    port = nvr.port
    sims.call(nvr.stop, mid_part=True)  # cut in the middle of a part, and nobody answers any more
    wait_for(lambda: state_of(device) == "offline", 20)
    assert Camera.objects.get(pk=site.street.pk).status == "offline"
    # the outage is on record from the moment the stream dropped: uptime counts it (surveillance.health)
    assert CameraOutage.objects.filter(camera=site.street, cause="stream", ended_at__isnull=True).exists()
    assert RawEvent.objects.count() == 1  # the half part was not taken for an event

    sims.call(nvr.start, port)
    wait_for(lambda: state_of(device) == "online", 20)
    sims.call(nvr.emit, channel=1)
    wait_for(lambda: RawEvent.objects.count() == 2, 20)
    # the held stream is the device's heartbeat: the camera is back online and its outage closed
    wait_for(lambda: not CameraOutage.objects.filter(camera=site.street, ended_at__isnull=True).exists(), 20)
    assert Camera.objects.get(pk=site.street.pk).status == "online"


def test_a_silent_stream_is_marked_offline_within_the_read_timeout(site, settings, start, register, sims, runner):
    settings.PULL_READ_TIMEOUT_SECONDS = 2
    nvr = start(Hikvision(keepalive_seconds=3600))  # the device stops talking without closing
    device = register(nvr, vendor="hikvision", device_id="44:19:b6:0a:1b:2c")
    runner()
    wait_for(lambda: state_of(device) == "online", 20)
    sims.call(nvr.refuse_new)  # the silent stream stays open; a reconnect would find nobody
    took = wait_for(lambda: state_of(device) == "offline", 20)
    assert took < 10
    assert PullDevice.objects.get(pk=device.pk).last_error  # the reconnect's refusal, after the read timeout's


def test_a_drop_followed_at_once_by_a_reconnect_still_opens_the_cameras_outage(site, start, register, sims, runner):
    nvr = start(Hikvision(mac="44:19:b6:0a:1b:2c", keepalive_seconds=0.2))
    device = register(nvr, vendor="hikvision", device_id="44:19:b6:0a:1b:2c")
    runner(touch_seconds=1, backoff_cap=0.01)  # back within the writer's tick: the drop and the return are
    wait_for(lambda: state_of(device) == "online", 20)  # written together
    wait_for(lambda: Camera.objects.get(pk=site.street.pk).status == "online", 20)
    opened, before = nvr.streams_opened, timezone.now()

    sims.call(nvr.drop)

    wait_for(lambda: nvr.streams_opened > opened and state_of(device) == "online", 20)
    wait_for(lambda: CameraOutage.objects.filter(camera=site.street, cause="stream").exists(), 20)
    assert before <= CameraOutage.objects.get(camera=site.street, cause="stream").started_at <= timezone.now()
    # and the held stream, the device's heartbeat, closes it again
    wait_for(lambda: not CameraOutage.objects.filter(camera=site.street, ended_at__isnull=True).exists(), 20)


def test_events_survive_the_database_connection_being_killed(site, start, register, sims, runner):
    nvr = start(Hikvision(mac="44:19:b6:0a:1b:2c", keepalive_seconds=0.2))
    device = register(nvr, vendor="hikvision", device_id="44:19:b6:0a:1b:2c")
    pull = runner()
    wait_for(lambda: state_of(device) == "online", 20)
    for _ in range(20):
        sims.call(nvr.emit, channel=1)
    wait_for(lambda: RawEvent.objects.count() == 20, 20)
    # Every other connection to the test database goes, the runner's included (a PostgreSQL restart as the
    # runner sees it: its next statement fails on a dead connection).
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                       "WHERE datname = current_database() AND pid <> pg_backend_pid()")
    for _ in range(30):
        sims.call(nvr.emit, channel=1)
    wait_for(lambda: RawEvent.objects.count() == 50, 30)
    # the runner counts a batch once its commit has returned, a moment after the rows are visible here
    wait_for(lambda: pull.runner.stats.stored == 50, 10)
    assert RawEvent.objects.count() == 50 and pull.runner.stats.duplicates == 0


def test_a_device_registered_while_running_is_picked_up_and_disabling_it_drops_its_stream(site, personas, start,
                                                                                          register, runner):
    from surveillance.services.pull_devices import pull_device_update

    runner()  # holding nothing yet
    nvr = start(Hikvision(keepalive_seconds=0.2))
    device = register(nvr, vendor="hikvision", device_id="44:19:b6:0a:1b:2c")
    wait_for(lambda: nvr.streams and state_of(device) == "online", 20)
    pull_device_update(by=personas.operator, device=device, enabled=False)
    wait_for(lambda: not nvr.streams, 20)
    assert state_of(device) == "disabled"


def test_events_are_stored_while_redis_is_down_and_the_sweep_sends_them_later(site, settings, start, register,
                                                                                sims, runner):
    from core import enqueue
    from mahalla_safety.celery import app
    from surveillance.services.processing import raw_events_sweep
    from tests.celery_support import broker

    down = "redis://127.0.0.1:1/0"  # nothing listens on port 1: every connection is refused at once
    settings.CACHES = {"default": {**settings.CACHES["default"], "LOCATION": down}}
    nvr = start(Hikvision(keepalive_seconds=0.2))
    register(nvr, vendor="hikvision", device_id="44:19:b6:0a:1b:2c")
    with broker(down):
        pull = runner()
        wait_for(lambda: nvr.streams, 20)
        for _ in range(5):
            sims.call(nvr.emit, channel=1)
        wait_for(lambda: RawEvent.objects.count() == 5, 20)
        pull.stop()
    assert pull.runner.stats.failures == 0  # the doorbell failed quietly after the commit; nothing was retried
    assert not RawEvent.objects.filter(processed_at__isnull=False).exists()
    assert app.conf.broker_url != down
    enqueue.broker.reset()  # the outage is over (the breaker would skip sending for a few more seconds)
    assert raw_events_sweep(older_than_seconds=0) == 5  # Redis is back: the sweep hands all five to a worker


def test_a_chunked_stream_is_read_like_one_read_to_the_close(site, start, register, sims, runner):
    nvr = start(Hikvision(keepalive_seconds=0.2, chunked=True))
    register(nvr, vendor="hikvision", device_id="44:19:b6:0a:1b:2c")
    runner()
    wait_for(lambda: nvr.streams, 20)
    for _ in range(3):
        sims.call(nvr.emit, channel=1)
    wait_for(lambda: RawEvent.objects.count() == 3, 20)
