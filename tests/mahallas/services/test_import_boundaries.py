"""manage.py import_boundaries against small files written here: GeoJSON, and Shapefile/GeoPackage made from
it with ogr2ogr.

Territory (lon/lat squares): region A "RA" spans 63..65 x 40..42 and region B "RB" 65..67 x 40..42.
"""

import json
import shutil
import subprocess
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from mahallas.models import District, Mahalla, Region

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english_output():
    # The command's summary follows the active language; the assertions below read the English one.
    from django.utils import translation

    with translation.override("en"):
        yield


def ring(xmin: float, ymin: float, xmax: float, ymax: float) -> list[list[float]]:
    return [[xmin, ymin], [xmax, ymin], [xmax, ymax], [xmin, ymax], [xmin, ymin]]


def polygon(*bbox: float) -> dict:
    return {"type": "Polygon", "coordinates": [ring(*bbox)]}


def feature(geometry: dict | None, **properties) -> dict:
    return {"type": "Feature", "properties": properties, "geometry": geometry}


def write_geojson(tmp_path, name: str, features: list[dict]) -> str:
    path = tmp_path / name
    path.write_text(json.dumps({"type": "FeatureCollection", "features": features}), encoding="utf-8")
    return str(path)


def ogr2ogr(*args: str) -> None:
    executable = shutil.which("ogr2ogr")
    if executable is None:
        pytest.fail("ogr2ogr is not installed; these tests need GDAL's tools (apt install gdal-bin).")
    subprocess.run([executable, *args], check=True, capture_output=True)  # noqa: S603 - fixed arguments


def run(path: str, *options: str) -> str:
    out = StringIO()
    call_command("import_boundaries", path, *options, stdout=out)
    return out.getvalue()


REGION_FEATURES = [
    feature(polygon(63, 40, 65, 42), name="Shimol viloyati", code="RA", name_ru="Северная область"),
    feature(polygon(65, 40, 67, 42), name="Janub viloyati", code="RB", name_ru="Южная область"),
]
DISTRICT_FEATURES = [
    feature(polygon(63.2, 40.2, 63.8, 40.8), name="Birinchi tumani", code="RA01"),
    feature(polygon(64.2, 41.2, 64.8, 41.8), name="Qarshi shahri", code="RA02"),
    feature(polygon(65.2, 40.2, 65.8, 40.8), name="Uchinchi tumani", code="RB01"),
]


@pytest.fixture
def regions(tmp_path) -> dict[str, Region]:
    run(write_geojson(tmp_path, "regions.geojson", REGION_FEATURES),
        "--level", "region", "--name-field", "name", "--code-field", "code", "--name-ru-field", "name_ru")
    return {region.code: region for region in Region.objects.all()}


def import_districts(tmp_path, features: list[dict], *options: str) -> str:
    return run(write_geojson(tmp_path, "districts.geojson", features),
               "--level", "district", "--name-field", "name", *options)


# ---------------------------------------------------------------------------------------------- good files


def test_import_regions_from_geojson_creates_them_with_names(regions):
    assert set(regions) == {"RA", "RB"}
    assert regions["RA"].name_uz == "Shimol viloyati"
    assert regions["RA"].name_ru == "Северная область"
    assert regions["RA"].boundary.geom_type == "MultiPolygon"
    assert regions["RA"].boundary.srid == 4326


def test_import_districts_attaches_each_to_region_holding_it(tmp_path, regions):
    output = import_districts(tmp_path, DISTRICT_FEATURES, "--code-field", "code")

    placed = dict(District.objects.values_list("code", "region__code"))
    assert placed == {"RA01": "RA", "RA02": "RA", "RB01": "RB"}
    assert "3 created, 0 updated, 0 unchanged, 0 attached to the nearest parent, 0 repaired" in output


def test_import_districts_names_ending_in_shahri_are_cities(tmp_path, regions):
    import_districts(tmp_path, DISTRICT_FEATURES, "--code-field", "code")

    assert District.objects.get(code="RA02").kind == District.Kind.CITY
    assert District.objects.get(code="RA01").kind == District.Kind.DISTRICT


