"""Territory lists and details: who sees what, and out of scope answers exactly like missing."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.models import Assignment, Role
from tests.api_support import (
    DISTRICT_A1,
    DISTRICT_A2,
    MAHALLA_A1A,
    MAHALLA_A1B,
    MAHALLA_A2A,
    PERSONAS,
    REGION_A,
    VISIBLE_DISTRICTS,
    VISIBLE_MAHALLAS,
    VISIBLE_REGIONS,
    _own_cache_namespace,  # noqa: F401 - autouse: a cache key prefix per test
    codes,
    error_fields,
)
from tests.factories import AssignmentFactory, MahallaFactory, UserFactory

# The personas are asked for by name (client_for("national")): on the shared rows, not written per test.
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("personas")]

LISTS = [
    ("api:region-list", VISIBLE_REGIONS),
    ("api:district-list", VISIBLE_DISTRICTS),
    ("api:mahalla-list", VISIBLE_MAHALLAS),
]
# (URL name, territory fixture attribute, visibility table)
DETAILS = [
    ("api:region-detail", "region_a", VISIBLE_REGIONS),
    ("api:region-detail", "region_b", VISIBLE_REGIONS),
    ("api:district-detail", "district_a1", VISIBLE_DISTRICTS),
    ("api:district-detail", "district_a2", VISIBLE_DISTRICTS),
    ("api:district-detail", "district_b1", VISIBLE_DISTRICTS),
    ("api:mahalla-detail", "mahalla_a1a", VISIBLE_MAHALLAS),
    ("api:mahalla-detail", "mahalla_a1b", VISIBLE_MAHALLAS),
    ("api:mahalla-detail", "mahalla_a2a", VISIBLE_MAHALLAS),
    ("api:mahalla-detail", "mahalla_b1a", VISIBLE_MAHALLAS),
]


@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize(("url_name", "visible"), LISTS, ids=[name for name, _ in LISTS])
def test_list_as_persona_returns_their_scope(client_for, persona, url_name, visible):
    response = client_for(persona).get(reverse(url_name))

    assert response.status_code == 200
    assert codes(response) == visible[persona]
    assert response.json()["count"] == len(visible[persona])


@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize(("url_name", "unit", "visible"), DETAILS, ids=[unit for _, unit, _ in DETAILS])
def test_detail_as_persona_returns_200_in_scope_and_404_outside(client_for, territory, persona, url_name, unit,
                                                                visible):
    obj = getattr(territory, unit)

    response = client_for(persona).get(reverse(url_name, args=[obj.pk]))

    if obj.code in visible[persona]:
        assert response.status_code == 200
        assert response.json()["code"] == obj.code
    else:
        assert response.status_code == 404


@pytest.mark.parametrize("url_name", ["api:region-list", "api:district-list", "api:mahalla-list", "api:me"])
def test_list_as_anonymous_is_refused(client_for, territory, url_name):
    assert client_for("anonymous").get(reverse(url_name)).status_code in (401, 403)


@pytest.mark.parametrize(("url_name", "unit"), [(name, unit) for name, unit, _ in DETAILS[::2]])
def test_detail_as_anonymous_is_refused(client_for, territory, url_name, unit):
    url = reverse(url_name, args=[getattr(territory, unit).pk])
    assert client_for("anonymous").get(url).status_code in (401, 403)


@pytest.mark.parametrize(("url_name", "unit", "persona"), [
    ("api:region-detail", "region_b", "region_officer"),        # crossing regions
    ("api:district-detail", "district_a2", "district_official"),  # crossing districts inside one region
    ("api:mahalla-detail", "mahalla_a1b", "inspector"),         # crossing mahallas inside one district
    ("api:mahalla-detail", "mahalla_b1a", "region_officer"),
])
def test_detail_outside_scope_answers_exactly_like_a_missing_id(client_for, territory, url_name, unit,
                                                                persona):
    client = client_for(persona)

    outside = client.get(reverse(url_name, args=[getattr(territory, unit).pk]))
    missing = client.get(reverse(url_name, args=[999_999_999]))

    assert outside.status_code == missing.status_code == 404
    assert outside.content == missing.content
    assert outside["Content-Type"] == missing["Content-Type"]


def test_mahalla_detail_as_district_official_shows_population_and_current_people(client_for, personas,
                                                                                 territory):
    inspector = personas.inspector
    inspector.first_name, inspector.last_name, inspector.phone = "Aziz", "Karimov", "+998901"
    inspector.save()

    url = reverse("api:mahalla-detail", args=[territory.mahalla_a1a.pk])
    response = client_for("district_official").get(url)

    body = response.json()
    assert response.status_code == 200
    assert body["population"] == 4000
    assert body["households"] == 900
    assert body["district"] == territory.district_a1.pk
    assert body["region"] == territory.region_a.pk
    assert body["inspector"] == {"id": personas.inspector.pk, "full_name": "Aziz Karimov", "phone": "+998901"}
    assert body["social_worker"]["id"] == personas.social_worker.pk
    assert body["bbox"] == pytest.approx([63.61, 40.96, 63.69, 41.04])
    assert body["url"] is None or body["url"].endswith(f"/{territory.mahalla_a1a.pk}/")


def test_mahalla_detail_shows_no_ended_or_secondary_assignment(client_for, personas, territory):
    Assignment.objects.filter(user=personas.inspector).update(
        starts_on=datetime.date(2020, 1, 1), ends_on=datetime.date(2020, 12, 31))
    AssignmentFactory(user=UserFactory(role=Role.SOCIAL_WORKER), mahalla=territory.mahalla_a1a,
                      is_primary=False)

    body = client_for("national").get(reverse("api:mahalla-detail", args=[territory.mahalla_a1a.pk])).json()

    assert body["inspector"] is None
    assert body["social_worker"]["id"] == personas.social_worker.pk


def test_mahalla_without_people_has_null_people(client_for, territory):
    body = client_for("national").get(reverse("api:mahalla-detail", args=[territory.mahalla_b1a.pk])).json()
    assert body["inspector"] is None
    assert body["social_worker"] is None


def test_region_detail_has_bbox_and_every_name(client_for, territory):
    body = client_for("national").get(reverse("api:region-detail", args=[territory.region_a.pk])).json()

    assert body["bbox"] == pytest.approx([63.0, 40.0, 65.0, 42.0])
    assert body["name"] == body["name_uz"] == "Shimol viloyati"
    assert body["name_en"] == "North Region"
    assert set(body) >= {"id", "code", "name", "name_uz", "name_uz_cyrl", "name_ru", "name_en", "url"}


def test_names_follow_the_active_language(client_for, territory):
    client = client_for("national")
    url = reverse("api:region-detail", args=[territory.region_a.pk])

    assert client.get(url, HTTP_ACCEPT_LANGUAGE="en").json()["name"] == "North Region"
    assert client.get(url, HTTP_ACCEPT_LANGUAGE="uz").json()["name"] == "Shimol viloyati"


# --- Filters -------------------------------------------------------------------------------------


def test_district_list_filters_by_region(client_for, territory):
    response = client_for("national").get(reverse("api:district-list"), {"region": territory.region_a.pk})
    assert codes(response) == {DISTRICT_A1, DISTRICT_A2}


def test_district_list_filtered_by_region_outside_scope_is_empty(client_for, territory):
    params = {"region": territory.region_b.pk}
    response = client_for("region_officer").get(reverse("api:district-list"), params)
    assert response.status_code == 200
    assert codes(response) == set()


def test_mahalla_list_filters_by_district_and_region(client_for, territory):
    client = client_for("national")
    url = reverse("api:mahalla-list")

    assert codes(client.get(url, {"district": territory.district_a1.pk})) == {MAHALLA_A1A, MAHALLA_A1B}
    assert codes(client.get(url, {"region": territory.region_a.pk})) == {
        MAHALLA_A1A, MAHALLA_A1B, MAHALLA_A2A}
    both = {"region": territory.region_a.pk, "district": territory.district_a2.pk}
    assert codes(client.get(url, both)) == {MAHALLA_A2A}


@pytest.mark.parametrize(("search", "expected"), [
    ("tinch", {MAHALLA_A2A}),       # part of a name, any case
    ("1701000", {MAHALLA_A1A, MAHALLA_A1B, MAHALLA_A2A}),  # code prefix
    ("Yangiobod", set()),           # exists, but outside the region officer's scope
])
def test_mahalla_list_search_stays_in_scope(client_for, territory, search, expected):
    response = client_for("region_officer").get(reverse("api:mahalla-list"), {"search": search})
    assert codes(response) == expected


@pytest.mark.parametrize(("url_name", "param", "value"), [
    ("api:district-list", "region", "abc"),
    ("api:district-list", "region", "1.5"),
    ("api:district-list", "region", "0"),
    ("api:mahalla-list", "district", "x"),
    ("api:mahalla-list", "region", "-3"),
    ("api:mahalla-list", "district", "99999999999999999999999"),
])
def test_list_with_bad_id_returns_400_naming_the_parameter(client_for, territory, url_name, param, value):
    response = client_for("national").get(reverse(url_name), {param: value})

    assert response.status_code == 400
    assert param in error_fields(response)


def test_lists_are_paginated(client_for, territory):
    for n in range(5):
        MahallaFactory(district=territory.district_a1, code=f"1799{n:04d}")
    client = client_for("district_official")

    first = client.get(reverse("api:mahalla-list"), {"page_size": 3}).json()
    last = client.get(reverse("api:mahalla-list"), {"page_size": 3, "page": 3}).json()

    assert first["count"] == 7
    assert len(first["results"]) == 3
    assert first["next"] is not None
    assert len(last["results"]) == 1
    assert last["next"] is None


# Sign-in middleware (session, user, second-factor device, an inspector's assignments) takes up to 4
# queries; a list adds its count and its page. Anything per row would blow through the limit.
LIST_MAX_QUERIES = 8


def _count_queries(client, url) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


@pytest.mark.parametrize("persona", ["national", "district_official", "inspector"])
@pytest.mark.parametrize("url_name", ["api:region-list", "api:district-list", "api:mahalla-list"])
def test_list_query_count_does_not_grow_with_rows(client_for, territory, personas,
                                                  django_assert_max_num_queries, persona, url_name):
    client = client_for(persona)
    client.get(reverse("api:me"))  # the first request after sign-in also starts the session clocks
    few = _count_queries(client, reverse(url_name))
    for n in range(30):
        mahalla = MahallaFactory(district=territory.district_a1, code=f"1798{n:04d}")
        AssignmentFactory(user=personas.inspector, mahalla=mahalla, is_primary=False)

    with django_assert_max_num_queries(LIST_MAX_QUERIES):
        response = client.get(reverse(url_name))

    assert response.status_code == 200
    assert _count_queries(client, reverse(url_name)) == few


def test_mahalla_detail_query_count(client_for, territory, django_assert_max_num_queries):
    client = client_for("national")
    client.get(reverse("api:me"))

    with django_assert_max_num_queries(LIST_MAX_QUERIES):
        response = client.get(reverse("api:mahalla-detail", args=[territory.mahalla_a1a.pk]))

    assert response.status_code == 200 and response.json()["code"] == territory.mahalla_a1a.code


def test_inspector_of_mahallas_in_two_districts_sees_their_region_once(client_for, territory, personas):
    AssignmentFactory(user=personas.inspector, mahalla=territory.mahalla_a1b, is_primary=False)
    AssignmentFactory(user=personas.inspector, mahalla=territory.mahalla_a2a, is_primary=False)
    client = client_for("inspector")

    regions = client.get(reverse("api:region-list")).json()
    districts = client.get(reverse("api:district-list")).json()

    assert [r["code"] for r in regions["results"]] == [REGION_A]
    assert sorted(d["code"] for d in districts["results"]) == [DISTRICT_A1, DISTRICT_A2]
    assert codes(client.get(reverse("api:mahalla-list"))) == {MAHALLA_A1A, MAHALLA_A1B, MAHALLA_A2A}
    assert codes(client.get(reverse("api:geo-regions"))) == {REGION_A}
