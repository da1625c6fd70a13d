"""The surveillance API: ingest endpoints for integrations, the review queue and the camera registry.

Ingest views take the raw body (no DRF parser): it is validated by the vendor adapter and stored as received.
Every check that can refuse a request (token, IP allowlist, rate, content type, payload) runs before anything
is stored, and the answer comes only after the commit. Review views start every query from
`visible_to(user)`, so an alert outside the caller's scope answers 404 like a missing one.
"""

from django.http import FileResponse
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiExample, PolymorphicProxySerializer, extend_schema
from rest_framework import mixins, status
from rest_framework.exceptions import NotFound, PermissionDenied, UnsupportedMediaType
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.capabilities import can
from audit.services import audit_read
from core.api import KeysetPagination, ServiceApi

from . import selectors
from .authentication import (
    IntegrationIpAllowed,
    IntegrationRateThrottle,
    IntegrationTokenAuthentication,
    IsIntegration,
)
from .errors import IntegrationUnassigned
from .filters import AlertFilter, CameraFilter
from .models import Alert, Vendor
from .serializers import (
    AlertConfirmSerializer,
    AlertDetailSerializer,
    AlertDismissSerializer,
    AlertEscalateSerializer,
    AlertSerializer,
    CameraImportResultSerializer,
    CameraImportSerializer,
    CameraSerializer,
    CameraWriteSerializer,
    FalsePositiveRatesSerializer,
    FrigateEventSerializer,
    GenericAlertBatchSerializer,
    GenericAlertSerializer,
    IngestResultSerializer,
    UnmatchedDeviceSerializer,
)
from .services import cameras, ingest, plates, review
from .storage import private_storage
from .vendors import adapter, media_type


class AlertCursorPagination(KeysetPagination):
    ordering = ("-started_at", "-id")


# --- ingest --------------------------------------------------------------------------------------------

class IngestMixin:
    """Integration token, IP allowlist and per-token rate for POST."""

    vendor: str

    def ingest(self, request):
        accepted = adapter(self.vendor).CONTENT_TYPES
        if media_type(request.content_type) not in accepted:
            raise UnsupportedMediaType(media_type(request.content_type) or "-", detail=_(
                "Unsupported content type “%(type)s”: send %(accepted)s.") % {
                "type": media_type(request.content_type) or "-", "accepted": " or ".join(accepted)})
        # A PayloadError (a DomainError) is a 400 naming the part at fault (core.api_errors).
        try:
            result = ingest.raw_events_store(vendor=self.vendor, body=request.body,
                                             content_type=request.content_type, integration=request.auth)
        except IntegrationUnassigned as exc:
            raise PermissionDenied(exc.message) from None
        return Response({"accepted": result.accepted, "duplicates": result.duplicates,
                         "heartbeats": result.heartbeats}, status=status.HTTP_202_ACCEPTED)


class IngestApi(IngestMixin, ServiceApi):
    authentication_classes = [IntegrationTokenAuthentication]
    permission_classes = [IsIntegration, IntegrationIpAllowed]
    throttle_classes = [IntegrationRateThrottle]
    parser_classes: list = []
    filter_backends: list = []
    pagination_class = None

    def post(self, request):
        return self.ingest(request)


HIKVISION_EXAMPLE = """<?xml version="1.0" encoding="UTF-8"?>
<EventNotificationAlert version="2.0" xmlns="http://www.hikvision.com/ver20/XMLSchema">
<ipAddress>10.20.1.64</ipAddress><macAddress>44:19:b6:0a:1b:2c</macAddress><channelID>1</channelID>
<dateTime>2026-03-14T21:05:11+05:00</dateTime><activePostCount>1</activePostCount>
<eventType>linedetection</eventType><eventState>active</eventState>
</EventNotificationAlert>"""


class HikvisionIngestApi(IngestApi):
    """Hikvision ISAPI alarm push (EventNotificationAlert, ISAPI or PSIA namespace, cameras and NVRs), alone or
    with pictures as multipart/form-data. The device is named by its macAddress, else its serialNumber, else its
    ipAddress; an NVR's camera by dynChannelID (D1, D2, ...), its channelID kept beside it. Heartbeats (heartBeat,
    the idle videoloss) update the device's cameras and create no alert; a resend of the same body is stored
    once."""

    vendor = Vendor.HIKVISION

    @extend_schema(
        request={"application/xml": OpenApiTypes.STR, "multipart/form-data": OpenApiTypes.OBJECT},
        responses={202: IngestResultSerializer},
        examples=[OpenApiExample("linedetection", value=HIKVISION_EXAMPLE, media_type="application/xml",
                                 request_only=True)])
    def post(self, request):
        return self.ingest(request)


