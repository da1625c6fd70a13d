"""The weekly task in a real Celery worker (subprocess, solo pool) on Redis database 15 and the test database: the
name beat sends (settings.CELERY_BEAT_SCHEDULE) is a task the worker knows, and one run writes the whole week."""

import datetime
import os

import numpy as np
import pytest
import redis
from django.conf import settings as django_settings

from risk import services
from risk.models import Backtest, HotSpot, RiskScore
from tests.celery_support import Worker, broker, wait_for

from .synthetic import grid, seed_crimes

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]

TEST_REDIS_URL = f"{os.environ.get('TEST_REDIS_BASE', 'redis://127.0.0.1:6379')}/15"
WEEK = datetime.date(2026, 11, 30)


def test_beat_s_weekly_task_runs_in_a_real_worker(tmp_path, settings):
    from tests.incidents.factories import ensure_incident_categories

    ensure_incident_categories()
    seed_crimes(grid(4), np.random.default_rng(3).poisson(0.3, size=(16, services.LOADED_WEEKS)), WEEK)
    client = redis.Redis.from_url(TEST_REDIS_URL)
    client.flushdb()
    worker = Worker(tmp_path / "worker.log", TEST_REDIS_URL,
                    CACHE_KEY_PREFIX=settings.CACHES["default"]["KEY_PREFIX"]).start()
    try:
        entry = django_settings.CELERY_BEAT_SCHEDULE["risk-compute-weekly"]
        with broker(TEST_REDIS_URL) as app:
            app.send_task(entry["task"], kwargs={"week": "2026-W49"})
        # The worker's first run compiles esda's numba kernels (tens of seconds on a loaded machine).
        wait_for(lambda: Backtest.objects.filter(week=WEEK).exists(), 300, worker.log, interval=0.5)
    finally:
        worker.stop()
        client.flushdb()
    assert RiskScore.objects.filter(week=WEEK).count() == 16
    assert HotSpot.objects.filter(week=WEEK).count() == 16
    assert b"risk.tasks.risk_compute_weekly" in (tmp_path / "worker.log").read_bytes()
