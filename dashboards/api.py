"""Dashboard data for programs and for the page's map: tiles, tables, trend, categories, ranking, map layer.

Every endpoint takes the same query: `region` or `district` (default: the user's own territory), `period`
("2025-07", "Q3-2025", "H1-2025", "2025", or "custom" with `from` and `to`). A unit outside the user's
territory answers 404, like one that does not exist.
"""

from __future__ import annotations

import gzip
import re

from django.http import HttpResponse
from django.utils.cache import patch_vary_headers
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.bounds import MAX_ID
from core.api import PagePagination
from core.periods import Period, PeriodError

from . import maps, selectors
from .periods import period_default, period_parse

ACCEPTS_GZIP = re.compile(r"\bgzip\b")


class DashboardQuerySerializer(serializers.Serializer):
    region = serializers.IntegerField(required=False, min_value=1, max_value=MAX_ID)
    district = serializers.IntegerField(required=False, min_value=1, max_value=MAX_ID)
    period = serializers.CharField(required=False, max_length=40,
                                   help_text='"2025-07", "Q3-2025", "H1-2025", "2025" or "custom".')
    to = serializers.DateField(required=False)

    def get_fields(self):
        fields = super().get_fields()
        # "from" is a Python keyword: declared here so the query parameter keeps its plain name.
        fields["from"] = serializers.DateField(required=False)
        return fields

    def validate(self, attrs):
        key = attrs.get("period", "")
        try:
            if key == "custom" or (not key and ("from" in attrs or "to" in attrs)):
                if "from" not in attrs or "to" not in attrs:
                    raise serializers.ValidationError({"to": "A custom period needs both 'from' and 'to'."})
                attrs["dash_period"] = Period.between(attrs["from"], attrs["to"])
            elif key:
                attrs["dash_period"] = period_parse(key)
            else:
                attrs["dash_period"] = period_default()
        except PeriodError as exc:
            field = "to" if key in ("", "custom") else "period"
            raise serializers.ValidationError({field: "Not a valid period."}) from exc
        return attrs


class MapQuerySerializer(DashboardQuerySerializer):
    zoom = serializers.IntegerField(required=False, min_value=0, max_value=18, default=6)


class _DashboardApi(APIView):
    query_serializer_class = DashboardQuerySerializer

    def parse(self, request):
        query = self.query_serializer_class(data=request.query_params)
        query.is_valid(raise_exception=True)
        params = query.validated_data
        if params.get("district"):
            scope = selectors.dashboard_scope(request.user, district_id=params["district"])
        elif params.get("region"):
            scope = selectors.dashboard_scope(request.user, region_id=params["region"])
        else:
            scope = selectors.home_scope(request.user)
        return scope, params["dash_period"], params

    def data(self, request):
        scope, period, params = self.parse(request)
        return scope, period, selectors.dashboard_data(request.user, scope, period)

    @staticmethod
    def head(scope, period) -> dict:
        previous = period.comparison()
        return {"level": scope.level, "territory": {"id": scope.territory.pk if scope.territory else None,
                                                    "name": scope.name},
                "period": {"key": period.key, "start": period.start, "end": period.last_day,
                           "effective_end": period.effective_end()},
                "previous": {"start": previous.start, "end": previous.end}}


_COMMON = {"parameters": [DashboardQuerySerializer]}


class DashboardTilesApi(_DashboardApi):
    @extend_schema(summary="Dashboard tiles with the change against the previous period", **_COMMON,
                   responses={200: OpenApiTypes.OBJECT})
    def get(self, request):
        scope, period, data = self.data(request)
        return Response({**self.head(scope, period), "tiles": [t.as_dict() for t in data.tiles]})


class TablePagination(PagePagination):
    # A dashboard table is read whole: its pages are large.
    page_size = 500
    max_page_size = 1000


class DashboardTableApi(_DashboardApi):
    @extend_schema(summary="Child units of the territory (regions, districts or mahallas) with their figures",
                   **_COMMON, responses={200: OpenApiTypes.OBJECT})
    def get(self, request):
        scope, period, data = self.data(request)
        paginator = TablePagination()
        page = paginator.paginate_queryset([r.as_dict() for r in data.rows], request, view=self)
        response = paginator.get_paginated_response(page)
        response.data.update({**self.head(scope, period), "unit_level": scope.child_level,
                              "total": data.total.as_dict()})
        return response


class DashboardTrendApi(_DashboardApi):
    @extend_schema(summary="Registered crimes per month by top-level category (12 months)", **_COMMON,
                   responses={200: OpenApiTypes.OBJECT})
    def get(self, request):
        scope, period, data = self.data(request)
        return Response({**self.head(scope, period), "months": [m.strftime("%Y-%m") for m in data.trend.months],
                         "series": data.trend.series, "totals": data.trend.totals})


class DashboardCategoriesApi(_DashboardApi):
    @extend_schema(summary="Registered crimes by top-level category in the period", **_COMMON,
                   responses={200: OpenApiTypes.OBJECT})
    def get(self, request):
        scope, period, data = self.data(request)
        return Response({**self.head(scope, period), "categories": data.categories})


class DashboardRankingApi(_DashboardApi):
    @extend_schema(summary="Districts (mahallas on a district dashboard) ranked by crimes per 1,000 residents",
                   **_COMMON, responses={200: OpenApiTypes.OBJECT})
    def get(self, request):
        scope, period, data = self.data(request)
        return Response({**self.head(scope, period), "ranking": [r.as_dict() for r in data.ranking]})


class DashboardMapApi(_DashboardApi):
    query_serializer_class = MapQuerySerializer

    @extend_schema(summary="Mahallas map layer: zone colour, registered crimes, rate and camera alerts",
                   parameters=[MapQuerySerializer],
                   responses={(200, "application/geo+json"): OpenApiResponse(description="GeoJSON FeatureCollection")})
    def get(self, request):
        scope, period, params = self.parse(request)
        data = maps.map_geojson_gzip(request.user, scope, period, zoom=params["zoom"])
        if ACCEPTS_GZIP.search(request.headers.get("Accept-Encoding", "")):
            response = HttpResponse(data, content_type="application/geo+json")
            response["Content-Encoding"] = "gzip"
        else:
            response = HttpResponse(gzip.decompress(data), content_type="application/geo+json")
        patch_vary_headers(response, ["Accept-Encoding"])
        return response
