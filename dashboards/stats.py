"""Writes of the pre-aggregated tables (dashboards.models): set-based SQL only, never a loop over rows.

- `stats_rebuild()`: everything from the base tables (TRUNCATE + INSERT ... SELECT ... GROUP BY), then the
  monthly roll-ups from the daily rows; what `manage.py dashboards_rebuild` and the nightly beat job run.
- `stats_refresh(mahalla_ids)`: the same statements restricted to some mahallas (all their days and months)
  and the districts they belong to; what the Celery task runs for mahallas marked dirty.
- `mahallas_mark_dirty(ids)`: the receivers of incidents' and surveillance's signals mark mahallas in
  `DIRTY` (core.queue: rows in `dashboards_dirtymahalla`, a doorbell that wakes `stats_refresh_dirty`);
  `stats_sweep` marks the mahallas of rows changed since its watermark (field visits send no signal; a lost
  signal or a lost task message is caught the same way) and drains the marks itself.

Every refresh runs under one transaction-level advisory lock, so two workers never interleave their
DELETE/INSERT of the same rows, and bumps `RefreshState.version`, which the cache keys of the selectors carry.
"""

from __future__ import annotations

import datetime
import time
from collections.abc import Iterable
from dataclasses import dataclass

from django.db import connection, transaction
from django.utils import timezone

from core.queue import DirtyMahallas, Doorbell
from incidents.querysets import category_group_sql, counted_sql

from .models import DirtyMahalla, RefreshState

BANK_CARD_CODE = "cyber-bank-card"
# Alerts the district's rules filtered out never reached a person: they are not "camera alerts" here.
UNCOUNTED_ALERT_STATUS = "filtered"
TZ = "Asia/Tashkent"
LOCK_KEY = 804_117_2026
# The sweep re-reads a little before its watermark: a transaction that committed late with an earlier
# timestamp is still found.
SWEEP_OVERLAP = datetime.timedelta(minutes=5)
REFRESH_BATCH = 500
# Bursts (a batch of 1,000 alerts) ring once: the task drains every dirty mahalla it finds.
DOORBELL_SECONDS = 2
DIRTY = DirtyMahallas(DirtyMahalla._meta.db_table, Doorbell(
    "dashboards:doorbell", task="dashboards.tasks.dashboards_stats_refresh", seconds=DOORBELL_SECONDS,
    countdown=DOORBELL_SECONDS))

COUNTERS = ("crimes", "cyber", "bank_card", "drug", "minor", "youth", "woman", "alerts", "alerts_confirmed",
            "alerts_dismissed", "visits")


def _filter(column: str, restricted: bool) -> str:
    return f" AND {column} = ANY(%(ids)s)" if restricted else ""


def _mahalla_insert_sql(restricted: bool) -> str:
    return f"""
        INSERT INTO dashboards_dailymahallastats
            (mahalla_id, district_id, region_id, day, {", ".join(COUNTERS)})
        SELECT u.mahalla_id, m.district_id, d.region_id, u.day,
               {", ".join(f"sum(u.{c})" for c in COUNTERS)}
        FROM (
            SELECT i.mahalla_id, (i.occurred_at AT TIME ZONE '{TZ}')::date AS day,
                   1 AS crimes, c.is_cyber::int AS cyber,
                   (c.code = '{BANK_CARD_CODE}' OR coalesce(p.code = '{BANK_CARD_CODE}', false))::int AS bank_card,
                   c.is_drug::int AS drug, i.minor_involved::int AS minor, i.youth_involved::int AS youth,
                   i.woman_victim::int AS woman, 0 AS alerts, 0 AS alerts_confirmed,
                   0 AS alerts_dismissed, 0 AS visits
            FROM incidents_incident i
            JOIN incidents_incidentcategory c ON c.id = i.category_id
            LEFT JOIN incidents_incidentcategory p ON p.id = c.parent_id
            WHERE {counted_sql("i")}
                  {_filter("i.mahalla_id", restricted)}
            UNION ALL
            SELECT a.mahalla_id, (a.started_at AT TIME ZONE '{TZ}')::date, 0, 0, 0, 0, 0, 0, 0,
                   1, (a.status = 'confirmed')::int, (a.status = 'dismissed')::int, 0
            FROM surveillance_alert a
            WHERE a.mahalla_id IS NOT NULL AND a.status <> '{UNCOUNTED_ALERT_STATUS}'
                  {_filter("a.mahalla_id", restricted)}
            UNION ALL
            SELECT v.mahalla_id, (v.visited_at AT TIME ZONE '{TZ}')::date, 0, 0, 0, 0, 0, 0, 0,
                   0, 0, 0, 1
            FROM incidents_fieldvisit v
            WHERE true {_filter("v.mahalla_id", restricted)}
        ) u
        JOIN mahallas_mahalla m ON m.id = u.mahalla_id
        JOIN mahallas_district d ON d.id = m.district_id
        GROUP BY u.mahalla_id, m.district_id, d.region_id, u.day
        ORDER BY u.day, m.district_id, u.mahalla_id
    """  # noqa: S608 - constants only; ids go in params


