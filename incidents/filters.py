"""List filters for the API and the pages. Dates are calendar days in Asia/Tashkent, turned into UTC
bounds so that the time indexes serve them."""

import datetime

import django_filters
from django.utils.translation import gettext_lazy as _

from accounts.capabilities import can
from accounts.models import FIELD_ROLES, Assignment
from core.dates import midnight

from .models import FieldVisit, Incident, IncidentCategory, SupportCase


def _day_start(day: datetime.date) -> datetime.datetime:
    return midnight(day)


def _from_day(field: str):
    def method(queryset, name, value):
        return queryset.filter(**{f"{field}__gte": _day_start(value)}) if value else queryset
    return method


def _to_day(field: str):
    def method(queryset, name, value):
        end = _day_start(value + datetime.timedelta(days=1)) if value else None
        return queryset.filter(**{f"{field}__lt": end}) if value else queryset
    return method


def _search(queryset, name, value):
    return queryset.search(value)


# Multiple-choice filters here match a column of the row itself, never a to-many join, so they must not add
# django-filter's default DISTINCT: SELECT DISTINCT ... ORDER BY ... LIMIT 51 sorts every matching row
# (800 ms over 190,000 registered incidents) where the time index otherwise stops after the first page.
class IncidentFilter(django_filters.FilterSet):
    mahalla = django_filters.NumberFilter(field_name="mahalla_id", label=_("mahalla"))
    district = django_filters.NumberFilter(field_name="mahalla__district_id", label=_("district"))
    region = django_filters.NumberFilter(field_name="mahalla__district__region_id", label=_("region"))
    category = django_filters.NumberFilter(method="filter_category", label=_("category (with its sub-types)"))
    status = django_filters.MultipleChoiceFilter(choices=Incident.Status.choices,
                                                 label=_("status"), distinct=False)
    legal_kind = django_filters.ChoiceFilter(choices=Incident.LegalKind.choices, label=_("legal kind"))
    source = django_filters.ChoiceFilter(choices=Incident.Source.choices, label=_("source"))
    minor_involved = django_filters.BooleanFilter(label=_("minor involved"))
    youth_involved = django_filters.BooleanFilter(label=_("youth involved"))
    woman_victim = django_filters.BooleanFilter(label=_("woman victim"))
    occurred_from = django_filters.DateFilter(method=_from_day("occurred_at"), label=_("occurred from"))
    occurred_to = django_filters.DateFilter(method=_to_day("occurred_at"), label=_("occurred to"))
    search = django_filters.CharFilter(method=_search, label=_("search"))
    decision_overdue = django_filters.BooleanFilter(method="filter_decision_overdue",
                                                    label=_("waiting for a decision too long"))

    class Meta:
        model = Incident
        fields: list = []

    def filter_decision_overdue(self, queryset, name, value):
        return queryset.decision_overdue() if value else queryset

    def filter_category(self, queryset, name, value):
        ids = [value, *IncidentCategory.objects.filter(parent_id=value).values_list("id", flat=True)]
        return queryset.filter(category_id__in=ids)


class FieldVisitFilter(django_filters.FilterSet):
    mine = django_filters.BooleanFilter(method="filter_mine", label=_("only my visits"))
    mahalla = django_filters.NumberFilter(field_name="mahalla_id", label=_("mahalla"))
    district = django_filters.NumberFilter(field_name="mahalla__district_id", label=_("district"))
    by = django_filters.NumberFilter(field_name="by_id", label=_("by"))
    kind = django_filters.MultipleChoiceFilter(choices=FieldVisit.Kind.choices,
                                               label=_("kind"), distinct=False)
    topic = django_filters.ChoiceFilter(choices=FieldVisit.Topic.choices, method="filter_topic",
                                        label=_("topic"))
    date_from = django_filters.DateFilter(method=_from_day("visited_at"), label=_("from"))
    date_to = django_filters.DateFilter(method=_to_day("visited_at"), label=_("to"))
    search = django_filters.CharFilter(method="filter_search", label=_("search"))

    class Meta:
        model = FieldVisit
        fields: list = []

    def filter_search(self, queryset, name, value):
        # The text searched is the household's (address, notes, outcome): a reader who may not see it must not
        # learn it by searching either, so the search is ignored for them.
        user = getattr(self.request, "user", None)
        return queryset.search(value) if can(user, "incidents.read_household_details") else queryset

    def filter_mine(self, queryset, name, value):
        return queryset.filter(by=self.request.user) if value and self.request is not None else queryset

    def filter_topic(self, queryset, name, value):
        return queryset.filter(topics__contains=[value]) if value else queryset


class SupportCaseFilter(django_filters.FilterSet):
    mahalla = django_filters.NumberFilter(field_name="mahalla_id", label=_("mahalla"))
    district = django_filters.NumberFilter(field_name="mahalla__district_id", label=_("district"))
    social_worker = django_filters.NumberFilter(field_name="social_worker_id", label=_("social worker"))
    category = django_filters.ChoiceFilter(choices=SupportCase.Category.choices, label=_("category"))
    status = django_filters.MultipleChoiceFilter(choices=SupportCase.Status.choices,
                                                 label=_("status"), distinct=False)
    overdue = django_filters.BooleanFilter(method="filter_overdue", label=_("review overdue"))
    search = django_filters.CharFilter(method=_search, label=_("search"))

    class Meta:
        model = SupportCase
        fields: list = []

    def filter_overdue(self, queryset, name, value):
        if value is None:
            return queryset
        overdue = queryset.overdue()
        return overdue if value else queryset.exclude(pk__in=overdue.values("pk"))


class AssignmentFilter(django_filters.FilterSet):
    mahalla = django_filters.NumberFilter(field_name="mahalla_id", label=_("mahalla"))
    district = django_filters.NumberFilter(field_name="mahalla__district_id", label=_("district"))
    user = django_filters.NumberFilter(field_name="user_id", label=_("user"))
    role = django_filters.ChoiceFilter(choices=[(r.value, r.label) for r in FIELD_ROLES], label=_("role"))
    active = django_filters.BooleanFilter(method="filter_active", label=_("active today"))

    class Meta:
        model = Assignment
        fields: list = []

    def filter_active(self, queryset, name, value):
        if value is None:
            return queryset
        active = Assignment.objects.active().values("pk")
        return queryset.filter(pk__in=active) if value else queryset.exclude(pk__in=active)


def filters_used(params) -> dict:
    """The filters of a request, as recorded with an export."""
    return {key: params.getlist(key) if len(params.getlist(key)) > 1 else params.get(key)
            for key in params if key not in ("page", "cursor", "page_size")}


