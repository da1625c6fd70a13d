"""False-positive rates page and the camera registry pages (list, detail, create, edit, CSV import)."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from surveillance import services
from surveillance.models import Camera

pytestmark = pytest.mark.django_db


@pytest.fixture
def reviewed(queue, personas):
    services.alert_dismiss(by=personas.operator, alert=queue.plain, reason="a dog")
    services.alert_confirm(by=personas.operator, alert=queue.urgent, category_code="hooliganism")
    services.alert_dismiss(by=personas.outsider, alert=queue.b1, reason="rain")
    return queue


def test_false_positive_rates_as_operator(client_for, reviewed):
    response = client_for("operator").get(reverse("surveillance:false-positives"))
    html = response.content.decode()
    assert response.status_code == 200
    assert "Maktab 14 hovlisi" in html and "50" in html  # one of two dismissed
    assert "Janubiy bozor" not in html  # another region's camera
    assert "<svg" in html and 'class="sv-bar__fill"' in html


@pytest.mark.parametrize("sort", ["name", "-name", "rate", "-reviewed", "dismissed", "bogus"])
def test_false_positive_rates_sort(client_for, reviewed, sort):
    assert client_for("operator").get(reverse("surveillance:false-positives"), {"sort": sort}).status_code == 200


def test_false_positive_rates_as_outsider_show_only_their_cameras(client_for, reviewed):
    html = client_for("outsider").get(reverse("surveillance:false-positives")).content.decode()
    assert "Janubiy bozor" in html and "Maktab 14 hovlisi" not in html


def test_false_positive_rates_as_nobody_are_empty(client_for, reviewed):
    html = client_for("nobody").get(reverse("surveillance:false-positives")).content.decode()
    assert "No reviewed alerts yet" in html


@pytest.mark.parametrize(("persona", "expected", "hidden"), [
    ("operator", ["Maktab 14 hovlisi", "Mahalla kirishi"], ["Janubiy bozor"]),
    ("inspector", ["Maktab 14 hovlisi"], ["Mahalla kirishi", "Janubiy bozor"]),  # A1a only
    ("outsider", ["Janubiy bozor"], ["Maktab 14 hovlisi"]),
    ("nobody", [], ["Maktab 14 hovlisi", "Janubiy bozor"]),
])
def test_camera_list_as_persona(client_for, queue, persona, expected, hidden):
    response = client_for(persona).get(reverse("surveillance:cameras"))
    html = response.content.decode()
    assert response.status_code == 200
    assert all(name in html for name in expected) and not any(name in html for name in hidden)


def test_camera_list_filters_and_fragment(client_for, queue):
    client = client_for("operator")
    html = client.get(reverse("surveillance:cameras"), {"q": "bozor"}, HTTP_HX_REQUEST="true").content.decode()
    assert "<html" not in html and "Bozor darvozasi" in html and "Maktab 14 hovlisi" not in html
    html = client.get(reverse("surveillance:cameras"), {"installation_kind": "school"}).content.decode()
    assert "Maktab 14 hovlisi" in html and "Bozor darvozasi" not in html


@pytest.mark.parametrize(("persona", "status"), [("operator", 200), ("inspector", 200), ("region_officer", 200),
                                                 ("outsider", 404), ("nobody", 404), ("social_worker", 200)])
def test_camera_detail_as_persona(client_for, site, persona, status):
    assert client_for(persona).get(reverse("surveillance:camera", args=[site.generic.pk])).status_code == status


def test_camera_detail_edit_link_only_for_camera_keepers(client_for, site):
    edit = reverse("surveillance:camera-edit", args=[site.generic.pk])
    assert edit in client_for("operator").get(reverse("surveillance:camera", args=[site.generic.pk])).content.decode()
    assert edit not in client_for("inspector").get(
        reverse("surveillance:camera", args=[site.generic.pk])).content.decode()


def test_camera_create_resolves_mahalla_from_the_point(client_for, site, territory):
    response = client_for("operator").post(reverse("surveillance:camera-create"), {
        "name": "Yangi kamera", "vendor": "frigate", "device_id": "yangi", "channel": 1,
        "installation_kind": "market", "longitude": "63.76", "latitude": "41.01", "mahalla": ""})
    camera = Camera.objects.get(device_id="yangi")
    assert response.status_code == 302 and response["Location"] == reverse("surveillance:camera", args=[camera.pk])
    assert camera.mahalla == territory.mahalla_a1b and not camera.mahalla_overridden
    assert camera.district == territory.district_a1


def test_camera_create_with_mahalla_override(client_for, site, territory):
    client_for("operator").post(reverse("surveillance:camera-create"), {
        "name": "Chegara", "vendor": "generic", "device_id": "EDGE-1", "channel": 1, "installation_kind": "street",
        "longitude": "63.76", "latitude": "41.01", "mahalla": territory.mahalla_a1a.pk})
    camera = Camera.objects.get(device_id="EDGE-1")
    assert camera.mahalla == territory.mahalla_a1a and camera.mahalla_overridden


def test_camera_create_duplicate_device_shows_message_next_to_field(client_for, site):
    response = client_for("operator").post(reverse("surveillance:camera-create"), {
        "name": "Again", "vendor": "generic", "device_id": "AI-SRV7-CAM12", "channel": 1,
        "installation_kind": "street", "longitude": "63.64", "latitude": "40.99"})
    html = response.content.decode()
    assert response.status_code == 200 and "This device and channel are already registered in this district." in html
    assert Camera.objects.filter(device_id="AI-SRV7-CAM12").count() == 1


def test_camera_create_prefills_from_unknown_device(client_for, site):
    html = client_for("operator").get(reverse("surveillance:camera-create"),
                                      {"vendor": "generic", "device_id": "NOT-REGISTERED"}).content.decode()
    assert 'value="NOT-REGISTERED"' in html and "data-picker" in html


@pytest.mark.parametrize("persona", ["inspector", "region_officer", "national", "social_worker", "nobody"])
def test_camera_create_and_import_refused_to_other_roles(client_for, site, persona):
    client = client_for(persona)
    assert client.get(reverse("surveillance:camera-create")).status_code == 403
    assert client.get(reverse("surveillance:camera-import")).status_code == 403


def test_camera_edit_moves_camera_and_keeps_history(client_for, site, territory):
    edit = reverse("surveillance:camera-edit", args=[site.generic.pk])
    client = client_for("district_official")
    assert client.get(edit).status_code == 200
    response = client.post(edit, {"name": "Maktab 14 darvozasi", "vendor": "generic", "device_id": "AI-SRV7-CAM12",
                                  "channel": 1, "installation_kind": "school", "longitude": "63.75",
                                  "latitude": "41.0", "mahalla": ""})
    assert response.status_code == 302
    camera = Camera.objects.get(pk=site.generic.pk)
    assert camera.name == "Maktab 14 darvozasi" and camera.mahalla == territory.mahalla_a1b


@pytest.mark.parametrize(("persona", "status"), [("outsider", 404), ("region_officer", 403), ("inspector", 403)])
def test_camera_edit_refused(client_for, site, persona, status):
    assert client_for(persona).get(reverse("surveillance:camera-edit", args=[site.generic.pk])).status_code == status


def csv_upload(text: str):
    return SimpleUploadedFile("cameras.csv", text.encode(), content_type="text/csv")


HEADER = "vendor,device_id,channel,name,longitude,latitude,installation_kind,mahalla_code\n"


def test_camera_import_valid_file(client_for, site):
    response = client_for("operator").post(reverse("surveillance:camera-import"), {"file": csv_upload(
        HEADER + "generic,IMP-1,1,Import 1,63.65,41.0,street,\nfrigate,imp_2,1,Import 2,63.75,41.0,market,17010001\n")})
    assert response.status_code == 302
    assert Camera.objects.filter(device_id__in=["IMP-1", "imp_2"]).count() == 2


def test_camera_import_with_errors_imports_nothing_and_reports_each_row(client_for, site):
    response = client_for("operator").post(reverse("surveillance:camera-import"), {"file": csv_upload(
        HEADER + "generic,IMP-1,1,Import 1,63.65,41.0,street,\n"
        "hikvision,not-a-mac,1,Bad mac,63.65,41.0,street,\n"
        "generic,IMP-3,1,Bad lon,east,41.0,street,\n")})
    html = response.content.decode()
    assert response.status_code == 400
    assert "Nothing was imported" in html
    assert "<td>3</td>" in html and "<td>4</td>" in html
    assert "A Hikvision device id is its MAC address, serial number or IP address." in html and "Not a number." in html
    assert not Camera.objects.filter(device_id="IMP-1").exists()


def test_camera_import_missing_columns_message_next_to_file_field(client_for, site):
    response = client_for("operator").post(reverse("surveillance:camera-import"),
                                           {"file": csv_upload("name,device_id\nx,y\n")})
    assert "Missing columns" in response.content.decode()


def test_camera_import_example_csv(client_for, site):
    response = client_for("operator").get(reverse("surveillance:camera-import-example"))
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    assert response.content.decode().startswith("vendor,device_id,channel,name,longitude,latitude")
