"""Registering pulled devices: who may (a district's operators and officials, for their district's integrations),
fields validated and named, the password encrypted with keys of its own, write-only everywhere (API, page,
admin), and rotated to a new key by `manage.py device_credentials_rotate`."""

import pytest
from cryptography.fernet import Fernet
from django.core.management import CommandError, call_command

from surveillance import credentials
from surveillance.models import PullDevice
from surveillance.services import integration_create

from .conftest import KEY

pytestmark = pytest.mark.django_db
DEVICES = "/api/v1/surveillance/pull-devices/"
PASSWORD = "Nvr-Secret-2026!"


def _new(site, **fields):
    return {"integration": site.integration.pk, "vendor": "hikvision", "name": "NVR bozor", "device_id":
            "44:19:b6:0a:1b:2c", "host": "10.20.1.64", "username": "admin", "password": PASSWORD, **fields}


def test_operator_registers_a_device_and_its_password_never_comes_back(site, client_for):
    client = client_for("operator")
    response = client.post(DEVICES, _new(site), format="json")
    assert response.status_code == 201, response.content
    body = response.json()
    assert "password" not in body and "password_encrypted" not in body
    assert body["port"] == 80 and body["state"] == "new" and body["integration_name"] == "nvr-a1"
    device = PullDevice.objects.get()
    assert PASSWORD.encode() not in bytes(device.password_encrypted)
    assert credentials.decrypt(device.password_encrypted) == PASSWORD
    listed = client.get(DEVICES).content + client.get(f"{DEVICES}{device.pk}/").content
    assert PASSWORD.encode() not in listed and b"password" not in listed

    # A change without a password keeps the stored one; with one, replaces it.
    response = client.patch(f"{DEVICES}{device.pk}/", {"port": 8080, "enabled": False}, format="json")
    assert response.status_code == 200 and response.json()["state"] == "disabled"
    assert credentials.decrypt(PullDevice.objects.get().password_encrypted) == PASSWORD
    client.patch(f"{DEVICES}{device.pk}/", {"password": "Another-1"}, format="json")
    assert credentials.decrypt(PullDevice.objects.get().password_encrypted) == "Another-1"


@pytest.mark.parametrize(("fields", "field"), [
    ({"host": "http://10.20.1.64/ISAPI"}, "host"),
    ({"vendor": "frigate"}, "vendor"),
    ({"port": 70000}, "port"),
    ({"password": ""}, "password"),
    ({"name": "  "}, "name"),
])
def test_invalid_fields_are_named(site, client_for, fields, field):
    response = client_for("operator").post(DEVICES, _new(site, **fields), format="json")
    assert response.status_code == 400 and field in response.json()["errors"], response.content
    assert not PullDevice.objects.exists()


def test_a_device_registered_twice_is_refused_naming_the_device_id(site, client_for):
    client = client_for("operator")
    assert client.post(DEVICES, _new(site), format="json").status_code == 201
    # A Hikvision device id is written as its cameras' are: the same MAC in another spelling is the same device.
    again = client.post(DEVICES, _new(site, device_id="44-19-B6-0A-1B-2C"), format="json")
    assert again.status_code == 400 and "device_id" in again.json()["errors"]
    serial = client.post(DEVICES, _new(site, device_id="DS-7608NXI0120190101CCWRD12345678"), format="json")
    assert serial.status_code == 201 and serial.json()["device_id"] == "DS-7608NXI0120190101CCWRD12345678"


def test_only_the_districts_staff_register_and_see_its_devices(site, territory, client_for):
    other, _ = integration_create(name="nvr-b1", district=territory.district_b1)
    assert client_for("inspector").post(DEVICES, _new(site), format="json").status_code == 403
    refused = client_for("operator").post(DEVICES, _new(site, integration=other.pk), format="json")
    assert refused.status_code == 400 and "integration" in refused.json()["errors"]
    device = client_for("operator").post(DEVICES, _new(site), format="json").json()
    assert client_for("outsider").get(f"{DEVICES}{device['id']}/").status_code == 404
    assert client_for("outsider").get(DEVICES).json()["count"] == 0
    assert client_for("region_officer").get(DEVICES).json()["count"] == 1
    assert client_for("region_officer").patch(f"{DEVICES}{device['id']}/", {"enabled": False},
                                              format="json").status_code == 403


