"""Cameras, the integrations that push their events, the raw events as received, and the alerts made of them.

Ingest stores a `RawEvent` (the payload exactly as received) and answers only after it is committed; a Celery
task turns raw events into `Alert`s (see services). The database is the source of truth: the broker is only a
doorbell, and a periodic sweep re-enqueues whatever was stored but not processed.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.gis.db import models
from django.contrib.postgres.fields import ArrayField
from django.db.models import F, Q
from django.db.models.functions import Lower, Now
from django.utils.translation import gettext_lazy as _

from mahallas.models import District, Mahalla

from .labels import alert_title
from .querysets import (
    AWAITING_REVIEW,
    FINAL_STATUSES,
    AlertQuerySet,
    CameraQuerySet,
    IntegrationQuerySet,
)
from .storage import private_storage


class Vendor(models.TextChoices):
    HIKVISION = "hikvision", "Hikvision"
    FRIGATE = "frigate", "Frigate"
    GENERIC = "generic", _("JSON (generic)")
    DAHUA = "dahua", "Dahua"
    ONVIF = "onvif", "ONVIF"


class InstallationKind(models.TextChoices):
    STREET = "street", _("street")
    ENTRANCE_FACE = "entrance_face", _("mahalla entrance (face recognition)")
    SCHOOL = "school", _("school")
    MARKET = "market", _("market")
    TRANSPORT = "transport", _("transport")
    OTHER = "other", _("other")


class CameraStatus(models.TextChoices):
    ONLINE = "online", _("online")
    OFFLINE = "offline", _("offline")


class Camera(models.Model):
    Vendor = Vendor
    Kind = InstallationKind
    Status = CameraStatus

    vendor = models.CharField(_("vendor"), max_length=16, choices=Vendor.choices)
    # Hikvision: the MAC address (lower case with colons), else the serial number; Frigate: the camera's name in
    # its config; a pulled device (Dahua, ONVIF): the device id of its PullDevice.
    device_id = models.CharField(_("device id"), max_length=64)
    # For an NVR's IP camera: the number the NVR shows (D1, D2, ... = dynChannelID), not channelID (33, 34, ...).
    channel = models.PositiveIntegerField(_("channel"), default=1)
    name = models.CharField(_("name"), max_length=200)
    location = models.PointField(_("location"), srid=4326, spatial_index=True)
    mahalla = models.ForeignKey(Mahalla, on_delete=models.PROTECT, null=True, blank=True, related_name="cameras",
                                verbose_name=_("mahalla"))
    # Set when someone chose the mahalla by hand: moving the camera then keeps it.
    mahalla_overridden = models.BooleanField(_("mahalla set by hand"), default=False)
    installation_kind = models.CharField(_("installation"), max_length=16, choices=InstallationKind.choices,
                                         default=InstallationKind.STREET)
    district = models.ForeignKey(District, on_delete=models.PROTECT, related_name="cameras",
                                 verbose_name=_("monitoring centre (district)"))
    status = models.CharField(_("status"), max_length=8, choices=CameraStatus.choices,
                              default=CameraStatus.OFFLINE)
    last_seen_at = models.DateTimeField(_("last seen"), null=True, blank=True)
    # Health: the last event of any kind that was not a heartbeat, and the last heartbeat.
    last_event_at = models.DateTimeField(_("last event"), null=True, blank=True)
    last_heartbeat_at = models.DateTimeField(_("last heartbeat"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    objects = CameraQuerySet.as_manager()

    class Meta:
        verbose_name = _("camera")
        verbose_name_plural = _("cameras")
        ordering = ["name", "id"]
        constraints = [
            # Per district: private IP addresses, serial-less devices and channel numbers repeat across districts.
            models.UniqueConstraint(fields=["district", "vendor", "device_id", "channel"],
                                    name="camera_unique_device_in_district"),
            models.CheckConstraint(condition=Q(vendor__in=Vendor.values), name="camera_vendor_valid"),
            models.CheckConstraint(condition=Q(installation_kind__in=InstallationKind.values),
                                   name="camera_installation_kind_valid"),
        ]
        indexes = [models.Index(fields=["district", "name"]), models.Index(fields=["status", "last_seen_at"])]

    def __str__(self) -> str:
        return self.name

    @property
    def is_biometric(self) -> bool:
        return self.installation_kind == InstallationKind.ENTRANCE_FACE


class Integration(models.Model):
    """An NVR, a site or an analytics server allowed to push events, with its own secret token.

    Only the SHA-256 of the token is stored; the token's first characters (`token_prefix`) find the row.
    An integration speaks only for its district's cameras: its events match no camera of another district, and
    devices nobody registered land in its district's list. A national one (made by an administrator on the
    command line) matches any camera. One with neither (left by the migration when its past alerts came from
    several districts) is refused at ingest until an administrator assigns it (`manage.py integration_assign`).
    """

    name = models.CharField(_("name"), max_length=100, unique=True)
    token_prefix = models.CharField(_("token prefix"), max_length=16, unique=True)
    token_hash = models.CharField(_("token hash"), max_length=64)
    allowed_networks = ArrayField(models.CharField(max_length=50), verbose_name=_("allowed networks (CIDR)"),
                                  default=list, blank=True)
    district = models.ForeignKey(District, on_delete=models.PROTECT, null=True, blank=True,
                                 related_name="integrations", verbose_name=_("district"))
    is_national = models.BooleanField(_("national"), default=False)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    rotated_at = models.DateTimeField(_("token rotated at"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)

    objects = IntegrationQuerySet.as_manager()

    class Meta:
        verbose_name = _("integration")
        verbose_name_plural = _("integrations")
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(condition=Q(is_national=False) | Q(district__isnull=True),
                                   name="integration_national_has_no_district"),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None

    @property
    def is_assigned(self) -> bool:
        return self.is_national or self.district_id is not None


class RawEvent(models.Model):
    """One vendor message exactly as received, committed before the sender gets its answer."""

    integration = models.ForeignKey(Integration, on_delete=models.SET_NULL, null=True, blank=True,
                                    related_name="raw_events")
    vendor = models.CharField(max_length=16, choices=Vendor.choices)
    received_at = models.DateTimeField(db_default=Now())
    content_type = models.CharField(max_length=200)
    body = models.BinaryField(null=True)
    # One delivery of one message: a resend of the same message has the same key and is stored once.
    natural_key = models.CharField(max_length=255)
    claimed_at = models.DateTimeField(null=True, blank=True)
    processed_at = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    error = models.TextField(blank=True, default="")
    alert = models.ForeignKey("Alert", on_delete=models.SET_NULL, null=True, blank=True, related_name="raw_events")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["vendor", "natural_key"], name="rawevent_unique_natural_key"),
        ]
        indexes = [
            # The sweep and the claim-N loop scan only what is still to do.
            models.Index(fields=["id"], condition=Q(processed_at__isnull=True), name="rawevent_unprocessed"),
            models.Index(fields=["received_at"], name="rawevent_received"),
        ]

    def __str__(self) -> str:
        return f"{self.vendor}:{self.natural_key}"


class AlertStatus(models.TextChoices):
    NEW = "new", _("new")
    ROUTED = "routed", _("in review queue")
    CONFIRMED = "confirmed", _("confirmed")
    DISMISSED = "dismissed", _("dismissed (false positive)")
    ESCALATED = "escalated", _("escalated")
    FILTERED = "filtered", _("filtered by district rules")


class RouteReason(models.TextChoices):
    """Why processing gave an alert its status (stored with it, so a page can say why)."""

    MATCHED = "matched", _("matched the district's rules")
    URGENT = "urgent", _("urgent label")
    UNMATCHED = "unmatched", _("unknown camera")
    NO_MAHALLA = "no_mahalla", _("camera has no mahalla")
    EVENT_TYPE = "event_type", _("event type not monitored by the district")
    CONFIDENCE = "confidence", _("confidence below the district's minimum")
    HOURS = "hours", _("outside the district's monitoring hours")


class DismissReason(models.TextChoices):
    """Why an alert was dismissed: the false-positive figures count by this code; free text may add detail."""

    SHADOW = "shadow", _("False positive: shadow, light or reflection")
    ANIMAL = "animal", _("False positive: animal")
    WEATHER = "weather", _("False positive: rain, snow, wind or fog")
    VEHICLE = "vehicle", _("False positive: vehicle")
    ORDINARY = "ordinary", _("False positive: people going about ordinary business")
    DUPLICATE = "duplicate", _("Duplicate of another alert")
    TEST = "test", _("Test or maintenance of the camera")
    NOT_SAFETY = "not_safety", _("Not a safety matter")
    OTHER = "other", _("Other reason (say which)")


# The incident category proposed for an alert's label (else its event type) when no AlertCategoryRule matches.
CATEGORY_FOR_LABEL = {"fight": "hooliganism", "drug_dealing": "drug-trafficking", "weapon": "other",
                      "theft": "theft", "robbery": "robbery"}


class AlertGroup(models.Model):
    """Repeats of one camera's event type within ALERT_GROUP_WINDOW_SECONDS, counted as one."""

    camera = models.ForeignKey(Camera, on_delete=models.CASCADE, related_name="alert_groups")
    event_type = models.CharField(max_length=64)
    first_seen_at = models.DateTimeField()
    last_seen_at = models.DateTimeField()
    count = models.PositiveIntegerField(default=1)

    class Meta:
        indexes = [models.Index(fields=["camera", "event_type", "last_seen_at"], name="alertgroup_lookup")]
        constraints = [models.CheckConstraint(condition=Q(last_seen_at__gte=F("first_seen_at")),
                                              name="alertgroup_times_ordered")]


