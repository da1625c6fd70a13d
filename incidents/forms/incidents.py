"""Forms of an incident: record or correct it, move it to another status, ask for or decide a change that
takes a counted crime out of its count."""

from __future__ import annotations

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from mahallas.models import Mahalla

from ..models import Incident, IncidentCategory, IncidentChangeRequest
from ..selectors.records import writable_mahallas
from .common import (
    FIELD_ALIASES,
    DateTimeInput,
    LocationFields,
    MahallaField,
    ServiceForm,
    category_choices,
    mahalla_choices,
    source_choices,
    spans_districts,
)


class IncidentForm(ServiceForm, LocationFields):
    mahalla = MahallaField(label=_("Mahalla"))
    category = forms.TypedChoiceField(label=_("Category"), coerce=int)
    occurred_at = forms.DateTimeField(label=_("Occurred at (Tashkent time)"), widget=DateTimeInput(),
                                      input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"])
    reported_at = forms.DateTimeField(label=_("Reported at (Tashkent time)"), widget=DateTimeInput(),
                                      input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"], required=False,
                                      help_text=_("Leave empty for now."))
    legal_kind = forms.ChoiceField(label=_("Legal kind"), choices=Incident.LegalKind.choices)
    source = forms.ChoiceField(label=_("Source"), choices=Incident.Source.choices)
    minor_involved = forms.BooleanField(label=_("A minor is involved"), required=False)
    youth_involved = forms.BooleanField(label=_("Youth is involved"), required=False)
    woman_victim = forms.BooleanField(label=_("The victim is a woman"), required=False)
    financial_loss = forms.DecimalField(label=_("Financial loss (UZS)"), required=False, min_value=0,
                                        max_digits=16, decimal_places=2,
                                        help_text=_("Only for fraud and cybercrime."),
                                        widget=forms.NumberInput(attrs={"inputmode": "decimal", "step": "any"}))
    description = forms.CharField(label=_("Description"), required=False, max_length=20000,
                                  widget=forms.Textarea(attrs={"rows": 4}))
    change_reason = forms.CharField(
        label=_("Why this correction"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Needed when a change takes a registered crime out of its mahalla's, month's or category's "
                    "count: that part waits for the registrar's approval."))

    field_order = ["mahalla", "category", "occurred_at", "reported_at", "legal_kind", "source",
                   "minor_involved", "youth_involved", "woman_victim", "financial_loss", "description",
                   "latitude", "longitude", "change_reason"]
    # incident_edit calls the correction's reason `reason`.
    field_aliases = {**FIELD_ALIASES, "reason": "change_reason"}

    def __init__(self, *args, user, instance: Incident | None = None, **kwargs):
        if instance is not None and "initial" not in kwargs:
            kwargs["initial"] = incident_initial(instance)
        super().__init__(*args, **kwargs)
        self.order_fields(self.field_order)
        mahallas = writable_mahallas(user)
        if instance is not None:
            mahallas = mahallas | Mahalla.objects.filter(pk=instance.mahalla_id)
        with_district = spans_districts(user)
        self.fields["mahalla"].choices = mahalla_choices(mahallas.distinct(), with_district=with_district)
        if len(self.fields["mahalla"].choices) > 1:
            self.fields["mahalla"].choices = [("", "—"), *self.fields["mahalla"].choices]
        self.fields["category"].choices = [("", "—"), *category_choices(
            with_inactive_id=instance.category_id if instance else None)]
        self.fields["source"].choices = source_choices(user, current=instance.source if instance else None)
        if instance is None:
            self.fields["occurred_at"].initial = timezone.localtime().replace(second=0, microsecond=0)
        if instance is None or instance.registered_at is None:
            del self.fields["change_reason"]

    def clean_category(self):
        pk = self.cleaned_data["category"]
        category = IncidentCategory.objects.filter(pk=pk).first()
        if category is None:
            raise forms.ValidationError(_("Choose a category."))
        return category

    def clean_mahalla(self):
        return Mahalla.objects.defer("boundary").get(pk=self.cleaned_data["mahalla"])

    def service_kwargs(self) -> dict:
        data = self.cleaned_data
        kwargs = {name: data[name] for name in (
            "mahalla", "category", "occurred_at", "legal_kind", "source", "minor_involved", "youth_involved",
            "woman_victim", "financial_loss", "description")}
        kwargs["location"] = self.location()
        return kwargs


def incident_initial(incident: Incident) -> dict:
    initial = {name: getattr(incident, name) for name in (
        "occurred_at", "reported_at", "legal_kind", "source", "minor_involved", "youth_involved", "woman_victim",
        "financial_loss", "description")}
    initial["occurred_at"] = timezone.localtime(incident.occurred_at)
    initial["reported_at"] = timezone.localtime(incident.reported_at)
    initial.update(mahalla=incident.mahalla_id, category=incident.category_id)
    if incident.location is not None:
        initial.update(latitude=incident.location.y, longitude=incident.location.x)
    return initial


class TransitionForm(ServiceForm):
    to_status = forms.ChoiceField(choices=Incident.Status.choices, widget=forms.HiddenInput)
    reason = forms.CharField(label=_("Reason"), required=False, max_length=4000,
                             widget=forms.Textarea(attrs={"rows": 2}))
    outcome = forms.ChoiceField(label=_("How the case ended"), required=False,
                                choices=[("", "—"), *Incident.Outcome.choices])


class ChangeRequestForm(ServiceForm):
    """Ask for a de-registration or a reopening of a counted crime (kind hidden: one form per action)."""

    kind = forms.ChoiceField(choices=[(k, k) for k in ("deregister", "reopen")], widget=forms.HiddenInput)
    reason_code = forms.ChoiceField(label=_("Why it leaves the count"), required=False,
                                    choices=[("", "—"), *IncidentChangeRequest.Reason.choices])
    reason = forms.CharField(label=_("Explanation"), max_length=2000, widget=forms.Textarea(attrs={"rows": 2}))


class ChangeRequestDecisionForm(ServiceForm):
    decision = forms.ChoiceField(choices=[("approve", "approve"), ("reject", "reject")], widget=forms.HiddenInput)
    comment = forms.CharField(label=_("Comment"), required=False, max_length=2000,
                              widget=forms.Textarea(attrs={"rows": 2}))
