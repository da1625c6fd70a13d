"""The cameras needing attention in a real browser: from the operator's home panel to the list, the problem
filter through HTMX (no reload), the map coloured by health, a stopped stream appearing, and a phone's width."""

import pytest
from playwright.sync_api import expect

from surveillance.models import PullDevice
from tests.browser_support import csp_violations
from tests.surveillance.conftest import _celery_on_test_redis, _in_english, _isolated, site  # noqa: F401 - fixtures
from tests.surveillance.health.conftest import fleet  # noqa: F401 - fixture
from tests.surveillance.health.support import ago

from .test_alerts_browser import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def _rows(page):
    return page.locator("[data-health-table] tbody tr[data-camera]")


def test_operator_follows_the_home_panel_to_the_cameras_needing_attention(live_server, page_factory, personas,
                                                                          fleet):  # noqa: F811
    page = page_factory()
    sign_in(page, live_server.url, personas.operator.username, "/")
    panel = page.locator('[data-home-panel="camera-health"]')
    assert panel.locator('[data-figure="attention"]').text_content().strip() == "3"
    panel.locator('[data-home-action="camera-health"]').click()
    page.wait_for_url("**/cameras/health/")

    # Those that show nothing first, then the one with something wrong; the working camera is not listed.
    assert [r.get_attribute("data-level") for r in _rows(page).all()] == ["down", "down", "attention"]
    assert fleet.street.name not in page.locator("[data-health-table]").text_content()
    page.wait_for_selector(".sv-map path.leaflet-interactive", timeout=10_000)
    assert page.locator(".sv-map path.leaflet-interactive").count() == 3
    # Coloured by health: two red (show nothing), one amber (something wrong).
    assert page.locator('.sv-map path.leaflet-interactive[fill="#d64535"]').count() == 2
    assert page.locator('.sv-map path.leaflet-interactive[fill="#f2c230"]').count() == 1

    # Filter by problem through HTMX: the same document, only the tampered camera.
    page.evaluate("window.__sameDocument = true")
    page.select_option("#health-problem", "tamper")
    expect(_rows(page)).to_have_count(1, timeout=10_000)
    page.wait_for_url("**problem=tamper**", timeout=10_000)
    assert _rows(page).count() == 1 and _rows(page).first.get_attribute("data-camera") == str(fleet.frigate.pk)
    assert "Tamper or video loss" in _rows(page).first.text_content()
    assert page.evaluate("window.__sameDocument === true")

    # The pull process stops confirming the stream: on the next look the camera is listed, stream down.
    PullDevice.objects.update(state_checked_at=ago(seconds=61))
    page.goto(f"{live_server.url}/cameras/health/")
    row = page.locator(f'tr[data-camera="{fleet.street.pk}"]')
    assert row.get_attribute("data-level") == "down"
    assert row.locator('[data-stream="down"]').count() == 1
    assert csp_violations(page) == []


def test_the_attention_list_fits_a_phone(live_server, page_factory, personas, fleet):  # noqa: F811
    page = page_factory(width=390, height=844)
    sign_in(page, live_server.url, personas.operator.username, "/cameras/health/")
    page.wait_for_selector(".sv-map path.leaflet-interactive", timeout=10_000)
    assert _rows(page).count() == 3
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    assert csp_violations(page) == []
