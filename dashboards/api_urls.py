"""Dashboard API routes, included under /api/v1/ in the "api" namespace."""

from django.urls import path

from . import api, camera_api, colour_api, count_api

urlpatterns = [
    path("dashboards/tiles/", api.DashboardTilesApi.as_view(), name="dashboards-tiles"),
    path("dashboards/table/", api.DashboardTableApi.as_view(), name="dashboards-table"),
    path("dashboards/trend/", api.DashboardTrendApi.as_view(), name="dashboards-trend"),
    path("dashboards/categories/", api.DashboardCategoriesApi.as_view(), name="dashboards-categories"),
    path("dashboards/ranking/", api.DashboardRankingApi.as_view(), name="dashboards-ranking"),
    path("dashboards/map/", api.DashboardMapApi.as_view(), name="dashboards-map"),
    path("dashboards/camera-coverage/", camera_api.CameraCoverageApi.as_view(), name="dashboards-camera-coverage"),
    path("dashboards/colours/", colour_api.MahallaColoursApi.as_view(), name="dashboards-colours"),
    path("dashboards/count-changes/", count_api.CountChangesApi.as_view(), name="dashboards-count-changes"),
    path("dashboards/publications/", count_api.PublicationListApi.as_view(), name="dashboards-publications"),
    path("dashboards/publications/compare/", count_api.PublicationCompareApi.as_view(),
         name="dashboards-publication-compare"),
]
