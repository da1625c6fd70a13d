"""Camera-alert ingest and processing: gunicorn + a real Celery worker + PostgreSQL + Redis, loopback only.

Uses its own database (refuses a DATABASE_URL whose name lacks "bench"; default ms_bench_ingest, created and
migrated if missing) and its own Redis database (BENCH_REDIS_URL, else REDIS_URL, else
redis://127.0.0.1:6379/14; flushed, so database 0 is refused).
Every loop is bounded. Measures, in one run:

  1. the floor: raw PostgreSQL INSERT rates into a table shaped like the raw-event table (one row per
     transaction; 1,000 rows per statement);
  2. single-alert POSTs per second (several client processes, no worker running);
  3. batched alerts accepted per second (POSTs of 1,000 alerts, no worker running);
  4. alerts processed per second by one worker (`celery worker --pool solo`) draining 2 and 3;
  5. POST -> processed latency (p50/p95/max) at a steady 200 alerts/s with the worker running.

    DATABASE_URL=postgis://postgres@127.0.0.1:5432/ms_bench_ingest REDIS_URL=redis://127.0.0.1:6379/14 \
        .venv/bin/python bench/ingest.py

Options: --singles N (default 3000), --batches N (default 30), --latency-seconds S (default 15),
--rate R (default 200), --gunicorn-workers N (default 3), --gunicorn-threads N (default 1: sync workers),
--port P (default 8765).
Goals: singles >= 300/s, batched >= 5,000/s, processed >= 2,000/s, p95 < 1 s.
"""

from __future__ import annotations

import argparse
import http.client
import json
import multiprocessing
import os
import signal
import statistics
import subprocess
import sys
import time
import uuid
from pathlib import Path
from urllib.parse import urlparse

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
DEFAULT_DB = "postgis://postgres@127.0.0.1:5432/ms_bench_ingest"
os.environ.setdefault("DATABASE_URL", DEFAULT_DB)
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mahalla_safety.settings")
BENCH_REDIS = os.environ.get("BENCH_REDIS_URL") or os.environ.get("REDIS_URL") or "redis://127.0.0.1:6379/14"
os.environ["REDIS_URL"] = os.environ["CELERY_BROKER_URL"] = BENCH_REDIS
# One integration firing thousands of requests: not what the per-token rate limit is for.
os.environ["SURVEILLANCE_INGEST_RATE"] = "100000000/min"
os.environ.setdefault("LOG_LEVEL", "WARNING")
CAMERAS = 50
GOALS = {"singles": 300, "batched": 5000, "processed": 2000, "p95_ms": 1000}


def ensure_database(url: str) -> None:
    import psycopg

    parsed = urlparse(url)
    name = parsed.path.lstrip("/")
    if "bench" not in name:
        sys.exit(f"refusing to use database {name!r}: its name must contain 'bench'")
    kwargs = {"host": parsed.hostname, "port": parsed.port or 5432, "user": parsed.username,
              "password": parsed.password}
    with psycopg.connect(dbname="postgres", autocommit=True, **kwargs) as admin:
        if not admin.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            admin.execute(f'CREATE DATABASE "{name}"')
    with psycopg.connect(dbname=name, autocommit=True, **kwargs) as db:
        db.execute("CREATE EXTENSION IF NOT EXISTS postgis")
    subprocess.run([sys.executable, "manage.py", "migrate", "--noinput", "-v", "0"], cwd=ROOT, check=True)


