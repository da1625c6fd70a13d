"""A real Celery worker (subprocess, solo pool) against the real Redis (database 15 only) and the test database:
end to end, the sweep after Redis lost everything, and a worker SIGKILLed mid-batch."""

import base64
import json

import pytest
import redis
from rest_framework.test import APIClient

from surveillance import services, tasks
from surveillance.models import Alert, AlertPicture, RawEvent
from tests.celery_support import Worker, wait_for

from .conftest import ALERTS, TEST_REDIS_URL, payload

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def broker():
    client = redis.Redis.from_url(TEST_REDIS_URL)
    client.flushdb()
    yield client
    client.flushdb()


@pytest.fixture
def worker(tmp_path, settings, broker):
    started = []

    def make(**env) -> Worker:
        # The same cache key prefix as this test: web and worker share the doorbell flag (services.doorbell_ring).
        w = Worker(tmp_path / "worker.log", TEST_REDIS_URL, MEDIA_ROOT=settings.MEDIA_ROOT,
                   CACHE_KEY_PREFIX=settings.CACHES["default"]["KEY_PREFIX"], **env)
        started.append(w)
        return w.start()

    yield make
    for w in started:
        w.stop()


def unprocessed() -> int:
    return RawEvent.objects.filter(processed_at__isnull=True).count()


def generic_batch(site, n: int, prefix: str, picture: bool = False) -> bytes:
    item = json.loads(payload("generic_single.json"))
    if picture:
        item["pictures"] = [{"content_type": "image/jpeg",
                             "data": base64.b64encode(payload("snapshot.jpg")).decode()}]
    return json.dumps({"alerts": [{**item, "event_id": f"{prefix}{i}"} for i in range(n)]}).encode()


def test_worker_processes_a_posted_alert_end_to_end(site, worker, tmp_path):
    w = worker()
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {site.token}")

    response = client.generic("POST", "/api/v1/surveillance/hikvision/",
                              payload("hikvision_linedetection_multipart.bin"),
                              content_type="multipart/form-data; boundary=MIME_boundary")

    assert response.status_code == 202
    wait_for(lambda: Alert.objects.filter(status="routed").exists(), 60, w.log)
    alert = Alert.objects.get()
    assert alert.camera == site.entrance and alert.pictures.get().is_biometric
    assert RawEvent.objects.get().processed_at is not None
    assert client.generic("POST", ALERTS, payload("generic_single.json"),
                          content_type="application/json").status_code == 202
    wait_for(lambda: Alert.objects.filter(is_urgent=True, status="routed").exists(), 30, w.log)


def test_sweep_after_redis_is_flushed_loses_nothing(site, worker, broker):
    for start in range(0, 300, 100):
        services.raw_events_store(vendor="generic", body=generic_batch(site, 100, f"s{start}-"),
                                  content_type="application/json", integration=site.integration)
    assert broker.llen("celery") > 0  # enqueued on commit ...
    broker.flushdb()  # ... and lost with everything else in Redis
    assert broker.llen("celery") == 0 and unprocessed() == 300

    w = worker(SURVEILLANCE_SWEEP_AFTER_SECONDS=0)
    tasks.alerts_sweep.delay()  # what beat sends every 30 s

    wait_for(lambda: unprocessed() == 0, 60, w.log)
    assert Alert.objects.count() == 300


def test_worker_killed_mid_batch_then_restarted_processes_every_alert_exactly_once(site, worker, broker):
    total = 2000
    for start in range(0, total, 1000):
        services.raw_events_store(vendor="generic", body=generic_batch(site, 1000, f"k{start}-", picture=True),
                                  content_type="application/json", integration=site.integration)
    env = {"SURVEILLANCE_BATCH_SIZE": 100, "SURVEILLANCE_CLAIM_STALE_SECONDS": 3,
           "SURVEILLANCE_SWEEP_AFTER_SECONDS": 0}
    first = worker(**env)
    wait_for(lambda: unprocessed() <= total - 100, 60, first.log)
    first.kill()  # SIGKILL: no cleanup, its current batch's transaction dies with it
    left = unprocessed()
    assert 0 < left < total, "the worker finished before it could be killed; raise `total`"

    second = worker(**env)

    def done_or_swept() -> bool:  # the beat's sweep, every 2 s: it hands over the dead worker's claims once stale
        if not unprocessed():
            return True
        tasks.alerts_sweep.delay()
        return False

    wait_for(done_or_swept, 90, second.log, interval=2)
    assert unprocessed() == 0
    assert Alert.objects.count() == total
    # Work done twice would show as a second picture on some alert.
    assert AlertPicture.objects.count() == total
    assert not RawEvent.objects.filter(alert__isnull=True).exists()
