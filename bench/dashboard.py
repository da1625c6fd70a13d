"""Dashboards at national scale: pre-aggregate rebuild time and p95 latency of the dashboard and its API.

Seeds its own database (refuses a DATABASE_URL whose name lacks "bench"): `load_demo --mahallas 9000`, then
1,000,000 incidents, 5,000,000 camera alerts and 500,000 field visits by set-based INSERT ... SELECT
generate_series, zone statuses for the periods shown (zones' own national recompute), and the dashboards'
pre-aggregates (`dashboards_rebuild`, timed). Then it asks, in-process through Django's test Client (every
middleware, session, two-factor check, serialization; no network), for the national dashboard page and each
data endpoint as the national user, for the current quarter, the current year and a custom range with
partial edge months: warm-up requests, then N measured requests each. Results are cached in Redis, as in
production; the "cold" columns clear this benchmark's cached dashboard results before every request (the map's
simplified outlines, cached apart for as long as no boundary changes, stay; the last line clears them too).

    DATABASE_URL=postgis://postgres@127.0.0.1:5432/ms_bench_dashboard CACHE_KEY_PREFIX=ms_bench_dashboard \\
        .venv/bin/python bench/dashboard.py

Options: --reseed, --seed-only, --no-rebuild, --requests N (default 200), --warmup N (default 20),
--cold N (default 20).
Target: p95 < 200 ms, warm and cold.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path
from urllib.parse import urlparse

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mahalla_safety.settings")
os.environ.setdefault("API_RATE_USER", "1000000/min")

MAHALLAS = 9000
INCIDENTS = 1_000_000
ALERTS = 5_000_000
VISITS = 500_000
TARGET_P95_MS = 200
# Paths through the workflow (bench.seed_history.PATHS) and their shares: 60% counted (registered, or closed
# after registration), so ~54% of all incidents are counted crimes (10% are administrative offences).
SHARES = [("registered", 0.25), ("closed_registered", 0.35), ("deregistered", 0.02), ("closed_unregistered", 0.13),
          ("unfounded", 0.10), ("reported", 0.10), ("referred", 0.05)]
# Relative frequencies of the seeded categories (cybercrime ~44%, nearly all bank-card related).
CATEGORY_WEIGHTS = {"cyber-bank-card": 30, "cyber-phishing": 8, "cyber-sms-code": 4, "cyber-marketplace": 2,
                    "drug-trafficking": 3, "drug-possession": 4, "theft": 20, "robbery": 4, "fraud": 8,
                    "assault": 5, "domestic-violence": 5, "hooliganism": 5, "other": 2}


def ensure_database(url: str) -> None:
    import psycopg

    parsed = urlparse(url)
    name = parsed.path.lstrip("/")
    if "bench" not in name:
        sys.exit(f"refusing to seed database {name!r}: its name must contain 'bench'")
    connect = {"host": parsed.hostname, "port": parsed.port or 5432, "user": parsed.username,
               "password": parsed.password, "autocommit": True}
    admin = psycopg.connect(dbname="postgres", **connect)
    if not admin.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
        admin.execute(f'CREATE DATABASE "{name}"')
    admin.close()
    db = psycopg.connect(dbname=name, **connect)
    db.execute("CREATE EXTENSION IF NOT EXISTS postgis")
    db.close()


def seed(*, incidents: int, alerts: int, visits: int, since: str = "2024-07-01") -> dict[str, float]:
    """Set-based seeding of the base tables (also used by the dashboards' smoke runs on a small scale)."""
    from django.db import connection

    from bench.seed_history import history_columns, path_case, write_histories

    timings = {}
    with connection.cursor() as cursor:
        cursor.execute("SELECT code, id FROM incidents_incidentcategory")
        ids = dict(cursor.fetchall())
        weighted = [ids[code] for code, w in CATEGORY_WEIGHTS.items() for _ in range(w)]
        cursor.execute("SELECT count(*) FROM mahallas_mahalla")
        n = cursor.fetchone()[0]
        start = f"timestamptz '{since} 00:00+05'"
        window = f"{start} + random() * (now() - interval '2 hours' - {start})"
        started = time.monotonic()
        # Crimes concentrate: the mahalla index is drawn as n * u^2.2, so many mahallas have none in a quarter.
        # Every incident went its own way through the workflow (SHARES), with its status history.
        columns = history_columns(path="g.path", reported="g.at + interval '1 hour'", draw="g.d", n="g.g")
        cursor.execute(f"""
            WITH m AS (SELECT array_agg(id ORDER BY population DESC, id) AS ids FROM mahallas_mahalla),
                 u AS (SELECT min(id) AS id FROM accounts_user),
                 g AS (SELECT g, 1 + floor({n} * power(random(), 2.2))::int AS mi, {window} AS at, random() AS r,
                              random() AS f, random() AS d
                       FROM generate_series(1, {incidents}) g),
                 h AS (SELECT g.*, {path_case("g.r", SHARES)} AS path FROM g)
            INSERT INTO incidents_incident (mahalla_id, occurred_at, reported_at, category_id, legal_kind, source,
                                            minor_involved, youth_involved, woman_victim, description, status,
                                            registered_at, outcome, version, updated_at, created_by_id, created_at)
            SELECT m.ids[g.mi], g.at, g.at + interval '1 hour', (%s::bigint[])[1 + g.g %% {len(weighted)}],
                   CASE WHEN g.g %% 10 = 0 THEN 'administrative' ELSE 'crime' END, 'inspector',
                   g.f < 0.06, g.f < 0.2, g.f > 0.85, '', {columns},
                   u.id, g.at + interval '1 hour'
            FROM h AS g, m, u ORDER BY g.at""", [weighted])  # noqa: S608 - constants of this module only
        write_histories(cursor)
        timings["incidents"] = time.monotonic() - started
        started = time.monotonic()
        cursor.execute(f"""
            WITH m AS (SELECT array_agg(id ORDER BY id) AS ids, array_agg(district_id ORDER BY id) AS ds
                       FROM mahallas_mahalla),
                 g AS (SELECT g, 1 + floor({n} * random())::int AS mi, {window} AS at, random() AS r
                       FROM generate_series(1, {alerts}) g)
            INSERT INTO surveillance_alert (vendor, natural_key, device_id, channel, device_ip, device_name,
                event_type, label, confidence, started_at, zones, mahalla_id, district_id, is_urgent, status,
                route_reason, dismiss_reason, review_note, created_at, updated_at)
            SELECT 'generic', 'bench-' || g.g, 'cam-' || g.mi, 1, '', '', 'linedetection', 'person', 0.8, g.at,
                   '{{}}', m.ids[g.mi], m.ds[g.mi], g.r < 0.02,
                   CASE WHEN g.r < 0.10 THEN 'confirmed' WHEN g.r < 0.55 THEN 'dismissed'
                        WHEN g.r < 0.65 THEN 'filtered' WHEN g.r < 0.70 THEN 'escalated' ELSE 'routed' END,
                   'matched', CASE WHEN g.r >= 0.10 AND g.r < 0.55 THEN 'false positive' ELSE '' END, '',
                   g.at, g.at
            FROM g, m ORDER BY g.at""")  # noqa: S608
        timings["alerts"] = time.monotonic() - started
        started = time.monotonic()
        cursor.execute(f"""
            WITH m AS (SELECT array_agg(id ORDER BY id) AS ids FROM mahallas_mahalla),
                 u AS (SELECT min(id) AS id FROM accounts_user),
                 g AS (SELECT g, 1 + floor({n} * random())::int AS mi, {window} AS at
                       FROM generate_series(1, {visits}) g)
            INSERT INTO incidents_fieldvisit (mahalla_id, by_id, kind, visited_at, address_or_household,
                people_reached, topics, notes, outcome, client_uuid, created_at)
            SELECT m.ids[g.mi], u.id, 'household', g.at, '', 3, '{{}}', '', '', gen_random_uuid(), g.at
            FROM g, m, u ORDER BY g.at""")  # noqa: S608
        timings["visits"] = time.monotonic() - started
        cursor.execute("ANALYZE incidents_incident; ANALYZE surveillance_alert; ANALYZE incidents_fieldvisit")
    return timings


def prepare(reseed: bool) -> None:
    from django.core.management import call_command
    from django.db import connection

    from mahallas.models import Mahalla

    call_command("migrate", verbosity=0)
    if Mahalla.objects.count() < MAHALLAS:
        started = time.monotonic()
        call_command("load_demo", mahallas=MAHALLAS, verbosity=0)
        print(f"load_demo --mahallas {MAHALLAS}: {time.monotonic() - started:.1f} s")
    with connection.cursor() as cursor:
        if reseed:
            cursor.execute("TRUNCATE zones_mahallastatus, zones_colourchange, zones_periodthreshold, "
                           "zones_dirtymahalla, zones_recomputerun")
            cursor.execute("DELETE FROM incidents_incidenttransition")
            cursor.execute("DELETE FROM incidents_incidentchangerequest")
            cursor.execute("DELETE FROM surveillance_alert")
            cursor.execute("DELETE FROM incidents_incident")
            cursor.execute("DELETE FROM incidents_fieldvisit")
        cursor.execute("SELECT count(*) FROM incidents_incident")
        seeded = cursor.fetchone()[0] >= INCIDENTS
    if not seeded:
        timings = seed(incidents=INCIDENTS, alerts=ALERTS, visits=VISITS)
        print("seeded " + ", ".join(f"{k} {v:.1f} s" for k, v in timings.items()))
        from core.periods import Period, today
        from zones.services import status_recompute_national

        day = today()
        periods = {Period.current(on=day), *Period.containing(day)}
        for p in list(periods):
            periods.add(p.previous()) if not p.is_current else None
        started = time.monotonic()
        status_recompute_national(periods=periods)
        print(f"zone statuses for {len(periods)} periods: {time.monotonic() - started:.1f} s")


def rebuild() -> float:
    from dashboards.stats import stats_rebuild

    return stats_rebuild().seconds


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q * (len(ordered) - 1))))]


