from datetime import timedelta

import pytest
from django.utils import timezone

from accounts.lockout import account_unlock
from accounts.models import LoginFailure, User
from tests.conftest import PASSWORD

LOCKED_TEXT = "locked"


def _attempt(client, username, password="wrong-password-1"):
    return client.post("/accounts/login/", {"username": username, "password": password}, HTTP_ACCEPT_LANGUAGE="en")


@pytest.mark.django_db
def test_five_failures_lock_the_account_even_for_the_right_password(client, personas):
    user = personas.district_official
    for _ in range(5):
        assert _attempt(client, user.username).status_code == 200
    user.refresh_from_db()
    assert user.locked_at is not None
    response = _attempt(client, user.username, PASSWORD)
    assert response.status_code == 200
    assert LOCKED_TEXT in response.content.decode().lower()
    assert "_auth_user_id" not in client.session


@pytest.mark.django_db
def test_four_failures_do_not_lock(client, personas):
    user = personas.district_official
    for _ in range(4):
        _attempt(client, user.username)
    assert _attempt(client, user.username, PASSWORD).status_code == 302


@pytest.mark.django_db
def test_failures_older_than_15_minutes_do_not_count(client, personas):
    user = personas.district_official
    for _ in range(4):
        _attempt(client, user.username)
    LoginFailure.objects.update(at=timezone.now() - timedelta(minutes=16))
    _attempt(client, user.username)
    user.refresh_from_db()
    assert user.locked_at is None


@pytest.mark.django_db
def test_unknown_username_gets_the_same_locked_answer(client, personas):
    # The page must not tell an attacker which usernames exist.
    real, ghost = personas.district_official.username, "no-such-user"
    for _ in range(5):
        _attempt(client, real)
        _attempt(client, ghost)
    real_page = _attempt(client, real).content.decode().lower()
    ghost_page = _attempt(client, ghost).content.decode().lower()
    assert LOCKED_TEXT in real_page and LOCKED_TEXT in ghost_page
    strip = [real, ghost]
    for name in strip:
        real_page, ghost_page = real_page.replace(name, ""), ghost_page.replace(name, "")
    assert real_page.count(LOCKED_TEXT) == ghost_page.count(LOCKED_TEXT)


@pytest.mark.django_db
def test_administrator_unlock_restores_sign_in(client, personas):
    user = personas.district_official
    for _ in range(5):
        _attempt(client, user.username)
    account_unlock(user=User.objects.get(pk=user.pk))
    assert _attempt(client, user.username, PASSWORD).status_code == 302


@pytest.mark.django_db
def test_lockout_is_audited(client, personas):
    from audit.models import AuditEvent

    for _ in range(5):
        _attempt(client, personas.district_official.username)
    assert AuditEvent.objects.filter(action="account_locked", actor=personas.district_official).count() == 1
    assert AuditEvent.objects.filter(action="login_failed").count() == 5


@pytest.mark.django_db
def test_long_passwords_are_accepted_and_common_ones_refused(personas):
    from django.contrib.auth.password_validation import validate_password
    from django.core.exceptions import ValidationError

    validate_password("correct horse battery staple " * 3, personas.inspector)  # 87 characters
    for bad in ("password", "qwerty123", "short1!"):
        with pytest.raises(ValidationError):
            validate_password(bad, personas.inspector)
