"""Camera health over the API: a district's cameras with their problems (needing attention first), and one
camera's health. Reads only, scoped like the pages: a district or camera outside the user's territory is a 404."""

from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.exceptions import NotFound, PermissionDenied, ValidationError
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response

from accounts.capabilities import can
from core.api import ServiceApi

from . import health
from .models import Camera


class CameraHealthSerializer(serializers.Serializer):
    # An answer only: nothing here is ever written.
    id = serializers.IntegerField(read_only=True, source="camera.pk")
    name = serializers.CharField(read_only=True, source="camera.name")
    district = serializers.IntegerField(read_only=True, source="camera.district_id")
    mahalla = serializers.IntegerField(read_only=True, source="camera.mahalla_id", allow_null=True)
    status = serializers.CharField(read_only=True, source="camera.status")
    level = serializers.ChoiceField(read_only=True, choices=["down", "attention", "ok"],
                                    help_text="down: shows nothing; attention: shows something wrong; ok")
    problems = serializers.ListField(read_only=True, child=serializers.ChoiceField(choices=list(health.PROBLEMS)))
    problem_labels = serializers.ListField(read_only=True, child=serializers.CharField())
    last_seen_at = serializers.DateTimeField(read_only=True, source="camera.last_seen_at", allow_null=True)
    last_event_at = serializers.DateTimeField(read_only=True, source="camera.last_event_at", allow_null=True)
    last_heartbeat_at = serializers.DateTimeField(read_only=True, source="camera.last_heartbeat_at", allow_null=True)
    pulled = serializers.BooleanField(read_only=True, help_text="Its events are fetched by the pull process.")
    stream_up = serializers.BooleanField(read_only=True,
                                         help_text="Pulled, streaming, and confirmed within the last minute.")
    stream_state = serializers.CharField(read_only=True, source="camera.stream_state", allow_null=True)
    stream_checked_at = serializers.DateTimeField(read_only=True, source="camera.stream_checked_at", allow_null=True)
    events_24h = serializers.IntegerField(read_only=True)
    events_last_hour = serializers.IntegerField(read_only=True)
    rate_24h = serializers.FloatField(read_only=True, help_text="Events per hour over the last 24 hours.")
    usual_rate = serializers.FloatField(read_only=True, allow_null=True,
                                        help_text="Median events per day over the previous 14 "
                                        "days, per hour; null with under 3 days of history.")
    tamper_24h = serializers.IntegerField(read_only=True,
                                          help_text="Tamper and video-loss events in the last 24 hours.")
    last_tamper_at = serializers.DateTimeField(read_only=True, allow_null=True)


def _district(request) -> int | None:
    raw = request.query_params.get("district", "")
    if raw and not (raw.isascii() and raw.isdigit()):
        raise ValidationError({"district": [_("Expected a whole number.")]})
    districts = list(health.health_districts(user=request.user).values_list("pk", flat=True))
    if raw:
        if int(raw) not in districts:
            raise NotFound()
        return int(raw)
    if request.user.district_id in districts:
        return request.user.district_id
    if len(districts) == 1:
        return districts[0]
    raise ValidationError({"district": [_("Choose a district.")]})


def _may_view(request) -> None:
    if not can(request.user, "surveillance.view_camera_health"):
        raise PermissionDenied(_("Camera health is for the monitoring centre and the staff above it."))


class CameraHealthListApi(ServiceApi):
    serializer_class = CameraHealthSerializer
    queryset = Camera.objects.none()  # for the schema only: reads go through health.district_health
    permission_classes = [IsAuthenticated]

    @extend_schema(parameters=[
        OpenApiParameter("district", OpenApiTypes.INT, description="The district (default: the user's own)."),
        OpenApiParameter("show", OpenApiTypes.STR, enum=["attention", "all"],
                         description="Only cameras needing attention (the default), or all."),
        OpenApiParameter("problem", OpenApiTypes.STR, enum=list(health.PROBLEMS),
                         description="Only cameras with this problem."),
    ], responses=CameraHealthSerializer(many=True))
    def get(self, request):
        _may_view(request)
        show, problem = request.query_params.get("show", "attention"), request.query_params.get("problem", "")
        if show not in ("attention", "all"):
            raise ValidationError({"show": [_("Choose attention or all.")]})
        if problem and problem not in health.PROBLEMS:
            raise ValidationError({"problem": [_("Unknown problem.")]})
        rows = health.district_health(user=request.user, district_id=_district(request),
                                      attention_only=show == "attention")
        if problem:
            rows = [h for h in rows if problem in h.problems]
        page = self.paginate_queryset(rows)
        return self.get_paginated_response(CameraHealthSerializer(page, many=True).data)


class CameraHealthDetailApi(ServiceApi):
    serializer_class = CameraHealthSerializer
    queryset = Camera.objects.none()  # for the schema only: reads go through health.health_cameras
    permission_classes = [IsAuthenticated]

    def get(self, request, pk: int):
        _may_view(request)
        camera = health.health_cameras(user=request.user).filter(pk=pk).first()
        if camera is None:
            raise NotFound()
        return Response(CameraHealthSerializer(health.camera_health([camera])[0]).data)
