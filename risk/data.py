"""What the risk model reads, each in one set-based SQL statement: the mahallas (with centroids, areas and
population, never anything about people), their adjacency from the boundaries, the counted crimes as events with
the interval in which each was visible in the count, and the camera alerts a person confirmed.

A crime enters the count when it is registered (`registered_at`) and leaves it only by an approved change request
(de-registration or reopening to verification, which clears `registered_at`; see incidents.querysets). "As it stood
before week W" is therefore: registered before W began and not taken out before W began. The crimes counted now
carry their own `registered_at`; the ones taken out since are found through their approved change requests, which
record where and when the crime counted (`counted_mahalla`, `counted_occurred_at`) and when it left (`decided_at`);
the registration that put it in is the last transition to "registered" before the request. Approximation: an
approved correction (kind "edit": another mahalla, time or category) is read with today's values for all of
history, because the change request keeps only the requested fields, not a full timeline.
"""

from __future__ import annotations

import datetime
import itertools
from dataclasses import dataclass

import numpy as np
from django.db import connection, transaction

from incidents.querysets import category_group_sql, counted_sql

# Week index of a timestamp column relative to the first week's start (epoch seconds %(t0)s).
# date_part (double precision), not extract (numeric since PostgreSQL 14, several times slower over a million rows).
_WEEK_IDX = "floor((date_part('epoch', {col}) - %(t0)s) / 604800)::int8"
NEVER = 1 << 30  # "still visible": an index beyond any week
WEEK_BITS = 1 << 12  # week indexes packed in 12 bits (fewer than 4,096 weeks are ever loaded)
GROUP_BITS = 1 << 24


@dataclass
class Territory:
    ids: np.ndarray          # mahalla ids, ascending
    district: np.ndarray     # district id per mahalla
    population: np.ndarray   # residents (0 where unknown)
    x: np.ndarray            # centroid, km east (equirectangular at the mean latitude)
    y: np.ndarray            # centroid, km north
    area: np.ndarray         # km²

    @property
    def size(self) -> int:
        return len(self.ids)

    def index(self, mahalla_ids) -> np.ndarray:
        return np.searchsorted(self.ids, np.asarray(mahalla_ids, dtype=np.int64))


@dataclass
class Events:
    """Counted crimes, one entry per crime (`n` its count, 1): mahalla index, week occurred, category group and
    the weeks it was visible in: visible to the ranking of week t when `vfrom <= t <= vuntil` (t = index of the
    week being ranked)."""

    m: np.ndarray
    week: np.ndarray
    group: np.ndarray
    vfrom: np.ndarray
    vuntil: np.ndarray
    n: np.ndarray

    def select(self, mask) -> Events:
        return Events(*(a[mask] for a in (self.m, self.week, self.group, self.vfrom, self.vuntil, self.n)))


def load_territory() -> Territory:
    with connection.cursor() as cursor:
        cursor.execute("""
            WITH c AS (
                SELECT m.id, m.district_id, m.population,
                       coalesce(ST_PointOnSurface(m.boundary), ST_Centroid(d.boundary)) AS p,
                       ST_Area(m.boundary::geography) / 1e6 AS area
                FROM mahallas_mahalla m JOIN mahallas_district d ON d.id = m.district_id)
            SELECT id, district_id, population, coalesce(ST_X(p), 0), coalesce(ST_Y(p), 0), area FROM c ORDER BY id""")
        rows = cursor.fetchall()
    if not rows:
        empty = np.zeros(0)
        return Territory(np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64), empty, empty, empty, empty)
    a = np.array(rows, dtype=np.float64)
    lon, lat = a[:, 3], a[:, 4]
    lat0 = np.radians(np.median(lat))
    area = a[:, 5]
    # A mahalla without a boundary takes the median area (it is placed at its district's centre).
    known = ~np.isnan(area)
    area = np.where(known, area, np.median(area[known]) if known.any() else 1.0)
    return Territory(ids=a[:, 0].astype(np.int64), district=a[:, 1].astype(np.int64), population=a[:, 2],
                     x=lon * 111.32 * np.cos(lat0), y=lat * 110.57, area=np.maximum(area, 1e-6))


def load_adjacent_pairs(territory: Territory, tolerance_deg: float) -> np.ndarray:
    """Pairs (i, j), i < j, of mahallas whose boundaries touch or come within `tolerance_deg` (slivers and gaps of
    digitised boundaries), as indexes into `territory`."""
    with connection.cursor() as cursor:
        cursor.execute("""
            SELECT a.id, b.id FROM mahallas_mahalla a
            JOIN mahallas_mahalla b ON b.id > a.id AND ST_DWithin(a.boundary, b.boundary, %s)""", [tolerance_deg])
        rows = cursor.fetchall()
    if not rows:
        return np.zeros((0, 2), dtype=np.int64)
    return territory.index(np.array(rows, dtype=np.int64).ravel()).reshape(-1, 2)


