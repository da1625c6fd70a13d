"""The administrators' alert type → incident category table. Registered on the project's audited admin site
(audit.admin_site), so every change records who made it and what it was before."""

from django import forms
from django.contrib import admin
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from . import credentials
from .errors import SurveillanceError
from .models import AlertCategoryRule, PullDevice
from .services.pull_devices import clean_host


@admin.register(AlertCategoryRule)
class AlertCategoryRuleAdmin(admin.ModelAdmin):
    list_display = ["event_type", "object_label", "category", "updated_at"]
    list_filter = ["category"]
    search_fields = ["event_type", "object_label"]
    list_select_related = ["category"]

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "category":
            from incidents.models import IncidentCategory

            kwargs["queryset"] = IncidentCategory.objects.active().select_related("parent")
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


class PullDeviceAdminForm(forms.ModelForm):
    # The bounds of the database's check (pulldevice_port_range): a wrong port is a message, not a 500.
    port = forms.IntegerField(label=_("port"), min_value=1, max_value=65535, initial=80)
    # Write-only: never rendered back, and empty keeps the stored password.
    password = forms.CharField(label=_("Password"), required=False, max_length=200,
                               widget=forms.PasswordInput(render_value=False, attrs={"autocomplete": "new-password"}),
                               help_text=_("Stored encrypted and never shown again. When editing, leave empty to "
                                           "keep the stored one."))

    class Meta:
        model = PullDevice
        fields = ["integration", "vendor", "name", "device_id", "scheme", "host", "port", "username", "password",
                  "enabled"]

    def clean(self):
        data = super().clean()
        if not data.get("password") and not (self.instance.pk and self.instance.password_encrypted):
            self.add_error("password", _("This field is required."))
        self.encrypted = None
        if data.get("password"):
            try:
                self.encrypted = credentials.encrypt(data["password"])
            except ImproperlyConfigured as exc:
                self.add_error("password", str(exc))
        if data.get("host"):
            try:
                data["host"] = clean_host(data["host"])
            except SurveillanceError as exc:
                self.add_error("host", exc.message)
        return data

    def save(self, commit=True):
        device = super().save(commit=False)
        if self.encrypted is not None:
            device.password_encrypted = self.encrypted
        if commit:
            device.save()
        return device


@admin.register(PullDevice)
class PullDeviceAdmin(admin.ModelAdmin):
    form = PullDeviceAdminForm
    list_display = ["name", "vendor", "host", "port", "integration", "enabled", "state", "state_checked_at",
                    "last_event_at"]
    list_filter = ["vendor", "state", "enabled"]
    search_fields = ["name", "device_id", "host"]
    list_select_related = ["integration"]
    readonly_fields = ["state", "state_changed_at", "state_checked_at", "last_event_at", "last_error"]
