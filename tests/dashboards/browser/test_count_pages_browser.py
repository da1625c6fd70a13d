"""The count-changes report and the published-vs-now comparison in real Chromium, at phone and desktop size:
nothing wider than the screen, no CSP violation. Screenshots go to the temporary directory (shots-count/)
for a person to look at."""

import tempfile
from pathlib import Path

import pytest
from django_otp.plugins.otp_totp.models import TOTPDevice

from dashboards.publication import figures_publish
from incidents.change_requests import change_request_create, change_request_decide
from tests.browser_support import csp_violations
from tests.dashboards.conftest import _local_cache, _no_doorbell, count_data  # noqa: F401 - shared fixtures

from .test_dashboard_browser import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

SHOTS = Path(tempfile.gettempdir()) / "shots-count"
SIZES = {"desktop": (1366, 900), "phone": (390, 844)}


@pytest.fixture(autouse=True)
def _no_request_notifications(monkeypatch):
    # A transactional test runs on_commit callbacks: the change-request notifications link to pages this test
    # is not about.
    monkeypatch.setattr("incidents.change_requests._notify_approvers", lambda request_id: None)
    monkeypatch.setattr("incidents.change_requests._notify_requester", lambda request_id: None)


@pytest.mark.parametrize("size", list(SIZES))
def test_count_pages_fit_the_screen(live_server, page_factory, personas, territory, count_data, size):  # noqa: F811
    # given H1 2025 published, then a crime de-registered
    figures_publish(by=personas.national, period="H1-2025", note="Half-year bulletin")
    request = change_request_create(by=personas.district_official, incident=count_data.crimes["a2"],
                                    kind="deregister", reason_code="duplicate", reason="Registered twice")
    change_request_decide(by=personas.registrar, request=request, approve=True)
    device = TOTPDevice.objects.create(user=personas.national, name="phone", confirmed=True)
    width, height = SIZES[size]
    page = page_factory(width=width, height=height)
    sign_in(page, live_server.url, personas.national, device)
    region = territory.region_a.pk
    pages = {
        "report": f"/dashboards/count-changes/?period=Q2-2025&region={region}",
        "report-national": "/dashboards/count-changes/?period=Q2-2025",
        "compare": f"/dashboards/published/compare/?period=H1-2025&region={region}",
        "publications": "/dashboards/published/",
    }
    for name, url in pages.items():
        # when
        page.goto(live_server.url + url)
        page.wait_for_load_state("networkidle")
        # then
        assert page.evaluate("document.documentElement.scrollWidth") <= width, name
        assert page.locator("h1").count() == 1
        SHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SHOTS / f"{name}-{size}.png"), full_page=True)
    assert not csp_violations(page)