def test_the_api_is_in_the_openapi_schema(client_for):
    schema = client_for("operator").get("/api/v1/schema/").content.decode()
    assert "/api/v1/surveillance/pull-devices/{id}/" in schema and "PullDeviceWrite" in schema


def test_the_form_page_registers_a_device_and_never_renders_the_password(site, client_for):
    client = client_for("operator")
    page = client.get("/cameras/pulled/new/")
    assert page.status_code == 200
    response = client.post("/cameras/pulled/new/", {
        "name": "NVR bozor", "integration": site.integration.pk, "vendor": "dahua", "device_id": "NVR-7",
        "scheme": "http", "host": "nvr7.local", "port": "", "username": "admin", "password": PASSWORD,
        "enabled": "on"})
    assert response.status_code == 302
    device = PullDevice.objects.get()
    edit = client.get(f"/cameras/pulled/{device.pk}/edit/").content
    assert PASSWORD.encode() not in edit and b'name="password"' in edit
    bad = client.post(f"/cameras/pulled/{device.pk}/edit/", {
        "name": "NVR bozor", "integration": site.integration.pk, "vendor": "dahua", "device_id": "NVR-7",
        "scheme": "http", "host": "nvr 7", "username": "admin", "password": ""})
    assert bad.status_code == 200 and b"field--error" in bad.content
    listing = client.get("/cameras/pulled/").content.decode()
    assert "NVR bozor" in listing and "http://nvr7.local:80" in listing
    assert client_for("outsider").get(f"/cameras/pulled/{device.pk}/edit/").status_code == 404


def test_the_admin_never_shows_the_password(site, client_for, personas):
    client = client_for("operator")
    device_id = client.post(DEVICES, _new(site), format="json").json()["id"]
    admin = client_for("admin")
    page = admin.get(f"/admin/surveillance/pulldevice/{device_id}/change/")
    assert page.status_code == 200
    device = PullDevice.objects.get()
    assert PASSWORD.encode() not in page.content
    assert bytes(device.password_encrypted) not in page.content


def test_rotation_re_encrypts_every_password_under_the_newest_key(site, client_for, settings):
    client_for("operator").post(DEVICES, _new(site), format="json")
    new = Fernet.generate_key().decode()
    settings.DEVICE_CREDENTIAL_KEYS = [new, KEY]
    call_command("device_credentials_rotate")
    settings.DEVICE_CREDENTIAL_KEYS = [new]  # the old key dropped: every password still opens
    assert credentials.decrypt(PullDevice.objects.get().password_encrypted) == PASSWORD

    settings.DEVICE_CREDENTIAL_KEYS = [Fernet.generate_key().decode()]  # a key that opens nothing
    before = bytes(PullDevice.objects.get().password_encrypted)
    with pytest.raises(CommandError, match="Nothing was changed"):
        call_command("device_credentials_rotate")
    assert bytes(PullDevice.objects.get().password_encrypted) == before


def test_the_list_disbelieves_a_streaming_state_the_pull_process_stopped_confirming(site, client_for):
    import datetime

    from django.utils import timezone

    client = client_for("operator")
    device_id = client.post(DEVICES, _new(site), format="json").json()["id"]
    now = timezone.now()
    PullDevice.objects.filter(pk=device_id).update(state="online", state_checked_at=now)
    assert "streaming" in client.get("/cameras/pulled/").content.decode()
    PullDevice.objects.filter(pk=device_id).update(state_checked_at=now - datetime.timedelta(seconds=61))
    page = client.get("/cameras/pulled/").content.decode()
    assert "streaming" not in page and "stream down" in page and "over a minute" in page
