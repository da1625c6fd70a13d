"""Account API routes, included under /api/v1/ in the "api" namespace (e.g. "api:me")."""

from django.urls import path

from . import api

urlpatterns = [
    path("me/", api.MeApi.as_view(), name="me"),
    path("auth/token/", api.AuthTokenCreateApi.as_view(), name="auth-token"),
    path("auth/tokens/", api.TokenListApi.as_view(), name="auth-tokens"),
    path("auth/tokens/<str:prefix>/", api.TokenRevokeApi.as_view(), name="auth-token-revoke"),
    path("mahallas/<int:pk>/", api.MahallaDetailApi.as_view(), name="mahalla-detail"),
]
