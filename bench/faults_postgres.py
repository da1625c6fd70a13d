"""Faults: PostgreSQL restarted while alerts arrive. No answer 2xx without a commit; how long until ingest answers
2xx again.

Runs on a private PostgreSQL cluster made for this run with `initdb` and `pg_ctl` (loopback, a free port, a
temporary directory; the machine's shared cluster is never touched), PostGIS in its database, the schema
migrated; gunicorn (3 workers) and a private redis-server as in bench/faults.py. A client sends single-alert POSTs
one after another for --seconds; after a third of that time the cluster is restarted (`pg_ctl restart -m fast`:
every connection is cut, the server is down for the restart). Each answer is recorded with the alert's natural
key; afterwards every key answered 2xx is looked up in the database.

    .venv/bin/python bench/faults_postgres.py

Options: --seconds N (default 20), --port P (gunicorn, default 8767).
Goals: every 2xx answer's alert is stored (none answered 2xx without a commit); recovery within a few seconds.
"""

from __future__ import annotations

import argparse
import collections
import contextlib
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from bench.faults import REDIS, WORK, free_port  # noqa: E402 - sets the private Redis in the environment

PG_BIN = Path(sorted(Path("/usr/lib/postgresql").glob("*/bin"))[-1])
PG_PORT = free_port()
PG_DIR = Path(tempfile.mkdtemp(prefix="ms-faults-pg-"))
os.environ["DATABASE_URL"] = f"postgis://postgres@127.0.0.1:{PG_PORT}/ms_bench_pgrestart"
os.environ["DATABASE_CONN_MAX_AGE"] = "60"

from bench import ingest  # noqa: E402 - reads the environment set above


def _as_postgres(*args: str) -> subprocess.CompletedProcess:
    # initdb refuses to run as root: the cluster belongs to the postgres system user, as the machine's does.
    prefix = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
    return subprocess.run([*prefix, *args], check=True, capture_output=True, text=True)


def cluster_start() -> None:
    if os.geteuid() == 0:
        shutil.chown(PG_DIR, "postgres")
    _as_postgres(str(PG_BIN / "initdb"), "-D", str(PG_DIR / "data"), "-A", "trust", "-U", "postgres")
    _as_postgres(str(PG_BIN / "pg_ctl"), "-D", str(PG_DIR / "data"), "-l", str(PG_DIR / "log"), "-w", "-o",
                 f"-p {PG_PORT} -k {PG_DIR} -c listen_addresses=127.0.0.1", "start")


def cluster_stop() -> None:
    # Already stopped (a failed start) is fine: the directory is removed next.
    with contextlib.suppress(subprocess.CalledProcessError):
        _as_postgres(str(PG_BIN / "pg_ctl"), "-D", str(PG_DIR / "data"), "-w", "-m", "immediate", "stop")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=float, default=20)
    parser.add_argument("--port", type=int, default=8767)
    options = parser.parse_args()
    url = os.environ["DATABASE_URL"]
    REDIS.start()
    web = None
    try:
        cluster_start()
        ingest.ensure_database(url)
        token = ingest.seed()
        web = ingest.start_gunicorn(options.port, 3, 1)
        prefix = f"pg-{uuid.uuid4().hex[:6]}"
        answers: list[tuple[str, int | str, float]] = []
        started = time.monotonic()
        restart_at, restarted, restart_seconds, i = started + options.seconds / 3, False, 0.0, 0
        while time.monotonic() - started < options.seconds:
            if not restarted and time.monotonic() >= restart_at:
                # In the background, so the client keeps sending while the server goes down and comes back.
                command = [str(PG_BIN / "pg_ctl"), "-D", str(PG_DIR / "data"), "-w", "-m", "fast", "restart"]
                if os.geteuid() == 0:
                    command = ["runuser", "-u", "postgres", "--", *command]
                restarter = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
                restarted, restart_begun = True, time.monotonic()
            key = f"{prefix}-{i}"
            body = json.dumps(ingest.alert(key, i)).encode()
            try:
                status: int | str = ingest._post(options.port, token, body)  # noqa: SLF001 - the bench's client
            except OSError as exc:
                status = type(exc).__name__
            answers.append((key, status, time.monotonic()))
            i += 1
        if restarted:
            restarter.wait(60)
            restart_seconds = time.monotonic() - restart_begun
        import psycopg

        with psycopg.connect(url.replace("postgis://", "postgresql://"), autocommit=True) as db:
            stored = {row[0].rsplit(":", 1)[-1] for row in db.execute(
                "SELECT natural_key FROM surveillance_rawevent WHERE natural_key LIKE %s", [f"%:{prefix}-%"])}
        by_status = collections.Counter(str(s) for _k, s, _t in answers)
        ok = [(k, t) for k, s, t in answers if isinstance(s, int) and 200 <= s < 300]
        ok_not_stored = [k for k, _t in ok if k not in stored]
        refused_but_stored = [k for k, s, _t in answers if not (isinstance(s, int) and 200 <= s < 300)
                              and k in stored]
        failures = [t for _k, s, t in answers if not (isinstance(s, int) and 200 <= s < 300)]
        gap = (max(failures) - min(failures)) if failures else 0.0
        first_ok_after = next((t for _k, t in ok if failures and t > max(failures)), None)
        recovery = (first_ok_after - restart_begun) if restarted and first_ok_after else None
        rows = [
            ("single-alert POSTs during a PostgreSQL restart: answers",
             ", ".join(f"{k}: {v}" for k, v in sorted(by_status.items())), ""),
            ("  answered 2xx but not stored", str(len(ok_not_stored)), "0"),
            ("  not answered 2xx but stored (the camera resends: a duplicate)", str(len(refused_but_stored)), ""),
            ("  pg_ctl restart took / failed answers spread over", f"{restart_seconds:.1f} s / {gap:.1f} s", ""),
            ("  restart began -> first 2xx after the last failure",
             "n/a" if recovery is None else f"{recovery:.1f} s", ""),
        ]
    finally:
        if web is not None:
            ingest.stop(web)
        cluster_stop()
        REDIS.stop()
        shutil.rmtree(PG_DIR, ignore_errors=True)
        shutil.rmtree(WORK, ignore_errors=True)
    width = max(len(r[0]) for r in rows)
    print(f"\n{'measure'.ljust(width)}  {'result':>28}  goal")
    print("-" * (width + 44))
    for name, value, goal in rows:
        print(f"{name.ljust(width)}  {value:>28}  {goal}")


if __name__ == "__main__":
    main()
