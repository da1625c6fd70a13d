"""API shapes. Read serializers describe rows; write serializers only parse and type-check input. The ingest
formats are validated by the vendor adapters; the serializers here document them in the OpenAPI schema."""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from accounts.bounds import MAX_ID, column_bounds
from incidents.models import IncidentLegalKind
from mahallas.models import Mahalla

from . import labels
from .models import Alert, Camera, InstallationKind, Integration, PullDevice, Vendor

# --- ingest (documentation of the accepted formats) ----------------------------------------------------


class GenericPictureSerializer(serializers.Serializer):
    content_type = serializers.ChoiceField(choices=["image/jpeg", "image/png"])
    data = serializers.CharField(help_text="The picture, base64-encoded (at most 2 MB decoded).")


class GenericAlertSerializer(serializers.Serializer):
    event_id = serializers.CharField(max_length=100, help_text="Your unique id of this event: a resend with the "
                                                               "same id is stored once.")
    device_id = serializers.CharField(max_length=64, help_text="The camera's device id as registered.")
    channel = serializers.IntegerField(min_value=0, max_value=100_000, default=1)
    event_type = serializers.CharField(max_length=64, help_text="e.g. fight, weapon, drug_dealing, loitering.")
    label = serializers.CharField(max_length=64, required=False)
    confidence = serializers.FloatField(min_value=0, max_value=1, required=False, allow_null=True)
    started_at = serializers.DateTimeField(help_text="ISO 8601 with a UTC offset.")
    ended_at = serializers.DateTimeField(required=False, allow_null=True)
    zone = serializers.CharField(max_length=64, required=False)
    device_name = serializers.CharField(max_length=200, required=False)
    pictures = GenericPictureSerializer(many=True, required=False, max_length=5)


class GenericAlertBatchSerializer(serializers.Serializer):
    alerts = GenericAlertSerializer(many=True, min_length=1, max_length=1000)


class FrigateObjectSerializer(serializers.Serializer):
    id = serializers.CharField()
    camera = serializers.CharField()
    label = serializers.CharField()
    score = serializers.FloatField(required=False)
    top_score = serializers.FloatField(required=False)
    start_time = serializers.FloatField(help_text="Unix seconds.")
    end_time = serializers.FloatField(required=False, allow_null=True)
    current_zones = serializers.ListField(child=serializers.CharField(), required=False)
    entered_zones = serializers.ListField(child=serializers.CharField(), required=False)
    has_snapshot = serializers.BooleanField(required=False)


class FrigateEventSerializer(serializers.Serializer):
    type = serializers.ChoiceField(choices=["new", "update", "end"])
    before = FrigateObjectSerializer(required=False)
    after = FrigateObjectSerializer()


class IngestResultSerializer(serializers.Serializer):
    accepted = serializers.IntegerField(help_text="Events stored now.")
    duplicates = serializers.IntegerField(help_text="Events stored before (a resend): not stored again.")
    heartbeats = serializers.IntegerField(help_text="Heartbeats (camera status only, no alert).")


# --- cameras -------------------------------------------------------------------------------------------

class CameraSerializer(serializers.ModelSerializer):
    longitude = serializers.SerializerMethodField()
    latitude = serializers.SerializerMethodField()
    mahalla_name = serializers.SerializerMethodField()

    class Meta:
        model = Camera
        fields = ["id", "vendor", "device_id", "channel", "name", "longitude", "latitude", "mahalla", "mahalla_name",
                  "mahalla_overridden", "installation_kind", "district", "status", "last_seen_at"]

    @extend_schema_field(OpenApiTypes.DOUBLE)
    def get_longitude(self, obj):
        return obj.location.x

    @extend_schema_field(OpenApiTypes.DOUBLE)
    def get_latitude(self, obj):
        return obj.location.y

    @extend_schema_field(OpenApiTypes.STR)
    def get_mahalla_name(self, obj):
        return obj.mahalla.name if obj.mahalla_id else ""


