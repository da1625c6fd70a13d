"""Real Chromium: a district official edits a measure inline and submits; regional staff (with TOTP) approve."""

import datetime

import pytest

from roadmaps import services
from roadmaps.models import Roadmap
from tests.conftest import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


@pytest.fixture
def browser(chromium):
    return chromium  # the one Playwright session of the test run (tests/conftest.py)


def new_page(browser, console):
    context = browser.new_context(viewport={"width": 1366, "height": 850}, locale="en-US")
    page = context.new_page()
    page.on("console", lambda message: console.append(message.text))
    return page  # the context closes with the shared browser at the end of the run


def sign_in(page, base_url, username):
    page.goto(f"{base_url}/accounts/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORD)
    page.click("form:has(input[name=password]) button[type=submit]")
    page.wait_for_load_state("networkidle")


def test_district_official_edits_inline_and_submits_then_regional_staff_approve(
        live_server, browser, personas, territory):
    from django_otp.oath import totp
    from django_otp.plugins.otp_totp.models import TOTPDevice

    # given: a draft district roadmap with one measure
    roadmap = services.roadmap_create(by=personas.district_official, territory=territory.district_a1, year=2026)
    item = services.item_create(by=personas.district_official, roadmap=roadmap, focus_area="outreach",
                                title="Huquqiy savodxonlik darslari", deadline=datetime.date(2026, 6, 30))
    console: list[str] = []

    # when: the district official signs in (no second factor for the district role) and edits the item inline
    page = new_page(browser, console)
    sign_in(page, live_server.url, personas.district_official.username)
    page.goto(f"{live_server.url}/roadmaps/{roadmap.pk}/")
    page.evaluate("window.__noReloadMarker = 'still-here'")
    page.click(f"#item-{item.pk} [data-rm-edit]")
    page.wait_for_selector(f"#item-{item.pk} form[data-rm-form]")
    page.fill(f"#item-{item.pk} input[name='i{item.pk}-title']", "Maktablarda kiberxavfsizlik darslari")
    page.fill(f"#item-{item.pk} input[name='i{item.pk}-progress']", "150")
    page.click(f"#item-{item.pk} button[type=submit]")
    page.wait_for_selector(f"#item-{item.pk} .field--error")  # the error stands next to the field
    page.fill(f"#item-{item.pk} input[name='i{item.pk}-progress']", "40")
    page.click(f"#item-{item.pk} button[type=submit]")
    page.wait_for_selector(f"#item-{item.pk} a:text('Maktablarda kiberxavfsizlik darslari')")

    # then: no full reload happened, and the progress block reloaded itself
    assert page.evaluate("window.__noReloadMarker") == "still-here"
    page.wait_for_selector("#roadmap-progress .stat dd:text('40%')")
    assert Roadmap.objects.get(pk=roadmap.pk).items.get().progress == 40

    # when: the official submits
    page.click("[data-rm-submit]")
    page.wait_for_load_state("networkidle")
    assert Roadmap.objects.get(pk=roadmap.pk).status == "submitted"

    # when: regional staff sign in with password and a TOTP code, then approve
    device = TOTPDevice.objects.create(user=personas.region_officer, name="phone", confirmed=True)
    approver = new_page(browser, console)
    sign_in(approver, live_server.url, personas.region_officer.username)
    assert "/accounts/2fa/" in approver.url
    approver.fill("input[name=token]", f"{totp(device.bin_key):06d}")
    approver.click("form:has(input[name=token]) button[type=submit]")
    approver.wait_for_load_state("networkidle")
    assert "/accounts/2fa/" not in approver.url
    approver.goto(f"{live_server.url}/roadmaps/{roadmap.pk}/")
    approver.check("[data-rm-approve-confirm]")
    approver.click("[data-rm-approve]")
    approver.wait_for_load_state("networkidle")

    # then
    roadmap = Roadmap.objects.get(pk=roadmap.pk)
    assert roadmap.status == "approved" and roadmap.approved_by == personas.region_officer
    assert [m for m in console if "Content Security Policy" in m] == []
