"""The demo territory: Uzbekistan's 14 first-level units and their real districts, with synthetic mahallas.

Regions get coarse real outlines (`demo_outlines`). Districts are a Voronoi split of their region around a
point inside each real district (`demo_names.DISTRICTS`), so the map reads as Uzbekistan without shipping the
boundary files. Mahallas are a seeded Voronoi split of their district, relaxed once (Lloyd) so the cells look
like neighbourhoods rather than shards. PostGIS does the geometry (ST_VoronoiPolygons, ST_Intersection)
and the seeds come from Python's seeded `random`, so the result is the same for a given count and seed.

This module only computes and upserts territory rows; users and assignments belong to `accounts.demo`, which
calls it and then prunes mahallas left over from an earlier, larger run (`demo_mahallas_prune`).
"""

from __future__ import annotations

import math
import random
from collections import Counter
from dataclasses import dataclass, field

from django.contrib.gis.geos import GEOSGeometry, MultiPolygon, Point
from django.db import connection
from django.db.models import ProtectedError
from django.utils import timezone

from .demo_names import DISTRICTS, MAHALLA_WORDS, REGIONS
from .demo_outlines import REGION_OUTLINES
from .models import District, Mahalla, Region

DEFAULT_MAHALLAS = 1000
DEFAULT_SEED = 2026
MAX_MAHALLAS = 20000
# Coordinates of Voronoi edges are rounded to about 1 m: exact doubles only bloat the GeoJSON layers.
GRID = 1e-5
LLOYD_ITERATIONS = 1
# Relative weight of a district when sharing out its region's mahallas (the regional centre is dense).
CAPITAL_CITY_WEIGHT = 2.5
OTHER_CITY_WEIGHT = 0.7


class DemoTerritoryError(Exception):
    pass


@dataclass
class TerritoryRow:
    code: str
    values: dict  # model field -> value, boundary included
    parent_code: str | None = None


@dataclass
class DemoTerritory:
    regions: list[TerritoryRow] = field(default_factory=list)
    districts: list[TerritoryRow] = field(default_factory=list)
    mahallas: list[TerritoryRow] = field(default_factory=list)


@dataclass
class SyncCounts:
    created: Counter = field(default_factory=Counter)
    updated: Counter = field(default_factory=Counter)
    deleted: Counter = field(default_factory=Counter)


# --- names -----------------------------------------------------------------------------------------------

_APOSTROPHES = "'ʻʼ‘’`"
_CYRL = {"a": "а", "b": "б", "d": "д", "e": "е", "f": "ф", "g": "г", "h": "ҳ", "i": "и", "j": "ж", "k": "к",
         "l": "л", "m": "м", "n": "н", "o": "о", "p": "п", "q": "қ", "r": "р", "s": "с", "t": "т", "u": "у",
         "v": "в", "x": "х", "y": "й", "z": "з", "o'": "ў", "g'": "ғ", "sh": "ш", "ch": "ч", "yo": "ё",
         "yu": "ю", "ya": "я", "ye": "е"}
# Russian spelling of Uzbek names drops the Uzbek-only letters.
_RU = {**_CYRL, "h": "х", "q": "к", "j": "дж", "o'": "у", "g'": "г"}


def _transliterate(text: str, table: dict[str, str]) -> str:
    out, i, at_word_start = [], 0, True
    while i < len(text):
        ch = text[i]
        low = ch.lower()
        nxt = text[i + 1].lower() if i + 1 < len(text) else ""
        after = text[i + 2] if i + 2 < len(text) else ""
        if low in "og" and nxt and nxt in _APOSTROPHES:
            letter, step = low + "'", 2
        elif (low in "sc" and nxt == "h"
              or low == "y" and nxt in "oaue" and not (nxt == "o" and after in _APOSTROPHES)):
            letter, step = low + nxt, 2
        elif low in table:
            letter, step = low, 1
        elif ch in _APOSTROPHES:
            out.append("ъ")
            i += 1
            continue
        else:
            out.append(ch)
            i += 1
            at_word_start = not ch.isalpha()
            continue
        cyr = "э" if letter == "e" and at_word_start else table[letter]
        out.append(cyr.capitalize() if ch.isupper() else cyr)
        i += step
        at_word_start = False
    return "".join(out)


def to_cyrillic(text: str) -> str:
    """Uzbek Latin to Uzbek Cyrillic by the letter correspondences of the 1995 alphabet (for proper names)."""
    return _transliterate(text, _CYRL)


def to_russian(text: str) -> str:
    """A Russian spelling of an Uzbek name, as Russian texts write mahalla names (Navro'z -> Навруз)."""
    return _transliterate(text, _RU)


def _ascii(text: str) -> str:
    return "".join(ch for ch in text if ch not in _APOSTROPHES)


