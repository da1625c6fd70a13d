"""HTML pages: HTMX fragments of the inline editor, field-level errors, list query counts, print and API."""

import datetime
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse

from roadmaps import services
from roadmaps.models import Roadmap, RoadmapItem
from tests.factories import MahallaFactory

from .conftest import YEAR

pytestmark = pytest.mark.django_db
HX = {"HTTP_HX_REQUEST": "true"}


def form_data(item, **changes):
    data = {"focus_area": item.focus_area, "title": item.title, "deadline": item.deadline.isoformat(),
            "status": item.status, "progress": item.progress, **changes}
    return {f"i{item.pk}-{k}": v for k, v in data.items()}


def test_edit_button_returns_the_form_fragment(client, personas, roadmaps):
    item = roadmaps.district_a1.items.get()
    client.force_login(personas.district_official)

    response = client.get(reverse("roadmaps:item_edit", args=[item.pk]), **HX)

    html = response.content.decode()
    assert [t.name for t in response.templates][0] == "roadmaps/_item_form.html"
    assert html.lstrip().startswith(f'<tr id="item-{item.pk}"') and "<html" not in html
    assert f'name="i{item.pk}-title"' in html


def test_save_returns_the_row_fragment_and_triggers_progress_reload(client, personas, roadmaps):
    item = roadmaps.district_a1.items.get()
    client.force_login(personas.district_official)

    response = client.post(reverse("roadmaps:item_edit", args=[item.pk]),
                           form_data(item, title="Yangilangan chora", progress=60, status="in_progress"), **HX)

    assert response.status_code == 200
    assert [t.name for t in response.templates][0] == "roadmaps/_item_row.html"
    assert "Yangilangan chora" in response.content.decode()
    assert response["HX-Trigger"] == "roadmapChanged"
    assert RoadmapItem.objects.get(pk=item.pk).progress == 60


def test_invalid_save_shows_the_error_next_to_the_field(client, personas, roadmaps):
    item = roadmaps.district_a1.items.get()
    client.force_login(personas.district_official)

    response = client.post(reverse("roadmaps:item_edit", args=[item.pk]),
                           form_data(item, progress=150, title=""), **HX, HTTP_ACCEPT_LANGUAGE="en")

    html = response.content.decode()
    assert [t.name for t in response.templates][0] == "roadmaps/_item_form.html"
    progress_field = re.search(r'<div class="field field--error">\s*<label[^>]*for="id_i\d+-progress".*?</div>',
                               html, re.S)
    assert progress_field and "less than or equal to 100" in progress_field.group(0)
    assert "field--error" in html.split(f'id_i{item.pk}-title')[0][-400:]
    assert RoadmapItem.objects.get(pk=item.pk).progress == 0


def test_service_error_lands_on_its_field(client, personas, roadmaps):
    item = roadmaps.district_a1.items.get()
    client.force_login(personas.district_official)

    response = client.post(reverse("roadmaps:item_edit", args=[item.pk]),
                           form_data(item, start_on="2026-09-01", deadline="2026-08-01"), **HX)

    assert response.context["form"].errors["deadline"]


def test_without_htmx_the_edit_is_a_page_and_save_redirects(client, personas, roadmaps):
    item = roadmaps.district_a1.items.get()
    client.force_login(personas.district_official)

    page = client.get(reverse("roadmaps:item_edit", args=[item.pk]))
    saved = client.post(reverse("roadmaps:item_edit", args=[item.pk]), form_data(item, title="Sahifadan"))

    assert "<html" in page.content.decode()
    assert saved.status_code == 302 and saved["Location"].endswith(f"#item-{item.pk}")


