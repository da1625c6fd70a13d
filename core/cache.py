"""Django's Redis cache, degrading instead of failing while Redis is unreachable.

Everything the cache holds here can be lost: rendered fragments and GeoJSON (rebuilt from PostgreSQL), rate
buckets (a miss lets the request through) and doorbell flags (a failed `add` skips the ring; each doorbell has
a periodic sweep behind it). So an outage must cost speed, not answers. django-redis has IGNORE_EXCEPTIONS for
this; Django's own RedisCache has nothing alike, hence this subclass.

An unreachable server is detected by a short socket timeout (settings: CACHES OPTIONS); after a failure the
`Breaker` answers "down" for a few seconds without trying, so a request that touches the cache ten times pays
the timeout once, not ten times, and the log gets one warning per outage window instead of one per call.
"""

from __future__ import annotations

import functools
import logging
import threading
import time

from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.redis import RedisCache
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

log = logging.getLogger(__name__)

# What "Redis is unreachable" raises; anything else (a wrong type, a script error) is a bug and propagates.
UNREACHABLE = (RedisConnectionError, RedisTimeoutError)


class Breaker:
    """Per process: after a failure, `open` is true for `pause` seconds, and callers skip Redis meanwhile."""

    def __init__(self, name: str, *, pause: float = 2.0):
        self.name = name
        self.pause = pause
        self._until = 0.0
        self._lock = threading.Lock()

    @property
    def open(self) -> bool:
        return time.monotonic() < self._until

    def failed(self, exc: BaseException) -> None:
        with self._lock:
            was_closed = not self.open
            self._until = time.monotonic() + self.pause
        if was_closed:
            log.warning("Redis (%s) unreachable, degrading for %.0f s: %s", self.name, self.pause, exc)

    def reset(self) -> None:
        self._until = 0.0


def _degrading(default):
    """Run the cache operation unless the breaker is open; on an unreachable Redis answer `default(*args)`."""
    def wrap(method):
        @functools.wraps(method)
        def call(self, *args, **kwargs):
            if self.breaker.open:
                return default(*args, **kwargs)
            try:
                return method(self, *args, **kwargs)
            except UNREACHABLE as exc:
                self.breaker.failed(exc)
                return default(*args, **kwargs)
        return call
    return wrap


def _none(*args, **kwargs):
    return None


def _false(*args, **kwargs):
    return False


class FailSoftRedisCache(RedisCache):
    """RedisCache whose operations answer as a cache that holds nothing and keeps nothing while Redis is
    unreachable: `get` the default, `add` False (the caller's "someone else already rang" path), `incr` the delta
    (a first request in its window), `get_many` {}, writes nothing."""

    def __init__(self, server, params):
        super().__init__(server, params)
        self.breaker = Breaker(f"cache {params.get('KEY_PREFIX', '')}".strip())

    @_degrading(lambda key, default=None, version=None: default)
    def get(self, key, default=None, version=None):
        return super().get(key, default, version)

    @_degrading(_false)
    def add(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        return super().add(key, value, timeout, version)

    @_degrading(_none)
    def set(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        return super().set(key, value, timeout, version)

    @_degrading(_false)
    def touch(self, key, timeout=DEFAULT_TIMEOUT, version=None):
        return super().touch(key, timeout, version)

    @_degrading(_false)
    def delete(self, key, version=None):
        return super().delete(key, version)

    @_degrading(lambda keys, version=None: {})
    def get_many(self, keys, version=None):
        return super().get_many(keys, version)

    @_degrading(_false)
    def has_key(self, key, version=None):
        return super().has_key(key, version)

    @_degrading(lambda key, delta=1, version=None: delta)
    def incr(self, key, delta=1, version=None):
        return super().incr(key, delta, version)

    @_degrading(lambda data, timeout=DEFAULT_TIMEOUT, version=None: list(data))
    def set_many(self, data, timeout=DEFAULT_TIMEOUT, version=None):
        return super().set_many(data, timeout, version)

    @_degrading(_none)
    def delete_many(self, keys, version=None):
        return super().delete_many(keys, version)

    @_degrading(_false)
    def clear(self):
        return super().clear()
