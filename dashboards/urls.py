from django.urls import path

from . import camera_views, count_views, public_views, views

app_name = "dashboards"
urlpatterns = [
    path("dashboards/", views.dashboard_home, name="home"),
    path("dashboards/regions/<int:pk>/", views.dashboard_region, name="region"),
    path("dashboards/districts/<int:pk>/", views.dashboard_district, name="district"),
    path("dashboards/districts/<int:pk>/cameras/", camera_views.district_cameras, name="district-cameras"),
    path("dashboards/export/", views.dashboard_export, name="export"),
    path("dashboards/report/", views.dashboard_report, name="report"),
    path("dashboards/count-changes/", count_views.count_changes, name="count-changes"),
    path("dashboards/count-changes/export/", count_views.count_changes_export, name="count-changes-export"),
    path("dashboards/published/", count_views.publications, name="publications"),
    path("dashboards/published/compare/", count_views.publication_compare, name="publication-compare"),
    path("open/", public_views.public_page, name="public"),
    path("open/map/", public_views.public_map, name="public-map"),
]