def load_events(territory: Territory, first_week: datetime.datetime, end: datetime.datetime) -> Events:
    """Every counted crime (now or at some time before `end`) that occurred in [first_week, end)."""
    week = _WEEK_IDX.format(col="e.occurred_at")
    vfrom = _WEEK_IDX.format(col="e.registered_at")
    vuntil = _WEEK_IDX.format(col="e.left_at")
    sql = f"""
        WITH e AS (
            SELECT i.mahalla_id, i.occurred_at, i.category_id, i.registered_at, NULL::timestamptz AS left_at
            FROM incidents_incident i
            WHERE {counted_sql('i')} AND i.occurred_at >= %(start)s AND i.occurred_at < %(end)s
                  AND i.registered_at < %(end)s
            UNION ALL
            SELECT r.counted_mahalla_id, r.counted_occurred_at, i.category_id,
                   coalesce((SELECT max(t.at) FROM incidents_incidenttransition t
                             WHERE t.incident_id = r.incident_id AND t.to_status = 'registered'
                                   AND t.at <= r.requested_at), r.requested_at),
                   r.decided_at
            FROM incidents_incidentchangerequest r JOIN incidents_incident i ON i.id = r.incident_id
            WHERE r.status = 'approved' AND r.kind IN ('deregister', 'reopen') AND i.legal_kind = 'crime'
                  AND r.counted_occurred_at >= %(start)s AND r.counted_occurred_at < %(end)s
                  AND r.decided_at >= %(start)s)
        SELECT e.mahalla_id, array_agg({week} + {WEEK_BITS} * ({vfrom} + 1) + {GROUP_BITS} * {category_group_sql('c')}),
               array_agg(coalesce({vuntil}, {NEVER}))
        FROM e JOIN incidents_incidentcategory c ON c.id = e.category_id
        GROUP BY 1"""  # noqa: S608 (constants and column names only; values are parameters)
    # One row per mahalla with its crimes packed in integer arrays: a million crimes arrive as 9,000 rows, and
    # numpy unpacks them (a row per crime through the driver would take longer than the whole model).
    with transaction.atomic(), connection.cursor() as cursor:
        # The aggregate of a million crimes fits in memory: without this it sorts on disk, several times slower.
        cursor.execute("SET LOCAL work_mem = '256MB'")
        cursor.execute(sql, {"start": first_week, "end": end, "t0": first_week.timestamp()})
        rows = [row for row in cursor.fetchall() if row[0] is not None]
    lengths = np.fromiter((len(r[1]) for r in rows), dtype=np.int64, count=len(rows))
    total = int(lengths.sum())
    packed = np.fromiter(itertools.chain.from_iterable(r[1] for r in rows), dtype=np.int64, count=total)
    vuntil = np.fromiter(itertools.chain.from_iterable(r[2] for r in rows), dtype=np.int64, count=total)
    ids = np.repeat(np.array([r[0] for r in rows], dtype=np.int64), lengths)
    m = territory.index(ids)
    known = (m < territory.size) & (territory.ids[np.minimum(m, max(territory.size - 1, 0))] == ids) \
        if territory.size else np.zeros(total, dtype=bool)
    packed, vuntil, m = packed[known], vuntil[known], m[known]
    return Events(m=m, week=packed % WEEK_BITS, group=packed // GROUP_BITS, vfrom=(packed // WEEK_BITS) % WEEK_BITS,
                  vuntil=vuntil, n=np.ones(len(m), dtype=np.int64))


def load_confirmed_alerts(territory: Territory, first_week: datetime.datetime, end: datetime.datetime) -> Events:
    """Camera alerts a person confirmed, as events: the week the alert started, visible from the week after the
    review. Only counts per mahalla: nothing about a vehicle, an image or a person leaves the surveillance app here."""
    sql = f"""
        SELECT a.mahalla_id, {_WEEK_IDX.format(col='a.started_at')}, 0,
               {_WEEK_IDX.format(col='coalesce(a.reviewed_at, a.started_at)')} + 1, {NEVER}, count(*)
        FROM surveillance_alert a
        WHERE a.status = 'confirmed' AND a.mahalla_id IS NOT NULL
              AND a.started_at >= %(start)s AND a.started_at < %(end)s
              AND coalesce(a.reviewed_at, a.started_at) < %(end)s
        GROUP BY 1, 2, 3, 4, 5"""  # noqa: S608 (constants only)
    with connection.cursor() as cursor:
        cursor.execute(sql, {"start": first_week, "end": end, "t0": first_week.timestamp()})
        a = np.array(cursor.fetchall(), dtype=np.int64).reshape(-1, 6)
    m = territory.index(a[:, 0])
    return Events(m=m, week=a[:, 1], group=a[:, 2], vfrom=a[:, 3], vuntil=a[:, 4], n=a[:, 5])


def category_groups() -> dict[int, tuple[str, bool]]:
    """Group id -> (code, is cybercrime) for the top-level categories."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT id, code, is_cyber FROM incidents_incidentcategory WHERE parent_id IS NULL")
        return {row[0]: (row[1], bool(row[2])) for row in cursor.fetchall()}
