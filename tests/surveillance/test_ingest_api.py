"""Ingest endpoints: accepted once, answered after the commit, and every bad input refused with a clear 4xx
and nothing stored."""

import json

import pytest
import redis
from django.utils import timezone

from surveillance import redis_ops
from surveillance.models import Alert, Camera, Integration, RawEvent
from surveillance.services.integrations import integration_revoke, integration_rotate, token_generation_key
from tests.celery_support import wait_for

from .conftest import ALERTS, FRIGATE, HIKVISION, MULTIPART_TYPE, payload, post_raw, process_all, raw_count

pytestmark = pytest.mark.django_db


def _generic_batch(n: int, prefix: str = "e") -> bytes:
    item = json.loads(payload("generic_single.json"))
    return json.dumps({"alerts": [{**item, "event_id": f"{prefix}{i}"} for i in range(n)]}).encode()


def test_hikvision_xml_is_stored_and_a_resend_is_a_duplicate(integration_client):
    client = integration_client()

    first = post_raw(client, HIKVISION, payload("hikvision_vmd.xml"), "application/xml")
    again = post_raw(client, HIKVISION, payload("hikvision_vmd.xml"), "application/xml")

    assert first.status_code == 202 and first.json() == {"accepted": 1, "duplicates": 0, "heartbeats": 0}
    assert again.status_code == 202 and again.json() == {"accepted": 0, "duplicates": 1, "heartbeats": 0}
    raw = RawEvent.objects.get()
    assert bytes(raw.body) == payload("hikvision_vmd.xml")
    assert raw.integration.name == "nvr-a1" and raw.processed_at is None


def test_hikvision_multipart_stores_the_body_as_received(integration_client, site):
    body = payload("hikvision_linedetection_multipart.bin")

    response = post_raw(integration_client(), HIKVISION, body, MULTIPART_TYPE)
    process_all()

    assert response.status_code == 202 and response.json()["accepted"] == 1
    assert bytes(RawEvent.objects.get().body) == body
    alert = Alert.objects.get()
    assert alert.camera == site.entrance
    picture = alert.pictures.get()
    assert picture.is_biometric and picture.content_type == "image/jpeg"
    assert picture.file.read() == payload("snapshot.jpg")


def test_hikvision_heartbeat_marks_camera_online_without_an_alert(integration_client, site):
    response = post_raw(integration_client(), HIKVISION, payload("hikvision_heartbeat.xml"), "application/xml")

    assert response.status_code == 202 and response.json() == {"accepted": 0, "duplicates": 0, "heartbeats": 1}
    assert raw_count() == 0 and Alert.objects.count() == 0
    site.street.refresh_from_db()
    assert site.street.status == Camera.Status.ONLINE and site.street.last_seen_at is not None


def test_frigate_messages_are_stored_one_each(integration_client):
    client = integration_client()
    for kind in ("new", "update", "end", "update"):
        response = post_raw(client, FRIGATE, payload(f"frigate_{kind}.json"), "application/json")
        assert response.status_code == 202
    assert raw_count() == 3


def test_generic_batch_counts_accepted_and_duplicates(integration_client):
    client = integration_client()
    first = post_raw(client, ALERTS, _generic_batch(600), "application/json")
    second = post_raw(client, ALERTS, _generic_batch(1000), "application/json")

    assert first.json() == {"accepted": 600, "duplicates": 0, "heartbeats": 0}
    assert second.json() == {"accepted": 400, "duplicates": 600, "heartbeats": 0}
    assert raw_count() == 1000


def test_generic_single_alert(integration_client):
    response = post_raw(integration_client(), ALERTS, payload("generic_single.json"), "application/json")
    assert response.status_code == 202 and response.json()["accepted"] == 1


def test_same_client_event_id_from_two_integrations_is_two_events(integration_client, site):
    from surveillance.services.integrations import integration_create

    _other, token = integration_create(name="nvr-other", district=site.integration.district)
    post_raw(integration_client(), ALERTS, payload("generic_single.json"), "application/json")
    post_raw(integration_client(token), ALERTS, payload("generic_single.json"), "application/json")
    assert raw_count() == 2


