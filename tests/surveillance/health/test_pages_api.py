"""The camera health page, its API and the operator's home panel: what each persona sees, across districts,
and a page's query count that does not grow with the number of cameras."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.factories import CameraFactory

from .support import ago, alerts_at

pytestmark = pytest.mark.django_db

PAGE = "/cameras/health/"
API = "/api/v1/surveillance/cameras/health/"


def test_the_operator_sees_the_cameras_needing_attention(client_for, fleet):
    response = client_for("operator").get(PAGE)
    assert response.status_code == 200
    body = response.content.decode()
    assert 'data-level="down"' in body and 'data-level="attention"' in body
    assert fleet.street.name not in body.split('data-health-table')[1]  # working: not on the attention list
    for name in (fleet.entrance.name, fleet.frigate.name, fleet.generic.name):
        assert name in body
    assert response.context["health_counts"]["total"] == 3
    assert 'data-tab="camera-health"' in body

    everything = client_for("operator").get(PAGE, {"show": "all"})
    assert len(everything.context["rows"]) == 4 and 'data-stream="up"' in everything.content.decode()
    tampered = client_for("operator").get(PAGE, {"problem": "tamper"})
    assert [h.camera.pk for h in tampered.context["rows"]] == [fleet.frigate.pk]


def test_a_stopped_stream_shows_on_the_page(client_for, fleet):
    from surveillance.models import PullDevice

    PullDevice.objects.update(state_checked_at=ago(seconds=61))
    rows = client_for("operator").get(PAGE, {"problem": "stream_down"}).context["rows"]
    assert [h.camera.pk for h in rows] == [fleet.street.pk]


def test_the_page_costs_the_same_queries_for_4_cameras_or_40(client_for, fleet, territory):
    client = client_for("operator")
    client.get(PAGE, {"show": "all"})  # warm the session and caches

    def queries():
        with CaptureQueriesContext(connection) as captured:
            assert client.get(PAGE, {"show": "all"}).status_code == 200
        return len(captured)

    few = queries()
    for camera in CameraFactory.create_batch(36, mahalla=territory.mahalla_a1b):
        alerts_at(camera, [ago(hours=2), ago(days=3)])
    assert queries() == few


@pytest.mark.parametrize(("persona", "district", "status"), [
    ("outsider", "a1", 404), ("operator", "b1", 404), ("region_officer", "a1", 200), ("national", "b1", 200),
    ("inspector", "a1", 403), ("social_worker", None, 403),
])
def test_nobody_sees_another_districts_health(client_for, fleet, territory, persona, district, status):
    params = {"district": getattr(territory, f"district_{district}").pk} if district else {}
    CameraFactory(mahalla=territory.mahalla_b1a)
    assert client_for(persona).get(PAGE, params).status_code == status
    assert client_for(persona).get(API, params).status_code == status


def test_a_malformed_district_is_a_400_naming_it(client_for, fleet):
    for junk in ("x", "²", "-1", "1.5"):
        assert client_for("operator").get(PAGE, {"district": junk}).status_code == 404
        response = client_for("operator").get(API, {"district": junk})
        assert response.status_code == 400 and "district" in response.json()["errors"]
    response = client_for("operator").get(API, {"show": "some"})
    assert response.status_code == 400 and "show" in response.json()["errors"]
    response = client_for("operator").get(API, {"problem": "sad"})
    assert response.status_code == 400 and "problem" in response.json()["errors"]


def test_the_api_lists_problems_and_one_cameras_health(client_for, fleet, territory):
    client = client_for("operator")
    data = client.get(API).json()
    by_name = {row["name"]: row for row in data["results"]}
    assert set(by_name) == {fleet.entrance.name, fleet.frigate.name, fleet.generic.name}
    assert by_name[fleet.frigate.name]["problems"] == ["tamper"] and by_name[fleet.frigate.name]["tamper_24h"] == 1
    assert by_name[fleet.generic.name]["level"] == "down"

    street = client.get(f"/api/v1/surveillance/cameras/{fleet.street.pk}/health/").json()
    assert street["pulled"] and street["stream_up"] and street["problems"] == [] and street["level"] == "ok"
    other = CameraFactory(mahalla=territory.mahalla_b1a)
    assert client.get(f"/api/v1/surveillance/cameras/{other.pk}/health/").status_code == 404
    region = client_for("region_officer").get(API, {"district": territory.district_a1.pk, "show": "all"})
    assert region.json()["count"] == 4


def test_the_health_api_is_in_the_schema(client_for):
    schema = client_for("national").get("/api/v1/schema/", {"format": "json"}).json()
    assert "/api/v1/surveillance/cameras/health/" in schema["paths"]
    assert "/api/v1/surveillance/cameras/{id}/health/" in schema["paths"]


def test_the_operators_home_page_has_the_attention_panel(client_for, fleet):
    body = client_for("operator").get("/").content.decode()
    assert 'data-home-panel="camera-health"' in body
    assert '<strong data-figure="attention">3</strong>' in body
    assert f"{PAGE}?problem=tamper" in body
    assert 'data-home-panel="camera-health"' not in client_for("inspector").get("/").content.decode()


def test_the_camera_page_shows_its_health_to_those_who_watch_it(client_for, fleet):
    body = client_for("operator").get(f"/cameras/{fleet.frigate.pk}/").content.decode()
    box = body[body.index("data-camera-health"):]
    assert 'data-level="attention"' in box and "data-tamper>1<" in box
    inspector = client_for("inspector").get(f"/cameras/{fleet.frigate.pk}/")
    assert inspector.status_code == 200 and "data-camera-health" not in inspector.content.decode()
