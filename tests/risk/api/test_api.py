"""The risk API: scores with components and words, hot spots (list and GeoJSON), the backtest, the caller's visit
plan and the one-click measure, each within the caller's territory. The crossings tried: a district official of
another district, an inspector asking for a mahalla they are not assigned to."""

import json

import pytest
from django.urls import reverse

from accounts.models import Assignment
from risk.queries import words
from roadmaps.models import RoadmapItem

pytestmark = pytest.mark.django_db

SCORES = reverse("api:risk:score-list")


def codes(results) -> list[str]:
    return [r["mahalla_code"] for r in results]


def test_scores_are_ranked_with_components_words_and_hot_spots(client_for, personas, scored, hot, trusted):
    body = client_for("national").get(SCORES).json()
    assert body["count"] == 4
    first = body["results"][0]
    assert first["mahalla_code"] == "17010001" and first["position"] == 1 and first["ranked_by"] == "model"
    assert first["components"] == scored.a1a.components and first["components"]["crimes"]["4"] == 5
    assert first["words"] == words(scored.a1a) and first["words"]
    assert first["hot_spot"] == "hot"
    assert [r["hot_spot"] for r in body["results"]] == ["hot", "", "cold", ""]


def test_scores_follow_the_count_baseline_where_the_model_fails(client_for, personas, scored, untrusted):
    body = client_for("region_officer").get(SCORES).json()
    # region A only, by last 12 weeks' count
    assert codes(body["results"]) == ["17010002", "17010003", "17010001"]
    assert {r["ranked_by"] for r in body["results"]} == {"count"}


def test_a_district_official_of_another_district_sees_none_of_a1(client_for, personas, territory, scored):
    outsider = client_for("outsider")
    assert codes(outsider.get(SCORES).json()["results"]) == ["17020001"]
    assert outsider.get(SCORES, {"district": territory.district_a1.pk}).json()["results"] == []
    assert outsider.get(reverse("api:risk:mahalla-scores", args=[territory.mahalla_a1a.pk])).status_code == 404


def test_an_inspector_reads_only_the_assigned_mahalla(client_for, personas, territory, scored):
    inspector = client_for("inspector")
    assert codes(inspector.get(SCORES).json()["results"]) == ["17010001"]
    own = inspector.get(reverse("api:risk:mahalla-scores", args=[territory.mahalla_a1a.pk]))
    assert own.status_code == 200 and own.json()["scores"][0]["score"] == 4.5
    # A1b is in the same district, but not assigned to this inspector
    assert inspector.get(reverse("api:risk:mahalla-scores", args=[territory.mahalla_a1b.pk])).status_code == 404


def test_an_ended_assignment_ends_the_access(client_for, personas, territory, scored):
    import datetime

    Assignment.objects.filter(user=personas.inspector).update(
        starts_on=datetime.date(2020, 1, 1), ends_on=datetime.date(2021, 1, 1))
    inspector = client_for("inspector")
    assert inspector.get(SCORES).json()["results"] == []
    assert inspector.get(reverse("api:risk:mahalla-scores", args=[territory.mahalla_a1a.pk])).status_code == 404


@pytest.mark.parametrize("persona", ["operator", "registrar", "nobody"])
def test_roles_without_risk_pages_are_refused(client_for, personas, scored, persona):
    assert client_for(persona).get(SCORES).status_code == 403


def test_anonymous_is_refused(client_for, territory):
    assert client_for("anonymous").get(SCORES).status_code in (401, 403)


def test_a_bad_week_names_the_field(client_for, personas, scored):
    response = client_for("national").get(SCORES, {"week": "next tuesday"})
    assert response.status_code == 400 and "week" in response.json()["errors"]


