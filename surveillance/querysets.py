"""Reads of surveillance rows. Every one starts from `visible_to(user)` (see mahallas.scope): deny by default.

Cameras and alerts belong to a monitoring centre (a district): its operators and district officials, and the
region and national staff above it, see them. A prevention inspector sees the cameras of the mahallas they
are assigned to, and those mahallas' alerts once routed to the review queue (never raw or filtered ones).
"""

from django.contrib.gis.db import models

from mahallas.scope import ScopeLevel, scope_of

# What an inspector's queue holds: alerts routed to it and what became of them.
FIELD_VISIBLE_STATUSES = ("routed", "confirmed", "dismissed", "escalated")
# Awaiting review: nobody has decided yet. Routed alerts and those of unknown cameras ("new"); an escalated alert
# has been looked at and handed on (the queue lists it under its own filter), a filtered one never reaches a person.
AWAITING_REVIEW = ("new", "routed")
# Decided for good: no review action applies any more (an escalated alert can still be confirmed or dismissed).
FINAL_STATUSES = ("confirmed", "dismissed")
# Looked at by a person: processing a late message of the same event never changes their status.
REVIEWED_STATUSES = ("confirmed", "dismissed", "escalated")


def _territorial(qs, user):
    scope = scope_of(user)
    if scope.level == ScopeLevel.MAHALLAS:
        return scope.apply(qs, mahalla_path="mahalla"), True
    return scope.apply(qs, mahalla_path=None, district_path="district"), False


class CameraQuerySet(models.QuerySet):
    def visible_to(self, user):
        return _territorial(self, user)[0]


class AlertQuerySet(models.QuerySet):
    def visible_to(self, user):
        qs, field_level = _territorial(self, user)
        return qs.filter(status__in=FIELD_VISIBLE_STATUSES) if field_level else qs

    def for_list(self):
        return self.select_related("camera", "mahalla", "district").defer(
            "mahalla__boundary", "district__boundary")

    def awaiting_review(self):
        return self.filter(status__in=AWAITING_REVIEW)

    def unmatched(self):
        return self.filter(camera__isnull=True)


class IntegrationQuerySet(models.QuerySet):
    def active(self):
        return self.filter(revoked_at__isnull=True)

    def unassigned(self):
        """Neither a district's nor national: refused at ingest until an administrator assigns them."""
        return self.filter(district__isnull=True, is_national=False)


class PullDeviceQuerySet(models.QuerySet):
    def visible_to(self, user):
        """A pulled device belongs to its integration's district: that district's staff and those above it see
        it (a national integration's devices: national staff only)."""
        return scope_of(user).apply(self, mahalla_path=None, district_path="integration__district")