def test_ingest_answers_after_commit_and_enqueues_on_commit(integration_client, django_capture_on_commit_callbacks,
                                                            monkeypatch):
    sent = []
    monkeypatch.setattr("surveillance.tasks.alert_process.delay", lambda raw_id: sent.append(raw_id))
    with django_capture_on_commit_callbacks(execute=True):
        post_raw(integration_client(), HIKVISION, payload("hikvision_vmd.xml"), "application/xml")
    assert sent == [RawEvent.objects.get().pk]


def test_broker_down_still_answers_202(integration_client, django_capture_on_commit_callbacks, monkeypatch):
    def broken(raw_id):
        raise ConnectionError("redis is down")

    monkeypatch.setattr("surveillance.tasks.alert_process.delay", broken)
    with django_capture_on_commit_callbacks(execute=True):
        response = post_raw(integration_client(), HIKVISION, payload("hikvision_vmd.xml"), "application/xml")
    assert response.status_code == 202 and raw_count() == 1


# --- bad input: a clear 4xx and nothing stored -------------------------------------------------------------

BAD_BODIES = [
    ("hikvision_malformed_xml", HIKVISION, b"<EventNotificationAlert><macAddress>", "application/xml", 400,
     "Malformed XML"),
    ("hikvision_dtd_entities", HIKVISION, payload("hikvision_dtd_entities.xml"), "application/xml", 400, "DTD"),
    ("hikvision_multipart_without_boundary", HIKVISION, payload("hikvision_linedetection_multipart.bin"),
     "multipart/form-data", 400, "boundary"),
    ("hikvision_as_json", HIKVISION, payload("hikvision_vmd.xml"), "application/json", 415, "application/xml"),
    ("frigate_malformed_json", FRIGATE, b'{"type": "new", ', "application/json", 400, "Malformed JSON"),
    ("frigate_as_xml", FRIGATE, payload("frigate_new.json"), "application/xml", 415, "application/json"),
    ("generic_malformed_json", ALERTS, b"{", "application/json", 400, "Malformed JSON"),
    ("generic_one_bad_item", ALERTS, _generic_batch(5).replace(b'"confidence": 0.87', b'"confidence": 2', 1),
     "application/json", 400, "alerts[0].confidence"),
    ("generic_over_1000", ALERTS, _generic_batch(1001), "application/json", 400, "At most 1000"),
    ("generic_as_text", ALERTS, b"hello", "text/plain", 415, "text/plain"),
]


@pytest.mark.parametrize(("path", "body", "content_type", "status", "says"),
                         [b[1:] for b in BAD_BODIES], ids=[b[0] for b in BAD_BODIES])
def test_bad_body_is_refused_and_nothing_stored(integration_client, path, body, content_type, status, says):
    response = post_raw(integration_client(), path, body, content_type)

    assert response.status_code == status
    assert says in json.dumps(response.json())
    assert raw_count() == 0 and Alert.objects.count() == 0


def test_oversized_body_is_413_before_the_view(integration_client, settings):
    settings.REQUEST_MAX_BODY_BYTES = 1000
    response = post_raw(integration_client(), ALERTS, _generic_batch(20), "application/json")
    assert response.status_code == 413 and raw_count() == 0


@pytest.mark.parametrize("path", [ALERTS, HIKVISION, FRIGATE])
def test_unknown_token_is_401(integration_client, path):
    response = post_raw(integration_client("abcdef012345.nope"), path, payload("hikvision_vmd.xml"),
                        "application/xml")
    assert response.status_code == 401
    assert response.json()["detail"] == "Unknown integration token."
    assert response["WWW-Authenticate"].startswith("Bearer")
    assert raw_count() == 0


def test_missing_token_is_401(site):
    from rest_framework.test import APIClient

    response = post_raw(APIClient(), HIKVISION, payload("hikvision_vmd.xml"), "application/xml")
    assert response.status_code == 401 and raw_count() == 0


def test_revoked_token_is_401(integration_client, site):
    integration_revoke(integration=site.integration)
    response = post_raw(integration_client(), HIKVISION, payload("hikvision_vmd.xml"), "application/xml")
    assert response.status_code == 401 and "revoked" in response.json()["detail"]
    assert raw_count() == 0


def test_token_used_then_revoked_is_refused_at_once(integration_client, site):
    client = integration_client()
    assert post_raw(client, ALERTS, payload("generic_single.json"), "application/json").status_code == 202

    integration_revoke(integration=site.integration)
    response = post_raw(client, ALERTS, payload("generic_single.json"), "application/json")

    assert response.status_code == 401 and "revoked" in response.json()["detail"]