def seed() -> str:
    """Territory, cameras and an integration; empties the surveillance tables. Returns the token."""
    import django

    django.setup()
    from django.contrib.gis.geos import MultiPolygon, Polygon
    from django.db import connection

    from mahallas.models import District, Mahalla, Region
    from surveillance.models import Camera, Integration
    from surveillance.services.integrations import integration_create

    def square(lon, lat, half):
        return MultiPolygon(Polygon.from_bbox((lon - half, lat - half, lon + half, lat + half)), srid=4326)

    region, _ = Region.objects.get_or_create(code="IB00001", defaults={"name_uz": "Bench", "boundary": square(
        64, 41, 1)})
    district, _ = District.objects.get_or_create(code="IB00101", defaults={"name_uz": "Bench tumani",
                                                                           "region": region,
                                                                           "boundary": square(64, 41, 0.3)})
    mahalla, _ = Mahalla.objects.get_or_create(code="IB001001", defaults={"name_uz": "Bench MFY",
                                                                          "district": district,
                                                                          "boundary": square(64, 41, 0.05)})
    with connection.cursor() as cursor:
        cursor.execute("TRUNCATE surveillance_alertpicture, surveillance_rawevent, surveillance_alert, "
                       "surveillance_alertgroup RESTART IDENTITY CASCADE")
    from django.contrib.gis.geos import Point

    for i in range(CAMERAS):
        Camera.objects.get_or_create(vendor="generic", device_id=f"bench-cam-{i}", channel=1, defaults={
            "name": f"Bench {i}", "location": Point(64.0, 41.0, srid=4326), "mahalla": mahalla,
            "district": district})
    Integration.objects.filter(name__startswith="bench-").delete()
    _integration, token = integration_create(name=f"bench-{uuid.uuid4().hex[:8]}", district=district)
    connection.close()
    return token


def alert(event_id: str, i: int) -> dict:
    return {"event_id": event_id, "device_id": f"bench-cam-{i % CAMERAS}", "event_type": "loitering",
            "label": "person", "confidence": 0.8, "started_at": "2026-03-14T22:10:05+05:00"}


def _post(port: int, token: str, body: bytes) -> int:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    conn.request("POST", "/api/v1/surveillance/alerts/", body=body, headers={
        "Authorization": f"Bearer {token}", "Content-Type": "application/json"})
    response = conn.getresponse()
    response.read()
    conn.close()
    return response.status


def _client_singles(args) -> tuple[int, int]:
    port, token, prefix, count = args
    ok = 0
    for i in range(count):
        ok += _post(port, token, json.dumps(alert(f"{prefix}-{i}", i)).encode()) == 202
    return ok, count


def _client_batches(args) -> tuple[int, int]:
    port, token, prefix, batches, size = args
    ok = 0
    for b in range(batches):
        body = json.dumps({"alerts": [alert(f"{prefix}-{b}-{i}", i) for i in range(size)]}).encode()
        ok += size if _post(port, token, body) == 202 else 0
    return ok, batches * size


def _client_paced(args) -> dict[str, float]:
    """Open loop: request i is sent at start + i / rate, whatever the answers take. Returns event id -> sent."""
    port, token, prefix, rate, seconds, start = args
    sent = {}
    for i in range(int(rate * seconds)):
        delay = start + i / rate - time.time()
        if delay > 0:
            time.sleep(delay)
        event_id = f"{prefix}-{i}"
        sent[event_id] = time.time()
        _post(port, token, json.dumps(alert(event_id, i)).encode())
    return sent


def run_clients(function, jobs: list) -> tuple[list, float]:
    with multiprocessing.get_context("spawn").Pool(len(jobs)) as pool:
        started = time.perf_counter()
        results = pool.map(function, jobs)
        return results, time.perf_counter() - started


def floor(url: str) -> tuple[float, float]:
    """Raw PostgreSQL INSERT rates: one row per transaction, and 1,000 rows per statement."""
    import psycopg

    body = json.dumps(alert("x", 1)).encode()
    with psycopg.connect(url.replace("postgis://", "postgresql://"), autocommit=True) as db:
        db.execute("DROP TABLE IF EXISTS bench_floor")
        db.execute("CREATE TABLE bench_floor (id bigserial PRIMARY KEY, vendor varchar(16), content_type "
                   "varchar(200), body bytea, natural_key varchar(255), received_at timestamptz DEFAULT now(), "
                   "UNIQUE (vendor, natural_key))")
        n = 3000
        started = time.perf_counter()
        for i in range(n):
            db.execute("INSERT INTO bench_floor (vendor, content_type, body, natural_key) VALUES (%s, %s, %s, %s) "
                       "ON CONFLICT DO NOTHING", ["generic", "application/json", body, f"s{i}"])
        single = n / (time.perf_counter() - started)
        batches, size = 30, 1000
        values = ", ".join(["(%s, %s, %s, %s)"] * size)
        started = time.perf_counter()
        for b in range(batches):
            params = [v for i in range(size) for v in ("generic", "application/json", body, f"b{b}-{i}")]
            db.execute(f"INSERT INTO bench_floor (vendor, content_type, body, natural_key) VALUES {values} "  # noqa: S608
                       "ON CONFLICT DO NOTHING", params)
        batch = batches * size / (time.perf_counter() - started)
        db.execute("DROP TABLE bench_floor")
    return single, batch


