"""Faults: what ingest loses, doubles or answers 5xx when Redis goes down, and when a worker is killed mid-batch.

gunicorn + Celery beat + Celery workers + PostgreSQL + a private redis-server (started by this script on a free
loopback port, in a temporary directory, without persistence; the machine's Redis is never touched). Uses its own
database (refuses a DATABASE_URL whose name lacks "bench"; default ms_bench_faults, created and migrated if
missing). Every loop is bounded. Measures, in one run:

  1. Redis down while 100 single alerts arrive: the private redis-server is stopped, 100 single-alert POSTs are
     sent, the answers are counted by status and the rows stored by the database; then the server is started
     again (empty: the broker's queues and the doorbell are gone) and the time until all 100 are processed is
     measured (the beat's sweep finds them; nothing else rings);
  2. broker wiped with work queued: with no worker running, 100 single alerts arrive (their tasks wait in the
     broker), the broker's database is wiped (FLUSHALL), a worker starts; the time until all are processed (the
     sweep finds them) and the counts of raw events and alerts;
  3. worker kill -9 during 1,000 batched alerts: one POST of 1,000 alerts with one worker running and small
     processing batches (SURVEILLANCE_BATCH_SIZE=100, so the kill lands inside a claimed batch); the worker is
     killed (SIGKILL) while a batch is claimed and unprocessed, a new worker is started at once, and the time from
     the kill until all 1,000 are processed is measured, with the alerts and raw events counted for losses and
     doubles.

    DATABASE_URL=postgis://postgres@127.0.0.1:5432/ms_bench_faults .venv/bin/python bench/faults.py

Options: --alerts N (default 100), --batch N (default 1000), --port P (gunicorn, default 8766).
Goals: 0 answers 5xx, every accepted alert stored and processed once; processed within 60 s of Redis returning.
"""

from __future__ import annotations

import argparse
import collections
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DATABASE_URL", "postgis://postgres@127.0.0.1:5432/ms_bench_faults")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class PrivateRedis:
    """A redis-server of this run only: loopback, a free port, no persistence, its own directory."""

    def __init__(self, directory: Path):
        self.directory = directory
        self.port = free_port()
        self.process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        self.process = subprocess.Popen(
            [shutil.which("redis-server") or "redis-server", "--port", str(self.port), "--bind", "127.0.0.1",
             "--save", "", "--appendonly", "no", "--dir", str(self.directory)],
            stdout=(self.directory / "redis.log").open("ab"), stderr=subprocess.STDOUT)
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=0.5).close()
                return
            except OSError:
                time.sleep(0.05)
        sys.exit("the private redis-server did not start")

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(signal.SIGKILL)  # an outage, not a shutdown: nothing is saved
            self.process.wait(10)


WORK = Path(tempfile.mkdtemp(prefix="ms-faults-"))
REDIS = PrivateRedis(WORK)
# Everything of this run (web, workers, beat, this process) speaks to the private server only.
os.environ["BENCH_REDIS_URL"] = os.environ["REDIS_URL"] = os.environ["CELERY_BROKER_URL"] = REDIS.url
os.environ["CACHE_KEY_PREFIX"] = f"bench-faults-{uuid.uuid4().hex[:8]}"

from bench import ingest  # noqa: E402 - reads the environment set above

GOAL_RECOVERY_SECONDS = 60


def db_rows(url: str, sql: str, params=()) -> list[tuple]:
    import psycopg

    with psycopg.connect(url.replace("postgis://", "postgresql://"), autocommit=True) as db:
        return db.execute(sql, params).fetchall()


def start_beat() -> subprocess.Popen:
    return subprocess.Popen(
        [str(ROOT / ".venv" / "bin" / "celery"), "-A", "mahalla_safety", "beat", "--loglevel", "WARNING",
         "--schedule", str(WORK / "beat-schedule")], cwd=ROOT, env=os.environ.copy(),
        stdout=(WORK / "beat.log").open("ab"), stderr=subprocess.STDOUT)


