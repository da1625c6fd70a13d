"""The territorial scope of a user: which part of the territory tree they may see.

This module is the one place that turns "who you are" into "which rows you see". It knows nothing of
users or roles (those live in `accounts`, a higher layer): `accounts.User.scope` builds a
`TerritoryScope`, and every `visible_to(user)` in every app hands its queryset to it. Access cascades
down the tree (region -> its districts -> their mahallas), and anything not granted is denied.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum

from django.db.models import Q, QuerySet


class ScopeLevel(StrEnum):
    NATIONAL = "national"
    REGION = "region"
    DISTRICT = "district"
    MAHALLAS = "mahallas"
    NONE = "none"


@dataclass(frozen=True)
class TerritoryScope:
    level: ScopeLevel
    region_id: int | None = None
    district_id: int | None = None
    mahalla_ids: frozenset[int] = field(default_factory=frozenset)

    @classmethod
    def national(cls) -> TerritoryScope:
        return cls(ScopeLevel.NATIONAL)

    @classmethod
    def none(cls) -> TerritoryScope:
        return cls(ScopeLevel.NONE)

    @classmethod
    def of_region(cls, region_id: int | None) -> TerritoryScope:
        return cls(ScopeLevel.REGION, region_id=region_id) if region_id else cls.none()

    @classmethod
    def of_district(cls, district_id: int | None) -> TerritoryScope:
        return cls(ScopeLevel.DISTRICT, district_id=district_id) if district_id else cls.none()

    @classmethod
    def of_mahallas(cls, mahalla_ids) -> TerritoryScope:
        ids = frozenset(mahalla_ids)
        return cls(ScopeLevel.MAHALLAS, mahalla_ids=ids) if ids else cls.none()

    @property
    def is_national(self) -> bool:
        return self.level == ScopeLevel.NATIONAL

    def q(self, mahalla_path: str | None = "mahalla", *, district_path: str | None = None,
          region_path: str | None = None) -> Q | None:
        """A filter for rows that hang off the territory tree; None means "everything".

        `mahalla_path` names the row's mahalla (e.g. "mahalla", "camera__mahalla", "" for a Mahalla
        itself). Rows that belong to a district or a region directly (a district roadmap, a camera
        centre) pass `district_path` / `region_path` instead. A path that cannot express the scope
        denies: a mahalla-scoped inspector sees no district-level rows.
        """
        if self.level == ScopeLevel.NATIONAL:
            return None
        if self.level == ScopeLevel.NONE:
            return Q(pk__in=[])
        if mahalla_path is not None:
            prefix = f"{mahalla_path}__" if mahalla_path else ""
            if self.level == ScopeLevel.REGION:
                return Q(**{f"{prefix}district__region_id": self.region_id})
            if self.level == ScopeLevel.DISTRICT:
                return Q(**{f"{prefix}district_id": self.district_id})
            return Q(**{f"{prefix}id__in" if prefix else "id__in": sorted(self.mahalla_ids)})
        if district_path is not None:
            prefix = f"{district_path}__" if district_path else ""
            if self.level == ScopeLevel.REGION:
                return Q(**{f"{prefix}region_id": self.region_id})
            if self.level == ScopeLevel.DISTRICT:
                return Q(**{f"{prefix}id": self.district_id})
            return Q(pk__in=[])
        if region_path is not None:
            prefix = f"{region_path}__" if region_path else ""
            if self.level == ScopeLevel.REGION:
                return Q(**{f"{prefix}id": self.region_id})
            return Q(pk__in=[])
        return Q(pk__in=[])

    def apply(self, qs: QuerySet, mahalla_path: str | None = "mahalla", **paths) -> QuerySet:
        condition = self.q(mahalla_path, **paths)
        return qs if condition is None else qs.filter(condition)


def scope_of(user) -> TerritoryScope:
    """Deny-by-default: anonymous, inactive or scope-less users see nothing."""
    if user is None or not getattr(user, "is_authenticated", False) or not getattr(user, "is_active", False):
        return TerritoryScope.none()
    scope = getattr(user, "scope", None)
    return scope if isinstance(scope, TerritoryScope) else TerritoryScope.none()