def count_unprocessed(url: str) -> int:
    import psycopg

    with psycopg.connect(url.replace("postgis://", "postgresql://"), autocommit=True) as db:
        return db.execute("SELECT count(*) FROM surveillance_rawevent WHERE processed_at IS NULL").fetchone()[0]


def start_gunicorn(port: int, workers: int, threads: int) -> subprocess.Popen:
    process = subprocess.Popen(
        [str(ROOT / ".venv" / "bin" / "gunicorn"), "mahalla_safety.wsgi", "--bind", f"127.0.0.1:{port}",
         "--workers", str(workers), "--threads", str(threads), "--log-level", "warning"], cwd=ROOT,
        env=os.environ.copy())
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            conn.request("GET", "/healthz")
            conn.getresponse().read()
            return process
        except OSError:
            time.sleep(0.3)
    process.kill()
    sys.exit("gunicorn did not start")


def start_worker() -> subprocess.Popen:
    return subprocess.Popen(
        [str(ROOT / ".venv" / "bin" / "celery"), "-A", "mahalla_safety", "worker", "--pool", "solo", "--loglevel",
         "WARNING", "--hostname", f"bench-{uuid.uuid4().hex[:6]}@%h", "--without-gossip", "--without-mingle",
         "--without-heartbeat"], cwd=ROOT, env=os.environ.copy())