class Alert(models.Model):
    Status = AlertStatus
    Reason = RouteReason
    DismissReason = DismissReason
    # Never in clear in the audit trail (audit.changes): an ANPR plate names a vehicle's keeper.
    AUDIT_PERSONAL_FIELDS = frozenset({"plate"})

    vendor = models.CharField(_("vendor"), max_length=16, choices=Vendor.choices)
    # The event's identity at its source (see vendors/): a second delivery or a Frigate update merges into it.
    natural_key = models.CharField(max_length=255)
    integration = models.ForeignKey(Integration, on_delete=models.SET_NULL, null=True, blank=True,
                                    related_name="alerts")
    camera = models.ForeignKey(Camera, on_delete=models.SET_NULL, null=True, blank=True, related_name="alerts",
                               verbose_name=_("camera"))
    # As the device named itself: what an operator needs to register an unknown camera.
    device_id = models.CharField(_("device id"), max_length=64)
    channel = models.PositiveIntegerField(_("channel"), default=1)
    # The device's own channelID when it differs from `channel` (an NVR's IP channel 34 is its D2).
    source_channel = models.PositiveIntegerField(_("device channel number"), null=True, blank=True)
    device_ip = models.CharField(_("device IP"), max_length=64, blank=True)
    device_name = models.CharField(_("device name"), max_length=200, blank=True)
    event_type = models.CharField(_("event type"), max_length=64)
    label = models.CharField(_("label"), max_length=64, blank=True)
    confidence = models.FloatField(_("confidence"), null=True, blank=True)
    started_at = models.DateTimeField(_("started at"))
    ended_at = models.DateTimeField(_("ended at"), null=True, blank=True)
    zones = ArrayField(models.CharField(max_length=64), verbose_name=_("zones"), default=list, blank=True)
    # ANPR: a vehicle's plate is personal data. Kept as long as pictures (ALERT_RETENTION_DAYS), every read audited.
    plate = models.CharField(_("number plate"), max_length=32, blank=True, default="", db_default="")
    mahalla = models.ForeignKey(Mahalla, on_delete=models.PROTECT, null=True, blank=True, related_name="alerts",
                                verbose_name=_("mahalla"))
    district = models.ForeignKey(District, on_delete=models.PROTECT, null=True, blank=True, related_name="alerts",
                                 verbose_name=_("district"))
    is_urgent = models.BooleanField(_("urgent"), default=False)
    group = models.ForeignKey(AlertGroup, on_delete=models.SET_NULL, null=True, blank=True, related_name="alerts")
    status = models.CharField(_("status"), max_length=12, choices=AlertStatus.choices, default=AlertStatus.NEW)
    route_reason = models.CharField(_("why this status"), max_length=16, choices=RouteReason.choices,
                                    blank=True)
    reviewed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                    related_name="+", verbose_name=_("reviewed by"))
    reviewed_at = models.DateTimeField(_("reviewed at"), null=True, blank=True)
    # A database default too: processing inserts alerts with its own SQL.
    dismiss_code = models.CharField(_("dismiss reason"), max_length=16, choices=DismissReason.choices, blank=True,
                                    default="", db_default="")
    # Free text: required with "other", optional detail with any other code.
    dismiss_reason = models.TextField(_("dismiss reason"), blank=True)
    review_note = models.TextField(_("review note"), blank=True)
    # Surveillance sits beside incidents: confirming an alert creates or links an incident (see services).
    incident = models.ForeignKey("incidents.Incident", on_delete=models.SET_NULL, null=True, blank=True,
                                 related_name="camera_alerts", verbose_name=_("incident"))
    created_at = models.DateTimeField(_("received at"), db_default=Now())
    updated_at = models.DateTimeField(_("updated at"), db_default=Now())
    processed_at = models.DateTimeField(_("processed at"), null=True, blank=True)

    objects = AlertQuerySet.as_manager()

    class Meta:
        verbose_name = _("camera alert")
        verbose_name_plural = _("camera alerts")
        ordering = ["-started_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["vendor", "natural_key"], name="alert_unique_natural_key"),
            models.CheckConstraint(condition=Q(status__in=AlertStatus.values), name="alert_status_valid"),
            models.CheckConstraint(condition=Q(confidence__isnull=True)
                                   | (Q(confidence__gte=0) & Q(confidence__lte=1)),
                                   name="alert_confidence_range"),
            # A reason code, or at least text (older writers give text only: it counts as "other").
            models.CheckConstraint(condition=~Q(status="dismissed") | ~Q(dismiss_code="") | ~Q(dismiss_reason=""),
                                   name="alert_dismissal_has_reason"),
            models.CheckConstraint(condition=Q(dismiss_code="") | Q(dismiss_code__in=DismissReason.values),
                                   name="alert_dismiss_code_valid"),
        ]
        indexes = [
            models.Index(F("district"), F("status"), F("started_at").desc(), name="alert_district_queue"),
            models.Index(F("mahalla"), F("status"), F("started_at").desc(), name="alert_mahalla_queue"),
            models.Index(F("started_at").desc(), F("id").desc(), name="alert_time"),
            models.Index(fields=["camera", "event_type", "status"], name="alert_camera_type"),
            # Device health counts each camera's alerts per day over the last fortnight: from the index alone.
            models.Index(fields=["camera", "started_at"], include=["event_type"], name="alert_camera_time"),
            models.Index(fields=["device_id"], condition=Q(camera__isnull=True), name="alert_unmatched"),
            # The dashboards' sweep asks which alerts changed since its watermark, every few minutes.
            models.Index(fields=["updated_at"], name="alert_updated"),
        ]

    def __str__(self) -> str:
        # In words (the audit trail and the admin show it): "#12 Fight", never "#12 fight fight".
        return f"#{self.pk} {alert_title(self.event_type, self.label)}".strip()

    @property
    def awaiting_review(self) -> bool:
        return self.status in AWAITING_REVIEW

    @property
    def is_final(self) -> bool:
        return self.status in FINAL_STATUSES

    @property
    def suggested_category_code(self) -> str:
        """The incident category a confirmation creates unless the reviewer chooses another: the administrators'
        table (AlertCategoryRule) first, else the built-in mapping."""
        rule = AlertCategoryRule.matching(self.event_type, self.label)
        if rule is not None:
            return rule.category.code
        return CATEGORY_FOR_LABEL.get(self.label) or CATEGORY_FOR_LABEL.get(self.event_type) or "other"