def test_import_mahallas_attaches_them_to_districts(tmp_path, regions):
    import_districts(tmp_path, DISTRICT_FEATURES, "--code-field", "code")
    path = write_geojson(tmp_path, "mahallas.geojson", [
        feature(polygon(63.3, 40.3, 63.4, 40.4), name="Navro'z MFY", code="M1", pop=4000, hh=900),
    ])

    run(path, "--level", "mahalla", "--name-field", "name", "--code-field", "code",
        "--population-field", "pop", "--households-field", "hh")

    mahalla = Mahalla.objects.get(code="M1")
    assert (mahalla.district.code, mahalla.population, mahalla.households) == ("RA01", 4000, 900)


# ---------------------------------------------------------------------------------------------- re-import


def test_reimport_of_same_file_changes_nothing(tmp_path, regions):
    import_districts(tmp_path, DISTRICT_FEATURES, "--code-field", "code")

    output = import_districts(tmp_path, DISTRICT_FEATURES, "--code-field", "code")

    assert District.objects.count() == 3
    assert "0 created, 0 updated, 3 unchanged" in output


def test_reimport_by_code_updates_changed_name_without_duplicates(tmp_path, regions):
    import_districts(tmp_path, DISTRICT_FEATURES, "--code-field", "code")
    renamed = [dict(f, properties=dict(f["properties"])) for f in DISTRICT_FEATURES]
    renamed[0]["properties"]["name"] = "Yangi tuman"

    output = import_districts(tmp_path, renamed, "--code-field", "code")

    assert District.objects.count() == 3
    assert District.objects.get(code="RA01").name_uz == "Yangi tuman"
    assert "0 created, 1 updated, 2 unchanged" in output


def test_reimport_without_code_field_matches_by_name_within_region(tmp_path, regions):
    import_districts(tmp_path, DISTRICT_FEATURES)
    codes_before = dict(District.objects.values_list("name_uz", "code"))
    moved_shape = [dict(f) for f in DISTRICT_FEATURES]
    moved_shape[0] = feature(polygon(63.1, 40.1, 63.9, 40.9), name="Birinchi tumani")

    output = import_districts(tmp_path, moved_shape)

    assert dict(District.objects.values_list("name_uz", "code")) == codes_before
    assert District.objects.get(name_uz="Birinchi tumani").boundary.extent == (63.1, 40.1, 63.9, 40.9)
    assert "0 created, 1 updated, 2 unchanged" in output


def test_import_without_code_field_generates_stable_codes_from_parent(tmp_path, regions):
    import_districts(tmp_path, DISTRICT_FEATURES[:2])
    import_districts(tmp_path, [DISTRICT_FEATURES[1], DISTRICT_FEATURES[0],
                                feature(polygon(64.2, 40.2, 64.4, 40.4), name="To'rtinchi tumani")])

    assert dict(District.objects.values_list("name_uz", "code")) == {
        "Birinchi tumani": "RA-001", "Qarshi shahri": "RA-002", "To'rtinchi tumani": "RA-003",
    }


def test_same_name_under_two_regions_without_code_field_are_two_districts(tmp_path, regions):
    import_districts(tmp_path, [feature(polygon(63.2, 40.2, 63.8, 40.8), name="Markaziy tumani"),
                                feature(polygon(65.2, 40.2, 65.8, 40.8), name="Markaziy tumani")])

    assert sorted(District.objects.values_list("code", flat=True)) == ["RA-001", "RB-001"]


# ---------------------------------------------------------------------------------------------- bad files


def bad_file_cases(tmp_path) -> dict[str, tuple[str, list[str], str]]:
    good = feature(polygon(63.2, 40.2, 63.8, 40.8), name="Birinchi tumani", code="RA01")
    garbage = tmp_path / "garbage.geojson"
    garbage.write_text("this is not GeoJSON", encoding="utf-8")
    return {
        "missing file": (str(tmp_path / "nowhere.geojson"), [], "does not exist"),
        "unreadable file": (str(garbage), [], "GDAL cannot read"),
        "no such name field": (write_geojson(tmp_path, "a.geojson", [good]),
                               ["--name-field", "title"], "no field 'title'"),
        "no such code field": (write_geojson(tmp_path, "b.geojson", [good]),
                               ["--code-field", "soato"], "no field 'soato'"),
        "no polygons": (write_geojson(tmp_path, "c.geojson", [
            good, feature({"type": "Point", "coordinates": [64, 41]}, name="Nuqta", code="RA02"),
        ]), [], "'Nuqta'): geometry is a Point with no polygon"),
        "empty name": (write_geojson(tmp_path, "d.geojson", [
            good, feature(polygon(64.2, 41.2, 64.8, 41.8), name="  ", code="RA02"),
        ]), [], "feature 2 (FID 1): empty name in field 'name'"),
        "duplicate code": (write_geojson(tmp_path, "e.geojson", [
            good, feature(polygon(64.2, 41.2, 64.8, 41.8), name="Ikkinchi tumani", code="RA01"),
        ]), [], "duplicate code 'RA01' in field 'code'"),
        "no geometry": (write_geojson(tmp_path, "f.geojson", [
            good, feature(None, name="Boshliq", code="RA03"),
        ]), [], "'Boshliq'): has no geometry"),
    }