def stop(process: subprocess.Popen) -> None:
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(30)
        except subprocess.TimeoutExpired:
            process.kill()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--singles", type=int, default=3000)
    parser.add_argument("--batches", type=int, default=30)
    parser.add_argument("--latency-seconds", type=float, default=15)
    parser.add_argument("--rate", type=float, default=200)
    parser.add_argument("--gunicorn-workers", type=int, default=3)
    parser.add_argument("--gunicorn-threads", type=int, default=1)
    parser.add_argument("--port", type=int, default=8765)
    options = parser.parse_args()
    url = os.environ["DATABASE_URL"]
    ensure_database(url)
    import redis

    client = redis.Redis.from_url(BENCH_REDIS)
    if client.connection_pool.connection_kwargs.get("db", 0) == 0:
        sys.exit(f"refusing to flush Redis database 0 of {BENCH_REDIS}: give REDIS_URL a database of its own (/14)")
    client.flushdb()
    token = seed()
    rows = []

    single_floor, batch_floor = floor(url)
    rows.append(("PostgreSQL INSERT, 1 row per transaction (floor)", f"{single_floor:,.0f} rows/s", ""))
    rows.append(("PostgreSQL INSERT, 1,000 rows per statement (floor)", f"{batch_floor:,.0f} rows/s", ""))

    web = start_gunicorn(options.port, options.gunicorn_workers, options.gunicorn_threads)
    worker = None
    try:
        clients = 4
        # Steady state: every gunicorn worker opens its connections and loads its catalogs before the clock starts.
        run_clients(_client_singles, [(options.port, token, f"warm{c}", 5 * options.gunicorn_workers)
                                      for c in range(clients)])
        per = options.singles // clients
        results, elapsed = run_clients(_client_singles, [(options.port, token, f"s{c}", per) for c in range(clients)])
        ok = sum(r[0] for r in results)
        assert ok == per * clients, f"{per * clients - ok} single POSTs failed"
        singles = ok / elapsed
        rows.append((f"single-alert POSTs ({clients} clients, {ok} requests)", f"{singles:,.0f} /s",
                     f">= {GOALS['singles']}"))

        clients = 3
        per = max(1, options.batches // clients)
        results, elapsed = run_clients(_client_batches,
                                       [(options.port, token, f"b{c}", per, 1000) for c in range(clients)])
        accepted = sum(r[0] for r in results)
        assert accepted == per * clients * 1000, "some batch POSTs failed"
        batched = accepted / elapsed
        rows.append((f"batched alerts accepted ({clients} clients, 1,000 per POST)", f"{batched:,.0f} /s",
                     f">= {GOALS['batched']}"))

        backlog = count_unprocessed(url)
        worker = start_worker()
        # Timed from the first processed event, so the worker's start-up is not counted.
        deadline = time.monotonic() + 600
        while count_unprocessed(url) == backlog and time.monotonic() < deadline:
            time.sleep(0.02)
        started, first_left = time.perf_counter(), count_unprocessed(url)
        while (left := count_unprocessed(url)) and time.monotonic() < deadline:
            time.sleep(0.1)
        assert left == 0, f"{left} events still unprocessed after 10 minutes"
        processed = first_left / (time.perf_counter() - started)
        rows.append((f"alerts processed by one worker (solo pool, backlog {backlog:,})", f"{processed:,.0f} /s",
                     f">= {GOALS['processed']}"))

        clients = 2
        low_water = _max_alert_id(url)
        start = time.time() + 1.0
        jobs = [(options.port, token, f"lat{c}", options.rate / clients, options.latency_seconds, start)
                for c in range(clients)]
        with multiprocessing.get_context("spawn").Pool(clients) as pool:
            pending = pool.map_async(_client_paced, jobs)
            seen = _watch_processed(url, low_water, until=pending.ready, timeout=options.latency_seconds + 120)
            results = pending.get()
        namespace = _namespace_of(url)
        sent = {f"{namespace}:{k}": v for r in results for k, v in r.items()}
        seen.update(_watch_processed(url, low_water, until=lambda: all(k in seen for k in sent), timeout=60,
                                     seen=seen))
        latencies = sorted((seen[k] - sent[k]) * 1000 for k in sent if k in seen)
        assert len(latencies) == len(sent), f"{len(sent) - len(latencies)} alerts never processed"
        p95 = latencies[int(0.95 * (len(latencies) - 1))]
        rows.append((f"POST -> processed at {options.rate:.0f} alerts/s, {len(sent)} alerts: p50",
                     f"{statistics.median(latencies):,.0f} ms", ""))
        rows.append(("  p95", f"{p95:,.0f} ms", f"< {GOALS['p95_ms']} ms"))
        rows.append(("  max", f"{latencies[-1]:,.0f} ms", ""))
    finally:
        if worker is not None:
            stop(worker)
        stop(web)

    width = max(len(r[0]) for r in rows)
    print(f"\n{'measure'.ljust(width)}  {'result':>16}  goal")
    print("-" * (width + 30))
    for name, value, goal in rows:
        print(f"{name.ljust(width)}  {value:>16}  {goal}")


def _namespace_of(url: str) -> str:
    import psycopg

    with psycopg.connect(url.replace("postgis://", "postgresql://"), autocommit=True) as db:
        return str(db.execute("SELECT id FROM surveillance_integration WHERE revoked_at IS NULL "
                              "AND name LIKE 'bench-%' ORDER BY id DESC LIMIT 1").fetchone()[0])


def _max_alert_id(url: str) -> int:
    import psycopg

    with psycopg.connect(url.replace("postgis://", "postgresql://"), autocommit=True) as db:
        return db.execute("SELECT coalesce(max(id), 0) FROM surveillance_alert").fetchone()[0]


def _watch_processed(url: str, low_water: int, *, until, timeout: float,
                     seen: dict[str, float] | None = None) -> dict[str, float]:
    """Poll every 20 ms: when each new alert is first seen processed (committed), by this machine's clock."""
    import psycopg

    seen = seen if seen is not None else {}
    deadline = time.monotonic() + timeout
    with psycopg.connect(url.replace("postgis://", "postgresql://"), autocommit=True) as db:
        while time.monotonic() < deadline:
            now = time.time()
            for (key,) in db.execute("SELECT natural_key FROM surveillance_alert WHERE id > %s "
                                     "AND processed_at IS NOT NULL", [low_water]):
                seen.setdefault(key, now)
            if until():
                break
            time.sleep(0.02)
    return seen


if __name__ == "__main__":
    main()
