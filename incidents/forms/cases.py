"""Forms of a support case: open or edit it, record a review."""

from __future__ import annotations

from django import forms
from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _

from accounts.capabilities import can
from accounts.models import Assignment, Role
from mahallas.models import Mahalla

from ..models import SupportCase
from .common import DateInput, MahallaField, ServiceForm, mahalla_choices, spans_districts

User = get_user_model()


def social_worker_choices(user, mahalla_ids=None) -> list[tuple[int, str]]:
    """Social workers assigned now to a mahalla of the supervisor's territory."""
    active = Assignment.objects.active().filter(role=Role.SOCIAL_WORKER).filter(
        mahalla__in=Mahalla.objects.visible_to(user))
    if mahalla_ids is not None:
        active = active.filter(mahalla_id__in=mahalla_ids)
    users = User.objects.filter(pk__in=active.values("user_id"), is_active=True).order_by(
        "last_name", "first_name", "username")
    return [(u.pk, u.get_full_name() or u.get_username()) for u in users]


class CaseForm(ServiceForm):
    mahalla = MahallaField(label=_("Mahalla"))
    subject_name = forms.CharField(label=_("Person or household"), max_length=200)
    subject_age = forms.IntegerField(label=_("Age"), required=False, min_value=0, max_value=130)
    subject_address = forms.CharField(label=_("Address"), max_length=255, required=False)
    category = forms.ChoiceField(label=_("Category"), choices=SupportCase.Category.choices)
    needs = forms.CharField(label=_("Needs"), required=False, max_length=20000,
                            widget=forms.Textarea(attrs={"rows": 3}))
    actions = forms.MultipleChoiceField(label=_("Actions"), choices=SupportCase.Action.choices, required=False,
                                        widget=forms.CheckboxSelectMultiple)
    social_worker = forms.TypedChoiceField(label=_("Social worker"), coerce=int, required=False)
    next_review_on = forms.DateField(label=_("Next review on"), widget=DateInput())
    status = forms.ChoiceField(label=_("Status"), choices=SupportCase.Status.choices)
    notes = forms.CharField(label=_("Notes"), required=False, max_length=20000,
                            widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, user, instance: SupportCase | None = None, **kwargs):
        if instance is not None and "initial" not in kwargs:
            kwargs["initial"] = {name: getattr(instance, name) for name in (
                "subject_name", "subject_age", "subject_address", "category", "needs", "actions",
                "next_review_on", "status", "notes")}
            kwargs["initial"]["social_worker"] = instance.social_worker_id
        super().__init__(*args, **kwargs)
        self.instance = instance
        self.is_supervisor = can(user, "incidents.supervise_cases")
        if instance is None:
            del self.fields["status"]
            qs = Mahalla.objects.visible_to(user) if can(user, "incidents.open_case") else Mahalla.objects.none()
            choices = mahalla_choices(qs, with_district=spans_districts(user))
            self.fields["mahalla"].choices = choices if len(choices) == 1 else [("", "—"), *choices]
        else:
            del self.fields["mahalla"]
        if self.is_supervisor:
            ids = [instance.mahalla_id] if instance is not None else None
            self.fields["social_worker"].choices = [("", "—"), *social_worker_choices(user, ids)]
            self.fields["social_worker"].required = True
        else:
            del self.fields["social_worker"]

    def clean_social_worker(self):
        pk = self.cleaned_data.get("social_worker")
        return User.objects.filter(pk=pk).first() if pk else None

    def clean_mahalla(self):
        return Mahalla.objects.defer("boundary").get(pk=self.cleaned_data["mahalla"])

    def service_kwargs(self) -> dict:
        return {name: value for name, value in self.cleaned_data.items()}


class CaseReviewForm(ServiceForm):
    note = forms.CharField(label=_("What happened since the last review"), required=False, max_length=20000,
                           widget=forms.Textarea(attrs={"rows": 3}))
    status = forms.ChoiceField(label=_("Status"), choices=SupportCase.Status.choices)
    next_review_on = forms.DateField(label=_("Next review on"), required=False, widget=DateInput(),
                                     help_text=_("Required unless the case is closed."))
