"""Pre-aggregated counts that the dashboards read instead of the base tables.

Two grains, both keyed by the Tashkent calendar day (a crime at 23:30 Tashkent time on 30 June is a 30 June
crime, whatever the server's time zone):

- `DailyMahallaStats`: one row per mahalla and day that had anything (registered crime, camera alert, field
  visit). District dashboards, the mahalla table and the per-mahalla map layers read it.
- `DailyDistrictStats`: the same counters summed per district and day (~180 x 365 rows a year), and
  `DailyDistrictCategory`: registered crimes per district, day and top-level category. The national and
  regional dashboards read these: a year of the whole country is ~65,000 small rows instead of millions.

Each daily table has a monthly roll-up keyed by the month's first day (`MonthlyMahallaStats`,
`MonthlyDistrictStats`, `MonthlyDistrictCategory`), summed from the daily rows in the same transaction that
writes them. A period is read as its whole months from the monthly table plus its edge days from the daily
one: a year of the whole country is ~2,500 district-month rows, and the map's year ~100,000 mahalla-months
instead of 1.6 million mahalla-days.

Only `dashboards.stats` writes them (set-based SQL); they are derived state, rebuildable at any time with
`manage.py dashboards_rebuild`. Counters follow zones: a crime counts when it is registered and its legal
kind is "crime".
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from mahallas.models import Mahalla


class _Counters(models.Model):
    crimes = models.PositiveIntegerField(_("registered crimes"), default=0)
    cyber = models.PositiveIntegerField(_("cybercrimes"), default=0)
    bank_card = models.PositiveIntegerField(_("bank-card cybercrimes"), default=0)
    drug = models.PositiveIntegerField(_("drug crimes"), default=0)
    minor = models.PositiveIntegerField(_("crimes involving minors"), default=0)
    youth = models.PositiveIntegerField(_("crimes involving youth"), default=0)
    woman = models.PositiveIntegerField(_("crimes against women"), default=0)
    alerts = models.PositiveIntegerField(_("camera alerts"), default=0)
    alerts_confirmed = models.PositiveIntegerField(_("confirmed camera alerts"), default=0)
    alerts_dismissed = models.PositiveIntegerField(_("dismissed camera alerts"), default=0)
    visits = models.PositiveIntegerField(_("field visits"), default=0)

    class Meta:
        abstract = True


class DailyMahallaStats(_Counters):
    # No foreign keys: derived rows must never block deleting or merging a mahalla; a rebuild drops orphans.
    mahalla_id = models.BigIntegerField()
    district_id = models.BigIntegerField()
    region_id = models.BigIntegerField()
    day = models.DateField()

    class Meta:
        verbose_name = _("daily mahalla statistics")
        verbose_name_plural = _("daily mahalla statistics")
        constraints = [models.UniqueConstraint(fields=["mahalla_id", "day"], name="dash_mahalla_day_unique")]
        indexes = [
            models.Index(fields=["district_id", "day"], name="dash_mahalla_district_day"),
            models.Index(fields=["day"], name="dash_mahalla_day"),
        ]

    def __str__(self) -> str:
        return f"{self.mahalla_id} {self.day}"


class DailyDistrictStats(_Counters):
    district_id = models.BigIntegerField()
    region_id = models.BigIntegerField()
    day = models.DateField()

    class Meta:
        verbose_name = _("daily district statistics")
        verbose_name_plural = _("daily district statistics")
        constraints = [models.UniqueConstraint(fields=["district_id", "day"], name="dash_district_day_unique")]
        indexes = [
            models.Index(fields=["day"], name="dash_district_day"),
            models.Index(fields=["region_id", "day"], name="dash_district_region_day"),
        ]

    def __str__(self) -> str:
        return f"{self.district_id} {self.day}"


class DailyDistrictCategory(models.Model):
    district_id = models.BigIntegerField()
    region_id = models.BigIntegerField()
    day = models.DateField()
    # The top-level category (a bank-card fraud counts under "cybercrime").
    category_id = models.BigIntegerField()
    crimes = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["district_id", "day", "category_id"],
                                               name="dash_district_category_unique")]
        indexes = [models.Index(fields=["day"], name="dash_category_day"),
                   models.Index(fields=["region_id", "day"], name="dash_category_region_day")]

    def __str__(self) -> str:
        return f"{self.district_id} {self.day} {self.category_id}"


class MonthlyMahallaStats(_Counters):
    mahalla_id = models.BigIntegerField()
    district_id = models.BigIntegerField()
    region_id = models.BigIntegerField()
    month = models.DateField()  # the first day of the month

    class Meta:
        verbose_name = _("monthly mahalla statistics")
        verbose_name_plural = _("monthly mahalla statistics")
        constraints = [models.UniqueConstraint(fields=["mahalla_id", "month"], name="dash_mahalla_month_unique")]
        indexes = [
            models.Index(fields=["district_id", "month"], name="dash_mahalla_district_month"),
            models.Index(fields=["month"], name="dash_mahalla_month"),
        ]

    def __str__(self) -> str:
        return f"{self.mahalla_id} {self.month:%Y-%m}"


class MonthlyDistrictStats(_Counters):
    district_id = models.BigIntegerField()
    region_id = models.BigIntegerField()
    month = models.DateField()

    class Meta:
        verbose_name = _("monthly district statistics")
        verbose_name_plural = _("monthly district statistics")
        constraints = [models.UniqueConstraint(fields=["district_id", "month"], name="dash_district_month_unique")]
        indexes = [
            models.Index(fields=["month"], name="dash_district_month"),
            models.Index(fields=["region_id", "month"], name="dash_district_region_month"),
        ]

    def __str__(self) -> str:
        return f"{self.district_id} {self.month:%Y-%m}"


class MonthlyDistrictCategory(models.Model):
    district_id = models.BigIntegerField()
    region_id = models.BigIntegerField()
    month = models.DateField()
    category_id = models.BigIntegerField()
    crimes = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["district_id", "month", "category_id"],
                                               name="dash_district_month_cat_unique")]
        indexes = [models.Index(fields=["month"], name="dash_category_month"),
                   models.Index(fields=["region_id", "month"], name="dash_category_region_month")]

    def __str__(self) -> str:
        return f"{self.district_id} {self.month:%Y-%m} {self.category_id}"


class DirtyMahalla(models.Model):
    """A mahalla whose rows must be recomputed. The table holds the work, the broker only rings the bell."""

    mahalla_id = models.BigIntegerField(primary_key=True)
    marked_at = models.DateTimeField(db_default=models.functions.Now())

    def __str__(self) -> str:
        return str(self.mahalla_id)


class RefreshState(models.Model):
    """One row: how far the sweep has read the base tables, and a version that changes on every refresh
    (cache keys carry it, so a refresh is seen by the next request)."""

    id = models.PositiveSmallIntegerField(primary_key=True, default=1)
    watermark = models.DateTimeField(null=True)
    version = models.PositiveBigIntegerField(default=0)
    rebuilt_at = models.DateTimeField(null=True)
    refreshed_at = models.DateTimeField(null=True)

    def __str__(self) -> str:
        return f"v{self.version}"


class FigurePublication(models.Model):
    """The official figures of a period as the ministry published them: one version of a period's snapshot.

    Append-only (the database refuses UPDATE and DELETE, migration 0003): a period published again is a new
    version, and every earlier version stays readable, so "as published" never changes after the fact."""

    period = models.CharField(_("period"), max_length=10)
    version = models.PositiveIntegerField(_("version"))
    starts = models.DateTimeField(_("starts"))
    ends = models.DateTimeField(_("ends"))
    published_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                     verbose_name=_("published by"))
    published_at = models.DateTimeField(_("published at"), auto_now_add=True)
    note = models.TextField(_("note"), blank=True)

    class Meta:
        verbose_name = _("published figures")
        verbose_name_plural = _("published figures")
        ordering = ["-published_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["period", "version"], name="dash_publication_period_version"),
            models.CheckConstraint(condition=Q(version__gte=1), name="dash_publication_version_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.period} v{self.version}"


class PublishedMahallaFigure(models.Model):
    """One mahalla's counted crimes in a publication, frozen: total, per top-level category (the category
    group's id as the key) and the zone colour of the period at publication ("" when none was computed)."""

    publication = models.ForeignKey(FigurePublication, on_delete=models.PROTECT, related_name="figures",
                                    verbose_name=_("publication"))
    # An official record: a mahalla named in published figures cannot be deleted from under them.
    mahalla = models.ForeignKey(Mahalla, on_delete=models.PROTECT, related_name="+", db_index=False,
                                verbose_name=_("mahalla"))
    crimes = models.PositiveIntegerField(_("registered crimes"))
    by_group = models.JSONField(_("registered crimes by category group"), default=dict)
    colour = models.CharField(_("zone colour"), max_length=8, blank=True)

    class Meta:
        verbose_name = _("published mahalla figure")
        verbose_name_plural = _("published mahalla figures")
        constraints = [models.UniqueConstraint(fields=["publication", "mahalla"],
                                               name="dash_published_figure_unique")]

    def __str__(self) -> str:
        return f"{self.publication_id}/{self.mahalla_id}: {self.crimes}"
