"""The roadmaps API. Every lookup starts from `visible_to(user)` (out of scope = 404); writes check the same
capabilities (accounts.capabilities.can) as the HTML views (403 when visible but not allowed) and call the same services
(RoadmapError -> 400 naming the field, through core.api_errors)."""

from __future__ import annotations

from django.http import HttpResponse
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.exceptions import NotFound, PermissionDenied, ValidationError
from rest_framework.response import Response

from accounts.capabilities import can
from audit.models import AuditEvent
from audit.services import audit_record
from core.api import ServiceApi
from core.dates import today

from . import excel, selectors, services
from .models import Kpi, Roadmap, RoadmapItem, RoadmapStatus
from .serializers import (
    ApproveSerializer,
    ItemWriteSerializer,
    KpiSerializer,
    KpiUpdateSerializer,
    KpiWriteSerializer,
    ReturnSerializer,
    RoadmapCreateSerializer,
    RoadmapDetailSerializer,
    RoadmapItemSerializer,
    RoadmapSerializer,
    rollup_data,
)
from .years import clean_year


class RoadmapApi(ServiceApi):
    filter_backends: list = []

    def roadmap(self, pk: int) -> Roadmap:
        return get_object_or_404(Roadmap.objects.visible_to(self.request.user).for_list(), pk=pk)

    def item(self, pk: int) -> RoadmapItem:
        return get_object_or_404(RoadmapItem.objects.visible_to(self.request.user).select_related(
            "roadmap", "roadmap__mahalla", "roadmap__district"), pk=pk)

    @staticmethod
    def require(allowed: bool) -> None:
        if not allowed:
            raise PermissionDenied(_("You may not do this with this roadmap."))

    def detail_response(self, roadmap: Roadmap, code=status.HTTP_200_OK) -> Response:
        items = list(selectors.roadmap_items(roadmap))
        progress = selectors.roadmap_progress_of(roadmap)
        data = RoadmapDetailSerializer(roadmap, context={"items": items, "progress": progress}).data
        return Response(data, status=code)


class RoadmapListCreateApi(RoadmapApi):
    serializer_class = RoadmapSerializer

    def get_queryset(self):
        params = self.request.query_params
        year = params.get("year", "")
        return selectors.roadmaps_for(self.request.user, year=clean_year(year) if year else None,
                                      status=params.get("status", "") if params.get("status") in
                                      RoadmapStatus.values else "",
                                      level=params.get("level", ""), text=params.get("q", "")[:100])

    @extend_schema(operation_id="roadmaps_list")
    def get(self, request):
        page = self.paginate_queryset(self.get_queryset())
        return self.get_paginated_response(RoadmapSerializer(page, many=True).data)

    @extend_schema(request=RoadmapCreateSerializer, responses=RoadmapDetailSerializer, operation_id="roadmaps_create")
    def post(self, request):
        data = self.valid(RoadmapCreateSerializer)
        models = selectors.TERRITORY_MODELS
        field = next(k for k in models if data.get(k))
        territory = models[field].objects.visible_to(request.user).filter(pk=data[field]).first()
        if territory is None:
            raise ValidationError({field: [_("No such territory among those you may see.")]})
        self.require(can(request.user, "roadmaps.write_territory", territory))
        roadmap = services.roadmap_create(by=request.user, territory=territory, year=data["year"],
                                          title=data.get("title", ""))
        return self.detail_response(self.roadmap(roadmap.pk), status.HTTP_201_CREATED)


class RoadmapDetailApi(RoadmapApi):
    serializer_class = RoadmapDetailSerializer

    @extend_schema(operation_id="roadmaps_detail")
    def get(self, request, pk: int):
        return self.detail_response(self.roadmap(pk))


class RoadmapActionApi(RoadmapApi):
    """POST /roadmaps/<id>/<action>/ with action one of submit, approve, return, revise."""

    serializer_class = RoadmapDetailSerializer

    @extend_schema(request=ReturnSerializer, responses=RoadmapDetailSerializer, operation_id="roadmaps_action")
    def post(self, request, pk: int, action: str):
        roadmap = self.roadmap(pk)
        user = request.user
        if action == "submit":
            self.require(can(user, "roadmaps.submit_roadmap", roadmap))
            result = services.roadmap_submit(by=user, roadmap=roadmap)
        elif action == "approve":
            self.require(can(user, "roadmaps.approve_roadmap", roadmap))
            data = self.valid(ApproveSerializer)
            result = services.roadmap_approve(by=user, roadmap=roadmap, comment=data.get("comment", ""))
        elif action == "return":
            self.require(can(user, "roadmaps.approve_roadmap", roadmap))
            data = self.valid(ReturnSerializer)
            result = services.roadmap_return(by=user, roadmap=roadmap, comment=data["comment"])
        elif action == "revise":
            self.require(can(user, "roadmaps.revise_roadmap", roadmap))
            result = services.roadmap_revise(by=user, roadmap=roadmap)
            return self.detail_response(self.roadmap(result.pk), status.HTTP_201_CREATED)
        else:
            raise NotFound()
        return self.detail_response(self.roadmap(result.pk))


