"""The API of pulled devices (/api/v1/surveillance/pull-devices/): a district's operators and officials register,
change and disable the devices the pull process fetches events from; everyone above sees them. The password is
write-only: no answer ever contains it."""

from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, status
from rest_framework.exceptions import NotFound, PermissionDenied
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response

from accounts.capabilities import can
from core.api import ServiceApi

from . import selectors
from .serializers import PullDeviceSerializer, PullDeviceWriteSerializer
from .services import pull_devices


class PullDeviceListCreateApi(mixins.ListModelMixin, ServiceApi):
    serializer_class = PullDeviceSerializer
    permission_classes = [IsAuthenticated]

    def get_queryset(self):
        return selectors.pull_device_list(user=self.request.user).order_by("name", "id")

    def get(self, request):
        return self.list(request)

    @extend_schema(request=PullDeviceWriteSerializer, responses={201: PullDeviceSerializer})
    def post(self, request):
        if not can(request.user, "surveillance.manage_pull_devices"):
            raise PermissionDenied(_("Only the district's operators and officials register devices."))
        data = self.valid(PullDeviceWriteSerializer)
        device = pull_devices.pull_device_create(by=request.user, password=data.pop("password", ""), **data)
        return Response(PullDeviceSerializer(device).data, status=status.HTTP_201_CREATED)


class PullDeviceDetailApi(ServiceApi):
    serializer_class = PullDeviceSerializer

    def device(self, pk: int, *, write: bool = False):
        device = selectors.pull_device_list(user=self.request.user).filter(pk=pk).first()
        if device is None:
            raise NotFound()
        if write and not can(self.request.user, "surveillance.edit_pull_device", device):
            raise PermissionDenied(_("You may not change devices of this district."))
        return device

    def get(self, request, pk: int):
        return Response(PullDeviceSerializer(self.device(pk)).data)

    @extend_schema(request=PullDeviceWriteSerializer, responses=PullDeviceSerializer)
    def patch(self, request, pk: int):
        device = self.device(pk, write=True)
        changes = self.valid(PullDeviceWriteSerializer, partial=True)
        device = pull_devices.pull_device_update(by=request.user, device=device, **changes)
        return Response(PullDeviceSerializer(device).data)
