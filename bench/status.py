"""Crime-free zone status at national scale: the full recompute, its SQL floor, and change-to-status latency.

Seeds its own database (refuses a DATABASE_URL whose name lacks "bench"): the demo territory with 9,000
mahallas (`load_demo --mahallas 9000`) and 1,000,000 incidents by one set-based INSERT ... SELECT generate_series
(~44% of all incidents cybercrime, most of it bank-card fraud; crimes concentrated in a minority of mahallas, as
in the ministry's figures). Every incident takes a path through the workflow (SHARES; bench/seed_history.py):
~25% of all incidents are counted crimes (registered, or closed after registration with an outcome), 2% were
de-registered; each has the status history (incidents_incidenttransition) of its path and the columns it left
(registered_at, outcome, version), all set-based. Then, in one run:

1. the full national recompute (`zones.recompute.status_recompute`, one SQL statement) for "current" and for
   H1-2025 in three states: cold (empty status table: 9,000 inserts), all rows changed, and nothing changed
   (the nightly steady state);
2. the floor: a bare INSERT ... SELECT count(*) ... GROUP BY ... ON CONFLICT DO UPDATE of the same counted crimes
   (incidents.querysets.counted_sql) into a scratch table, cold and warm, in the same run (same database, same
   indexes);

Each timed run of either starts from a vacuumed table, as autovacuum leaves it between two nightly runs (the
bench server may run with autovacuum off; then every run would measure the dead rows of the previous ones).
Each is measured twice: wall time (median of --runs) and the CPU time of the PostgreSQL backend that serves the
connection (/proc/<pid>/stat utime + stime in clock ticks, and /proc/<pid>/schedstat run time in nanoseconds;
minimum of --runs), which the machine's load disturbs less than wall time; the goals are judged by CPU time.
The bench must run on PostgreSQL's machine, as a user that may read the backend's /proc entry.
3. latency from one incident registered through the service (committed) to the mahalla's status showing it,
   with a real Celery worker (subprocess, solo pool) on Redis database 13: p50/p95 over 20 changes.

    DATABASE_URL=postgis://postgres@127.0.0.1:5432/ms_bench_status .venv/bin/python bench/status.py

Options: --reseed (delete the incidents and seed again), --runs N (default 7), --changes N (default 20).
Goals: recompute < 1 s; ratio to the floor by backend CPU time <= 1.5x for the half-year, <= 2x for the 90 days;
latency p95 < 2 s.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import time
import uuid
from pathlib import Path
from urllib.parse import urlparse

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mahalla_safety.settings")
# The benchmark process and its worker share Redis database 13 (broker and doorbell key) of the server that
# REDIS_URL names (default: the local one on 6379), nothing else.
BENCH_REDIS_URL = urlparse(os.environ.get("REDIS_URL") or "redis://127.0.0.1:6379/0")._replace(path="/13").geturl()
os.environ["REDIS_URL"] = BENCH_REDIS_URL
os.environ["CELERY_BROKER_URL"] = BENCH_REDIS_URL
os.environ["CACHE_KEY_PREFIX"] = f"bench-status-{uuid.uuid4().hex[:8]}"

MAHALLAS = 9000
INCIDENTS = 1_000_000
GOAL_SECONDS = 1.0
# Ratio to the floor by backend CPU time: the half-year is the whole national count; the 90 days add the
# statement's fixed part (9,000 mahallas, flags, stored rows) to a small count.
GOAL_RATIO = {"H1-2025": 1.5, "current": 2.0}
GOAL_LATENCY_P95 = 2.0

# Paths through the workflow (bench.seed_history.PATHS) and their shares; the counted ones (registered, closed
# after registration) are 28%, so ~25% of all incidents are counted crimes (10% are administrative offences).
SHARES = [("registered", 0.12), ("closed_registered", 0.16), ("deregistered", 0.02), ("unfounded", 0.30),
          ("referred", 0.15), ("closed_unregistered", 0.10), ("reported", 0.10), ("under_verification", 0.05)]

# Category weights out of 100 (DOMAIN.md: cybercrime ~44%, 98% of it bank-card related; methods by share).
CATEGORY_WEIGHTS = {
    "cyber-bank-card": 20, "cyber-phishing": 12, "cyber-sms-code": 5, "cyber-marketplace": 4,
    "cyber-online-loan": 2, "cyber-extortion": 1,
    "theft": 17, "fraud": 8, "hooliganism": 8, "domestic-violence": 7, "assault": 5, "drug-possession": 4,
    "drug-trafficking": 2, "robbery": 3, "other": 2,
}


def ensure_database(url: str) -> None:
    import psycopg

    parsed = urlparse(url)
    name = parsed.path.lstrip("/")
    if "bench" not in name:
        sys.exit(f"refusing to seed database {name!r}: its name must contain 'bench'")
    kwargs = {"host": parsed.hostname, "port": parsed.port or 5432, "user": parsed.username,
              "password": parsed.password, "autocommit": True}
    admin = psycopg.connect(dbname="postgres", **kwargs)
    if not admin.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
        admin.execute(f'CREATE DATABASE "{name}"')
    admin.close()
    db = psycopg.connect(dbname=name, **kwargs)
    db.execute("CREATE EXTENSION IF NOT EXISTS postgis")
    db.close()


def seed(reseed: bool) -> None:
    from django.core.management import call_command
    from django.db import connection

    from bench.seed_history import history_columns, path_case, write_histories
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
            cursor.execute("DELETE FROM incidents_incident")
        cursor.execute("SELECT count(*) FROM incidents_incident")
        if cursor.fetchone()[0] >= INCIDENTS:
            return
        cursor.execute("SELECT code, id FROM incidents_incidentcategory")
        ids = dict(cursor.fetchall())
        weighted = [ids[code] for code, w in CATEGORY_WEIGHTS.items() for _ in range(w)]
        started = time.monotonic()
        # Crimes concentrate: the mahalla index is drawn as 9000 * u^2.2, so many mahallas have none in a
        # quarter and a few have many. Every incident went its own way through the workflow (SHARES, 10% of
        # them administrative offences): ~25% of all incidents are counted crimes (registered, or closed after
        # registration), and its status history and the columns it left are written with it.
        columns = history_columns(path="g.path", reported="g.at + interval '1 hour'", draw="g.d", n="g.g")
        cursor.execute(f"""
            WITH m AS (SELECT array_agg(id ORDER BY population DESC, id) AS ids FROM mahallas_mahalla),
                 u AS (SELECT min(id) AS id FROM accounts_user),
                 g AS (SELECT g, 1 + floor({MAHALLAS} * power(random(), 2.2))::int AS mi,
                              timestamptz '2025-01-01 00:00+05' + random() * (now() - interval '1 hour'
                                  - timestamptz '2025-01-01 00:00+05') AS at,
                              random() AS r, random() AS d
                       FROM generate_series(1, {INCIDENTS}) g),
                 h AS (SELECT g.*, {path_case("g.r", SHARES)} AS path FROM g)
            INSERT INTO incidents_incident (mahalla_id, occurred_at, reported_at, category_id, legal_kind, source,
                                            minor_involved, youth_involved, woman_victim, description, status,
                                            registered_at, outcome, version, updated_at, created_by_id, created_at)
            SELECT m.ids[g.mi], g.at, g.at + interval '1 hour', (%s::bigint[])[1 + g.g %% {len(weighted)}],
                   CASE WHEN g.g %% 10 = 0 THEN 'administrative' ELSE 'crime' END, 'inspector',
                   false, false, false, '', {columns},
                   u.id, g.at + interval '1 hour'
            FROM h AS g, m, u ORDER BY g.at""", [weighted])  # noqa: S608 - constants of this module only
        write_histories(cursor)
        print(f"seeded {INCIDENTS:,} incidents in {time.monotonic() - started:.1f} s")


def vacuum(*tables: str) -> None:
    """What autovacuum does between two nightly recomputes in production. The bench server may run with
    autovacuum off; without this, every run leaves dead rows behind and the next one measures the bloat."""
    from django.db import connection

    with connection.cursor() as cursor:
        for table in tables:
            cursor.execute(f"VACUUM (ANALYZE) {table}")


def backend_pid() -> int:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        return cursor.fetchone()[0]


def backend_cpu_seconds(pid: int) -> tuple[float, float]:
    """CPU time so far of the PostgreSQL backend `pid`: user + system from /proc/<pid>/stat (clock ticks, 10 ms
    on this kernel), and the scheduler's own run time from /proc/<pid>/schedstat (nanoseconds), read because a
    50 ms floor is five ticks. The bench runs on PostgreSQL's machine. Neither statement timed here runs
    parallel workers (PostgreSQL plans no parallel query for a data-modifying statement): the backend is all."""
    stat = Path(f"/proc/{pid}/stat").read_text()
    fields = stat[stat.rindex(")") + 2:].split()  # after "pid (comm) ": state is field 3, utime 14, stime 15
    ticks = (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    return ticks, int(Path(f"/proc/{pid}/schedstat").read_text().split()[0]) / 1e9


def timed(fn, runs: int, before=None) -> tuple[list[float], list[float], list[float]]:
    """Wall, backend CPU (ticks) and backend CPU (scheduler ns) seconds of `runs` runs of `fn`, each in its own
    transaction (commit included)."""
    from django.db import transaction

    pid = backend_pid()
    walls, cpus, runtimes = [], [], []
    for _ in range(runs):
        if before:
            before()
        cpu, runtime = backend_cpu_seconds(pid)
        started = time.perf_counter()
        with transaction.atomic():
            fn()
        walls.append(time.perf_counter() - started)
        cpu_after, runtime_after = backend_cpu_seconds(pid)
        cpus.append(cpu_after - cpu)
        runtimes.append(runtime_after - runtime)
    return walls, cpus, runtimes


def execute(sql: str, params=()) -> None:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(sql, params)


def measure_recompute(period, runs: int) -> dict[str, tuple[float, float, float]]:
    """(median wall, minimum backend CPU by ticks, minimum backend CPU by the scheduler) seconds of each state of
    ours and of the floor."""
    from incidents.querysets import counted_sql
    from zones.recompute import status_recompute

    def ours():
        status_recompute(periods=[period], record=False)

    def clear():
        execute("DELETE FROM zones_colourchange WHERE period = %s", [period.key])
        execute("DELETE FROM zones_mahallastatus WHERE period = %s", [period.key])
        vacuum("zones_mahallastatus")

    def disturb():
        # Every row differs from what the recompute will find (and the colour stays: no events to write).
        execute("UPDATE zones_mahallastatus SET total = total + 1 WHERE period = %s", [period.key])
        vacuum("zones_mahallastatus")

    # The same counted crimes as ours, by the same rule (incidents.querysets.counted_sql).
    floor_sql = f"""
        INSERT INTO bench_status_floor (mahalla_id, period, n)
        SELECT i.mahalla_id, %s, count(*) FROM incidents_incident i
        WHERE {counted_sql("i")} AND i.occurred_at >= %s AND i.occurred_at < %s
        GROUP BY i.mahalla_id
        ON CONFLICT (mahalla_id, period) DO UPDATE SET n = EXCLUDED.n"""  # noqa: S608 - constants only
    execute("CREATE TABLE IF NOT EXISTS bench_status_floor (mahalla_id bigint, period varchar(10), n integer, "
            "PRIMARY KEY (mahalla_id, period))")

    def floor():
        execute(floor_sql, [period.key, period.starts, period.ends])

    def floor_clear():
        execute("DELETE FROM bench_status_floor WHERE period = %s", [period.key])
        vacuum("bench_status_floor")

    def floor_vacuum():
        vacuum("bench_status_floor")

    ours()  # warm the caches and the plan once
    floor()
    results = {
        "cold": timed(ours, runs, before=clear),
        "changed": timed(ours, runs, before=disturb),
        "unchanged": timed(ours, runs),
        "floor_cold": timed(floor, runs, before=floor_clear),
        "floor_warm": timed(floor, runs, before=floor_vacuum),
    }
    return {k: (statistics.median(walls), min(cpus), min(runtimes)) for k, (walls, cpus, runtimes) in results.items()}


def measure_latency(changes: int) -> list[float]:
    import redis
    from django.db import connection

    from accounts.models import Role, User
    from incidents.models import Incident, IncidentCategory
    from incidents.services import incident_create, incident_transition
    from mahallas.models import Mahalla
    from zones.models import MahallaStatus
    from zones.services import refresh_periods, status_recompute_national

    redis.Redis.from_url(BENCH_REDIS_URL).flushdb()
    status_recompute_national(periods=refresh_periods())  # every period's threshold stored, as in production
    region_id = Mahalla.objects.values_list("district__region_id", flat=True).first()
    by, _ = User.objects.get_or_create(username="bench-status-region",
                                       defaults={"role": Role.REGIONAL, "region_id": region_id})
    theft = IncidentCategory.objects.get(code="theft")
    targets = list(Mahalla.objects.filter(district__region_id=region_id).order_by("id")[:changes])

    db = connection.settings_dict
    env = {**os.environ, "DATABASE_URL": f"postgis://{db['USER']}:{db['PASSWORD'] or ''}@{db['HOST']}:"
                                         f"{db['PORT'] or 5432}/{db['NAME']}"}
    log = Path(os.environ.get("TMPDIR", "/tmp")) / f"bench-status-worker-{os.getpid()}.log"
    worker = subprocess.Popen(
        [str(Path(sys.executable).parent / "celery"), "-A", "mahalla_safety", "worker", "--pool", "solo",
         "--loglevel", "INFO", "--hostname", f"bench-status-{uuid.uuid4().hex[:6]}@%h", "--without-gossip",
         "--without-mingle", "--without-heartbeat"], env=env, cwd=ROOT, stdout=log.open("wb"),
        stderr=subprocess.STDOUT)
    latencies = []
    try:
        deadline = time.monotonic() + 60
        while b" ready." not in log.read_bytes():
            if time.monotonic() > deadline or worker.poll() is not None:
                sys.exit(f"worker did not start; see {log}")
            time.sleep(0.1)
        for mahalla in targets:
            before = MahallaStatus.objects.get(mahalla=mahalla, period="current").total
            incident = incident_create(by=by, mahalla=mahalla, category=theft,
                                       occurred_at=time_ago(hours=2))
            incident_transition(by=by, incident=incident, to_status=Incident.Status.UNDER_VERIFICATION)
            incident_transition(by=by, incident=incident, to_status=Incident.Status.REGISTERED)
            started = time.perf_counter()  # the registration has committed: the clock starts
            while MahallaStatus.objects.get(mahalla=mahalla, period="current").total == before:
                if time.perf_counter() - started > 30:
                    sys.exit(f"status did not follow within 30 s; see {log}")
                time.sleep(0.005)
            latencies.append(time.perf_counter() - started)
            time.sleep(0.3)  # changes a few hundred ms apart, not one burst (coalescing is tested elsewhere)
    finally:
        worker.terminate()
        worker.wait(20)
    return latencies


def time_ago(**kwargs):
    import datetime

    from django.utils import timezone

    return timezone.now() - datetime.timedelta(**kwargs)


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(p / 100 * len(ordered) + 0.5) - 1))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--reseed", action="store_true")
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--changes", type=int, default=20)
    args = parser.parse_args()
    url = os.environ.get("DATABASE_URL", "")
    ensure_database(url)

    import django

    django.setup()
    from django.db import connection

    from core.periods import Period
    from incidents.querysets import counted_sql

    seed(args.reseed)
    vacuum("incidents_incident", "mahallas_mahalla", "zones_mahallastatus")
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT count(*), count(*) FILTER (WHERE {counted_sql('i')}), "  # noqa: S608
                       "count(*) FILTER (WHERE i.status = 'closed' AND i.registered_at IS NOT NULL), "
                       "count(*) FILTER (WHERE i.status = 'deregistered') FROM incidents_incident i")
        total, crimes, closed, deregistered = cursor.fetchone()
        cursor.execute("SELECT count(*) FROM incidents_incidenttransition")
        transitions = cursor.fetchone()[0]
        cursor.execute("SELECT count(*) FROM mahallas_mahalla")
        mahallas = cursor.fetchone()[0]
    print(f"\n{mahallas:,} mahallas, {total:,} incidents ({transitions:,} status changes), {crimes:,} counted "
          f"crimes ({crimes / total:.1%}; {closed:,} closed after registration counted, {deregistered:,} "
          f"de-registered); wall: median of {args.runs}, backend CPU: minimum of {args.runs}")
    rows = []
    for key in ("current", "H1-2025"):
        m = measure_recompute(Period.parse(key), args.runs)
        rows.append((key, m))
    print(f"\n{'period':<9} {'':>5} {'cold':>8} {'changed':>8} {'unchanged':>9} {'floor cold':>10} "
          f"{'floor warm':>10} {'ratio':>6}")
    for key, m in rows:
        for label, i in (("wall", 0), ("cpu", 1), ("cpu-ns", 2)):
            print(f"{key:<9} {label:>5} {m['cold'][i]:>7.3f}s {m['changed'][i]:>7.3f}s {m['unchanged'][i]:>8.3f}s "
                  f"{m['floor_cold'][i]:>9.3f}s {m['floor_warm'][i]:>9.3f}s "
                  f"{m['changed'][i] / m['floor_warm'][i]:>5.2f}x")
    print("ratio = recompute with every row changed / floor warm (both update all their rows); cpu = backend "
          "utime + stime (/proc/<pid>/stat, 10 ms ticks), cpu-ns = backend run time (/proc/<pid>/schedstat)")
    print("\ngoals: recompute < 1 s (wall median, cold and all changed); ratio by backend CPU (min) "
          f"<= {GOAL_RATIO['H1-2025']}x for the half-year, <= {GOAL_RATIO['current']}x for the 90 days")
    for key, m in rows:
        ratio, precise = (m["changed"][i] / m["floor_warm"][i] for i in (1, 2))
        fast = max(m["cold"][0], m["changed"][0]) < GOAL_SECONDS
        print(f"{key:<9} < 1 s: {'met' if fast else 'MISSED'}; ratio {ratio:.2f}x <= {GOAL_RATIO[key]}x: "
              f"{'met' if ratio <= GOAL_RATIO[key] else 'MISSED'} (by the scheduler's ns: {precise:.2f}x, "
              f"{'met' if precise <= GOAL_RATIO[key] else 'MISSED'})")
    latencies = measure_latency(args.changes)
    p50, p95 = statistics.median(latencies), percentile(latencies, 95)
    print(f"\nchange -> status with a real worker, {len(latencies)} changes: p50 {p50:.3f} s, p95 {p95:.3f} s, "
          f"max {max(latencies):.3f} s  {'met' if p95 < GOAL_LATENCY_P95 else 'MISSED'} (p95 < 2 s)")


if __name__ == "__main__":
    main()
