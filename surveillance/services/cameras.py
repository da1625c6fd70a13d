"""The camera registry of a district (register, change, delete, import from CSV) and each camera's status
(online while heartbeats or alerts arrive, offline after CAMERA_OFFLINE_AFTER_SECONDS without them).

A camera's mahalla is found from its location unless an operator sets it by hand; a point in another district's
mahalla is refused, since that district's officials could neither see nor fix the camera.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field

from django.contrib.gis.geos import Point
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.capabilities import can
from audit.models import AuditEvent
from audit.services import audit_record
from core.geo import lonlat_point, wgs84_point
from mahallas.models import District, Mahalla

from ..errors import PayloadError, SurveillanceError
from ..models import Camera, InstallationKind, Integration, Vendor
from .integrations import speaks_for
from .outages import cameras_mark_offline, outages_close  # noqa: F401 - the minute check lives with its outages

# --- status --------------------------------------------------------------------------------------------

@transaction.atomic
def cameras_seen(*, vendor: str, device_ids, integration: Integration, heartbeat: bool = True) -> int:
    """A heartbeat (or, with heartbeat=False, any other sign of life): the device's cameras (all channels) are
    online now, if the integration speaks for them (another district's heartbeat would hide a camera that is
    really down). `device_ids` holds every identity the device gave (a MAC, serial number, IP address): its
    cameras may be registered under any of them. Their open outages end."""
    scope = speaks_for(integration.district_id, integration.is_national)
    if scope is None:
        return 0
    now = timezone.now()
    fields = {"last_seen_at": now, "status": Camera.Status.ONLINE}
    if heartbeat:
        fields["last_heartbeat_at"] = now
    cameras = Camera.objects.filter(scope, vendor=vendor, device_id__in=sorted(set(device_ids)))
    changed = cameras.update(**fields)
    if changed:
        outages_close(cameras=cameras, at=now)
    return changed


# --- registry ------------------------------------------------------------------------------------------

CAMERA_FIELDS = frozenset({"vendor", "device_id", "channel", "name", "location", "installation_kind", "mahalla"})


def _resolve_mahalla(point: Point, district_id: int) -> Mahalla | None:
    candidates = list(Mahalla.objects.filter(boundary__intersects=point).only("id", "district_id"))
    own = next((m for m in candidates if m.district_id == district_id), None)
    if own is None and candidates:
        # The camera would be counted in another district's mahalla, whose officials cannot see or fix it.
        raise SurveillanceError("location", _("This point lies in a mahalla of another district."))
    return own


def _as_point(location) -> Point:
    if isinstance(location, Point):
        point = wgs84_point(location)
    else:
        lon, lat = location
        point = lonlat_point(lon, lat)
    if point is None:
        raise SurveillanceError("location", _("Coordinates are out of range."))
    return point


def _normalise_device(vendor: str, device_id: str) -> str:
    device_id = (device_id or "").strip()
    if vendor == Vendor.HIKVISION and device_id:
        from ..vendors.hikvision import device_id_normalise

        try:
            return device_id_normalise(device_id)
        except PayloadError:
            raise SurveillanceError("device_id", _("A Hikvision device id is its MAC address, serial number or IP "
                                                   "address.")) from None
    return device_id


def _camera_validate(camera: Camera) -> None:
    if camera.vendor not in Vendor.values:
        raise SurveillanceError("vendor", _("Unknown vendor."))
    if camera.installation_kind not in InstallationKind.values:
        raise SurveillanceError("installation_kind", _("Unknown kind of installation."))
    if not camera.device_id:
        raise SurveillanceError("device_id", _("This field is required."))
    if not (camera.name or "").strip():
        raise SurveillanceError("name", _("Name the camera."))
    if camera.channel is None or camera.channel < 0:
        raise SurveillanceError("channel", _("Expected a whole number."))
    # Per district, as the database's constraint: private addresses and channel numbers repeat across districts.
    clash = Camera.objects.filter(district_id=camera.district_id, vendor=camera.vendor, device_id=camera.device_id,
                                  channel=camera.channel)
    if camera.pk:
        clash = clash.exclude(pk=camera.pk)
    if clash.exists():
        raise SurveillanceError("device_id", _("This device and channel are already registered in this "
                                               "district."))
    if camera.mahalla_id is not None and camera.mahalla_overridden:
        district_of = Mahalla.objects.filter(pk=camera.mahalla_id).values_list("district_id", flat=True).first()
        if district_of != camera.district_id:
            raise SurveillanceError("mahalla", _("Choose a mahalla of the camera's district."))


def _camera_build(*, district_id: int, vendor: str, device_id: str, name: str, location, channel: int = 1,
                  installation_kind: str = InstallationKind.STREET, mahalla: Mahalla | None = None) -> Camera:
    point = _as_point(location)
    camera = Camera(vendor=vendor, device_id=_normalise_device(vendor, device_id), channel=channel,
                    name=(name or "").strip(), location=point, installation_kind=installation_kind,
                    district_id=district_id)
    if mahalla is not None:
        camera.mahalla, camera.mahalla_overridden = mahalla, True
    else:
        camera.mahalla = _resolve_mahalla(point, district_id)
    _camera_validate(camera)
    return camera


def _camera_district(by) -> int:
    if not can(by, "surveillance.manage_cameras"):
        raise SurveillanceError("district", _("Only the district's operators and officials register cameras."))
    return by.district_id


@transaction.atomic
def camera_create(*, by, vendor: str, device_id: str, name: str, location, channel: int = 1,
                  installation_kind: str = InstallationKind.STREET, mahalla: Mahalla | None = None) -> Camera:
    """Register a camera in the user's district; its mahalla is found from the point unless given."""
    camera = _camera_build(district_id=_camera_district(by), vendor=vendor, device_id=device_id, name=name,
                           location=location, channel=channel, installation_kind=installation_kind,
                           mahalla=mahalla)
    camera.save()
    audit_record(action=AuditEvent.Action.CREATE, actor=by, obj=camera)
    return camera


