"""While PostgreSQL restarts, a delivery is answered 503 with Retry-After (send it again), never 500 and never 2xx
without a commit (bench/faults_postgres.py measures the real restart)."""

from unittest import mock

from django.db import OperationalError

from ..conftest import post_raw


def test_ingest_answers_503_with_retry_after_when_the_database_is_unreachable(integration_client, in_english):
    from surveillance.services import ingest as services

    client = integration_client()
    body = (b'{"alerts": [{"event_id": "x1", "device_id": "CAM", "event_type": "fight", '
            b'"started_at": "2026-03-14T22:10:05+05:00"}]}')
    with mock.patch.object(services, "raw_events_store",
                           side_effect=OperationalError("the database system is starting up")):
        answer = post_raw(client, "/api/v1/surveillance/alerts/", body, "application/json")
    assert answer.status_code == 503 and answer["Retry-After"] == "5"
    assert "send it again" in answer.json()["detail"]


def test_a_page_answers_503_too(client, personas, in_english):
    from incidents import selectors

    client.force_login(personas.district_official)
    with mock.patch.object(selectors, "incident_list", side_effect=OperationalError("server closed the connection")):
        answer = client.get("/incidents/")
    assert answer.status_code == 503 and answer["Retry-After"] == "5"
