import json
import uuid

import pytest

from accounts.throttling import AnonymousRateThrottle, PerTokenOrUserRateThrottle


@pytest.fixture(autouse=True)
def _empty_throttle_buckets(settings):
    # The buckets live in the shared Redis: a key prefix of this test's own starts them empty, without flushing
    # the database under another test run (pytest-xdist workers share it).
    settings.CACHES = {"default": {**settings.CACHES["default"], "KEY_PREFIX": f"test-{uuid.uuid4().hex}"}}


@pytest.mark.django_db
def test_body_over_limit_is_refused_with_413_before_reading(client, personas, settings):
    # given
    settings.REQUEST_MAX_BODY_BYTES = 1000
    client.force_login(personas.district_official)
    # when
    response = client.post("/api/v1/me/", data=json.dumps({"x": "a" * 2000}), content_type="application/json")
    # then
    assert response.status_code == 413
    assert response.json()["limit_bytes"] == 1000
    assert response.json()["detail"]


@pytest.mark.django_db
def test_body_over_limit_on_a_page_is_413_too(client, settings):
    settings.REQUEST_MAX_BODY_BYTES = 10
    response = client.post("/accounts/login/", data={"username": "x" * 50, "password": "y"})
    assert response.status_code == 413


@pytest.mark.django_db
def test_unexpected_content_type_is_415(client, personas):
    client.force_login(personas.district_official)
    response = client.post("/api/v1/me/", data=b"\x00\x01binary", content_type="application/octet-stream")
    assert response.status_code == 415
    assert "application/octet-stream" in response.json()["detail"]


@pytest.mark.django_db
def test_invalid_content_length_is_400(client):
    response = client.generic("POST", "/api/v1/me/", data=b"{}", content_type="application/json",
                              CONTENT_LENGTH="abc")
    assert response.status_code == 400


@pytest.mark.django_db
def test_api_rate_limit_per_user_answers_429_with_retry_after(client, personas, monkeypatch):
    # given: a tiny budget so the test needs few requests (to a cheap endpoint: every API view is throttled)
    monkeypatch.setattr(PerTokenOrUserRateThrottle, "THROTTLE_RATES", {"user": "3/min", "anon": "3/min"})
    client.force_login(personas.district_official)
    # when
    statuses = [client.get("/api/v1/me/").status_code for _ in range(4)]
    # then
    assert statuses == [200, 200, 200, 429]
    response = client.get("/api/v1/me/")
    assert response.status_code == 429
    assert int(response["Retry-After"]) > 0


@pytest.mark.django_db
def test_api_rate_limit_is_per_token_not_shared_with_other_users(client, personas, monkeypatch):
    from knox.models import AuthToken

    monkeypatch.setattr(PerTokenOrUserRateThrottle, "THROTTLE_RATES", {"user": "2/min", "anon": "2/min"})
    _, token = AuthToken.objects.create(user=personas.district_official)
    headers = {"HTTP_AUTHORIZATION": f"Token {token}"}
    assert [client.get("/api/v1/me/", **headers).status_code for _ in range(3)] == [200, 200, 429]
    # another user's bucket is untouched
    client.force_login(personas.region_officer)
    assert client.get("/api/v1/me/").status_code == 200


@pytest.mark.django_db
def test_anonymous_api_rate_limit_by_ip(client, monkeypatch):
    # The token endpoint is the one API door open to anonymous callers: password guessing meets a 429.
    monkeypatch.setattr(AnonymousRateThrottle, "THROTTLE_RATES", {"user": "2/min", "anon": "2/min"})

    def attempt(ip):
        return client.post("/api/v1/auth/token/", {"username": "x", "password": "y"},
                           content_type="application/json", REMOTE_ADDR=ip)

    assert [attempt("10.9.8.7").status_code for _ in range(3)] == [400, 400, 429]
    assert attempt("10.9.8.8").status_code == 400
