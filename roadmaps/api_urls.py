from django.urls import path

from . import api

app_name = "roadmaps"

urlpatterns = [
    path("roadmaps/", api.RoadmapListCreateApi.as_view(), name="roadmap-list"),
    path("roadmaps/progress/", api.RollupApi.as_view(), name="rollup"),
    path("roadmaps/<int:pk>/", api.RoadmapDetailApi.as_view(), name="roadmap-detail"),
    path("roadmaps/<int:pk>/items/", api.RoadmapItemListCreateApi.as_view(), name="item-list"),
    path("roadmaps/<int:pk>/export.xlsx", api.RoadmapExportApi.as_view(), name="roadmap-export"),
    path("roadmaps/<int:pk>/<str:action>/", api.RoadmapActionApi.as_view(), name="roadmap-action"),
    path("roadmaps/items/<int:pk>/", api.RoadmapItemDetailApi.as_view(), name="item-detail"),
    path("roadmaps/items/<int:pk>/kpis/", api.KpiCreateApi.as_view(), name="kpi-create"),
    path("roadmaps/kpis/<int:pk>/updates/", api.KpiUpdateCreateApi.as_view(), name="kpi-update"),
]
