"""Progress roll-up mahalla -> district -> region with known numbers; overdue; KPIs behind target."""

import datetime

import pytest
from django.urls import reverse

from roadmaps import selectors, services
from roadmaps.models import RoadmapItem

from .conftest import YEAR, fresh

pytestmark = pytest.mark.django_db
TODAY = datetime.date(YEAR, 7, 1)


@pytest.fixture
def progress(personas, roadmaps):
    by = personas.district_official
    own = roadmaps.district_a1
    services.item_create(by=by, roadmap=own, focus_area="social_services", title="Done early", progress=30,
                         status="done", deadline=datetime.date(YEAR, 3, 1))
    services.item_create(by=by, roadmap=own, focus_area="social_services", title="Cancelled",
                         status="cancelled", deadline=datetime.date(YEAR, 3, 1))
    mahalla = roadmaps.mahalla_a1a
    first = mahalla.items.get()
    services.item_update(by=by, item=first, status="in_progress", progress=80)
    later = services.item_create(by=by, roadmap=mahalla, focus_area="cybersecurity", title="Later",
                                 progress=20, deadline=datetime.date(YEAR, 12, 31))
    up = services.kpi_create(by=by, item=first, indicator="Sessions", target=10)
    down = services.kpi_create(by=by, item=later, indicator="Card fraud cases", target=3, direction="decrease")
    services.kpi_create(by=by, item=later, indicator="Not reported yet", target=1)
    services.kpi_record(by=by, kpi=up, on=datetime.date(YEAR, 5, 1), value=5)
    services.kpi_record(by=by, kpi=down, on=datetime.date(YEAR, 5, 1), value=2)
    return roadmaps


def test_district_rollup_with_known_numbers(personas, territory, progress):
    rollup = selectors.territory_rollup(fresh(personas.district_official), territory.district_a1, year=YEAR,
                                        today=TODAY)

    total = rollup.total
    assert (total.items, total.done, total.cancelled, total.completion_pct, total.overdue) == (4, 1, 1, 50, 2)
    assert (total.kpis, total.kpis_behind, total.kpis_unreported) == (3, 1, 1)
    assert (rollup.own.items, rollup.own.completion_pct, rollup.own.overdue) == (2, 50, 1)
    rows = {row.territory.pk: row.progress for row in rollup.rows}
    assert (rows[territory.mahalla_a1a.pk].items, rows[territory.mahalla_a1a.pk].completion_pct) == (2, 50)
    assert rows[territory.mahalla_a1a.pk].overdue == 1
    assert rows[territory.mahalla_a1b.pk].items == 0


def test_region_rollup_adds_districts_and_own_roadmap(personas, territory, progress):
    rollup = selectors.territory_rollup(fresh(personas.region_officer), territory.region_a, year=YEAR, today=TODAY)

    assert (rollup.total.items, rollup.total.completion_pct, rollup.total.overdue) == (6, 33, 4)
    rows = {row.territory.pk: row.progress for row in rollup.rows}
    assert (rows[territory.district_a1.pk].items, rows[territory.district_a1.pk].completion_pct) == (4, 50)
    assert (rows[territory.district_a2.pk].items, rows[territory.district_a2.pk].overdue) == (1, 1)
    assert (rollup.own.items, rollup.own.overdue) == (1, 1)


def test_mahalla_rollup_and_inspector_sees_only_own(personas, territory, progress):
    inspector = fresh(personas.inspector)

    mahalla = selectors.territory_rollup(inspector, territory.mahalla_a1a, year=YEAR, today=TODAY)
    nation = selectors.territory_rollup(inspector, None, year=YEAR, today=TODAY)

    assert (mahalla.total.items, mahalla.total.completion_pct, mahalla.total.kpis_behind) == (2, 50, 1)
    assert nation.total.items == 2  # the inspector's scope: one mahalla's roadmap, nothing above it
    assert [row.territory.pk for row in nation.rows] == [territory.region_a.pk]


