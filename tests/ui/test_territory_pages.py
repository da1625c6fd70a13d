"""The territory browser: each page per persona (in scope 200, out of scope 404), HTMX fragments, queries."""

import datetime

import pytest
from django.urls import reverse

from accounts.models import Role
from tests.factories import AssignmentFactory, MahallaFactory, UserFactory

pytestmark = pytest.mark.django_db


def page(client, user, name, *args, **params):
    client.force_login(user)
    return client.get(reverse(name, args=args), params)


def _url(territory, level, key):
    return f"territories:{level}", getattr(territory, key).pk


IN_SCOPE = [
    ("national", "region", "region_b"), ("national", "district", "district_b1"),
    ("national", "mahalla", "mahalla_b1a"),
    ("region_officer", "region", "region_a"), ("region_officer", "district", "district_a2"),
    ("region_officer", "mahalla", "mahalla_a2a"),
    ("district_official", "region", "region_a"), ("district_official", "district", "district_a1"),
    ("district_official", "mahalla", "mahalla_a1b"),
    ("operator", "district", "district_a1"), ("operator", "mahalla", "mahalla_a1a"),
    ("inspector", "region", "region_a"), ("inspector", "district", "district_a1"),
    ("inspector", "mahalla", "mahalla_a1a"),
    ("social_worker", "mahalla", "mahalla_a1a"),
    ("outsider", "mahalla", "mahalla_b1a"),
]

OUT_OF_SCOPE = [
    # across regions
    ("region_officer", "region", "region_b"), ("region_officer", "district", "district_b1"),
    ("region_officer", "mahalla", "mahalla_b1a"),
    ("outsider", "region", "region_a"), ("outsider", "district", "district_a1"),
    ("outsider", "mahalla", "mahalla_a1a"),
    # across districts of one region
    ("district_official", "district", "district_a2"), ("district_official", "mahalla", "mahalla_a2a"),
    ("operator", "mahalla", "mahalla_a2a"),
    # across mahallas of one district
    ("inspector", "mahalla", "mahalla_a1b"), ("social_worker", "mahalla", "mahalla_a1b"),
    ("inspector", "district", "district_a2"), ("inspector", "region", "region_b"),
    # no role at all
    ("nobody", "region", "region_a"), ("nobody", "district", "district_a1"),
    ("nobody", "mahalla", "mahalla_a1a"),
]


@pytest.mark.parametrize(("persona", "level", "key"), IN_SCOPE)
def test_territory_page_in_scope_returns_200(client, personas, territory, persona, level, key):
    name, pk = _url(territory, level, key)

    response = page(client, getattr(personas, persona), name, pk)

    assert response.status_code == 200


@pytest.mark.parametrize(("persona", "level", "key"), OUT_OF_SCOPE)
def test_territory_page_out_of_scope_returns_404(client, personas, territory, persona, level, key):
    name, pk = _url(territory, level, key)

    response = page(client, getattr(personas, persona), name, pk)

    assert response.status_code == 404


@pytest.mark.parametrize("level", ["region", "district", "mahalla"])
def test_territory_page_for_missing_id_returns_404_like_out_of_scope(client, personas, level):
    assert page(client, personas.national, f"territories:{level}", 987654).status_code == 404


@pytest.mark.parametrize("name", ["territories:home", "territories:mine"])
def test_lists_when_signed_out_redirect_to_login(client, name):
    response = client.get(reverse(name))

    assert response.status_code == 302 and response.url.startswith(reverse("accounts:login"))


def test_national_page_as_national_lists_every_region_with_counts(client, personas, territory):
    response = page(client, personas.national, "territories:home")

    rows = {r.pk: r for r in response.context["rows"]}
    assert set(rows) == {territory.region_a.pk, territory.region_b.pk}
    assert rows[territory.region_a.pk].district_count == 2
    assert rows[territory.region_a.pk].mahalla_count == 3
    assert rows[territory.region_a.pk].population == 3 * 4000
    html = response.content.decode()
    assert 'data-geojson-url="/api/v1/geo/regions/"' in html


