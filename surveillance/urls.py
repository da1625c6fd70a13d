"""Pages of the review queue and the camera registry ("surveillance" namespace)."""

from django.urls import path

from .views import alerts, cameras, health, pull_devices, queue, rates, territory

app_name = "surveillance"

urlpatterns = [
    path("alerts/", queue.alert_queue, name="alerts"),
    path("alerts/unknown-cameras/", queue.alert_unmatched, name="unmatched"),
    path("alerts/false-positives/", rates.false_positives, name="false-positives"),
    path("alerts/<int:pk>/", alerts.alert_detail, name="alert"),
    path("alerts/<int:pk>/confirm/", alerts.alert_confirm, name="alert-confirm"),
    path("alerts/<int:pk>/dismiss/", alerts.alert_dismiss, name="alert-dismiss"),
    path("alerts/<int:pk>/escalate/", alerts.alert_escalate, name="alert-escalate"),
    path("alerts/panel/<str:level>/<int:pk>/", territory.territory_panel, name="territory-panel"),
    path("cameras/", cameras.camera_list, name="cameras"),
    path("cameras/health/", health.camera_health, name="camera-health"),
    path("cameras/new/", cameras.camera_create, name="camera-create"),
    path("cameras/import/", cameras.camera_import, name="camera-import"),
    path("cameras/import/example.csv", cameras.camera_import_example, name="camera-import-example"),
    path("cameras/<int:pk>/", cameras.camera_detail, name="camera"),
    path("cameras/<int:pk>/edit/", cameras.camera_edit, name="camera-edit"),
    path("cameras/pulled/", pull_devices.pull_device_list, name="pull-devices"),
    path("cameras/pulled/new/", pull_devices.pull_device_create, name="pull-device-create"),
    path("cameras/pulled/<int:pk>/edit/", pull_devices.pull_device_edit, name="pull-device-edit"),
]
