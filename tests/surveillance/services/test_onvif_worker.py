"""End to end with a real Celery worker: a simulated ONVIF camera, the PullPoint driver over real sockets, the
ingest service, the doorbell, the worker's processing and routing; and again after the camera drops and comes
back. Like every `worker` test, it runs without pytest-xdist (`make test`)."""

import datetime

import pytest
import redis

from surveillance.models import Alert
from surveillance.services import camera_create
from tests.celery_support import Worker, wait_for

from ..conftest import TEST_REDIS_URL
from ..onvif_support import Puller, StoringSink, device_for
from ..simulators.onvif_device import OnvifDevice, at_time, fixture

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def worker(tmp_path, settings):
    client = redis.Redis.from_url(TEST_REDIS_URL)
    client.flushdb()
    w = Worker(tmp_path / "worker.log", TEST_REDIS_URL, MEDIA_ROOT=settings.MEDIA_ROOT,
               CACHE_KEY_PREFIX=settings.CACHES["default"]["KEY_PREFIX"]).start()
    yield w
    w.stop()
    client.flushdb()


def test_onvif_camera_events_become_routed_alerts_end_to_end_and_after_a_drop(site, personas, worker):
    camera = camera_create(by=personas.operator, vendor="onvif", device_id="onvif-gate", channel=1,
                           name="Bozor darvozasi ONVIF", location=(63.65, 41.0))
    sink = StoringSink(site.integration)
    with OnvifDevice() as sim, Puller(device_for(sim, device_id="onvif-gate"), sink, pull_seconds=1) as puller:
        wait_for(lambda: ("online", "") in sink.states and sim.subscriptions, 20)
        sim.push(fixture("cell_motion_true.xml"), fixture("field_detector_inside.xml"))

        wait_for(lambda: Alert.objects.filter(camera=camera, status="routed").count() == 2, 60, worker.log)
        motion = Alert.objects.get(event_type="motion")
        assert motion.mahalla_id == camera.mahalla_id and motion.ended_at is None

        sim.drop()
        wait_for(lambda: puller.ends, 20)
        sim.come_back()
        wait_for(lambda: sink.states.count(("online", "")) == 2 and sim.subscriptions, 20)
        later = datetime.datetime.now(datetime.UTC)
        sim.push(fixture("cell_motion_false.xml"), at_time(fixture("tamper_detector.xml"), later))

        wait_for(lambda: Alert.objects.filter(event_type="tamper", status="routed").exists(), 60, worker.log)
        wait_for(lambda: Alert.objects.filter(pk=motion.pk, ended_at__isnull=False).exists(), 60, worker.log)

    assert Alert.objects.filter(camera=camera).count() == 3
    assert Alert.objects.get(event_type="tamper").started_at.replace(microsecond=0) == later.replace(microsecond=0)
