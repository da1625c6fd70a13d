"""The roadmap page says what its real state allows, the approver reads what a revision changes and decides with
two separate forms, and KPIs are added from the editor."""

import datetime
import re

import pytest
from django.urls import reverse

from roadmaps import services
from roadmaps.models import Kpi, Roadmap, RoadmapEvent

from ..conftest import YEAR

pytestmark = pytest.mark.django_db
HX = {"HTTP_HX_REQUEST": "true"}
EN = {"HTTP_ACCEPT_LANGUAGE": "en"}


def page(client, roadmap):
    response = client.get(reverse("roadmaps:detail", args=[roadmap.pk]), **EN)
    assert response.status_code == 200
    return response.content.decode()


def form_html(html, action):
    match = re.search(rf'<form[^>]*action="{re.escape(action)}"[^>]*>.*?</form>', html, re.S)
    assert match, action
    return match.group(0)


# --- the message follows the real state ----------------------------------------------------------

def test_submitted_roadmap_tells_its_author_it_awaits_approval_not_that_it_is_approved(client, personas, roadmaps):
    roadmap = services.roadmap_submit(by=personas.district_official, roadmap=roadmaps.district_a1)
    item = roadmap.items.get()
    client.force_login(personas.district_official)

    html = page(client, roadmap)
    form = client.get(reverse("roadmaps:item_edit", args=[item.pk]), **HX, **EN).content.decode()

    assert 'data-rm-state="submitted"' in html and "waits for the approver" in html
    assert "approved" not in re.sub(r"<[^>]+>", "", form).lower()
    assert "The plan is approved" not in html and "The plan is approved" not in form
    assert "Submitted for approval: only status and progress can be reported." in form


def test_approved_roadmap_tells_its_author_to_report_progress(client, personas, roadmaps):
    roadmap = services.roadmap_submit(by=personas.district_official, roadmap=roadmaps.district_a1)
    services.roadmap_approve(by=personas.region_officer, roadmap=roadmap)
    client.force_login(personas.district_official)

    html = page(client, roadmap)

    assert 'data-rm-state="approved"' in html and "The plan is approved" in html


def test_returned_roadmap_tells_its_author_to_change_and_submit_again(client, personas, roadmaps):
    roadmap = services.roadmap_submit(by=personas.district_official, roadmap=roadmaps.district_a1)
    services.roadmap_return(by=personas.region_officer, roadmap=roadmap, comment="Muddatlarni aniqlashtiring")
    client.force_login(personas.district_official)

    html = page(client, roadmap)

    assert 'data-rm-state="returned"' in html and "Muddatlarni aniqlashtiring" in html
    assert "The plan is approved" not in html


# --- the comparison with the previous revision ---------------------------------------------------

@pytest.fixture
def revision(personas, roadmaps):
    """Revision 2 of district A1's roadmap, submitted: one measure changed (deadline, responsible, KPI target),
    one removed, one added."""
    official = personas.district_official
    first = roadmaps.district_a1
    kept = first.items.get()
    services.kpi_create(by=official, item=kept, indicator="Darslar", target=12, unit="ta")
    services.item_create(by=official, roadmap=first, focus_area="law_enforcement", title="Tungi patrul",
                         deadline=datetime.date(YEAR, 9, 1))
    services.roadmap_submit(by=official, roadmap=first)
    services.roadmap_approve(by=personas.region_officer, roadmap=first)
    second = services.roadmap_revise(by=official, roadmap=first)
    copy = second.items.get(origin=kept)
    services.item_update(by=official, item=copy, deadline=datetime.date(YEAR, 7, 31),
                         responsible_organisation="Tuman IIB")
    kpi = copy.kpis.get()
    Kpi.objects.filter(pk=kpi.pk).update(target=15)  # KPI targets are changed through the API or the admin
    services.item_delete(by=official, item=second.items.get(title="Tungi patrul"))
    services.item_create(by=official, roadmap=second, focus_area="social_services", title="Oilaviy maslahatlar",
                         deadline=datetime.date(YEAR, 10, 1))
    return services.roadmap_submit(by=official, roadmap=second)


def test_approver_sees_what_the_revision_changes(client, personas, revision):
    client.force_login(personas.region_officer)

    response = client.get(reverse("roadmaps:detail", args=[revision.pk]), **EN)

    comparison = response.context["comparison"]
    assert [i.title for i in comparison.added] == ["Oilaviy maslahatlar"]
    assert [i.title for i in comparison.removed] == ["Tungi patrul"]
    (item, rows), = comparison.changed
    assert item.title == "Huquqiy savodxonlik darslari"
    assert {(r.field, r.before, r.after) for r in rows} == {
        ("Deadline", "30.06.2026", "31.07.2026"),
        ("Responsible organisation", None, "Tuman IIB"),
        ("KPI “Darslar”: target", "12", "15"),
    }
    html = response.content.decode()
    assert "Changes since revision 1" in html
    assert "<del>30.06.2026</del>" in html and "<ins>31.07.2026</ins>" in html
    assert html.index('id="comparison"') < html.index("data-rm-approve")


