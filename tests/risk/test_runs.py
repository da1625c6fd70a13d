"""The weekly run: the command, the Celery task's retries, and what stays when PostgreSQL refuses."""

import datetime
import threading
import time

import numpy as np
import psycopg
import pytest
from django.conf import settings as django_settings
from django.core.management import CommandError, call_command
from django.db import OperationalError

from risk import selectors, services, weeks
from risk.models import Backtest, HotSpot, RiskScore
from risk.tasks import risk_compute_weekly

from .synthetic import grid, seed_crimes

WEEK = datetime.date(2026, 11, 30)


def _data():
    mahallas = grid(4)
    seed_crimes(mahallas, np.random.default_rng(1).poisson(0.3, size=(16, services.LOADED_WEEKS)), WEEK)
    return mahallas


def _connect():
    db = django_settings.DATABASES["default"]
    return psycopg.connect(host=db["HOST"], port=db["PORT"] or 5432, user=db["USER"], password=db["PASSWORD"],
                           dbname=db["NAME"], autocommit=True)


def _locker():
    conn = _connect()
    conn.autocommit = False
    conn.execute("SET lock_timeout = '5s'")  # never wait forever on the test's own connection
    conn.execute("LOCK TABLE risk_riskscore IN ACCESS EXCLUSIVE MODE")
    return conn


@pytest.mark.django_db
def test_command_computes_the_given_week_and_refuses_a_bad_one(capsys):
    _data()
    call_command("risk_compute", "--week", "2026-W49")
    out = capsys.readouterr().out
    assert out.startswith("2026-W49: 16 mahallas scored, ranked by ")
    assert RiskScore.objects.filter(week=WEEK).count() == 16
    assert HotSpot.objects.filter(week=WEEK, category_group="all").count() == 16
    assert Backtest.objects.filter(week=WEEK).exists()
    ranks = sorted(RiskScore.objects.filter(week=WEEK).values_list("rank_national", flat=True))
    assert ranks == list(range(1, 17))
    # a rerun replaces the week
    call_command("risk_compute", "--week", "2026-12-02")
    assert RiskScore.objects.filter(week=WEEK).count() == 16
    with pytest.raises(CommandError, match="--week"):
        call_command("risk_compute", "--week", "week ten")
    with pytest.raises(CommandError, match="has not begun yet"):
        call_command("risk_compute", "--week", weeks.label(weeks.current() + weeks.WEEK))


@pytest.mark.django_db(transaction=True)
def test_when_postgresql_refuses_the_write_the_last_week_stays(settings):
    from tests.incidents.factories import ensure_incident_categories

    ensure_incident_categories()
    mahallas = _data()
    previous = WEEK - weeks.WEEK
    services.compute_week(previous)
    settings.RISK_LOCK_TIMEOUT_MS = 200
    locker = _locker()
    try:
        with pytest.raises(OperationalError):
            services.compute_week(WEEK)
    finally:
        locker.close()
    # nothing of the failed week was written, not even its hot spots or backtest; the pages show last week
    assert not RiskScore.objects.filter(week=WEEK).exists()
    assert not HotSpot.objects.filter(week=WEEK).exists() and not Backtest.objects.filter(week=WEEK).exists()
    assert selectors.latest_week() == previous
    assert selectors.ranking(type(mahallas[0]).objects.all()).count() == 16


@pytest.mark.django_db(transaction=True)
def test_the_task_is_retried_until_the_database_answers(settings):
    from tests.incidents.factories import ensure_incident_categories

    ensure_incident_categories()
    _data()
    settings.RISK_LOCK_TIMEOUT_MS = 300
    locker = _locker()
    released = threading.Event()

    def release_after_a_failed_attempt():
        # Wait until the task's write waits on the lock, let that attempt time out, then let the database answer.
        watcher = _connect()
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            if watcher.execute("SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock' "
                               "AND datname = current_database()").fetchone()[0]:
                time.sleep(0.6)
                break
            time.sleep(0.02)
        watcher.close()
        locker.close()
        released.set()

    thread = threading.Thread(target=release_after_a_failed_attempt)
    thread.start()
    try:
        result = risk_compute_weekly.apply(kwargs={"week": "2026-W49"})
    finally:
        thread.join()
    assert released.is_set()
    assert result.successful(), result.traceback
    assert result.result["retries"] >= 1
    assert result.result["week"] == "2026-11-30" and result.result["mahallas"] == 16
    assert RiskScore.objects.filter(week=WEEK).count() == 16


def test_the_weekly_task_is_scheduled_monday_night_in_tashkent():
    entry = django_settings.CELERY_BEAT_SCHEDULE["risk-compute-weekly"]
    assert entry["task"] == risk_compute_weekly.name
    assert entry["schedule"].day_of_week == {1} and entry["schedule"].hour == {2}
    assert django_settings.CELERY_TIMEZONE == "Asia/Tashkent"
    assert OperationalError in risk_compute_weekly.autoretry_for and risk_compute_weekly.max_retries == 5
