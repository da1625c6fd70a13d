"""Insert cost of the audit trail's hash chain (audit migration 0004): audit_record with and without the chain
trigger, one writer, then 4 concurrent writers (the advisory lock serialises them until each commits).

Writes inside transactions that are rolled back, so the database keeps nothing:

    DATABASE_URL=postgis://postgres@127.0.0.1:5432/ms_bench_audit .venv/bin/python bench/audit_chain.py

Options: --events N (default 2000). Each event carries two field changes, like an admin save.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mahalla_safety.settings")

import django  # noqa: E402

django.setup()

from django.db import connection, connections, transaction  # noqa: E402

from audit.services import audit_record  # noqa: E402

CHANGES = {"role": ("inspector", "district"), "district": (None, 7)}


class _Rollback(Exception):
    pass


def _run(n: int, *, chained: bool) -> list[float]:
    timings = []
    try:
        with transaction.atomic():
            if not chained:
                with connection.cursor() as cursor:
                    cursor.execute("ALTER TABLE audit_auditevent DISABLE TRIGGER audit_event_stamp_chain")
                    cursor.execute("ALTER TABLE audit_fieldchange DISABLE TRIGGER audit_change_stamp_chain")
            for i in range(n):
                start = time.perf_counter()
                audit_record(action="change", object_type="bench.thing", object_id=i, changes=CHANGES)
                timings.append(time.perf_counter() - start)
            raise _Rollback
    except _Rollback:
        pass
    return timings


def _concurrent(n: int, writers: int) -> float:
    """Wall time for `writers` threads, each committing n/writers one-event transactions (rolled back)."""
    def work():
        for i in range(n // writers):
            try:
                with transaction.atomic():
                    audit_record(action="change", object_type="bench.thing", object_id=i, changes=CHANGES)
                    raise _Rollback
            except _Rollback:
                pass
        connections.close_all()

    threads = [threading.Thread(target=work) for _ in range(writers)]
    start = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return time.perf_counter() - start


def _line(label: str, timings: list[float]) -> str:
    ms = sorted(t * 1000 for t in timings)
    return (f"{label:<22} mean {statistics.mean(ms):6.3f} ms  p50 {ms[len(ms) // 2]:6.3f} ms  "
            f"p95 {ms[int(len(ms) * 0.95)]:6.3f} ms")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--events", type=int, default=2000)
    n = parser.parse_args().events
    _run(200, chained=True)  # warm-up
    print(f"audit_record with 2 field changes, {n} events, one writer:")
    print(_line("without chain trigger", _run(n, chained=False)))
    print(_line("with chain trigger", _run(n, chained=True)))
    for writers in (1, 4):
        wall = _concurrent(n, writers)
        print(f"{writers} writer(s), one transaction per event: {n / wall:7.0f} events/s")


if __name__ == "__main__":
    main()
