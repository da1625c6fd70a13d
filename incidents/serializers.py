"""API shapes. Read serializers describe rows; write serializers only parse and type-check input, the rules
live in `services`. Times are ISO 8601 with the Asia/Tashkent offset (DRF renders in the current zone)."""

from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from accounts.bounds import column_bounds
from accounts.capabilities import can
from accounts.models import FIELD_ROLES, Assignment, Role
from mahallas.models import Mahalla

from .models import (
    FieldVisit,
    Incident,
    IncidentCategory,
    IncidentChangeRequest,
    IncidentTransition,
    SupportCase,
    SupportCaseReview,
)
from .services.incidents import direct_transitions, is_counted

User = get_user_model()


def _full_name(user) -> str:
    return (user.get_full_name() or user.get_username()) if user is not None else ""


class LocationFieldsMixin(serializers.Serializer):
    """Location as two numbers, as a phone's geolocation gives it; both or neither."""

    longitude = serializers.FloatField(min_value=-180, max_value=180, required=False, allow_null=True)
    latitude = serializers.FloatField(min_value=-90, max_value=90, required=False, allow_null=True)

    def validate(self, attrs):
        attrs = super().validate(attrs)
        if "longitude" in attrs or "latitude" in attrs:
            lon, lat = attrs.pop("longitude", None), attrs.pop("latitude", None)
            if (lon is None) != (lat is None):
                raise serializers.ValidationError({"location": [_("Give both longitude and latitude, or "
                                                                  "neither.")]})
            attrs["location"] = None if lon is None else (lon, lat)
        return attrs


def _lon(obj):
    return obj.location.x if obj.location is not None else None


def _lat(obj):
    return obj.location.y if obj.location is not None else None


def MahallaRef(**kwargs):  # noqa: N802 - reads like the field class it returns
    return serializers.PrimaryKeyRelatedField(queryset=Mahalla.objects.defer("boundary"), **kwargs)


# --- categories --------------------------------------------------------------------------------------

class IncidentCategorySerializer(serializers.ModelSerializer):
    name = serializers.CharField(read_only=True)
    parent_code = serializers.CharField(source="parent.code", default=None, read_only=True)

    class Meta:
        model = IncidentCategory
        fields = ["id", "code", "parent", "parent_code", "name", "name_uz", "name_ru", "name_en", "is_cyber",
                  "is_drug", "is_fraud"]


# --- incidents ---------------------------------------------------------------------------------------

class IncidentSerializer(serializers.ModelSerializer):
    mahalla_name = serializers.CharField(source="mahalla.name", read_only=True)
    category_code = serializers.CharField(source="category.code", read_only=True)
    category_name = serializers.CharField(source="category.name", read_only=True)
    created_by_name = serializers.SerializerMethodField()
    longitude = serializers.SerializerMethodField()
    latitude = serializers.SerializerMethodField()

    class Meta:
        model = Incident
        fields = ["id", "mahalla", "mahalla_name", "occurred_at", "reported_at", "category", "category_code",
                  "category_name", "legal_kind", "source", "minor_involved", "youth_involved", "woman_victim",
                  "financial_loss", "description", "status", "registered_at", "outcome", "version",
                  "longitude", "latitude", "created_by", "created_by_name", "created_at", "updated_at"]

    def get_created_by_name(self, obj) -> str:
        return _full_name(obj.created_by)

    def get_longitude(self, obj) -> float | None:
        return _lon(obj)

    def get_latitude(self, obj) -> float | None:
        return _lat(obj)


class IncidentTransitionSerializer(serializers.ModelSerializer):
    by_name = serializers.SerializerMethodField()

    class Meta:
        model = IncidentTransition
        fields = ["from_status", "to_status", "by", "by_name", "at", "reason"]

    def get_by_name(self, obj) -> str:
        return _full_name(obj.by)