class CameraWriteSerializer(serializers.Serializer):
    vendor = serializers.ChoiceField(choices=Vendor.choices)
    device_id = serializers.CharField(max_length=64, help_text=(
        "Hikvision: the MAC address, else the serial number (an NVR's own for the cameras behind it), else the IP "
        "address the device reports; stored as its events name it (44:19:b6:0a:1b:2c, "
        "DS-7608NXI-I2/8P/S0820211012CCRRG41234567WCVU, 10.20.1.64). Frigate: the camera's name; JSON: your id."))
    channel = serializers.IntegerField(**column_bounds(Camera, "channel"), default=1, help_text=(
        "Behind an NVR: the camera's number on the NVR (D2 is 2, its dynChannelID), not the channelID 34."))
    name = serializers.CharField(max_length=200)
    longitude = serializers.FloatField(min_value=-180, max_value=180)
    latitude = serializers.FloatField(min_value=-90, max_value=90)
    installation_kind = serializers.ChoiceField(choices=InstallationKind.choices, default=InstallationKind.STREET)
    mahalla = serializers.PrimaryKeyRelatedField(
        queryset=Mahalla.objects.defer("boundary"), required=False, allow_null=True,
        help_text=_("Leave empty to find the mahalla from the location."))

    def validate(self, attrs):
        if ("longitude" in attrs) != ("latitude" in attrs):
            raise serializers.ValidationError({"location": [_("Give both longitude and latitude.")]})
        if "longitude" in attrs:
            attrs["location"] = (attrs.pop("longitude"), attrs.pop("latitude"))
        return attrs


class CameraImportSerializer(serializers.Serializer):
    file = serializers.FileField(help_text="CSV, UTF-8, header: vendor,device_id,channel,name,longitude,latitude,"
                                           "installation_kind,mahalla_code (the last optional).")


class CameraImportRowErrorSerializer(serializers.Serializer):
    row = serializers.IntegerField()
    field = serializers.CharField()
    message = serializers.CharField()


class CameraImportResultSerializer(serializers.Serializer):
    imported = serializers.IntegerField()
    errors = CameraImportRowErrorSerializer(many=True)


# --- alerts --------------------------------------------------------------------------------------------

class AlertCameraSerializer(serializers.ModelSerializer):
    class Meta:
        model = Camera
        fields = ["id", "name", "installation_kind", "status"]


class AlertSerializer(serializers.ModelSerializer):
    """`event_type` and `label` are the codes as the camera sent them; the *_display fields say them in words in
    the request's language (surveillance.labels)."""

    camera = AlertCameraSerializer(read_only=True, allow_null=True)
    event_type_display = serializers.SerializerMethodField()
    label_display = serializers.SerializerMethodField()
    title = serializers.SerializerMethodField()
    mahalla_name = serializers.SerializerMethodField()
    group_count = serializers.IntegerField(source="group.count", default=None, read_only=True)
    pictures = serializers.SerializerMethodField()
    longitude = serializers.SerializerMethodField()
    latitude = serializers.SerializerMethodField()

    class Meta:
        model = Alert
        fields = ["id", "status", "route_reason", "is_urgent", "event_type", "event_type_display", "label",
                  "label_display", "title", "confidence", "started_at",
                  "ended_at", "zones", "camera", "longitude", "latitude", "device_id", "channel", "device_ip",
                  "device_name", "mahalla", "mahalla_name", "district", "group", "group_count", "pictures",
                  "incident"]

    @extend_schema_field(OpenApiTypes.STR)
    def get_mahalla_name(self, obj):
        return obj.mahalla.name if obj.mahalla_id else ""

    @extend_schema_field(OpenApiTypes.STR)
    def get_event_type_display(self, obj):
        return labels.event_type_label(obj.event_type)

    @extend_schema_field(OpenApiTypes.STR)
    def get_label_display(self, obj):
        """The object seen in words; empty when there is none or it only repeats the event type."""
        return labels.object_label(obj.label, obj.event_type)

    @extend_schema_field(OpenApiTypes.STR)
    def get_title(self, obj):
        return labels.alert_title(obj.event_type, obj.label)

    @extend_schema_field(OpenApiTypes.DOUBLE)
    def get_longitude(self, obj):
        return obj.camera.location.x if obj.camera_id and obj.camera.location else None

    @extend_schema_field(OpenApiTypes.DOUBLE)
    def get_latitude(self, obj):
        return obj.camera.location.y if obj.camera_id and obj.camera.location else None

    @extend_schema_field({"type": "array", "items": {"type": "object", "properties": {
        "id": {"type": "integer"}, "url": {"type": "string"}, "is_biometric": {"type": "boolean"}}}})
    def get_pictures(self, obj):
        return [{"id": p.pk, "is_biometric": p.is_biometric,
                 "url": reverse("api:surveillance:alert-picture", args=[obj.pk, p.pk])}
                for p in obj.pictures.all()]


class AlertDetailSerializer(AlertSerializer):
    """One alert in full. `plate` (ANPR) is personal data: only here, never in lists, and every answer that
    carries one is audited (services.plates)."""

    reviewed_by_name = serializers.SerializerMethodField()

    class Meta(AlertSerializer.Meta):
        fields = [*AlertSerializer.Meta.fields, "source_channel", "plate", "reviewed_by", "reviewed_by_name",
                  "reviewed_at", "dismiss_code", "dismiss_reason", "review_note", "created_at", "processed_at"]

    @extend_schema_field(OpenApiTypes.STR)
    def get_reviewed_by_name(self, obj):
        user = obj.reviewed_by
        return (user.get_full_name() or user.get_username()) if user is not None else ""


