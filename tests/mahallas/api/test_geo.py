"""GeoJSON map layers: scoped features, simplification by zoom, parameter checks and caching."""

import gzip
import json

import pytest
from django.contrib.gis.geos import MultiPolygon, Point
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import NoReverseMatch, reverse

from mahallas.selectors import simplify_tolerance
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
from tests.factories import MahallaFactory

# The personas are asked for by name (client_for("national")): on the shared rows, not written per test.
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("personas")]

LAYERS = [
    ("api:geo-regions", VISIBLE_REGIONS),
    ("api:geo-districts", VISIBLE_DISTRICTS),
    ("api:geo-mahallas", VISIBLE_MAHALLAS),
]


def vertices(feature) -> int:
    return sum(len(ring) for polygon in feature["geometry"]["coordinates"] for ring in polygon)


@pytest.mark.parametrize("zoom", [None, 3, 18])
@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize(("url_name", "visible"), LAYERS, ids=[name for name, _ in LAYERS])
def test_layer_as_persona_has_only_their_features(client_for, persona, url_name, visible, zoom):
    params = {} if zoom is None else {"zoom": zoom}

    response = client_for(persona).get(reverse(url_name), params)

    assert response.status_code == 200
    assert response["Content-Type"] == "application/geo+json"
    body = response.json()
    assert body["type"] == "FeatureCollection"
    assert len(body["features"]) == len(visible[persona])
    assert codes(response) == visible[persona]


@pytest.mark.parametrize("url_name", ["api:geo-regions", "api:geo-districts", "api:geo-mahallas"])
def test_layer_as_anonymous_is_refused(client_for, territory, url_name):
    assert client_for("anonymous").get(reverse(url_name)).status_code in (401, 403)


def test_mahalla_feature_shape(client_for, territory):
    body = client_for("district_official").get(reverse("api:geo-mahallas"), {"zoom": 14}).json()

    feature = next(f for f in body["features"] if f["properties"]["code"] == MAHALLA_A1A)
    mahalla = territory.mahalla_a1a
    assert feature["type"] == "Feature"
    assert feature["id"] == mahalla.pk
    assert feature["geometry"]["type"] == "MultiPolygon"
    props = feature["properties"]
    assert props == {
        "id": mahalla.pk, "code": MAHALLA_A1A, "name": "Bog'ishamol MFY", "kind": "mahalla",
        "url": props["url"], "district": territory.district_a1.pk, "region": territory.region_a.pk,
        "population": 4000,
    }
    assert props["url"] is None or props["url"].endswith(f"/{mahalla.pk}/")


def test_region_and_district_feature_shapes(client_for, territory):
    client = client_for("national")

    region = client.get(reverse("api:geo-regions")).json()["features"][0]["properties"]
    district = client.get(reverse("api:geo-districts")).json()["features"][0]["properties"]

    assert set(region) == {"id", "code", "name", "kind", "url"}
    assert region["kind"] == "region"
    assert set(district) == {"id", "code", "name", "kind", "url", "region"}
    assert district["kind"] in ("district", "city")


def test_feature_urls_point_at_the_pages(client_for, territory):
    body = client_for("national").get(reverse("api:geo-regions"), HTTP_ACCEPT_LANGUAGE="en").json()

    urls = {f["properties"]["code"]: f["properties"]["url"] for f in body["features"]}
    try:
        expected = reverse("territories:region", args=[territory.region_a.pk])
    except NoReverseMatch:  # the pages are not routed yet: the layer says null
        expected = None
    assert urls[REGION_A] == expected


def test_feature_names_follow_the_active_language(client_for, territory):
    client = client_for("national")

    en = client.get(reverse("api:geo-regions"), HTTP_ACCEPT_LANGUAGE="en").json()
    uz = client.get(reverse("api:geo-regions"), HTTP_ACCEPT_LANGUAGE="uz").json()

    assert {f["properties"]["name"] for f in en["features"]} == {"North Region", "South Region"}
    assert {f["properties"]["name"] for f in uz["features"]} == {"Shimol viloyati", "Janub viloyati"}


