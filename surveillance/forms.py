"""HTML forms of the review queue and the camera registry. They parse and type-check input; the rules live in
services (a SurveillanceError names the field it is about, and core.forms.add_domain_error puts it next to that
field)."""

from django import forms
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from accounts.bounds import MAX_ID, column_bounds
from incidents.models import Incident, IncidentCategory
from mahallas.models import Mahalla

from . import labels
from .filters import AlertFilter
from .models import Alert, Camera, InstallationKind, Integration, Vendor
from .querysets import AWAITING_REVIEW

# The vendors whose devices the pull process can fetch events from (surveillance.pull).
PULLABLE = (Vendor.HIKVISION, Vendor.DAHUA, Vendor.ONVIF)

# "Needs review" in the queue: Alert.objects.awaiting_review() (escalated ones have their own filter).
NEEDS_REVIEW = "review"
ALL_STATUSES = "all"


class AlertFilterForm(forms.Form):
    status = forms.ChoiceField(label=_("Status"), required=False)
    urgent = forms.BooleanField(label=_("Urgent only"), required=False)
    camera = forms.TypedChoiceField(label=_("Camera"), required=False, coerce=int, empty_value=None)
    event_type = forms.ChoiceField(label=_("Event type"), required=False)
    mahalla = forms.TypedChoiceField(label=_("Mahalla"), required=False, coerce=int, empty_value=None)
    date_from = forms.DateField(label=_("From"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    date_to = forms.DateField(label=_("To"), required=False, widget=forms.DateInput(attrs={"type": "date"}))

    def __init__(self, *args, cameras=(), event_types=(), mahallas=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["status"].choices = [(NEEDS_REVIEW, _("Needs review")), (ALL_STATUSES, _("Any status")),
                                         *[(value, label) for value, label in Alert.Status.choices
                                           if value not in AWAITING_REVIEW]]
        self.fields["camera"].choices = [("", _("All cameras")), *cameras]
        self.fields["event_type"].choices = [("", _("All event types")),
                                             *[(t, capfirst(labels.event_type_label(t))) for t in event_types]]
        self.fields["mahalla"].choices = [("", _("All mahallas")), *mahallas]
        for field in self.fields.values():
            css = "checkbox" if isinstance(field.widget, forms.CheckboxInput) else "input select" if isinstance(
                field.widget, forms.Select) else "input"
            field.widget.attrs.setdefault("class", css)

    def cleaned_or_default(self) -> dict:
        data = self.cleaned_data if self.is_valid() else {}
        return {"status": data.get("status") or NEEDS_REVIEW, **{k: v for k, v in data.items() if k != "status"}}

    def apply(self, qs):
        """Filter a queryset of visible alerts with the API's filter set, so both read the same way."""
        data = self.cleaned_or_default()
        wanted: dict = {}
        if data["status"] == NEEDS_REVIEW:
            qs = qs.awaiting_review()
        elif data["status"] != ALL_STATUSES:
            wanted["status"] = [data["status"]]
        if data.get("urgent"):
            wanted["urgent"] = "true"
        for name in ("camera", "event_type", "mahalla"):
            if data.get(name):
                wanted[name] = data[name]
        for name in ("date_from", "date_to"):
            if data.get(name):
                wanted[name] = data[name].isoformat()
        qs = AlertFilter(data=wanted, queryset=qs).qs
        if data["status"] == NEEDS_REVIEW:
            return qs.order_by("-is_urgent", "-started_at", "-id")
        return qs.order_by("-started_at", "-id")

    @property
    def needs_review(self) -> bool:
        return self.cleaned_or_default()["status"] == NEEDS_REVIEW


class ConfirmForm(forms.Form):
    NEW, LINK = "new", "link"

    mode = forms.ChoiceField(label=_("Incident"), choices=[(NEW, _("Create a new incident")),
                                                             (LINK, _("Link an existing incident"))],
                             widget=forms.RadioSelect, initial=NEW)
    category = forms.ModelChoiceField(label=_("Category"), queryset=IncidentCategory.objects.none(),
                                      required=False, to_field_name="code")
    legal_kind = forms.ChoiceField(label=_("Legal kind"), choices=Incident.LegalKind.choices,
                                   initial=Incident.LegalKind.CRIME)
    note = forms.CharField(label=_("Description"), required=False, max_length=2000,
                           widget=forms.Textarea(attrs={"rows": 3}),
                           help_text=_("Added to the incident after the alert's own summary."))
    incident = forms.IntegerField(label=_("Incident number"), required=False, min_value=1, max_value=MAX_ID,
                                  widget=forms.NumberInput(attrs={"inputmode": "numeric"}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["legal_kind"].choices = [(v, capfirst(label)) for v, label in Incident.LegalKind.choices]
        self.fields["category"].queryset = IncidentCategory.objects.active().select_related("parent")
        self.fields["category"].label_from_instance = (
            lambda c: f"{c.parent.name} — {c.name}" if c.parent_id else c.name)
        for name in ("category", "legal_kind", "note", "incident"):
            self.fields[name].widget.attrs.setdefault("class", "input select" if name in (
                "category", "legal_kind") else "input")

    def clean(self):
        data = super().clean()
        if data.get("mode") == self.LINK and not data.get("incident"):
            self.add_error("incident", _("Give the number of the incident to link."))
        if data.get("mode") == self.NEW and not data.get("category"):
            self.add_error("category", _("Choose a category."))
        return data


class DismissForm(forms.Form):
    # Without a code the text alone is the reason (the service files it under "other"), as the API allows.
    dismiss_code = forms.ChoiceField(label=_("Why is this a false positive?"), required=False,
                             choices=Alert.DismissReason.choices, widget=forms.RadioSelect)
    reason = forms.CharField(label=_("Details"), required=False, max_length=1000,
                             help_text=_("Required with “Other reason”."),
                             widget=forms.TextInput(attrs={"class": "input", "autocomplete": "off"}))


class EscalateForm(forms.Form):
    note = forms.CharField(label=_("Note for whoever takes it over"), required=False, max_length=2000,
                           widget=forms.Textarea(attrs={"rows": 2, "class": "input"}))


class CameraForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=200)
    vendor = forms.ChoiceField(label=_("Vendor"), choices=Vendor.choices)
    device_id = forms.CharField(label=_("Device id"), max_length=64,
                                help_text=_("Hikvision: the MAC address, else the serial number (of the NVR for a "
                                            "camera behind one), else the IP address the device reports; "
                                            "Frigate: the camera's name in its configuration; JSON: the id your "
                                            "system sends."))
    channel = forms.IntegerField(label=_("Channel"), **column_bounds(Camera, "channel"), initial=1,
                                 help_text=_("A camera behind an NVR: its number on the NVR's screen (D1 is 1, D2 "
                                             "is 2), not the device channel 33, 34, … of its events. A camera "
                                             "on its own: 1."))
    installation_kind = forms.ChoiceField(label=_("Installation"), choices=InstallationKind.choices,
                                          initial=InstallationKind.STREET)
    longitude = forms.FloatField(label=_("Longitude"), min_value=-180, max_value=180,
                                 widget=forms.NumberInput(attrs={"step": "any", "data-point-lon": ""}))
    latitude = forms.FloatField(label=_("Latitude"), min_value=-90, max_value=90,
                                widget=forms.NumberInput(attrs={"step": "any", "data-point-lat": ""}))
    mahalla = forms.ModelChoiceField(label=_("Mahalla"), queryset=Mahalla.objects.none(), required=False,
                                     empty_label=_("Find from the location"),
                                     help_text=_("Leave as is to find the mahalla that contains the point; "
                                                 "choose one only to override it."))

    SERVICE_FIELDS = ("name", "vendor", "device_id", "channel", "installation_kind")

    def __init__(self, *args, district_id: int, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["installation_kind"].choices = [(v, capfirst(label)) for v, label in InstallationKind.choices]
        self.fields["mahalla"].queryset = (Mahalla.objects.filter(district_id=district_id)
                                           .defer("boundary").order_by("name_uz"))
        for field in self.fields.values():
            field.widget.attrs.setdefault("class", "input select" if isinstance(field.widget, forms.Select)
                                          else "input")

    @classmethod
    def initial_for(cls, camera: Camera) -> dict:
        return {"name": camera.name, "vendor": camera.vendor, "device_id": camera.device_id,
                "channel": camera.channel, "installation_kind": camera.installation_kind,
                "longitude": round(camera.location.x, 6), "latitude": round(camera.location.y, 6),
                "mahalla": camera.mahalla_id if camera.mahalla_overridden else None}

    def service_kwargs(self) -> dict:
        data = self.cleaned_data
        return {**{name: data[name] for name in self.SERVICE_FIELDS},
                "location": (data["longitude"], data["latitude"]), "mahalla": data.get("mahalla")}


class CameraImportForm(forms.Form):
    MAX_BYTES = 2 * 1024 * 1024

    file = forms.FileField(label=_("CSV file"), widget=forms.ClearableFileInput(attrs={"accept": ".csv,text/csv",
                                                                                        "class": "input"}))

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > self.MAX_BYTES:
            raise forms.ValidationError(_("The file is larger than 2 MB."))
        return upload


class RateFilterForm(forms.Form):
    date_from = forms.DateField(label=_("From"), required=False,
                                widget=forms.DateInput(attrs={"type": "date", "class": "input"}))
    date_to = forms.DateField(label=_("To"), required=False,
                              widget=forms.DateInput(attrs={"type": "date", "class": "input"}))

    def apply(self, qs):
        wanted = {name: self.cleaned_data[name].isoformat() for name in ("date_from", "date_to")
                  if self.cleaned_data.get(name)}
        return AlertFilter(data=wanted, queryset=qs).qs if wanted else qs


class PullDeviceForm(forms.Form):
    """A device the platform pulls events from. The password is write-only: the field is never filled in, and
    left empty when editing it keeps the stored one."""

    name = forms.CharField(label=_("Name"), max_length=200)
    integration = forms.ModelChoiceField(label=_("Integration"), queryset=Integration.objects.none(),
                                         help_text=_("Its events are stored as this integration's."))
    vendor = forms.ChoiceField(label=_("Vendor"), choices=[(v.value, v.label) for v in PULLABLE])
    device_id = forms.CharField(label=_("Device id"), max_length=64,
                                help_text=_("What its cameras are registered under: the MAC address or serial "
                                            "number (Dahua, ONVIF: any stable name)."))
    scheme = forms.ChoiceField(label=_("Protocol"), choices=[("http", "http"), ("https", "https")], initial="http")
    host = forms.CharField(label=_("Address"), max_length=255,
                           help_text=_("IP address or host name as the platform reaches it, without http://."))
    port = forms.IntegerField(label=_("Port"), min_value=1, max_value=65535, required=False,
                              help_text=_("Empty: 80 for http, 443 for https."))
    username = forms.CharField(label=_("User name"), max_length=100)
    password = forms.CharField(label=_("Password"), max_length=200, required=False,
                               widget=forms.PasswordInput(render_value=False, attrs={"autocomplete": "new-password"}),
                               help_text=_("Stored encrypted and never shown again. When editing, leave empty to "
                                           "keep the stored one."))
    enabled = forms.BooleanField(label=_("Pull its events"), required=False, initial=True)

    def __init__(self, *args, district_id: int | None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["integration"].queryset = Integration.objects.active().filter(district_id=district_id)
        for name, field in self.fields.items():
            if name != "enabled":
                field.widget.attrs.setdefault("class", "input select" if isinstance(field.widget, forms.Select)
                                              else "input")

    @classmethod
    def initial_for(cls, device) -> dict:
        return {name: getattr(device, name) for name in ("name", "vendor", "device_id", "scheme", "host", "port",
                                                         "username", "enabled")} | {
            "integration": device.integration_id}