def start_worker(**env) -> subprocess.Popen:
    return subprocess.Popen(
        [str(ROOT / ".venv" / "bin" / "celery"), "-A", "mahalla_safety", "worker", "--pool", "solo", "--loglevel",
         "WARNING", "--hostname", f"faults-{uuid.uuid4().hex[:6]}@%h", "--without-gossip", "--without-mingle",
         "--without-heartbeat"], cwd=ROOT, env={**os.environ, **{k: str(v) for k, v in env.items()}},
        stdout=(WORK / "worker.log").open("ab"), stderr=subprocess.STDOUT)


def wait_until(condition, timeout: float) -> float | None:
    started = time.monotonic()
    while time.monotonic() - started < timeout:
        if condition():
            return time.monotonic() - started
        time.sleep(0.05)
    return None


def redis_down_while_alerts_arrive(url: str, port: int, token: str, n: int) -> list[tuple[str, str, str]]:
    prefix = f"down-{uuid.uuid4().hex[:6]}"
    REDIS.stop()
    statuses = collections.Counter()
    started = time.perf_counter()
    for i in range(n):
        body = json.dumps(ingest.alert(f"{prefix}-{i}", i)).encode()
        try:
            statuses[ingest._post(port, token, body)] += 1  # noqa: SLF001 - the ingest bench's client
        except OSError as exc:
            statuses[type(exc).__name__] += 1
    elapsed = time.perf_counter() - started
    like = f"%:{prefix}-%"
    stored = db_rows(url, "SELECT count(*) FROM surveillance_rawevent WHERE natural_key LIKE %s", [like])[0][0]
    REDIS.start()
    waited = wait_until(lambda: db_rows(
        url, "SELECT count(*) FROM surveillance_rawevent WHERE natural_key LIKE %s AND processed_at IS NOT NULL",
        [like])[0][0] == stored, 180)
    alerts = db_rows(url, "SELECT count(*) FROM surveillance_alert WHERE natural_key LIKE %s", [like])[0][0]
    answers = ", ".join(f"{k}: {v}" for k, v in sorted(statuses.items(), key=str))
    return [
        (f"Redis down, {n} single-alert POSTs: answers", answers, "0 x 5xx"),
        ("  rows stored / alerts after recovery", f"{stored} / {alerts}", f"{n} / {n}"),
        ("  POST time while down (mean)", f"{elapsed / n * 1000:,.1f} ms", ""),
        ("  Redis back -> all processed", "not within 180 s" if waited is None else f"{waited:,.1f} s",
         f"< {GOAL_RECOVERY_SECONDS} s"),
    ]


def broker_wiped_with_work_queued(url: str, port: int, token: str, n: int) -> list[tuple[str, str, str]]:
    """No worker runs while n single alerts arrive, so their tasks wait in the broker; then the broker's whole
    database is wiped (FLUSHALL: a Redis restarted without persistence) and a worker starts."""
    import redis

    prefix = f"wipe-{uuid.uuid4().hex[:6]}"
    like = f"%:{prefix}-%"
    statuses = collections.Counter()
    for i in range(n):
        statuses[ingest._post(port, token, json.dumps(ingest.alert(f"{prefix}-{i}", i)).encode())] += 1  # noqa: SLF001
    queued = redis.Redis.from_url(REDIS.url).llen("celery")
    redis.Redis.from_url(REDIS.url).flushall()
    wiped_at = time.monotonic()
    worker = start_worker()
    try:
        done = wait_until(lambda: db_rows(
            url, "SELECT count(*) FROM surveillance_rawevent WHERE natural_key LIKE %s AND processed_at IS NULL",
            [like])[0][0] == 0, 180)
    finally:
        ingest.stop(worker)
    recovery = None if done is None else time.monotonic() - wiped_at
    raws, alerts = db_rows(url, "SELECT (SELECT count(*) FROM surveillance_rawevent WHERE natural_key LIKE %s), "
                                "(SELECT count(*) FROM surveillance_alert WHERE natural_key LIKE %s)", [like, like])[0]
    answers = ", ".join(f"{k}: {v}" for k, v in sorted(statuses.items(), key=str))
    return [
        (f"broker wiped with {n} alerts' work queued: answers", answers, f"202: {n}"),
        ("  task messages wiped / raw events / alerts", f"{queued} / {raws} / {alerts}", f"- / {n} / {n}"),
        ("  wipe -> all processed", "not within 180 s" if recovery is None else f"{recovery:,.1f} s",
         f"< {GOAL_RECOVERY_SECONDS} s"),
    ]