def measure(requests: int, warmup: int, cold: int) -> list[tuple]:
    from django.conf import settings
    from django.test import Client
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from accounts.models import Role, User
    from mahalla_safety.startup import freeze_loaded_objects

    # As a web process does on start (mahalla_safety/wsgi.py).
    freeze_loaded_objects()
    # The manifest storage needs collectstatic; the page's static URLs are not what is measured.
    settings.STORAGES = {**settings.STORAGES,
                         "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}
    user, _ = User.objects.get_or_create(username="bench-dashboard", defaults={"role": Role.NATIONAL})
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first() or \
        TOTPDevice.objects.create(user=user, name="bench", confirmed=True)
    client = Client()
    client.force_login(user)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    now = time.localtime()
    quarter = f"Q{(now.tm_mon - 1) // 3 + 1}-{now.tm_year}"
    year = str(now.tm_year)
    # Ten months and a half: partial months at both edges, whole months between.
    custom = f"custom&from={now.tm_year - 1}-11-17&to={now.tm_year}-09-12"
    endpoints = [("page", "/dashboards/?"), ("api tiles", "/api/v1/dashboards/tiles/?"),
                 ("api table", "/api/v1/dashboards/table/?"), ("api trend", "/api/v1/dashboards/trend/?"),
                 ("api categories", "/api/v1/dashboards/categories/?"),
                 ("api ranking", "/api/v1/dashboards/ranking/?"),
                 ("api map (zoom 6)", "/api/v1/dashboards/map/?zoom=6&")]
    urls = [(f"{label}, {name}", f"{path}period={key}", False)
            for label, path in endpoints for name, key in (("quarter", quarter), ("year", year), ("custom", custom))]
    urls.append(("api map (zoom 6), year, outlines cold too", f"/api/v1/dashboards/map/?zoom=6&period={year}", True))
    results = []
    for label, url, outlines in urls:
        cold_times = []
        for _ in range(cold):
            _clear_dash_keys(outlines=outlines)
            started = time.perf_counter()
            response = client.get(url, HTTP_ACCEPT_ENCODING="gzip")
            cold_times.append(time.perf_counter() - started)
            assert response.status_code == 200, (url, response.status_code)
        for _ in range(warmup):
            client.get(url, HTTP_ACCEPT_ENCODING="gzip")
        times = []
        for _ in range(requests if not outlines else 1):
            started = time.perf_counter()
            response = client.get(url, HTTP_ACCEPT_ENCODING="gzip")
            times.append(time.perf_counter() - started)
            assert response.status_code == 200, (url, response.status_code)
        results.append((label, len(response.content), statistics.median(times) * 1000,
                        percentile(times, 0.95) * 1000,
                        statistics.median(cold_times) * 1000 if cold_times else None,
                        percentile(cold_times, 0.95) * 1000 if cold_times else None))
    return results


def _clear_dash_keys(*, outlines: bool = False) -> None:
    """Delete this benchmark's cached dashboard results (only keys under its own prefix); with `outlines`, the
    map's cached simplified outlines too."""
    from django.core.cache import cache

    prefix = os.environ.get("CACHE_KEY_PREFIX", "ms")
    client = cache._cache.get_client()  # noqa: SLF001 - bench-only
    keys = list(client.scan_iter(match=f"{prefix}:*:dash:*"))
    if outlines:
        from dashboards import maps

        keys += list(client.scan_iter(match=f"{prefix}:*:dash-geometry:*"))
        maps._heads.clear()  # noqa: SLF001 - the feature heads this process keeps
    if keys:
        client.delete(*keys)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--reseed", action="store_true")
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--warmup", type=int, default=20)
    parser.add_argument("--cold", type=int, default=20)
    parser.add_argument("--no-rebuild", action="store_true",
                        help="measure against the pre-aggregates as they are (a quick re-run after a code change)")
    parser.add_argument("--seed-only", action="store_true",
                        help="seed and rebuild the pre-aggregates, measure nothing (run it under a shared lock)")
    args = parser.parse_args()
    url = os.environ.get("DATABASE_URL", "")
    ensure_database(url)
    if "bench" not in os.environ.get("CACHE_KEY_PREFIX", ""):
        sys.exit("set CACHE_KEY_PREFIX to a name containing 'bench': the cold runs delete that prefix's keys")

    import django

    django.setup()
    prepare(args.reseed)
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT (SELECT count(*) FROM mahallas_mahalla), (SELECT count(*) FROM incidents_incident), "
                       "(SELECT count(*) FROM surveillance_alert), (SELECT count(*) FROM incidents_fieldvisit)")
        counts = cursor.fetchone()
    print(f"data: {counts[0]:,} mahallas, {counts[1]:,} incidents, {counts[2]:,} alerts, {counts[3]:,} visits")
    seconds = rebuild() if not args.no_rebuild else 0.0
    with connection.cursor() as cursor:
        cursor.execute("SELECT (SELECT count(*) FROM dashboards_dailymahallastats), "
                       "(SELECT count(*) FROM dashboards_dailydistrictstats), "
                       "(SELECT count(*) FROM dashboards_dailydistrictcategory), "
                       "(SELECT count(*) FROM dashboards_monthlymahallastats), "
                       "(SELECT count(*) FROM dashboards_monthlydistrictstats), "
                       "(SELECT count(*) FROM dashboards_monthlydistrictcategory)")
        rows = cursor.fetchone()
        from dashboards.stats import ALL_TABLES

        # What autovacuum does within a minute of a bulk load (statistics, visibility map); the bench measures
        # now.
        for table in (*ALL_TABLES, "mahallas_mahalla", "zones_mahallastatus"):
            cursor.execute(f"VACUUM ANALYZE {table}")  # one statement each: VACUUM refuses a transaction
    print(f"dashboards_rebuild: {seconds:.1f} s -> {rows[0]:,} mahalla-days, {rows[1]:,} district-days, "
          f"{rows[2]:,} district-day-categories; {rows[3]:,} mahalla-months, {rows[4]:,} district-months, "
          f"{rows[5]:,} district-month-categories")
    started = time.monotonic()
    from dashboards.stats import mahallas_mark_dirty, stats_refresh_dirty
    from mahallas.models import Mahalla

    if not args.no_rebuild:
        mahallas_mark_dirty(Mahalla.objects.values_list("id", flat=True)[:50])
        stats_refresh_dirty()
        print(f"incremental refresh of 50 dirty mahallas: {(time.monotonic() - started) * 1000:.0f} ms")
    if args.seed_only:
        return

    from dashboards.tasks import WARM_ZOOMS, dashboards_map_warm

    started = time.monotonic()
    dashboards_map_warm()  # what the nightly rebuild enqueues
    print(f"map outlines for zooms {WARM_ZOOMS}: {time.monotonic() - started:.1f} s")
    results = measure(args.requests, args.warmup, args.cold)
    print()
    print(f"{'endpoint (national user)':44} {'bytes':>10} {'p50 ms':>8} {'p95 ms':>8} {'cold p50':>9} "
          f"{'cold p95':>9}  target p95 < {TARGET_P95_MS} ms")
    for label, size, p50, p95, cold50, cold95 in results:
        flag = "ok" if p95 < TARGET_P95_MS and (cold95 or 0) < TARGET_P95_MS else "SLOW"
        cold_text = f"{cold50:9.1f} {cold95:9.1f}" if cold95 is not None else f"{'-':>9} {'-':>9}"
        print(f"{label:44} {size:>10,} {p50:8.1f} {p95:8.1f} {cold_text}  {flag}")


if __name__ == "__main__":
    main()
