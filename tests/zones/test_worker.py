"""A real Celery worker (subprocess, solo pool) against the real Redis (database 14 only) and the test database:
a registered crime turns its mahalla's status within 2 s, and a burst of 1,000 changes costs a few runs."""

import datetime
import uuid

import pytest
import redis

from incidents.models import Incident
from incidents.services import incident_create, incident_transition
from incidents.signals import incident_changed
from tests.celery_support import Worker, broker, wait_for
from tests.incidents.factories import category
from zones.models import DirtyMahalla, MahallaStatus, RecomputeRun

from .conftest import TEST_REDIS_URL, recompute

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def shared_redis(settings):
    """The test process and the worker share Redis database 14: the broker and the doorbell key."""
    client = redis.Redis.from_url(TEST_REDIS_URL)
    client.flushdb()
    prefix = f"test-zones-{uuid.uuid4().hex[:8]}"
    settings.CACHES = {"default": {**settings.CACHES["default"], "LOCATION": TEST_REDIS_URL, "KEY_PREFIX": prefix}}
    with broker(TEST_REDIS_URL):
        yield prefix
    client.flushdb()


@pytest.fixture
def worker(shared_redis, tmp_path):
    w = Worker(tmp_path / "worker.log", TEST_REDIS_URL, name="zones", CACHE_KEY_PREFIX=shared_redis).start(
        wait_ready=True)
    yield w.log
    w.stop()


def colour(mahalla) -> str | None:
    return MahallaStatus.objects.filter(mahalla=mahalla, period="current").values_list("colour", flat=True).first()


def test_registered_crime_turns_the_status_within_2_seconds(worker, territory, personas, policy):
    # given: statuses computed, the mahalla green
    recompute()
    assert colour(territory.mahalla_a1a) == "green"
    official = personas.district_official
    incident = incident_create(by=official, mahalla=territory.mahalla_a1a, category=category("theft"),
                               occurred_at=datetime.datetime.now(datetime.UTC) - datetime.timedelta(hours=2))
    incident_transition(by=official, incident=incident, to_status=Incident.Status.UNDER_VERIFICATION)
    # when: registered (the service commits; the signal marks the mahalla dirty and rings the worker)
    incident_transition(by=official, incident=incident, to_status=Incident.Status.REGISTERED)
    # then
    wait_for(lambda: colour(territory.mahalla_a1a) == "yellow", 2.0, worker)


def test_burst_of_1000_changes_costs_a_handful_of_recomputes(worker, territory, personas, policy):
    recompute()
    before = RecomputeRun.objects.count()
    for _ in range(1000):
        incident_changed.send(sender=Incident, incident_id=0, mahalla_ids=frozenset({territory.mahalla_a1a.pk}))
    wait_for(lambda: not DirtyMahalla.objects.exists() and RecomputeRun.objects.count() > before, 15, worker)
    # Nothing still on its way: no task queued, none taken and unfinished (acks_late keeps it unacknowledged).
    queue = redis.Redis.from_url(TEST_REDIS_URL)
    wait_for(lambda: queue.llen("celery") == 0 and queue.hlen("unacked") == 0, 15, worker)
    runs = RecomputeRun.objects.count() - before
    # Without coalescing this would be 1,000 runs; the bound leaves room for a slow, shared 2-core machine.
    assert 1 <= runs <= 25, runs
