"""Risk and hot spots at national scale (issue 18): weekly scoring, Gi* hot spots with 999 permutations and the
26-week backtest, each against a bare SQL count of the same window in the same run.

Seeds its own database (refuses a DATABASE_URL whose name lacks "bench"): 1 region, 90 districts, 9,000 square
mahallas on a 100 x 90 grid of touching 0.05-degree squares, and 1,000,000 counted crimes over the 93 weeks the
weekly run reads (a share cybercrime), skewed towards some mahallas (power-law draw) so there is something to find,
by set-based INSERT ... SELECT generate_series.

    DATABASE_URL=postgis://postgres@127.0.0.1:5432/ms_bench_risk .venv/bin/python bench/risk.py

Options: --reseed. Targets: scoring <= 10 s, hot spots <= 30 s, backtest <= 120 s.
"""

from __future__ import annotations

import argparse
import datetime
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mahalla_safety.settings")

from bench.fieldwork import ensure_database  # noqa: E402 - after the path

MAHALLAS = 9000
DISTRICTS = 90
INCIDENTS = 1_000_000
WEEK = datetime.date(2026, 11, 30)

SEED_SQL = [
    ("region", """
        INSERT INTO mahallas_region (code, name_uz, name_uz_cyrl, name_ru, name_en, updated_at)
        VALUES ('R000001', 'Viloyat', '', '', '', now())"""),
    ("districts", f"""
        INSERT INTO mahallas_district (code, name_uz, name_uz_cyrl, name_ru, name_en, updated_at, region_id, kind)
        SELECT 'R' || lpad(d::text, 6, '0'), 'Tuman ' || d, '', '', '', now(), r.id, 'district'
        FROM generate_series(1, {DISTRICTS}) d, mahallas_region r WHERE r.code = 'R000001'"""),  # noqa: S608
    ("mahallas", f"""
        WITH d AS (SELECT id, row_number() OVER (ORDER BY code) - 1 AS n FROM mahallas_district)
        INSERT INTO mahallas_mahalla (code, name_uz, name_uz_cyrl, name_ru, name_en, updated_at, district_id,
                                      population, households, boundary)
        SELECT 'R' || lpad(m::text, 7, '0'), 'Mahalla ' || m, '', '', '', now(), d.id,
               2000 + (m * 7919) % 6000, 400,
               ST_Multi(ST_MakeEnvelope(56 + (m % 100) * 0.05, 37 + (m / 100) * 0.05,
                                        56.05 + (m % 100) * 0.05, 37.05 + (m / 100) * 0.05, 4326))
        FROM generate_series(0, {MAHALLAS - 1}) m JOIN d ON d.n = m / 100"""),  # noqa: S608
    ("user", """
        INSERT INTO accounts_user (password, is_superuser, username, first_name, last_name, email, is_staff,
                                   is_active, date_joined, role, phone)
        VALUES ('!', false, 'bench-risk', 'Bench', 'Risk', '', false, true, now(), 'national', '')"""),
    # Mahalla: a power-law draw over the grid order (the first rows many crimes, most few: spatially clustered);
    # time uniform over
    # the 93 weeks before WEEK; registered within 2 days; one crime in 3 a cybercrime.
    ("incidents", f"""
        WITH m AS (SELECT array_agg(id ORDER BY id) AS ids FROM mahallas_mahalla),
             c AS (SELECT array_agg(id ORDER BY id) FILTER (WHERE NOT is_cyber) AS place,
                          array_agg(id ORDER BY id) FILTER (WHERE is_cyber) AS cyber
                   FROM incidents_incidentcategory),
             u AS (SELECT id FROM accounts_user WHERE username = 'bench-risk'),
             g AS (SELECT g, 1 + floor(power(random(), 3) * {MAHALLAS})::int AS mi,
                          TIMESTAMPTZ '{WEEK.isoformat()} 00:00+05' - random() * interval '651 days' AS at
                   FROM generate_series(1, {INCIDENTS}) g)
        INSERT INTO incidents_incident (mahalla_id, occurred_at, reported_at, category_id, legal_kind, source,
                                        minor_involved, youth_involved, woman_victim, description, status,
                                        registered_at, outcome, version, updated_at, created_by_id, created_at)
        SELECT m.ids[g.mi], g.at, g.at,
               CASE WHEN g.g % 3 = 0 THEN c.cyber[1 + g.g % array_length(c.cyber, 1)]
                    ELSE c.place[1 + g.g % array_length(c.place, 1)] END,
               'crime', 'inspector', false, false, false, '', 'registered', g.at + random() * interval '2 days',
               '', 1, now(), u.id, g.at
        FROM g, m, c, u ORDER BY g.at"""),  # noqa: S608
]


