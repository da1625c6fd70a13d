"""Pages of the review queue and the camera registry ("surveillance" namespace)."""

from django.urls import path

from . import views

app_name = "surveillance"

urlpatterns = [
    path("alerts/", views.alert_queue, name="alerts"),
    path("alerts/unknown-cameras/", views.alert_unmatched, name="unmatched"),
    path("alerts/false-positives/", views.false_positives, name="false-positives"),
    path("alerts/<int:pk>/", views.alert_detail, name="alert"),
    path("alerts/<int:pk>/confirm/", views.alert_confirm, name="alert-confirm"),
    path("alerts/<int:pk>/dismiss/", views.alert_dismiss, name="alert-dismiss"),
    path("alerts/<int:pk>/escalate/", views.alert_escalate, name="alert-escalate"),
    path("alerts/panel/<str:level>/<int:pk>/", views.territory_panel, name="territory-panel"),
    path("cameras/", views.camera_list, name="cameras"),
    path("cameras/new/", views.camera_create, name="camera-create"),
    path("cameras/import/", views.camera_import, name="camera-import"),
    path("cameras/import/example.csv", views.camera_import_example, name="camera-import-example"),
    path("cameras/<int:pk>/", views.camera_detail, name="camera"),
    path("cameras/<int:pk>/edit/", views.camera_edit, name="camera-edit"),
]
