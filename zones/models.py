"""Crime-free zone status: green / yellow / red per mahalla and period, computed from registered crimes.

The status is derived state. One function computes it (`zones.recompute`) and stores it with the inputs that
decide it: the counted crimes, population, rate, the national rate threshold of that period and the policy
version; the crimes' breakdown by category is read from the incidents when a status is shown
(`zones.breakdown`), and stored with each colour change. The sentence a page shows ("2 registered crimes
(1 theft, 1 bank-card fraud); 0.5 per 1,000 residents — yellow") is rendered from those inputs in the
reader's language (`zones.reasons`).
"""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from mahallas.models import Mahalla

from .querysets import ColourChangeQuerySet, MahallaStatusQuerySet


class Colour(models.TextChoices):
    GREEN = "green", _("green")
    YELLOW = "yellow", _("yellow")
    RED = "red", _("red")


class Policy(models.Model):
    """The rules in force. Versioned: a change is a new row (see services.policy_create), never an edit, and
    the database refuses UPDATE on this table (migration 0002), so every status can name the rules it used."""

    version = models.PositiveIntegerField(_("version"), unique=True)
    green_max_crimes = models.PositiveSmallIntegerField(
        _("green: at most this many registered crimes"), default=0,
        help_text=_("The national goal is a crime-free mahalla: 0."))
    red_min_crimes = models.PositiveSmallIntegerField(
        _("red: at least this many registered crimes"), default=3)
    red_rate_top_percent = models.DecimalField(
        _("red: rate per 1,000 residents in the national top (%)"), max_digits=5, decimal_places=2, default=7,
        help_text=_("A mahalla whose rate is among the highest this share of mahallas is red. 0 turns the "
                    "rule off."))
    note = models.TextField(_("note"), blank=True)
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                               related_name="+", verbose_name=_("author"))
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("zone status policy")
        verbose_name_plural = _("zone status policies")
        ordering = ["-version"]
        constraints = [
            models.CheckConstraint(condition=Q(red_min_crimes__gt=F("green_max_crimes")),
                                   name="zones_policy_red_above_green"),
            models.CheckConstraint(condition=Q(red_rate_top_percent__gte=0) & Q(red_rate_top_percent__lte=100),
                                   name="zones_policy_top_percent_range"),
        ]

    def __str__(self) -> str:
        return _("Policy v%(version)s") % {"version": self.version}


class _StatusInputs(models.Model):
    """What explains a colour: shared by the status and by each colour change."""

    mahalla = models.ForeignKey(Mahalla, on_delete=models.CASCADE, related_name="+", verbose_name=_("mahalla"))
    period = models.CharField(_("period"), max_length=10)
    total = models.PositiveIntegerField(_("registered crimes"), default=0)
    population = models.PositiveIntegerField(_("population"), default=0)
    rate = models.DecimalField(_("per 1,000 residents"), max_digits=12, decimal_places=4, null=True)
    rate_threshold = models.DecimalField(_("national red rate threshold"), max_digits=12, decimal_places=4,
                                         null=True)
    policy = models.ForeignKey(Policy, on_delete=models.PROTECT, related_name="+", verbose_name=_("policy"))

    class Meta:
        abstract = True


class MahallaStatus(_StatusInputs):
    # No single-column indexes on the foreign keys: every index costs the national recompute an entry per
    # written row, (mahalla, period) is unique and leads with the mahalla, and statuses are never looked up by
    # policy (only deleting a policy version would, which PROTECT refuses while a status names it).
    mahalla = models.ForeignKey(Mahalla, on_delete=models.CASCADE, related_name="zone_statuses",
                                verbose_name=_("mahalla"), db_index=False)
    policy = models.ForeignKey(Policy, on_delete=models.PROTECT, related_name="+", verbose_name=_("policy"),
                               db_index=False)
    colour = models.CharField(_("colour"), max_length=8, choices=Colour.choices)
    previous_colour = models.CharField(_("previous colour"), max_length=8, blank=True)
    colour_since = models.DateTimeField(_("colour since"))
    # Watch flags: shown with the colour, never change it. Computed for periods that include today; NULL for
    # past periods and when the app that knows the answer is not installed (see zones.flags).
    flag_urgent_alerts = models.BooleanField(_("unreviewed urgent camera alerts"), null=True)
    flag_overdue_roadmap = models.BooleanField(_("overdue roadmap items"), null=True)
    flag_no_inspector = models.BooleanField(_("no active prevention inspector"), null=True)
    flag_no_social_worker = models.BooleanField(_("no active social worker"), null=True)
    # When these values were computed: a recompute that finds nothing changed leaves the row alone.
    computed_at = models.DateTimeField(_("computed at"))

    objects = MahallaStatusQuerySet.as_manager()

    class Meta:
        verbose_name = _("mahalla zone status")
        verbose_name_plural = _("mahalla zone statuses")
        constraints = [
            models.UniqueConstraint(fields=["mahalla", "period"], name="zones_status_one_per_period"),
            models.CheckConstraint(condition=Q(colour__in=Colour.values), name="zones_status_colour_valid"),
        ]
        # With the mahalla in the key, a period's colours are read from the index alone (dashboards count
        # them per district; the map joins them to 9,000 outlines): the heap holds one period's rows on
        # thousands of pages.
        indexes = [models.Index(fields=["period", "colour", "mahalla"], name="zones_status_period_col_mah")]

    def __str__(self) -> str:
        return f"{self.mahalla_id} {self.period}: {self.colour}"

    @property
    def flags(self) -> list[str]:
        from .reasons import flag_labels

        return flag_labels(self)