def test_hot_spots_list_and_layer_are_scoped(client_for, personas, territory, scored, hot):
    national = client_for("national").get(reverse("api:risk:hotspot-list")).json()
    assert sorted(r["kind"] for r in national["results"]) == ["cold", "hot"]
    every = client_for("national").get(reverse("api:risk:hotspot-list"), {"significant": "false"}).json()
    assert every["count"] == 3
    layer = client_for("district_official").get(reverse("api:risk:hotspot-geojson"), {"zoom": 9})
    assert layer["Content-Type"] == "application/geo+json"
    features = json.loads(layer.content)["features"]
    assert [f["properties"]["kind"] for f in features] == ["hot"]
    assert features[0]["id"] == territory.mahalla_a1a.pk
    assert features[0]["geometry"]["type"] in ("Polygon", "MultiPolygon")
    assert features[0]["properties"]["url"] == reverse("territories:mahalla", args=[territory.mahalla_a1a.pk])
    outsider = json.loads(client_for("outsider").get(reverse("api:risk:hotspot-geojson")).content)
    assert [f["properties"]["kind"] for f in outsider["features"]] == ["cold"]
    narrowed = json.loads(client_for("national").get(reverse("api:risk:hotspot-geojson"),
                                                     {"district": territory.district_b1.pk}).content)
    assert [f["id"] for f in narrowed["features"]] == [territory.mahalla_b1a.pk]


def test_backtest_says_which_ranking_is_used(client_for, personas, scored, untrusted):
    body = client_for("district_official").get(reverse("api:risk:backtest")).json()
    assert body["beats_count_baseline"] is False and body["ranking_used"] == "count"
    model = next(m for m in body["methods"] if m["key"] == "model")
    assert model["hit_rate_percent"]["10"]["mean"] == pytest.approx(45.0)
    assert model["pai"]["5"]["mean"] == pytest.approx(6.2)
    assert [m["key"] for m in body["methods"]] == ["model", "count", "kde"]
    assert body["difference"]["low"] == pytest.approx(-3.0) and body["difference"]["weeks"] == 26


def test_backtest_missing_is_404(client_for, personas, scored):
    assert client_for("national").get(reverse("api:risk:backtest")).status_code == 404


def test_visit_plan_of_the_inspector(client_for, personas, territory, scored, hot):
    body = client_for("inspector").get(reverse("api:risk:visit-plan")).json()
    assert body["kind"] == "field"
    assert [i["mahalla_code"] for i in body["items"]] == ["17010001"]
    assert body["items"][0]["hot_spot"] == "hot" and body["items"][0]["done"] is False


def test_visit_plan_of_the_district_official(client_for, personas, territory, scored):
    body = client_for("district_official").get(reverse("api:risk:visit-plan")).json()
    assert body["kind"] == "district"
    rows = {r["mahalla_code"]: r for r in body["rows"]}
    assert set(rows) == {"17010001", "17010002"}
    assert rows["17010001"]["has_inspector"] is True and rows["17010002"]["has_inspector"] is False
    assert rows["17010002"]["highlighted"] is True


def test_visit_plan_refused_to_others(client_for, personas, scored):
    assert client_for("national").get(reverse("api:risk:visit-plan")).status_code == 403


def test_measure_through_the_api(client_for, personas, territory, scored, trusted):
    url = reverse("api:risk:measure", args=[territory.mahalla_a1a.pk])
    created = client_for("district_official").post(url)
    assert created.status_code == 201
    item = RoadmapItem.objects.get(pk=created.json()["item"])
    assert item.roadmap.mahalla_id == territory.mahalla_a1a.pk
    again = client_for("district_official").post(url)
    assert again.status_code == 400 and "mahalla" in again.json()["errors"]
    # not high risk in its district: A1b is second of two (top 20 % is one mahalla)
    low = client_for("district_official").post(reverse("api:risk:measure", args=[territory.mahalla_a1b.pk]))
    assert low.status_code == 400 and "mahalla" in low.json()["errors"]
    # another district's official: the mahalla is not even there
    assert client_for("outsider").post(url).status_code == 404
    assert client_for("region_officer").post(url).status_code == 403


def test_the_schema_lists_every_risk_operation(client_for, personas):
    schema = client_for("national").get(reverse("api:schema"), HTTP_ACCEPT="application/json").json()
    for path in ("scores/", "mahallas/{id}/scores/", "mahallas/{id}/measure/", "hotspots/", "hotspots/geojson/",
                 "backtest/", "visit-plan/"):
        assert f"/api/v1/risk/{path}" in schema["paths"]
