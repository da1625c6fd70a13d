import time

import pytest

from accounts.middleware import SessionTimeoutMiddleware
from tests.conftest import PASSWORD


def _sign_in(client, user):
    response = client.post("/accounts/login/", {"username": user.username, "password": PASSWORD})
    assert response.status_code == 302
    return response


def _move_session_clock(client, *, started_ago: float, seen_ago: float):
    session = client.session
    now = time.time()
    session[SessionTimeoutMiddleware.STARTED] = now - started_ago
    session[SessionTimeoutMiddleware.SEEN] = now - seen_ago
    session.save()


@pytest.mark.django_db
def test_idle_session_ends_after_30_minutes(client, personas):
    _sign_in(client, personas.district_official)
    _move_session_clock(client, started_ago=31 * 60, seen_ago=31 * 60)
    response = client.get("/api/v1/me/")
    assert response.status_code in (401, 403)
    assert "_auth_user_id" not in client.session


@pytest.mark.django_db
def test_active_session_survives_29_idle_minutes(client, personas):
    _sign_in(client, personas.district_official)
    _move_session_clock(client, started_ago=29 * 60, seen_ago=29 * 60)
    assert client.get("/api/v1/me/").status_code == 200


@pytest.mark.django_db
def test_every_session_ends_after_12_hours_even_when_active(client, personas):
    _sign_in(client, personas.district_official)
    _move_session_clock(client, started_ago=12 * 3600 + 5, seen_ago=10)
    response = client.get("/")
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"] and "expired=1" in response["Location"]


@pytest.mark.django_db
def test_logout_ends_the_session_on_the_server(client, personas):
    from accounts.models import UserSession as Session

    _sign_in(client, personas.district_official)
    key = client.session.session_key
    assert Session.objects.filter(session_key=key).exists()
    client.post("/accounts/logout/")
    assert not Session.objects.filter(session_key=key).exists()
