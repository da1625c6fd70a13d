"""The few Redis operations of the ingest path, one round trip each, on one client per process.

Django's Redis cache builds a new redis-py client for every operation (a fraction of a millisecond of Python
each time) and needs three round trips for an add-then-incr; a single-alert POST used to make four. These talk
to the cache's Redis with the cache's key names (`cache.make_key`, so tests keep their per-test prefix and the
worker finds the web's doorbell).

While Redis is unreachable every operation raises RedisError at once: the client has short socket timeouts
(settings.REDIS_SOCKET_TIMEOUT) and, after one failure, the breaker refuses without trying for a few seconds.
The callers degrade: the rate limit counts per process, the doorbell is skipped (the sweep finds the event).
"""

from __future__ import annotations

import contextlib
import functools

import redis
from django.conf import settings
from django.core.cache import cache
from redis import RedisError

from core.cache import UNREACHABLE, Breaker

__all__ = ["Flags", "RedisError", "Unreachable", "add", "admit", "delete", "get", "incr", "key"]

# INCR the request counter (starting its window on the first request) and read the token's generation, at once.
# `or false`: a nil inside a Lua table would cut the reply short.
_ADMIT = """
local n = redis.call('INCR', KEYS[1])
if n == 1 then redis.call('EXPIRE', KEYS[1], ARGV[1]) end
return {n, redis.call('GET', KEYS[2]) or false}
"""


class Unreachable(RedisError):
    """Redis did not answer (or did not a moment ago: the breaker is open)."""


@functools.cache
def _client(location: str) -> redis.Redis:
    timeout = getattr(settings, "REDIS_SOCKET_TIMEOUT", 1.0)
    return redis.Redis.from_url(location, socket_connect_timeout=timeout, socket_timeout=timeout)


@functools.cache
def breaker(location: str) -> Breaker:
    return Breaker(f"ingest {location.rsplit('@', 1)[-1]}")


def _guarded(call):
    breaker_ = breaker(_location())
    if breaker_.open:
        raise Unreachable("Redis unreachable a moment ago")
    try:
        return call()
    except UNREACHABLE as exc:
        breaker_.failed(exc)
        raise Unreachable(str(exc)) from exc


@functools.cache
def _admit_script(location: str):
    return _client(location).register_script(_ADMIT)


def _location() -> str:
    location = settings.CACHES["default"]["LOCATION"]
    if isinstance(location, str):
        location = location.split(",")
    return location[0]  # the cache writes to the first server


def key(name: str) -> str:
    return cache.make_key(name)


def admit(counter: str, generation: str, *, window_seconds: int) -> tuple[int, bytes | None]:
    """(requests counted in this window including this one, the token's generation or None)."""
    script = _admit_script(_location())
    count, current = _guarded(lambda: script(keys=[key(counter), key(generation)], args=[window_seconds]))
    return int(count), current or None


def get(name: str) -> bytes | None:
    return _guarded(lambda: _client(_location()).get(key(name)))


def incr(name: str) -> int:
    return _guarded(lambda: _client(_location()).incr(key(name)))


def add(name: str, *, seconds: int) -> bool:
    """SET if absent, expiring: True if this call set it."""
    return bool(_guarded(lambda: _client(_location()).set(key(name), 1, nx=True, ex=seconds)))


def delete(name: str) -> None:
    _guarded(lambda: _client(_location()).delete(key(name)))


class Flags:
    """Doorbell flags (core.queue.Doorbell) on this client: one round trip on the ingest path. While Redis is
    unreachable `add` is False, so nothing rings and the sweep finds the event; a flag left behind expires."""

    def add(self, name: str, seconds: float) -> bool:
        try:
            return add(name, seconds=int(seconds))
        except Unreachable:
            return False

    def delete(self, name: str) -> None:
        with contextlib.suppress(Unreachable):
            delete(name)