def _district_insert_sql(restricted: bool) -> str:
    return f"""
        INSERT INTO dashboards_dailydistrictstats (district_id, region_id, day, {", ".join(COUNTERS)})
        SELECT district_id, min(region_id), day, {", ".join(f"sum({c})" for c in COUNTERS)}
        FROM dashboards_dailymahallastats
        WHERE true {_filter("district_id", restricted)}
        GROUP BY district_id, day
        ORDER BY day, district_id
    """  # noqa: S608


def _category_insert_sql(restricted: bool) -> str:
    return f"""
        INSERT INTO dashboards_dailydistrictcategory (district_id, region_id, day, category_id, crimes)
        SELECT m.district_id, d.region_id, (i.occurred_at AT TIME ZONE '{TZ}')::date,
               {category_group_sql("c")}, count(*)
        FROM incidents_incident i
        JOIN incidents_incidentcategory c ON c.id = i.category_id
        JOIN mahallas_mahalla m ON m.id = i.mahalla_id
        JOIN mahallas_district d ON d.id = m.district_id
        WHERE {counted_sql("i")}
              {_filter("m.district_id", restricted)}
        GROUP BY 1, 2, 3, 4
        ORDER BY 3, 1, 4
    """  # noqa: S608


def _monthly_insert_sql(*, unit: str, keys: tuple[str, ...], sums: tuple[str, ...], restricted: bool) -> str:
    """A monthly roll-up of one daily table: `keys` are grouped on, `sums` summed, rows restricted by `unit`."""
    return f"""
        INSERT INTO dashboards_monthly{unit} ({", ".join(keys)}, month, {", ".join(sums)})
        SELECT {", ".join(keys)}, date_trunc('month', day)::date, {", ".join(f"sum({c})" for c in sums)}
        FROM dashboards_daily{unit}
        WHERE true {_filter(keys[0], restricted)}
        GROUP BY {", ".join(keys)}, date_trunc('month', day)
        ORDER BY {len(keys) + 1}, {", ".join(keys)}
    """  # noqa: S608


def _monthly_mahalla_insert_sql(restricted: bool) -> str:
    return _monthly_insert_sql(unit="mahallastats", keys=("mahalla_id", "district_id", "region_id"), sums=COUNTERS,
                               restricted=restricted)


def _monthly_district_insert_sql(restricted: bool) -> str:
    return _monthly_insert_sql(unit="districtstats", keys=("district_id", "region_id"), sums=COUNTERS,
                               restricted=restricted)


def _monthly_category_insert_sql(restricted: bool) -> str:
    return _monthly_insert_sql(unit="districtcategory", keys=("district_id", "region_id", "category_id"),
                               sums=("crimes",), restricted=restricted)


# Rebuilt from scratch by stats_rebuild(); the monthly roll-ups are summed from the daily rows just written.
# Every insert is ordered by day (month): a period's rows then lie on few pages, and the map and the national
# figures read a range of days across the whole country.
ALL_TABLES = ("dashboards_dailymahallastats", "dashboards_dailydistrictstats", "dashboards_dailydistrictcategory",
              "dashboards_monthlymahallastats", "dashboards_monthlydistrictstats",
              "dashboards_monthlydistrictcategory")


def rollups_insert(cursor) -> None:
    """Every monthly row from the daily tables (the rebuild, and the migration that added the roll-ups)."""
    cursor.execute(_monthly_mahalla_insert_sql(False))
    cursor.execute(_monthly_district_insert_sql(False))
    cursor.execute(_monthly_category_insert_sql(False))


@dataclass
class RefreshResult:
    mahallas: int | None
    districts: int | None
    seconds: float


def _bump(cursor, *, rebuilt: bool) -> None:
    now = timezone.now()
    RefreshState.objects.get_or_create(id=1)
    cursor.execute(
        "UPDATE dashboards_refreshstate SET version = version + 1, refreshed_at = %s"  # noqa: S608 - constants
        + (", rebuilt_at = %s" if rebuilt else "") + " WHERE id = 1",
        [now, now] if rebuilt else [now])


