"""The dashboards' map layers: GeoJSON of mahallas with their zone colour and, on staff dashboards, the
period's registered crimes, rate per 1,000 residents and camera alerts.

A layer is two parts. Each mahalla's feature head (outline simplified to the zoom, label point, id, name,
link) is the costly part (~1 s for the country) and changes only with a boundary or a name: the outlines and
the names are cached in Redis for as long as the mahallas' fingerprint holds, and the heads built from them
are also kept in each process's memory, since fetching and unpickling a 3 MB layer cost a request ~15 ms. The
per-period figures are read for the visible mahallas only and spliced into the heads. Visibility is decided
by the figures' query alone: a head is only ever sent for a mahalla that query returned.
"""

from __future__ import annotations

import gzip
import json
import math
import threading
from collections import OrderedDict

from django.db import connection
from django.db.models import F, Value
from django.db.models.functions import Coalesce, NullIf
from django.utils.translation import get_language

from core import dates
from core.periods import Period
from mahallas.models import Mahalla, name_field
from mahallas.selectors import simplify_tolerance
from zones.models import MahallaStatus

from .selectors.access import Scope, visible_mahallas
from .selectors.cache import cache_token, cached
from .selectors.sums import pieces_sql, split_days
from .selectors.tables import url_maker

MAP_CACHE_SECONDS = 600
# Simplified outlines change only when a boundary does (the key carries the territory fingerprint).
GEOMETRY_CACHE_SECONDS = 7 * 24 * 3600
# A country layer is ~3 MB of JSON: level 1 compresses it in 18 ms to ~580 KB, level 4 in 30 ms to ~490 KB
# (measured at zoom 6); on an intranet link the 90 KB cost less than the 12 ms of a cold request.
MAP_GZIP_LEVEL = 1
# Feature heads kept per process: the zooms a dashboard opens at (4-7) in two languages, or one and the
# public layer's (~3 MB each at the country's zooms).
HEADS_KEPT = 8


def _fingerprint() -> str:
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*)::text || '-' || coalesce(max(updated_at)::text, '') FROM mahallas_mahalla")
        return cursor.fetchone()[0]


def map_precision(zoom: int) -> int:
    """Decimals of the coordinates: a tenth of the simplification tolerance, 3 (~100 m) to 5 (~1 m)."""
    return max(3, min(5, math.ceil(-math.log10(simplify_tolerance(zoom) / 10))))


def _geometry_build(zoom: int) -> dict[int, str]:
    """Each mahalla's feature text up to its properties' first key: '{"type": "Feature", ..., "properties": {'
    with the outline simplified to the zoom and the label point (a point inside the outline)."""
    digits = map_precision(zoom)
    with connection.cursor() as cursor:
        cursor.execute("""
            SELECT m.id, ST_AsGeoJSON(ST_Multi(ST_SimplifyPreserveTopology(m.boundary, %s)), %s),
                   round(ST_X(c.pt)::numeric, 5), round(ST_Y(c.pt)::numeric, 5)
            FROM mahallas_mahalla m CROSS JOIN LATERAL (SELECT ST_PointOnSurface(m.boundary) AS pt) c
            WHERE m.boundary IS NOT NULL""", [simplify_tolerance(zoom), digits])
        rows = cursor.fetchall()
    return {pk: f'{{"type": "Feature", "id": {pk}, "geometry": {geometry or "null"}, "properties": '
                f'{{"lon": {"null" if lon is None else lon}, "lat": {"null" if lat is None else lat}, '
            for pk, geometry, lon, lat in rows}


def map_geometry(zoom: int, fingerprint: str | None = None) -> dict[int, str]:
    """The cached outlines of every mahalla at this zoom (see `_geometry_build`)."""
    parts = [zoom, map_precision(zoom), fingerprint or _fingerprint()]
    return cached(parts, lambda: _geometry_build(zoom), GEOMETRY_CACHE_SECONDS, prefix="dash-geometry",
                  per_language=False)


def map_geometry_warm(zooms) -> int:
    fingerprint = _fingerprint()
    return sum(len(map_geometry(zoom, fingerprint)) for zoom in zooms)


def map_names(fingerprint: str) -> dict[int, str]:
    """Each mahalla's name in the current language, as a JSON string, cached like the outlines."""
    def build():
        rows = Mahalla.objects.annotate(label=Coalesce(NullIf(F(name_field()), Value("")), F("name_uz"))).values_list(
            "id", "label")
        return {pk: json.dumps(label, ensure_ascii=False) for pk, label in rows}

    return cached(["names", fingerprint], build, GEOMETRY_CACHE_SECONDS, prefix="dash-geometry")


