"""An inspector logs a visit on a phone, loses the network while submitting, and gets it sent on recovery."""

import re

import pytest

from incidents.models import FieldVisit
from tests.browser_support import csp_violations
from tests.conftest import PASSWORD

# serialized_rollback: the flush after a transactional test would otherwise drop the seeded categories.
pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

OFFLINE_TEXT = "Saved on this phone"


def sign_in(page, base_url, username):
    page.goto(f"{base_url}/accounts/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORD)
    page.click("form[action$=\"/accounts/login/\"] button[type=submit]")
    page.wait_for_load_state("networkidle")


def static_failures(responses) -> list[str]:
    return [f"{r.status} {r.url}" for r in responses if "/static/" in r.url and r.status >= 400]


def test_inspector_logs_visit_offline_and_it_is_sent_when_the_network_returns(live_server, page_factory,
                                                                             personas, territory):
    # given: the inspector on a phone, signed in through the real login page
    page = page_factory(width=390, height=844)
    responses = []
    page.on("response", lambda r: responses.append(r))
    sign_in(page, live_server.url, personas.inspector.username)
    page.click("[data-nav-toggle]")
    page.click("a.site-nav__link[href='/visits/new/']")
    page.wait_for_selector("form[data-visit-form]")
    assert page.is_visible("text=" + territory.mahalla_a1a.name_uz) or "MFY" in page.inner_text(".fw-fixed")

    # when: typing, with a reload halfway (the draft must survive it)
    page.click("label[for=id_kind_0]")  # household visit
    page.fill("input[name=address_or_household]", "Navoiy ko'chasi 12")
    page.click("[data-step='1']")
    page.click("[data-step='1']")  # 1 -> 3 people
    page.wait_for_timeout(200)
    page.reload()
    page.wait_for_selector("[data-draft-note]:not([hidden])")
    assert page.input_value("input[name=address_or_household]") == "Navoiy ko'chasi 12"
    assert page.input_value("input[name=people_reached]") == "3"
    assert page.is_checked("input[name=kind][value=household]")
    draft_uuid = page.input_value("input[name=client_uuid]")
    assert re.fullmatch(r"[0-9a-f-]{36}", draft_uuid)

    page.click("label:has(input[value=cyber_safety])")
    page.fill("textarea[name=outcome]", "Explained never to share SMS codes")

    # ... and the network drops just as they submit
    page.context.set_offline(True)
    page.click("[data-visit-submit]")
    page.wait_for_selector("[data-outbox]:not([hidden])")

    # then: kept on the phone, nothing on the server yet
    assert OFFLINE_TEXT in page.inner_text("[data-outbox]")
    assert page.inner_text("[data-outbox-count]") == "1"
    assert FieldVisit.objects.count() == 0

    # when: the network returns
    page.context.set_offline(False)
    page.wait_for_selector("[data-outbox]", state="hidden", timeout=30_000)

    # then: exactly one visit, with what was typed
    visit = FieldVisit.objects.get()
    assert str(visit.client_uuid) == draft_uuid
    assert visit.by_id == personas.inspector.pk and visit.mahalla_id == territory.mahalla_a1a.pk
    assert (visit.kind, visit.people_reached, visit.topics) == ("household", 3, ["cyber_safety"])
    assert visit.address_or_household == "Navoiy ko'chasi 12"
    assert visit.outcome == "Explained never to share SMS codes"
    assert "saved on this phone have been sent" in page.inner_text("[data-visit-result]")

    # a reload neither resends nor brings the sent visit back as a draft
    page.reload()
    page.wait_for_load_state("networkidle")
    assert page.input_value("input[name=address_or_household]") == ""
    assert FieldVisit.objects.count() == 1

    assert csp_violations(page) == []
    assert static_failures(responses) == []
    assert any("/static/vendor/htmx/" in r.url and r.status == 200 for r in responses)
    assert any("/static/js/visit-form.js" in r.url and r.status == 200 for r in responses)


def test_visit_sent_online_shows_saved_and_resets_the_form(live_server, page_factory, personas, territory):
    page = page_factory(width=390, height=844)
    sign_in(page, live_server.url, personas.inspector.username)
    page.goto(f"{live_server.url}/visits/new/")
    page.click("label[for=id_kind_4]")  # patrol
    page.fill("input[name=people_reached]", "12")
    page.click("[data-visit-submit]")
    page.wait_for_selector("[data-visit-result]:not([hidden])")
    assert FieldVisit.objects.get().kind == "patrol"
    assert not page.is_checked("input[name=kind][value=patrol]")
    # the next visit gets a new draft id
    page.click("label[for=id_kind_0]")
    assert page.input_value("input[name=client_uuid]") != str(FieldVisit.objects.get().client_uuid)
    assert csp_violations(page) == []


def test_incident_form_map_and_lists_load_without_csp_violations(live_server, page_factory, personas, territory):
    page = page_factory(width=1366, height=850)
    responses = []
    page.on("response", lambda r: responses.append(r))
    sign_in(page, live_server.url, personas.district_official.username)
    for path in ("/incidents/new/", "/incidents/", "/visits/week/", "/support-cases/",
                 f"/coverage/districts/{territory.district_a1.pk}/"):
        page.goto(live_server.url + path)
        page.wait_for_load_state("networkidle")
    page.goto(live_server.url + "/incidents/new/")
    page.wait_for_selector("[data-location-map].leaflet-container")
    page.click("[data-location-map]", position={"x": 200, "y": 120})
    assert page.input_value("input[name=latitude]") != ""
    assert csp_violations(page) == []
    assert static_failures(responses) == []
    assert any("leaflet" in r.url and r.status == 200 for r in responses)