# --- geometry ----------------------------------------------------------------------------------------------

_VORONOI_SQL = """
WITH parent AS (
    SELECT key, ST_GeomFromWKB(wkb, 4326) AS geom
    FROM unnest(%(keys)s::text[], %(wkbs)s::bytea[]) AS t(key, wkb)
), seed AS (
    SELECT key, idx, ST_SetSRID(ST_MakePoint(x, y), 4326) AS pt
    FROM unnest(%(seed_keys)s::text[], %(idx)s::int[], %(xs)s::float8[], %(ys)s::float8[])
         AS t(key, idx, x, y)
), cell AS (
    SELECT p.key, (ST_Dump(ST_VoronoiPolygons(s.pts, 0, ST_Expand(p.geom, 1.0)))).geom AS geom
    FROM parent p JOIN (SELECT key, ST_Collect(pt) AS pts FROM seed GROUP BY key) s USING (key)
)
SELECT s.key, s.idx,
       ST_AsBinary(ST_Multi(ST_CollectionExtract(
           ST_Intersection(p.geom, ST_ReducePrecision(c.geom, %(grid)s)), 3)))
FROM cell c
JOIN seed s ON s.key = c.key AND ST_Contains(c.geom, s.pt)
JOIN parent p ON p.key = c.key
"""


def _wkb(geom: GEOSGeometry) -> bytes:
    return bytes(geom.wkb)


def _multipolygon(wkb) -> MultiPolygon:
    geom = GEOSGeometry(memoryview(bytes(wkb)), srid=4326)
    return geom if isinstance(geom, MultiPolygon) else MultiPolygon(geom, srid=4326)


def _voronoi_split(parents: dict[str, GEOSGeometry],
                   seeds: dict[str, list[tuple[float, float]]]) -> dict[tuple[str, int], MultiPolygon]:
    """Split each parent into one cell per seed point: the seeds' Voronoi cells, clipped to the parent."""
    cells: dict[tuple[str, int], MultiPolygon] = {}
    keys, seed_rows = [], []
    for key, points in seeds.items():
        if len(points) == 1:
            # A Voronoi diagram of one point is empty: the single cell is the parent itself.
            cells[(key, 0)] = _multipolygon(_wkb(parents[key]))
            continue
        keys.append(key)
        seed_rows += [(key, i, x, y) for i, (x, y) in enumerate(points)]
    if keys:
        params = {
            "keys": keys, "wkbs": [_wkb(parents[k]) for k in keys],
            "seed_keys": [r[0] for r in seed_rows], "idx": [r[1] for r in seed_rows],
            "xs": [r[2] for r in seed_rows], "ys": [r[3] for r in seed_rows], "grid": GRID,
        }
        with connection.cursor() as cursor:
            cursor.execute(_VORONOI_SQL, params)
            for key, idx, wkb in cursor.fetchall():
                cells[(key, idx)] = _multipolygon(wkb)
    missing = [(k, i) for k, pts in seeds.items() for i in range(len(pts)) if (k, i) not in cells]
    if missing:
        raise DemoTerritoryError(f"Voronoi split lost cells {missing[:5]}")
    return cells


def _random_points(geom: GEOSGeometry, count: int, rng: random.Random) -> list[tuple[float, float]]:
    """`count` uniformly random points inside `geom` (rejection sampling in its bounding box)."""
    prepared = geom.prepared
    xmin, ymin, xmax, ymax = geom.extent
    points: list[tuple[float, float]] = []
    while len(points) < count:
        x, y = rng.uniform(xmin, xmax), rng.uniform(ymin, ymax)
        if prepared.contains(Point(x, y, srid=geom.srid)):
            points.append((x, y))
    return points


def _relaxed(cell: GEOSGeometry) -> tuple[float, float]:
    """The next seed of a Lloyd step: the cell's centroid, or a point surely inside when that is outside."""
    centroid = cell.centroid
    point = centroid if cell.contains(centroid) else cell.point_on_surface
    return point.x, point.y


def _area_km2(geom: GEOSGeometry) -> float:
    # Degrees² scaled by the latitude: plenty for sharing mahallas out; no projection needed.
    return geom.area * 111.32 ** 2 * math.cos(math.radians(geom.centroid.y))


# --- allocation ------------------------------------------------------------------------------------------

def _largest_remainder(total: int, weights: dict[str, float]) -> dict[str, int]:
    """Split `total` in proportion to `weights` so the parts add up exactly (Hamilton's method)."""
    if total <= 0 or not weights:
        return {k: 0 for k in weights}
    scale = total / sum(weights.values())
    exact = {k: w * scale for k, w in weights.items()}
    shares = {k: math.floor(v) for k, v in exact.items()}
    left = total - sum(shares.values())
    for k in sorted(exact, key=lambda k: (shares[k] - exact[k], k))[:left]:
        shares[k] += 1
    return shares


