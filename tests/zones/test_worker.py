"""A real Celery worker (subprocess, solo pool) against the real Redis (database 14 only) and the test database:
a registered crime turns its mahalla's status within 2 s, and a burst of 1,000 changes costs a few runs."""

import datetime
import os
import signal
import subprocess
import time
import uuid
from pathlib import Path

import pytest
import redis
from django.db import connection

from incidents.models import Incident
from incidents.services import incident_create, incident_transition
from incidents.signals import incident_changed
from tests.incidents.factories import category
from zones.models import DirtyMahalla, MahallaStatus, RecomputeRun

from .conftest import TEST_REDIS_URL, recompute

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]
ROOT = Path(__file__).resolve().parents[2]
CELERY = ROOT / ".venv" / "bin" / "celery"


@pytest.fixture
def shared_redis(settings):
    """The test process and the worker share Redis database 14: the broker and the doorbell key."""
    from mahalla_safety.celery import app

    client = redis.Redis.from_url(TEST_REDIS_URL)
    client.flushdb()
    prefix = f"test-zones-{uuid.uuid4().hex[:8]}"
    settings.CACHES = {"default": {**settings.CACHES["default"], "LOCATION": TEST_REDIS_URL, "KEY_PREFIX": prefix}}
    saved = app.conf.broker_url
    app.conf.broker_url = TEST_REDIS_URL
    app._pool, app.amqp._producer_pool = None, None
    yield prefix
    app.conf.broker_url = saved
    app._pool, app.amqp._producer_pool = None, None
    client.flushdb()


@pytest.fixture
def worker(shared_redis, tmp_path):
    db = connection.settings_dict
    log = tmp_path / "worker.log"
    env = {
        **os.environ,
        "DATABASE_URL": f"postgis://{db['USER']}:{db['PASSWORD'] or ''}@{db['HOST']}:{db['PORT'] or 5432}/{db['NAME']}",
        "REDIS_URL": TEST_REDIS_URL, "CELERY_BROKER_URL": TEST_REDIS_URL, "CACHE_KEY_PREFIX": shared_redis,
    }
    process = subprocess.Popen(
        [str(CELERY), "-A", "mahalla_safety", "worker", "--pool", "solo", "--loglevel", "INFO",
         "--hostname", f"zones-{uuid.uuid4().hex[:8]}@%h", "--without-gossip", "--without-mingle",
         "--without-heartbeat"], env=env, cwd=ROOT, stdout=log.open("ab"), stderr=subprocess.STDOUT)
    wait_for(lambda: b" ready." in log.read_bytes(), 60, log)
    yield log
    process.send_signal(signal.SIGTERM)
    try:
        process.wait(20)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(10)


def wait_for(condition, timeout: float, log: Path | None = None) -> float:
    started = time.monotonic()
    while time.monotonic() - started < timeout:
        if condition():
            return time.monotonic() - started
        time.sleep(0.02)
    tail = log.read_text()[-3000:] if log and log.exists() else ""
    raise AssertionError(f"timed out after {timeout} s\n{tail}")


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
    elapsed = wait_for(lambda: colour(territory.mahalla_a1a) == "yellow", 10, worker)
    assert elapsed < 2.0, f"status followed the change after {elapsed:.2f} s"


def test_burst_of_1000_changes_costs_a_handful_of_recomputes(worker, territory, personas, policy):
    recompute()
    before = RecomputeRun.objects.count()
    for _ in range(1000):
        incident_changed.send(sender=Incident, incident_id=0, mahalla_ids=frozenset({territory.mahalla_a1a.pk}))
    wait_for(lambda: not DirtyMahalla.objects.exists() and RecomputeRun.objects.count() > before, 15, worker)
    time.sleep(1.5)  # anything still on its way
    runs = RecomputeRun.objects.count() - before
    # Without coalescing this would be 1,000 runs; the bound leaves room for a slow, shared 2-core machine.
    assert 1 <= runs <= 25, runs
