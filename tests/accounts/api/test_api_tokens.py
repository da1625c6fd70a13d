"""API tokens (issue 14, item 3): hashed, expiring, listed and revoked, ended by account changes, audited."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from knox.models import AuthToken

from accounts.lockout import login_failure_record
from audit.models import AuditEvent
from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db


def _issue(username="district") -> str:
    response = Client().post(reverse("api:auth-token"), {"username": username, "password": PASSWORD},
                             content_type="application/json")
    assert response.status_code == 200, response.content
    return response.json()["token"]


def _me(token: str) -> int:
    return Client().get(reverse("api:me"), HTTP_AUTHORIZATION=f"Token {token}").status_code


def test_token_is_stored_only_as_a_digest(personas):
    token = _issue()

    stored = AuthToken.objects.get(user=personas.district_official)
    assert token not in stored.digest and stored.digest != token
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM knox_authtoken WHERE digest LIKE %s OR token_key = %s",
                       [f"%{token}%", token])
        assert cursor.fetchone()[0] == 0
    assert _me(token) == 200


def test_plain_drf_token_table_is_gone():
    with connection.cursor() as cursor:
        cursor.execute("SELECT to_regclass('authtoken_token')")
        assert cursor.fetchone()[0] is None


def test_token_expires_after_api_token_days(personas, settings):
    token = _issue()
    stored = AuthToken.objects.get(user=personas.district_official)
    assert abs(stored.expiry - (timezone.now() + timedelta(days=settings.API_TOKEN_DAYS))) < timedelta(minutes=1)
    assert settings.API_TOKEN_DAYS == 30

    AuthToken.objects.filter(pk=stored.pk).update(expiry=timezone.now() - timedelta(seconds=1))

    assert _me(token) in (401, 403)
    assert AuditEvent.objects.filter(action="api_token_refused", actor_username="district",
                                     details__reason="expired").exists()


def test_issue_is_audited_without_the_token(personas):
    token = _issue()

    event = AuditEvent.objects.get(action="api_token_issued")
    assert event.actor == personas.district_official
    assert token not in str(event.details) and len(event.details["prefix"]) == 8


def test_unknown_token_refusal_is_audited():
    assert _me("x" * 64) in (401, 403)
    assert AuditEvent.objects.filter(action="api_token_refused", outcome="denied").exists()


def test_owner_lists_and_revokes_own_token(personas):
    token = _issue()
    other = _issue("inspector")
    auth = {"HTTP_AUTHORIZATION": f"Token {token}"}

    listed = Client().get(reverse("api:auth-tokens"), **auth).json()
    assert [row["prefix"] for row in listed] == [token[:8]]
    assert listed[0]["current"] is True
    assert "digest" not in listed[0] and token not in str(listed)

    # Another user's token is not found through one's own list.
    assert Client().delete(reverse("api:auth-token-revoke", args=[other[:8]]), **auth).status_code == 404
    assert Client().delete(reverse("api:auth-token-revoke", args=[token[:8]]), **auth).status_code == 204
    assert _me(token) in (401, 403)
    assert _me(other) == 200
    assert AuditEvent.objects.filter(action="api_token_revoked", actor=personas.district_official).exists()


def test_administrator_lists_and_revokes_another_users_token(client, personas):
    token = _issue()
    client.force_login(personas.admin)
    url = reverse("api:auth-tokens")

    listed = client.get(url, {"user": personas.district_official.pk}).json()
    assert [row["prefix"] for row in listed] == [token[:8]]
    response = client.delete(reverse("api:auth-token-revoke", args=[token[:8]]) +
                             f"?user={personas.district_official.pk}")
    assert response.status_code == 204
    assert _me(token) in (401, 403)


def test_non_administrator_cannot_see_another_users_tokens(client, personas):
    _issue()
    client.force_login(personas.inspector)
    response = client.get(reverse("api:auth-tokens"), {"user": personas.district_official.pk})
    assert response.status_code == 403


def test_token_page_lists_and_revokes(client, personas):
    token = _issue()
    client.force_login(personas.district_official)

    page = client.get(reverse("accounts:tokens"))
    assert page.status_code == 200 and token[:8] in page.content.decode()
    assert token not in page.content.decode()
    response = client.post(reverse("accounts:token_revoke", args=[token[:8]]))
    assert response.status_code == 302
    assert not AuthToken.objects.exists()


def test_password_change_revokes_tokens(client, personas):
    token = _issue()
    client.force_login(personas.district_official)
    response = client.post(reverse("accounts:password_change"), {
        "old_password": PASSWORD, "new_password1": "A-new-pass-2026!", "new_password2": "A-new-pass-2026!"})
    assert response.status_code == 302
    assert _me(token) in (401, 403)
    assert AuditEvent.objects.filter(action="api_token_revoked", details__reason="password changed").exists()


def test_lock_revokes_tokens(personas, settings):
    token = _issue()
    for _ in range(settings.LOCKOUT_THRESHOLD):
        login_failure_record(username="district", ip="10.0.0.1")
    assert not AuthToken.objects.exists()
    assert _me(token) in (401, 403)


def test_deactivation_revokes_tokens(personas):
    token = _issue()
    user = personas.district_official
    user.is_active = False
    user.save()
    assert not AuthToken.objects.filter(user=user).exists()
    assert _me(token) in (401, 403)


def test_other_saves_keep_tokens(personas):
    token = _issue()
    user = personas.district_official
    user.first_name = "Renamed"
    user.save()
    assert _me(token) == 200


def test_the_admin_shows_no_token_key_and_cannot_issue_one(client, personas):
    from knox.models import AuthToken

    instance, token = AuthToken.objects.create(user=personas.inspector)
    client.force_login(personas.admin)
    listing = client.get("/admin/knox/authtoken/")
    assert listing.status_code == 200
    body = listing.content.decode()
    # (the digest is the row's primary key, in its link; it cannot be turned back into the token)
    assert token not in body and token[:8] not in body and "inspector" in body
    assert client.get("/admin/knox/authtoken/add/").status_code == 403