def seed(reseed: bool) -> None:
    from django.db import connection

    from incidents.models import Incident

    if not reseed and Incident.objects.count() >= INCIDENTS:
        print("data already seeded; --reseed to start over")
        return
    with connection.cursor() as cursor:
        for table in ("risk_riskscore", "risk_hotspot", "risk_backtest", "incidents_incident",
                      "mahallas_mahalla", "mahallas_district", "mahallas_region"):
            cursor.execute(f"DELETE FROM {table}")  # noqa: S608 - constant names
        cursor.execute("DELETE FROM accounts_user WHERE username = 'bench-risk'")
        for name, sql in SEED_SQL:
            started = time.perf_counter()
            cursor.execute(sql)
            print(f"seeded {name:<10} {cursor.rowcount:>9,} rows in {time.perf_counter() - started:6.1f} s")
        for table in ("mahallas_mahalla", "incidents_incident"):
            cursor.execute(f"VACUUM ANALYZE {table}")  # noqa: S608 - constant names


def bare_count(first, end) -> float:
    """The bare SQL of the same window: counted crimes per mahalla."""
    from django.db import connection

    from incidents.querysets import counted_sql

    started = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute(f"""SELECT i.mahalla_id, count(*) FROM incidents_incident i
                           WHERE {counted_sql('i')} AND i.occurred_at >= %s AND i.occurred_at < %s
                           GROUP BY 1""", [first, end])  # noqa: S608 - constants
        cursor.fetchall()
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--reseed", action="store_true")
    args = parser.parse_args()
    ensure_database(os.environ["DATABASE_URL"])
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    seed(args.reseed)

    import numpy as np

    from risk import hotspots, services, weeks
    from risk import weights as spatial
    from risk.data import Territory

    # esda's numba kernels compile on their first call in a process: compile them on 9 mahallas first.
    started = time.perf_counter()
    tiny = Territory(np.arange(9), np.zeros(9, int), np.ones(9), np.arange(9) % 3 * 1.0, np.arange(9) // 3 * 1.0,
                     np.ones(9))
    hotspots.getis_ord(np.arange(9.0), spatial.build(tiny, np.array([[0, 1], [1, 2], [3, 4], [4, 5], [6, 7],
                                                                      [7, 8], [0, 3], [3, 6], [1, 4], [4, 7],
                                                                      [2, 5], [5, 8]])))
    print(f"numba compilation (once per worker process): {time.perf_counter() - started:.1f} s")
    end = weeks.start(WEEK)
    loaded = bare_count(weeks.start(WEEK - services.LOADED_WEEKS * weeks.WEEK), end)
    twelve = bare_count(weeks.start(WEEK - 12 * weeks.WEEK), end)
    started = time.perf_counter()
    result = services.compute_week(WEEK)
    total = time.perf_counter() - started
    s = result.seconds
    print(f"weekly run, {result.mahallas} mahallas, {total:.1f} s in all; ranked by {result.ranked_by}, "
          f"{result.hot} hot / {result.cold} cold spots")
    print(f"bare SQL count, {services.LOADED_WEEKS} weeks: {loaded:.2f} s; 12 weeks: {twelve:.2f} s")
    print(f"scoring (load + scores + write): {s['load'] + s['scoring'] + s['write']:.1f} s "
          f"(load {s['load']:.1f}, scores {s['scoring']:.1f}, write {s['write']:.1f}); target 10 s")
    print(f"hot spots (Gi*, 999 permutations, FDR): {s['hotspots']:.1f} s; target 30 s")
    print(f"backtest (26 weeks x 3 methods): {s['backtest']:.1f} s; target 120 s")
    from risk.models import Backtest

    b = Backtest.objects.get(week=WEEK)
    for method, summary in b.results["methods"].items():
        print(f"  {method:<6} mean hit rate top 5/10/20 %: "
              + " / ".join(f"{summary['mean']['hit'][t]:.3f}" for t in ("5", "10", "20")))
    print(f"  difference model - count (top 10 %): {b.results['difference']}")


if __name__ == "__main__":
    main()