def test_token_used_then_rotated_old_is_refused_and_new_accepted(integration_client, site):
    old = integration_client()
    assert post_raw(old, ALERTS, payload("generic_single.json"), "application/json").status_code == 202

    new_token = integration_rotate(integration=site.integration)

    assert post_raw(old, ALERTS, payload("generic_single.json"), "application/json").status_code == 401
    assert post_raw(integration_client(new_token), ALERTS, _generic_batch(1), "application/json").status_code == 202


def test_revocation_by_another_process_is_seen_through_the_token_generation(integration_client, site):
    # given: this process knows the token
    client = integration_client()
    assert post_raw(client, ALERTS, payload("generic_single.json"), "application/json").status_code == 202
    # when: another process revokes it; all that reaches this one is its commit's bump in Redis
    Integration.objects.filter(pk=site.integration.pk).update(revoked_at=timezone.now())
    redis_ops.incr(token_generation_key(site.integration.token_prefix))
    # then
    assert post_raw(client, ALERTS, _generic_batch(1), "application/json").status_code == 401


def test_revocation_whose_notice_redis_lost_is_seen_after_the_cache_lifetime(integration_client, site, settings):
    settings.SURVEILLANCE_TOKEN_CACHE_SECONDS = 1
    client = integration_client()
    assert post_raw(client, ALERTS, payload("generic_single.json"), "application/json").status_code == 202

    Integration.objects.filter(pk=site.integration.pk).update(revoked_at=timezone.now())

    wait_for(lambda: post_raw(client, ALERTS, _generic_batch(1), "application/json").status_code == 401, 10,
             interval=0.2)


def test_single_alert_costs_one_query_and_two_redis_round_trips(integration_client, django_assert_num_queries,
                                                                 django_capture_on_commit_callbacks, monkeypatch):
    client = integration_client()
    post_raw(client, ALERTS, _generic_batch(1, "warm"), "application/json")
    sent, commands = [], []
    monkeypatch.setattr("surveillance.tasks.alert_process.delay", sent.append)
    real = redis.Redis.execute_command
    monkeypatch.setattr(redis.Redis, "execute_command",
                        lambda self, *args, **options: commands.append(args[0]) or real(self, *args, **options))

    with django_assert_num_queries(1), django_capture_on_commit_callbacks(execute=True):
        response = post_raw(client, ALERTS, payload("generic_single.json"), "application/json")

    assert response.status_code == 202 and len(sent) == 1
    # The token's generation with the rate count; the doorbell. The INSERT ... ON CONFLICT is the one query.
    assert commands == ["EVALSHA", "SET"]


def test_user_session_cannot_post_alerts(client_as_operator):
    response = post_raw(client_as_operator, ALERTS, payload("generic_single.json"), "application/json")
    assert response.status_code == 401 and raw_count() == 0


@pytest.fixture
def client_as_operator(personas, site, client_for):
    return client_for(personas.operator)


def test_ip_outside_allowlist_is_403(integration_client, site):
    site.integration.allowed_networks = ["10.20.0.0/16"]
    site.integration.save()

    refused = post_raw(integration_client(REMOTE_ADDR="192.0.2.7"), HIKVISION, payload("hikvision_vmd.xml"),
                       "application/xml")
    allowed = post_raw(integration_client(REMOTE_ADDR="10.20.1.64"), HIKVISION, payload("hikvision_vmd.xml"),
                       "application/xml")

    assert refused.status_code == 403 and "192.0.2.7" in refused.json()["detail"]
    assert allowed.status_code == 202 and raw_count() == 1


def test_too_many_requests_is_429_with_retry_after(integration_client, settings):
    settings.SURVEILLANCE_INGEST_RATE = "3/min"
    client = integration_client()
    codes = [post_raw(client, HIKVISION, payload("hikvision_vmd.xml"), "application/xml").status_code
             for _ in range(3)]
    throttled = post_raw(client, HIKVISION, payload("hikvision_fielddetection.xml"), "application/xml")

    assert codes == [202, 202, 202]
    assert throttled.status_code == 429 and int(throttled["Retry-After"]) > 0
    assert raw_count() == 1


