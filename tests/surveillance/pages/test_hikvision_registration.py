"""Registering what an NVR reports: the camera form says which channel number to enter, the list of devices
to register shows both channel numbers, and form, API and CSV take a Hikvision serial number or IP address."""

import pytest
from django.urls import reverse
from django.utils import translation

from surveillance.models import Alert, Camera

from ..conftest import HIKVISION, PAYLOADS, post_raw, process_all

pytestmark = pytest.mark.django_db

NVR = PAYLOADS / "hikvision" / "issue17_ds7608nxi_linedetection.xml"
NXI = "DS-7608NXI-I2/8P/S0820211012CCRRG41234567WCVU"
CAMERAS = "/api/v1/surveillance/cameras/"


def test_camera_form_says_which_channel_number_to_enter(client_for):
    html = client_for("operator").get(reverse("surveillance:camera-create")).content.decode()

    assert "its number on the NVR's screen (D1 is 1, D2 is 2)" in html
    assert "else the serial number" in html


@pytest.mark.parametrize(("language", "words"), [("ru", "D1 — это 1"), ("uz", "registrator ekranidagi raqami")])
def test_camera_form_channel_help_in_language(client_for, language, words):
    client = client_for("operator")
    with translation.override(language):
        html = client.get(reverse("surveillance:camera-create"), HTTP_ACCEPT_LANGUAGE=language).content.decode()
    assert words in html


def test_devices_to_register_show_the_nvr_number_and_the_device_channel(client_for, integration_client):
    post_raw(integration_client(), HIKVISION, NVR.read_bytes(), "application/xml")
    process_all()

    html = client_for("operator").get(reverse("surveillance:unmatched")).content.decode()
    devices = client_for("operator").get("/api/v1/surveillance/unmatched-devices/").json()["results"]

    assert "(device channel 34)" in html and "channel=2" in html
    assert [(d["device_id"], d["channel"], d["source_channel"]) for d in devices] == [(NXI, 2, 34)]


def test_registering_from_the_form_by_serial_then_the_nvr_event_finds_the_camera(client_for, integration_client):
    response = client_for("operator").post(reverse("surveillance:camera-create"), {
        "name": "Guliston D2", "vendor": "hikvision", "device_id": NXI.lower(), "channel": 2,
        "installation_kind": "street", "longitude": "63.65", "latitude": "41.0"})

    post_raw(integration_client(), HIKVISION, NVR.read_bytes(), "application/xml")
    process_all()

    assert response.status_code == 302
    assert Alert.objects.get().camera == Camera.objects.get(device_id=NXI, channel=2)


def test_api_registers_a_hikvision_camera_by_ip_and_refuses_a_word(client_for):
    client = client_for("operator")
    fields = {"vendor": "hikvision", "channel": 1, "name": "IP kamera", "longitude": 63.75, "latitude": 41.0}

    created = client.post(CAMERAS, {**fields, "device_id": "10.31.4.20"}, format="json")
    refused = client.post(CAMERAS, {**fields, "device_id": "kamera"}, format="json")
    again = client.post(CAMERAS, {**fields, "device_id": "10.31.4.20"}, format="json")

    assert created.status_code == 201 and created.json()["device_id"] == "10.31.4.20"
    assert refused.status_code == 400 and "device_id" in refused.json()["errors"]
    assert again.status_code == 400
    assert again.json()["errors"]["device_id"] == ["This device and channel are already registered in this district."]