def test_national_page_as_region_officer_shows_only_their_region(client, personas, territory):
    response = page(client, personas.region_officer, "territories:home")

    assert [r.pk for r in response.context["rows"]] == [territory.region_a.pk]


def test_national_page_counts_only_what_the_user_may_see(client, personas, territory):
    response = page(client, personas.district_official, "territories:home")

    (row,) = response.context["rows"]
    assert (row.district_count, row.mahalla_count) == (1, 2)
    assert response.context["totals"]["mahalla_count"] == 2


def test_region_page_lists_its_districts_and_map_layer(client, personas, territory):
    response = page(client, personas.region_officer, "territories:region", territory.region_a.pk)

    assert [d.pk for d in response.context["rows"]] == [territory.district_a1.pk, territory.district_a2.pk]
    html = response.content.decode()
    assert f'data-geojson-url="/api/v1/geo/districts/?region={territory.region_a.pk}"' in html
    assert reverse("territories:district", args=[territory.district_a1.pk]) in html


def test_district_page_lists_mahallas_with_assigned_staff(client, personas, territory):
    response = page(client, personas.district_official, "territories:district", territory.district_a1.pk)

    rows = {m.pk: m for m in response.context["rows"]}
    assert set(rows) == {territory.mahalla_a1a.pk, territory.mahalla_a1b.pk}
    assert rows[territory.mahalla_a1a.pk].inspector.user == personas.inspector
    assert rows[territory.mahalla_a1a.pk].social_worker.user == personas.social_worker
    assert rows[territory.mahalla_a1b.pk].inspector is None
    html = response.content.decode()
    assert personas.inspector.get_full_name() in html
    assert f'data-geojson-url="/api/v1/geo/mahallas/?district={territory.district_a1.pk}"' in html


def test_district_page_leaves_out_ended_assignments(client, personas, territory):
    past = UserFactory(username="retired", role=Role.INSPECTOR)
    AssignmentFactory(user=past, mahalla=territory.mahalla_a1b, starts_on=datetime.date(2020, 1, 1),
                      ends_on=datetime.date(2021, 1, 1))

    response = page(client, personas.district_official, "territories:district", territory.district_a1.pk)

    row = next(m for m in response.context["rows"] if m.pk == territory.mahalla_a1b.pk)
    assert row.inspector is None


def test_district_page_table_query_count_does_not_grow_with_rows(client, personas, territory,
                                                                 django_assert_max_num_queries):
    for n in range(30):
        mahalla = MahallaFactory(district=territory.district_a1, code=f"1709{n:04d}")
        AssignmentFactory(user=UserFactory(username=f"insp{n}", role=Role.INSPECTOR), mahalla=mahalla)
        AssignmentFactory(user=UserFactory(username=f"soc{n}", role=Role.SOCIAL_WORKER,
                                           phone="+998 90 000 00 00"), mahalla=mahalla)
    client.force_login(personas.district_official)
    url = reverse("territories:district", args=[territory.district_a1.pk])

    # 14: the field-work panel counts the reports overdue for a decision, the zone panel the reports awaiting
    # verification (one query each, whatever the rows).
    with django_assert_max_num_queries(14):
        response = client.get(url)

    assert len(response.context["rows"]) == 32


def test_mahalla_page_shows_figures_staff_with_phone_and_history(client, personas, territory):
    personas.inspector.phone = "+998 90 123 45 67"
    personas.inspector.save()
    earlier = UserFactory(username="earlier", first_name="Oldingi", last_name="Inspektor",
                          role=Role.INSPECTOR)
    AssignmentFactory(user=earlier, mahalla=territory.mahalla_a1a, starts_on=datetime.date(2020, 1, 1),
                      ends_on=datetime.date(2021, 1, 1))

    response = page(client, personas.district_official, "territories:mahalla", territory.mahalla_a1a.pk)

    html = response.content.decode()
    assert response.context["mahalla"].inspector.user == personas.inspector
    assert 'href="tel:+998 90 123 45 67"' in html
    assert "Oldingi Inspektor" in html
    assert len(response.context["history"]) == 3
    assert f'data-highlight-id="{territory.mahalla_a1a.pk}"' in html
    assert reverse("territories:region", args=[territory.region_a.pk]) in html  # breadcrumbs
    assert reverse("territories:district", args=[territory.district_a1.pk]) in html


