"""Pulled devices: the devices a district registers for the pull process (`manage.py ingest_pull`) to fetch
events from, because they cannot push (behind NAT the other way, no HTTP host setting, an NVR that only serves
its alertStream).

A device belongs to one of the district's integrations, like a pushing device: its events are stored under that
integration and match only that district's cameras. The password is encrypted at once (surveillance.credentials)
and never returned: a change without a new password keeps the stored one. The audit trail records who changed
what, never the password itself (only that it changed).
"""

from __future__ import annotations

import contextlib
import ipaddress
import re

from django.core.exceptions import ImproperlyConfigured
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.capabilities import can
from audit.models import AuditEvent
from audit.services import audit_record

from .. import credentials
from ..errors import PayloadError, SurveillanceError
from ..models import Integration, PullDevice, StreamState, Vendor
from ..vendors.hikvision import normalise_mac

PULLABLE = (Vendor.HIKVISION, Vendor.DAHUA, Vendor.ONVIF)
DEFAULT_PORTS = {"http": 80, "https": 443}
FIELDS = frozenset({"integration", "vendor", "name", "device_id", "scheme", "host", "port", "username", "password",
                    "enabled"})
_HOSTNAME = re.compile(r"^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)(\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)*$",
                       re.IGNORECASE)


def clean_host(value: str) -> str:
    host = (value or "").strip().strip("[]")
    if not host:
        raise SurveillanceError("host", _("This field is required."))
    try:
        return str(ipaddress.ip_address(host))
    except ValueError:
        pass
    if not _HOSTNAME.match(host):
        raise SurveillanceError("host", _("Enter an IP address or a host name, without http:// or a path."))
    return host.lower()


def _integration_of(by, integration: Integration | None) -> Integration:
    if integration is None:
        raise SurveillanceError("integration", _("This field is required."))
    if not can(by, "surveillance.manage_pull_devices"):
        raise SurveillanceError("integration", _("Only the district's operators and officials register devices."))
    if integration.district_id is None or integration.district_id != by.district_id:
        raise SurveillanceError("integration", _("Choose an integration of your district."))
    if not integration.is_active:
        raise SurveillanceError("integration", _("This integration is revoked."))
    return integration


def _apply(device: PullDevice, values: dict) -> None:
    if "vendor" in values:
        device.vendor = values["vendor"]
    if device.vendor not in PULLABLE:
        raise SurveillanceError("vendor", _("Choose Hikvision, Dahua or ONVIF."))
    for name in ("name", "device_id", "username"):
        if name in values:
            setattr(device, name, (values[name] or "").strip())
    if not device.name:
        raise SurveillanceError("name", _("Name the device."))
    if len(device.name) > 200:
        raise SurveillanceError("name", _("At most %(n)d characters.") % {"n": 200})
    if not device.device_id:
        raise SurveillanceError("device_id", _("This field is required."))
    if device.vendor == Vendor.HIKVISION:
        # Written as its cameras are (44:19:b6:...), so the stream's state reaches them; a serial number stays.
        with contextlib.suppress(PayloadError):
            device.device_id = normalise_mac(device.device_id)
    if len(device.device_id) > 64:
        raise SurveillanceError("device_id", _("At most %(n)d characters.") % {"n": 64})
    if not device.username:
        raise SurveillanceError("username", _("This field is required."))
    if len(device.username) > 100:
        raise SurveillanceError("username", _("At most %(n)d characters.") % {"n": 100})
    if "scheme" in values:
        device.scheme = values["scheme"] or "http"
    if device.scheme not in DEFAULT_PORTS:
        raise SurveillanceError("scheme", _("Choose http or https."))
    if "host" in values:
        device.host = clean_host(values["host"])
    if "port" in values:
        port = values["port"]
        device.port = DEFAULT_PORTS[device.scheme] if port in (None, "") else port
    if isinstance(device.port, bool) or not isinstance(device.port, int) or not 1 <= device.port <= 65535:
        raise SurveillanceError("port", _("Enter a port from 1 to 65535."))
    if "enabled" in values:
        device.enabled = bool(values["enabled"])
    password = values.get("password")
    if password:
        if len(password) > 200:
            raise SurveillanceError("password", _("At most %(n)d characters.") % {"n": 200})
        try:
            device.password_encrypted = credentials.encrypt(password)
        except ImproperlyConfigured:
            raise SurveillanceError("password", _("The platform has no key to store device passwords with "
                                                  "(DEVICE_CREDENTIAL_KEYS): ask its administrator.")) from None
    elif not device.password_encrypted:
        raise SurveillanceError("password", _("This field is required."))


def _save(device: PullDevice) -> None:
    clash = PullDevice.objects.filter(integration_id=device.integration_id, vendor=device.vendor,
                                      device_id=device.device_id).exclude(pk=device.pk)
    if clash.exists():
        raise SurveillanceError("device_id", _("This device is already registered for this integration."))
    try:
        with transaction.atomic():
            device.save()
    except IntegrityError:  # registered by someone else a moment ago
        raise SurveillanceError("device_id", _("This device is already registered for this integration.")) from None


@transaction.atomic
def pull_device_create(*, by, integration: Integration | None, vendor: str, name: str, device_id: str,
                       host: str, username: str, password: str, scheme: str = "http", port: int | None = None,
                       enabled: bool = True) -> PullDevice:
    device = PullDevice(integration=_integration_of(by, integration))
    _apply(device, {"vendor": vendor, "name": name, "device_id": device_id, "scheme": scheme, "host": host,
                    "port": port, "username": username, "password": password, "enabled": enabled})
    device.state = StreamState.NEW if device.enabled else StreamState.DISABLED
    device.state_changed_at = timezone.now()
    _save(device)
    audit_record(action=AuditEvent.Action.CREATE, actor=by, obj=device, territory=device.integration.district,
                 details={"fields": sorted(FIELDS - {"password"}), "password": "set"})
    return device


@transaction.atomic
def pull_device_update(*, by, device: PullDevice, **changes) -> PullDevice:
    """Change a device; a blank or missing password keeps the stored one. The pull process picks the change up
    at its next reload (PULL_RELOAD_SECONDS) and reconnects with the new settings."""
    unknown = set(changes) - FIELDS
    if unknown:
        raise TypeError(f"pull_device_update() got unexpected fields: {sorted(unknown)}")
    device = PullDevice.objects.select_for_update().select_related("integration").get(pk=device.pk)
    if not can(by, "surveillance.edit_pull_device", device):
        raise SurveillanceError("integration", _("You may not change devices of this district."))
    if "integration" in changes:
        device.integration = _integration_of(by, changes.pop("integration"))
    _apply(device, changes)
    if "enabled" in changes and not device.enabled:
        device.state, device.state_changed_at = StreamState.DISABLED, timezone.now()
    elif "enabled" in changes and device.state == StreamState.DISABLED:
        device.state, device.state_changed_at = StreamState.NEW, timezone.now()
    _save(device)
    changed = sorted(set(changes) - {"password"})
    audit_record(action=AuditEvent.Action.CHANGE, actor=by, obj=device, territory=device.integration.district,
                 details={"fields": changed, **({"password": "changed"} if changes.get("password") else {})})
    return device
