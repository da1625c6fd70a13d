"""Reads of field-work rows. Every one starts from `visible_to(user)`, which hands the queryset to the
territory scope (mahallas.scope) and so denies by default."""

import datetime
import re

from django.conf import settings
from django.contrib.gis.db import models
from django.db.models import BooleanField, Case, Q, Value, When
from django.utils import timezone

from accounts.models import Role, User
from core import dates
from mahallas.scope import ScopeLevel, scope_of

# Who supervises field work in their territory (and so reads every support case in it).
SUPERVISOR_ROLES = (Role.NATIONAL, Role.REGIONAL, Role.DISTRICT)


# What counts against a mahalla, defined once: a crime counts for the mahalla and period in which it occurred
# from the moment it is registered, whatever happens to its case afterwards (closed, sent to court). Only an
# approved change request (de-registration, reopening, a correction of kind) clears `registered_at`.
# `counted()` is the ORM form; `counted_sql()` the same condition for the set-based SQL of zones and dashboards.
COUNTED_LEGAL_KIND = "crime"
AWAITING_DECISION = ("reported", "under_verification")


def counted_sql(alias: str = "i") -> str:
    """The counted-crime condition as SQL over incidents_incident aliased `alias` (constants only)."""
    return f"{alias}.legal_kind = '{COUNTED_LEGAL_KIND}' AND {alias}.registered_at IS NOT NULL"


def category_group_sql(alias: str = "c") -> str:
    """A category's group (its top-level parent) as SQL over incidents_incidentcategory aliased `alias`."""
    return f"coalesce({alias}.parent_id, {alias}.id)"


class IncidentCategoryQuerySet(models.QuerySet):
    def active(self):
        return self.filter(active=True)


class IncidentQuerySet(models.QuerySet):
    def visible_to(self, user):
        return scope_of(user).apply(self, mahalla_path="mahalla")

    def counted(self):
        return self.filter(legal_kind=COUNTED_LEGAL_KIND, registered_at__isnull=False)

    def awaiting_decision(self):
        """Reports not yet decided (registered, found unfounded or referred)."""
        return self.filter(status__in=AWAITING_DECISION)

    def decision_overdue(self, now=None):
        """Reports waiting for a decision longer than INCIDENT_DECISION_DAYS since they were reported."""
        now = now or timezone.now()
        limit = now - datetime.timedelta(days=settings.INCIDENT_DECISION_DAYS)
        return self.awaiting_decision().filter(reported_at__lt=limit)

    def for_list(self):
        # The boundary of a mahalla can be megabytes of vertices: never load it for a list row.
        limit = timezone.now() - datetime.timedelta(days=settings.INCIDENT_DECISION_DAYS)
        return self.select_related("mahalla", "category", "created_by").defer(
            "mahalla__boundary", "created_by__password").annotate(is_decision_overdue=Case(
                When(Q(status__in=AWAITING_DECISION) & Q(reported_at__lt=limit), then=Value(True)),
                default=Value(False), output_field=BooleanField()))

    def search(self, text: str):
        text = (text or "").strip()
        if not text:
            return self
        # A case-insensitive regex of the escaped text is "contains", and unlike icontains (UPPER(...) LIKE)
        # it can use the trigram index on the bare column.
        query = Q(description__iregex=re.escape(text))
        if text.isdigit():
            query |= Q(pk=int(text))
        return self.filter(query)


class FieldVisitQuerySet(models.QuerySet):
    def visible_to(self, user):
        return scope_of(user).apply(self, mahalla_path="mahalla")

    def for_list(self):
        return self.select_related("mahalla", "by").defer("mahalla__boundary", "by__password")

    def search(self, text: str):
        text = (text or "").strip()
        if not text:
            return self
        return self.filter(Q(address_or_household__icontains=text) | Q(notes__icontains=text)
                           | Q(outcome__icontains=text))


class SupportCaseQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Narrower than the territory: personal data of people at risk.

        Supervisors (district official, regional staff, national) see the cases of their territory; a social
        worker only the cases assigned to them, in mahallas they work in now; an inspector the cases of the
        mahallas they are assigned to now; nobody else (operators and administrators included) sees any.
        """
        scope = scope_of(user)
        if scope.level == ScopeLevel.NONE:
            return self.none()
        role = getattr(user, "role", "")
        scoped = scope.apply(self, mahalla_path="mahalla")
        if role in SUPERVISOR_ROLES:
            return scoped
        if role == Role.SOCIAL_WORKER:
            return scoped.filter(social_worker=user)
        if role == Role.INSPECTOR:
            return scoped
        return self.none()

    def with_overdue(self, today=None):
        today = today or dates.today()
        return self.annotate(is_overdue=Case(
            When(Q(next_review_on__lt=today) & ~Q(status="closed"), then=Value(True)),
            default=Value(False), output_field=BooleanField()))

    def overdue(self, today=None):
        today = today or dates.today()
        return self.filter(next_review_on__lt=today).exclude(status="closed")

    def for_list(self):
        return self.select_related("mahalla", "social_worker").defer(
            "mahalla__boundary", "social_worker__password").with_overdue()

    def search(self, text: str):
        text = (text or "").strip()
        if not text:
            return self
        return self.filter(Q(subject_name__icontains=text) | Q(subject_address__icontains=text))


def registrar_appointed(region_id: int | None) -> bool:
    """Whether the region has an active crime registrar: then its regional staff no longer decide change requests
    (the one place both directions of the approver rule ask)."""
    return User.objects.filter(is_active=True, role=Role.REGISTRAR, region_id=region_id).exists()


class IncidentChangeRequestQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Requests about incidents of the user's territory (where the crime counted when asked)."""
        return scope_of(user).apply(self, mahalla_path="counted_mahalla")

    def pending(self):
        return self.filter(status="pending")

    def decidable_by(self, user):
        """Pending requests this user may decide: the one definition behind the rule
        `incidents.decide_change_request` and the approver's list. Never their own; requests of regional staff go
        to national staff; the others to the region's registrar, or its regional staff where it has none."""
        role = getattr(user, "role", "") if getattr(user, "is_active", False) else ""
        qs = self.pending().exclude(requested_by=user)
        if role == Role.NATIONAL:
            return qs.filter(requester_role=Role.REGIONAL)
        if role not in (Role.REGISTRAR, Role.REGIONAL) or not user.region_id:
            return qs.none()
        qs = qs.exclude(requester_role=Role.REGIONAL).filter(counted_mahalla__district__region_id=user.region_id)
        if role == Role.REGIONAL and registrar_appointed(user.region_id):
            return qs.none()
        return qs
