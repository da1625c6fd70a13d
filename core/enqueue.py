"""Enqueue a Celery task as a doorbell: never an error for the caller while the broker is unreachable.

Every task sent from a request or a commit hook here is a doorbell: the work it names is already committed in
PostgreSQL (raw events, dirty mahallas, dirty statistics) and a periodic sweep sends it again. So a broker
outage (the broker is Redis) must not turn a committed change into an error answer, nor cost each request
Celery's publish retries (about 0.6 s against a refused port): after one failure the breaker skips sending
for a few seconds.
"""

from __future__ import annotations

import logging

from kombu.exceptions import OperationalError as KombuOperationalError

from .cache import UNREACHABLE, Breaker

log = logging.getLogger(__name__)

broker = Breaker("broker", pause=5.0)
BROKER_UNREACHABLE = (KombuOperationalError, OSError, *UNREACHABLE)


def enqueue(task, *args, **options) -> bool:
    """`task.apply_async(args, **options)` (`delay` without options); False (and a warning, once per outage) if
    the broker is unreachable."""
    if broker.open:
        return False
    try:
        if options:
            task.apply_async(args, **options)
        else:
            task.delay(*args)
    except BROKER_UNREACHABLE as exc:
        broker.failed(exc)
        return False
    return True
