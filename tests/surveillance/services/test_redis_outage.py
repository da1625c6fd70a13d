"""A Redis outage (cache, rate counters, doorbell and Celery broker at once) loses no delivery and fails no page.

The outage is simulated without touching the machine's Redis: the cache, the ingest client and this process's
Celery producer are pointed at a closed loopback port."""

import json

import pytest
from django.urls import reverse

from mahalla_safety.celery import app
from surveillance import tasks
from surveillance.models import Alert, RawEvent
from surveillance.services.integrations import integration_revoke
from tests.celery_support import broker

from ..conftest import ALERTS, TEST_REDIS_URL, payload, post_raw

pytestmark = pytest.mark.django_db
DOWN = "redis://127.0.0.1:1/0"  # nothing listens on port 1: every connection is refused at once


def _point_cache_at(settings, location: str) -> None:
    settings.CACHES = {"default": {**settings.CACHES["default"], "LOCATION": location}}


@pytest.fixture
def redis_down(settings):
    _point_cache_at(settings, DOWN)
    with broker(DOWN):
        yield


def _alert(i: int) -> bytes:
    return json.dumps({**json.loads(payload("generic_single.json")), "event_id": f"outage-{i}"}).encode()


@pytest.fixture
def eager_tasks():
    """The sweep's tasks run in this process, as a worker would run them once Redis is back."""
    app.conf.task_always_eager = True
    yield
    app.conf.task_always_eager = False


def test_100_alerts_while_redis_is_down_are_stored_and_answered_202_then_swept(
        redis_down, integration_client, django_capture_on_commit_callbacks, settings, eager_tasks):
    client = integration_client()
    with django_capture_on_commit_callbacks(execute=True):
        statuses = [post_raw(client, ALERTS, _alert(i), "application/json").status_code for i in range(100)]
    assert statuses == [202] * 100
    assert RawEvent.objects.filter(processed_at__isnull=True).count() == 100

    # Redis is back: the beat's sweep finds every stored event (the doorbell never rang) and processes it.
    _point_cache_at(settings, TEST_REDIS_URL)
    settings.SURVEILLANCE_SWEEP_AFTER_SECONDS = 0
    with broker(TEST_REDIS_URL):
        assert tasks.alerts_sweep() == 100
    assert not RawEvent.objects.filter(processed_at__isnull=True).exists()
    assert Alert.objects.filter(natural_key__contains="outage-").count() == 100


def test_a_batch_while_redis_is_down_is_stored_and_answered_202(
        redis_down, integration_client, django_capture_on_commit_callbacks):
    body = json.dumps({"alerts": [json.loads(_alert(i)) for i in range(600)]}).encode()
    with django_capture_on_commit_callbacks(execute=True):
        response = post_raw(integration_client(), ALERTS, body, "application/json")
    assert response.status_code == 202 and response.json()["accepted"] == 600
    assert RawEvent.objects.count() == 600


def test_rate_limit_falls_back_to_a_per_process_count(redis_down, integration_client, settings):
    settings.SURVEILLANCE_INGEST_RATE = "3/min"
    client = integration_client()
    statuses = [post_raw(client, ALERTS, _alert(i), "application/json").status_code for i in range(4)]
    assert statuses == [202, 202, 202, 429]
    assert RawEvent.objects.count() == 3


def test_a_token_revoked_during_the_outage_is_refused_at_once(redis_down, integration_client, site):
    client = integration_client()
    assert post_raw(client, ALERTS, _alert(1), "application/json").status_code == 202
    integration_revoke(integration=site.integration)
    response = post_raw(client, ALERTS, _alert(2), "application/json")
    assert response.status_code == 401 and RawEvent.objects.count() == 1


def test_pages_and_the_api_work_with_the_cache_down(redis_down, client, personas, site):
    client.force_login(personas.district_official)
    assert client.get(reverse("home")).status_code == 200
    page = client.get(reverse("dashboards:home"), follow=True)  # the district's dashboard, built through the cache
    assert page.status_code == 200 and page.redirect_chain
    assert client.get("/api/v1/surveillance/cameras/").status_code == 200
    assert client.get("/api/v1/geo/mahallas/").status_code == 200
    client.logout()
    assert client.get("/open/").status_code == 200  # its per-IP limit counts in the cache


def test_cache_backend_answers_as_an_empty_cache_while_down(redis_down):
    from django.core.cache import cache

    cache.set("k", 1)
    assert cache.get("k", "missing") == "missing"
    assert cache.add("k", 1) is False  # a doorbell is not rung: its sweep rings instead
    assert cache.incr("k") == 1
    assert cache.get_many(["k"]) == {}
    assert cache.breaker.open
