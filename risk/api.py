"""Risk API: scores with components and words, hot spots (list and GeoJSON layer), the backtest, the caller's
visit plan, and the one-click roadmap measure. Every read is of the caller's territory (`mahallas.scope`): a
mahalla outside it answers 404 exactly like one that does not exist."""

from __future__ import annotations

from django.http import HttpResponse
from django.shortcuts import get_object_or_404
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.exceptions import NotFound, PermissionDenied
from rest_framework.response import Response

from accounts.capabilities import can
from accounts.models import FIELD_ROLES, Role
from core.api import PagePagination, ServiceApi
from mahallas.models import Mahalla
from mahallas.scope import scope_of
from mahallas.selectors import simplify_tolerance

from . import measures, queries, visits
from .serializers import (
    BacktestQuerySerializer,
    BacktestSerializer,
    GeoHotSpotsQuerySerializer,
    HotSpotSerializer,
    HotSpotsQuerySerializer,
    MeasureSerializer,
    RankedScoreSerializer,
    RiskScoreSerializer,
    ScoresQuerySerializer,
    VisitPlanSerializer,
)

GEOJSON_MEDIA_TYPE = "application/geo+json"
HISTORY_WEEKS = 52


class RiskPagination(PagePagination):
    max_page_size = 500  # a district's mahallas on one page


def _may_read(user) -> None:
    if not (can(user, "risk.view_ranking") or can(user, "risk.view_visit_plan")):
        raise PermissionDenied("Risk scores are for prevention staff.")


class RiskApi(ServiceApi):
    pagination_class = RiskPagination

    def query(self, serializer_class) -> dict:
        serializer = serializer_class(data=self.request.query_params)
        serializer.is_valid(raise_exception=True)
        return serializer.validated_data


class ScoreListApi(RiskApi):
    """The week's scores of the mahallas you may see, in the order of the ranking in force (the model's, or the
    count baseline's where the backtest says the model does not beat it)."""

    serializer_class = RankedScoreSerializer

    @extend_schema(parameters=[ScoresQuerySerializer])
    def get(self, request):
        _may_read(request.user)
        q = self.query(ScoresQuerySerializer)
        week = q.get("week") or queries.latest_week()
        by = queries.ranked_by(queries.backtest_for(week))
        qs = queries.ordered(queries.scores_for(request.user, week, region_id=q.get("region"),
                                                district_id=q.get("district")), by)
        page = self.paginate_queryset(qs)
        start = (self.paginator.page.start_index() if getattr(self.paginator, "page", None) else 1) or 1
        hot = queries.hot_spot_kinds(request.user, queries.hot_spot_week(week),
                                     mahalla_ids=[s.mahalla_id for s in page])
        for i, score in enumerate(page):
            score.position, score.ranked_by = start + i, by
        serializer = self.get_serializer(page, many=True, context={**self.get_serializer_context(), "hot": hot})
        return self.get_paginated_response(serializer.data)


class MahallaScoresApi(RiskApi):
    """One mahalla's scores, newest week first (up to a year)."""

    serializer_class = RiskScoreSerializer
    pagination_class = None

    def get(self, request, pk: int):
        _may_read(request.user)
        mahalla = get_object_or_404(Mahalla.objects.visible_to(request.user).only("id"), pk=pk)
        scores = list(scope_of(request.user).apply(
            mahalla.risk_scores.select_related("mahalla").defer("mahalla__boundary"), "mahalla"
        ).order_by("-week")[:HISTORY_WEEKS])
        hot = {}
        if scores:
            hot = queries.hot_spot_kinds(request.user, queries.hot_spot_week(scores[0].week), mahalla_ids=[pk])
        data = self.get_serializer(scores, many=True, context={**self.get_serializer_context(), "hot": hot}).data
        return Response({"mahalla": mahalla.pk, "scores": data})


class HotSpotListApi(RiskApi):
    """Hot and cold spots (local Gi*, permutation p-values, false discovery rate) of a week, in your territory."""

    serializer_class = HotSpotSerializer

    @extend_schema(parameters=[HotSpotsQuerySerializer])
    def get(self, request):
        _may_read(request.user)
        q = self.query(HotSpotsQuerySerializer)
        week = queries.hot_spot_week(q.get("week") or queries.latest_week())
        qs = queries.hot_spots_for(request.user, week, group=q["group"], significant_only=q["significant"])
        return self.get_paginated_response(self.get_serializer(self.paginate_queryset(qs), many=True).data)


