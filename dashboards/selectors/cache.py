"""The dashboards' short-lived Redis cache (fail-soft: with Redis down every read is built afresh).

A key carries the pre-aggregates' version and the time of the last zone-status recompute (`cache_token`), so
a refresh of either is seen by the next request.
"""

from __future__ import annotations

import hashlib

from django.core.cache import cache
from django.db import connection
from django.utils.translation import get_language

from zones.models import RecomputeRun

CACHE_SECONDS = 120


def cache_token() -> str:
    """Changes when the pre-aggregates are refreshed or zone statuses recomputed."""
    with connection.cursor() as cursor:
        cursor.execute(f"""SELECT (SELECT version FROM dashboards_refreshstate WHERE id = 1),
                                  (SELECT max(started_at) FROM {RecomputeRun._meta.db_table})""")  # noqa: S608
        version, zones_run = cursor.fetchone()
    return f"{version or 0}:{zones_run.timestamp() if zones_run else 0}"


def cached(parts: list, build, seconds: int = CACHE_SECONDS, *, prefix: str = "dash", per_language: bool = True):
    """`build()`, kept in Redis under the key of `parts` (and of the reader's language, unless it cannot differ)."""
    if per_language:
        parts = [(get_language() or "uz")[:2], *parts]
    raw = ":".join(str(p) for p in parts)
    key = f"{prefix}:" + hashlib.sha256(raw.encode()).hexdigest()[:32]
    value = cache.get(key)
    if value is None:
        value = build()
        cache.set(key, value, seconds)
    return value

