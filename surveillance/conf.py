"""Surveillance settings. Each is taken from Django settings when defined there (tests override them with
pytest-django's `settings`), else from the environment, else the default below."""

import environ
from django.conf import settings

_env = environ.Env()

DEFAULTS: dict[str, tuple[type, object]] = {
    # A camera with no heartbeat and no alert for this long is shown offline.
    "CAMERA_OFFLINE_AFTER_SECONDS": (int, 10 * 60),
    # Pictures and raw payloads of alerts not held as evidence (no incident) are deleted after this.
    "ALERT_RETENTION_DAYS": (int, 30),
    # Alerts of one camera and event type this close together form one group.
    "ALERT_GROUP_WINDOW_SECONDS": (int, 5 * 60),
    # Raw events one task claims and processes in one transaction.
    "SURVEILLANCE_BATCH_SIZE": (int, 500),
    # A claim older than this is taken to belong to a dead worker. Taking a live worker's claim over cannot
    # process anything twice (the batch's rows stay locked until its transaction commits processed_at), so this
    # only has to outlast the moment between a claim's commit and that lock; it bounds how long a killed
    # worker's events wait (this plus the sweep's interval).
    "SURVEILLANCE_CLAIM_STALE_SECONDS": (int, 20),
    # The sweep (every 15 s) re-enqueues events stored at least this long ago and still unprocessed: after a lost
    # doorbell (Redis down, broker wiped) an event waits at most this plus the sweep's interval. A fresh event's
    # own task is usually done within a second, so 15 s re-enqueues almost nothing twice (and twice is harmless).
    "SURVEILLANCE_SWEEP_AFTER_SECONDS": (int, 15),
    "SURVEILLANCE_SWEEP_LIMIT": (int, 20_000),
    # Requests per integration token (DRF rate syntax).
    "SURVEILLANCE_INGEST_RATE": (str, "6000/min"),
    # Refused tokens (unknown, revoked, malformed) per client address: past it the address gets 429 before any
    # token is looked up, so guessing tokens costs the database nothing and gets nowhere.
    "SURVEILLANCE_REFUSED_TOKENS_PER_IP": (str, "30/min"),
    # How long a process may trust what it read about a token without reading the database again. Rotation
    # and revocation reach every process at once through Redis; this only bounds a copy whose notice Redis lost.
    "SURVEILLANCE_TOKEN_CACHE_SECONDS": (int, 30),
    "SURVEILLANCE_BATCH_MAX": (int, 1000),
    "SURVEILLANCE_PICTURE_MAX_BYTES": (int, 2 * 1024 * 1024),
    "MQTT_URL": (str, "mqtt://127.0.0.1:1883"),
    "MQTT_TOPIC": (str, "frigate/events"),
    # Fixed, so the broker keeps this consumer's session (and queues QoS 1 messages) across restarts.
    "MQTT_CLIENT_ID": (str, "mahalla-safety-ingest"),
    # The integration MQTT events are stored as (its district's cameras are the ones they can match).
    "MQTT_INTEGRATION": (str, ""),
}


def get(name: str):
    if hasattr(settings, name):
        return getattr(settings, name)
    cast, default = DEFAULTS[name]
    return _env.get_value(name, cast=cast, default=default)
