"""Territory API: regions, districts, mahallas and their map layers, all within the caller's scope.

A unit outside the caller's scope answers 404, exactly like an id that does not exist. The mahalla
detail (with its assigned people) lives in `accounts.api`, the layer that knows about people.
"""

import gzip
import re

from django import forms
from django.http import Http404, HttpResponse
from django.utils.cache import patch_vary_headers
from django_filters import rest_framework as filters
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import generics
from rest_framework.views import APIView

from core.api import PagePagination

from . import selectors
from .serializers import (
    MAX_ID,
    DistrictDetailSerializer,
    DistrictSerializer,
    GeoDistrictsQuerySerializer,
    GeoMahallasQuerySerializer,
    GeoRegionsQuerySerializer,
    MahallaSerializer,
    RegionDetailSerializer,
    RegionSerializer,
)


class TerritoryPagination(PagePagination):
    # Territory lists have always allowed larger pages than the other lists; API clients may rely on it.
    max_page_size = 500


class IdFilter(filters.NumberFilter):
    """An id: a whole positive number (NumberFilter alone would take 1.5 and numbers beyond bigint)."""

    field_class = forms.IntegerField

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("min_value", 1)
        kwargs.setdefault("max_value", MAX_ID)
        super().__init__(*args, **kwargs)


class DistrictFilter(filters.FilterSet):
    region = IdFilter(field_name="region_id", label="Region id")


class MahallaFilter(filters.FilterSet):
    region = IdFilter(field_name="district__region_id", label="Region id")
    district = IdFilter(field_name="district_id", label="District id")
    search = filters.CharFilter(method="filter_search", max_length=100,
                                label="Code prefix or part of a name in any language")

    def filter_search(self, queryset, name, value):
        return queryset.search(value)


class TerritoryDetailMixin:
    """Out of scope and missing look the same: both are None from the selector, both 404."""

    def get_object(self):
        obj = self.selector(user=self.request.user, **{self.id_kwarg: self.kwargs["pk"]})
        if obj is None:
            raise Http404
        return obj


class RegionListApi(generics.ListAPIView):
    serializer_class = RegionSerializer
    pagination_class = TerritoryPagination

    def get_queryset(self):
        return selectors.region_list(user=self.request.user)


class RegionDetailApi(TerritoryDetailMixin, generics.RetrieveAPIView):
    serializer_class = RegionDetailSerializer
    selector = staticmethod(selectors.region_get)
    id_kwarg = "region_id"


class DistrictListApi(generics.ListAPIView):
    serializer_class = DistrictSerializer
    pagination_class = TerritoryPagination
    filterset_class = DistrictFilter

    def get_queryset(self):
        return selectors.district_list(user=self.request.user)


class DistrictDetailApi(TerritoryDetailMixin, generics.RetrieveAPIView):
    serializer_class = DistrictDetailSerializer
    selector = staticmethod(selectors.district_get)
    id_kwarg = "district_id"


class MahallaListApi(generics.ListAPIView):
    serializer_class = MahallaSerializer
    pagination_class = TerritoryPagination
    filterset_class = MahallaFilter

    def get_queryset(self):
        return selectors.mahalla_list(user=self.request.user)


# --- GeoJSON map layers --------------------------------------------------------------------------

GEOJSON_MEDIA_TYPE = "application/geo+json"
ACCEPTS_GZIP = re.compile(r"\bgzip\b")
_id = {"type": "integer"}


def _feature_collection_schema(kind: dict, parents: dict) -> dict:
    return {
        "type": "object",
        "required": ["type", "features"],
        "properties": {
            "type": {"type": "string", "enum": ["FeatureCollection"]},
            "features": {"type": "array", "items": {
                "type": "object",
                "properties": {
                    "type": {"type": "string", "enum": ["Feature"]},
                    "id": _id,
                    "geometry": {"type": "object", "nullable": True,
                                 "description": "GeoJSON MultiPolygon, lon/lat (EPSG:4326), 5 decimals."},
                    "properties": {"type": "object", "properties": {
                        "id": _id,
                        "code": {"type": "string"},
                        "name": {"type": "string", "description": "In the active language."},
                        "kind": kind,
                        "url": {"type": "string", "nullable": True, "description": "Web page of the unit."},
                        **parents,
                    }},
                },
            }},
        },
    }


class GeoLayerApi(APIView):
    """Builds the layer in the database; the answer is cached per scope, filters, zoom and language."""

    layer = ""
    query_serializer_class = GeoRegionsQuerySerializer

    def get(self, request):
        query = self.query_serializer_class(data=request.query_params)
        query.is_valid(raise_exception=True)
        params = query.validated_data
        wanted = selectors.LayerFilters(
            zoom=params.get("zoom"), region_id=params.get("region"), district_id=params.get("district"),
            bbox=params.get("bbox"))
        data = selectors.territory_layer_geojson_gzip(user=request.user, layer=self.layer, filters=wanted)
        if ACCEPTS_GZIP.search(request.headers.get("Accept-Encoding", "")):
            response = HttpResponse(data, content_type=GEOJSON_MEDIA_TYPE)
            response["Content-Encoding"] = "gzip"
        else:
            response = HttpResponse(gzip.decompress(data), content_type=GEOJSON_MEDIA_TYPE)
        patch_vary_headers(response, ["Accept-Encoding"])
        return response


def _geo_schema(operation_id: str, summary: str, query, kind: dict, parents: dict):
    return extend_schema_view(get=extend_schema(
        summary=summary,
        operation_id=operation_id,
        parameters=[query],
        responses={(200, GEOJSON_MEDIA_TYPE): OpenApiResponse(
            response=_feature_collection_schema(kind, parents), description="GeoJSON FeatureCollection")},
    ))


@_geo_schema("geo_regions", "Regions map layer", GeoRegionsQuerySerializer,
             {"type": "string", "enum": ["region"]}, {})
class GeoRegionListApi(GeoLayerApi):
    layer = "regions"
    query_serializer_class = GeoRegionsQuerySerializer


@_geo_schema("geo_districts", "Districts map layer", GeoDistrictsQuerySerializer,
             {"type": "string", "enum": ["district", "city"]}, {"region": _id})
class GeoDistrictListApi(GeoLayerApi):
    layer = "districts"
    query_serializer_class = GeoDistrictsQuerySerializer


@_geo_schema("geo_mahallas", "Mahallas map layer", GeoMahallasQuerySerializer,
             {"type": "string", "enum": ["mahalla"]},
             {"district": _id, "region": _id, "population": _id})
class GeoMahallaListApi(GeoLayerApi):
    layer = "mahallas"
    query_serializer_class = GeoMahallasQuerySerializer