class ChangeRequestSerializer(serializers.ModelSerializer):
    requested_by_name = serializers.SerializerMethodField()
    decided_by_name = serializers.SerializerMethodField()

    class Meta:
        model = IncidentChangeRequest
        fields = ["id", "incident", "kind", "reason_code", "reason", "changes", "before", "incident_version",
                  "counted_mahalla", "counted_occurred_at", "status", "requested_by", "requested_by_name",
                  "requester_role", "requested_at", "decided_by", "decided_by_name", "decided_at",
                  "decision_comment"]

    def get_requested_by_name(self, obj) -> str:
        return _full_name(obj.requested_by)

    def get_decided_by_name(self, obj) -> str:
        return _full_name(obj.decided_by) if obj.decided_by_id else ""


class IncidentDetailSerializer(IncidentSerializer):
    transitions = IncidentTransitionSerializer(many=True, read_only=True)
    allowed_transitions = serializers.SerializerMethodField()
    counted = serializers.SerializerMethodField()
    pending_change_request = serializers.SerializerMethodField()

    class Meta(IncidentSerializer.Meta):
        fields = [*IncidentSerializer.Meta.fields, "counted", "transitions", "allowed_transitions",
                  "pending_change_request"]

    def get_allowed_transitions(self, obj) -> list[str]:
        """What the transition endpoint accepts now; leaving the count goes through a change request."""
        return direct_transitions(obj)

    def get_counted(self, obj) -> bool:
        return is_counted(obj)

    @extend_schema_field(ChangeRequestSerializer(allow_null=True))
    def get_pending_change_request(self, obj):
        pending = obj.change_requests.filter(status=IncidentChangeRequest.Status.PENDING).select_related(
            "requested_by").first()
        return ChangeRequestSerializer(pending).data if pending else None


class IncidentWriteSerializer(LocationFieldsMixin, serializers.Serializer):
    mahalla = MahallaRef()
    category = serializers.PrimaryKeyRelatedField(queryset=IncidentCategory.objects.all())
    occurred_at = serializers.DateTimeField()
    reported_at = serializers.DateTimeField(required=False)
    legal_kind = serializers.ChoiceField(choices=Incident.LegalKind.choices, required=False)
    source = serializers.ChoiceField(choices=Incident.Source.choices, required=False)
    minor_involved = serializers.BooleanField(required=False)
    youth_involved = serializers.BooleanField(required=False)
    woman_victim = serializers.BooleanField(required=False)
    financial_loss = serializers.DecimalField(max_digits=16, decimal_places=2, min_value=0, required=False,
                                              allow_null=True)
    description = serializers.CharField(required=False, allow_blank=True, max_length=20000)

    def validate_source(self, value: str) -> str:
        # "Camera alert" takes an alert behind it (incidents.report_from_camera, asked here without one): an
        # incident typed in never claims it; one made from an alert keeps it (the API view passes its source).
        request = self.context.get("request")
        if (value == Incident.Source.CAMERA_ALERT and value != self.context.get("current_source")
                and not can(getattr(request, "user", None), "incidents.report_from_camera")):
            raise serializers.ValidationError(_("Only a confirmed camera alert becomes an incident from a "
                                                "camera."))
        return value


class IncidentEditSerializer(IncidentWriteSerializer):
    reason = serializers.CharField(required=False, allow_blank=True, max_length=2000,
                                   help_text="Required when a change takes a registered crime out of a count: "
                                             "that part is filed as a change request.")


class IncidentTransitionWriteSerializer(serializers.Serializer):
    to_status = serializers.ChoiceField(choices=Incident.Status.choices)
    reason = serializers.CharField(required=False, allow_blank=True, max_length=4000)
    outcome = serializers.ChoiceField(choices=Incident.Outcome.choices, required=False,
                                      help_text="Required when a registered crime's case is closed.")


class ChangeRequestWriteSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=IncidentChangeRequest.Kind.choices)
    reason_code = serializers.ChoiceField(choices=IncidentChangeRequest.Reason.choices, required=False)
    reason = serializers.CharField(max_length=2000)
    mahalla = MahallaRef(required=False)
    category = serializers.PrimaryKeyRelatedField(queryset=IncidentCategory.objects.all(), required=False)
    occurred_at = serializers.DateTimeField(required=False)
    legal_kind = serializers.ChoiceField(choices=Incident.LegalKind.choices, required=False)

    def service_kwargs(self) -> dict:
        data = dict(self.validated_data)
        changes = {f: data.pop(f) for f in ("mahalla", "category", "occurred_at", "legal_kind") if f in data}
        return {**data, "changes": changes or None}


class ChangeRequestDecisionSerializer(serializers.Serializer):
    approve = serializers.BooleanField()
    comment = serializers.CharField(required=False, allow_blank=True, max_length=2000)


# --- field visits ------------------------------------------------------------------------------------

class FieldVisitSerializer(serializers.ModelSerializer):
    mahalla_name = serializers.CharField(source="mahalla.name", read_only=True)
    by_name = serializers.SerializerMethodField()
    longitude = serializers.SerializerMethodField()
    latitude = serializers.SerializerMethodField()

    class Meta:
        model = FieldVisit
        fields = ["id", "client_uuid", "mahalla", "mahalla_name", "by", "by_name", "kind", "visited_at",
                  "address_or_household", "people_reached", "topics", "notes", "outcome", "follow_up_on",
                  "longitude", "latitude", "accuracy_m", "created_at"]

    # Only field staff and supervisors see where and whom a visit was to, and what was said (rules.py).
    HOUSEHOLD_FIELDS = ("address_or_household", "notes", "outcome", "longitude", "latitude", "accuracy_m")

    def get_by_name(self, obj) -> str:
        return _full_name(obj.by)

    def get_longitude(self, obj) -> float | None:
        return _lon(obj)

    def get_latitude(self, obj) -> float | None:
        return _lat(obj)

    def to_representation(self, instance):
        data = super().to_representation(instance)
        if "show_household" not in self.context:
            request = self.context.get("request")
            self.context["show_household"] = bool(
                request is not None and can(request.user, "incidents.read_household_details"))
        if not self.context["show_household"]:
            for name in self.HOUSEHOLD_FIELDS:
                data[name] = None
        return data


class FieldVisitWriteSerializer(LocationFieldsMixin, serializers.Serializer):
    client_uuid = serializers.UUIDField()
    mahalla = MahallaRef()
    kind = serializers.ChoiceField(choices=FieldVisit.Kind.choices)
    visited_at = serializers.DateTimeField()
    address_or_household = serializers.CharField(required=False, allow_blank=True, max_length=255)
    people_reached = serializers.IntegerField(**column_bounds(FieldVisit, "people_reached"), required=False,
                                              default=0)
    topics = serializers.ListField(child=serializers.ChoiceField(choices=FieldVisit.Topic.choices),
                                   required=False, default=list)
    notes = serializers.CharField(required=False, allow_blank=True, max_length=20000)
    outcome = serializers.CharField(required=False, allow_blank=True, max_length=20000)
    follow_up_on = serializers.DateField(required=False, allow_null=True)
    accuracy_m = serializers.FloatField(min_value=0, required=False, allow_null=True)


# --- support cases -----------------------------------------------------------------------------------

class SupportCaseReviewSerializer(serializers.ModelSerializer):
    by_name = serializers.SerializerMethodField()

    class Meta:
        model = SupportCaseReview
        fields = ["id", "by", "by_name", "at", "note", "status", "next_review_on"]

    def get_by_name(self, obj) -> str:
        return _full_name(obj.by)


