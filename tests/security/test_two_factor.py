import datetime

import pytest
from django.db.models import F
from django.urls import reverse
from django_otp.oath import totp
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from tests.conftest import PASSWORD


def _code(device):
    return f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits):06d}"


def _password_step(client, user):
    response = client.post("/accounts/login/", {"username": user.username, "password": PASSWORD})
    assert response.status_code == 302
    return response


@pytest.mark.django_db
@pytest.mark.parametrize("persona", ["national", "region_officer", "admin"])
def test_two_factor_roles_must_enrol_before_anything_else(client, personas, persona):
    user = getattr(personas, persona)
    _password_step(client, user)
    response = client.get("/")
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:two_factor_setup"))
    assert client.get("/api/v1/me/").status_code == 403


@pytest.mark.django_db
@pytest.mark.parametrize("persona", ["district_official", "inspector", "social_worker", "operator"])
def test_field_and_district_roles_need_no_second_factor(client, personas, persona):
    _password_step(client, getattr(personas, persona))
    assert client.get("/api/v1/me/").status_code == 200


@pytest.mark.django_db
def test_enrolment_then_verification_with_totp_and_recovery_codes(client, personas):
    user = personas.national
    _password_step(client, user)
    page = client.get(reverse("accounts:two_factor_setup"))
    assert page.status_code == 200
    device = TOTPDevice.objects.get(user=user, confirmed=False)
    # a wrong code is refused and names the field
    wrong = client.post(reverse("accounts:two_factor_setup"), {"token": "000000"})
    assert wrong.status_code == 200 and "token" in wrong.context["form"].errors
    # the right code confirms the device and shows recovery codes once
    done = client.post(reverse("accounts:two_factor_setup"), {"token": _code(device)})
    assert done.status_code == 200
    codes = done.context["recovery_codes"]
    assert len(codes) == 10
    assert client.get("/api/v1/me/").status_code == 200

    # next sign-in asks for the code, not for enrolment
    client.post("/accounts/logout/")
    _password_step(client, user)
    response = client.get("/")
    assert response["Location"].startswith(reverse("accounts:two_factor_verify"))
    assert client.post(reverse("accounts:two_factor_verify"), {"token": "123456"}).status_code == 200
    assert client.get("/api/v1/me/").status_code == 403
    # django-otp slows retries after a wrong code (1 s after the first): brute force is throttled. A second later:
    for model in (TOTPDevice, StaticDevice):
        model.objects.filter(user=user, throttling_failure_timestamp__isnull=False).update(
            throttling_failure_timestamp=F("throttling_failure_timestamp") - datetime.timedelta(seconds=2))
    ok = client.post(reverse("accounts:two_factor_verify"), {"token": codes[0]})
    assert ok.status_code == 302
    assert client.get("/api/v1/me/").status_code == 200
    # a recovery code works once
    assert not StaticToken.objects.filter(token=codes[0]).exists()


@pytest.mark.django_db
def test_api_token_for_two_factor_role_requires_a_code(client, personas):
    user = personas.national
    device = TOTPDevice.objects.create(user=user, name="app", confirmed=True)
    url = "/api/v1/auth/token/"
    missing = client.post(url, {"username": user.username, "password": PASSWORD}, content_type="application/json")
    assert missing.status_code == 400
    assert "otp" in missing.json()["errors"]
    ok = client.post(url, {"username": user.username, "password": PASSWORD, "otp": _code(device)},
                     content_type="application/json")
    assert ok.status_code == 200 and ok.json()["token"]


@pytest.mark.django_db
def test_demo_bypass_does_not_exist_in_production_settings(settings):
    assert not getattr(settings, "TWO_FACTOR_BYPASS", False)


@pytest.mark.django_db
def test_replacing_an_enrolled_authenticator_asks_for_the_password_again(client, personas):
    # given: an enrolled, verified session (someone could walk up to it)
    user = personas.national
    _password_step(client, user)
    client.get(reverse("accounts:two_factor_setup"))
    first = TOTPDevice.objects.get(user=user, confirmed=False)
    assert client.post(reverse("accounts:two_factor_setup"), {"token": _code(first)}).status_code == 200
    # when: the setup page is opened again and a new device confirmed with its code only
    client.get(reverse("accounts:two_factor_setup"))
    second = TOTPDevice.objects.get(user=user, confirmed=False)
    refused = client.post(reverse("accounts:two_factor_setup"), {"token": _code(second)})
    wrong = client.post(reverse("accounts:two_factor_setup"), {"token": _code(second), "password": "not-it"})
    # then: the enrolled device stays until the password is given
    assert refused.status_code == 200 and "password" in refused.context["form"].errors
    assert wrong.status_code == 200 and "password" in wrong.context["form"].errors
    assert list(TOTPDevice.objects.filter(user=user, confirmed=True).values_list("pk", flat=True)) == [first.pk]
    done = client.post(reverse("accounts:two_factor_setup"), {"token": _code(second), "password": PASSWORD})
    assert done.status_code == 200 and len(done.context["recovery_codes"]) == 10
    assert list(TOTPDevice.objects.filter(user=user, confirmed=True).values_list("pk", flat=True)) == [second.pk]
