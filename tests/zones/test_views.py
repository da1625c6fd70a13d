import datetime
from decimal import Decimal

import pytest

from core.periods import TASHKENT, Period, trend_periods

from .conftest import crime, recompute

pytestmark = pytest.mark.django_db

CRIME_FREE_API = "/api/v1/zones/crime-free/"


@pytest.fixture
def h1(territory, personas, policy):
    """H1 2025: one crime in A1a (region A) and one in B1a (region B); A1b and A2a are crime-free."""
    at = datetime.datetime(2025, 3, 1, 12, tzinfo=TASHKENT)
    crime(territory.mahalla_a1a, by=personas.national, at=at)
    crime(territory.mahalla_b1a, by=personas.national, at=at)
    recompute(Period.parse("H1-2025"), Period.current())


def test_crime_free_api_as_national_lists_every_region(client_for, h1, personas, territory):
    body = client_for(personas.national).get(CRIME_FREE_API, {"period": "H1-2025"}).json()
    rows = {r["region_code"]: r for r in body["rows"]}
    assert rows["1700001"] == {**rows["1700001"], "mahallas": 3, "crime_free": 2, "share": pytest.approx(2 / 3)}
    assert rows["1700002"]["mahallas"] == 1 and rows["1700002"]["crime_free"] == 0
    assert body["total"]["crime_free"] == 2 and body["period"] == "H1-2025"


def test_crime_free_api_as_region_officer_shows_own_region_only(client_for, h1, personas):
    body = client_for(personas.region_officer).get(CRIME_FREE_API, {"period": "H1-2025"}).json()
    assert [r["region_code"] for r in body["rows"]] == ["1700001"]


def test_crime_free_api_as_outsider_shows_own_district_only(client_for, h1, personas):
    body = client_for(personas.outsider).get(CRIME_FREE_API, {"period": "H1-2025"}).json()
    assert [(r["region_code"], r["mahallas"]) for r in body["rows"]] == [("1700002", 1)]


def test_crime_free_api_refuses_a_bad_period(client_for, personas, territory):
    response = client_for(personas.national).get(CRIME_FREE_API, {"period": "H3-2025"})
    assert response.status_code == 400 and "period" in response.json()["errors"]


def test_crime_free_page_as_region_officer(h1, client, personas):
    client.force_login(personas.region_officer)
    response = client.get("/zones/crime-free/", {"period": "H1-2025"})
    html = response.content.decode()
    assert response.status_code == 200
    assert "North Region" in html or "Shimol viloyati" in html
    assert "Janub viloyati" not in html and "South Region" not in html


def test_crime_free_page_htmx_returns_rows_only(h1, client, personas):
    client.force_login(personas.national)
    response = client.get("/zones/crime-free/", {"period": "H1-2025"}, HTTP_HX_REQUEST="true")
    assert response.status_code == 200 and "<html" not in response.content.decode()


def test_status_list_api_is_scoped_and_named_by_policy_version(client_for, h1, personas, django_assert_max_num_queries):
    client = client_for(personas.district_official)
    client.get("/api/v1/zones/statuses/", {"period": "H1-2025"})  # warm the session
    with django_assert_max_num_queries(10):
        body = client.get("/api/v1/zones/statuses/", {"period": "H1-2025"}).json()
    assert {r["mahalla_code"] for r in body["results"]} == {"17010001", "17010002"}
    a1a = next(r for r in body["results"] if r["mahalla_code"] == "17010001")
    assert a1a["colour"] == "yellow" and a1a["policy_version"] == 1 and a1a["counts"] == {"theft": 1}
    assert a1a["reason"].startswith("1 ")


def test_mahalla_status_api_as_outsider_returns_404(client_for, h1, personas, territory):
    url = f"/api/v1/zones/mahallas/{territory.mahalla_a1a.pk}/"
    assert client_for(personas.outsider).get(url).status_code == 404
    body = client_for(personas.inspector).get(url).json()
    assert {s["period"] for s in body["statuses"]} == {"H1-2025", "current"}


