"""Included under /api/v1/ (namespace "api:risk")."""

from django.urls import path

from . import api

app_name = "risk"
urlpatterns = [
    path("risk/scores/", api.ScoreListApi.as_view(), name="score-list"),
    path("risk/mahallas/<int:pk>/scores/", api.MahallaScoresApi.as_view(), name="mahalla-scores"),
    path("risk/mahallas/<int:pk>/measure/", api.MeasureApi.as_view(), name="measure"),
    path("risk/hotspots/", api.HotSpotListApi.as_view(), name="hotspot-list"),
    path("risk/hotspots/geojson/", api.HotSpotGeoApi.as_view(), name="hotspot-geojson"),
    path("risk/backtest/", api.BacktestApi.as_view(), name="backtest"),
    path("risk/visit-plan/", api.VisitPlanApi.as_view(), name="visit-plan"),
]
