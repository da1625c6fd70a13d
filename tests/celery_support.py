"""Real Celery workers for tests: a subprocess (solo pool) on a Redis database of the test's own, pointed at the
test database, and the test process's own producer switched to the same broker."""

import os
import signal
import subprocess
import time
import uuid
from contextlib import contextmanager
from pathlib import Path

from django.db import connection

ROOT = Path(__file__).resolve().parents[1]
CELERY = ROOT / ".venv" / "bin" / "celery"


def _reset_producer(app) -> None:
    # Celery caches its producer pool on first use; an earlier test (any enqueue on commit) may have opened it
    # against another broker, and changing conf.broker_url alone would keep sending there. The pools themselves
    # live in kombu's registry, keyed by broker URL, and are shared: forget them, never close them.
    app._pool = None
    app.amqp._producer_pool = None


@contextmanager
def broker(url: str):
    """Send this process's tasks to `url` for the duration, then back to the configured broker."""
    from mahalla_safety.celery import app

    saved = app.conf.broker_url
    app.conf.broker_url = url
    _reset_producer(app)
    try:
        yield app
    finally:
        app.conf.broker_url = saved
        _reset_producer(app)


def wait_for(condition, timeout: float, log: Path | None = None, *, interval: float = 0.02) -> float:
    """Poll until `condition()` is true; return the seconds it took, or fail with the worker log's tail.
    Tests wait with this, never with a fixed sleep: `timeout` is a limit, not a guess at how long things take."""
    started = time.monotonic()
    while time.monotonic() - started < timeout:
        if condition():
            return time.monotonic() - started
        time.sleep(interval)
    tail = log.read_text()[-3000:] if log and log.exists() else ""
    raise AssertionError(f"timed out after {timeout} s\n{tail}")


class Worker:
    def __init__(self, log: Path, broker_url: str, name: str = "test", **env):
        db = connection.settings_dict
        self.log = log
        self.name = name
        self.env = {
            **os.environ,
            "DATABASE_URL": f"postgis://{db['USER']}:{db['PASSWORD'] or ''}@{db['HOST']}:{db['PORT'] or 5432}/"
                            f"{db['NAME']}",
            "CELERY_BROKER_URL": broker_url, "REDIS_URL": broker_url,
            **{k: str(v) for k, v in env.items()},
        }
        self.process = None

    def start(self, wait_ready: bool = False) -> "Worker":
        self.process = subprocess.Popen(
            [str(CELERY), "-A", "mahalla_safety", "worker", "--pool", "solo", "--loglevel", "INFO",
             "--hostname", f"{self.name}-{uuid.uuid4().hex[:8]}@%h", "--without-gossip", "--without-mingle",
             "--without-heartbeat"],
            env=self.env, cwd=ROOT, stdout=self.log.open("ab"), stderr=subprocess.STDOUT)
        if wait_ready:
            wait_for(lambda: b" ready." in self.log.read_bytes(), 60, self.log)
        return self

    def kill(self) -> None:
        self.process.send_signal(signal.SIGKILL)
        self.process.wait(10)

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(20)
            except subprocess.TimeoutExpired:
                self.kill()
