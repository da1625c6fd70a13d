"""A claim's stale window no longer has to outlast the processing task: the batch's rows stay locked by its
transaction, so taking over a live worker's claim processes nothing twice, and a killed worker's rows are
free again as soon as PostgreSQL drops its connection."""

import threading

import pytest
from django.db import connection, connections

from surveillance.models import Alert, RawEvent
from surveillance.services import processing as services

from .conftest import ALERTS, payload, post_raw

pytestmark = pytest.mark.django_db(transaction=True)


def test_taking_over_a_live_claim_waits_for_its_commit_and_processes_nothing_twice(
        integration_client, settings, monkeypatch):
    settings.SURVEILLANCE_CLAIM_STALE_SECONDS = 0  # any claim is stale once committed: no waiting for it
    assert post_raw(integration_client(), ALERTS, payload("generic_single.json"),
                    "application/json").status_code == 202
    raw_id = RawEvent.objects.get().pk
    inside, release = threading.Event(), threading.Event()
    original = services._attach_cameras

    def slow(*args, **kwargs):  # a live worker, slower than the stale window, inside its batch transaction
        inside.set()
        release.wait(10)
        return original(*args, **kwargs)

    monkeypatch.setattr(services, "_attach_cameras", slow)
    results = {}

    def live():
        try:
            results["live"] = services.raw_events_process(ids=[raw_id])
        finally:
            connections.close_all()

    worker = threading.Thread(target=live)
    worker.start()
    assert inside.wait(10)  # the live claim is committed, so "stale"
    monkeypatch.setattr(services, "_attach_cameras", original)
    taken = services.raw_events_process(ids=[raw_id], fill_to=10)  # SKIP LOCKED: the row is in use
    release.set()
    worker.join(20)
    assert taken.claimed == 0 and results["live"].processed == 1
    assert services.raw_events_process(ids=[raw_id], fill_to=10).claimed == 0  # processed_at is set
    raw = RawEvent.objects.get()
    assert raw.processed_at is not None and raw.attempts == 1 and Alert.objects.count() == 1


def test_a_dead_workers_claim_is_swept_after_the_stale_window(integration_client, settings, monkeypatch):
    settings.SURVEILLANCE_SWEEP_AFTER_SECONDS = 0
    assert post_raw(integration_client(), ALERTS, payload("generic_single.json"),
                    "application/json").status_code == 202
    assert services.raw_events_claim(fill_to=10)  # the worker claimed, then died before processing
    sent = []
    monkeypatch.setattr(services, "enqueue", lambda task, ids: sent.append(ids) or True)
    assert services.raw_events_sweep() == 0  # a fresh claim is left alone
    with connection.cursor() as cursor:
        cursor.execute("UPDATE surveillance_rawevent SET claimed_at = now() - make_interval(secs => %s)",
                       [settings.SURVEILLANCE_CLAIM_STALE_SECONDS + 1])
    assert services.raw_events_sweep() == 1 and sent == [[RawEvent.objects.get().pk]]
