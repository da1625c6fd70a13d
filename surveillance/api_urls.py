"""Surveillance API routes, under /api/v1/ in the "api:surveillance" namespace."""

from django.urls import path

from . import api, api_health, api_pull

app_name = "surveillance"

urlpatterns = [
    path("surveillance/alerts/", api.AlertListIngestApi.as_view(), name="alert-list"),
    path("surveillance/alerts/false-positive-rates/", api.FalsePositiveRatesApi.as_view(),
         name="false-positive-rates"),
    path("surveillance/alerts/<int:pk>/", api.AlertDetailApi.as_view(), name="alert-detail"),
    path("surveillance/alerts/<int:pk>/confirm/", api.AlertConfirmApi.as_view(), name="alert-confirm"),
    path("surveillance/alerts/<int:pk>/dismiss/", api.AlertDismissApi.as_view(), name="alert-dismiss"),
    path("surveillance/alerts/<int:pk>/escalate/", api.AlertEscalateApi.as_view(), name="alert-escalate"),
    path("surveillance/alerts/<int:pk>/pictures/<int:picture_pk>/", api.AlertPictureApi.as_view(),
         name="alert-picture"),
    path("surveillance/hikvision/", api.HikvisionIngestApi.as_view(), name="ingest-hikvision"),
    path("surveillance/frigate/", api.FrigateIngestApi.as_view(), name="ingest-frigate"),
    path("surveillance/unmatched-devices/", api.UnmatchedDeviceListApi.as_view(), name="unmatched-devices"),
    path("surveillance/cameras/", api.CameraListCreateApi.as_view(), name="camera-list"),
    path("surveillance/cameras/import/", api.CameraImportApi.as_view(), name="camera-import"),
    path("surveillance/cameras/<int:pk>/", api.CameraDetailApi.as_view(), name="camera-detail"),
    path("surveillance/cameras/health/", api_health.CameraHealthListApi.as_view(), name="camera-health-list"),
    path("surveillance/cameras/<int:pk>/health/", api_health.CameraHealthDetailApi.as_view(),
         name="camera-health-detail"),
    path("surveillance/pull-devices/", api_pull.PullDeviceListCreateApi.as_view(), name="pull-device-list"),
    path("surveillance/pull-devices/<int:pk>/", api_pull.PullDeviceDetailApi.as_view(), name="pull-device-detail"),
]
