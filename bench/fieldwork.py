"""Field-work list API at national scale: p95 latency of the incident and visit lists.

Seeds its own database (refuses a DATABASE_URL whose name lacks "bench"): 14 regions, 182 districts,
9,000 square mahallas, 9,000 inspectors with assignments, 500,000 incidents and 1,000,000 visits, all by
set-based INSERT ... SELECT generate_series (the ORM would take an hour). Then it asks the API, in-process
through Django's test Client (every middleware, session, authentication, throttling and serialization
included; no network), for the first page and for one filtered query, as a district official and as
national staff: warm-up requests, then N measured requests each.

    DATABASE_URL=postgis://postgres@127.0.0.1:5432/ms_bench_fieldwork .venv/bin/python bench/fieldwork.py

Options: --reseed (drop the seeded rows and seed again), --requests N (default 200), --warmup N (default 20).
Target: p95 < 150 ms.
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
# The benchmark is one user firing thousands of requests: not what the rate limit is for.
os.environ.setdefault("API_RATE_USER", "1000000/min")

from bench.seed_history import history_columns, path_case, write_histories  # noqa: E402 - after the path

MAHALLAS = 9000
REGIONS = 14
DISTRICTS_PER_REGION = 13
INCIDENTS = 500_000
VISITS = 1_000_000
TARGET_P95_MS = 150
# Paths through the workflow (bench.seed_history.PATHS), by the incident number modulo 16: 6 in 16 counted
# (registered, or closed after registration).
SHARES = [("reported", 2 / 16), ("under_verification", 2 / 16), ("registered", 4 / 16), ("closed_registered", 2 / 16),
          ("deregistered", 1 / 16), ("unfounded", 2 / 16), ("referred", 2 / 16), ("closed_unregistered", 1 / 16)]


def ensure_database(url: str) -> None:
    import psycopg

    name = urlparse(url).path.lstrip("/")
    if "bench" not in name:
        sys.exit(f"refusing to seed database {name!r}: its name must contain 'bench'")
    parsed = urlparse(url)
    admin = psycopg.connect(host=parsed.hostname, port=parsed.port or 5432, user=parsed.username,
                            password=parsed.password, dbname="postgres", autocommit=True)
    if not admin.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
        admin.execute(f'CREATE DATABASE "{name}"')
    admin.close()
    db = psycopg.connect(host=parsed.hostname, port=parsed.port or 5432, user=parsed.username,
                         password=parsed.password, dbname=name, autocommit=True)
    db.execute("CREATE EXTENSION IF NOT EXISTS postgis")
    db.close()


# Every statement is a constant built from the module's own integers: no input reaches it.
SEED_SQL = [
    ("regions", f"""
        INSERT INTO mahallas_region (code, name_uz, name_uz_cyrl, name_ru, name_en, updated_at)
        SELECT 'B' || lpad(r::text, 6, '0'), 'Viloyat ' || r, '', 'Область ' || r, 'Region ' || r, now()
        FROM generate_series(1, {REGIONS}) r"""),  # noqa: S608
    ("districts", f"""
        INSERT INTO mahallas_district (code, name_uz, name_uz_cyrl, name_ru, name_en, updated_at, region_id,
                                       kind)
        SELECT 'B' || lpad(r::text, 3, '0') || lpad(d::text, 3, '0'), 'Tuman ' || r || '-' || d, '',
               'Район ' || r || '-' || d, 'District ' || r || '-' || d, now(), reg.id, 'district'
        FROM generate_series(1, {REGIONS}) r CROSS JOIN generate_series(1, {DISTRICTS_PER_REGION}) d
        JOIN mahallas_region reg ON reg.code = 'B' || lpad(r::text, 6, '0')"""),  # noqa: S608
    # Incidents and visits are inserted in time order, as a live system appends them, so the heap is
# correlated with the time indexes the way production's is.
# Mahallas on a 100-wide grid of 0.08-degree squares; district i gets a contiguous run of them.
    ("mahallas", f"""
        WITH d AS (SELECT id, row_number() OVER (ORDER BY code) - 1 AS n, count(*) OVER () AS total
                   FROM mahallas_district WHERE code LIKE 'B%')
        INSERT INTO mahallas_mahalla (code, name_uz, name_uz_cyrl, name_ru, name_en, updated_at, district_id,
                                      population, households, boundary)
        SELECT 'B' || lpad(m::text, 7, '0'), 'Mahalla ' || m || ' MFY', '', 'Махалля ' || m, 'Mahalla ' || m,
               now(), d.id, 4000, 900,
               ST_Multi(ST_MakeEnvelope(56 + (m % 100) * 0.1 - 0.04, 37 + (m / 100) * 0.1 - 0.04,
                                        56 + (m % 100) * 0.1 + 0.04, 37 + (m / 100) * 0.1 + 0.04, 4326))
        FROM generate_series(0, {MAHALLAS - 1}) m
        JOIN d ON d.n = (m * d.total / {MAHALLAS})"""),  # noqa: S608
    ("inspectors", """
        INSERT INTO accounts_user (password, is_superuser, username, first_name, last_name, email, is_staff,
                                   is_active, date_joined, role, phone)
        SELECT '!', false, 'bench-insp-' || m.code, 'Inspector', m.code, '', false, true, now(), 'inspector',
               ''
        FROM mahallas_mahalla m WHERE m.code LIKE 'B%'"""),
    ("assignments", """
        INSERT INTO accounts_assignment (user_id, mahalla_id, role, is_primary, starts_on, created_at)
        SELECT u.id, m.id, 'inspector', true, DATE '2024-01-01', now()
        FROM mahallas_mahalla m JOIN accounts_user u ON u.username = 'bench-insp-' || m.code
        WHERE m.code LIKE 'B%'"""),
    ("incidents", f"""
        WITH m AS (SELECT array_agg(m.id ORDER BY m.id) AS ids, array_agg(a.user_id ORDER BY m.id) AS users
                   FROM mahallas_mahalla m JOIN accounts_assignment a ON a.mahalla_id = m.id
                   WHERE m.code LIKE 'B%'),
             c AS (SELECT array_agg(id ORDER BY id) AS ids FROM incidents_incidentcategory),
             g AS (SELECT g, 1 + floor(random() * {MAHALLAS})::int AS mi, now() - random() * interval '730 days' AS at,
                          random() AS d FROM generate_series(1, {INCIDENTS}) g),
             h AS (SELECT g.*, g.at + random() * interval '3 hours' AS reported,
                          {path_case("mod(g.g, 16) / 16.0", SHARES)} AS path FROM g)
        INSERT INTO incidents_incident (mahalla_id, occurred_at, reported_at, category_id, legal_kind, source,
                                        minor_involved, youth_involved, woman_victim, description, status,
                                        registered_at, outcome, version, updated_at, created_by_id, created_at)
        SELECT m.ids[g.mi], g.at, g.reported,
               c.ids[1 + floor(random() * array_length(c.ids, 1))::int],
               CASE WHEN g.g % 5 = 0 THEN 'administrative' ELSE 'crime' END,
               (ARRAY['inspector','citizen','duty_unit','camera_alert'])[1 + g.g % 4],
               g.g % 17 = 0, g.g % 7 = 0, g.g % 9 = 0,
               'Bench incident ' || g.g || ' reported near the bazaar',
               {history_columns(path="g.path", reported="g.reported", draw="g.d", n="g.g")},
               m.users[g.mi], g.at
        FROM h AS g, m, c ORDER BY g.at"""),  # noqa: S608
    ("visits", f"""
        WITH m AS (SELECT array_agg(m.id ORDER BY m.id) AS ids, array_agg(a.user_id ORDER BY m.id) AS users
                   FROM mahallas_mahalla m JOIN accounts_assignment a ON a.mahalla_id = m.id
                   WHERE m.code LIKE 'B%'),
             g AS (SELECT g, 1 + floor(random() * {MAHALLAS})::int AS mi,
                          now() - random() * interval '730 days' AS at FROM generate_series(1, {VISITS}) g)
        INSERT INTO incidents_fieldvisit (mahalla_id, by_id, kind, visited_at, address_or_household,
                                          people_reached, topics, notes, outcome, client_uuid, created_at)
        SELECT m.ids[g.mi], m.users[g.mi],
               (ARRAY['household','conversation','school','activists','patrol','legal_literacy',
                      'follow_up'])[1 + g.g % 7],
               g.at, 'Household ' || (g.g % 500), g.g % 30,
               ARRAY[(ARRAY['cyber_safety','drugs','domestic_violence','youth_employment',
                            'legal_literacy','other'])[1 + g.g % 6]]::varchar[],
               '', '', gen_random_uuid(), g.at
        FROM g, m ORDER BY g.at"""),  # noqa: S608
]

CLEAN_SQL = [
    "DELETE FROM incidents_fieldvisit", "DELETE FROM incidents_incidenttransition",
    "DELETE FROM incidents_incidentchangerequest", "DELETE FROM incidents_incident", "DELETE FROM accounts_assignment",
    "DELETE FROM otp_totp_totpdevice", "DELETE FROM django_session",
    "UPDATE accounts_user SET role = '', district_id = NULL "
    "WHERE username IN ('bench-district', 'bench-national')",
    "DELETE FROM accounts_user WHERE username LIKE 'bench-insp-%'",
    "DELETE FROM mahallas_mahalla WHERE code LIKE 'B%'", "DELETE FROM mahallas_district WHERE code LIKE 'B%'",
    "DELETE FROM mahallas_region WHERE code LIKE 'B%'",
]


def seed(reseed: bool) -> None:
    from django.db import connection

    from incidents.models import FieldVisit, Incident

    if not reseed and Incident.objects.count() >= INCIDENTS and FieldVisit.objects.count() >= VISITS:
        print("data already seeded; --reseed to start over")
        return
    with connection.cursor() as cursor:
        # The audit trail is append-only and protects the users it names, so the two signed-in personas are
        # kept (and re-pointed below); the inspectors never sign in and can go.
        for sql in CLEAN_SQL:
            cursor.execute(sql)
        for name, sql in SEED_SQL:
            started = time.perf_counter()
            cursor.execute(sql)
            print(f"seeded {name:<12} {cursor.rowcount:>9,} rows in {time.perf_counter() - started:6.1f} s")
            if name == "incidents":
                started = time.perf_counter()
                write_histories(cursor)
                print(f"seeded {'histories':<12} {'':>9} in {time.perf_counter() - started:6.1f} s")
        for table in ("mahallas_mahalla", "accounts_user", "accounts_assignment", "incidents_incident",
                      "incidents_fieldvisit"):
            cursor.execute(f"VACUUM ANALYZE {table}")


def personas():
    from accounts.models import Role, User
    from mahallas.models import District

    district = District.objects.filter(code__startswith="B").order_by("code").first()
    official, _ = User.objects.update_or_create(username="bench-district", defaults={
        "role": Role.DISTRICT, "district": district, "password": "!"})
    national, _ = User.objects.update_or_create(username="bench-national", defaults={
        "role": Role.NATIONAL, "password": "!"})
    return {"district official": official, "national staff": national}


def client_for(user):
    from django.test import Client
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    client = Client()
    client.force_login(user)
    if user.requires_two_factor:
        device = TOTPDevice.objects.filter(user=user).first() or TOTPDevice.objects.create(
            user=user, name="bench", confirmed=True)
        session = client.session
        session[DEVICE_ID_SESSION_KEY] = device.persistent_id
        session.save()
    return client


QUERIES = [
    ("incidents, first page", "/api/v1/incidents/"),
    ("incidents, status=registered", "/api/v1/incidents/?status=registered"),
    ("incidents, next page (cursor)", "next:/api/v1/incidents/"),
    ("visits, first page", "/api/v1/visits/"),
    ("visits, kind=school", "/api/v1/visits/?kind=school"),
    ("visits, next page (cursor)", "next:/api/v1/visits/"),
]


def measure(client, url: str, warmup: int, n: int) -> tuple[list[float], int]:
    if url.startswith("next:"):
        first = client.get(url[5:])
        assert first.status_code == 200, first.content[:300]
        url = first.json()["next"]
    timings, rows = [], 0
    for i in range(warmup + n):
        started = time.perf_counter()
        response = client.get(url)
        elapsed = (time.perf_counter() - started) * 1000
        assert response.status_code == 200, (url, response.status_code, response.content[:300])
        if i >= warmup:
            timings.append(elapsed)
        rows = len(response.json()["results"])
    return timings, rows


def p95(values: list[float]) -> float:
    return statistics.quantiles(values, n=100, method="inclusive")[94]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--reseed", action="store_true")
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--warmup", type=int, default=20)
    args = parser.parse_args()

    url = os.environ.get("DATABASE_URL", "")
    if not url:
        sys.exit("set DATABASE_URL to a dedicated database, e.g. .../ms_bench_fieldwork")
    ensure_database(url)

    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    seed(args.reseed)

    from incidents.models import FieldVisit, Incident
    from mahallas.models import District, Mahalla

    print(f"\ndata: {Mahalla.objects.count():,} mahallas in {District.objects.count():,} districts, "
          f"{Incident.objects.count():,} incidents, {FieldVisit.objects.count():,} visits")
    print(f"{args.warmup} warm-up + {args.requests} measured requests each, Django test Client in-process\n")
    header = f"{'user':<18} {'query':<32} {'rows':>4} {'p50 ms':>8} {'p95 ms':>8} {'max ms':>8}  target"
    print(header)
    print("-" * len(header))
    worst = 0.0
    for who, user in personas().items():
        client = client_for(user)
        for label, path in QUERIES:
            timings, rows = measure(client, path, args.warmup, args.requests)
            value = p95(timings)
            worst = max(worst, value)
            verdict = "ok" if value < TARGET_P95_MS else "SLOW"
            print(f"{who:<18} {label:<32} {rows:>4} {statistics.median(timings):>8.1f} {value:>8.1f} "
                  f"{max(timings):>8.1f}  {verdict}")
    print(f"\nworst p95: {worst:.1f} ms (target < {TARGET_P95_MS} ms)")
    return 0 if worst < TARGET_P95_MS else 1


if __name__ == "__main__":
    sys.exit(main())
