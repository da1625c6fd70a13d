"""Issue 16 (maps): a territory map fills each mahalla with its zone colour (grey without a status) and shows
the colour legend; on the dashboard each layer brings its own legend (the crime-density layer never keeps the
green/yellow/red one). No tile server: the outlines, names and colours are the whole map."""

import uuid

import pytest
from django.utils import timezone

from tests.browser_support import csp_violations
from tests.conftest import PASSWORD
from zones.models import MahallaStatus
from zones.recompute import policy_current

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

FILLS = {"green": "#2e9d5b", "yellow": "#f2c230", "red": "#d64535", None: "#c4ccd4"}


def sign_in(page, base_url, username):
    page.goto(f"{base_url}/accounts/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORD)
    page.click("form[action$=\"/accounts/login/\"] button[type=submit]")
    page.wait_for_load_state("networkidle")


@pytest.fixture
def statuses(territory):
    from dashboards.periods import period_default

    key = period_default().status_period().key
    now = timezone.now()
    MahallaStatus.objects.create(mahalla=territory.mahalla_a1a, period=key, colour="green", policy=policy_current(),
                                 colour_since=now, computed_at=now)
    return key


def test_territory_map_is_coloured_by_zone_status(live_server, page_factory, personas, territory, statuses,
                                                  settings):
    settings.MAP_TILES_URL = ""
    # Map layers and colours are cached in Redis: a key prefix of this test's own, so an earlier test's cached
    # layer (other ids, same territory codes) cannot answer for this territory.
    settings.CACHES = {"default": {**settings.CACHES["default"], "KEY_PREFIX": f"map-legends-{uuid.uuid4().hex}"}}
    page = page_factory(width=390, height=844)
    sign_in(page, live_server.url, personas.district_official.username)
    page.goto(f"{live_server.url}/territories/districts/{territory.district_a1.pk}/")
    page.wait_for_selector(".map[data-coloured]")
    page.locator(".map path.leaflet-interactive[fill]").nth(1).wait_for()
    fills = sorted(page.locator(".map path.leaflet-interactive").evaluate_all(
        "paths => paths.map(p => p.getAttribute('fill'))"))
    assert fills == sorted([FILLS["green"], FILLS[None]])  # a1a green, a1b without a status: grey
    strokes = set(page.locator(".map path.leaflet-interactive").evaluate_all(
        "paths => paths.map(p => p.getAttribute('stroke'))"))
    assert not strokes & {"#8a3b00", FILLS["yellow"], FILLS["red"]}  # never outlined in a status colour
    assert page.is_visible("[data-map-legend]")
    labels = page.locator(".map .map-label").all_inner_texts()
    assert any(territory.mahalla_a1a.name_uz in label for label in labels)
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    assert csp_violations(page) == []


def test_each_dashboard_layer_has_its_own_legend(live_server, page_factory, personas, territory, statuses,
                                                 settings):
    settings.MAP_TILES_URL = ""
    page = page_factory(width=1366, height=900)
    sign_in(page, live_server.url, personas.district_official.username)
    page.goto(f"{live_server.url}/dashboards/districts/{territory.district_a1.pk}/")
    page.wait_for_selector(".dash-map[data-loaded]")
    assert page.is_visible("[data-legend-for=colours]")
    assert not page.is_visible("[data-legend-for=density]")
    page.hover(".leaflet-control-layers")
    page.locator(".leaflet-control-layers-base input").nth(1).check()  # crime density
    assert page.is_visible("[data-legend-for=density]")
    assert not page.is_visible("[data-legend-for=colours]")
    assert not page.is_visible("[data-legend-for=alerts]")
    page.locator(".leaflet-control-layers-overlays input").first.check()  # camera alerts
    assert page.is_visible("[data-legend-for=alerts]")
    page.locator(".leaflet-control-layers-base input").first.check()  # back to the colours
    assert page.is_visible("[data-legend-for=colours]") and not page.is_visible("[data-legend-for=density]")
    assert csp_violations(page) == []


def test_public_search_swaps_the_table_and_keeps_the_chosen_region(live_server, page_factory, territory):
    page = page_factory(width=390, height=844)
    page.goto(f"{live_server.url}/open/?region={territory.region_a.pk}")
    page.wait_for_selector("[data-public-units=district]")
    page.fill("#public-q", "navro")
    page.wait_for_selector("[data-public-units=mahalla]")
    rows = page.locator("[data-public-units] tbody tr").all_inner_texts()
    assert len(rows) == 1 and territory.mahalla_a1b.name_uz in rows[0]
    assert f"region={territory.region_a.pk}" in page.url and "q=navro" in page.url
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    assert csp_violations(page) == []


BAND_FILLS = {"band90": "#1e7d45", "band75": "#8cc665", "band50": "#f2c230", "band0": "#d64535"}


def test_region_map_colours_districts_by_their_share_of_green_mahallas(live_server, page_factory, personas,
                                                                      territory, statuses, settings):
    # District a1: its one rated mahalla is green (band 90% or more); a2 has no status at all (grey).
    settings.MAP_TILES_URL = ""
    settings.CACHES = {"default": {**settings.CACHES["default"], "KEY_PREFIX": f"map-bands-{uuid.uuid4().hex}"}}
    from tests.territories.browser.test_home_browser import sign_in as sign_in_user

    page = page_factory(width=1366, height=900)
    sign_in_user(page, live_server.url, personas.region_officer, two_factor=True)
    page.goto(f"{live_server.url}/territories/regions/{territory.region_a.pk}/")
    page.wait_for_selector(".map[data-coloured]")
    page.locator(".map path.leaflet-interactive[fill]").nth(1).wait_for()
    fills = sorted(page.locator(".map path.leaflet-interactive").evaluate_all(
        "paths => paths.map(p => p.getAttribute('fill'))"))
    assert fills == sorted([BAND_FILLS["band90"], FILLS[None]])
    assert page.is_visible("[data-map-legend-areas]") and not page.is_visible("[data-map-legend]")
    page.set_viewport_size({"width": 390, "height": 844})
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    assert csp_violations(page) == []
