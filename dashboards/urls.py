from django.urls import path

from . import views

app_name = "dashboards"
urlpatterns = [
    path("dashboards/", views.dashboard_home, name="home"),
    path("dashboards/regions/<int:pk>/", views.dashboard_region, name="region"),
    path("dashboards/districts/<int:pk>/", views.dashboard_district, name="district"),
    path("dashboards/export/", views.dashboard_export, name="export"),
    path("dashboards/report/", views.dashboard_report, name="report"),
    path("open/", views.public_page, name="public"),
    path("open/map/", views.public_map, name="public-map"),
]