def _mahalla_counts(total: int, districts: list[TerritoryRow], areas: dict[str, float], rng: random.Random,
                    guaranteed: dict[str, int]) -> dict[str, int]:
    """Mahallas per district: regions by population, districts within a region by size, cities denser.

    Every district gets at least one mahalla when there are enough to go round; `guaranteed` reserves a few
    for a district the demo users work in, so even a tiny demo has something to assign.
    """
    reserved = {code: min(n, total) for code, n in guaranteed.items()}
    rest = total - sum(reserved.values())
    base = 1 if rest >= len(districts) else 0
    rest -= base * len(districts)

    by_region: dict[str, list[TerritoryRow]] = {}
    for row in districts:
        by_region.setdefault(row.parent_code, []).append(row)
    population = {code: pop for code, *_names, pop in REGIONS}
    region_shares = _largest_remainder(rest, {code: population[code] for code in sorted(by_region)})

    counts: dict[str, int] = {}
    for region_code, rows in sorted(by_region.items()):
        median_area = sorted(areas[r.code] for r in rows)[len(rows) // 2]
        weights = {}
        for row in rows:
            if row.values["kind"] == District.Kind.CITY:
                kind_weight = CAPITAL_CITY_WEIGHT if row.code.endswith("401") else OTHER_CITY_WEIGHT
            else:
                kind_weight = 1.0
            size = min(max(math.sqrt(areas[row.code] / median_area), 0.5), 2.0)
            weights[row.code] = kind_weight * size * rng.uniform(0.85, 1.15)
        for code, n in _largest_remainder(region_shares[region_code], weights).items():
            counts[code] = base + n + reserved.get(code, 0)
    return counts


# --- building the territory ------------------------------------------------------------------------------

def demo_territory_build(*, mahallas: int = DEFAULT_MAHALLAS, seed: int = DEFAULT_SEED,
                         guaranteed: dict[str, int] | None = None) -> DemoTerritory:
    """Compute (without writing) the demo regions, districts and `mahallas` mahallas for `seed`."""
    if not 0 <= mahallas <= MAX_MAHALLAS:
        raise DemoTerritoryError(f"--mahallas must be between 0 and {MAX_MAHALLAS}")
    territory = DemoTerritory()

    region_geoms = {}
    for code, uz, uz_cyrl, ru, en, _population in REGIONS:
        geom = GEOSGeometry(REGION_OUTLINES[code], srid=4326)
        region_geoms[code] = geom
        territory.regions.append(TerritoryRow(code, {
            "code": code, "name_uz": uz, "name_uz_cyrl": uz_cyrl, "name_ru": ru, "name_en": en,
            "boundary": geom,
        }))

    seeds: dict[str, list[tuple[float, float]]] = {}
    order: dict[str, list[str]] = {}
    for code, _uz, _ru, _en, lon, lat in DISTRICTS:
        seeds.setdefault(code[:4], []).append((lon, lat))
        order.setdefault(code[:4], []).append(code)
    cells = _voronoi_split(region_geoms, seeds)
    district_geoms = {}
    for code, uz, ru, en, _lon, _lat in DISTRICTS:
        region_code = code[:4]
        geom = cells[(region_code, order[region_code].index(code))]
        district_geoms[code] = geom
        is_city = code[4] == "4"
        territory.districts.append(TerritoryRow(code, {
            "code": code,
            "name_uz": f"{uz} {'shahri' if is_city else 'tumani'}",
            "name_uz_cyrl": f"{to_cyrillic(uz)} {'шаҳри' if is_city else 'тумани'}",
            "name_ru": f"город {ru}" if is_city else ru,
            "name_en": f"{en} {'City' if is_city else 'District'}",
            "kind": District.Kind.CITY if is_city else District.Kind.DISTRICT,
            "boundary": geom,
        }, parent_code=region_code))

    rng = random.Random(f"demo-territory:{seed}")
    areas = {code: _area_km2(geom) for code, geom in district_geoms.items()}
    counts = _mahalla_counts(mahallas, territory.districts, areas, rng, guaranteed or {})
    territory.mahallas = _mahallas_build(district_geoms, counts, seed)
    return territory


def _mahallas_build(district_geoms: dict[str, GEOSGeometry], counts: dict[str, int],
                    seed: int) -> list[TerritoryRow]:
    codes = sorted(code for code, n in counts.items() if n > 0)
    # One random stream per district, so a district's mahallas do not depend on how many the others got.
    points = {code: _random_points(district_geoms[code], counts[code],
                                   random.Random(f"demo-points:{seed}:{code}"))
              for code in codes}
    cells = _voronoi_split(district_geoms, points)
    for _ in range(LLOYD_ITERATIONS):
        points = {code: [_relaxed(cells[(code, i)]) for i in range(len(pts))] for code, pts in points.items()}
        cells = _voronoi_split(district_geoms, points)

    rows: list[TerritoryRow] = []
    serial: Counter = Counter()
    for code in codes:
        region_code = code[:4]
        district_cells = [cells[(code, i)] for i in range(counts[code])]
        # Number mahallas from north-west to south-east, as a paper register would list them.
        district_cells.sort(key=lambda g: (-round(g.point_on_surface.y, 2), g.point_on_surface.x))
        rng = random.Random(f"demo-mahallas:{seed}:{code}")
        names = _mahalla_names(len(district_cells), rng)
        dense = region_code == "1726" or code[4] == "4"
        for geom, name in zip(district_cells, names, strict=True):
            serial[region_code] += 1
            if serial[region_code] > 9999:
                raise DemoTerritoryError(f"too many mahallas for region {region_code}'s 4-digit serials")
            population = rng.randint(3500, 12000) if dense else int(rng.triangular(800, 9000, 2800))
            population = round(population, -1)
            mahalla_code = f"{region_code}{serial[region_code]:04d}"
            rows.append(TerritoryRow(mahalla_code, {
                "code": mahalla_code,
                "name_uz": f"{name} MFY",
                "name_uz_cyrl": f"{to_cyrillic(name)} МФЙ",
                "name_ru": f"МСГ «{to_russian(name)}»",
                "name_en": f"{_ascii(name)} mahalla",
                "population": population,
                "households": round(population / 4.5),
                "boundary": geom,
            }, parent_code=code))
    return rows


def _mahalla_names(count: int, rng: random.Random) -> list[str]:
    """`count` names for one district; a name used again there gets a number, as real registers do."""
    names: list[str] = []
    used: Counter = Counter()
    while len(names) < count:
        for word in rng.sample(MAHALLA_WORDS, min(len(MAHALLA_WORDS), count - len(names))):
            used[word] += 1
            names.append(word if used[word] == 1 else f"{word}-{used[word]}")
    return names


# --- writing -----------------------------------------------------------------------------------------------

def _same(a, b) -> bool:
    if isinstance(a, GEOSGeometry) or isinstance(b, GEOSGeometry):
        return a is not None and b is not None and a.srid == b.srid and bytes(a.ewkb) == bytes(b.ewkb)
    return a == b


def _upsert(model, rows: list[dict], counts: SyncCounts) -> dict[str, int]:
    """Create missing rows and update changed ones, by code; rows that are already right are not touched."""
    existing = {obj.code: obj for obj in model.objects.filter(code__in=[r["code"] for r in rows])}
    now = timezone.now()
    to_create, to_update, changed_fields = [], [], set()
    for values in rows:
        obj = existing.get(values["code"])
        if obj is None:
            to_create.append(model(**values))
            continue
        changed = [name for name, value in values.items() if not _same(getattr(obj, name), value)]
        if changed:
            for name in changed:
                setattr(obj, name, values[name])
            obj.updated_at = now
            changed_fields.update(changed)
            to_update.append(obj)
    model.objects.bulk_create(to_create, batch_size=500)
    if to_update:
        model.objects.bulk_update(to_update, sorted(changed_fields | {"updated_at"}), batch_size=500)
    label = model._meta.model_name
    counts.created[label] += len(to_create)
    counts.updated[label] += len(to_update)
    return dict(model.objects.filter(code__in=[r["code"] for r in rows]).values_list("code", "id"))


def demo_territory_sync(*, territory: DemoTerritory, counts: SyncCounts) -> dict[str, int]:
    """Upsert the demo regions, districts and mahallas; returns mahalla ids by code. Deletes nothing."""
    region_ids = _upsert(Region, [r.values for r in territory.regions], counts)
    district_ids = _upsert(District, [{**r.values, "region_id": region_ids[r.parent_code]}
                                      for r in territory.districts], counts)
    return _upsert(Mahalla, [{**r.values, "district_id": district_ids[r.parent_code]}
                             for r in territory.mahallas], counts)


def demo_mahallas_prune(*, territory: DemoTerritory, counts: SyncCounts) -> None:
    """Delete mahallas in demo districts that this run did not generate (left by a run with more mahallas)."""
    stale = (Mahalla.objects.filter(district__code__in=[r.code for r in territory.districts])
             .exclude(code__in=[r.code for r in territory.mahallas]))
    try:
        _, deleted = stale.delete()
    except ProtectedError as exc:
        raise DemoTerritoryError(
            f"{stale.count()} mahallas from an earlier demo load are still referenced by other data, so they "
            "cannot be removed; load the demo with at least as many mahallas, or into a fresh database."
        ) from exc
    counts.deleted["mahalla"] += deleted.get(Mahalla._meta.label, 0)
