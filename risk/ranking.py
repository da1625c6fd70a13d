"""The one rule of the ranking: the model ranks the mahallas only while its backtest beats the count baseline;
otherwise (or with no backtest yet) the mahallas are ranked by their counted crimes of the last 12 weeks, as the
page then says. Every ordering of RiskScore rows (national and district ranks) comes from here."""

from __future__ import annotations

import numpy as np

from .models import Backtest, RankedBy


def ranked_by(beats_count_baseline: bool | None) -> str:
    return RankedBy.MODEL if beats_count_baseline else RankedBy.COUNT


def last_verdict(week) -> bool | None:
    """Whether the latest backtest up to `week` beat the count baseline (None: no backtest yet)."""
    latest = Backtest.objects.filter(week__lte=week).order_by("-week").values_list("beats_count_baseline",
                                                                                   flat=True).first()
    return latest


def ranks(score: np.ndarray, baseline_count: np.ndarray, district: np.ndarray, mahalla_ids: np.ndarray,
          by: str) -> tuple[np.ndarray, np.ndarray]:
    """National and district ranks (1 = highest risk). Ties: the other measure, then the mahalla id."""
    first, second = (score, baseline_count) if by == RankedBy.MODEL else (baseline_count, score)
    order = np.lexsort((mahalla_ids, -second, -first))
    national = np.empty(len(order), dtype=np.int64)
    national[order] = np.arange(1, len(order) + 1)
    # Within each district, the same order: sort by (district, national rank).
    by_district = np.lexsort((national, district))
    d_sorted = district[by_district]
    starts = np.r_[0, np.flatnonzero(d_sorted[1:] != d_sorted[:-1]) + 1]
    position = np.arange(len(order)) - np.repeat(starts, np.diff(np.r_[starts, len(order)]))
    in_district = np.empty(len(order), dtype=np.int64)
    in_district[by_district] = position + 1
    return national, in_district
