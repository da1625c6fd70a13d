"""Included under /api/v1/ (namespace "api:zones")."""

from django.urls import path

from . import api

app_name = "zones"
urlpatterns = [
    path("zones/statuses/", api.StatusListApi.as_view(), name="status-list"),
    path("zones/mahallas/<int:pk>/", api.MahallaStatusApi.as_view(), name="mahalla-status"),
    path("zones/colour-counts/", api.ColourCountsApi.as_view(), name="colour-counts"),
    path("zones/crime-free/", api.CrimeFreeApi.as_view(), name="crime-free"),
    path("zones/changes/", api.ColourChangeListApi.as_view(), name="change-list"),
    path("zones/policy/", api.PolicyApi.as_view(), name="policy"),
    path("zones/policy/versions/", api.PolicyVersionListApi.as_view(), name="policy-versions"),
]
