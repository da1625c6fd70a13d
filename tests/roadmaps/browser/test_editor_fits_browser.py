"""The roadmap editor in real Chromium at laptop and phone size: a district official adds a measure inline and a
KPI from the editor; nothing is wider than the screen, every row button stays inside the measures box, the
inline form neither scrolls sideways nor clips its labels, and no Content-Security-Policy violation is logged.
Screenshots go to the temporary directory (shots-roadmaps/) for a person to look at."""

import tempfile
from pathlib import Path

import pytest

from core.dates import today
from roadmaps import services
from roadmaps.models import RoadmapItem
from tests.browser_support import csp_violations
from tests.conftest import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

SHOTS = Path(tempfile.gettempdir()) / "shots-roadmaps"
SIZES = {"desktop": (1366, 900), "phone": (390, 844)}

# The console does not always name a violation the same way: the page records every one it sees.
RECORD_VIOLATIONS = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", function (event) {
  window.__cspViolations.push(event.violatedDirective + " " + (event.sourceFile || "") + ":" + event.lineNumber);
});
"""

# What does not fit: the page wider than the window, a row button or a label cut off, a form scrolling sideways.
LAYOUT = """() => {
  const box = document.querySelector("#items").closest(".panel").getBoundingClientRect();
  const out = [];
  const page = document.documentElement.scrollWidth;
  if (page > window.innerWidth) out.push("page " + page);
  document.querySelectorAll("#items .rm-actions .btn, #items .rm-actions summary").forEach((el) => {
    const r = el.getBoundingClientRect();
    if (r.width && (r.right > box.right + 0.5 || r.left < box.left - 0.5)) out.push("button " + el.textContent.trim());
  });
  document.querySelectorAll("#items form[data-rm-form]").forEach((form) => {
    if (form.scrollWidth > form.clientWidth) out.push("form " + form.scrollWidth + ">" + form.clientWidth);
    const r = form.getBoundingClientRect();
    if (r.right > box.right + 0.5) out.push("form outside the box");
    form.querySelectorAll("label").forEach((label) => {
      if (label.scrollWidth > label.clientWidth + 1) out.push("label " + label.textContent.trim());
    });
  });
  return out;
}"""


STYLE_THE_FIELDS = """() => document.querySelectorAll("#item-new input:not([type=hidden]), #item-new textarea")
  .forEach((field) => { field.style.minHeight = "2.5em"; })"""


def sign_in(page, base_url, user):
    page.goto(f"{base_url}/accounts/login/")
    page.fill("input[name=username]", user.username)
    page.fill("input[name=password]", PASSWORD)
    page.click("form:has(input[name=password]) button[type=submit]")
    page.wait_for_load_state("networkidle")


def shoot(page, name):
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


@pytest.mark.parametrize("size", list(SIZES))
def test_adding_a_measure_and_a_kpi_inline_fits_the_screen_without_csp_violations(
        live_server, page_factory, personas, territory, size):
    # given: a draft district roadmap whose measure has long texts and a KPI
    year = today().year
    official = personas.district_official
    roadmap = services.roadmap_create(by=official, territory=territory.district_a1, year=year)
    item = services.item_create(
        by=official, roadmap=roadmap, focus_area="outreach",
        title="Yoshlar bilan huquqiy savodxonlik uchrashuvlari (oyiga bir marta, har bir mahallada)",
        responsible_organisation="Tuman xalq ta'limi bo'limi", responsible_person="Karimov Jasur",
        start_on=f"{year}-01-15", deadline=f"{year}-12-28")
    services.kpi_create(by=official, item=item, indicator="O'tkazilgan uchrashuvlar soni", target=12, unit="ta")
    width, height = SIZES[size]
    page = page_factory(width=width, height=height)
    page.add_init_script(RECORD_VIOLATIONS)
    sign_in(page, live_server.url, official)

    # when: the editor opens
    page.goto(f"{live_server.url}/roadmaps/{roadmap.pk}/")
    page.wait_for_load_state("networkidle")
    # then: it fits
    assert page.evaluate(LAYOUT) == []
    shoot(page, f"editor-{size}")

    # when: a measure is added inline
    page.click("[data-rm-add]")
    page.wait_for_selector("#item-new form[data-rm-form]")
    # then: the open form fits too
    assert page.evaluate(LAYOUT) == []
    shoot(page, f"editor-new-measure-{size}")
    # when: the fields carry style attributes, as a resized textarea or a browser extension leaves them, and a
    # first try fails (the form comes back with its error, swapped over the old one)
    page.evaluate(STYLE_THE_FIELDS)
    page.click("#item-new button[type=submit]")
    page.wait_for_selector("#item-new .field--error")
    page.fill("#item-new input[name='new-title']", "Tungi patrul")
    page.fill("#item-new input[name='new-start_on']", "")
    page.fill("#item-new input[name='new-deadline']", f"{year}-12-31")
    page.click("#item-new button[type=submit]")
    page.wait_for_selector("#items a:text('Tungi patrul')")
    added = RoadmapItem.objects.get(roadmap=roadmap, title="Tungi patrul")

    # when: a KPI is added to it from the editor
    page.click(f"#item-{added.pk} [data-rm-kpi-add]")
    page.wait_for_selector(f"#item-{added.pk} form[data-rm-form]")
    assert page.evaluate(LAYOUT) == []
    page.fill(f"#item-{added.pk} input[name='kpi{added.pk}-indicator']", "Patrul soatlari")
    page.fill(f"#item-{added.pk} input[name='kpi{added.pk}-target']", "40")
    page.click(f"#item-{added.pk} button[type=submit]")
    page.wait_for_selector(f"#item-{added.pk} .rm-kpi:has-text('Patrul soatlari')")

    # then: everything still fits, the KPI is stored, and the policy was never violated
    assert page.evaluate(LAYOUT) == []
    assert added.kpis.get().indicator == "Patrul soatlari"
    shoot(page, f"editor-after-{size}")
    assert csp_violations(page) == []
    assert page.evaluate("window.__cspViolations") == []


@pytest.mark.parametrize("size", list(SIZES))
def test_approver_reads_the_changes_and_a_typed_return_comment_is_kept_on_approval(
        live_server, page_factory, personas, territory, size):
    from django_otp.oath import totp
    from django_otp.plugins.otp_totp.models import TOTPDevice

    # given: revision 2 of an approved district roadmap, with a changed deadline, submitted
    year = today().year
    official = personas.district_official
    first = services.roadmap_create(by=official, territory=territory.district_a1, year=year)
    services.item_create(by=official, roadmap=first, focus_area="outreach", title="Huquqiy savodxonlik darslari",
                         deadline=f"{year}-06-30")
    services.roadmap_submit(by=official, roadmap=first)
    services.roadmap_approve(by=personas.region_officer, roadmap=first)
    second = services.roadmap_revise(by=official, roadmap=first)
    services.item_update(by=official, item=second.items.get(), deadline=f"{year}-09-30")
    services.roadmap_submit(by=official, roadmap=second)
    device = TOTPDevice.objects.create(user=personas.region_officer, name="phone", confirmed=True)
    width, height = SIZES[size]
    page = page_factory(width=width, height=height)
    page.add_init_script(RECORD_VIOLATIONS)
    sign_in(page, live_server.url, personas.region_officer)
    page.fill("input[name=token]", f"{totp(device.bin_key):06d}")
    page.click("form:has(input[name=token]) button[type=submit]")
    page.wait_for_load_state("networkidle")

    # when: the approver opens the revision
    page.goto(f"{live_server.url}/roadmaps/{second.pk}/")
    page.wait_for_load_state("networkidle")

    # then: the comparison shows the deadline before and after, and the page fits
    assert page.locator("#comparison del").first.inner_text() == f"30.06.{year}"
    assert page.locator("#comparison ins").first.inner_text() == f"30.09.{year}"
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    shoot(page, f"approval-{size}")

    # when: a comment typed for returning is left in its box and the approver approves
    page.fill("[data-rm-return-form] textarea", "Muddatni asoslang")
    page.check("[data-rm-approve-confirm]")
    dialogs = []
    page.once("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.accept()))
    page.click("[data-rm-approve]")
    page.wait_for_load_state("networkidle")

    # then: the approver was asked, and the comment travels with the approval
    second.refresh_from_db()
    assert dialogs and second.status == "approved"
    assert second.events.get(action="approved").comment == "Muddatni asoslang"
    assert csp_violations(page) == [] and page.evaluate("window.__cspViolations") == []
