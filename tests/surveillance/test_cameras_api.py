"""The camera registry: who sees and changes which cameras, mahalla by containment, CSV bulk import."""

import pytest

from surveillance.models import Camera

pytestmark = pytest.mark.django_db
CAMERAS = "/api/v1/surveillance/cameras/"
IMPORT = f"{CAMERAS}import/"


def _new(**fields):
    return {"vendor": "hikvision", "device_id": "44:19:b6:0a:99:01", "channel": 1, "name": "Yangi kamera",
            "longitude": 63.75, "latitude": 41.01, "installation_kind": "market", **fields}


def test_operator_registers_a_camera_and_its_mahalla_is_found(client_for, territory, personas):
    response = client_for("operator").post(CAMERAS, _new(device_id="44-19-B6-0A-99-01"), format="json")
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["device_id"] == "44:19:b6:0a:99:01"
    assert body["mahalla"] == territory.mahalla_a1b.pk and body["district"] == territory.district_a1.pk
    assert body["mahalla_overridden"] is False and body["status"] == "offline"


def test_mahalla_can_be_overridden_within_the_district(client_for, territory):
    response = client_for("district_official").post(CAMERAS, _new(mahalla=territory.mahalla_a1a.pk), format="json")
    assert response.json()["mahalla"] == territory.mahalla_a1a.pk and response.json()["mahalla_overridden"]
    other = client_for("district_official").post(CAMERAS, _new(device_id="44:19:b6:0a:99:02",
                                                        mahalla=territory.mahalla_b1a.pk), format="json")
    assert other.status_code == 400 and "mahalla" in other.json()["errors"]


def test_moving_a_camera_finds_its_new_mahalla(client_for, territory, site):
    response = client_for("operator").patch(f"{CAMERAS}{site.street.pk}/", {"longitude": 63.75, "latitude": 41.0},
                                     format="json")
    assert response.status_code == 200 and response.json()["mahalla"] == territory.mahalla_a1b.pk


def test_duplicate_device_and_channel_is_refused(client_for, site):
    response = client_for("operator").post(CAMERAS, _new(device_id=site.street.device_id), format="json")
    assert response.status_code == 400 and "device_id" in response.json()["errors"]


@pytest.mark.parametrize("persona", ["inspector", "national", "region_officer", "nobody"])
def test_others_cannot_register_cameras(client_for, territory, persona):
    assert client_for(persona).post(CAMERAS, _new(), format="json").status_code == 403
    assert not Camera.objects.exists()


@pytest.mark.parametrize(("persona", "visible"), [("operator", 4), ("region_officer", 4), ("national", 4),
                                                  ("inspector", 3), ("outsider", 0), ("nobody", 0)])
def test_camera_list_as_persona(client_for, site, persona, visible):
    assert client_for(persona).get(CAMERAS).json()["count"] == visible


def test_camera_of_another_district_is_404(client_for, site):
    assert client_for("outsider").get(f"{CAMERAS}{site.street.pk}/").status_code == 404
    assert client_for("outsider").delete(f"{CAMERAS}{site.street.pk}/").status_code == 404
    assert client_for("region_officer").delete(f"{CAMERAS}{site.street.pk}/").status_code == 403
    assert client_for("operator").delete(f"{CAMERAS}{site.street.pk}/").status_code == 204


CSV_OK = (
    "vendor,device_id,channel,name,longitude,latitude,installation_kind,mahalla_code\n"
    "hikvision,44:19:b6:0a:aa:01,1,Kirish 1,63.65,41.0,entrance_face,\n"
    "frigate,market_east,,Bozor sharq,63.75,41.0,market,17010001\n"
)


def _upload(client, text: str):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return client.post(IMPORT, {"file": SimpleUploadedFile("cameras.csv", text.encode(), "text/csv")},
                       format="multipart")


def test_csv_import(client_for, territory):
    response = _upload(client_for("operator"), CSV_OK)
    assert response.status_code == 201 and response.json() == {"imported": 2, "errors": []}
    kirish = Camera.objects.get(device_id="44:19:b6:0a:aa:01")
    assert kirish.mahalla == territory.mahalla_a1a and kirish.installation_kind == "entrance_face"
    east = Camera.objects.get(device_id="market_east")
    assert east.mahalla == territory.mahalla_a1a and east.mahalla_overridden and east.channel == 1


def test_csv_import_reports_every_bad_row_and_imports_nothing(client_for, territory, site):
    text = CSV_OK + (
        "hikvision,not-a-mac,1,Bad mac,63.65,41.0,street,\n"
        "generic,cam-x,1,Bad lon,east,41.0,street,\n"
        "generic,cam-y,1,Bad kind,63.65,41.0,rooftop,\n"
        "generic,cam-z,1,Other district,63.65,41.0,street,17020001\n"
        "frigate,bozor_gate,1,Already registered,63.65,41.0,street,\n"
        "frigate,market_east,1,Twice,63.65,41.0,street,\n"
    )
    response = _upload(client_for("operator"), text)
    assert response.status_code == 400
    errors = [(e["row"], e["field"]) for e in response.json()["errors"]]
    assert errors == [(4, "device_id"), (5, "longitude"), (6, "installation_kind"), (7, "mahalla_code"),
                      (8, "device_id"), (9, "device_id")]
    assert "6 rows" in response.json()["detail"]
    assert Camera.objects.count() == 4  # only the site's cameras


def test_csv_import_missing_columns(client_for, territory):
    response = _upload(client_for("operator"), "vendor,device_id\nhikvision,x\n")
    assert response.status_code == 400 and "longitude" in response.json()["errors"]["file"][0]


def test_a_point_inside_another_districts_mahalla_is_refused(client_for, territory, site):
    # 64.3, 41.0 lies in Tinchlik MFY of district A2; the operator registers cameras of district A1.
    created = client_for("operator").post(CAMERAS, _new(longitude=64.3, latitude=41.0), format="json")
    moved = client_for("operator").patch(f"{CAMERAS}{site.street.pk}/", {"longitude": 64.3, "latitude": 41.0},
                                  format="json")
    assert created.status_code == 400 and "location" in created.json()["errors"]
    assert moved.status_code == 400 and "location" in moved.json()["errors"]
    assert not Camera.objects.filter(mahalla=territory.mahalla_a2a).exists()


@pytest.mark.parametrize("channel", [201020010353, 2**31, -1])
def test_channel_outside_the_columns_range_is_a_400_naming_it(client_for, site, channel):
    response = client_for("operator").patch(f"{CAMERAS}{site.street.pk}/", {"channel": channel}, format="json")
    assert response.status_code == 400 and "channel" in response.json()["errors"]