def test_overdue_queryset_and_selector(territory, progress):
    overdue = RoadmapItem.objects.overdue(TODAY)
    annotated = {i.title: i.is_overdue for i in RoadmapItem.objects.with_overdue(TODAY)
                 .filter(roadmap=progress.mahalla_a1a)}

    assert annotated == {"Huquqiy savodxonlik darslari": True, "Later": False}
    assert not overdue.filter(status__in=["done", "cancelled"]).exists()
    by_mahalla = selectors.overdue_items_by_mahalla(
        [territory.mahalla_a1a.pk, territory.mahalla_a1b.pk, territory.mahalla_a2a.pk, territory.mahalla_b1a.pk],
        today=TODAY)
    assert by_mahalla == {territory.mahalla_a1a.pk: 1, territory.mahalla_a2a.pk: 1, territory.mahalla_b1a.pk: 1}


def test_pending_revision_is_not_counted_twice(personas, territory, progress):
    roadmap = services.roadmap_submit(by=personas.district_official, roadmap=progress.district_a1)
    roadmap = services.roadmap_approve(by=personas.region_officer, roadmap=roadmap)
    services.roadmap_revise(by=personas.district_official, roadmap=roadmap)

    rollup = selectors.territory_rollup(fresh(personas.district_official), territory.district_a1, year=YEAR,
                                        today=TODAY)

    assert rollup.total.items == 4
    assert selectors.overdue_items_by_mahalla([territory.mahalla_a1a.pk], today=TODAY) == {
        territory.mahalla_a1a.pk: 1}


def test_rollup_page_and_territory_panel(client, personas, territory, progress):
    client.force_login(personas.district_official)

    page = client.get(reverse("roadmaps:rollup"), {"year": YEAR})
    district_page = client.get(reverse("territories:district", args=[territory.district_a1.pk]))
    panel = client.get(reverse("roadmaps:panel", args=["district", territory.district_a1.pk]), HTTP_HX_REQUEST="true")
    hidden = client.get(reverse("roadmaps:panel", args=["district", territory.district_a2.pk]))

    assert page.status_code == 200 and page.context["rollup"].total.items == 4
    assert "Bog&#x27;ishamol MFY" in page.content.decode()
    assert reverse("roadmaps:panel", args=["district", territory.district_a1.pk]) in district_page.content.decode()
    assert panel.status_code == 200 and [r.pk for r in panel.context["roadmaps"]] == [progress.district_a1.pk]
    assert hidden.status_code == 404


def test_rollup_api_out_of_scope_is_404(client_for, personas, territory, progress):
    ok = client_for(personas.district_official).get("/api/v1/roadmaps/progress/",
                                             {"level": "district", "id": territory.district_a1.pk, "year": YEAR})
    hidden = client_for(personas.district_official).get("/api/v1/roadmaps/progress/",
                                                 {"level": "district", "id": territory.district_a2.pk})

    assert ok.status_code == 200 and ok.json()["total"]["items"] == 4
    assert hidden.status_code == 404


def test_territory_progress_in_one_query_matches_the_rollup(personas, territory, progress,
                                                            django_assert_num_queries):
    user = fresh(personas.region_officer)
    rollup = selectors.territory_rollup(user, territory.region_a, year=YEAR, today=TODAY)

    with django_assert_num_queries(1):
        totals = selectors.territory_progress(user, territory.region_a, year=YEAR, today=TODAY)

    assert totals == rollup.total


@pytest.mark.parametrize("year", ["9" * 400, "²⁰²⁶", "-1", "1999", "abc", "20260"])
def test_year_parameters_of_any_shape_are_a_400_naming_year(client_for, personas, progress, year):
    client = client_for(personas.district_official)
    listing = client.get("/api/v1/roadmaps/", {"year": year})
    rollup = client.get("/api/v1/roadmaps/progress/", {"year": year})
    assert listing.status_code == rollup.status_code == 400
    assert "year" in listing.json()["errors"] and "year" in rollup.json()["errors"]


@pytest.mark.parametrize("year", ["9" * 400, "²⁰²⁶"])
def test_roadmap_pages_ignore_a_malformed_year(client, personas, progress, year):
    client.force_login(personas.district_official)
    assert client.get(reverse("roadmaps:list"), {"year": year}).status_code == 200
    assert client.get(reverse("roadmaps:rollup"), {"year": year}).status_code == 200