class AlertConfirmSerializer(serializers.Serializer):
    incident = serializers.IntegerField(required=False, min_value=1, max_value=MAX_ID,
                                        help_text=_("Link this existing incident instead of creating one."))
    category = serializers.SlugField(required=False, help_text=_("Incident category code for the new incident."))
    legal_kind = serializers.ChoiceField(choices=IncidentLegalKind.choices, required=False)
    note = serializers.CharField(required=False, allow_blank=True, max_length=2000)


class AlertDismissSerializer(serializers.Serializer):
    dismiss_code = serializers.ChoiceField(choices=Alert.DismissReason.choices, required=False,
                                   help_text=_("Why: a reason code. Without one the reason text is required and the "
                                               "code is “other”."))
    reason = serializers.CharField(max_length=2000, required=False, allow_blank=True,
                                   help_text=_("Free text; required with the code “other”."))


class AlertEscalateSerializer(serializers.Serializer):
    note = serializers.CharField(required=False, allow_blank=True, max_length=2000)


class RateSerializer(serializers.Serializer):
    dismissed = serializers.IntegerField()
    reviewed = serializers.IntegerField()
    rate = serializers.FloatField(help_text="dismissed / reviewed")


class CameraRateSerializer(RateSerializer):
    camera = serializers.IntegerField(allow_null=True)
    camera_name = serializers.CharField()


class EventTypeRateSerializer(RateSerializer):
    event_type = serializers.CharField()


class DismissReasonCountSerializer(serializers.Serializer):
    code = serializers.CharField(help_text="Alert.dismiss_code")
    label = serializers.CharField()
    dismissed = serializers.IntegerField()
    share = serializers.FloatField(help_text="of all dismissed alerts")


class FalsePositiveRatesSerializer(serializers.Serializer):
    by_camera = CameraRateSerializer(many=True)
    by_event_type = EventTypeRateSerializer(many=True)
    by_reason = DismissReasonCountSerializer(many=True)


class UnmatchedDeviceSerializer(serializers.Serializer):
    vendor = serializers.CharField()
    device_id = serializers.CharField()
    channel = serializers.IntegerField(help_text="The number to register: an NVR's D number (dynChannelID) when "
                                                 "it sends one, else the device's channelID.")
    source_channel = serializers.IntegerField(allow_null=True, help_text="The device's own channelID when it "
                                                                         "differs (an NVR's 34 for its D2).")
    district_id = serializers.IntegerField(allow_null=True)
    device_ip = serializers.CharField()
    device_name = serializers.CharField()
    alerts = serializers.IntegerField()
    last_seen_at = serializers.DateTimeField()


# --- pulled devices ----------------------------------------------------------------------------------------


class PullDeviceSerializer(serializers.ModelSerializer):
    """A pulled device as anyone who may see it reads it: never its password, not even encrypted."""

    integration_name = serializers.CharField(source="integration.name", read_only=True)

    class Meta:
        model = PullDevice
        fields = ["id", "integration", "integration_name", "vendor", "name", "device_id", "scheme", "host", "port",
                  "username", "enabled", "state", "state_changed_at", "state_checked_at", "last_event_at",
                  "last_error"]
        read_only_fields = fields


# The vendors a pull driver exists for; named in the schema as PullVendorEnum (settings.SPECTACULAR_SETTINGS).
PULL_VENDOR_CHOICES = [(v.value, v.label) for v in (Vendor.HIKVISION, Vendor.DAHUA, Vendor.ONVIF)]


class PullDeviceWriteSerializer(serializers.Serializer):
    integration = serializers.PrimaryKeyRelatedField(
        queryset=Integration.objects.active(), help_text=_("An integration of your district."))
    vendor = serializers.ChoiceField(choices=PULL_VENDOR_CHOICES)
    name = serializers.CharField(max_length=200)
    device_id = serializers.CharField(
        max_length=64, help_text=_("What its cameras are registered under: the MAC address or serial number."))
    scheme = serializers.ChoiceField(choices=["http", "https"], default="http")
    host = serializers.CharField(max_length=255, help_text=_("IP address or host name, without http://."))
    port = serializers.IntegerField(min_value=1, max_value=65535, required=False, allow_null=True)
    username = serializers.CharField(max_length=100)
    password = serializers.CharField(
        max_length=200, write_only=True, required=False, allow_blank=True, style={"input_type": "password"},
        help_text=_("Required when registering; leave out to keep the stored one. Never shown again."))
    enabled = serializers.BooleanField(default=True)