def test_my_mahallas_as_inspector_lists_only_assigned(client, personas, territory):
    response = page(client, personas.inspector, "territories:mine")

    assert [m.pk for m in response.context["rows"]] == [territory.mahalla_a1a.pk]


def test_my_mahallas_without_assignments_says_so(client, personas):
    lonely = UserFactory(username="lonely", role=Role.SOCIAL_WORKER)

    response = page(client, lonely, "territories:mine")

    assert response.status_code == 200
    assert list(response.context["rows"]) == []


# --- Search and pagination through HTMX ------------------------------------------------------------------


def test_search_filters_rows_by_name(client, personas, territory):
    district = territory.district_a1

    response = page(client, personas.district_official, "territories:district", district.pk, q="navro")

    assert [m.pk for m in response.context["rows"]] == [territory.mahalla_a1b.pk]


def test_search_filters_rows_by_code(client, personas, territory):
    response = page(client, personas.national, "territories:home", q="1700002")

    assert [r.pk for r in response.context["rows"]] == [territory.region_b.pk]


def test_htmx_search_returns_only_the_rows_fragment(client, personas, territory):
    client.force_login(personas.district_official)
    url = reverse("territories:district", args=[territory.district_a1.pk])

    response = client.get(url, {"q": "navro"}, headers={"HX-Request": "true"})

    html = response.content.decode()
    assert [t.name for t in response.templates][0] == "territories/_mahalla_rows.html"
    assert "<html" not in html and "<table" in html
    assert "Navro" in html and "Bog&#x27;ishamol" not in html and "Bog'ishamol" not in html
    assert "HX-Request" in response["Vary"]


def test_htmx_history_restore_gets_the_whole_page(client, personas, territory):
    client.force_login(personas.district_official)
    url = reverse("territories:district", args=[territory.district_a1.pk])

    response = client.get(url, headers={"HX-Request": "true", "HX-History-Restore-Request": "true"})

    assert "<html" in response.content.decode()


def test_htmx_search_cannot_reach_outside_scope(client, personas, territory):
    client.force_login(personas.district_official)
    url = reverse("territories:district", args=[territory.district_a1.pk])

    response = client.get(url, {"q": "Tinchlik"}, headers={"HX-Request": "true"})

    assert list(response.context["rows"]) == []


def test_tables_are_paginated(client, personas, territory):
    for n in range(55):
        MahallaFactory(district=territory.district_a1, code=f"1708{n:04d}", name_uz=f"Qo'shimcha {n:02d} MFY")
    client.force_login(personas.district_official)
    url = reverse("territories:district", args=[territory.district_a1.pk])

    first = client.get(url)
    second = client.get(url, {"page": 2}, headers={"HX-Request": "true"})

    assert len(first.context["rows"]) == 50
    assert len(second.context["rows"]) == 7
    assert "page=2" in first.content.decode()


@pytest.mark.parametrize("language", ["uz", "ru", "en"])
def test_pages_have_no_inline_script_or_style(client, personas, territory, language):
    client.force_login(personas.district_official)
    client.post(reverse("set_language"), {"language": language})
    for url in [reverse("territories:home"), reverse("territories:region", args=[territory.region_a.pk]),
                reverse("territories:district", args=[territory.district_a1.pk]),
                reverse("territories:mahalla", args=[territory.mahalla_a1a.pk])]:
        html = client.get(url).content.decode()
        assert "<script>" not in html, url
        assert " onclick=" not in html and ' style="' not in html, url