def test_add_move_and_duplicate_via_htmx(client, personas, roadmaps):
    roadmap = roadmaps.district_a1
    client.force_login(personas.district_official)

    added = client.post(reverse("roadmaps:item_add", args=[roadmap.pk]), {
        "new-focus_area": "law_enforcement", "new-title": "Tungi patrul", "new-deadline": "2026-10-01",
        "new-status": "planned", "new-progress": "0"}, **HX)
    new = roadmap.items.get(title="Tungi patrul")
    moved = client.post(reverse("roadmaps:item_move", args=[new.pk]), {"direction": "up"}, **HX)
    duplicated = client.post(reverse("roadmaps:item_duplicate", args=[new.pk]), **HX)

    assert added.status_code == 200 and f'id="item-{new.pk}"' in added.content.decode()
    assert moved.content.decode().lstrip().startswith('<tbody id="items">')
    assert list(roadmap.items.order_by("position").values_list("title", flat=True)) == [
        "Tungi patrul", "Tungi patrul", "Huquqiy savodxonlik darslari"]
    assert duplicated.status_code == 200


def test_reporting_on_an_approved_roadmap_offers_only_status_and_progress(client, personas, roadmaps):
    roadmap = services.roadmap_submit(by=personas.district_official, roadmap=roadmaps.district_a1)
    services.roadmap_approve(by=personas.region_officer, roadmap=roadmap)
    item = roadmap.items.get()
    client.force_login(personas.district_official)

    form = client.get(reverse("roadmaps:item_edit", args=[item.pk]), **HX).context["form"]
    saved = client.post(reverse("roadmaps:item_edit", args=[item.pk]),
                        {f"i{item.pk}-status": "done", f"i{item.pk}-progress": "100",
                         f"i{item.pk}-title": "ignored"}, **HX)

    assert set(form.fields) == {"status", "progress"}
    assert saved.status_code == 200
    item.refresh_from_db()
    assert (item.status, item.progress, item.title) == ("done", 100, "Huquqiy savodxonlik darslari")


def test_bulk_page_creates_the_measure_in_every_chosen_mahalla(client, personas, territory, roadmaps):
    client.force_login(personas.district_official)

    response = client.post(reverse("roadmaps:bulk"), {
        "year": YEAR, "mahallas": [territory.mahalla_a1a.pk, territory.mahalla_a1b.pk],
        "focus_area": "digital_monitoring", "title": "Tashvish tugmalarini o'rnatish", "deadline": "2026-11-01"})

    assert response.status_code == 302
    assert RoadmapItem.objects.filter(title="Tashvish tugmalarini o'rnatish").count() == 2


def test_bulk_page_does_not_offer_other_districts_mahallas(client, personas, territory):
    client.force_login(personas.district_official)

    response = client.post(reverse("roadmaps:bulk"), {
        "year": YEAR, "mahallas": [territory.mahalla_a2a.pk], "focus_area": "outreach", "title": "X",
        "deadline": "2026-11-01"})

    assert response.status_code == 400 and response.context["form"].errors["mahallas"]


def test_bulk_page_forbidden_to_regional_staff(client, personas):
    client.force_login(personas.region_officer)
    assert client.get(reverse("roadmaps:bulk")).status_code == 403


def test_create_roadmap_from_list_page(client, personas, territory):
    client.force_login(personas.district_official)

    response = client.post(reverse("roadmaps:create"), {"territory": f"mahalla:{territory.mahalla_a1b.pk}",
                                                        "year": YEAR, "title": ""})

    roadmap = Roadmap.objects.get(mahalla=territory.mahalla_a1b)
    assert response.status_code == 302 and response["Location"] == reverse("roadmaps:detail", args=[roadmap.pk])


def test_list_page_query_count_does_not_grow_with_rows(client, personas, territory, django_assert_max_num_queries):
    for n in range(30):
        mahalla = MahallaFactory(district=territory.district_a1, code=f"1701{n:04d}")
        roadmap = services.roadmap_create(by=personas.district_official, territory=mahalla, year=YEAR)
        services.item_create(by=personas.district_official, roadmap=roadmap, focus_area="outreach", title="X",
                             deadline=datetime.date(YEAR, 5, 1))
    client.force_login(personas.region_officer)
    client.get(reverse("roadmaps:list"))  # session, caches

    with django_assert_max_num_queries(14):
        response = client.get(reverse("roadmaps:list"))

    assert len(response.context["rows"]) == 30