_heads: OrderedDict[tuple, dict[int, str]] = OrderedDict()
_heads_lock = threading.Lock()


def feature_heads(zoom: int, fingerprint: str, *, public: bool) -> dict[int, str]:
    """Each mahalla's feature text up to its per-period properties: outline, label point, id, name and link
    (none on the public layer). Kept in this process under the fingerprint, which every request reads."""
    key = (zoom, map_precision(zoom), fingerprint, (get_language() or "uz")[:2], public)
    with _heads_lock:
        heads = _heads.get(key)
        if heads is not None:
            _heads.move_to_end(key)
            return heads
    geometry, names = map_geometry(zoom, fingerprint), map_names(fingerprint)
    url = url_maker("territories:mahalla")

    def link(pk: int) -> str:
        return "null" if public else f'"{url(pk)}"'

    heads = {pk: f'{head}"id": {pk}, "name": {names[pk]}, "url": {link(pk)}'
             for pk, head in geometry.items() if pk in names}
    with _heads_lock:
        _heads[key] = heads
        while len(_heads) > HEADS_KEPT:
            _heads.popitem(last=False)
    return heads


def _visible_colours(visible_qs, zones_key: str) -> list[tuple[int, str | None, int]]:
    """(id, zone colour or None, population) of every visible mahalla, in id order. The colour comes from the
    (period, colour, mahalla) index alone."""
    inner, inner_params = visible_qs.order_by().values("id").query.sql_with_params()
    sql = f"""
        SELECT m.id, st.colour, m.population
        FROM mahallas_mahalla m
        LEFT JOIN {MahallaStatus._meta.db_table} st ON st.mahalla_id = m.id AND st.period = %s
        WHERE m.id IN ({inner})
        ORDER BY m.id
    """  # noqa: S608 - identifiers from constants; values in params
    with connection.cursor() as cursor:
        cursor.execute(sql, [zones_key, *inner_params])
        return cursor.fetchall()


def _period_sums(period: Period, today, stats_filter: dict) -> dict[int, tuple[int, int]]:
    """{mahalla id: (registered crimes, camera alerts)} in the period, for the scope's district or region
    (`stats_filter`, an indexed column of the pre-aggregates): whole months from the monthly roll-up, edge days
    from the daily rows. Apart from the visible mahallas' query: joining the two cost PostgreSQL more than
    matching 9,000 ids in Python."""
    split = split_days(period.start, period.effective_end(today))
    days_sql, days_params = pieces_sql("day", split.days)
    months_sql, months_params = pieces_sql("month", [split.months] if split.months else [])
    column, unit = next(iter(stats_filter.items())) if stats_filter else (None, None)
    unit_sql = f" AND {column} = %s" if column in ("district_id", "region_id") else ""
    unit_params = [unit] if unit_sql else []
    sql = f"""
        SELECT mahalla_id, sum(crimes), sum(alerts) FROM (
            SELECT mahalla_id, crimes, alerts FROM dashboards_dailymahallastats WHERE ({days_sql}){unit_sql}
            UNION ALL
            SELECT mahalla_id, crimes, alerts FROM dashboards_monthlymahallastats WHERE ({months_sql}){unit_sql}
        ) u GROUP BY mahalla_id
    """  # noqa: S608 - constants and placeholders only
    with connection.cursor() as cursor:
        cursor.execute(sql, [*days_params, *unit_params, *months_params, *unit_params])
        return {pk: (crimes, alerts) for pk, crimes, alerts in cursor.fetchall()}


def _rate(crimes: int, population: int) -> str:
    """Crimes per 1,000 residents to two decimals, rounded half up (exact integer arithmetic)."""
    if population <= 0:
        return "null"
    if not crimes:
        return "0.00"
    hundredths = (crimes * 200_000 + population) // (2 * population)
    return f"{hundredths // 100}.{hundredths % 100:02d}"


