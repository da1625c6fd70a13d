"""A status's counted crimes by category, read from the incidents when the status is shown.

The status row keeps only the total that decides its colour: building every mahalla's breakdown in the national
recompute cost more than the count itself, for a detail read a few rows at a time. Reading it costs one grouped
query for a whole page of statuses, whatever their periods (the incidents' (mahalla, occurred_at) index).

Between a change to an incident and the recompute that follows it, the incidents and the stored total can
differ for a moment. Then the breakdown is not shown (`counts` is None) rather than one that does not add up
to the total beside it.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable

from django.db.models import Count, Q

from core.periods import Period, PeriodError
from incidents.models import Incident


def _periods(keys: Iterable[str]) -> dict[str, Period]:
    found = {}
    for key in keys:
        try:
            found[key] = Period.parse(key)
        except PeriodError:
            continue
    return found


def attach(statuses: Iterable) -> list:
    """Set `counts` ({category code: crimes}, or None while it does not add up to the stored total) on each
    MahallaStatus. One query whatever the number of statuses and periods (a period per column). Returns the
    statuses as a list. The statuses come from a scoped read (`visible_to`): this counts the crimes of their own
    mahallas only, by category, never a row of anyone's incident."""
    statuses = [s for s in statuses if s is not None]
    periods = _periods({s.period for s in statuses})
    mahalla_ids = sorted({s.mahalla_id for s in statuses if s.total and s.period in periods})
    found: dict[tuple[int, str], dict[str, int]] = defaultdict(dict)
    if mahalla_ids:
        columns = {f"p{i}": (key, period) for i, (key, period) in enumerate(periods.items())}
        rows = (Incident.objects.counted()
                .filter(mahalla_id__in=mahalla_ids, occurred_at__gte=min(p.starts for p in periods.values()),
                        occurred_at__lt=max(p.ends for p in periods.values()))
                .values("mahalla_id", "category__code").order_by()
                .annotate(**{name: Count("id", filter=Q(occurred_at__gte=p.starts, occurred_at__lt=p.ends))
                             for name, (_key, p) in columns.items()}))
        for row in rows:
            for name, (key, _period) in columns.items():
                if row[name]:
                    found[(row["mahalla_id"], key)][row["category__code"]] = row[name]
    for status in statuses:
        counts = found.get((status.mahalla_id, status.period), {})
        status.counts = counts if sum(counts.values()) == status.total and status.period in periods else None
    return statuses


def counts_of(status) -> dict | None:
    """The breakdown of one status or colour change: attached, stored (a colour change), or read now."""
    if not hasattr(status, "counts"):
        attach([status])
    return status.counts
