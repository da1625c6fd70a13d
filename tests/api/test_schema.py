"""OpenAPI schema and the docs page."""

import io

import pytest
from django.core.management import call_command
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_schema_generates_and_validates_without_warnings():
    out = io.StringIO()
    call_command("spectacular", "--validate", "--fail-on-warn", stdout=out)
    schema = out.getvalue()
    for path in ("/api/v1/regions/{id}/", "/api/v1/mahallas/{id}/", "/api/v1/geo/mahallas/", "/api/v1/me/",
                 "/api/v1/auth/token/"):
        assert path in schema


def test_docs_page_loads_its_assets_locally(client_for, settings):
    # Tests run without collectstatic; the manifest storage would refuse every {% static %}.
    settings.STORAGES = {**settings.STORAGES,
                         "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}
    client = client_for("district_official")

    page = client.get(reverse("api:docs"))
    script = client.get(reverse("api:docs"), {"script": ""})

    assert page.status_code == 200
    html = page.content.decode()
    assert "/static/drf_spectacular_sidecar/swagger-ui-dist/" in html
    for cdn in ("cdn.jsdelivr", "unpkg.com", "cdnjs"):
        assert cdn not in html
    assert script.status_code == 200
    assert reverse("api:schema") in script.content.decode()


def test_schema_needs_sign_in(client_for, territory):
    assert client_for("anonymous").get(reverse("api:schema")).status_code in (401, 403)