@transaction.atomic
def camera_update(*, by, camera: Camera, **changes) -> Camera:
    unknown = set(changes) - CAMERA_FIELDS
    if unknown:
        raise TypeError(f"camera_update() got unexpected fields: {sorted(unknown)}")
    camera = Camera.objects.select_for_update().get(pk=camera.pk)
    if not can(by, "surveillance.edit_camera", camera):
        raise SurveillanceError("district", _("You may not change cameras of this district."))
    if "location" in changes:
        camera.location = _as_point(changes.pop("location"))
    if "mahalla" in changes:
        mahalla = changes.pop("mahalla")
        camera.mahalla, camera.mahalla_overridden = mahalla, mahalla is not None
    for name, value in changes.items():
        setattr(camera, name, value)
    camera.device_id = _normalise_device(camera.vendor, camera.device_id)
    if not camera.mahalla_overridden:
        camera.mahalla = _resolve_mahalla(camera.location, camera.district_id)
    _camera_validate(camera)
    camera.save()
    audit_record(action=AuditEvent.Action.CHANGE, actor=by, obj=camera, details={"fields": sorted(changes)})
    return camera


@transaction.atomic
def camera_delete(*, by, camera: Camera) -> None:
    if not can(by, "surveillance.edit_camera", camera):
        raise SurveillanceError("district", _("You may not change cameras of this district."))
    audit_record(action=AuditEvent.Action.DELETE, actor=by, obj=camera)
    camera.delete()


CSV_COLUMNS = ("vendor", "device_id", "channel", "name", "longitude", "latitude", "installation_kind",
               "mahalla_code")
CSV_MAX_ROWS = 5000


@dataclass
class CsvReport:
    imported: int = 0
    errors: list[dict] = field(default_factory=list)


def cameras_import_csv(*, by, data: bytes) -> CsvReport:
    """Register cameras from CSV (header: CSV_COLUMNS; mahalla_code optional). Every row is checked first;
    if any row is invalid nothing is imported and the report lists each error by row and column."""
    district_id = _camera_district(by)
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise SurveillanceError("file", _("The file must be UTF-8 text.")) from None
    reader = csv.DictReader(io.StringIO(text))
    missing = [c for c in CSV_COLUMNS[:6] if c not in (reader.fieldnames or [])]
    if missing:
        raise SurveillanceError("file", _("Missing columns: %(columns)s") % {"columns": ", ".join(missing)})
    report, cameras, seen = CsvReport(), [], set()
    mahallas = {m.code: m for m in Mahalla.objects.filter(district_id=district_id).only("id", "code",
                                                                                          "district_id")}
    for number, row in enumerate(reader, start=2):
        if number - 1 > CSV_MAX_ROWS:
            raise SurveillanceError("file", _("At most %(n)d rows per file.") % {"n": CSV_MAX_ROWS})
        try:
            camera = _csv_row(row, district_id, mahallas)
        except SurveillanceError as exc:
            report.errors.append({"row": number, "field": exc.field, "message": str(exc.message)})
            continue
        key = (camera.vendor, camera.device_id, camera.channel)
        if key in seen:
            report.errors.append({"row": number, "field": "device_id",
                                  "message": _("This device and channel appear twice in the file.")})
            continue
        seen.add(key)
        cameras.append(camera)
    if report.errors:
        return report
    with transaction.atomic():
        Camera.objects.bulk_create(cameras)
        audit_record(action=AuditEvent.Action.CREATE, actor=by, object_type="surveillance.camera",
                     object_repr=f"CSV import of {len(cameras)} cameras",
                     territory=District.objects.get(pk=district_id), details={"imported": len(cameras)})
    report.imported = len(cameras)
    return report


def _csv_row(row: dict, district_id: int, mahallas: dict) -> Camera:
    def number(column, cast):
        try:
            return cast((row.get(column) or "").strip())
        except ValueError:
            raise SurveillanceError(column, _("Not a number.")) from None

    mahalla = None
    code = (row.get("mahalla_code") or "").strip()
    if code:
        mahalla = mahallas.get(code)
        if mahalla is None:
            raise SurveillanceError("mahalla_code", _("No mahalla with this code in your district."))
    channel = number("channel", int) if (row.get("channel") or "").strip() else 1
    return _camera_build(
        district_id=district_id, vendor=(row.get("vendor") or "").strip().lower(),
        device_id=row.get("device_id") or "", name=row.get("name") or "",
        location=(number("longitude", float), number("latitude", float)), channel=channel,
        installation_kind=(row.get("installation_kind") or InstallationKind.STREET).strip().lower(),
        mahalla=mahalla)