class RoadmapItemListCreateApi(RoadmapApi):
    serializer_class = RoadmapItemSerializer

    @extend_schema(operation_id="roadmaps_items_list")
    def get(self, request, pk: int):
        roadmap = self.roadmap(pk)
        page = self.paginate_queryset(selectors.roadmap_items(roadmap))
        return self.get_paginated_response(RoadmapItemSerializer(page, many=True).data)

    @extend_schema(request=ItemWriteSerializer, responses=RoadmapItemSerializer)
    def post(self, request, pk: int):
        roadmap = self.roadmap(pk)
        self.require(can(request.user, "roadmaps.edit_roadmap", roadmap))
        item = services.item_create(by=request.user, roadmap=roadmap, **self.valid(ItemWriteSerializer))
        item = selectors.roadmap_items(roadmap).get(pk=item.pk)
        return Response(RoadmapItemSerializer(item).data, status=status.HTTP_201_CREATED)


class RoadmapItemDetailApi(RoadmapApi):
    serializer_class = RoadmapItemSerializer

    @extend_schema(operation_id="roadmaps_item_detail")
    def get(self, request, pk: int):
        item = self.item(pk)
        return Response(RoadmapItemSerializer(selectors.roadmap_items(item.roadmap).get(pk=pk)).data)

    @extend_schema(request=ItemWriteSerializer, responses=RoadmapItemSerializer)
    def patch(self, request, pk: int):
        item = self.item(pk)
        roadmap = item.roadmap
        self.require(can(request.user, "roadmaps.edit_roadmap", roadmap)
                     or can(request.user, "roadmaps.report_progress", roadmap))
        services.item_update(by=request.user, item=item, **self.valid(ItemWriteSerializer, partial=True))
        return Response(RoadmapItemSerializer(selectors.roadmap_items(roadmap).get(pk=pk)).data)

    def delete(self, request, pk: int):
        item = self.item(pk)
        self.require(can(request.user, "roadmaps.edit_roadmap", item.roadmap))
        services.item_delete(by=request.user, item=item)
        return Response(status=status.HTTP_204_NO_CONTENT)


class KpiCreateApi(RoadmapApi):
    serializer_class = KpiSerializer

    @extend_schema(request=KpiWriteSerializer, responses=KpiSerializer)
    def post(self, request, pk: int):
        item = self.item(pk)
        self.require(can(request.user, "roadmaps.edit_roadmap", item.roadmap))
        kpi = services.kpi_create(by=request.user, item=item, **self.valid(KpiWriteSerializer))
        return Response(KpiSerializer(kpi).data, status=status.HTTP_201_CREATED)


class KpiUpdateCreateApi(RoadmapApi):
    serializer_class = KpiUpdateSerializer

    def post(self, request, pk: int):
        kpi = get_object_or_404(Kpi.objects.visible_to(request.user).select_related(
            "item__roadmap", "item__roadmap__mahalla", "item__roadmap__district"), pk=pk)
        self.require(can(request.user, "roadmaps.report_progress", kpi.item.roadmap))
        data = self.valid(KpiUpdateSerializer)
        update = services.kpi_record(by=request.user, kpi=kpi, **data)
        return Response(KpiUpdateSerializer(update).data, status=status.HTTP_201_CREATED)


class RoadmapExportApi(RoadmapApi):
    @extend_schema(responses={(200, excel.XLSX_TYPE): OpenApiTypes.BINARY})
    def get(self, request, pk: int):
        roadmap = self.roadmap(pk)
        items = list(selectors.roadmap_items(roadmap))
        progress = selectors.roadmap_progress_of(roadmap)
        audit_record(action=AuditEvent.Action.EXPORT, request=request, obj=roadmap, details={"format": "xlsx"})
        response = HttpResponse(excel.roadmap_xlsx(roadmap, items, progress), content_type=excel.XLSX_TYPE)
        response["Content-Disposition"] = (f'attachment; filename="roadmap-{roadmap.year}-'
                                           f'{roadmap.territory.code}-r{roadmap.revision}.xlsx"')
        return response


class RollupApi(RoadmapApi):
    @extend_schema(responses=OpenApiTypes.OBJECT)
    def get(self, request):
        level = request.query_params.get("level", "")
        pk = request.query_params.get("id", "")
        models = selectors.TERRITORY_MODELS
        territory = None
        if level in models:
            if not (pk.isascii() and pk.isdigit() and len(pk) <= 18):
                raise ValidationError({"id": [_("Enter the territory's id.")]})
            territory = get_object_or_404(models[level].objects.visible_to(request.user).defer("boundary"),
                                          pk=int(pk))
        year = request.query_params.get("year", "")
        year = clean_year(year) if year else today().year
        data = selectors.territory_rollup(request.user, territory, year=year)
        return Response(rollup_data(data, level=level, territory=territory))
