"""Weekly risk scores of mahallas, their statistically significant hot spots, and the backtests that say whether
the scores deserve trust. Built from counted crimes only (incidents.querysets.counted) and camera alerts that a
person confirmed; never from data about individual people.

A week is named by its Monday (local date, Asia/Tashkent); the scores of week W use only what was known before
W began and forecast the counted crimes of W and the three weeks after it (a 4-week horizon: a mahalla sees a
crime every few months, one week says nothing).
"""

from __future__ import annotations

from django.contrib.gis.db import models
from django.db.models import Q
from django.db.models.functions import Now
from django.utils.translation import gettext_lazy as _

from mahallas.models import Mahalla


class RankedBy(models.TextChoices):
    MODEL = "model", _("risk model")
    # Where the backtest says the model does not beat it, the ranking falls back to the count baseline.
    COUNT = "count", _("last 12 weeks' count")


class RiskScore(models.Model):
    """A mahalla's forecast of counted crimes in the 4 weeks from `week` (risk.scoring), its ranks and why.

    `components` (written by risk.services, read by risk.selectors.explain; counts are counted crimes of
    place-based categories unless said otherwise, "4w" = the last 4 weeks before `week`)::

        {"horizon_weeks": 4,
         "ranked_by": "model" | "count",           # the ranking rule in force (risk.ranking)
         "crimes": {"4": int, "12": int, "52": int},  # in the last 4 / 12 / 52 weeks
         "usual_4w": float,                        # empirical-Bayes smoothed rate x population, per 4 weeks
         "ratio": float | null,                    # crimes["4"] / usual_4w
         "trend": float,                           # log(last 4 weeks' rate / last 52 weeks' rate), smoothed
         "neighbours": {"count": int,              # neighbours (touching, or nearest for an island)
                        "hot": int,                # of them hot spots this week
                        "crimes_4w": int,          # their crimes in the last 4 weeks
                        "mean_4w": float},         # spatial lag: their mean per 4 weeks over 12 weeks
         "near_repeat_2w": int,                    # crimes of the last 2 weeks here and next door
         "alerts_4w": int,                         # camera alerts confirmed by a person
         "population": int,
         "hot_spot": "hot" | "cold" | "none",      # this mahalla's Gi* verdict this week
         "groups": [{"code": str, "crimes_4w": int, "usual_4w": float, "ratio": float | null,
                     "expected_4w": float}],      # top 3 groups of the last 4 weeks; expected: the score split
                                                   # by the mahalla's smoothed 52-week mix of groups
         "cyber": {"crimes_4w": int, "crimes_52w": int, "score": float},  # victims living here; not ranked
         "inputs": {name: {"value": float, "contribution": float}}}  # model columns; contribution on the log
                                                   # scale against the national mean (exp = factor)
    """

    mahalla = models.ForeignKey(Mahalla, on_delete=models.CASCADE, related_name="risk_scores",
                                verbose_name=_("mahalla"))
    week = models.DateField(_("week (Monday)"))
    # Expected counted crimes (place-based categories) in the 4 weeks from `week`; the ranking's key.
    score = models.FloatField(_("risk score"))
    # Cybercrime counts where the victim lives and has no place of its own: scored apart, never in the ranking.
    cyber_score = models.FloatField(_("cybercrime risk"), default=0.0)
    # The baseline the backtest compares against: counted crimes of the 12 weeks before `week`.
    baseline_count = models.PositiveIntegerField(_("crimes in the last 12 weeks"), default=0)
    rank_national = models.PositiveIntegerField(_("national rank"))
    rank_district = models.PositiveIntegerField(_("rank in district"))
    # Every input and its contribution, so a page can say in words why the mahalla ranks where it does.
    components = models.JSONField(_("components"), default=dict)
    computed_at = models.DateTimeField(_("computed at"), db_default=Now())

    class Meta:
        verbose_name = _("risk score")
        verbose_name_plural = _("risk scores")
        ordering = ["week", "rank_national"]
        constraints = [
            models.UniqueConstraint(fields=["mahalla", "week"], name="riskscore_unique_week"),
            models.CheckConstraint(condition=Q(score__gte=0) & Q(cyber_score__gte=0), name="riskscore_nonnegative"),
        ]
        indexes = [models.Index(fields=["week", "rank_national"], name="riskscore_week_rank")]

    def __str__(self) -> str:
        return f"{self.mahalla} {self.week}: {self.score:.2f}"


