"""Devices that cannot push: the pull process (`manage.py ingest_pull`, surveillance/pull/) holds one event stream
to each and keeps its state here for the pages (surveillance.health, the pulled-devices list)."""

from __future__ import annotations

from django.contrib.gis.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

# models.py imports this module at its end, once Vendor is defined.
from .models import Vendor
from .querysets import PullDeviceQuerySet


class StreamState(models.TextChoices):
    NEW = "new", _("not yet connected")
    CONNECTING = "connecting", _("connecting")
    ONLINE = "online", _("streaming")
    OFFLINE = "offline", _("stream down")
    AUTH_FAILED = "auth_failed", _("wrong credentials")
    DISABLED = "disabled", _("disabled")


class PullDevice(models.Model):
    """A device that cannot push: the pull process (`manage.py ingest_pull`) opens one event stream to it (one per
    NVR, not per camera: NVRs limit concurrent streams) and stores its events through the same path as the push
    endpoints, under its integration. The password is encrypted at rest (see credentials) and never shown again."""

    State = StreamState

    integration = models.ForeignKey("surveillance.Integration", on_delete=models.PROTECT,
                                    related_name="pull_devices",
                                    verbose_name=_("integration"))
    vendor = models.CharField(_("vendor"), max_length=16, choices=Vendor.choices)
    name = models.CharField(_("name"), max_length=200)
    # What its cameras are registered under (Camera.device_id): the MAC or serial number, or any stable name.
    device_id = models.CharField(_("device id"), max_length=64)
    scheme = models.CharField(_("scheme"), max_length=5, default="http",
                              choices=[("http", "http"), ("https", "https")])
    host = models.CharField(_("host"), max_length=255)
    port = models.PositiveIntegerField(_("port"), default=80)
    username = models.CharField(_("user name"), max_length=100)
    password_encrypted = models.BinaryField(_("password (encrypted)"), editable=False)
    enabled = models.BooleanField(_("enabled"), default=True)
    state = models.CharField(_("stream state"), max_length=12, choices=StreamState.choices, default=StreamState.NEW)
    state_changed_at = models.DateTimeField(_("stream state since"), null=True, blank=True)
    # Touched by the pull process while it holds the stream: a state older than a minute is not believed (the
    # process itself may have died), so pages show the stream offline then.
    state_checked_at = models.DateTimeField(_("stream state checked at"), null=True, blank=True)
    last_event_at = models.DateTimeField(_("last event"), null=True, blank=True)
    last_error = models.CharField(_("last error"), max_length=500, blank=True, default="")
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    objects = PullDeviceQuerySet.as_manager()

    class Meta:
        verbose_name = _("pulled device")
        verbose_name_plural = _("pulled devices")
        ordering = ["name", "id"]
        constraints = [
            models.UniqueConstraint(fields=["integration", "vendor", "device_id"], name="pulldevice_unique_device"),
            models.CheckConstraint(condition=Q(vendor__in=["hikvision", "dahua", "onvif"]),
                                   name="pulldevice_vendor_pullable"),
            models.CheckConstraint(condition=Q(state__in=StreamState.values), name="pulldevice_state_valid"),
            models.CheckConstraint(condition=Q(port__gte=1) & Q(port__lte=65535), name="pulldevice_port_range"),
        ]

    def __str__(self) -> str:
        return self.name