class AlertCategoryRule(models.Model):
    """Which incident category confirming an alert proposes, by its event type and, optionally, the object seen.

    Administrators edit the table (admin site). The most precise rule wins: event type and object label, then
    a rule naming the object label as its event type (Frigate names events by the object, and the object seen
    says more than the trigger: a weapon seen at a line crossing is a weapon case), then the event type alone.
    """

    event_type = models.CharField(_("event type"), max_length=64,
                                  help_text=_("The code the camera sends, e.g. weapon, fight, fielddetection."))
    object_label = models.CharField(_("object label"), max_length=64, blank=True,
                                    help_text=_("Optional: only alerts with this object label, e.g. person."))
    category = models.ForeignKey("incidents.IncidentCategory", on_delete=models.PROTECT, related_name="+",
                                 verbose_name=_("incident category"))
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("alert type → incident category rule")
        verbose_name_plural = _("alert type → incident category rules")
        ordering = ["event_type", "object_label"]
        constraints = [
            models.UniqueConstraint(fields=["event_type", "object_label"], name="alert_category_rule_unique"),
            models.CheckConstraint(condition=Q(event_type=Lower("event_type"))
                                   & Q(object_label=Lower("object_label")),
                                   name="alert_category_rule_lower_case"),
        ]

    def __str__(self) -> str:
        return f"{self.event_type} {self.object_label} → {self.category}".replace("  ", " ")

    def _normalise(self) -> None:
        # Vendors' codes are matched in lower case (the generic and Hikvision adapters lower them).
        self.event_type, self.object_label = self.event_type.strip().lower(), self.object_label.strip().lower()

    def clean(self):
        self._normalise()

    def save(self, *args, **kwargs):
        self._normalise()
        super().save(*args, **kwargs)

    @classmethod
    def matching(cls, event_type: str, label: str = "") -> AlertCategoryRule | None:
        event_type, label = (event_type or "").lower(), (label or "").lower()
        wanted = [(event_type, label), (label, ""), (event_type, "")] if label else [(event_type, "")]
        match = Q()
        for kind, thing in wanted:
            match |= Q(event_type=kind, object_label=thing)
        rules = {(r.event_type, r.object_label): r for r in cls.objects.filter(match, category__active=True)
                 .select_related("category")}
        return next((rules[key] for key in wanted if key in rules), None)


