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
    measured against the following 4 weeks. `results` holds, per method, the weekly hit rates (top 5/10/20 %) and
    predictive accuracy index, their means and spread, and the 95% interval of the weekly differences to the
    count baseline."""

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
