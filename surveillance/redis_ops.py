"""The few Redis operations of the ingest path, one round trip each, on one client per process.

Django's Redis cache builds a new redis-py client for every operation (a fraction of a millisecond of Python
each time) and needs three round trips for an add-then-incr; a single-alert POST used to make four. These talk
to the cache's Redis with the cache's key names (`cache.make_key`, so tests keep their per-test prefix and the
worker finds the web's doorbell).
"""

from __future__ import annotations

import functools

import redis
from django.conf import settings
from django.core.cache import cache
from redis import RedisError

__all__ = ["RedisError", "add", "admit", "delete", "get", "incr", "key"]

# INCR the request counter (starting its window on the first request) and read the token's generation, at once.
# `or false`: a nil inside a Lua table would cut the reply short.
_ADMIT = """
local n = redis.call('INCR', KEYS[1])
if n == 1 then redis.call('EXPIRE', KEYS[1], ARGV[1]) end
return {n, redis.call('GET', KEYS[2]) or false}
"""


@functools.cache
def _client(location: str) -> redis.Redis:
    return redis.Redis.from_url(location)


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
    count, current = _admit_script(_location())(keys=[key(counter), key(generation)], args=[window_seconds])
    return int(count), current or None


def get(name: str) -> bytes | None:
    return _client(_location()).get(key(name))


def incr(name: str) -> int:
    return _client(_location()).incr(key(name))


def add(name: str, *, seconds: int) -> bool:
    """SET if absent, expiring: True if this call set it."""
    return bool(_client(_location()).set(key(name), 1, nx=True, ex=seconds))


def delete(name: str) -> None:
    _client(_location()).delete(key(name))
