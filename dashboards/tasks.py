"""Celery tasks of the dashboards app. Each calls one function of `stats`; all are idempotent (a refresh
recomputes rows from the base tables), so acks_late redelivery is safe."""

from celery import shared_task
from django.db import OperationalError

from . import maps, stats

# The zooms a dashboard map opens at (the country at 4-6, a region at 7): their outlines are built ahead.
WARM_ZOOMS = (4, 5, 6, 7)


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
    seconds = stats.stats_rebuild().seconds
    dashboards_map_warm.delay()
    return seconds


@shared_task(soft_time_limit=300, time_limit=360)
def dashboards_map_warm() -> int:
    """After the nightly rebuild: the map outlines of the usual zooms, so no user waits for them (a no-op
    while they are cached and no boundary changed)."""
    return maps.map_geometry_warm(WARM_ZOOMS)
