"""What the field-work forms share: widgets, the base form, choices of mahallas and categories, a location.

Forms parse and type-check; the rules live in the services, whose `FieldWorkError(field, message)` lands next
to the named field (`form.add_domain_error`)."""

from __future__ import annotations

from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from accounts.capabilities import can
from core.forms import DomainErrorFormMixin
from mahallas.models import Mahalla
from mahallas.scope import ScopeLevel, scope_of

from ..models import Incident, IncidentCategory

# An error about the point (`location`) is shown on the latitude input, which opens the location block.
FIELD_ALIASES = {"location": "latitude"}


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


class DateTimeInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%dT%H:%M", **kwargs)


def style(form: forms.Form) -> None:
    for field in form.fields.values():
        widget = field.widget
        if isinstance(widget, forms.CheckboxInput | forms.CheckboxSelectMultiple | forms.RadioSelect
                      | forms.HiddenInput):
            continue
        css = "input select" if isinstance(widget, forms.Select) else "input"
        widget.attrs.setdefault("class", css)


class ServiceForm(DomainErrorFormMixin, forms.Form):
    field_aliases = FIELD_ALIASES

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        style(self)


# --- choices ------------------------------------------------------------------------------------------

def category_choices(*, blank: str | None = None, with_inactive_id: int | None = None) -> list:
    """Top-level categories, and each parent with its sub-types as an <optgroup>."""
    rows = list(IncidentCategory.objects.filter(Q(active=True) | Q(pk=with_inactive_id or 0))
                .select_related("parent"))
    children: dict[int, list] = {}
    for c in rows:
        if c.parent_id:
            children.setdefault(c.parent_id, []).append(c)
    choices: list = [("", blank)] if blank is not None else []
    for c in rows:
        if c.parent_id:
            continue
        kids = children.get(c.pk)
        if kids:
            choices.append((c.name, [(c.pk, _("%(name)s (type not known)") % {"name": c.name}),
                                     *[(k.pk, k.name) for k in kids]]))
        else:
            choices.append((c.pk, c.name))
    return choices


def _mahalla_label(m: Mahalla, with_district: bool) -> str:
    return f"{m.name} — {m.district.name}" if with_district else m.name


def spans_districts(user) -> bool:
    """Mahalla names repeat across districts: a list spanning several districts names each one's district."""
    return scope_of(user).level in (ScopeLevel.REGION, ScopeLevel.NATIONAL)


def source_choices(user, *, current: str | None = None) -> list[tuple[str, str]]:
    """Sources a person may type in. "Camera alert" takes an alert behind it (incidents.report_from_camera,
    asked here without one), so only an incident made from an alert carries it, and keeps it when edited."""
    camera = Incident.Source.CAMERA_ALERT
    return [(value, label) for value, label in Incident.Source.choices
            if value != camera or value == current or can(user, "incidents.report_from_camera")]


def mahalla_choices(qs, *, with_district: bool) -> list[tuple[int, str]]:
    qs = qs.defer("boundary")
    if with_district:
        qs = qs.select_related("district").defer("district__boundary").order_by("district__name_uz", "name_uz")
    else:
        qs = qs.order_by("name_uz")
    return [(m.pk, _mahalla_label(m, with_district)) for m in qs]


class MahallaField(forms.TypedChoiceField):
    def __init__(self, **kwargs):
        super().__init__(coerce=int, **kwargs)


class LocationFields(forms.Form):
    latitude = forms.FloatField(label=_("Latitude"), required=False, min_value=-90, max_value=90,
                                widget=forms.NumberInput(attrs={"step": "any", "inputmode": "decimal"}))
    longitude = forms.FloatField(label=_("Longitude"), required=False, min_value=-180, max_value=180,
                                 widget=forms.NumberInput(attrs={"step": "any", "inputmode": "decimal"}))

    def clean(self):
        data = super().clean()
        lat, lon = data.get("latitude"), data.get("longitude")
        if (lat is None) != (lon is None) and not self.has_error("latitude") and not self.has_error("longitude"):
            self.add_error("latitude", _("Give both latitude and longitude, or neither."))
        return data

    def location(self):
        lat, lon = self.cleaned_data.get("latitude"), self.cleaned_data.get("longitude")
        return None if lat is None or lon is None else (lon, lat)
