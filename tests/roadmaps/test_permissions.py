"""Who sees, edits and approves which roadmap: HTML and API, in scope and out (404), read-only (403)."""

import datetime

import pytest
from django.urls import reverse

from accounts.capabilities import can
from roadmaps import services
from roadmaps.models import Roadmap, RoadmapItem

from .conftest import YEAR, fresh

pytestmark = pytest.mark.django_db

ALL = ("district_a1", "mahalla_a1a", "mahalla_a2a", "region_a", "mahalla_b1a")
VISIBLE = {
    "national": set(ALL),
    "region_officer": {"district_a1", "mahalla_a1a", "mahalla_a2a", "region_a"},
    "district_official": {"district_a1", "mahalla_a1a"},
    "inspector": {"mahalla_a1a"},
    "social_worker": {"mahalla_a1a"},
    "outsider": {"mahalla_b1a"},
    "nobody": set(),
}
MATRIX = [(persona, key, key in visible) for persona, visible in VISIBLE.items() for key in ALL]


@pytest.mark.parametrize(("persona", "key", "visible"), MATRIX)
def test_roadmap_detail_visibility(client, personas, roadmaps, persona, key, visible):
    client.force_login(getattr(personas, persona))

    response = client.get(reverse("roadmaps:detail", args=[getattr(roadmaps, key).pk]))

    assert response.status_code == (200 if visible else 404)


@pytest.mark.parametrize(("persona", "key", "visible"), MATRIX)
def test_roadmap_api_detail_visibility(client_for, personas, roadmaps, persona, key, visible):
    response = client_for(getattr(personas, persona)).get(f"/api/v1/roadmaps/{getattr(roadmaps, key).pk}/")

    assert response.status_code == (200 if visible else 404)


def test_roadmap_list_shows_only_visible(client, personas, roadmaps):
    client.force_login(personas.inspector)

    response = client.get(reverse("roadmaps:list"))

    assert [r.pk for r in response.context["rows"]] == [roadmaps.mahalla_a1a.pk]


EDIT = [
    ("district_official", "district_a1", 200),
    ("district_official", "mahalla_a1a", 200),
    ("district_official", "mahalla_a2a", 404),
    ("district_official", "region_a", 404),
    ("district_official", "mahalla_b1a", 404),
    ("region_officer", "district_a1", 403),
    ("region_officer", "mahalla_a1a", 403),
    ("region_officer", "region_a", 200),
    ("inspector", "mahalla_a1a", 403),
    ("social_worker", "mahalla_a1a", 403),
    ("national", "district_a1", 403),
    ("outsider", "mahalla_a1a", 404),
    ("nobody", "mahalla_a1a", 404),
]


@pytest.mark.parametrize(("persona", "key", "status"), EDIT)
def test_item_inline_edit_permission(client, personas, roadmaps, persona, key, status):
    item = getattr(roadmaps, key).items.get()
    client.force_login(getattr(personas, persona))

    response = client.post(reverse("roadmaps:item_edit", args=[item.pk]), {
        f"i{item.pk}-focus_area": "outreach", f"i{item.pk}-title": "Yangi nom", f"i{item.pk}-deadline": "2026-07-01",
        f"i{item.pk}-status": "planned", f"i{item.pk}-progress": "10"}, HTTP_HX_REQUEST="true")

    assert response.status_code == status
    item.refresh_from_db()
    assert (item.title == "Yangi nom") == (status == 200)


@pytest.mark.parametrize(("persona", "key", "status"), EDIT)
def test_item_api_create_permission(client_for, personas, roadmaps, persona, key, status):
    roadmap = getattr(roadmaps, key)

    response = client_for(getattr(personas, persona)).post(f"/api/v1/roadmaps/{roadmap.pk}/items/", {
        "focus_area": "cybersecurity", "title": "Karta firibgarligi", "deadline": "2026-09-01"}, format="json")

    assert response.status_code == {200: 201}.get(status, status)
    assert roadmap.items.count() == (2 if status == 200 else 1)