class FrigateIngestApi(IngestApi):
    """A Frigate event (the `frigate/events` MQTT message) relayed over HTTP. Messages of one event merge
    into one alert, in any order."""

    vendor = Vendor.FRIGATE

    @extend_schema(request=FrigateEventSerializer, responses={202: IngestResultSerializer})
    def post(self, request):
        return self.ingest(request)


# --- review queue --------------------------------------------------------------------------------------

class AlertListIngestApi(IngestMixin, mixins.ListModelMixin, ServiceApi):
    """GET: the review queue of the signed-in user (cursor-paginated, filterable).
    POST: an integration pushes one alert or a batch of up to 1,000 in our JSON format."""

    vendor = Vendor.GENERIC
    serializer_class = AlertSerializer
    filterset_class = AlertFilter
    pagination_class = AlertCursorPagination

    def _posting(self) -> bool:
        return getattr(self.request, "method", None) == "POST"

    def get_authenticators(self):
        return [IntegrationTokenAuthentication()] if self._posting() else super().get_authenticators()

    def get_permissions(self):
        return [IsIntegration(), IntegrationIpAllowed()] if self._posting() else super().get_permissions()

    def get_throttles(self):
        return [IntegrationRateThrottle()] if self._posting() else super().get_throttles()

    def get_parsers(self):
        return [] if self._posting() else super().get_parsers()

    def get_queryset(self):
        return selectors.alert_list(user=self.request.user)

    def get(self, request):
        return self.list(request)

    @extend_schema(
        request=PolymorphicProxySerializer(component_name="GenericAlertPayload", resource_type_field_name=None,
                                           serializers=[GenericAlertSerializer, GenericAlertBatchSerializer]),
        responses={202: IngestResultSerializer}, filters=False)
    def post(self, request):
        return self.ingest(request)


class AlertDetailApi(ServiceApi):
    serializer_class = AlertDetailSerializer

    def get(self, request, pk: int):
        alert = selectors.alert_get(user=request.user, alert_id=pk)
        if alert is None:
            raise NotFound()
        plates.alert_plate_read(by=request.user, alert=alert, via=plates.API)
        return Response(AlertDetailSerializer(alert).data)


class AlertActionApi(ServiceApi):
    serializer_class = AlertDetailSerializer
    input_serializer: type

    def alert(self, pk: int):
        alert = selectors.alert_get(user=self.request.user, alert_id=pk)
        if alert is None:
            raise NotFound()
        if not can(self.request.user, "surveillance.review_alert", alert):
            raise PermissionDenied(_("You may not review this alert."))
        return alert

    def done(self, alert):
        alert = selectors.alert_get(user=self.request.user, alert_id=alert.pk)
        plates.alert_plate_read(by=self.request.user, alert=alert, via=plates.API)
        return Response(AlertDetailSerializer(alert).data)


class AlertConfirmApi(AlertActionApi):
    """Confirm: create an incident (source: camera alert) or link an existing one."""

    @extend_schema(request=AlertConfirmSerializer, responses=AlertDetailSerializer)
    def post(self, request, pk: int):
        data = self.valid(AlertConfirmSerializer)
        alert = review.alert_confirm(by=request.user, alert=self.alert(pk), incident_id=data.get("incident"),
                                       category_code=data.get("category", ""),
                                       legal_kind=data.get("legal_kind", ""), note=data.get("note", ""))
        return self.done(alert)


class AlertDismissApi(AlertActionApi):
    """Dismiss as a false positive with a reason code (counted in the false-positive figures) and/or text."""

    @extend_schema(request=AlertDismissSerializer, responses=AlertDetailSerializer)
    def post(self, request, pk: int):
        data = self.valid(AlertDismissSerializer)
        return self.done(review.alert_dismiss(by=request.user, alert=self.alert(pk), code=data.get("dismiss_code", ""),
                                              reason=data.get("reason", "")))


class AlertEscalateApi(AlertActionApi):
    @extend_schema(request=AlertEscalateSerializer, responses=AlertDetailSerializer)
    def post(self, request, pk: int):
        data = self.valid(AlertEscalateSerializer)
        return self.done(review.alert_escalate(by=request.user, alert=self.alert(pk), note=data.get("note", "")))