def test_coordinates_are_rounded_to_five_decimals(client_for, territory):
    territory.mahalla_a1a.boundary = MultiPolygon(Point(63.6512345678, 41.0012345678).buffer(0.01), srid=4326)
    territory.mahalla_a1a.save()

    params = {"district": territory.district_a1.pk}
    body = client_for("national").get(reverse("api:geo-mahallas"), params).json()

    feature = next(f for f in body["features"] if f["properties"]["code"] == MAHALLA_A1A)
    lon, lat = feature["geometry"]["coordinates"][0][0][0]
    assert round(lon, 5) == lon and round(lat, 5) == lat


# --- Filters -------------------------------------------------------------------------------------


def test_district_layer_filters_by_region(client_for, territory):
    response = client_for("national").get(reverse("api:geo-districts"), {"region": territory.region_a.pk})
    assert codes(response) == {DISTRICT_A1, DISTRICT_A2}


def test_mahalla_layer_filters_by_district_region_and_bbox(client_for, territory):
    client = client_for("national")
    url = reverse("api:geo-mahallas")

    assert codes(client.get(url, {"district": territory.district_a1.pk})) == {MAHALLA_A1A, MAHALLA_A1B}
    assert codes(client.get(url, {"region": territory.region_a.pk})) == {
        MAHALLA_A1A, MAHALLA_A1B, MAHALLA_A2A}
    # A1a spans lon 63.61-63.69, A1b 63.71-63.79.
    assert codes(client.get(url, {"bbox": "63.60,40.9,63.70,41.1", "zoom": 10})) == {MAHALLA_A1A}
    assert codes(client.get(url, {"bbox": "60,37,70,45", "region": territory.region_a.pk})) == {
        MAHALLA_A1A, MAHALLA_A1B, MAHALLA_A2A}


def test_filters_never_widen_the_scope(client_for, territory):
    client = client_for("inspector")

    by_district = client.get(reverse("api:geo-mahallas"), {"district": territory.district_a1.pk})
    by_region = client.get(reverse("api:geo-districts"), {"region": territory.region_b.pk})
    whole_country = client.get(reverse("api:geo-mahallas"), {"bbox": "55,37,74,46"})

    assert codes(by_district) == {MAHALLA_A1A}
    assert codes(by_region) == set()
    assert codes(whole_country) == {MAHALLA_A1A}


@pytest.mark.parametrize(("url_name", "param", "value"), [
    ("api:geo-regions", "zoom", "abc"),
    ("api:geo-regions", "zoom", "19"),
    ("api:geo-regions", "zoom", "-1"),
    ("api:geo-districts", "zoom", "4.5"),
    ("api:geo-districts", "region", "north"),
    ("api:geo-districts", "bbox", "1,2,3"),
    ("api:geo-mahallas", "bbox", "a,b,c,d"),
    ("api:geo-mahallas", "bbox", "65,40,64,41"),     # min lon above max lon
    ("api:geo-mahallas", "bbox", "60,-95,70,40"),    # latitude out of range
    ("api:geo-mahallas", "bbox", "nan,40,70,41"),
    ("api:geo-mahallas", "district", "0"),
    ("api:geo-mahallas", "district", "99999999999999999999999"),
    ("api:geo-mahallas", "region", "1;drop"),
])
def test_layer_with_bad_parameter_returns_400_naming_it(client_for, territory, url_name, param, value):
    response = client_for("national").get(reverse(url_name), {param: value})

    assert response.status_code == 400
    assert response["Content-Type"].startswith("application/json")
    assert param in error_fields(response)


# --- Simplification ------------------------------------------------------------------------------


@pytest.fixture
def round_mahalla(territory):
    # A 257-vertex circle about 11 km across: plenty of detail to drop at a national zoom.
    return MahallaFactory(district=territory.district_a2, code="17019999",
                          boundary=MultiPolygon(Point(64.45, 41.2).buffer(0.05, quadsegs=64), srid=4326))


def _round_feature(client, zoom):
    params = {} if zoom is None else {"zoom": zoom}
    body = client.get(reverse("api:geo-mahallas"), params).json()
    return next(f for f in body["features"] if f["properties"]["code"] == "17019999")


def test_low_zoom_has_fewer_vertices_than_high_zoom(client_for, round_mahalla):
    client = client_for("national")

    exact = vertices(_round_feature(client, None))
    street = vertices(_round_feature(client, 16))
    city = vertices(_round_feature(client, 11))
    country = vertices(_round_feature(client, 5))

    assert exact == 257
    assert country < city < street <= exact
    assert country <= 10


