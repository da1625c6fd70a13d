"""Pull mode: one `manage.py ingest_pull` process holding hundreds of simulated Hikvision and Dahua event streams
(served by another process, tests/surveillance/simulators/serve.py), against the batched HTTP ingest measured in
the same run (bench/ingest.py's seed, gunicorn and batch clients).

Uses its own database (the name must contain "bench"; default ms_bench_pull, created and migrated if missing) and
its own Redis database (BENCH_REDIS_URL, else REDIS_URL, else redis://127.0.0.1:6379/14; flushed, so database 0 is
refused). No worker runs: what is measured is events stored (committed raw events), as for the HTTP figure.

    DATABASE_URL=postgis://postgres@127.0.0.1:5432/ms_bench_pull REDIS_URL=redis://127.0.0.1:6379/14 \\
        .venv/bin/python bench/pull.py --hikvision 250 --dahua 250 --rate 5 --seconds 30

Measures: events stored per second over a window once every stream is online; the pull process's CPU seconds
per 1,000 events stored and its resident memory (RSS now and peak); then batched HTTP ingest (3 clients, 1,000
alerts per POST). Goals: >= 2,000 events/s from pull devices, 500 streams in < 300 MB.
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DATABASE_URL", "postgis://postgres@127.0.0.1:5432/ms_bench_pull")

from bench.ingest import (  # noqa: E402 - the environment above must be set before it is imported
    BENCH_REDIS,
    _client_batches,
    ensure_database,
    run_clients,
    seed,
    start_gunicorn,
    stop,
)

GOALS = {"pull": 2000, "rss_mb": 300}
TICKS = os.sysconf("SC_CLK_TCK")


def cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / TICKS  # utime + stime


def memory_mb(pid: int) -> tuple[float, float]:
    status = dict(line.split(":", 1) for line in Path(f"/proc/{pid}/status").read_text().splitlines() if ":" in line)
    return int(status["VmRSS"].split()[0]) / 1024, int(status["VmHWM"].split()[0]) / 1024


def register(devices: list[dict], key: str) -> None:
    """The simulated devices as PullDevices of the bench integration (the newest one seed() made)."""
    import django

    django.setup()
    from django.conf import settings
    from django.db import connection

    from surveillance import credentials
    from surveillance.models import Integration, PullDevice

    settings.DEVICE_CREDENTIAL_KEYS = [key]
    integration = Integration.objects.filter(name__startswith="bench-").latest("id")
    PullDevice.objects.all().delete()
    PullDevice.objects.bulk_create([PullDevice(
        integration=integration, vendor=d["vendor"], name=f"bench {d['vendor']} {i}", device_id=d["device_id"],
        host="127.0.0.1", port=d["port"], username=d["username"],
        password_encrypted=credentials.encrypt(d["password"])) for i, d in enumerate(devices)])
    connection.close()


def query(sql: str):
    import psycopg

    with psycopg.connect(os.environ["DATABASE_URL"].replace("postgis://", "postgresql://"), autocommit=True) as db:
        return db.execute(sql).fetchone()[0]


def query_exec(sql: str) -> None:
    import psycopg

    with psycopg.connect(os.environ["DATABASE_URL"].replace("postgis://", "postgresql://"), autocommit=True) as db:
        db.execute(sql)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--hikvision", type=int, default=250)
    parser.add_argument("--dahua", type=int, default=250)
    parser.add_argument("--rate", type=float, default=5.0, help="events per second per device")
    parser.add_argument("--seconds", type=float, default=30.0, help="the measuring window")
    parser.add_argument("--batches", type=int, default=30)
    parser.add_argument("--port", type=int, default=8791)
    options = parser.parse_args()
    ensure_database(os.environ["DATABASE_URL"])
    import redis
    from cryptography.fernet import Fernet

    client = redis.Redis.from_url(BENCH_REDIS)
    if client.connection_pool.connection_kwargs.get("db", 0) == 0:
        sys.exit(f"refusing to flush Redis database 0 of {BENCH_REDIS}: give REDIS_URL a database of its own (/14)")
    client.flushdb()
    # seed() replaces the bench integration, which pulled devices of an earlier run still point to.
    query_exec("DELETE FROM surveillance_pulldevice")
    token = seed()
    key = Fernet.generate_key().decode()
    env = {**os.environ, "DEVICE_CREDENTIAL_KEYS": key, "LOG_LEVEL": "WARNING"}

    sims = subprocess.Popen([sys.executable, "-m", "tests.surveillance.simulators.serve", "--hikvision",
                             str(options.hikvision), "--dahua", str(options.dahua), "--rate", str(options.rate)],
                            cwd=ROOT, env=env, stdout=subprocess.PIPE, text=True)
    devices = json.loads(sims.stdout.readline())["devices"]
    register(devices, key)
    n = len(devices)
    rows = []
    pull = subprocess.Popen([sys.executable, "manage.py", "ingest_pull", "--stats-seconds", "3600"], cwd=ROOT,
                            env=env)
    try:
        started = time.monotonic()
        while query("SELECT count(*) FROM surveillance_pulldevice WHERE state = 'online'") < n:
            if time.monotonic() - started > 300:
                sys.exit("not every stream came online within 5 minutes")
            time.sleep(0.5)
        rows.append((f"{n} streams online after", f"{time.monotonic() - started:,.1f} s", ""))
        time.sleep(3)  # past the connection burst: the window measures the steady state
        count0, cpu0, t0 = query("SELECT count(*) FROM surveillance_rawevent"), cpu_seconds(pull.pid), time.monotonic()
        time.sleep(options.seconds)
        count1, cpu1, t1 = query("SELECT count(*) FROM surveillance_rawevent"), cpu_seconds(pull.pid), time.monotonic()
        rss, peak = memory_mb(pull.pid)
        online = query("SELECT count(*) FROM surveillance_pulldevice WHERE state = 'online'")
    finally:
        stop(pull)
        sims.send_signal(signal.SIGTERM)
        sent = json.loads(sims.stdout.readline() or '{"sent": 0}')["sent"]
        sims.wait(30)
    stored = (count1 - count0) / (t1 - t0)
    offered = n * options.rate
    rows.append((f"events offered by the simulators ({n} x {options.rate:g}/s)", f"{offered:,.0f} /s", ""))
    rows.append((f"events stored by one ingest_pull process ({options.seconds:g} s window)", f"{stored:,.0f} /s",
                 f">= {GOALS['pull']}"))
    rows.append(("  pull process CPU per 1,000 events", f"{(cpu1 - cpu0) / max(1, count1 - count0) * 1000:.2f} s",
                 ""))
    rows.append(("  pull process CPU use during the window", f"{(cpu1 - cpu0) / (t1 - t0) * 100:.0f} %", ""))
    rows.append((f"  pull process memory with {n} streams: RSS (peak)", f"{rss:.0f} MB ({peak:.0f})",
                 f"< {GOALS['rss_mb']} MB"))
    rows.append(("  streams still online at the end of the window", f"{online} / {n}", ""))
    rows.append(("  events sent by the simulators in the whole run", f"{sent:,}", ""))

    web = start_gunicorn(options.port, 3, 1)
    try:
        clients = 3
        per = max(1, options.batches // clients)
        results, elapsed = run_clients(_client_batches,
                                       [(options.port, token, f"b{c}", per, 1000) for c in range(clients)])
        accepted = sum(r[0] for r in results)
        rows.append((f"batched HTTP ingest, same run ({clients} clients, 1,000 alerts per POST)",
                     f"{accepted / elapsed:,.0f} /s", ""))
    finally:
        stop(web)

    width = max(len(r[0]) for r in rows)
    print(f"\n{'measure'.ljust(width)}  {'result':>16}  goal")
    print("-" * (width + 30))
    for name, value, goal in rows:
        print(f"{name.ljust(width)}  {value:>16}  {goal}")


if __name__ == "__main__":
    main()
