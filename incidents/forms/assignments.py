"""Forms of the assignments of inspectors and social workers to mahallas (on the coverage pages)."""

from __future__ import annotations

from django import forms
from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _

from accounts.models import FIELD_ROLES
from core.dates import today
from mahallas.models import Mahalla

from .common import DateInput, MahallaField, ServiceForm, mahalla_choices

User = get_user_model()


def field_staff_for(manager):
    """Inspectors and social workers a supervisor may assign (incidents.assign_person): their own staff, the
    active field workers they may see (of their district or region, or working in it)."""
    return (User.objects.visible_to(manager).filter(role__in=[r.value for r in FIELD_ROLES], is_active=True)
            .order_by("role", "last_name", "first_name", "username"))


class AssignmentForm(ServiceForm):
    user = forms.TypedChoiceField(label=_("Person"), coerce=int)
    mahalla = MahallaField(label=_("Mahalla"))
    starts_on = forms.DateField(label=_("From"), widget=DateInput())
    ends_on = forms.DateField(label=_("Until (optional)"), required=False, widget=DateInput())
    is_primary = forms.BooleanField(label=_("Primary for this mahalla"), required=False, initial=True)

    def __init__(self, *args, manager, mahallas_qs, **kwargs):
        super().__init__(*args, **kwargs)
        people = list(field_staff_for(manager))
        self.people = {u.pk: u for u in people}
        self.fields["user"].choices = [("", "—"), *[
            (u.pk, f"{u.get_full_name() or u.get_username()} — {u.get_role_display()}") for u in people]]
        self.fields["mahalla"].choices = [("", "—"), *mahalla_choices(mahallas_qs, with_district=False)]
        self.fields["starts_on"].initial = today()

    def clean_user(self):
        user = self.people.get(self.cleaned_data["user"])
        if user is None:
            raise forms.ValidationError(_("Choose an inspector or social worker."))
        return user

    def clean_mahalla(self):
        return Mahalla.objects.defer("boundary").get(pk=self.cleaned_data["mahalla"])

    def service_kwargs(self) -> dict:
        data = self.cleaned_data
        return {"user": data["user"], "mahalla": data["mahalla"], "role": data["user"].role,
                "starts_on": data["starts_on"], "ends_on": data["ends_on"], "is_primary": data["is_primary"]}


class AssignmentEndForm(ServiceForm):
    ends_on = forms.DateField(label=_("Last day"), required=False, widget=DateInput(),
                              help_text=_("Empty means today."))
