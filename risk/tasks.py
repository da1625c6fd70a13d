"""Celery task of the risk app: the weekly run (beat: Monday night, Asia/Tashkent; settings.CELERY_BEAT_SCHEDULE).

Faults: PostgreSQL down or a lock not granted (OperationalError) -> the run's transaction rolls back, the task is
retried with backoff up to 5 times, and until one succeeds the pages show the last computed week. Redis (the
broker) down -> beat cannot enqueue and the run is skipped (it expires after 6 hours); a worker lost mid-run ->
nothing of the week was written (one transaction) and, with acks_late, the broker hands the task out again after
its visibility timeout (Redis: 1 hour, within the 6 hours); rerunning a week replaces that week, so both are
safe. `manage.py risk_compute` runs the
same service without Celery."""

from __future__ import annotations

from celery import shared_task
from django.db import InterfaceError, OperationalError, close_old_connections, connection

from . import services, weeks


@shared_task(bind=True, autoretry_for=(OperationalError, InterfaceError), retry_backoff=60, retry_backoff_max=1800,
             max_retries=5, soft_time_limit=900, time_limit=960, acks_late=True)
def risk_compute_weekly(self, week: str | None = None) -> dict:
    close_old_connections()
    try:
        result = services.compute_week(weeks.parse(week) if week else None)
    except (OperationalError, InterfaceError):
        # The connection may be dead (database restarted): the retry must open a new one.
        connection.close()
        raise
    return {"week": result.week.isoformat(), "mahallas": result.mahallas, "ranked_by": result.ranked_by,
            "hot": result.hot, "retries": self.request.retries or 0,
            "seconds": {k: round(v, 2) for k, v in result.seconds.items()}}