def test_district_official_creates_roadmaps_only_in_own_district(client_for, personas, territory, roadmaps):
    client = client_for(personas.district_official)

    own = client.post("/api/v1/roadmaps/", {"mahalla": territory.mahalla_a1b.pk, "year": YEAR}, format="json")
    other = client.post("/api/v1/roadmaps/", {"mahalla": territory.mahalla_a2a.pk, "year": YEAR + 1},
                        format="json")
    region = client.post("/api/v1/roadmaps/", {"region": territory.region_a.pk, "year": YEAR + 1}, format="json")

    assert own.status_code == 201
    assert other.status_code == 400 and "mahalla" in other.json()["errors"]  # not among the mahallas it may see
    assert region.status_code == 403


# --- approval ---------------------------------------------------------------------------------------

def _submitted(roadmap, by):
    return services.roadmap_submit(by=by, roadmap=roadmap)


def test_regional_staff_approve_district_roadmap(personas, roadmaps):
    roadmap = _submitted(roadmaps.district_a1, personas.district_official)

    assert can(fresh(personas.region_officer), "roadmaps.approve_roadmap", roadmap)
    assert not can(fresh(personas.district_official), "roadmaps.approve_roadmap", roadmap)
    assert not can(fresh(personas.national), "roadmaps.approve_roadmap", roadmap)
    assert not can(fresh(personas.inspector), "roadmaps.approve_roadmap", roadmap)


def test_district_official_approves_mahalla_roadmap_but_not_own_submission(personas, roadmaps, second_official):
    roadmap = _submitted(roadmaps.mahalla_a1a, personas.district_official)

    assert not can(fresh(personas.district_official), "roadmaps.approve_roadmap", roadmap)  # four eyes
    assert can(fresh(second_official), "roadmaps.approve_roadmap", roadmap)
    assert not can(fresh(personas.region_officer), "roadmaps.approve_roadmap", roadmap)
    assert not can(fresh(personas.outsider), "roadmaps.approve_roadmap", roadmap)


def test_approving_own_submission_is_refused_by_the_service_too(personas, roadmaps):
    roadmap = _submitted(roadmaps.mahalla_a1a, personas.district_official)

    with pytest.raises(services.RoadmapError) as error:
        services.roadmap_approve(by=personas.district_official, roadmap=roadmap)

    assert error.value.field == "status"


def test_national_approves_region_roadmap(personas, roadmaps):
    roadmap = _submitted(roadmaps.region_a, personas.region_officer)

    assert can(fresh(personas.national), "roadmaps.approve_roadmap", roadmap)
    assert not can(fresh(personas.region_officer), "roadmaps.approve_roadmap", roadmap)


def test_approve_over_http_as_district_official_of_district_roadmap_is_403(client, personas, roadmaps):
    roadmap = _submitted(roadmaps.district_a1, personas.district_official)
    client.force_login(personas.district_official)

    response = client.post(reverse("roadmaps:approve", args=[roadmap.pk]))

    assert response.status_code == 403
    assert Roadmap.objects.get(pk=roadmap.pk).status == "submitted"


def test_approve_over_api_as_outsider_is_404(client_for, personas, roadmaps):
    roadmap = _submitted(roadmaps.district_a1, personas.district_official)

    response = client_for(personas.outsider).post(f"/api/v1/roadmaps/{roadmap.pk}/approve/", {}, format="json")

    assert response.status_code == 404


def test_inspector_reads_items_but_cannot_change_them_over_api(client_for, personas, roadmaps):
    item = roadmaps.mahalla_a1a.items.get()
    client = client_for(personas.inspector)

    read = client.get(f"/api/v1/roadmaps/items/{item.pk}/")
    write = client.patch(f"/api/v1/roadmaps/items/{item.pk}/", {"progress": 50}, format="json")

    assert read.status_code == 200
    assert write.status_code == 403
    assert RoadmapItem.objects.get(pk=item.pk).progress == 0


def test_bulk_measure_refuses_mahalla_of_another_district(personas, territory):
    with pytest.raises(services.RoadmapError) as error:
        services.items_create_for_mahallas(
            by=personas.district_official, district=territory.district_a1, year=YEAR,
            mahallas=[territory.mahalla_a1a, territory.mahalla_a2a], focus_area="outreach", title="X",
            deadline=datetime.date(YEAR, 5, 1))

    assert error.value.field == "mahallas"
    assert not Roadmap.objects.filter(mahalla=territory.mahalla_a1a).exists()
