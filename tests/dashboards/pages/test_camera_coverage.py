"""The district dashboard's camera uptime tile and the camera coverage page and layer: the red mahallas without
any working camera, the cameras coloured by health, and nothing of another district."""

import datetime

import pytest
from django.utils import timezone

from dashboards.periods import period_default
from surveillance.models import Alert, Camera, CameraOutage
from tests.factories import CameraFactory
from zones.models import MahallaStatus, Policy

pytestmark = pytest.mark.django_db

API = "/api/v1/dashboards/camera-coverage/"


def _status(mahalla, colour):
    policy = Policy.objects.order_by("-version").first() or Policy.objects.create(version=1)
    now = timezone.now()
    MahallaStatus.objects.create(mahalla=mahalla, period=period_default().status_period().key, total=4,
                                 population=1000, rate=4, rate_threshold=1, policy=policy,
                                 colour=colour, colour_since=now, computed_at=now)


@pytest.fixture
def coverage(territory):
    """A1a red, its only camera offline; A1b red with a working camera and a tampered one; B1a red, no camera."""
    now = timezone.now()
    for mahalla in (territory.mahalla_a1a, territory.mahalla_a1b, territory.mahalla_b1a):
        _status(mahalla, "red")
    _status(territory.mahalla_a2a, "green")
    dark = CameraFactory(mahalla=territory.mahalla_a1a, name="Qorong'i kamera")
    good = CameraFactory(mahalla=territory.mahalla_a1b, name="Yaxshi kamera", status="online", last_seen_at=now)
    covered = CameraFactory(mahalla=territory.mahalla_a1b, name="Yopilgan kamera", status="online",
                            last_seen_at=now)
    Alert.objects.create(vendor=covered.vendor, natural_key="cov:1", camera=covered, device_id=covered.device_id,
                         event_type="tamper", started_at=now - datetime.timedelta(hours=1), district=covered.district,
                         mahalla=covered.mahalla)
    CameraFactory(mahalla=territory.mahalla_b1a, name="Janubiy kamera", status="online", last_seen_at=now)
    Camera.objects.update(created_at=now - datetime.timedelta(days=30))
    # The dark camera has been down for the last 42 hours: a quarter of the week of one of three cameras.
    Camera.objects.filter(pk=dark.pk).update(last_seen_at=now - datetime.timedelta(hours=42))
    CameraOutage.objects.create(camera=dark, started_at=now - datetime.timedelta(hours=42))
    return {"dark": dark, "good": good, "covered": covered}


def test_the_district_dashboard_shows_camera_uptime(client_for, personas, territory, coverage):
    body = client_for("district_official").get(f"/dashboards/districts/{territory.district_a1.pk}/").content.decode()
    tile = body[body.index('data-tile="camera_uptime"'):]
    value = tile[tile.index("data-tile-value>") + len("data-tile-value>"):]
    value = value[:value.index("</p>")]
    assert value.strip() == "91,7%"  # Uzbek decimal comma; 1 - 42 h / (3 cameras x 168 h)
    assert f"/dashboards/districts/{territory.district_a1.pk}/cameras/" in tile
    # A district with no camera has no tile.
    body = client_for("national").get(f"/dashboards/districts/{territory.district_a2.pk}/").content.decode()
    assert 'data-tile="camera_uptime"' not in body


def test_the_coverage_page_lists_red_mahallas_without_a_working_camera(client_for, territory, coverage):
    response = client_for("district_official").get(f"/dashboards/districts/{territory.district_a1.pk}/cameras/")
    assert response.status_code == 200
    uncovered = response.context["coverage"].uncovered
    assert [(m.id, m.cameras) for m in uncovered] == [(territory.mahalla_a1a.pk, 1)]
    body = response.content.decode()
    assert f'data-mahalla="{territory.mahalla_a1a.pk}"' in body
    assert f'data-mahalla="{territory.mahalla_a1b.pk}"' not in body
    assert "Janubiy" not in body and f'data-mahalla="{territory.mahalla_b1a.pk}"' not in body


def test_the_coverage_layer_colours_cameras_by_health(client_for, territory, coverage):
    response = client_for("region_officer").get(API, {"district": territory.district_a1.pk})
    assert response.status_code == 200 and response["Content-Type"].startswith("application/geo+json")
    data = response.json()
    levels = {f["properties"]["name"]: f["properties"]["level"] for f in data["features"]}
    assert levels == {"Qorong'i kamera": "down", "Yaxshi kamera": "ok", "Yopilgan kamera": "attention"}
    assert data["working"] == 1 and data["red_mahallas"] == 2
    assert [m["id"] for m in data["red_without_working_camera"]] == [territory.mahalla_a1a.pk]
    assert data["uptime"]["share"] == pytest.approx(1 - 42 / (3 * 168), rel=1e-3)


@pytest.mark.parametrize(("persona", "status"), [("outsider", 404), ("operator", 404), ("inspector", 404),
                                                 ("district_official", 200), ("national", 200)])
def test_coverage_stays_inside_the_users_territory(client_for, territory, coverage, persona, status):
    page = client_for(persona).get(f"/dashboards/districts/{territory.district_a1.pk}/cameras/")
    assert page.status_code == status
    assert client_for(persona).get(API, {"district": territory.district_a1.pk}).status_code == status


def test_the_layer_validates_its_query_and_is_in_the_schema(client_for, territory):
    response = client_for("national").get(API)
    assert response.status_code == 400 and "district" in response.json()["errors"]
    response = client_for("national").get(API, {"district": territory.district_a1.pk, "period": "Q9-1"})
    assert response.status_code == 400 and "period" in response.json()["errors"]
    schema = client_for("national").get("/api/v1/schema/", {"format": "json"}).json()
    assert API in schema["paths"]
