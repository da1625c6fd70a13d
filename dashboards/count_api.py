"""Count integrity for programs: the count-changes report, the published figures and "as published vs now".

The report takes the dashboards' query (`region` or `district`, default the user's own territory; `period`).
A territory outside the user's answers 404, like one that does not exist.
"""

from __future__ import annotations

from django.http import Http404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.exceptions import PermissionDenied
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.bounds import MAX_ID
from accounts.capabilities import can
from core.api import PagePagination

from .api import DashboardQuerySerializer
from .count_report import count_report, report_scope
from .publication import NOTE_MAX, figures_publish
from .publication_selectors import publication_comparison, publication_get, publication_list


def _scope(request, params):
    return report_scope(request.user, region_id=params.get("region"), district_id=params.get("district"))


class ChangesPagination(PagePagination):
    page_size = 200
    max_page_size = 1000


class CountChangesApi(APIView):
    @extend_schema(summary="Count changes: crimes that left the count, per-unit de-registrations and intake",
                   parameters=[DashboardQuerySerializer], responses={200: OpenApiTypes.OBJECT})
    def get(self, request):
        query = DashboardQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        scope = _scope(request, query.validated_data)
        period = query.validated_data["dash_period"]
        report = count_report(request.user, scope, period, changes_limit=None)
        paginator = ChangesPagination()
        page = paginator.paginate_queryset([c.as_dict() for c in report.changes], request, view=self)
        response = paginator.get_paginated_response(page)
        response.data.update({
            "level": scope.level, "territory": {"id": scope.territory.pk if scope.territory else None,
                                                "name": scope.name},
            "period": {"key": period.key, "start": period.start, "end": period.last_day},
            "unit_level": report.unit_level, "units": [r.as_dict() for r in report.rows],
            "total": report.total.as_dict(), "by_reason": report.by_reason, "pending_requests": report.pending,
            "decision_days": report.decision_days,
        })
        return response


class PublicationSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    period = serializers.CharField(max_length=10, help_text='"Q2-2025", "H1-2025" or "2025".')
    version = serializers.IntegerField(read_only=True)
    starts = serializers.DateTimeField(read_only=True)
    ends = serializers.DateTimeField(read_only=True)
    published_by = serializers.SerializerMethodField()
    published_at = serializers.DateTimeField(read_only=True)
    note = serializers.CharField(required=False, allow_blank=True, max_length=NOTE_MAX)

    def get_published_by(self, obj) -> str:
        return obj.published_by.get_full_name() or obj.published_by.username


class PublicationListApi(APIView):
    @extend_schema(summary="Published versions of the official figures, newest first",
                   responses={200: PublicationSerializer(many=True)})
    def get(self, request):
        if not can(request.user, "dashboards.view_count_report"):
            raise Http404
        paginator = PagePagination()
        page = paginator.paginate_queryset(publication_list(request.query_params.get("period")), request, view=self)
        return paginator.get_paginated_response(PublicationSerializer(page, many=True).data)

    @extend_schema(summary="Publish the official figures of a period (ministry only): a new version",
                   request=PublicationSerializer, responses={201: PublicationSerializer})
    def post(self, request):
        if not can(request.user, "dashboards.publish_figures"):
            raise PermissionDenied
        serializer = PublicationSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        publication = figures_publish(by=request.user, **serializer.validated_data)
        return Response(PublicationSerializer(publication).data, status=status.HTTP_201_CREATED)


class CompareQuerySerializer(serializers.Serializer):
    region = serializers.IntegerField(required=False, min_value=1, max_value=MAX_ID)
    district = serializers.IntegerField(required=False, min_value=1, max_value=MAX_ID)
    period = serializers.CharField(max_length=10, help_text='The published period: "H1-2025", "Q2-2025", "2025".')
    version = serializers.IntegerField(required=False, min_value=1, max_value=MAX_ID,
                                       help_text="Default: the latest version.")


class PublicationCompareApi(APIView):
    @extend_schema(summary="A period as published vs now, per unit, with the changes that explain the difference",
                   parameters=[CompareQuerySerializer], responses={200: OpenApiTypes.OBJECT})
    def get(self, request):
        query = CompareQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        params = query.validated_data
        scope = _scope(request, params)
        publication = publication_get(params["period"], params.get("version"))
        c = publication_comparison(request.user, scope, publication)
        return Response({
            "publication": PublicationSerializer(publication).data,
            "level": scope.level, "territory": {"id": scope.territory.pk if scope.territory else None,
                                                "name": scope.name},
            "unit_level": scope.child_level, "units": [r.as_dict() for r in c.rows],
            "published": c.total.published, "now": c.total.now, "difference": c.total.difference,
            "left": c.left, "registered_since": c.registered, "moved_in": c.moved_in,
            "unexplained": c.unexplained, "changes": [x.as_dict() for x in c.changes],
            "entered": [e.as_dict() for e in c.entered],
        })
