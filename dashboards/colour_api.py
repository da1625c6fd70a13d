"""Zone colours of the mahallas a user sees, for the territory maps (static/js/map.js) to fill their outlines.

Any signed-in user: the answer holds only mahallas of their own territory (`visible_to`), like the territory
pages that draw it.
"""

from __future__ import annotations

from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.bounds import MAX_ID
from core.periods import Period, PeriodError

from . import maps
from .periods import period_default


class ColourQuerySerializer(serializers.Serializer):
    region = serializers.IntegerField(required=False, min_value=1, max_value=MAX_ID)
    district = serializers.IntegerField(required=False, min_value=1, max_value=MAX_ID)
    period = serializers.CharField(required=False, max_length=40,
                                   help_text='A zone-status period ("Q3-2025", "H1-2025", "2025", "current"); '
                                             "default: the quarter so far.")

    def validate_period(self, value):
        try:
            return Period.parse(value)
        except PeriodError as exc:
            raise serializers.ValidationError("Not a valid period.") from exc


class MahallaColoursApi(APIView):
    @extend_schema(summary="Zone colour of each visible mahalla", parameters=[ColourQuerySerializer],
                   operation_id="dashboards_colours",
                   responses={200: OpenApiResponse(description='{"period": key, "colours": {id: colour or null}}')})
    def get(self, request):
        query = ColourQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        params = query.validated_data
        period = params.get("period") or period_default().status_period()
        colours = maps.mahalla_colours(request.user, period.key, region_id=params.get("region"),
                                       district_id=params.get("district"))
        return Response({"period": period.key, "label": period.label, "colours": colours})