def worker_killed_mid_batch(url: str, port: int, token: str, n: int) -> list[tuple[str, str, str]]:
    prefix = f"kill-{uuid.uuid4().hex[:6]}"
    like = f"%:{prefix}-%"
    worker = start_worker(SURVEILLANCE_BATCH_SIZE=100)
    time.sleep(5)  # the worker connects before the batch arrives
    body = json.dumps({"alerts": [ingest.alert(f"{prefix}-{i}", i) for i in range(n)]}).encode()
    status = ingest._post(port, token, body)  # noqa: SLF001 - the ingest bench's client
    in_flight = ("SELECT count(*) FROM surveillance_rawevent WHERE natural_key LIKE %s AND claimed_at IS NOT NULL "
                 "AND processed_at IS NULL")
    caught = wait_until(lambda: db_rows(url, in_flight, [like])[0][0] > 0, 30) is not None
    worker.send_signal(signal.SIGKILL)
    worker.wait(10)
    killed_at = time.monotonic()
    left_at_kill = db_rows(url, "SELECT count(*) FROM surveillance_rawevent WHERE natural_key LIKE %s "
                                "AND processed_at IS NULL", [like])[0][0]
    worker = start_worker()
    try:
        done = wait_until(lambda: db_rows(
            url, "SELECT count(*) FROM surveillance_rawevent WHERE natural_key LIKE %s AND processed_at IS NULL",
            [like])[0][0] == 0, 180)
    finally:
        ingest.stop(worker)
    recovery = None if done is None else time.monotonic() - killed_at
    raws, processed, distinct_alerts = db_rows(
        url, "SELECT count(*), count(processed_at), count(DISTINCT alert_id) FROM surveillance_rawevent "
             "WHERE natural_key LIKE %s", [like])[0]
    alerts = db_rows(url, "SELECT count(*) FROM surveillance_alert WHERE natural_key LIKE %s", [like])[0][0]
    return [
        (f"worker kill -9 during {n:,} batched alerts: answer", str(status), "202"),
        ("  killed inside a claimed batch / unprocessed at the kill", f"{'yes' if caught else 'no'} / {left_at_kill}",
         ""),
        ("  raw events / processed / alerts (distinct)", f"{raws} / {processed} / {alerts} ({distinct_alerts})",
         f"{n} / {n} / {n}"),
        ("  kill -> all processed", "not within 180 s" if recovery is None else f"{recovery:,.1f} s", ""),
    ]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--alerts", type=int, default=100)
    parser.add_argument("--batch", type=int, default=1000)
    parser.add_argument("--port", type=int, default=8766)
    options = parser.parse_args()
    url = os.environ["DATABASE_URL"]
    REDIS.start()
    rows = []
    web = beat = worker = None
    try:
        ingest.ensure_database(url)
        token = ingest.seed()
        web = ingest.start_gunicorn(options.port, 3, 1)
        beat = start_beat()
        worker = start_worker()
        ingest.run_clients(ingest._client_singles,  # noqa: SLF001 - warm every gunicorn worker up
                           [(options.port, token, f"warm{c}-{uuid.uuid4().hex[:4]}", 15) for c in range(2)])
        rows += redis_down_while_alerts_arrive(url, options.port, token, options.alerts)
        ingest.stop(worker)
        worker = None
        rows += broker_wiped_with_work_queued(url, options.port, token, options.alerts)
        rows += worker_killed_mid_batch(url, options.port, token, options.batch)
    finally:
        for process in (worker, beat, web):
            if process is not None:
                ingest.stop(process)
        REDIS.stop()
        shutil.rmtree(WORK, ignore_errors=True)

    width = max(len(r[0]) for r in rows)
    print(f"\n{'measure'.ljust(width)}  {'result':>24}  goal")
    print("-" * (width + 40))
    for name, value, goal in rows:
        print(f"{name.ljust(width)}  {value:>24}  {goal}")


if __name__ == "__main__":
    main()