def _map_build(visible_qs, period: Period | None, zones_key: str, zoom: int, *, public: bool, today,
               fingerprint: str, stats_filter: dict) -> str:
    heads = feature_heads(zoom, fingerprint, public=public)
    rows = _visible_colours(visible_qs, zones_key)
    colours = {colour: json.dumps(colour) for colour in {row[1] for row in rows}}
    if public:
        features = ",".join(f'{heads[pk]}, "colour": {colours[colour]}}}}}' for pk, colour, _people in rows
                            if pk in heads)
    else:
        sums = _period_sums(period, today, stats_filter)
        features = ",".join(
            f'{heads[pk]}, "colour": {colours[colour]}, "crimes": {crimes}, "alerts": {alerts}, '
            f'"rate": {_rate(crimes, people)}}}}}'
            for pk, colour, people in rows if pk in heads
            for crimes, alerts in (sums.get(pk, (0, 0)),))
    return '{"type": "FeatureCollection", "features": [' + features + "]}"


def _gzip(text: str) -> bytes:
    return gzip.compress(text.encode(), compresslevel=MAP_GZIP_LEVEL, mtime=0)


def map_geojson_gzip(user, scope: Scope, period: Period, *, zoom: int, today=None) -> bytes:
    """Mahallas of the scope with their zone colour, registered crimes, rate and camera alerts in the period;
    geometry simplified to the zoom. Gzipped and cached."""
    today = today or dates.today()
    zp = period.status_period(today)
    fingerprint = _fingerprint()

    def build():
        return _gzip(_map_build(visible_mahallas(user, scope), period, zp.key, zoom, public=False, today=today,
                                fingerprint=fingerprint, stats_filter=scope.stats_filter))

    return cached(["map", scope.key, period.key, zoom, today, cache_token(), fingerprint], build,
                  MAP_CACHE_SECONDS)


def public_map_gzip(zones_key: str, *, zoom: int, today=None, region_id: int | None = None,
                    district_id: int | None = None) -> bytes:
    """The transparency page's layer: every mahalla's colour (of one district or region if asked), no figures
    (they are shown by district)."""
    fingerprint = _fingerprint()
    mahallas = Mahalla.objects.all()
    if district_id:
        mahallas = mahallas.filter(district_id=district_id)
    elif region_id:
        mahallas = mahallas.filter(district__region_id=region_id)

    def build():
        return _gzip(_map_build(mahallas, None, zones_key, zoom, public=True, today=today,
                                fingerprint=fingerprint, stats_filter={}))

    return cached(["public-map", zones_key, zoom, today, cache_token(), fingerprint, region_id, district_id],
                  build, MAP_CACHE_SECONDS)


def mahalla_colours(user, zones_key: str, *, region_id: int | None = None,
                    district_id: int | None = None) -> dict[int, str | None]:
    """{mahalla id: zone colour or None} of the mahallas the user sees (of one district or region): what a
    territory map colours its outlines with."""
    visible = Mahalla.objects.visible_to(user)
    if district_id:
        visible = visible.filter(district_id=district_id)
    elif region_id:
        visible = visible.filter(district__region_id=region_id)
    return {pk: colour for pk, colour, _people in _visible_colours(visible, zones_key)}


# A region or district is coloured by the share of its mahallas that are green (crime-free), in four bands with
# a legend of their own: the three zone colours would say of a region what only a mahalla can be.
AREA_BANDS = ((0.9, "band90"), (0.75, "band75"), (0.5, "band50"), (0.0, "band0"))


def area_band(green: int, total: int) -> str | None:
    """The band of a share of green mahallas; None where no mahalla of the area has a status."""
    if not total:
        return None
    share = green / total
    return next(band for floor, band in AREA_BANDS if share >= floor)


def area_colours(user, zones_key: str, *, level: str, region_id: int | None = None) -> dict[int, dict]:
    """{region or district id: {"band", "green", "rated"}} over the mahallas the user sees: an area's band counts
    only its visible mahallas with a status, so a district official's region map never speaks for others."""
    column = {"region": "district__region_id", "district": "district_id"}[level]
    visible = Mahalla.objects.visible_to(user)
    if region_id:
        visible = visible.filter(district__region_id=region_id)
    areas = dict(visible.order_by().values_list("id", column))
    counts: dict[int, list[int]] = {}
    for pk, colour, _people in _visible_colours(visible, zones_key):
        tally = counts.setdefault(areas[pk], [0, 0])
        if colour is not None:
            tally[1] += 1
            tally[0] += colour == "green"
    return {area: {"band": area_band(green, rated), "green": green, "rated": rated}
            for area, (green, rated) in counts.items()}
