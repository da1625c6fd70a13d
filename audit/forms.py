from django import forms
from django.core.validators import RegexValidator
from django.utils.translation import gettext_lazy as _

from mahallas.models import District, Region
from mahallas.serializers import MAX_ID

from .models import AuditEvent

# Names only: a territory row also carries its boundary, which a drop-down has no use for.
_NAMES = ("id", "name_uz", "name_ru", "name_en")


class DateTimeLocalInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%dT%H:%M", **kwargs)


class AuditSearchForm(forms.Form):
    """The search filters of the audit page and its export; every field is optional."""

    user = forms.CharField(label=_("Username"), required=False, max_length=150)
    action = forms.ChoiceField(label=_("Action"), required=False,
                               choices=[("", _("any"))] + list(AuditEvent.Action.choices))
    outcome = forms.ChoiceField(label=_("Outcome"), required=False,
                                choices=[("", _("any"))] + list(AuditEvent.Outcome.choices))
    object_type = forms.CharField(label=_("Object type"), required=False, max_length=100,
                                  help_text=_("e.g. accounts.user"))
    object_id = forms.CharField(label=_("Object id"), required=False, max_length=64)
    field = forms.CharField(label=_("Changed field"), required=False, max_length=100,
                            help_text=_("e.g. occurred_at"),
                            validators=[RegexValidator(r"^[A-Za-z_][A-Za-z0-9_]*$",
                                                       _("Enter a field name such as occurred_at."))])
    region = forms.ModelChoiceField(label=_("Region"), required=False, queryset=Region.objects.only(*_NAMES))
    district = forms.ModelChoiceField(label=_("District"), required=False,
                                      queryset=District.objects.only(*_NAMES))
    mahalla = forms.IntegerField(label=_("Mahalla id"), required=False, min_value=1, max_value=MAX_ID)
    occurred_from = forms.DateTimeField(label=_("From"), required=False, widget=DateTimeLocalInput())
    occurred_to = forms.DateTimeField(label=_("To"), required=False, widget=DateTimeLocalInput())

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("occurred_from"), cleaned.get("occurred_to")
        if start and end and start > end:
            self.add_error("occurred_to", _("The end must not be before the start."))
        return cleaned

    def search_kwargs(self) -> dict:
        """Arguments for AuditEventQuerySet.search from a valid form."""
        data = self.cleaned_data
        return {
            "user": data.get("user", "").strip(),
            "action": data.get("action", ""),
            "outcome": data.get("outcome", ""),
            "object_type": data.get("object_type", "").strip().lower(),
            "object_id": data.get("object_id", "").strip(),
            "field": data.get("field", "").strip(),
            "region_id": data["region"].pk if data.get("region") else None,
            "district_id": data["district"].pk if data.get("district") else None,
            "mahalla_id": data.get("mahalla"),
            "occurred_from": data.get("occurred_from"),
            "occurred_to": data.get("occurred_to"),
        }

    def used_filters(self) -> dict:
        """The filters actually set, for the audit row of a search or an export."""
        return {key: value for key, value in self.search_kwargs().items() if value not in (None, "")}
