"""Throttle failed sign-in attempts per client IP and per username, before any password is checked.

The account lock (accounts.lockout) stops guessing one account; this stops one address guessing many
accounts (or locking them one after the other) and one username being hammered from many forms. It
covers the login form, the API token endpoint and the two-factor form. Counts live in the shared cache
(every web worker counts together) for SIGNIN_THROTTLE_WINDOW_SECONDS from the first failure. The IP
limit is generous on purpose: a whole office, or a mobile carrier's NAT, signs in from one address.
"""

import hashlib
import logging

from django.conf import settings
from django.core.cache import cache

logger = logging.getLogger(__name__)

KEY_PREFIX = "signin-fail"


def _key(kind: str, value: str) -> str:
    # Hashed: usernames typed by anyone are not put into cache keys verbatim.
    digest = hashlib.sha256(value.strip().lower().encode()).hexdigest()[:32]
    return f"{KEY_PREFIX}:{kind}:{digest}"


def _keys(*, ip: str | None, username: str | None) -> list[tuple[str, int]]:
    keys = []
    if ip:
        keys.append((_key("ip", ip), settings.SIGNIN_THROTTLE_IP_FAILURES))
    if username and username.strip():
        keys.append((_key("user", username), settings.SIGNIN_THROTTLE_USERNAME_FAILURES))
    return keys


def signin_throttled(*, ip: str | None, username: str | None) -> bool:
    """True when this IP or this username has failed too often lately: refuse without checking anything."""
    try:
        counts = cache.get_many([key for key, _ in _keys(ip=ip, username=username)])
    except Exception:  # noqa: BLE001 - a cache outage must not stop every sign-in; the lockout still holds
        logger.warning("sign-in throttle: cache unavailable, not throttling", exc_info=True)
        return False
    return any(counts.get(key, 0) >= limit for key, limit in _keys(ip=ip, username=username))


def signin_failure_count(*, ip: str | None, username: str | None) -> None:
    window = settings.SIGNIN_THROTTLE_WINDOW_SECONDS
    try:
        for key, _ in _keys(ip=ip, username=username):
            # add() starts the window at the first failure; incr() keeps its expiry.
            if not cache.add(key, 1, timeout=window):
                cache.incr(key)
    except Exception:  # noqa: BLE001 - see signin_throttled
        logger.warning("sign-in throttle: cache unavailable, failure not counted", exc_info=True)


def signin_throttle_clear(*, username: str) -> None:
    """An administrator's unlock also lifts the username's throttle (not the IP's: others may share it)."""
    try:
        cache.delete(_key("user", username))
    except Exception:  # noqa: BLE001 - see signin_throttled
        logger.warning("sign-in throttle: cache unavailable, not cleared", exc_info=True)


def signin_refused_as_throttled(*, request, username: str, step: str = "password") -> bool:
    """Check the throttle for a request; a refusal is written to the audit trail."""
    from audit.net import client_ip

    ip = client_ip(request) if request is not None else None
    if not signin_throttled(ip=ip, username=username):
        return False
    from audit.services import audit_record

    audit_record(action="signin_throttled", actor=None, request=request, outcome="denied",
                 actor_username=(username or "")[:150], details={"step": step})
    return True
