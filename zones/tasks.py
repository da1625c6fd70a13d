"""Celery tasks of the zones app. Each calls one service; all are idempotent (a recompute that finds nothing
changed writes nothing), so acks_late redelivery is safe."""

from celery import shared_task
from django.db import OperationalError

from core.periods import Period

from . import services


@shared_task(autoretry_for=(OperationalError,), retry_backoff=True, max_retries=5, soft_time_limit=120,
             time_limit=150)
def zone_status_recompute_dirty() -> int:
    """Recompute the mahallas marked dirty since the last run (see services: coalescing)."""
    return sum(r.rows_changed for r in services.status_recompute_dirty())


@shared_task(soft_time_limit=60, time_limit=90)
def zone_status_sweep() -> bool:
    return services.dirty_sweep()


@shared_task(autoretry_for=(OperationalError,), retry_backoff=True, max_retries=3, soft_time_limit=600,
             time_limit=660)
def zone_status_recompute_nightly() -> int:
    """Every mahalla for the periods that include today (plus "current" and recently ended ones)."""
    result = services.status_recompute_national()
    services.runs_purge()
    return result.rows_changed


@shared_task(autoretry_for=(OperationalError,), retry_backoff=True, max_retries=3, soft_time_limit=1200,
             time_limit=1300)
def zone_status_recompute_all() -> int:
    """Every stored period under the policy in force (after a policy change)."""
    return services.status_recompute_all_stored().rows_changed


@shared_task(autoretry_for=(OperationalError,), retry_backoff=True, max_retries=3, soft_time_limit=600,
             time_limit=660)
def zone_status_recompute_period(period: str) -> int:
    return services.status_recompute_national(periods=[Period.parse(period)]).rows_changed
