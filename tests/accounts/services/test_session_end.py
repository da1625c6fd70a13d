"""A lock, a deactivation or a role or scope change ends every session of the account, not only its tokens."""

import pytest
from django.contrib.auth import authenticate
from django.test import Client
from django.urls import reverse

from accounts.models import Role, UserSession
from tests.audit.services.test_change_wiring import post_data

pytestmark = pytest.mark.django_db


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    assert not is_signed_out(client)
    return client


def is_signed_out(client: Client) -> bool:
    response = client.get("/")
    return response.status_code == 302 and "/accounts/login/" in response["Location"]


@pytest.fixture
def two_browsers(personas):
    """The district official signed in twice (office and phone), and a bystander signed in too."""
    user = personas.district_official
    return user, signed_in(user), signed_in(user), signed_in(personas.inspector)


def test_sessions_know_their_user(two_browsers):
    user, *_ = two_browsers
    assert UserSession.objects.filter(user_id=user.pk).count() == 2


def test_lockout_by_failed_sign_ins_ends_every_session(two_browsers, settings):
    user, office, phone, bystander = two_browsers

    for _ in range(settings.LOCKOUT_THRESHOLD):
        assert authenticate(username=user.username, password="wrong") is None

    user.refresh_from_db()
    assert user.locked_at is not None
    assert is_signed_out(office) and is_signed_out(phone)
    assert not is_signed_out(bystander)


def test_deactivation_ends_every_session(two_browsers):
    user, office, phone, bystander = two_browsers

    user.is_active = False
    user.save(update_fields=["is_active"])

    assert is_signed_out(office) and is_signed_out(phone) and not is_signed_out(bystander)


def test_admin_role_change_ends_every_session_of_that_user(two_browsers, personas, territory):
    user, office, phone, bystander = two_browsers
    admin = signed_in(personas.admin)
    url = reverse("admin:accounts_user_change", args=[user.pk])

    response = admin.post(url, {**post_data(admin.get(url)), "role": Role.REGIONAL,
                                "region": territory.region_a.pk})

    assert response.status_code == 302
    assert is_signed_out(office) and is_signed_out(phone) and not is_signed_out(bystander)
    assert not is_signed_out(admin)


def test_scope_change_ends_sessions(personas, territory):
    user = personas.operator
    office = signed_in(user)

    user.district = territory.district_b1
    user.save()

    assert is_signed_out(office)


def test_other_changes_and_sign_ins_keep_sessions(two_browsers):
    user, office, phone, _ = two_browsers

    user.last_name = "Karimova"
    user.save()
    signed_in(user)  # another sign-in stamps last_login

    assert not is_signed_out(office) and not is_signed_out(phone)