def test_simplified_polygon_stays_a_polygon_at_zoom_zero(client_for, round_mahalla, territory):
    body = client_for("national").get(reverse("api:geo-mahallas"), {"zoom": 0}).json()

    assert len(body["features"]) == 5
    for feature in body["features"]:
        assert feature["geometry"]["type"] == "MultiPolygon"
        assert vertices(feature) >= 4


def test_tolerance_is_about_one_and_a_half_pixels():
    assert simplify_tolerance(0) == pytest.approx(360 / 256 * 1.5)
    assert simplify_tolerance(18) == pytest.approx(360 / 256 / 2**18 * 1.5)


# --- Caching and compression ---------------------------------------------------------------------


def _layer_built(queries) -> bool:
    return any("json_build_object" in q["sql"] for q in queries)


def test_second_request_is_served_from_cache(client_for, territory):
    client = client_for("national")
    url = reverse("api:geo-mahallas")

    with CaptureQueriesContext(connection) as first:
        a = client.get(url, {"zoom": 8})
    with CaptureQueriesContext(connection) as second:
        b = client.get(url, {"zoom": 8})

    assert _layer_built(first)
    assert not _layer_built(second)
    assert a.content == b.content


def test_cache_is_per_scope(client_for, territory):
    url = reverse("api:geo-mahallas")

    national = client_for("national").get(url, {"zoom": 8})
    inspector = client_for("inspector").get(url, {"zoom": 8})
    outsider = client_for("outsider").get(url, {"zoom": 8})

    assert len(national.json()["features"]) == 4
    assert codes(inspector) == {MAHALLA_A1A}
    assert codes(outsider) == {"17020001"}


def test_territory_edit_is_seen_on_the_next_request(client_for, territory):
    client = client_for("national")
    url = reverse("api:geo-mahallas")
    client.get(url, {"zoom": 8})

    territory.mahalla_a1b.name_uz = "Yangi nom MFY"
    territory.mahalla_a1b.save()
    renamed = client.get(url, {"zoom": 8}).json()
    territory.mahalla_a2a.delete()
    deleted = client.get(url, {"zoom": 8})

    assert "Yangi nom MFY" in {f["properties"]["name"] for f in renamed["features"]}
    assert codes(deleted) == {MAHALLA_A1A, MAHALLA_A1B, "17020001"}


def test_new_assignment_is_seen_on_the_next_request(client_for, territory, personas):
    from tests.factories import AssignmentFactory

    client = client_for("inspector")
    assert codes(client.get(reverse("api:geo-mahallas"), {"zoom": 8})) == {MAHALLA_A1A}

    AssignmentFactory(user=personas.inspector, mahalla=territory.mahalla_a2a, is_primary=False)

    assert codes(client.get(reverse("api:geo-mahallas"), {"zoom": 8})) == {MAHALLA_A1A, MAHALLA_A2A}


def test_layer_is_gzipped_for_clients_that_accept_it(client_for, territory):
    response = client_for("national").get(reverse("api:geo-mahallas"), HTTP_ACCEPT_ENCODING="gzip")

    assert response["Content-Encoding"] == "gzip"
    assert "Accept-Encoding" in response["Vary"]
    assert json.loads(gzip.decompress(response.content))["type"] == "FeatureCollection"


def test_layer_query_count_does_not_grow_with_features(client_for, territory, django_assert_max_num_queries):
    for n in range(40):
        MahallaFactory(district=territory.district_a1, code=f"1797{n:04d}")
    client = client_for("national")
    client.get(reverse("api:me"))

    # session, user, second-factor device; fingerprint; the one statement building the layer
    with django_assert_max_num_queries(6):
        response = client.get(reverse("api:geo-mahallas"), {"zoom": 10})

    assert len(response.json()["features"]) == 44


def test_bbox_queries_are_not_cached_so_a_loop_of_bboxes_cannot_fill_redis(client_for, territory):
    # Every distinct bbox would be a cache key of its own; a viewport layer is rebuilt instead.
    client = client_for("national")
    url = reverse("api:geo-mahallas")

    with CaptureQueriesContext(connection) as first:
        a = client.get(url, {"bbox": "60,37,70,45", "zoom": 8})
    with CaptureQueriesContext(connection) as second:
        b = client.get(url, {"bbox": "60,37,70,45", "zoom": 8})

    assert a.status_code == b.status_code == 200
    assert _layer_built(first) and _layer_built(second)
    assert a.content == b.content
