"""The dashboards in real Chromium: a national user signs in with a TOTP code, sees the tiles and the colour
map, with no CSP violation; screenshots of every dashboard, the print view and the public page at desktop and
phone size go to /tmp/shots-dash/ for a person to look at."""

from pathlib import Path

import pytest
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from tests.browser_support import csp_violations
from tests.conftest import PASSWORD
from tests.dashboards.conftest import _local_cache, _no_doorbell, seeded  # noqa: F401 - shared fixtures

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

SHOTS = Path("/tmp/shots-dash")
SIZES = {"desktop": (1366, 850), "phone": (390, 844)}
PERIOD = "period=Q2-2025"


def sign_in(page, base_url, user, device=None):
    page.goto(f"{base_url}/accounts/login/")
    page.fill("input[name=username]", user.username)
    page.fill("input[name=password]", PASSWORD)
    page.click("form[action$=\"/accounts/login/\"] button[type=submit]")
    page.wait_for_load_state("networkidle")
    if device is not None:
        assert "/accounts/2fa/verify/" in page.url
        page.fill("input[name=token]", f"{totp(device.bin_key):06d}")
        page.click("form:has(input[name=token]) button[type=submit]")
        page.wait_for_load_state("networkidle")
        assert "/accounts/2fa/" not in page.url


def shoot(page, name):
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


def open_dashboard(page, url):
    page.goto(url)
    page.wait_for_selector(".dash-map path.leaflet-interactive", timeout=15_000)
    page.wait_for_load_state("networkidle")


@pytest.mark.parametrize("size", list(SIZES))
def test_national_user_sees_tiles_and_coloured_map(live_server, page_factory, personas, territory, seeded,  # noqa: F811
                                                   size):
    # given: a national analyst with an authenticator app
    device = TOTPDevice.objects.create(user=personas.national, name="phone", confirmed=True)
    page = page_factory(width=SIZES[size][0], height=SIZES[size][1])
    # when
    sign_in(page, live_server.url, personas.national, device)
    open_dashboard(page, f"{live_server.url}/dashboards/?{PERIOD}")
    # then: tiles with figures, polygons coloured by zone status, the regions table, no CSP violation
    assert page.locator("[data-tile]").count() >= 15
    assert page.locator("[data-tile=crimes] [data-tile-value]").inner_text().strip() not in ("", "—")
    assert page.locator(".dash-map path.dash-map__area--red").count() == 1
    assert page.locator(".dash-map path.dash-map__area--green").count() == 2
    assert page.locator(".dash-map path.dash-map__area--yellow").count() == 1
    assert "North Region" in page.inner_text("#dash-units")
    # layers: density and camera alerts can be switched on (a phone's switcher is folded: open it first)
    if size == "phone":
        page.locator(".leaflet-control-layers").hover()
    # (the risk app's hot-spot overlay is offered beside it to staff who see the risk ranking)
    overlays = page.locator(".leaflet-control-layers-overlays label")
    assert overlays.count() == 2 and "Hot and cold spots" in overlays.all_inner_texts()[1]
    alerts_layer = page.locator(".leaflet-control-layers-overlays label", has_text="Camera alerts").locator("input")
    alerts_layer.check()
    assert page.locator(".dash-map path.leaflet-interactive").count() > 4
    alerts_layer.uncheck()
    page.mouse.move(1, 1)
    shoot(page, f"national-{size}")
    # drill-down: region -> district -> mahalla page
    page.click(f"#dash-units a[href^='/dashboards/regions/{territory.region_a.pk}/']")
    page.wait_for_selector(".dash-map path.leaflet-interactive", timeout=15_000)
    assert page.locator(".dash-map path.leaflet-interactive").count() == 3
    page.click(f"#dash-units a[href^='/dashboards/districts/{territory.district_a1.pk}/']")
    page.wait_for_selector(".dash-map[data-loaded] path.leaflet-interactive", timeout=15_000)
    page.wait_for_load_state("networkidle")  # fitting the map refetches the layer at the new zoom
    page.locator(".dash-map path.leaflet-interactive").first.dispatch_event("click")
    page.wait_for_url("**/territories/mahallas/**", timeout=10_000)
    assert csp_violations(page) == []


@pytest.mark.parametrize("size", list(SIZES))
def test_regional_and_district_dashboards_print_and_public_pages(live_server, page_factory, personas, territory,
                                                                 seeded, size):  # noqa: F811
    width, height = SIZES[size]
    device = TOTPDevice.objects.create(user=personas.region_officer, name="phone", confirmed=True)
    regional = page_factory(width=width, height=height)
    sign_in(regional, live_server.url, personas.region_officer, device)
    open_dashboard(regional, f"{live_server.url}/dashboards/?{PERIOD}")
    assert f"/dashboards/regions/{territory.region_a.pk}/" in regional.url
    assert regional.locator(".dash-map path.leaflet-interactive").count() == 3
    shoot(regional, f"regional-{size}")
    assert csp_violations(regional) == []

    district = page_factory(width=width, height=height)
    sign_in(district, live_server.url, personas.district_official)
    open_dashboard(district, f"{live_server.url}/dashboards/?{PERIOD}")
    assert district.locator(".dash-map path.leaflet-interactive").count() == 2
    shoot(district, f"district-{size}")
    # the printable report, as printed
    district.goto(f"{live_server.url}/dashboards/report/?district={territory.district_a1.pk}&{PERIOD}")
    district.wait_for_load_state("networkidle")
    assert district.locator("[data-print]").is_visible()
    district.emulate_media(media="print")
    assert not district.locator("[data-print]").is_visible()
    shoot(district, f"report-print-{size}")
    district.emulate_media(media="screen")
    assert csp_violations(district) == []

    public = page_factory(width=width, height=height)
    public.goto(f"{live_server.url}/open/?period=Q2-2025")
    public.wait_for_selector(".dash-map path.leaflet-interactive", timeout=15_000)
    assert public.locator(".dash-map path.leaflet-interactive").count() == 4
    assert public.locator("[data-public-crimes]").count() == 1
    shoot(public, f"public-{size}")
    assert csp_violations(public) == []