@transaction.atomic
def stats_rebuild() -> RefreshResult:
    """Every pre-aggregated row from the base tables."""
    started = time.monotonic()
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(%s)", [LOCK_KEY])
        # National group-bys over millions of rows: let them hash in memory rather than spill to disk.
        cursor.execute("SET LOCAL work_mem = '256MB'")
        # The sweep's watermark moves to now: everything committed before this statement is included.
        cursor.execute("SELECT statement_timestamp()")
        started_at = cursor.fetchone()[0]
        cursor.execute("TRUNCATE " + ", ".join(ALL_TABLES))
        cursor.execute(_mahalla_insert_sql(False))
        cursor.execute(_district_insert_sql(False))
        cursor.execute(_category_insert_sql(False))
        rollups_insert(cursor)
        cursor.execute("DELETE FROM dashboards_dirtymahalla WHERE marked_at <= %s", [started_at])
        _bump(cursor, rebuilt=True)
        cursor.execute("UPDATE dashboards_refreshstate SET watermark = %s WHERE id = 1", [started_at])
    return RefreshResult(None, None, time.monotonic() - started)


@transaction.atomic
def stats_refresh(mahalla_ids: Iterable[int]) -> RefreshResult:
    """Recompute every day of these mahallas and the district totals of their districts."""
    started = time.monotonic()
    ids = sorted({int(i) for i in mahalla_ids})
    if not ids:
        return RefreshResult(0, 0, 0.0)
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(%s)", [LOCK_KEY])
        params = {"ids": ids}
        # Old rows name the district a mahalla was in; a mahalla moved to another district changes both.
        cursor.execute("DELETE FROM dashboards_dailymahallastats WHERE mahalla_id = ANY(%(ids)s) "
                       "RETURNING district_id", params)
        districts = {row[0] for row in cursor.fetchall()}
        cursor.execute("SELECT district_id FROM mahallas_mahalla WHERE id = ANY(%(ids)s)", params)
        districts |= {row[0] for row in cursor.fetchall()}
        cursor.execute(_mahalla_insert_sql(True), params)
        cursor.execute("DELETE FROM dashboards_monthlymahallastats WHERE mahalla_id = ANY(%(ids)s)", params)
        cursor.execute(_monthly_mahalla_insert_sql(True), params)
        district_params = {"ids": sorted(districts)}
        for table, insert in (("dailydistrictstats", _district_insert_sql),
                              ("dailydistrictcategory", _category_insert_sql),
                              ("monthlydistrictstats", _monthly_district_insert_sql),
                              ("monthlydistrictcategory", _monthly_category_insert_sql)):
            cursor.execute(f"DELETE FROM dashboards_{table} WHERE district_id = ANY(%(ids)s)",  # noqa: S608
                           district_params)
            cursor.execute(insert(True), district_params)
        _bump(cursor, rebuilt=False)
    return RefreshResult(len(ids), len(districts), time.monotonic() - started)


def mahallas_mark_dirty(mahalla_ids: Iterable[int], *, ring: bool = False) -> int:
    """Mark mahallas for the next refresh; `ring`: wake the refresh task once the transaction commits."""
    return DIRTY.mark(mahalla_ids, ring=ring)


def stats_refresh_dirty(*, batch: int = REFRESH_BATCH, max_batches: int = 20) -> int:
    """Refresh the mahallas marked dirty, in bounded batches; returns how many were refreshed."""
    # Claimed rows are deleted in the refresh's transaction: a crash rolls the claim back too.
    return sum(result.mahallas for result in DIRTY.drain(stats_refresh, batch=batch, max_batches=max_batches))


def stats_sweep() -> int:
    """Mark dirty every mahalla with an incident, alert or visit changed since the watermark, then refresh."""
    state, _ = RefreshState.objects.get_or_create(id=1)
    with connection.cursor() as cursor:
        cursor.execute("SELECT statement_timestamp()")
        now = cursor.fetchone()[0]
        # Never built: the sweep is no place for a national rebuild; the command or nightly job does it.
        since = (state.watermark or now) - SWEEP_OVERLAP
        cursor.execute("""
            INSERT INTO dashboards_dirtymahalla (mahalla_id, marked_at)
            SELECT mahalla_id, now() FROM (
                SELECT mahalla_id FROM incidents_incident WHERE updated_at >= %(since)s
                UNION SELECT mahalla_id FROM surveillance_alert
                      WHERE updated_at >= %(since)s AND mahalla_id IS NOT NULL
                UNION SELECT mahalla_id FROM incidents_fieldvisit WHERE created_at >= %(since)s
            ) changed
            ON CONFLICT (mahalla_id) DO NOTHING""", {"since": since})
        cursor.execute("UPDATE dashboards_refreshstate SET watermark = %s WHERE id = 1", [now])
    return stats_refresh_dirty()


def stats_version() -> int:
    with connection.cursor() as cursor:
        cursor.execute("SELECT version FROM dashboards_refreshstate WHERE id = 1")
        row = cursor.fetchone()
    return row[0] if row else 0
