from django.contrib import admin
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from core.health import healthz
from territories.views import home

api_v1 = [
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    path("docs/", SpectacularSwaggerSplitView.as_view(url_name="api:schema"), name="docs"),
    path("", include("accounts.api_urls")),
    path("", include("mahallas.api_urls")),
    path("", include("incidents.api_urls")),
    path("", include("roadmaps.api_urls")),
    path("", include("surveillance.api_urls")),
    path("", include("zones.api_urls")),
    path("", include("risk.api_urls")),
    path("", include("dashboards.api_urls")),
]

urlpatterns = [
    path("admin/", admin.site.urls),
    path("i18n/", include("django.conf.urls.i18n")),
    path("healthz", healthz, name="healthz"),
    path("api/v1/", include((api_v1, "api"))),
    path("accounts/", include("accounts.urls")),
    path("audit/", include("audit.urls")),
    path("zones/", include("zones.urls")),
    path("risk/", include("risk.urls")),
    # The start page: what needs the user today (territories.home), by role.
    path("", home, name="home"),
    path("", include("roadmaps.urls")),
    path("", include("dashboards.urls")),
    path("", include("surveillance.urls")),
    path("", include("incidents.urls")),
    path("", include("territories.urls")),
]