BAD_FILE_CASES = ["missing file", "unreadable file", "no such name field", "no such code field",
                  "no polygons", "empty name", "duplicate code", "no geometry"]


@pytest.mark.parametrize("case", BAD_FILE_CASES)
def test_import_of_bad_file_raises_clear_error_and_writes_nothing(tmp_path, regions, case):
    path, options, message = bad_file_cases(tmp_path)[case]
    defaults = {"--name-field": "name", "--code-field": "code"}
    for flag, value in zip(options[::2], options[1::2], strict=True):
        defaults[flag] = value
    args = [arg for pair in defaults.items() for arg in pair]

    with pytest.raises(CommandError, match="Nothing was imported") as error:
        run(path, "--level", "district", *args)

    assert message in str(error.value)
    assert District.objects.count() == 0


def test_import_of_districts_before_any_region_is_refused(tmp_path):
    with pytest.raises(CommandError, match="import the region boundaries first"):
        import_districts(tmp_path, DISTRICT_FEATURES, "--code-field", "code")


def test_dry_run_reports_but_writes_nothing(tmp_path, regions):
    output = import_districts(tmp_path, DISTRICT_FEATURES, "--code-field", "code", "--dry-run")

    assert "Dry run, nothing saved" in output
    assert "3 created" in output
    assert District.objects.count() == 0


# ---------------------------------------------------------------------------------------------- geometry


def test_self_intersecting_bowtie_is_repaired_and_named(tmp_path, regions):
    bowtie = {"type": "Polygon", "coordinates": [[[63.2, 40.2], [63.8, 40.8], [63.8, 40.2], [63.2, 40.8],
                                                  [63.2, 40.2]]]}

    output = import_districts(tmp_path, [feature(bowtie, name="Kapalak tumani", code="RA09")],
                              "--code-field", "code")

    district = District.objects.get(code="RA09")
    assert district.boundary.valid
    assert len(district.boundary) == 2  # the two triangles of the bow-tie
    assert district.boundary.area == pytest.approx(0.18)
    assert "Repaired geometry (1):" in output
    assert "Kapalak tumani: Self-intersection" in output
    assert "1 repaired" in output


def test_geometry_collection_of_polygons_is_unwrapped(tmp_path, regions):
    collection = {"type": "GeometryCollection", "geometries": [
        {"type": "MultiPolygon",
         "coordinates": [[ring(63.2, 40.2, 63.4, 40.4)], [ring(63.6, 40.6, 63.8, 40.8)]]},
        {"type": "LineString", "coordinates": [[63, 40], [64, 41]]},
    ]}

    import_districts(tmp_path, [feature(collection, name="Chilonzor tumani", code="RA07")],
                     "--code-field", "code")

    district = District.objects.get(code="RA07")
    assert district.boundary.geom_type == "MultiPolygon"
    assert len(district.boundary) == 2
    assert district.region.code == "RA"


# ---------------------------------------------------------------------------------------------- parents


def test_district_outside_every_region_goes_to_nearest_with_warning(tmp_path, regions):
    far_away = feature(polygon(67.5, 40.9, 67.7, 41.1), name="Uzoq tumani", code="X1")

    output = import_districts(tmp_path, [far_away], "--code-field", "code")

    assert District.objects.get(code="X1").region.code == "RB"
    assert "Attached to the nearest parent (1):" in output
    assert "Uzoq tumani: lies in no region; attached to the nearest, Janub viloyati (RB)" in output
    assert "1 attached to the nearest parent" in output


