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
    level = serializers.ChoiceField(choices=["mahalla", "district", "region"], required=False, default="mahalla",
                                    help_text="mahalla: each mahalla's zone colour; district or region: the band "
                                              "of the share of its visible mahallas that are green.")
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
                   responses={200: OpenApiResponse(
                       description='{"period": key, "label": text, "level": level, "colours": {id: colour or band '
                                   'or null}, "shares": {id: {"green": n, "rated": n}} (district and region '
                                   'levels)}')})
    def get(self, request):
        query = ColourQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        params = query.validated_data
        period = params.get("period") or period_default().status_period()
        level = params["level"]
        answer = {"period": period.key, "label": period.label, "level": level}
        if level == "mahalla":
            answer["colours"] = maps.mahalla_colours(request.user, period.key, region_id=params.get("region"),
                                                     district_id=params.get("district"))
        else:
            areas = maps.area_colours(request.user, period.key, level=level, region_id=params.get("region"))
            answer["colours"] = {pk: area["band"] for pk, area in areas.items()}
            answer["shares"] = {pk: {"green": area["green"], "rated": area["rated"]} for pk, area in areas.items()}
        return Response(answer)