def _picture_path(instance, filename):
    return f"alerts/{instance.alert_id % 1000:03d}/{instance.alert_id}/{filename}"


class AlertPicture(models.Model):
    alert = models.ForeignKey(Alert, on_delete=models.CASCADE, related_name="pictures")
    file = models.FileField(storage=private_storage, upload_to=_picture_path, max_length=255)
    content_type = models.CharField(max_length=64)
    size = models.PositiveIntegerField()
    # From a face-recognition camera: biometric personal data (ZRU-547), to be kept in Uzbekistan.
    is_biometric = models.BooleanField(default=False)
    created_at = models.DateTimeField(db_default=Now())

    class Meta:
        ordering = ["id"]


class DistrictAlertRule(models.Model):
    """Which alerts a district's monitoring centre wants in its review queue, and which are urgent."""

    DEFAULT_URGENT_LABELS = ("weapon", "fight", "drug_dealing")

    district = models.OneToOneField(District, on_delete=models.CASCADE, related_name="alert_rule",
                                    verbose_name=_("district"))
    # Empty means every event type.
    event_types = ArrayField(models.CharField(max_length=64), verbose_name=_("event types"), default=list,
                             blank=True)
    min_confidence = models.FloatField(_("minimum confidence"), default=0.0)
    # Local time (Asia/Tashkent); a window may cross midnight (22:00-06:00). Both empty: all day.
    active_from = models.TimeField(_("monitored from"), null=True, blank=True)
    active_to = models.TimeField(_("monitored until"), null=True, blank=True)
    urgent_labels = ArrayField(models.CharField(max_length=64), verbose_name=_("urgent labels"),
                               default=list, blank=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("district alert rule")
        verbose_name_plural = _("district alert rules")
        constraints = [
            models.CheckConstraint(condition=Q(min_confidence__gte=0) & Q(min_confidence__lte=1),
                                   name="alert_rule_confidence_range"),
            models.CheckConstraint(condition=Q(active_from__isnull=True, active_to__isnull=True)
                                   | Q(active_from__isnull=False, active_to__isnull=False),
                                   name="alert_rule_hours_both_or_neither"),
        ]

    def __str__(self) -> str:
        return str(self.district)


from .models_health import CameraOutage, OutageCause  # noqa: E402, F401 - a model of this app, in its own module
from .models_pull import PullDevice, StreamState  # noqa: E402, F401 - a model of this app, in its own module
