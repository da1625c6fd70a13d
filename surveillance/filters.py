"""List filters of the review queue and the camera registry. Dates are calendar days in Asia/Tashkent."""

import datetime

import django_filters
from django.utils.translation import gettext_lazy as _

from core.dates import midnight

from .models import Alert, Camera


class AlertFilter(django_filters.FilterSet):
    status = django_filters.MultipleChoiceFilter(choices=Alert.Status.choices, label=_("status"), distinct=False)
    urgent = django_filters.BooleanFilter(field_name="is_urgent", label=_("urgent"))
    camera = django_filters.NumberFilter(field_name="camera_id", label=_("camera"))
    event_type = django_filters.CharFilter(field_name="event_type", label=_("event type"))
    mahalla = django_filters.NumberFilter(field_name="mahalla_id", label=_("mahalla"))
    unmatched = django_filters.BooleanFilter(field_name="camera", lookup_expr="isnull",
                                             label=_("from unknown cameras"))
    date_from = django_filters.DateFilter(method="filter_date_from", label=_("from (day)"))
    date_to = django_filters.DateFilter(method="filter_date_to", label=_("to (day)"))

    class Meta:
        model = Alert
        fields: list = []

    def filter_date_from(self, queryset, name, value):
        return queryset.filter(started_at__gte=midnight(value))

    def filter_date_to(self, queryset, name, value):
        return queryset.filter(started_at__lt=midnight(value + datetime.timedelta(days=1)))


class CameraFilter(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(choices=Camera.Status.choices, label=_("status"))
    vendor = django_filters.ChoiceFilter(choices=Camera.Vendor.choices, label=_("vendor"))
    mahalla = django_filters.NumberFilter(field_name="mahalla_id", label=_("mahalla"))
    installation_kind = django_filters.ChoiceFilter(choices=Camera.Kind.choices, label=_("installation"))

    class Meta:
        model = Camera
        fields: list = []
