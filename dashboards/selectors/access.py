"""Who may see which dashboard: the user and the requested unit become a `Scope`.

The region or district is looked up through `Region/District.objects.visible_to(user)` and the user's scope
level, so a unit outside the user's territory answers exactly like one that does not exist
(`DashboardNotFound`, a 404). The pre-aggregated rows are then filtered by that unit's id
(`Scope.stats_filter`), the mahallas by `Scope.mahalla_filter`.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.core.exceptions import ObjectDoesNotExist
from django.utils.translation import gettext as _

from accounts.capabilities import can
from mahallas.models import District, Mahalla, Region
from mahallas.scope import ScopeLevel, scope_of


class DashboardNotFound(ObjectDoesNotExist):
    """The unit does not exist or lies outside the user's territory (both answer 404; the API's exception
    handler answers it so by itself)."""


@dataclass(frozen=True)
class Scope:
    level: str  # "national" | "region" | "district"
    region: Region | None = None
    district: District | None = None

    @property
    def territory(self):
        return self.district or self.region

    @property
    def key(self) -> str:
        return {"national": "n", "region": f"r{self.region and self.region.pk}",
                "district": f"d{self.district and self.district.pk}"}[self.level]

    @property
    def stats_filter(self) -> dict:
        if self.level == "district":
            return {"district_id": self.district.pk}
        if self.level == "region":
            return {"region_id": self.region.pk}
        return {}

    @property
    def mahalla_filter(self) -> dict:
        if self.level == "district":
            return {"district_id": self.district.pk}
        if self.level == "region":
            return {"district__region_id": self.region.pk}
        return {}

    @property
    def child_level(self) -> str:
        return {"national": "region", "region": "district", "district": "mahalla"}[self.level]

    @property
    def name(self) -> str:
        return self.territory.name if self.territory else _("Uzbekistan")


def home_scope(user) -> Scope:
    """The dashboard a user lands on: their own territory."""
    if not can(user, "dashboards.view"):
        raise DashboardNotFound
    return own_territory_scope(user)


def own_territory_scope(user) -> Scope:
    """The user's own territory as a Scope (the caller has checked what the user may view)."""
    level = scope_of(user).level
    if level == ScopeLevel.NATIONAL:
        return Scope("national")
    if level == ScopeLevel.REGION:
        return territory_scope(user, region_id=scope_of(user).region_id)
    if level == ScopeLevel.DISTRICT:
        return territory_scope(user, district_id=scope_of(user).district_id)
    raise DashboardNotFound


def dashboard_scope(user, *, region_id: int | None = None, district_id: int | None = None) -> Scope:
    if not can(user, "dashboards.view"):
        raise DashboardNotFound
    return territory_scope(user, region_id=region_id, district_id=district_id)


def territory_scope(user, *, region_id: int | None = None, district_id: int | None = None) -> Scope:
    """The requested unit, looked up through visible_to: one outside the user's territory does not exist.
    The caller has checked that the user may view the page at all."""
    level = scope_of(user).level
    if district_id is not None:
        district = (District.objects.visible_to(user).select_related("region")
                    .defer("boundary", "region__boundary").filter(pk=district_id).first())
        if district is None:
            raise DashboardNotFound
        return Scope("district", region=district.region, district=district)
    if region_id is not None:
        # A district official "sees" their region in the territory tree, but not the region's figures.
        region = Region.objects.visible_to(user).defer("boundary").filter(pk=region_id).first()
        if region is None or level not in (ScopeLevel.NATIONAL, ScopeLevel.REGION):
            raise DashboardNotFound
        return Scope("region", region=region)
    if level != ScopeLevel.NATIONAL:
        raise DashboardNotFound
    return Scope("national")


def visible_mahallas(user, scope: Scope):
    return Mahalla.objects.visible_to(user).filter(**scope.mahalla_filter)