def test_colour_counts_api_by_district(client_for, h1, personas, territory):
    body = client_for(personas.region_officer).get("/api/v1/zones/colour-counts/",
                                            {"period": "H1-2025", "by": "district"}).json()
    rows = {r["code"]: r for r in body["rows"]}
    assert rows["1700101"]["yellow"] == 1 and rows["1700101"]["green"] == 1 and rows["1700102"]["green"] == 1


def test_changes_api_lists_colour_changes_in_scope(client_for, territory, personas, policy):
    recompute()
    crime(territory.mahalla_b1a, by=personas.national)
    recompute()
    assert client_for(personas.outsider).get("/api/v1/zones/changes/").json()["count"] == 1
    assert client_for(personas.district_official).get("/api/v1/zones/changes/").json()["count"] == 0
    assert client_for(personas.district_official).get(
        "/api/v1/zones/changes/", {"mahalla": territory.mahalla_b1a.pk}).status_code == 404


def test_policy_api_post_as_national_creates_a_version(client_for, personas, policy, enqueued):
    response = client_for(personas.national).post("/api/v1/zones/policy/", {
        "green_max_crimes": 0, "red_min_crimes": 4, "red_rate_top_percent": "5.00", "note": "Letter 12"},
        format="json")
    assert response.status_code == 201 and response.json()["version"] == 2
    assert Decimal(client_for(personas.region_officer).get("/api/v1/zones/policy/").json()["red_rate_top_percent"]) == 5


def test_policy_api_post_as_region_officer_is_forbidden(client_for, personas, policy):
    response = client_for(personas.region_officer).post("/api/v1/zones/policy/", {
        "red_min_crimes": 4, "red_rate_top_percent": "5", "note": "x"}, format="json")
    assert response.status_code == 403


def test_policy_page_form_as_admin_creates_a_version(client, personas, policy, enqueued):
    client.force_login(personas.admin)
    assert "Save as a new version" in client.get("/zones/policy/").content.decode()
    response = client.post("/zones/policy/", {"green_max_crimes": 0, "red_min_crimes": 5,
                                              "red_rate_top_percent": "7", "note": "Decision 3"})
    assert response.status_code == 302
    from zones.models import Policy

    assert Policy.objects.get(version=2).red_min_crimes == 5


def test_policy_page_post_as_district_official_is_forbidden(client, personas, policy):
    client.force_login(personas.district_official)
    assert client.get("/zones/policy/").status_code == 200
    assert client.post("/zones/policy/", {"red_min_crimes": 5}).status_code == 403


# --- panels on the territory pages ---------------------------------------------------------------------------

@pytest.fixture
def only_zone_panels(monkeypatch):
    """Other apps' panels are tested by their own tests; these tests look at the zones panels alone."""
    from territories import panels

    monkeypatch.setattr(panels, "_registry", {level: [p for p in found if p.build.__module__.startswith("zones.")]
                                              for level, found in panels._registry.items()})


def test_mahalla_page_shows_colour_reason_and_trend(h1, client, personas, territory, only_zone_panels):
    crime(territory.mahalla_a1a, by=personas.national)
    recompute(*trend_periods())
    client.force_login(personas.inspector)
    html = client.get(f"/territories/mahallas/{territory.mahalla_a1a.pk}/").content.decode()
    assert "zone-badge zone-badge--yellow" in html
    assert "zone-trend__cell--yellow" in html and "zone-trend__cell--green" in html
    assert "zone-trend__cell" in html and html.count("zone-trend__cell ") == 9


def test_district_region_and_national_pages_count_mahallas_by_colour(h1, client, personas, territory,
                                                                   only_zone_panels):
    client.force_login(personas.national)
    for url in ("/territories/", f"/territories/regions/{territory.region_a.pk}/",
                f"/territories/districts/{territory.district_a1.pk}/"):
        html = client.get(url).content.decode()
        assert "zone-count zone-count--green" in html, url
        assert "zone-count zone-count--yellow" in html, url
