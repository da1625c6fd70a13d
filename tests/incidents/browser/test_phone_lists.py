"""Issue 16 (phones, maps): every list page of a district official and of an inspector fits a 390 px phone;
the support-case list is a list of cards there, its next review, overdue flag and status in view; the incident
location picker shows the outlines and names of the form's mahalla and its neighbours without a tile server.
Screenshots go to /tmp/shots-phones/ for a person to look at."""

import datetime
from pathlib import Path

import pytest

from core import dates
from tests.browser_support import csp_violations
from tests.conftest import PASSWORD
from tests.incidents.factories import FieldVisitFactory, IncidentFactory, SupportCaseFactory, ensure_incident_categories

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

SHOTS = Path("/tmp/shots-phones")
PHONE = (390, 844)
LISTS = {
    "district": ["/territories/", "/territories/districts/{district}/", "/territories/mahallas/{mahalla}/",
                 "/incidents/", "/visits/", "/visits/week/", "/support-cases/", "/coverage/", "/roadmaps/",
                 "/alerts/", "/cameras/", "/dashboards/"],
    "inspector": ["/my-mahallas/", "/territories/mahallas/{mahalla}/", "/incidents/", "/visits/", "/visits/week/",
                  "/incidents/new/", "/visits/new/"],
}


def sign_in(page, base_url, username):
    page.goto(f"{base_url}/accounts/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORD)
    page.click("form[action$=\"/accounts/login/\"] button[type=submit]")
    page.wait_for_load_state("networkidle")


@pytest.fixture
def field_rows(personas, territory):
    ensure_incident_categories()  # an earlier transactional test's flush removed the seeded ones
    mahalla = territory.mahalla_a1a
    IncidentFactory(mahalla=mahalla, created_by=personas.inspector, description="Phone stolen at the bazaar")
    FieldVisitFactory(mahalla=mahalla, by=personas.inspector, address_or_household="Navoiy 12")
    SupportCaseFactory(mahalla=mahalla, social_worker=personas.social_worker,
                       subject_name="A household with a long name to wrap on a phone",
                       next_review_on=dates.today() - datetime.timedelta(days=3))
    SupportCaseFactory(mahalla=mahalla, social_worker=personas.social_worker)


@pytest.mark.parametrize("role", list(LISTS))
def test_list_pages_fit_a_phone(live_server, page_factory, personas, territory, field_rows, role):
    user = personas.district_official if role == "district" else personas.inspector
    page = page_factory(width=PHONE[0], height=PHONE[1])
    sign_in(page, live_server.url, user.username)
    SHOTS.mkdir(parents=True, exist_ok=True)
    wide = []
    for path in LISTS[role]:
        url = path.format(district=territory.district_a1.pk, mahalla=territory.mahalla_a1a.pk)
        response = page.goto(live_server.url + url)
        assert response.status == 200, url
        page.wait_for_load_state("networkidle")
        if page.evaluate("document.documentElement.scrollWidth") > PHONE[0]:
            wide.append(url)
        page.screenshot(path=str(SHOTS / f"{role}{url.replace('/', '_')}.png"), full_page=True)
    assert wide == []
    assert csp_violations(page) == []


def test_support_cases_are_cards_on_a_phone(live_server, page_factory, personas, field_rows):
    page = page_factory(width=PHONE[0], height=PHONE[1])
    sign_in(page, live_server.url, personas.district_official.username)
    page.goto(f"{live_server.url}/support-cases/")
    page.wait_for_load_state("networkidle")
    overdue = page.locator("tr.fw-row--overdue")
    assert overdue.count() == 1
    # the next review, its overdue flag and the status are on the card, inside the screen
    for selector in ("td[data-label] .fw-tag--overdue", "td[data-label]:last-child"):
        box = overdue.locator(selector).bounding_box()
        assert box and box["x"] >= 0 and box["x"] + box["width"] <= PHONE[0], selector
    assert page.locator("table.table--cards thead").bounding_box()["height"] <= 1  # no column heads on cards
    current = page.locator(".fw-sections__link[aria-current=page]").bounding_box()
    assert current["x"] >= 0 and current["x"] + current["width"] <= PHONE[0]  # the active tab is not cut
    page.screenshot(path=str(SHOTS / "support-cases-cards.png"), full_page=True)


@pytest.mark.parametrize("size", [(390, 844), (1366, 900)])
def test_location_picker_shows_the_mahalla_and_its_neighbours_without_tiles(live_server, page_factory, personas,
                                                                           territory, settings, size):
    settings.MAP_TILES_URL = ""
    page = page_factory(width=size[0], height=size[1])
    sign_in(page, live_server.url, personas.district_official.username)
    page.goto(f"{live_server.url}/incidents/new/")
    page.select_option("select[name=mahalla]", str(territory.mahalla_a1a.pk))
    page.wait_for_selector(f"[data-location-picker][data-outlines-for='{territory.mahalla_a1a.pk}']")
    labels = page.locator("[data-location-map] .map-label").all_inner_texts()
    # the chosen mahalla and the other mahalla of its district, by name; none of another district
    def shown(mahalla):
        return any(mahalla.name_uz in label for label in labels)

    assert shown(territory.mahalla_a1a) and shown(territory.mahalla_a1b)
    assert not shown(territory.mahalla_a2a)
    strokes = page.locator("[data-location-map] path").evaluate_all("ps => ps.map(p => p.getAttribute('stroke'))")
    assert sorted(strokes) == ["#0b2e4a", "#5d7285"]  # the form's mahalla emphasised, its neighbour plain
    page.locator("[data-location-map]").scroll_into_view_if_needed()
    page.screenshot(path=str(SHOTS / f"location-picker-{size[0]}.png"), full_page=True)
    assert page.evaluate("document.documentElement.scrollWidth") <= size[0]
    assert csp_violations(page) == []
