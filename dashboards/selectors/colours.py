"""Zone colours on a dashboard: counts of mahallas by colour, read from the zones app."""

from __future__ import annotations

from dataclasses import dataclass

from core.periods import Period
from zones.selectors import ColourCounts, colour_counts_by_district, sum_counts

from .access import Scope


@dataclass
class ZoneCounts:
    """Mahallas by zone colour per district, for the zone period the dashboard period maps to and the one
    before it (None when there is none): one query shared by the tiles, the table and the ranking."""
    label: str
    by_district: dict[int, list[ColourCounts]]
    has_previous: bool
    # The whole zone period before (statuses exist for whole periods only, not cut like the other figures').
    previous_label: str = ""

    def total(self, which: int = 0) -> ColourCounts:
        return sum_counts(counts[which] for counts in self.by_district.values())

    def of(self, district_ids, which: int = 0) -> ColourCounts | None:
        found = [self.by_district[d][which] for d in district_ids if d in self.by_district]
        return sum_counts(found) if found else None


def zone_counts(user, scope: Scope, period: Period, today) -> ZoneCounts:
    zp = period.status_period(today)
    try:
        periods = [zp, zp.previous()]
    except ValueError:
        periods = [zp]
    by_district = colour_counts_by_district(user, periods, region=None if scope.district else scope.region,
                                            district=scope.district)
    return ZoneCounts(zp.short_label(today), by_district, has_previous=len(periods) > 1,
                      previous_label=periods[1].short_label(today) if len(periods) > 1 else "")