# A thin bar in A that is wider than the block in B, so the point-on-surface lies in A while most of the area
# lies in B.
STRADDLING = feature({"type": "MultiPolygon", "coordinates": [
    [ring(63.2, 40.95, 64.8, 41.05)],
    [ring(65.2, 40.0, 66.2, 42.0)],
]}, name="Chegara tumani", code="S1")


def test_straddling_district_goes_to_region_holding_most_of_it_with_warning(tmp_path, regions):
    output = import_districts(tmp_path, [STRADDLING], "--code-field", "code")

    assert District.objects.get(code="S1").region.code == "RB"
    assert "Chegara tumani: its point-on-surface lies in Shimol viloyati" in output
    assert "attached to Janub viloyati (RB)" in output


def test_straddling_district_with_point_rule_goes_to_region_holding_its_point(tmp_path, regions):
    import_districts(tmp_path, [STRADDLING], "--code-field", "code", "--parent-rule", "point")

    assert District.objects.get(code="S1").region.code == "RA"


def test_parent_override_moves_a_district_matched_by_name(tmp_path, regions):
    import_districts(tmp_path, DISTRICT_FEATURES)

    output = import_districts(tmp_path, DISTRICT_FEATURES, "--parent-override", "Birinchi tumani=RB")

    district = District.objects.get(name_uz="Birinchi tumani")
    assert district.region.code == "RB"
    assert District.objects.count() == 3
    assert "Birinchi tumani (RA-001): moved from Shimol viloyati to Janub viloyati" in output


def test_parent_override_naming_no_unit_is_refused(tmp_path, regions):
    with pytest.raises(CommandError, match="'Yoq tumani': no unit of that name"):
        import_districts(tmp_path, DISTRICT_FEATURES, "--parent-override", "Yoq tumani=RB")


# ---------------------------------------------------------------------------------------------- other formats


def test_import_from_shapefile(tmp_path, regions):
    source = write_geojson(tmp_path, "districts.geojson", DISTRICT_FEATURES)
    target = str(tmp_path / "districts.shp")
    ogr2ogr("-f", "ESRI Shapefile", target, source)

    output = run(target, "--level", "district", "--name-field", "name", "--code-field", "code")

    placed = dict(District.objects.values_list("code", "region__code"))
    assert placed == {"RA01": "RA", "RA02": "RA", "RB01": "RB"}
    assert "3 created" in output


def test_import_from_geopackage_in_another_projection_is_transformed(tmp_path, regions):
    source = write_geojson(tmp_path, "districts.geojson", DISTRICT_FEATURES)
    target = str(tmp_path / "districts.gpkg")
    ogr2ogr("-f", "GPKG", "-t_srs", "EPSG:3857", "-nln", "tumanlar", target, source)

    run(target, "--level", "district", "--name-field", "name", "--code-field", "code", "--layer", "tumanlar")

    district = District.objects.get(code="RA01")
    assert district.region.code == "RA"
    assert district.boundary.srid == 4326
    assert district.boundary.extent == pytest.approx((63.2, 40.2, 63.8, 40.8))


def test_mahalla_with_more_households_than_people_is_refused(tmp_path, regions):
    import_districts(tmp_path, DISTRICT_FEATURES, "--code-field", "code")
    path = write_geojson(tmp_path, "mahallas.geojson", [
        feature(polygon(63.3, 40.3, 63.4, 40.4), name="Navro'z MFY", code="M1", pop=100, hh=900),
    ])

    with pytest.raises(CommandError, match="more households than people"):
        run(path, "--level", "mahalla", "--name-field", "name", "--code-field", "code",
            "--population-field", "pop", "--households-field", "hh")

    assert Mahalla.objects.count() == 0


def test_straddling_district_in_near_tie_goes_to_region_holding_its_point(tmp_path, regions):
    near_tie = feature({"type": "MultiPolygon", "coordinates": [
        [ring(63.2, 40.95, 64.8, 41.05)],  # 0.16 square degrees in A, holding the point-on-surface
        [ring(65.2, 40.15, 65.3, 41.85)],  # 0.17 in B
    ]}, name="Chegara tumani", code="S2")

    output = import_districts(tmp_path, [near_tie], "--code-field", "code")

    assert District.objects.get(code="S2").region.code == "RA"
    assert "attached to Shimol viloyati (RA), a near tie" in output
