from django.db import models
from django.db.models import Q

from core.dates import today
from mahallas.scope import ScopeLevel, scope_of


class AssignmentQuerySet(models.QuerySet):
    def active(self, on=None):
        on = on or today()
        return self.filter(Q(ends_on__isnull=True) | Q(ends_on__gte=on), starts_on__lte=on)

    def visible_to(self, user):
        return scope_of(user).apply(self, mahalla_path="mahalla")


class UserQuerySet(models.QuerySet):
    def visible_to(self, user):
        """People a user may see: those whose scope or assignments lie inside the viewer's territory."""
        scope = scope_of(user)
        if scope.level == ScopeLevel.NATIONAL:
            return self.all()
        if scope.level == ScopeLevel.NONE:
            return self.none()
        if scope.level == ScopeLevel.REGION:
            cond = (Q(region_id=scope.region_id) | Q(district__region_id=scope.region_id)
                    | Q(assignments__mahalla__district__region_id=scope.region_id))
        elif scope.level == ScopeLevel.DISTRICT:
            cond = Q(district_id=scope.district_id) | Q(assignments__mahalla__district_id=scope.district_id)
        else:
            cond = Q(pk=user.pk) | Q(assignments__mahalla_id__in=sorted(scope.mahalla_ids))
        return self.filter(cond).distinct()
