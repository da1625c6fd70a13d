"""The change-request API: file a request to take a counted crime out of a count, list and read requests, decide
them (approve/reject), withdraw one's own. Rules live in incidents.change_requests and the capability registry."""

from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import status
from rest_framework.exceptions import PermissionDenied
from rest_framework.response import Response

from accounts.capabilities import can
from core.api import ServiceApi

from . import selectors
from .api import FieldWorkListApi
from .change_requests import change_request_create, change_request_decide, change_request_withdraw
from .models import IncidentChangeRequest
from .serializers import (
    ChangeRequestDecisionSerializer,
    ChangeRequestSerializer,
    ChangeRequestWriteSerializer,
)


class IncidentChangeRequestCreateApi(ServiceApi):
    serializer_class = ChangeRequestSerializer
    queryset = IncidentChangeRequest.objects.none()

    @extend_schema(request=ChangeRequestWriteSerializer, responses={201: ChangeRequestSerializer},
                   summary="Ask for a change that takes a registered crime out of a count (waits for approval)")
    def post(self, request, pk: int):
        incident = selectors.incident_get(user=request.user, pk=pk)
        serializer = ChangeRequestWriteSerializer(data=request.data, context={"request": request})
        serializer.is_valid(raise_exception=True)
        created = change_request_create(by=request.user, incident=incident, **serializer.service_kwargs())
        data = ChangeRequestSerializer(selectors.change_request_get(user=request.user, pk=created.pk)).data
        return Response(data, status=status.HTTP_201_CREATED)


class ChangeRequestListApi(FieldWorkListApi):
    serializer_class = ChangeRequestSerializer
    filter_backends: list = []

    def get_queryset(self):
        params = self.request.query_params
        qs = selectors.change_request_list(user=self.request.user, to_decide=params.get("to_decide") == "1",
                                           mine=params.get("mine") == "1")
        wanted = params.get("status")
        return qs.filter(status=wanted) if wanted in IncidentChangeRequest.Status.values else qs

    @extend_schema(parameters=[
        OpenApiParameter("to_decide", str, enum=["1"], description="Only requests waiting for my decision"),
        OpenApiParameter("mine", str, enum=["1"], description="Only requests I filed"),
        OpenApiParameter("status", str, enum=IncidentChangeRequest.Status.values),
    ])
    def get(self, request):
        return self.list(request)


class ChangeRequestDetailApi(ServiceApi):
    serializer_class = ChangeRequestSerializer
    queryset = IncidentChangeRequest.objects.none()

    def get(self, request, pk: int):
        return Response(ChangeRequestSerializer(selectors.change_request_get(user=request.user, pk=pk)).data)


class ChangeRequestDecisionApi(ServiceApi):
    serializer_class = ChangeRequestSerializer
    queryset = IncidentChangeRequest.objects.none()

    @extend_schema(request=ChangeRequestDecisionSerializer, responses=ChangeRequestSerializer,
                   summary="Approve or reject a pending change request (never one's own)")
    def post(self, request, pk: int):
        change = selectors.change_request_get(user=request.user, pk=pk)
        if change.status == IncidentChangeRequest.Status.PENDING and not can(
                request.user, "incidents.decide_change_request", change):
            raise PermissionDenied(_("This request goes to someone outside the chain whose figures it changes, "
                                     "never to its author."))
        data = self.valid(ChangeRequestDecisionSerializer)
        change_request_decide(by=request.user, request=change, **data)
        return Response(ChangeRequestSerializer(selectors.change_request_get(user=request.user, pk=pk)).data)


class ChangeRequestWithdrawApi(ServiceApi):
    serializer_class = ChangeRequestSerializer
    queryset = IncidentChangeRequest.objects.none()

    @extend_schema(request=None, responses=ChangeRequestSerializer, summary="Withdraw one's own pending request")
    def post(self, request, pk: int):
        change = selectors.change_request_get(user=request.user, pk=pk)
        change_request_withdraw(by=request.user, request=change)
        return Response(ChangeRequestSerializer(selectors.change_request_get(user=request.user, pk=pk)).data)