def test_detail_and_approvals_query_counts(client, personas, roadmaps, django_assert_max_num_queries):
    for n in range(20):
        services.item_create(by=personas.district_official, roadmap=roadmaps.district_a1, focus_area="outreach",
                             title=f"Chora {n}", deadline=datetime.date(YEAR, 5, 1))
    services.roadmap_submit(by=personas.district_official, roadmap=roadmaps.district_a1)
    client.force_login(personas.region_officer)
    client.get(reverse("roadmaps:approvals"))

    with django_assert_max_num_queries(24):
        detail = client.get(reverse("roadmaps:detail", args=[roadmaps.district_a1.pk]))
    with django_assert_max_num_queries(14):
        approvals = client.get(reverse("roadmaps:approvals"))

    assert len(detail.context["items"]) == 21 and detail.context["can_approve"]
    assert [r.pk for r in approvals.context["rows"]] == [roadmaps.district_a1.pk]


def test_print_page_and_api_list(client, client_for, personas, roadmaps):
    client.force_login(personas.inspector)

    page = client.get(reverse("roadmaps:print", args=[roadmaps.mahalla_a1a.pk]))
    listing = client_for(personas.inspector).get("/api/v1/roadmaps/")

    assert page.status_code == 200 and "Huquqiy savodxonlik darslari" in page.content.decode()
    assert [r["id"] for r in listing.json()["results"]] == [roadmaps.mahalla_a1a.pk]


def test_api_workflow_and_kpi_updates(client_for, personas, roadmaps):
    district, region = client_for(personas.district_official), client_for(personas.region_officer)
    roadmap = roadmaps.district_a1
    item = roadmap.items.get()

    kpi = district.post(f"/api/v1/roadmaps/items/{item.pk}/kpis/", {"indicator": "Darslar", "target": "12"},
                        format="json").json()
    bad = district.patch(f"/api/v1/roadmaps/items/{item.pk}/", {"progress": 150}, format="json")
    submitted = district.post(f"/api/v1/roadmaps/{roadmap.pk}/submit/", {}, format="json")
    returned = region.post(f"/api/v1/roadmaps/{roadmap.pk}/return/", {}, format="json")
    approved = region.post(f"/api/v1/roadmaps/{roadmap.pk}/approve/", {"comment": "OK"}, format="json")
    update = district.post(f"/api/v1/roadmaps/kpis/{kpi['id']}/updates/", {"on": "2026-01-10", "value": "4"},
                           format="json")
    frozen = district.patch(f"/api/v1/roadmaps/items/{item.pk}/", {"title": "X"}, format="json")

    assert bad.status_code == 400 and "progress" in bad.json()["errors"]
    assert submitted.json()["status"] == "submitted"
    assert returned.status_code == 400 and "comment" in returned.json()["errors"]
    assert approved.json()["status"] == "approved"
    assert update.status_code == 201
    assert district.get(f"/api/v1/roadmaps/{roadmap.pk}/").json()["items"][0]["kpis"][0]["actual"] == "4.00"
    assert frozen.status_code == 400 and "roadmap" in frozen.json()["errors"]
    revision = district.post(f"/api/v1/roadmaps/{roadmap.pk}/revise/", {}, format="json")
    assert revision.status_code == 201 and revision.json()["revision"] == 2


def test_templates_and_scripts_respect_the_csp():
    root = Path(settings.BASE_DIR)
    for path in [*(root / "templates" / "roadmaps").glob("*.html"), root / "static" / "js" / "roadmap.js"]:
        text = path.read_text()
        assert "style=" not in text, path
        assert not re.search(r"\son[a-z]+=", text), path
        if path.suffix == ".html":
            assert "<script>" not in text and "<style" not in text, path
