"""The camera coverage layer of a district (GeoJSON): its cameras coloured by health, with the red mahallas that
have no working camera and the cameras' uptime as members of the collection. The dashboards' access rule
applies: a district outside the user's territory, or a role without dashboards, is a 404."""

from __future__ import annotations

from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.bounds import MAX_ID

from .colour_api import ColourQuerySerializer
from .periods import period_default
from .selectors import dashboard_scope
from .selectors.cameras import UPTIME_DAYS, camera_coverage
from .selectors.tables import url_maker

GEOJSON = "application/geo+json"


class CoverageQuerySerializer(ColourQuerySerializer):
    region = None
    district = serializers.IntegerField(min_value=1, max_value=MAX_ID, help_text="District id.")


def coverage_geojson(coverage) -> dict:
    camera_url = url_maker("surveillance:camera")
    features = [{
        "type": "Feature", "id": h.camera.pk,
        "geometry": {"type": "Point", "coordinates": [round(h.camera.location.x, 6), round(h.camera.location.y, 6)]},
        "properties": {"id": h.camera.pk, "name": h.camera.name, "mahalla": h.camera.mahalla_id,
                       "level": h.level, "working": h.working, "problems": h.problems,
                       "problem_labels": h.problem_labels, "url": camera_url(h.camera.pk)},
    } for h in coverage.cameras if h.camera.location is not None]
    uptime = coverage.uptime
    return {
        "type": "FeatureCollection", "features": features, "period": coverage.period.key,
        "cameras": len(coverage.cameras), "working": coverage.working,
        "uptime": {"days": UPTIME_DAYS, "share": uptime.share if uptime else None,
                   "cameras": uptime.cameras if uptime else 0},
        "red_mahallas": coverage.red_mahallas,
        "red_without_working_camera": [{"id": m.id, "name": m.name, "url": m.url, "cameras": m.cameras}
                                       for m in coverage.uncovered],
    }


class CameraCoverageApi(APIView):
    @extend_schema(summary="A district's cameras coloured by health, and its red mahallas without a working camera",
                   parameters=[CoverageQuerySerializer], operation_id="dashboards_camera_coverage",
                   responses={(200, GEOJSON): OpenApiResponse(description=(
                       "GeoJSON FeatureCollection of camera points (properties: id, name, mahalla, level "
                       "down/attention/ok, working, problems, problem_labels, url) with the members period, "
                       "cameras, working, uptime {days, share, cameras}, red_mahallas and "
                       "red_without_working_camera [{id, name, url, cameras}]"))})
    def get(self, request):
        query = CoverageQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        params = query.validated_data
        scope = dashboard_scope(request.user, district_id=params["district"])  # DashboardNotFound: 404
        period = params.get("period") or period_default().status_period()
        return Response(coverage_geojson(camera_coverage(request.user, scope, period)), content_type=GEOJSON)

