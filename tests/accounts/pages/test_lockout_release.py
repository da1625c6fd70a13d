"""Locking an account is not a weapon (issue 14, item 4)."""

from datetime import timedelta

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from accounts.models import LoginFailure, Notification, User
from audit.models import AuditEvent
from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db


def _attempt(client, username, password="wrong-password-1", ip="10.1.1.1"):
    return client.post("/accounts/login/", {"username": username, "password": password},
                       HTTP_ACCEPT_LANGUAGE="en", REMOTE_ADDR=ip)


def _lock(client, username, ip="10.1.1.1"):
    for _ in range(5):
        _attempt(client, username, ip=ip)


def _signed_in(client) -> bool:
    return "_auth_user_id" in client.session


def test_lock_releases_itself_after_15_minutes(client, personas, settings):
    assert settings.LOCKOUT_DURATION_SECONDS == 15 * 60
    user = personas.district_official
    _lock(client, user.username)
    user.refresh_from_db()
    assert user.locked_at is not None

    User.objects.filter(pk=user.pk).update(locked_at=timezone.now() - timedelta(minutes=14))
    assert _attempt(client, user.username, PASSWORD).status_code == 200
    assert not _signed_in(client)

    # The failures behind the lock are younger than the 15-minute window; they must not lock again.
    User.objects.filter(pk=user.pk).update(locked_at=timezone.now() - timedelta(minutes=15, seconds=5))
    LoginFailure.objects.update(at=timezone.now() - timedelta(minutes=15, seconds=10))
    assert _attempt(client, user.username, PASSWORD).status_code == 302
    assert _signed_in(client)


def test_released_lock_needs_five_new_failures_to_lock_again(client, personas):
    user = personas.district_official
    _lock(client, user.username)
    past = timezone.now() - timedelta(minutes=16)
    User.objects.filter(pk=user.pk).update(locked_at=past)
    LoginFailure.objects.update(at=past - timedelta(seconds=1))
    for _ in range(4):
        _attempt(client, user.username)
    assert _attempt(client, user.username, PASSWORD).status_code == 302


def test_owner_is_notified_of_the_lock(client, personas):
    user = personas.district_official
    _lock(client, user.username)
    notice = Notification.objects.get(user=user, kind="account_locked")
    assert "15" in notice.body


def test_failures_are_throttled_per_ip(client, personas, settings):
    settings.SIGNIN_THROTTLE_IP_FAILURES = 6
    for index in range(6):
        _attempt(client, f"guess-{index}", ip="10.9.9.9")
    # The next try from that address is refused before the password is checked, even a right one ...
    response = _attempt(client, personas.inspector.username, PASSWORD, ip="10.9.9.9")
    assert response.status_code == 200 and not _signed_in(client)
    assert "too many failed sign-ins from this network" in response.content.decode().lower()
    assert AuditEvent.objects.filter(action="signin_throttled").exists()
    # ... and counts nothing against that account; another address signs in.
    assert not LoginFailure.objects.filter(username=personas.inspector.username).exists()
    assert _attempt(client, personas.inspector.username, PASSWORD, ip="10.8.8.8").status_code == 302


def test_the_ip_limit_lets_one_office_through(client, personas, settings):
    # Twenty colleagues behind one address each mistype once: nobody is refused.
    assert settings.SIGNIN_THROTTLE_IP_FAILURES >= 50
    for index in range(20):
        _attempt(client, f"colleague-{index}", ip="10.7.7.7")
    assert _attempt(client, personas.inspector.username, PASSWORD, ip="10.7.7.7").status_code == 302


def test_failures_are_throttled_per_username_across_addresses(client, personas, settings):
    settings.SIGNIN_THROTTLE_USERNAME_FAILURES = 3
    settings.LOCKOUT_THRESHOLD = 100
    for index in range(3):
        _attempt(client, "inspector", ip=f"10.6.6.{index}")
    response = _attempt(client, "inspector", PASSWORD, ip="10.6.6.200")
    assert response.status_code == 200 and not _signed_in(client)


def test_token_endpoint_is_throttled(personas, settings):
    settings.SIGNIN_THROTTLE_IP_FAILURES = 3
    client = Client(REMOTE_ADDR="10.5.5.5")
    for index in range(3):
        client.post(reverse("api:auth-token"), {"username": f"x{index}", "password": "nope"},
                    content_type="application/json")
    response = client.post(reverse("api:auth-token"), {"username": "district", "password": PASSWORD},
                           content_type="application/json")
    assert response.status_code == 429


def test_two_factor_form_is_throttled(client, personas, settings):
    from django_otp.oath import totp
    from django_otp.plugins.otp_totp.models import TOTPDevice

    settings.SIGNIN_THROTTLE_USERNAME_FAILURES = 2
    user = personas.region_officer
    device = TOTPDevice.objects.create(user=user, name="app", confirmed=True, tolerance=0)
    assert client.post("/accounts/login/", {"username": user.username, "password": PASSWORD}).status_code == 302
    url = reverse("accounts:two_factor_verify")
    for _ in range(2):
        TOTPDevice.objects.filter(pk=device.pk).update(throttling_failure_count=0, throttling_failure_timestamp=None)
        client.post(url, {"token": "000000" if totp(device.bin_key) else "111111"})
    TOTPDevice.objects.filter(pk=device.pk).update(throttling_failure_count=0, throttling_failure_timestamp=None)
    response = client.post(url, {"token": f"{totp(device.bin_key):06d}"}, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    assert "too many wrong codes" in response.content.decode().lower()


def test_administrator_sees_locked_accounts_and_unlocks(client, personas):
    user = personas.district_official
    _lock(Client(), user.username)
    client.force_login(personas.admin)

    page = client.get(reverse("accounts:locked"))
    assert page.status_code == 200 and user.username in page.content.decode()
    assert client.post(reverse("accounts:unlock", args=[user.pk])).status_code == 302

    user.refresh_from_db()
    assert user.locked_at is None
    assert not LoginFailure.objects.filter(username=user.username).exists()
    assert AuditEvent.objects.filter(action="account_unlocked", actor=personas.admin).exists()
    assert _attempt(Client(), user.username, PASSWORD).status_code == 302


def test_locked_accounts_page_is_for_administrators_only(client, personas):
    client.force_login(personas.district_official)
    assert client.get(reverse("accounts:locked")).status_code == 403
    assert client.post(reverse("accounts:unlock", args=[personas.inspector.pk])).status_code == 403


def test_admin_action_unlocks_and_clears_failures(client, personas):
    user = personas.district_official
    _lock(Client(), user.username)
    client.force_login(personas.admin)
    response = client.post(reverse("admin:accounts_user_changelist"),
                           {"action": "unlock_selected", "_selected_action": [user.pk]})
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.locked_at is None
    assert not LoginFailure.objects.filter(username=user.username).exists()


def test_unlock_command_clears_failures(personas):
    user = personas.district_official
    _lock(Client(), user.username)
    call_command("unlock_account", user.username, stdout=open("/dev/null", "w"))  # noqa: SIM115
    assert not LoginFailure.objects.filter(username=user.username).exists()
    assert _attempt(Client(), user.username, PASSWORD).status_code == 302
