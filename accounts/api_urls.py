"""Account API routes, included under /api/v1/ in the "api" namespace (e.g. "api:me")."""

from django.urls import path

from . import api

urlpatterns = [
    path("me/", api.MeApi.as_view(), name="me"),
    path("auth/token/", api.AuthTokenCreateApi.as_view(), name="auth-token"),
    path("mahallas/<int:pk>/", api.MahallaDetailApi.as_view(), name="mahalla-detail"),
]