def test_first_revision_has_no_comparison(client, personas, roadmaps):
    roadmap = services.roadmap_submit(by=personas.district_official, roadmap=roadmaps.district_a1)
    client.force_login(personas.region_officer)

    response = client.get(reverse("roadmaps:detail", args=[roadmap.pk]), **EN)

    assert response.context["comparison"] is None
    assert 'id="comparison"' not in response.content.decode()


# --- approve and return are two separate decisions -----------------------------------------------

def test_approve_and_return_are_separate_forms(client, personas, roadmaps):
    roadmap = services.roadmap_submit(by=personas.district_official, roadmap=roadmaps.district_a1)
    client.force_login(personas.region_officer)

    html = page(client, roadmap)

    approve = form_html(html, reverse("roadmaps:approve", args=[roadmap.pk]))
    give_back = form_html(html, reverse("roadmaps:return", args=[roadmap.pk]))
    assert "data-rm-approve" in approve and "data-rm-return" not in approve
    assert re.search(r'<input[^>]*name="confirm"[^>]*required', approve)
    assert re.search(r'<textarea[^>]*name="comment"[^>]*required', give_back)
    assert "data-rm-approve" not in give_back.replace("data-rm-approve-", "")


def test_approve_without_the_confirmation_changes_nothing(client, personas, roadmaps):
    roadmap = services.roadmap_submit(by=personas.district_official, roadmap=roadmaps.district_a1)
    client.force_login(personas.region_officer)

    response = client.post(reverse("roadmaps:approve", args=[roadmap.pk]), {"comment": "OK"}, **EN)

    assert response.status_code == 302
    assert Roadmap.objects.get(pk=roadmap.pk).status == "submitted"


def test_approve_with_the_confirmation_keeps_the_note(client, personas, roadmaps):
    roadmap = services.roadmap_submit(by=personas.district_official, roadmap=roadmaps.district_a1)
    client.force_login(personas.region_officer)

    client.post(reverse("roadmaps:approve", args=[roadmap.pk]), {"confirm": "1", "comment": "Muddatlar yaxshi"})

    assert Roadmap.objects.get(pk=roadmap.pk).status == "approved"
    assert roadmap.events.get(action=RoadmapEvent.Action.APPROVED).comment == "Muddatlar yaxshi"


def test_return_without_a_comment_changes_nothing(client, personas, roadmaps):
    roadmap = services.roadmap_submit(by=personas.district_official, roadmap=roadmaps.district_a1)
    client.force_login(personas.region_officer)

    client.post(reverse("roadmaps:return", args=[roadmap.pk]), {"comment": "  "})

    assert Roadmap.objects.get(pk=roadmap.pk).status == "submitted"


# --- KPIs from the editor -------------------------------------------------------------------------

def test_add_kpi_button_returns_the_kpi_form_in_the_row(client, personas, roadmaps):
    item = roadmaps.district_a1.items.get()
    client.force_login(personas.district_official)

    editor = page(client, roadmaps.district_a1)
    response = client.get(reverse("roadmaps:kpi_add", args=[item.pk]), **HX)

    assert "data-rm-kpi-add" in editor
    html = response.content.decode()
    assert [t.name for t in response.templates][0] == "roadmaps/_kpi_form.html"
    assert html.lstrip().startswith(f'<tr id="item-{item.pk}"') and f'name="kpi{item.pk}-indicator"' in html


def test_kpi_saved_from_the_editor_returns_the_row_with_it(client, personas, roadmaps):
    item = roadmaps.district_a1.items.get()
    client.force_login(personas.district_official)

    response = client.post(reverse("roadmaps:kpi_add", args=[item.pk]), {
        f"kpi{item.pk}-indicator": "Darslar", f"kpi{item.pk}-target": "12", f"kpi{item.pk}-unit": "ta",
        f"kpi{item.pk}-direction": "increase"}, **HX)

    assert [t.name for t in response.templates][0] == "roadmaps/_item_row.html"
    assert "Darslar" in response.content.decode() and response["HX-Trigger"] == "roadmapChanged"
    assert item.kpis.get().target == 12


def test_invalid_kpi_from_the_editor_shows_the_error_on_its_field(client, personas, roadmaps):
    item = roadmaps.district_a1.items.get()
    client.force_login(personas.district_official)

    response = client.post(reverse("roadmaps:kpi_add", args=[item.pk]), {
        f"kpi{item.pk}-indicator": "Darslar", f"kpi{item.pk}-direction": "increase"}, **HX)

    assert response.context["form"].errors["target"]
    assert not item.kpis.exists()


def test_kpi_cannot_be_added_to_a_submitted_plan(client, personas, roadmaps):
    roadmap = services.roadmap_submit(by=personas.district_official, roadmap=roadmaps.district_a1)
    item = roadmap.items.get()
    client.force_login(personas.district_official)

    response = client.get(reverse("roadmaps:kpi_add", args=[item.pk]), **HX)

    assert response.status_code == 403
    assert "data-rm-kpi-add" not in page(client, roadmap)


def test_without_htmx_the_add_kpi_link_opens_the_measure_page(client, personas, roadmaps):
    item = roadmaps.district_a1.items.get()
    client.force_login(personas.district_official)

    response = client.get(reverse("roadmaps:kpi_add", args=[item.pk]))

    assert response.status_code == 302 and response["Location"].endswith(f"/roadmaps/items/{item.pk}/#kpis")
