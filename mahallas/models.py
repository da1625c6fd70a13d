"""The territory tree: Region (viloyat, Karakalpakstan, Tashkent city) -> District (tuman or city) -> Mahalla.

The official code is the stable key: imports update by code, and other systems refer to units by it.
"""

from django.contrib.gis.db import models
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from .querysets import DistrictQuerySet, MahallaQuerySet, RegionQuerySet


def name_field(language: str | None = None) -> str:
    """The name column of a language (the active one by default); Uzbek Latin, the official one, otherwise."""
    return {"ru": "name_ru", "en": "name_en"}.get((language or get_language() or "uz")[:2], "name_uz")


class Territory(models.Model):
    code = models.CharField(_("official code"), max_length=16, unique=True)
    name_uz = models.CharField(_("name (Uzbek, Latin)"), max_length=200)
    name_uz_cyrl = models.CharField(_("name (Uzbek, Cyrillic)"), max_length=200, blank=True)
    name_ru = models.CharField(_("name (Russian)"), max_length=200, blank=True)
    name_en = models.CharField(_("name (English)"), max_length=200, blank=True)
    boundary = models.MultiPolygonField(_("boundary"), srid=4326, spatial_index=True, null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        abstract = True
        ordering = ["name_uz"]

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        """The name in the active language, falling back to Uzbek Latin, the official one."""
        return getattr(self, name_field()) or self.name_uz


class Region(Territory):
    objects = RegionQuerySet.as_manager()

    class Meta(Territory.Meta):
        verbose_name = _("region")
        verbose_name_plural = _("regions")


class District(Territory):
    class Kind(models.TextChoices):
        DISTRICT = "district", _("district")
        CITY = "city", _("city")

    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="districts",
                               verbose_name=_("region"))
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices, default=Kind.DISTRICT)

    objects = DistrictQuerySet.as_manager()

    class Meta(Territory.Meta):
        verbose_name = _("district")
        verbose_name_plural = _("districts")
        indexes = [models.Index(fields=["region", "name_uz"])]


class Mahalla(Territory):
    district = models.ForeignKey(District, on_delete=models.PROTECT, related_name="mahallas",
                                 verbose_name=_("district"))
    population = models.PositiveIntegerField(_("population"), default=0)
    households = models.PositiveIntegerField(_("households"), default=0)

    objects = MahallaQuerySet.as_manager()

    class Meta(Territory.Meta):
        verbose_name = _("mahalla")
        verbose_name_plural = _("mahallas")
        indexes = [models.Index(fields=["district", "name_uz"])]
        constraints = [
            models.CheckConstraint(condition=models.Q(households__lte=models.F("population")) |
                                   models.Q(population=0),
                                   name="mahalla_households_not_above_population"),
        ]
