"""Background work of surveillance. Each task takes ids, calls one service and is named like it.

`acks_late` (settings) is safe because processing claims its rows with a compare-and-set update and sets
`processed_at` in the same transaction as the work: a task delivered twice, or redelivered after its worker
died, does the work once. Only OperationalError (a dropped connection, a serialisation failure, a deadlock)
is retried, with backoff; anything else is a bug and is logged, and the sweep retries it later.
"""

import logging
import time

from celery import shared_task
from django.conf import settings
from django.db import OperationalError

from .services import cameras, ingest, processing, retention

log = logging.getLogger(__name__)

RETRY = {"autoretry_for": (OperationalError,), "retry_backoff": 2, "retry_backoff_max": 60, "max_retries": 8,
         "retry_jitter": True}
# A batch takes well under a second; the claim-N loop stops after this budget so a task never nears its limit.
LOOP_BUDGET_SECONDS = 20


def _process_loop(ids) -> int:
    """Process `ids`, then keep claiming batches of whatever else waits until nothing is left or the budget is
    spent: under load one task drains the backlog in large batches, while the tasks behind it find their events
    done and return after one UPDATE."""
    ingest.DOORBELL.answer()  # before claiming: anything committed from now on rings again
    size = settings.SURVEILLANCE_BATCH_SIZE
    deadline = time.monotonic() + LOOP_BUDGET_SECONDS
    result = processing.raw_events_process(ids=ids, fill_to=size)
    total = result.processed + result.failed
    while result.claimed >= size and time.monotonic() < deadline:
        result = processing.raw_events_process(fill_to=size)
        total += result.processed + result.failed
    return total


@shared_task(soft_time_limit=60, time_limit=90, **RETRY)
def alert_process(raw_event_id: int) -> int:
    return _process_loop([raw_event_id])


@shared_task(soft_time_limit=60, time_limit=90, **RETRY)
def alerts_process_batch(raw_event_ids: list[int]) -> int:
    return _process_loop(list(raw_event_ids))


@shared_task(soft_time_limit=50, time_limit=60, **RETRY)
def alerts_sweep() -> int:
    return processing.raw_events_sweep()


@shared_task(soft_time_limit=50, time_limit=60, **RETRY)
def cameras_mark_offline() -> int:
    return cameras.cameras_mark_offline()


@shared_task(soft_time_limit=240, time_limit=300, **RETRY)
def alert_media_purge() -> tuple[int, int]:
    return retention.alert_media_purge()
