"""Writes of the zones app: policy versions, dirty marks, recomputes and the notifications they cause.

Coalescing (issue 6: 1,000 changes in one mahalla cause a handful of recomputes, not 1,000):

1. `mahallas_mark_dirty` stores the mahalla ids in zones_dirtymahalla (INSERT ... ON CONFLICT DO NOTHING): the
   database holds the work, so a lost broker message loses nothing.
2. After commit it rings the doorbell: `SET zones:recompute:pending NX EX` in Redis (Django's cache.add). Only
   the caller that set the key enqueues `zone_status_recompute_dirty` with a short countdown; everyone else
   during that window finds the key set and does nothing more.
3. The task first deletes the key (a change from now on rings again), then claims the dirty rows with
   DELETE ... RETURNING (SKIP LOCKED, bounded) and recomputes all of them in one statement, in the same
   transaction: if it fails, the rows come back.
4. A beat sweep re-rings the doorbell when rows wait longer than they should (a lost message, Redis restarted).
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from decimal import Decimal

from django.conf import settings
from django.core.cache import cache
from django.db import connection, transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from accounts.capabilities import can
from accounts.notifications import district_officials, notify
from audit.models import AuditEvent
from audit.services import audit_record
from core.enqueue import enqueue
from mahallas.models import Mahalla

from .errors import ZoneError
from .models import Colour, MahallaStatus, PeriodThreshold, Policy, RecomputeRun
from core.periods import CURRENT, Period, recent_periods
from .reasons import reason
from .recompute import RecomputeResult, status_recompute

DOORBELL_KEY = "zones:recompute:pending"
# How long a burst is gathered before the recompute runs; the status follows a change within about this
# plus one statement (~10 ms for a few mahallas).
COALESCE_SECONDS = 0.5
# If the enqueued message is lost, the key expires and the next change (or the sweep) rings again.
DOORBELL_TTL_SECONDS = 10
DRAIN_BATCH = 2000
SWEEP_AFTER_SECONDS = 30
RUNS_KEPT_DAYS = 30


# --- policy ----------------------------------------------------------------------------------------------

@transaction.atomic
def policy_create(*, by, red_min_crimes: int, red_rate_top_percent: Decimal, green_max_crimes: int = 0,
                  note: str = "") -> Policy:
    """A new policy version; the old ones stay, and every status names the version it was computed with.
    All stored statuses are recomputed under the new rules after commit."""
    if not can(by, "zones.edit_policy"):
        raise ZoneError("policy", _("Only national administrators may change the zone status policy."))
    if green_max_crimes < 0 or red_min_crimes < 1:
        raise ZoneError("red_min_crimes", _("Thresholds cannot be negative."))
    if red_min_crimes <= green_max_crimes:
        raise ZoneError("red_min_crimes", _("The red threshold must be above the green one."))
    if not (Decimal(0) <= Decimal(red_rate_top_percent) <= Decimal(100)):
        raise ZoneError("red_rate_top_percent", _("Give a share between 0 and 100."))
    # Versions are numbered under a lock, so two editors saving at once get 4 and 5, never two 4s.
    with connection.cursor() as cursor:
        cursor.execute("LOCK TABLE zones_policy IN SHARE ROW EXCLUSIVE MODE")
    latest = Policy.objects.order_by("-version").first()
    policy = Policy.objects.create(
        version=(latest.version + 1) if latest else 1, green_max_crimes=green_max_crimes,
        red_min_crimes=red_min_crimes, red_rate_top_percent=red_rate_top_percent, note=(note or "").strip(),
        author=by)
    audit_record(action=AuditEvent.Action.CREATE, actor=by, obj=policy, details={
        "version": policy.version, "green_max_crimes": green_max_crimes, "red_min_crimes": red_min_crimes,
        "red_rate_top_percent": str(red_rate_top_percent),
        "previous_version": latest.version if latest else None})
    transaction.on_commit(_enqueue_recompute_all, robust=True)
    return policy


def _enqueue_recompute_all() -> None:
    from .tasks import zone_status_recompute_all

    enqueue(zone_status_recompute_all, expires=3600)  # if the broker is down, the nightly run recomputes


# --- dirty marks and the doorbell -------------------------------------------------------------------------

def mahallas_mark_dirty(mahalla_ids: Iterable[int]) -> int:
    ids = sorted({int(i) for i in mahalla_ids if i is not None})
    if not ids:
        return 0
    with connection.cursor() as cursor:
        # A mahalla deleted meanwhile is skipped, not an error.
        cursor.execute(
            "INSERT INTO zones_dirtymahalla (mahalla_id, marked_at) "
            "SELECT id, now() FROM mahallas_mahalla WHERE id = ANY(%s) ON CONFLICT (mahalla_id) DO NOTHING",
            [ids])
    transaction.on_commit(doorbell_ring, robust=True)
    return len(ids)


def doorbell_ring() -> bool:
    """Enqueue one recompute unless one is already on its way. True when this call enqueued it."""
    if not cache.add(DOORBELL_KEY, "1", timeout=DOORBELL_TTL_SECONDS):
        return False
    from .tasks import zone_status_recompute_dirty

    if not enqueue(zone_status_recompute_dirty, countdown=COALESCE_SECONDS, expires=DOORBELL_TTL_SECONDS * 6):
        cache.delete(DOORBELL_KEY)  # the broker is down: the sweep rings again for these rows
        return False
    return True


def _dirty_claim(limit: int) -> list[int]:
    with connection.cursor() as cursor:
        cursor.execute(
            "DELETE FROM zones_dirtymahalla WHERE mahalla_id IN (SELECT mahalla_id FROM zones_dirtymahalla "
            "ORDER BY marked_at LIMIT %s FOR UPDATE SKIP LOCKED) RETURNING mahalla_id", [limit])
        return [row[0] for row in cursor.fetchall()]


def refresh_periods() -> list[Period]:
    """What a changed mahalla is recomputed for: the recent periods and every period already computed."""
    periods = {p.key: p for p in recent_periods()}
    for key in PeriodThreshold.objects.exclude(period=CURRENT).values_list("period", flat=True):
        periods.setdefault(key, Period.parse(key))
    return list(periods.values())


def status_recompute_dirty(*, batch: int = DRAIN_BATCH) -> list[RecomputeResult]:
    """Drain the dirty mahallas: each batch is claimed and recomputed in one transaction."""
    cache.delete(DOORBELL_KEY)
    results = []
    periods = None
    while True:
        with transaction.atomic():
            ids = _dirty_claim(batch)
            if not ids:
                break
            periods = periods or refresh_periods()
            result = status_recompute(periods=periods, mahalla_ids=ids)
            status_changes_notify(result)
            results.append(result)
        if len(ids) < batch:
            break
    return results


def dirty_sweep() -> bool:
    """Ring again for dirty rows that have waited too long (their message was lost)."""
    cutoff = timezone.now() - datetime.timedelta(seconds=SWEEP_AFTER_SECONDS)
    from .models import DirtyMahalla

    if DirtyMahalla.objects.filter(marked_at__lt=cutoff).exists():
        cache.delete(DOORBELL_KEY)
        return doorbell_ring()
    return False


# --- national recomputes -----------------------------------------------------------------------------------

def status_recompute_national(*, periods: Iterable[Period] | None = None) -> RecomputeResult:
    """Every mahalla for `periods` (default: the recent ones): the nightly run, `recompute_status`, a policy
    change."""
    with transaction.atomic():
        result = status_recompute(periods=list(periods or recent_periods()))
        status_changes_notify(result)
    return result


def status_recompute_all_stored() -> RecomputeResult:
    periods = {p.key: p for p in recent_periods()}
    for key in PeriodThreshold.objects.exclude(period=CURRENT).values_list("period", flat=True):
        periods.setdefault(key, Period.parse(key))
    return status_recompute_national(periods=periods.values())


def runs_purge() -> int:
    cutoff = timezone.now() - datetime.timedelta(days=RUNS_KEPT_DAYS)
    return RecomputeRun.objects.filter(started_at__lt=cutoff).delete()[0]


# --- notifications -----------------------------------------------------------------------------------------

def _notify_worthy(event) -> bool:
    # One notification per real change: only the rolling 90-day status (a crime also changes its quarter,
    # half-year and year, which would say the same thing four times).
    return event.period == CURRENT and (event.from_colour == Colour.GREEN or event.to_colour == Colour.RED)


def status_changes_notify(result: RecomputeResult) -> int:
    """District officials hear when one of their mahallas leaves green or turns red."""
    events = [e for e in result.events if _notify_worthy(e)]
    if not events:
        return 0
    mahallas = Mahalla.objects.only("id", "name_uz", "name_ru", "name_en", "district_id").in_bulk(
        [e.mahalla_id for e in events])
    statuses = {s.mahalla_id: s for s in MahallaStatus.objects.select_related("policy").filter(
        period=CURRENT, mahalla_id__in=[e.mahalla_id for e in events])}
    sent = 0
    # Notifications are stored text: written in the platform's language, as the ministry's letters are.
    with translation.override(settings.LANGUAGE_CODE):
        for event in events:
            mahalla = mahallas.get(event.mahalla_id)
            if mahalla is None:
                continue
            if event.to_colour == Colour.RED:
                title = _("%(mahalla)s turned red") % {"mahalla": mahalla.name}
            else:
                title = _("%(mahalla)s is no longer crime-free (now %(colour)s)") % {
                    "mahalla": mahalla.name, "colour": Colour(event.to_colour).label}
            status = statuses.get(event.mahalla_id)
            body = _("Last 90 days: %(reason)s.") % {"reason": reason(status)} if status else ""
            sent += notify(users=district_officials(mahalla.district_id), kind="zone_colour", title=title,
                           body=body, url=reverse("territories:mahalla", args=[mahalla.pk]))
    return sent
