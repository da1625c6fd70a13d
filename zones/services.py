"""Writes of the zones app: policy versions, dirty marks, recomputes and the notifications they cause.

Coalescing (issue 6: 1,000 changes in one mahalla cause a handful of recomputes, not 1,000) is the shared
dirty-rows queue of core.queue: `mahallas_mark_dirty` stores the ids in zones_dirtymahalla in the change's
transaction and rings the doorbell after commit; one `zone_status_recompute_dirty` claims a batch and recomputes
it in one statement, in the same transaction (if it fails, the rows come back); a beat sweep rings again for rows
that waited too long.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from decimal import Decimal

from django.conf import settings
from django.db import connection, transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from accounts.capabilities import can
from accounts.notifications import district_officials, notify
from audit.models import AuditEvent
from audit.services import audit_record
from core.enqueue import enqueue
from core.periods import CURRENT, Period, recent_periods
from core.queue import DirtyMahallas, Doorbell
from mahallas.models import Mahalla

from . import breakdown
from .errors import ZoneError
from .models import Colour, MahallaStatus, PeriodThreshold, Policy, RecomputeRun
from .reasons import reason
from .recompute import RecomputeResult, status_recompute

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


# --- dirty marks and the doorbell (core.queue) -------------------------------------------------------------

# The doorbell key stays set while a recompute is on its way; if the message is lost, the key expires and the
# next change (or the sweep) rings again. COALESCE_SECONDS is how long a burst is gathered before the recompute
# runs: the status follows a change within about this plus one statement.
COALESCE_SECONDS = 0.5
DOORBELL_TTL_SECONDS = 10
DRAIN_BATCH = 2000
SWEEP_AFTER_SECONDS = 30

DIRTY = DirtyMahallas("zones_dirtymahalla", Doorbell(
    "zones:recompute:pending", task="zones.tasks.zone_status_recompute_dirty", seconds=DOORBELL_TTL_SECONDS,
    countdown=COALESCE_SECONDS, expires=DOORBELL_TTL_SECONDS * 6))


def mahallas_mark_dirty(mahalla_ids: Iterable[int]) -> int:
    return DIRTY.mark(mahalla_ids)


def refresh_periods() -> list[Period]:
    """What a changed mahalla is recomputed for: the recent periods and every period already computed."""
    periods = {p.key: p for p in recent_periods()}
    for key in PeriodThreshold.objects.exclude(period=CURRENT).values_list("period", flat=True):
        periods.setdefault(key, Period.parse(key))
    return list(periods.values())


def status_recompute_dirty(*, batch: int = DRAIN_BATCH) -> list[RecomputeResult]:
    """Drain the dirty mahallas: each batch is claimed and recomputed in one transaction."""
    periods: list[Period] = []  # read once, when the first batch is claimed

    def work(ids: list[int]) -> RecomputeResult:
        if not periods:
            periods.extend(refresh_periods())
        result = status_recompute(periods=periods, mahalla_ids=ids)
        status_changes_notify(result)
        return result

    return DIRTY.drain(work, batch=batch)


def dirty_sweep() -> bool:
    """Ring again for dirty rows that have waited too long (their message was lost)."""
    return DIRTY.sweep(longer_than=datetime.timedelta(seconds=SWEEP_AFTER_SECONDS))


# --- national recomputes -----------------------------------------------------------------------------------

def status_recompute_national(*, periods: Iterable[Period] | None = None) -> RecomputeResult:
    """Every mahalla for `periods` (default: the recent ones): the nightly run, `recompute_status`, a policy
    change."""
    with transaction.atomic():
        result = status_recompute(periods=list(periods or recent_periods()))
        status_changes_notify(result)
    return result


def status_recompute_all_stored() -> RecomputeResult:
    return status_recompute_national(periods=refresh_periods())


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
    breakdown.attach(statuses.values())
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
