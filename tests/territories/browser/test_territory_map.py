import pytest

from accounts.models import Assignment
from tests.browser_support import csp_violations
from tests.conftest import PASSWORD

# serialized_rollback: the flush after a transactional test would otherwise drop migration-seeded rows.
pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def sign_in(page, base_url, username):
    page.goto(f"{base_url}/accounts/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORD)
    page.click("form[action$=\"/accounts/login/\"] button[type=submit]")
    page.wait_for_load_state("networkidle")


@pytest.mark.parametrize("viewport", [(1366, 850), (390, 844)], ids=["desktop", "phone"])
def test_district_official_signs_in_and_sees_mahalla_polygons(live_server, page_factory, personas, territory,
                                                               viewport):
    # given
    page = page_factory(width=viewport[0], height=viewport[1])
    # when: sign in through the real login page, then follow the home page's link to the district page
    sign_in(page, live_server.url, personas.district_official.username)
    page.click("[data-territory-link]")
    # then
    assert page.url.endswith(f"/territories/districts/{territory.district_a1.pk}/")
    page.wait_for_selector(".map path.leaflet-interactive", timeout=15_000)
    polygons = page.locator(".map path.leaflet-interactive")
    assert polygons.count() == 2  # the two mahallas of district A1, nothing from outside the scope
    assert "Bog'ishamol MFY" in page.inner_text("table")
    assert csp_violations(page) == []


def test_click_on_a_polygon_opens_the_mahalla_page(live_server, page_factory, personas, territory):
    page = page_factory()
    sign_in(page, live_server.url, personas.district_official.username)
    page.goto(f"{live_server.url}/territories/districts/{territory.district_a1.pk}/")
    page.wait_for_selector(".map path.leaflet-interactive", timeout=15_000)
    page.locator(".map path.leaflet-interactive").first.click(force=True)
    page.wait_for_url("**/territories/mahallas/**", timeout=10_000)
    # The browser asks for English: the factory's English names are "<Uzbek name> (en)".
    assert page.locator("h1").inner_text().removesuffix(" (en)") in {"Bog'ishamol MFY", "Navro'z MFY"}


def test_inspector_map_shows_only_assigned_mahalla(live_server, page_factory, personas, territory):
    assert Assignment.objects.filter(user=personas.inspector).count() == 1
    page = page_factory(width=390, height=844)
    sign_in(page, live_server.url, personas.inspector.username)
    page.goto(f"{live_server.url}/my-mahallas/")
    page.wait_for_selector(".map path.leaflet-interactive", timeout=15_000)
    assert page.locator(".map path.leaflet-interactive").count() == 1
    assert csp_violations(page) == []
