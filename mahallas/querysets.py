from django.contrib.gis.db import models
from django.db.models import Q

from .scope import ScopeLevel, scope_of


class RegionQuerySet(models.QuerySet):
    def visible_to(self, user):
        scope = scope_of(user)
        if scope.level == ScopeLevel.NATIONAL:
            return self.all()
        if scope.level == ScopeLevel.REGION:
            return self.filter(id=scope.region_id)
        if scope.level == ScopeLevel.DISTRICT:
            return self.filter(districts__id=scope.district_id)
        if scope.level == ScopeLevel.MAHALLAS:
            return self.filter(districts__mahallas__id__in=sorted(scope.mahalla_ids)).distinct()
        return self.none()


class DistrictQuerySet(models.QuerySet):
    def visible_to(self, user):
        scope = scope_of(user)
        if scope.level == ScopeLevel.NATIONAL:
            return self.all()
        if scope.level == ScopeLevel.REGION:
            return self.filter(region_id=scope.region_id)
        if scope.level == ScopeLevel.DISTRICT:
            return self.filter(id=scope.district_id)
        if scope.level == ScopeLevel.MAHALLAS:
            return self.filter(mahallas__id__in=sorted(scope.mahalla_ids)).distinct()
        return self.none()


class MahallaQuerySet(models.QuerySet):
    def visible_to(self, user):
        return scope_of(user).apply(self, mahalla_path="")

    def search(self, text: str):
        text = (text or "").strip()
        if not text:
            return self
        return self.filter(
            Q(code__startswith=text) | Q(name_uz__icontains=text) | Q(name_ru__icontains=text)
            | Q(name_en__icontains=text) | Q(name_uz_cyrl__icontains=text)
        )
