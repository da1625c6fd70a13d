"""The monthly report as a PDF file: the same figures as the page, scoped like the page, audited, and made
without any request leaving the server."""

import io
import os
from pathlib import Path

import pytest
from pypdf import PdfReader

from audit.models import AuditEvent
from dashboards.pdf import BASE_URL, StaticOnlyFetcher

PERIOD = "period=Q2-2025"


def pdf_text(content: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)


def test_report_pdf_as_district_official_has_the_district_figures_and_is_audited(client, personas, territory,
                                                                                  seeded):
    client.force_login(personas.district_official)
    page = client.get(f"/dashboards/report/?district={territory.district_a1.pk}&{PERIOD}")
    assert "format=pdf" in page.content.decode()

    response = client.get(f"/dashboards/report/?district={territory.district_a1.pk}&{PERIOD}&format=pdf")

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == f'attachment; filename="report-{territory.district_a1.code}-Q2-2025.pdf"'
    text = pdf_text(response.content)
    if dump := os.environ.get("REPORT_PDF_DUMP"):  # to look at the file: pdftoppm -png $REPORT_PDF_DUMP page
        Path(dump).write_bytes(response.content)
    assert territory.district_a1.name in text
    assert territory.mahalla_a1a.name in text  # the unit table lists the district's mahallas
    assert territory.district_b1.name not in text
    assert "Download PDF" not in text and "Back to the dashboard" not in text  # buttons stay off paper
    assert AuditEvent.objects.filter(action="export", object_type="dashboards.report",
                                     details__format="pdf").count() == 1


def test_report_pdf_as_outsider_returns_404(client, personas, territory, seeded):
    client.force_login(personas.outsider)
    response = client.get(f"/dashboards/report/?district={territory.district_a1.pk}&{PERIOD}&format=pdf")
    assert response.status_code == 404
    assert not AuditEvent.objects.filter(object_type="dashboards.report").exists()


def test_report_with_unknown_format_returns_400(client, personas, seeded):
    client.force_login(personas.national)
    response = client.get(f"/dashboards/report/?{PERIOD}&format=docx")
    assert response.status_code == 400
    assert b"format" in response.content


def test_report_pdf_with_bad_period_returns_400_page_not_a_file(client, personas, seeded):
    client.force_login(personas.national)
    response = client.get("/dashboards/report/?period=Q9-2025&format=pdf")
    assert response.status_code == 400
    assert response["Content-Type"].startswith("text/html")


def test_pdf_fetcher_serves_only_the_apps_static_files():
    fetcher = StaticOnlyFetcher()
    css = fetcher.fetch(f"{BASE_URL}static/css/app.css")
    assert b".dash-tile" in css.read()
    css.close()
    for url in ("file:///etc/passwd", f"{BASE_URL}static/../../etc/passwd", f"{BASE_URL}media/x.jpg",
                "http://127.0.0.1:8000/static/css/app.css", f"{BASE_URL}static/css/nothing-here.css"):
        with pytest.raises(ValueError):
            fetcher.fetch(url)
