"""Reads of the territory tree that the API and pages need. Every one starts from `visible_to(user)`."""

from __future__ import annotations

import gzip
import hashlib
from dataclasses import dataclass

from django.contrib.gis.db.models import GeometryField
from django.contrib.gis.db.models.functions import AsGeoJSON
from django.contrib.gis.geos import Polygon
from django.core.cache import cache
from django.db import connection
from django.db.models import F, FloatField, Func, IntegerField, Value
from django.db.models.functions import Coalesce, NullIf
from django.urls import NoReverseMatch, reverse
from django.utils.translation import get_language

from .models import District, Mahalla, Region, name_field
from .scope import ScopeLevel, TerritoryScope, scope_of

# URL names of the HTML pages for each level (territories/urls.py).
PAGE_URL_NAMES = {"region": "territories:region", "district": "territories:district",
                  "mahalla": "territories:mahalla"}

# The GeoJSON layers are cached per scope; the key also holds a fingerprint of the territory tables,
# so an edit made by any process (admin, importer, demo loader) is seen on the next request.
GEOJSON_CACHE_SECONDS = 10 * 60
# Map tiles are 256 px; a vertex closer than ~1.5 px to its neighbours' line is invisible at that zoom.
TILE_SIZE_PX = 256
SIMPLIFY_PIXELS = 1.5
MAX_ZOOM = 18
EMPTY_COLLECTION = b'{"type": "FeatureCollection", "features": []}'


def _bbox_annotations() -> dict:
    return {
        f"bbox_{part}": Func(F("boundary"), function=f"ST_{part.upper()}", output_field=FloatField())
        for part in ("xmin", "ymin", "xmax", "ymax")
    }


def page_url(level: str, pk: int) -> str | None:
    """The HTML page of a territory unit, or None while that page does not exist."""
    try:
        return reverse(PAGE_URL_NAMES[level], args=[pk])
    except NoReverseMatch:
        return None


# --- Lists and details -------------------------------------------------------------------------------


def region_list(*, user):
    return Region.objects.visible_to(user).defer("boundary").order_by("name_uz", "id")


def region_get(*, user, region_id: int) -> Region | None:
    return (Region.objects.visible_to(user).filter(pk=region_id).defer("boundary")
            .annotate(**_bbox_annotations()).first())


def district_list(*, user):
    return District.objects.visible_to(user).defer("boundary").order_by("name_uz", "id")


def district_get(*, user, district_id: int) -> District | None:
    return (District.objects.visible_to(user).filter(pk=district_id).defer("boundary")
            .annotate(**_bbox_annotations()).first())


def mahalla_list(*, user):
    return (Mahalla.objects.visible_to(user).defer("boundary")
            .annotate(region_id=F("district__region_id")).order_by("name_uz", "id"))


def mahalla_get(*, user, mahalla_id: int) -> Mahalla | None:
    return (Mahalla.objects.visible_to(user).filter(pk=mahalla_id).defer("boundary")
            .annotate(region_id=F("district__region_id"), **_bbox_annotations()).first())


# --- GeoJSON layers ---------------------------------------------------------------------------------


def simplify_tolerance(zoom: int) -> float:
    """Degrees per ~1.5 screen pixels at this zoom (at the equator; finer nearer the poles, which is safe)."""
    return 360.0 / (TILE_SIZE_PX * 2**zoom) * SIMPLIFY_PIXELS


@dataclass(frozen=True)
class LayerFilters:
    zoom: int | None = None
    region_id: int | None = None
    district_id: int | None = None
    bbox: tuple[float, float, float, float] | None = None

    def key(self) -> str:
        bbox = ",".join(f"{v:.6f}" for v in self.bbox) if self.bbox else ""
        return f"z{self.zoom}:r{self.region_id}:d{self.district_id}:b{bbox}"


def _scope_key(scope: TerritoryScope) -> str:
    if scope.level == ScopeLevel.MAHALLAS:
        ids = ",".join(str(i) for i in sorted(scope.mahalla_ids))
        return "m" + hashlib.sha256(ids.encode()).hexdigest()[:24]
    return f"{scope.level}:{scope.region_id or ''}:{scope.district_id or ''}"


def _territory_fingerprint() -> str:
    """Changes whenever a territory row is created, saved or deleted (auto_now keeps updated_at current)."""
    parts = ", ".join(
        f"(SELECT count(*)::text || '-' || coalesce(max(updated_at)::text, '') FROM {model._meta.db_table})"  # noqa: S608
        for model in (Region, District, Mahalla)
    )
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT concat_ws('|', {parts})")  # noqa: S608 - table names only, no input
        return hashlib.sha256(cursor.fetchone()[0].encode()).hexdigest()[:16]