class SpotKind(models.TextChoices):
    HOT = "hot", _("hot spot")
    COLD = "cold", _("cold spot")
    NONE = "none", _("not significant")


class HotSpot(models.Model):
    """Local Getis-Ord Gi* of one mahalla for the 12 weeks before `week`, with its permutation p-value; `kind` is
    hot or cold only where the p-value survives the false discovery rate over all mahallas tested."""

    mahalla = models.ForeignKey(Mahalla, on_delete=models.CASCADE, related_name="hot_spots",
                                verbose_name=_("mahalla"))
    week = models.DateField(_("week (Monday)"))
    category_group = models.CharField(_("category group"), max_length=32, default="all")
    z_score = models.FloatField(_("Gi* z-score"))
    p_value = models.FloatField(_("p-value (permutations)"))
    kind = models.CharField(_("kind"), max_length=4, choices=SpotKind.choices, default=SpotKind.NONE)
    computed_at = models.DateTimeField(_("computed at"), db_default=Now())

    class Meta:
        verbose_name = _("hot spot")
        verbose_name_plural = _("hot spots")
        constraints = [
            models.UniqueConstraint(fields=["mahalla", "week", "category_group"], name="hotspot_unique_week"),
            models.CheckConstraint(condition=Q(kind__in=SpotKind.values), name="hotspot_kind_valid"),
            models.CheckConstraint(condition=Q(p_value__gte=0) & Q(p_value__lte=1), name="hotspot_p_range"),
        ]
        indexes = [models.Index(fields=["week", "category_group", "kind"], name="hotspot_week_kind")]


class Backtest(models.Model):
    """The model and its baselines ranked for each of `weeks` past weeks with only the data as it stood then,
    measured against the following 4 weeks (risk.backtest). `results`::

        {"origins": ["2026-W19", ...],             # the weeks ranked, oldest first
         "crimes": [int, ...],                     # crimes of each origin's following 4 weeks
         "tops": [5, 10, 20], "kde_bandwidth_km": float,
         "methods": {"model" | "count" | "kde": {
             "hit": {"5": [float | null, ...], "10": [...], "20": [...]},  # weekly hit rates
             "pai": {...same...},                  # weekly predictive accuracy index
             "mean": {"hit": {"5": float, ...}, "pai": {...}},
             "sd": {"hit": {"5": float, ...}, "pai": {...}}}},
         "difference": {"vs": "count", "top": 10, "mean": float, "se": float, "ci95": [low, high],
                        "weeks": int, "lags": int, "dof": int, "method": str},  # model - count, top 10 %
         "seconds": {"load": float, "hotspots": float, "backtest": float, "scoring": float}}

    `beats_count_baseline` is ci95[0] > 0; `ranked_by` follows from it (risk.ranking)."""

    week = models.DateField(_("computed for week (Monday)"))
    weeks = models.PositiveSmallIntegerField(_("weeks tested"), default=26)
    horizon_weeks = models.PositiveSmallIntegerField(_("horizon (weeks)"), default=4)
    results = models.JSONField(_("results"), default=dict)
    beats_count_baseline = models.BooleanField(_("beats the count baseline"))
    ranked_by = models.CharField(_("ranking used"), max_length=8, choices=RankedBy.choices)
    computed_at = models.DateTimeField(_("computed at"), db_default=Now())
    seconds = models.FloatField(_("seconds taken"), default=0.0)

    class Meta:
        verbose_name = _("backtest")
        verbose_name_plural = _("backtests")
        ordering = ["-week", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["week"], name="backtest_unique_week"),
            models.CheckConstraint(condition=Q(ranked_by__in=RankedBy.values), name="backtest_ranked_by_valid"),
        ]

    def __str__(self) -> str:
        return f"backtest {self.week}"