def test_rate_is_counted_per_token(integration_client, settings):
    from surveillance.services.integrations import integration_create

    settings.SURVEILLANCE_INGEST_RATE = "2/min"
    busy = integration_client()
    codes = [post_raw(busy, ALERTS, _generic_batch(1, f"b{i}"), "application/json").status_code for i in range(3)]
    _other, token = integration_create(name="nvr-quiet", national=True)

    assert codes == [202, 202, 429]
    assert post_raw(integration_client(token), ALERTS, _generic_batch(1), "application/json").status_code == 202


def test_unknown_camera_is_stored_as_unmatched_and_listed(integration_client, site, client_as_operator):
    body = payload("hikvision_vmd.xml").replace(b"44:19:B6:0A:1B:2C", b"aa:bb:cc:dd:ee:ff")
    post_raw(integration_client(), HIKVISION, body, "application/xml")
    process_all()

    alert = Alert.objects.get()
    assert alert.camera is None and alert.status == Alert.Status.NEW and alert.route_reason == "unmatched"
    assert alert.district_id == site.integration.district_id and alert.device_id == "aa:bb:cc:dd:ee:ff"
    listed = client_as_operator.get(ALERTS, {"unmatched": "true"}).json()["results"]
    assert [row["id"] for row in listed] == [alert.pk]
    devices = client_as_operator.get("/api/v1/surveillance/unmatched-devices/").json()["results"]
    assert devices[0]["device_id"] == "aa:bb:cc:dd:ee:ff" and devices[0]["alerts"] == 1


@pytest.mark.django_db(transaction=True)
def test_single_alert_is_committed_when_answered(integration_client):
    import psycopg
    from django.db import connection

    response = post_raw(integration_client(), ALERTS, payload("generic_single.json"), "application/json")

    db = connection.settings_dict
    with psycopg.connect(dbname=db["NAME"], user=db["USER"], password=db["PASSWORD"] or None, host=db["HOST"],
                         port=db["PORT"] or 5432, autocommit=True) as other:
        stored = other.execute("SELECT count(*) FROM surveillance_rawevent").fetchone()[0]
    assert response.status_code == 202 and stored == 1


@pytest.mark.parametrize("path", [ALERTS, FRIGATE])
def test_json_nested_thousands_deep_is_a_400_and_nothing_is_stored(integration_client, path):
    body = ("[" * 5000 + "]" * 5000).encode()
    response = post_raw(integration_client(), path, body, "application/json")
    assert response.status_code == 400 and "body" in response.json()["errors"]
    assert raw_count() == 0


def test_hikvision_channel_beyond_the_column_is_a_400(integration_client):
    body = payload("hikvision_vmd.xml").replace(b"<channelID>1</channelID>", b"<channelID>201020010353</channelID>")
    assert b"201020010353" in body
    response = post_raw(integration_client(), HIKVISION, body, "application/xml")
    assert response.status_code == 400 and "channelID" in response.json()["errors"]
    assert raw_count() == 0


def test_guessed_tokens_are_throttled_per_address_before_any_lookup(integration_client, settings,
                                                                    django_assert_num_queries):
    settings.SURVEILLANCE_REFUSED_TOKENS_PER_IP = "3/min"
    guesser = integration_client("0123456789abcdef.guess")
    codes = [post_raw(guesser, ALERTS, _generic_batch(1, f"g{i}"), "application/json").status_code
             for i in range(3)]
    # then: the address is refused before the token is looked up (no query at all)
    with django_assert_num_queries(0):
        throttled = post_raw(guesser, ALERTS, _generic_batch(1, "g9"), "application/json")
    assert codes == [401, 401, 401]
    assert throttled.status_code == 429 and int(throttled["Retry-After"]) > 0
    # another address with a valid token is not affected
    other = integration_client(REMOTE_ADDR="192.0.2.55")
    assert post_raw(other, ALERTS, _generic_batch(1, "ok"), "application/json").status_code == 202
    assert raw_count() == 1


def test_guessed_tokens_are_throttled_while_redis_is_down(integration_client, settings):
    settings.SURVEILLANCE_REFUSED_TOKENS_PER_IP = "2/min"
    settings.CACHES = {"default": {**settings.CACHES["default"], "LOCATION": "redis://127.0.0.1:1/0"}}
    guesser = integration_client("0123456789abcdef.guess", REMOTE_ADDR="192.0.2.66")
    codes = [post_raw(guesser, ALERTS, _generic_batch(1, f"d{i}"), "application/json").status_code
             for i in range(3)]
    assert codes == [401, 401, 429]