def _layer_queryset(layer: str, user, filters: LayerFilters):
    """The scoped rows of one layer, reduced to the columns the features need."""
    if layer == "regions":
        # visible_to may join and DISTINCT; selecting by id keeps DISTINCT away from the geometry.
        qs = Region.objects.filter(pk__in=Region.objects.visible_to(user).values("pk"))
        extra = {"kind": Value("region"), "parent_district": Value(None, output_field=IntegerField()),
                 "parent_region": Value(None, output_field=IntegerField())}
    elif layer == "districts":
        qs = District.objects.filter(pk__in=District.objects.visible_to(user).values("pk"))
        if filters.region_id:
            qs = qs.filter(region_id=filters.region_id)
        extra = {"parent_district": Value(None, output_field=IntegerField()), "parent_region": F("region_id")}
    else:
        qs = Mahalla.objects.visible_to(user)
        if filters.region_id:
            qs = qs.filter(district__region_id=filters.region_id)
        if filters.district_id:
            qs = qs.filter(district_id=filters.district_id)
        extra = {"kind": Value("mahalla"), "parent_district": F("district_id"),
                 "parent_region": F("district__region_id")}
    if filters.bbox:
        qs = qs.filter(boundary__bboverlaps=Polygon.from_bbox(filters.bbox))

    geom = F("boundary")
    if filters.zoom is not None:
        # GEOS hands back a Polygon for a one-part MultiPolygon; ST_Multi keeps every feature one type.
        geom = Func(
            Func(geom, Value(simplify_tolerance(filters.zoom)), function="ST_SimplifyPreserveTopology",
                 output_field=GeometryField(srid=4326)),
            function="ST_Multi", output_field=GeometryField(srid=4326))
    population = F("population") if layer == "mahallas" else Value(None, output_field=IntegerField())
    return qs.order_by().annotate(
        label=Coalesce(NullIf(F(name_field()), Value("")), F("name_uz")),
        geometry=AsGeoJSON(geom, precision=5),
        people=population,
        **extra,
    ).values("id", "code", "label", "kind", "parent_district", "parent_region", "people", "geometry")


def _url_sql(level: str) -> tuple[str, list]:
    """SQL building each feature's page URL from one reversed URL, so no Python runs per feature."""
    sentinel = 987654321
    url = page_url(level, sentinel)
    prefix, found, suffix = (url or "").partition(str(sentinel))
    if not found:
        return "NULL", []
    return "(%s || t.id::text || %s)", [prefix, suffix]


def _layer_geojson_build(layer: str, user, filters: LayerFilters) -> str:
    level = layer.removesuffix("s")
    inner_sql, inner_params = _layer_queryset(layer, user, filters).query.sql_with_params()
    url_sql, url_params = _url_sql(level)
    parents = {
        "regions": "",
        "districts": ", 'region', t.parent_region",
        "mahallas": ", 'district', t.parent_district, 'region', t.parent_region, 'population', t.people",
    }[layer]
    # One statement: PostgreSQL builds the whole FeatureCollection, so 9,000 polygons cost one round trip
    # and no Python per feature.
    sql = f"""
        SELECT json_build_object(
            'type', 'FeatureCollection',
            'features', coalesce(json_agg(json_build_object(
                'type', 'Feature',
                'id', t.id,
                'geometry', t.geometry::json,
                'properties', json_build_object(
                    'id', t.id, 'code', t.code, 'name', t.label, 'kind', t.kind, 'url', {url_sql}{parents}
                )
            ) ORDER BY t.label, t.id), '[]'::json)
        )::text
        FROM ({inner_sql}) AS t
    """  # noqa: S608 - every interpolated piece is built here from constants; values go in params
    with connection.cursor() as cursor:
        cursor.execute(sql, [*url_params, *inner_params])
        return cursor.fetchone()[0]


def territory_layer_geojson_gzip(*, user, layer: str, filters: LayerFilters) -> bytes:
    """A gzipped FeatureCollection of the regions, districts or mahallas the user may see.

    Kept gzipped in the cache: the national mahalla layer is ~3.5 MB of JSON but ~0.6 MB gzipped, and
    compressing it takes longer than building it from the cache would otherwise.
    """
    if layer not in ("regions", "districts", "mahallas"):
        raise ValueError(f"unknown layer {layer!r}")
    scope = scope_of(user)
    if scope.level == ScopeLevel.NONE:
        return gzip.compress(EMPTY_COLLECTION, mtime=0)
    if filters.bbox:
        # Not cached: every distinct bbox would be a key of its own, and a loop of bboxes would fill Redis (also
        # the Celery broker). A viewport's layer is small and built in one statement.
        text = _layer_geojson_build(layer, user, filters)
        return gzip.compress(text.encode(), compresslevel=6, mtime=0)
    lang = (get_language() or "uz")[:2]
    key = f"geo:{layer}:{lang}:{_scope_key(scope)}:{filters.key()}:{_territory_fingerprint()}"
    data = cache.get(key)
    if data is None:
        text = _layer_geojson_build(layer, user, filters)
        data = gzip.compress(text.encode(), compresslevel=6, mtime=0)
        cache.set(key, data, GEOJSON_CACHE_SECONDS)
    return data
