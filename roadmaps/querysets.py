"""Reads of roadmap rows. Every one starts from `visible_to(user)`.

A roadmap hangs off the territory tree at one of three levels, so its scope filter is the OR of three paths
(mahalla_path for mahalla roadmaps, district_path for district ones, region_path for region ones); each path
denies what it cannot express, so an inspector sees their mahallas' roadmaps and nothing above them.
"""

from django.db import models
from django.db.models import BooleanField, Case, Q, Value, When

from core import dates
from mahallas.scope import scope_of


def roadmap_scope_q(user, prefix: str = "") -> Q | None:
    """None means "everything" (national); otherwise the rows of roadmaps the user may see."""
    scope = scope_of(user)
    parts = [
        scope.q(f"{prefix}mahalla"),
        scope.q(None, district_path=f"{prefix}district"),
        scope.q(None, region_path=f"{prefix}region"),
    ]
    if any(p is None for p in parts):
        return None
    condition = Q(pk__in=[])
    for part in parts:
        condition |= part
    return condition


def _apply(qs, user, prefix: str = ""):
    condition = roadmap_scope_q(user, prefix)
    return qs if condition is None else qs.filter(condition)


# Statuses that count a measure as finished: neither is overdue, a cancelled one leaves the average.
_CLOSED = ("done", "cancelled")


class RoadmapQuerySet(models.QuerySet):
    def visible_to(self, user):
        return _apply(self, user)

    def in_force(self):
        """The roadmap that counts for each territory and year: not superseded, and not a revision still waiting
        for approval while its approved parent is in force."""
        return self.exclude(status="superseded").exclude(parent__status="approved")

    def for_list(self):
        return self.select_related("region", "district", "district__region", "mahalla", "mahalla__district",
                                   "created_by", "submitted_by", "approved_by").defer(
            "region__boundary", "district__boundary", "district__region__boundary", "mahalla__boundary",
            "mahalla__district__boundary")


class RoadmapItemQuerySet(models.QuerySet):
    def visible_to(self, user):
        return _apply(self, user, "roadmap__")

    def with_overdue(self, today=None):
        today = today or dates.today()
        return self.annotate(is_overdue=Case(
            When(Q(deadline__lt=today) & ~Q(status__in=_CLOSED), then=Value(True)),
            default=Value(False), output_field=BooleanField()))

    def overdue(self, today=None):
        today = today or dates.today()
        return self.filter(deadline__lt=today).exclude(status__in=_CLOSED)

    def in_force(self):
        return self.exclude(roadmap__status="superseded").exclude(roadmap__parent__status="approved")


class KpiQuerySet(models.QuerySet):
    def visible_to(self, user):
        return _apply(self, user, "item__roadmap__")

    def behind_target(self):
        """KPIs with a reported actual on the wrong side of the target (direction-aware)."""
        return self.filter(actual__isnull=False).filter(
            Q(direction="increase", actual__lt=models.F("target"))
            | Q(direction="decrease", actual__gt=models.F("target")))


class EvidenceQuerySet(models.QuerySet):
    def visible_to(self, user):
        return _apply(self, user, "item__roadmap__")
