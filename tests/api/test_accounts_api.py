"""me/ and API tokens."""

import pytest
from django.test import Client
from django.urls import reverse
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice
from knox.models import AuthToken

from tests.conftest import PASSWORD

from .conftest import MAHALLA_A1A, PERSONAS, VISIBLE_MAHALLAS, codes, error_fields

pytestmark = pytest.mark.django_db

EXPECTED_SCOPE = {
    "national": ("national", None, None, []),
    "admin": ("national", None, None, []),
    "region_officer": ("region", "1700001", None, []),
    "district_official": ("district", "1700001", "1700101", []),
    "operator": ("district", "1700001", "1700101", []),
    "inspector": ("mahallas", None, None, [MAHALLA_A1A]),
    "social_worker": ("mahallas", None, None, [MAHALLA_A1A]),
    "outsider": ("district", "1700002", "1700201", []),
    "nobody": ("none", None, None, []),
}


@pytest.mark.parametrize("persona", PERSONAS)
def test_me_as_persona_shows_role_and_scope(client_for, personas, persona):
    user = getattr(personas, persona)

    body = client_for(persona).get(reverse("api:me")).json()

    level, region, district, mahallas = EXPECTED_SCOPE[persona]
    assert body["id"] == user.pk
    assert body["username"] == user.username
    assert body["role"] == user.role
    assert body["scope"]["level"] == level
    assert (body["scope"]["region"] or {}).get("code") == region
    assert (body["scope"]["district"] or {}).get("code") == district
    assert [m["code"] for m in body["scope"]["mahallas"]] == mahallas


def test_me_of_inspector_lists_assigned_mahallas_with_their_district(client_for, territory):
    body = client_for("inspector").get(reverse("api:me")).json()

    assert body["role"] == "inspector"
    assert body["role_label"]
    assert body["scope"]["mahallas"] == [{"id": territory.mahalla_a1a.pk, "code": MAHALLA_A1A,
                                          "name": "Bog'ishamol MFY", "district": territory.district_a1.pk}]


def _token(client, username, **extra):
    return client.post(reverse("api:auth-token"), {"username": username, "password": PASSWORD, **extra},
                       content_type="application/json")


def test_token_from_password_authenticates_api_calls(personas):
    client = Client()

    response = _token(client, "inspector")

    assert response.status_code == 200
    token = response.json()["token"]
    assert AuthToken.objects.get().user == personas.inspector
    headers = {"HTTP_AUTHORIZATION": f"Token {token}"}
    assert client.get(reverse("api:me"), **headers).json()["username"] == "inspector"
    assert codes(client.get(reverse("api:mahalla-list"), **headers)) == VISIBLE_MAHALLAS["inspector"]
    layer = client.get(reverse("api:geo-mahallas"), {"zoom": 8}, **headers)
    assert codes(layer) == VISIBLE_MAHALLAS["inspector"]


def test_token_also_works_as_a_form_post(personas):
    response = Client().post(reverse("api:auth-token"), {"username": "district", "password": PASSWORD})
    assert response.status_code == 200
    assert response.json()["token"]


def test_token_with_wrong_password_is_400_and_issues_nothing(personas):
    response = Client().post(reverse("api:auth-token"), {"username": "inspector", "password": "wrong-pass"},
                             content_type="application/json")

    assert response.status_code == 400
    assert not AuthToken.objects.exists()


def test_token_without_username_names_the_field(personas):
    response = Client().post(reverse("api:auth-token"), {"password": PASSWORD},
                             content_type="application/json")

    assert response.status_code == 400
    assert "username" in error_fields(response)


def test_token_for_two_factor_role_needs_a_code(personas):
    device = TOTPDevice.objects.create(user=personas.region_officer, name="app", confirmed=True)
    client = Client()

    # The right code first: after a wrong one, django-otp makes the device wait before trying again.
    right = _token(client, "region", otp=f"{totp(device.bin_key):06d}")
    without = _token(client, "region")
    wrong = _token(client, "region", otp=f"{(totp(device.bin_key) + 1) % 1_000_000:06d}")

    assert right.status_code == 200
    assert without.status_code == 400
    assert "otp" in error_fields(without)
    assert wrong.status_code == 400
    assert "otp" in error_fields(wrong)


def test_invalid_token_is_refused(personas):
    response = Client().get(reverse("api:me"), HTTP_AUTHORIZATION="Token not-a-real-token")
    assert response.status_code in (401, 403)


def test_token_of_deactivated_user_is_refused(personas):
    _, token = AuthToken.objects.create(user=personas.district_official)
    personas.district_official.is_active = False
    personas.district_official.save()

    response = Client().get(reverse("api:me"), HTTP_AUTHORIZATION=f"Token {token}")

    assert response.status_code in (401, 403)
