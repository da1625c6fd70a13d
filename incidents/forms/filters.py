"""The filter forms of the lists. Only for rendering and for naming bad input: the filtering itself is the API's
FilterSet (incidents.filters), so a page and its CSV/XLSX export always agree."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from mahallas.models import District, Mahalla, Region

from ..models import FieldVisit, Incident, SupportCase
from .common import DateInput, ServiceForm, category_choices, mahalla_choices

# Above this many mahallas a <select> is no help: the lists offer districts (and regions) instead.
MAHALLA_SELECT_LIMIT = 400


def _territory_filter_fields(form: forms.Form, user) -> None:
    level = user.scope.level if getattr(user, "is_authenticated", False) else "none"
    if level == "national":
        form.fields["region"].choices = [("", _("All regions")), *[
            (r.pk, r.name) for r in Region.objects.defer("boundary").order_by("name_uz")]]
    else:
        del form.fields["region"]
    if level in ("national", "region"):
        form.fields["district"].choices = [("", _("All districts")), *[
            (d.pk, d.name) for d in District.objects.visible_to(user).defer("boundary").order_by("name_uz")]]
    else:
        del form.fields["district"]
    mahallas = Mahalla.objects.visible_to(user)
    district = form.data.get("district") if form.is_bound else None
    if district and str(district).isdigit():
        mahallas = mahallas.filter(district_id=int(district))
    ids = list(mahallas.values_list("pk", flat=True)[:MAHALLA_SELECT_LIMIT + 1])
    if 1 < len(ids) <= MAHALLA_SELECT_LIMIT:
        form.fields["mahalla"].choices = [("", _("All mahallas")), *mahalla_choices(
            Mahalla.objects.filter(pk__in=ids), with_district=False)]
    else:
        del form.fields["mahalla"]


class IncidentFilterForm(ServiceForm):
    search = forms.CharField(label=_("Search"), required=False, max_length=100)
    region = forms.ChoiceField(label=_("Region"), required=False)
    district = forms.ChoiceField(label=_("District"), required=False)
    mahalla = forms.ChoiceField(label=_("Mahalla"), required=False)
    category = forms.ChoiceField(label=_("Category"), required=False)
    status = forms.ChoiceField(label=_("Status"), required=False,
                               choices=[("", _("Any status")), *Incident.Status.choices])
    occurred_from = forms.DateField(label=_("From"), required=False, widget=DateInput())
    occurred_to = forms.DateField(label=_("To"), required=False, widget=DateInput())
    minor_involved = forms.BooleanField(label=_("Minor involved"), required=False)
    youth_involved = forms.BooleanField(label=_("Youth involved"), required=False)
    woman_victim = forms.BooleanField(label=_("Woman victim"), required=False)
    decision_overdue = forms.BooleanField(label=_("Waiting for a decision too long"), required=False)

    def __init__(self, data, *, user):
        super().__init__(data)
        _territory_filter_fields(self, user)
        self.fields["category"].choices = category_choices(blank=_("All categories"))
        for name in ("minor_involved", "youth_involved", "woman_victim", "decision_overdue"):
            self.fields[name].widget.attrs["value"] = "true"

    def clean(self):
        data = super().clean()
        start, end = data.get("occurred_from"), data.get("occurred_to")
        if start and end and end < start:
            self.add_error("occurred_to", _("The end date is before the start date."))
        return data


class VisitFilterForm(ServiceForm):
    search = forms.CharField(label=_("Search"), required=False, max_length=100)
    region = forms.ChoiceField(label=_("Region"), required=False)
    district = forms.ChoiceField(label=_("District"), required=False)
    mahalla = forms.ChoiceField(label=_("Mahalla"), required=False)
    kind = forms.ChoiceField(label=_("Kind"), required=False,
                             choices=[("", _("Any kind")), *FieldVisit.Kind.choices])
    topic = forms.ChoiceField(label=_("Topic"), required=False,
                              choices=[("", _("Any topic")), *FieldVisit.Topic.choices])
    date_from = forms.DateField(label=_("From"), required=False, widget=DateInput())
    date_to = forms.DateField(label=_("To"), required=False, widget=DateInput())

    def __init__(self, data, *, user):
        super().__init__(data)
        _territory_filter_fields(self, user)
        # The region filter of the visits API is by district and mahalla only.
        self.fields.pop("region", None)


class CaseFilterForm(ServiceForm):
    search = forms.CharField(label=_("Search"), required=False, max_length=100)
    region = forms.ChoiceField(label=_("Region"), required=False)
    district = forms.ChoiceField(label=_("District"), required=False)
    mahalla = forms.ChoiceField(label=_("Mahalla"), required=False)
    category = forms.ChoiceField(label=_("Category"), required=False,
                                 choices=[("", _("Any category")), *SupportCase.Category.choices])
    status = forms.ChoiceField(label=_("Status"), required=False,
                               choices=[("", _("Any status")), *SupportCase.Status.choices])
    overdue = forms.BooleanField(label=_("Review overdue"), required=False)

    def __init__(self, data, *, user):
        super().__init__(data)
        _territory_filter_fields(self, user)
        self.fields.pop("region", None)
        self.fields["overdue"].widget.attrs["value"] = "true"
