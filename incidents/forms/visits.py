"""The form a field worker logs a visit with (static/js/visit-form.js keeps a draft on the phone)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from mahallas.models import Mahalla

from ..models import FieldVisit
from .common import DateInput, DateTimeInput, LocationFields, MahallaField, ServiceForm


class VisitForm(ServiceForm, LocationFields):
    client_uuid = forms.UUIDField(widget=forms.HiddenInput)
    mahalla = MahallaField(label=_("Mahalla"), widget=forms.RadioSelect)
    kind = forms.ChoiceField(label=_("Kind of visit"), choices=FieldVisit.Kind.choices, widget=forms.RadioSelect)
    visited_at = forms.DateTimeField(label=_("When"), widget=DateTimeInput(),
                                     input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"])
    people_reached = forms.IntegerField(label=_("People reached"), min_value=0, max_value=100000, initial=1,
                                        widget=forms.NumberInput(attrs={"inputmode": "numeric"}))
    topics = forms.MultipleChoiceField(label=_("Topics"), choices=FieldVisit.Topic.choices, required=False,
                                       widget=forms.CheckboxSelectMultiple)
    address_or_household = forms.CharField(label=_("Address or household"), max_length=255, required=False)
    notes = forms.CharField(label=_("Notes"), required=False, max_length=20000,
                            widget=forms.Textarea(attrs={"rows": 3}))
    outcome = forms.CharField(label=_("Outcome"), required=False, max_length=20000,
                              widget=forms.Textarea(attrs={"rows": 2}))
    follow_up_on = forms.DateField(label=_("Follow up on"), required=False, widget=DateInput())
    accuracy_m = forms.FloatField(required=False, min_value=0, widget=forms.HiddenInput)

    def __init__(self, *args, mahallas: list[tuple[int, str]], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["mahalla"].choices = mahallas
        if len(mahallas) == 1:
            self.fields["mahalla"].widget = forms.HiddenInput()
            self.fields["mahalla"].initial = mahallas[0][0]
        for name in ("latitude", "longitude"):
            self.fields[name].widget = forms.HiddenInput()

    def service_kwargs(self) -> dict:
        data = self.cleaned_data
        kwargs = {name: data[name] for name in (
            "client_uuid", "kind", "visited_at", "address_or_household", "people_reached", "topics", "notes",
            "outcome", "follow_up_on")}
        kwargs["mahalla"] = Mahalla.objects.defer("boundary").get(pk=data["mahalla"])
        kwargs["location"] = self.location()
        kwargs["accuracy_m"] = data.get("accuracy_m") if kwargs["location"] else None
        return kwargs