class SupportCaseSerializer(serializers.ModelSerializer):
    mahalla_name = serializers.CharField(source="mahalla.name", read_only=True)
    social_worker_name = serializers.SerializerMethodField()
    is_overdue = serializers.BooleanField(read_only=True)

    class Meta:
        model = SupportCase
        fields = ["id", "mahalla", "mahalla_name", "subject_name", "subject_age", "subject_address",
                  "category", "needs", "actions", "social_worker", "social_worker_name", "next_review_on",
                  "is_overdue", "last_reviewed_at", "status", "notes", "created_at", "updated_at",
                  "closed_at"]

    def get_social_worker_name(self, obj) -> str:
        return _full_name(obj.social_worker)


class SupportCaseDetailSerializer(SupportCaseSerializer):
    reviews = SupportCaseReviewSerializer(many=True, read_only=True)

    class Meta(SupportCaseSerializer.Meta):
        fields = [*SupportCaseSerializer.Meta.fields, "reviews"]


def SocialWorkerRef(**kwargs):  # noqa: N802
    return serializers.PrimaryKeyRelatedField(queryset=User.objects.filter(role=Role.SOCIAL_WORKER), **kwargs)


class SupportCaseWriteSerializer(serializers.Serializer):
    mahalla = MahallaRef()
    subject_name = serializers.CharField(max_length=200)
    subject_age = serializers.IntegerField(min_value=0, max_value=130, required=False, allow_null=True)
    subject_address = serializers.CharField(required=False, allow_blank=True, max_length=255)
    category = serializers.ChoiceField(choices=SupportCase.Category.choices)
    needs = serializers.CharField(required=False, allow_blank=True, max_length=20000)
    actions = serializers.ListField(child=serializers.ChoiceField(choices=SupportCase.Action.choices),
                                    required=False)
    social_worker = SocialWorkerRef(required=False)
    next_review_on = serializers.DateField()
    notes = serializers.CharField(required=False, allow_blank=True, max_length=20000)


class SupportCaseUpdateSerializer(SupportCaseWriteSerializer):
    mahalla = None
    status = serializers.ChoiceField(choices=SupportCase.Status.choices, required=False)


class SupportCaseReviewWriteSerializer(serializers.Serializer):
    note = serializers.CharField(required=False, allow_blank=True, max_length=20000)
    next_review_on = serializers.DateField(required=False, allow_null=True)
    status = serializers.ChoiceField(choices=SupportCase.Status.choices, required=False)


# --- assignments and coverage ------------------------------------------------------------------------

class AssignmentSerializer(serializers.ModelSerializer):
    user_name = serializers.SerializerMethodField()
    mahalla_name = serializers.CharField(source="mahalla.name", read_only=True)

    class Meta:
        model = Assignment
        fields = ["id", "user", "user_name", "mahalla", "mahalla_name", "role", "is_primary", "starts_on",
                  "ends_on", "created_at"]

    def get_user_name(self, obj) -> str:
        return _full_name(obj.user)


def FieldStaffRef(**kwargs):  # noqa: N802
    return serializers.PrimaryKeyRelatedField(
        queryset=User.objects.filter(role__in=[r.value for r in FIELD_ROLES]), **kwargs)


class AssignmentWriteSerializer(serializers.Serializer):
    user = FieldStaffRef()
    mahalla = MahallaRef()
    role = serializers.ChoiceField(choices=[(r.value, r.label) for r in FIELD_ROLES])
    starts_on = serializers.DateField()
    ends_on = serializers.DateField(required=False, allow_null=True)
    is_primary = serializers.BooleanField(required=False, default=True)


class AssignmentEndSerializer(serializers.Serializer):
    ends_on = serializers.DateField(required=False, allow_null=True)


class CoverageSerializer(serializers.ModelSerializer):
    name = serializers.CharField(read_only=True)
    district_name = serializers.CharField(source="district.name", read_only=True)
    has_inspector = serializers.BooleanField(read_only=True)
    has_social_worker = serializers.BooleanField(read_only=True)
    visits_30d = serializers.IntegerField(read_only=True)

    class Meta:
        model = Mahalla
        fields = ["id", "code", "name", "district", "district_name", "has_inspector", "has_social_worker",
                  "visits_30d"]
