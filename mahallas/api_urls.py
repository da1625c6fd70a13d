"""Territory API routes, included under /api/v1/ in the "api" namespace (e.g. "api:region-list").

`mahallas/<id>/` is routed by accounts.api_urls: its answer includes the assigned people.
"""

from django.urls import path

from . import api

urlpatterns = [
    path("regions/", api.RegionListApi.as_view(), name="region-list"),
    path("regions/<int:pk>/", api.RegionDetailApi.as_view(), name="region-detail"),
    path("districts/", api.DistrictListApi.as_view(), name="district-list"),
    path("districts/<int:pk>/", api.DistrictDetailApi.as_view(), name="district-detail"),
    path("mahallas/", api.MahallaListApi.as_view(), name="mahalla-list"),
    path("geo/regions/", api.GeoRegionListApi.as_view(), name="geo-regions"),
    path("geo/districts/", api.GeoDistrictListApi.as_view(), name="geo-districts"),
    path("geo/mahallas/", api.GeoMahallaListApi.as_view(), name="geo-mahallas"),
]
