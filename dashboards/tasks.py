"""Celery tasks of the dashboards app. Each calls one function of `stats`; all are idempotent (a refresh
recomputes rows from the base tables), so acks_late redelivery is safe."""

from celery import shared_task
from django.db import OperationalError

from . import stats


@shared_task(autoretry_for=(OperationalError,), retry_backoff=True, max_retries=5, soft_time_limit=120,
             time_limit=150)
def dashboards_stats_refresh() -> int:
    """Refresh the mahallas marked dirty (signals of incidents and surveillance ring for it)."""
    return stats.stats_refresh_dirty()


@shared_task(soft_time_limit=120, time_limit=150)
def dashboards_stats_sweep() -> int:
    """Beat: mark what changed since the watermark (field visits send no signal) and refresh it."""
    return stats.stats_sweep()


@shared_task(soft_time_limit=1800, time_limit=1900)
def dashboards_stats_rebuild() -> float:
    """Nightly: every row from the base tables, whatever a lost message or a bulk import skipped."""
    return stats.stats_rebuild().seconds
