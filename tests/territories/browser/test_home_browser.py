"""Each role's home page in real Chromium at laptop and phone size: nothing wider than the screen, no console or
CSP error, and the role's main journey one step on (e.g. an inspector taps "Log a visit" and the form opens)."""

import datetime

import pytest
from django.utils import timezone
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from territories.home import home_period
from tests.browser_support import csp_violations
from tests.conftest import PASSWORD
from tests.incidents.factories import ensure_incident_categories
from zones.models import MahallaStatus, Policy

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

SIZES = [(1366, 900), (390, 844)]


def sign_in(page, base_url, user, *, two_factor=False):
    device = TOTPDevice.objects.create(user=user, name="phone", confirmed=True) if two_factor else None
    page.goto(f"{base_url}/accounts/login/")
    page.fill("input[name=username]", user.username)
    page.fill("input[name=password]", PASSWORD)
    page.click("form[action$=\"/accounts/login/\"] button[type=submit]")
    page.wait_for_load_state("networkidle")
    if device is not None:
        page.fill("input[name=token]", f"{totp(device.bin_key):06d}")
        page.click("form:has(input[name=token]) button[type=submit]")
        page.wait_for_load_state("networkidle")
    assert page.url == f"{base_url}/", page.url


def errors_of(page) -> list[str]:
    page.errors = []
    page.on("console", lambda msg: page.errors.append(msg.text) if msg.type == "error" else None)
    page.on("pageerror", lambda exc: page.errors.append(str(exc)))
    return page.errors


def check_both_sizes(page, base_url, *, wait_for=None):
    """The home page at each size: it fits the screen and logs nothing wrong."""
    for width, height in SIZES:
        page.set_viewport_size({"width": width, "height": height})
        page.goto(f"{base_url}/")
        page.wait_for_load_state("networkidle")
        if wait_for:
            page.wait_for_selector(wait_for, timeout=15_000)
        assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth"), (width, "overflow")
    assert page.errors == [] and csp_violations(page) == []


def red(mahalla):
    policy = Policy.objects.order_by("-version").first() or Policy.objects.create(version=1)
    now = timezone.now()
    MahallaStatus.objects.create(mahalla=mahalla, period=home_period().key, total=3,
                                 population=1000, rate=3, rate_threshold=1, policy=policy, colour="red",
                                 colour_since=now - datetime.timedelta(days=1), computed_at=now)


@pytest.mark.parametrize("persona", ["inspector", "social_worker"])
def test_field_worker_taps_log_a_visit_on_the_phone(live_server, page_factory, personas, territory, persona):
    ensure_incident_categories()
    page = page_factory(width=390, height=844)
    errors_of(page)
    sign_in(page, live_server.url, getattr(personas, persona))
    check_both_sizes(page, live_server.url)
    # the button is on the page itself, not in the closed menu
    button = page.locator("[data-home-action=visit]")
    assert button.is_visible() and not page.locator("#site-nav").is_visible()
    button.click()
    page.wait_for_url("**/visits/new/")
    assert page.locator("form [name=mahalla]").count() >= 1
    assert page.errors == [] and csp_violations(page) == []


def test_district_official_opens_the_approvals(live_server, page_factory, personas, territory):
    red(territory.mahalla_a1a)
    page = page_factory()
    errors_of(page)
    sign_in(page, live_server.url, personas.district_official)
    check_both_sizes(page, live_server.url)
    assert page.locator("[data-home-panel=attention] [data-figure=red]").inner_text() == "1"
    page.locator("[data-home-panel=roadmaps] a[href$='/roadmaps/approvals/']").first.click()
    page.wait_for_url("**/roadmaps/approvals/")
    assert page.errors == [] and csp_violations(page) == []


def test_regional_staff_open_the_approvals(live_server, page_factory, personas, territory):
    page = page_factory()
    errors_of(page)
    sign_in(page, live_server.url, personas.region_officer, two_factor=True)
    check_both_sizes(page, live_server.url)
    assert "Create one" in page.locator("[data-own-roadmap]").inner_text()
    page.locator("[data-home-panel=roadmaps] a[href$='/roadmaps/approvals/']").first.click()
    page.wait_for_url("**/roadmaps/approvals/")
    assert page.errors == [] and csp_violations(page) == []


def test_operator_opens_the_review_queue(live_server, page_factory, personas, territory):
    page = page_factory()
    errors_of(page)
    sign_in(page, live_server.url, personas.operator)
    check_both_sizes(page, live_server.url)
    assert page.locator("[data-figure=queue]").inner_text() == "0"
    page.click("[data-home-action=queue]")
    page.wait_for_url("**/alerts/")
    assert page.errors == [] and csp_violations(page) == []


def test_national_staff_see_the_coloured_map_and_open_the_dashboard(live_server, page_factory, personas,
                                                                    territory):
    red(territory.mahalla_a1a)
    page = page_factory()
    errors_of(page)
    sign_in(page, live_server.url, personas.national, two_factor=True)
    check_both_sizes(page, live_server.url, wait_for=".dash-map path.leaflet-interactive")
    assert page.locator(".dash-map path.dash-map__area--red").count() == 1
    assert page.locator("[data-home-regions] tbody tr").count() == 2
    page.click("[data-home-action=dashboard]")
    page.wait_for_url("**/dashboards/**")
    assert page.errors == [] and csp_violations(page) == []