class AlertPictureApi(APIView):
    """The picture, streamed only to someone who may see the alert; every view is audited."""

    @extend_schema(responses={(200, "image/jpeg"): OpenApiTypes.BINARY})
    def get(self, request, pk: int, picture_pk: int):
        found = selectors.alert_picture_get(user=request.user, alert_id=pk, picture_id=picture_pk)
        if found is None:
            raise NotFound()
        alert, picture = found
        try:
            handle = private_storage().open(picture.file.name, "rb")
        except FileNotFoundError:
            raise NotFound() from None
        audit_read(request, alert, details={"picture": picture.pk, "biometric": picture.is_biometric})
        response = FileResponse(handle, content_type=picture.content_type)
        response["Content-Disposition"] = f'inline; filename="alert-{alert.pk}-{picture.pk}"'
        return response


class FalsePositiveRatesApi(ServiceApi):
    """Share of reviewed alerts dismissed as false positives, per camera and per event type: which analytics
    to trust. Takes the alert list's filters."""

    filterset_class = AlertFilter
    pagination_class = None

    def get_queryset(self):
        return Alert.objects.visible_to(self.request.user)

    @extend_schema(responses=FalsePositiveRatesSerializer)
    def get(self, request):
        alerts = self.filter_queryset(self.get_queryset())
        return Response(selectors.false_positive_rates(user=request.user, alerts=alerts))


class UnmatchedDeviceListApi(mixins.ListModelMixin, ServiceApi):
    """Devices that sent alerts but are not registered as cameras."""

    serializer_class = UnmatchedDeviceSerializer
    filter_backends: list = []

    def get_queryset(self):
        return selectors.unmatched_devices(user=self.request.user)

    def get(self, request):
        return self.list(request)


# --- cameras -------------------------------------------------------------------------------------------

class CameraListCreateApi(mixins.ListModelMixin, ServiceApi):
    serializer_class = CameraSerializer
    filterset_class = CameraFilter
    permission_classes = [IsAuthenticated]

    def get_queryset(self):
        return selectors.camera_list(user=self.request.user).order_by("name", "id")

    def get(self, request):
        return self.list(request)

    @extend_schema(request=CameraWriteSerializer, responses={201: CameraSerializer})
    def post(self, request):
        if not can(request.user, "surveillance.manage_cameras"):
            raise PermissionDenied(_("Only the district's operators and officials register cameras."))
        camera = cameras.camera_create(by=request.user, **self.valid(CameraWriteSerializer))
        return Response(CameraSerializer(camera).data, status=status.HTTP_201_CREATED)


class CameraDetailApi(ServiceApi):
    serializer_class = CameraSerializer

    def camera(self, pk: int, *, write: bool = False):
        camera = selectors.camera_list(user=self.request.user).filter(pk=pk).first()
        if camera is None:
            raise NotFound()
        if write and not can(self.request.user, "surveillance.edit_camera", camera):
            raise PermissionDenied(_("You may not change cameras of this district."))
        return camera

    def get(self, request, pk: int):
        return Response(CameraSerializer(self.camera(pk)).data)

    @extend_schema(request=CameraWriteSerializer, responses=CameraSerializer)
    def patch(self, request, pk: int):
        camera = self.camera(pk, write=True)
        camera = cameras.camera_update(by=request.user, camera=camera,
                                        **self.valid(CameraWriteSerializer, partial=True))
        return Response(CameraSerializer(camera).data)

    @extend_schema(responses={204: None})
    def delete(self, request, pk: int):
        cameras.camera_delete(by=request.user, camera=self.camera(pk, write=True))
        return Response(status=status.HTTP_204_NO_CONTENT)


class CameraImportApi(ServiceApi):
    """Register cameras from a CSV file. Nothing is imported if any row is invalid; the answer lists every
    error by row and column."""

    serializer_class = CameraImportResultSerializer

    @extend_schema(request={"multipart/form-data": CameraImportSerializer},
                   responses={201: CameraImportResultSerializer, 400: CameraImportResultSerializer})
    def post(self, request):
        if not can(request.user, "surveillance.manage_cameras"):
            raise PermissionDenied(_("Only the district's operators and officials register cameras."))
        upload = self.valid(CameraImportSerializer)["file"]
        report = cameras.cameras_import_csv(by=request.user, data=upload.read())
        body = {"imported": report.imported, "errors": report.errors}
        if report.errors:
            return Response({"detail": _("Nothing was imported: %(n)d rows have errors.") % {
                "n": len({e["row"] for e in report.errors})}, **body}, status=status.HTTP_400_BAD_REQUEST)
        return Response(body, status=status.HTTP_201_CREATED)