class ColourChange(_StatusInputs):
    """A mahalla's colour for a period changed: from, to, when, and the inputs that explain the new colour."""

    mahalla = models.ForeignKey(Mahalla, on_delete=models.CASCADE, related_name="zone_colour_changes",
                                verbose_name=_("mahalla"))
    from_colour = models.CharField(_("from"), max_length=8, choices=Colour.choices)
    to_colour = models.CharField(_("to"), max_length=8, choices=Colour.choices)
    at = models.DateTimeField(_("at"))
    # {"theft": 1, "cyber-bank-card": 1}: category code -> counted crimes when the colour changed. The status
    # itself keeps only the total; its breakdown is read when shown (zones.breakdown).
    counts = models.JSONField(_("registered crimes by category"), default=dict)

    objects = ColourChangeQuerySet.as_manager()

    class Meta:
        verbose_name = _("zone colour change")
        verbose_name_plural = _("zone colour changes")
        ordering = ["-at", "-id"]
        indexes = [
            models.Index(F("mahalla"), F("at").desc(), name="zones_change_mahalla_at"),
            models.Index(F("period"), F("at").desc(), name="zones_change_period_at"),
        ]

    def __str__(self) -> str:
        return f"{self.mahalla_id} {self.period}: {self.from_colour} -> {self.to_colour}"

    @property
    def colour(self) -> str:
        return self.to_colour


class PeriodThreshold(models.Model):
    """The national rate threshold of a period, from its last full recompute. Partial recomputes (a few dirty
    mahallas) reuse it instead of aggregating the whole country again; the nightly run refreshes it."""

    period = models.CharField(_("period"), max_length=10, unique=True)
    starts = models.DateTimeField(_("starts"))
    ends = models.DateTimeField(_("ends"))
    rate_threshold = models.DecimalField(_("national red rate threshold"), max_digits=12, decimal_places=4,
                                         null=True)
    ranked = models.PositiveIntegerField(_("mahallas ranked"), default=0)
    policy = models.ForeignKey(Policy, on_delete=models.PROTECT, related_name="+")
    computed_at = models.DateTimeField(_("computed at"))

    class Meta:
        verbose_name = _("period threshold")
        verbose_name_plural = _("period thresholds")

    def __str__(self) -> str:
        return f"{self.period}: {self.rate_threshold}"


class DirtyMahalla(models.Model):
    """A mahalla whose status must be recomputed. The table, not the broker, holds the work: a lost task
    message loses nothing, the sweep finds the rows again."""

    mahalla = models.OneToOneField(Mahalla, on_delete=models.CASCADE, primary_key=True, related_name="+")
    marked_at = models.DateTimeField(db_default=models.functions.Now())

    def __str__(self) -> str:
        return str(self.mahalla_id)


class RecomputeRun(models.Model):
    """One execution of the recompute: how much it did and how long it took (operations, and the tests that
    count executions). Old rows are purged by the nightly task."""

    class Kind(models.TextChoices):
        FULL = "full", _("national")
        PARTIAL = "partial", _("changed mahallas")

    kind = models.CharField(max_length=8, choices=Kind.choices)
    periods = models.JSONField(default=list)
    mahallas = models.PositiveIntegerField(default=0)
    rows_changed = models.PositiveIntegerField(default=0)
    colour_changes = models.PositiveIntegerField(default=0)
    started_at = models.DateTimeField()
    duration_ms = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["-started_at", "-id"]
        indexes = [models.Index(fields=["started_at"], name="zones_run_started")]

    def __str__(self) -> str:
        return f"{self.kind} {self.started_at:%Y-%m-%d %H:%M:%S}"