class HotSpotGeoApi(RiskApi):
    """The hot-spot map layer: significant hot and cold spots of a week as a GeoJSON FeatureCollection."""

    pagination_class = None

    @extend_schema(parameters=[GeoHotSpotsQuerySerializer], responses={(200, GEOJSON_MEDIA_TYPE): OpenApiResponse(
        description="GeoJSON FeatureCollection; properties: id, name, kind (hot/cold), z, p, url.")})
    def get(self, request):
        _may_read(request.user)
        q = self.query(GeoHotSpotsQuerySerializer)
        week = queries.hot_spot_week(q.get("week") or queries.latest_week())
        zoom = q.get("zoom")
        body = queries.hot_spots_geojson(request.user, week, group=q["group"], region_id=q.get("region"),
                                         district_id=q.get("district"),
                                         **({"tolerance": simplify_tolerance(zoom)} if zoom is not None else {}))
        return HttpResponse(body, content_type=GEOJSON_MEDIA_TYPE)


class BacktestApi(RiskApi):
    """The backtest in force for a week's ranking: hit rates and predictive accuracy index of the model and its
    baselines, their spread, and whether the model beats the count baseline."""

    serializer_class = BacktestSerializer
    pagination_class = None

    @extend_schema(parameters=[BacktestQuerySerializer])
    def get(self, request):
        _may_read(request.user)
        q = self.query(BacktestQuerySerializer)
        backtest = queries.backtest_for(q.get("week") or queries.latest_week())
        if backtest is None:
            raise NotFound("No backtest has been computed yet.")
        backtest.ranking_used = queries.ranked_by(backtest)
        backtest.methods = [
            {"key": row.key, "label": row.label,
             "hit_rate_percent": {t: {"mean": m, "spread": s} for t, (m, s) in zip(queries.TOPS, row.hit,
                                                                                    strict=True)},
             "pai": {t: {"mean": m, "spread": s} for t, (m, s) in zip(queries.TOPS, row.pai, strict=True)}}
            for row in queries.backtest_table(backtest)]
        difference = queries.backtest_difference(backtest)
        backtest.difference = None if difference is None else {
            "top": difference.top, "mean": difference.mean, "low": difference.low, "high": difference.high,
            "weeks": difference.weeks}
        return Response(self.get_serializer(backtest).data)


class VisitPlanApi(RiskApi):
    """Your plan for this week: your mahallas (inspector, social worker) or your district (district official)."""

    serializer_class = VisitPlanSerializer
    pagination_class = None

    def get(self, request):
        if not can(request.user, "risk.view_visit_plan"):
            raise PermissionDenied("Visit plans are for inspectors, social workers and district officials.")
        if request.user.role in FIELD_ROLES:
            plan = visits.field_plan(request.user)
            data = {"kind": "field", "start": plan.start, "end": plan.end, "week": plan.week,
                    "ranked_by": plan.ranked_by, "items": plan.items}
        elif request.user.role == Role.DISTRICT and (plan := visits.district_plan(request.user)) is not None:
            data = {"kind": "district", "start": plan.start, "end": plan.end, "week": plan.week,
                    "ranked_by": plan.ranked_by, "rows": plan.rows}
        else:
            raise NotFound
        return Response(self.get_serializer(data).data)


class MeasureApi(RiskApi):
    """Add the prevention measure for a high-risk mahalla of your district to its roadmap (district officials)."""

    serializer_class = MeasureSerializer
    pagination_class = None

    @extend_schema(request=None, responses={201: MeasureSerializer})
    def post(self, request, pk: int):
        mahalla = get_object_or_404(Mahalla.objects.visible_to(request.user).defer("boundary")
                                    .select_related("district"), pk=pk)
        if not can(request.user, "risk.add_measure", mahalla):
            raise PermissionDenied("Only the district official who writes this mahalla's roadmap may add it.")
        # A refusal (not high risk, roadmap approved, already added) is a DomainError: 400 naming the field.
        item = measures.measure_add(by=request.user, mahalla=mahalla)
        return Response(self.get_serializer(item).data, status=status.HTTP_201_CREATED)
