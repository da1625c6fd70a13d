"""The open-data page for residents (issue 16): regions -> districts -> mahallas with subtotals, a search by
mahalla name (HTMX swaps the table), sortable columns, the colour map on the page, and region subtotals of the
crime table that never give a hidden figure away."""

import datetime
import html
import json
import re

import pytest

from core import periods as zone_periods
from dashboards.selectors import public

Q2 = "period=Q2-2025"


@pytest.fixture(autouse=True)
def _settled(monkeypatch):
    # H1-2025 is published (settled) on this day.
    monkeypatch.setattr(zone_periods, "today", lambda: datetime.date(2026, 12, 6))


def units(page: str) -> list[list[str]]:
    """The rows of the colour table: cell texts, the head row first."""
    table = re.search(r"<table[^>]*data-public-units[^>]*>(.*?)</table>", page, re.S).group(1)
    rows = re.findall(r"<tr[^>]*>(.*?)</tr>", table, re.S)
    cells = r"<t[hd][^>]*>(.*?)</t[hd]>"
    return [[html.unescape(re.sub(r"<[^>]+>|\s+", " ", c)).strip() for c in re.findall(cells, r, re.S)] for r in rows]


def test_regions_then_districts_then_mahallas_with_subtotals(client, territory, seeded, in_english):
    rows = units(client.get(f"/open/?{Q2}").content.decode())
    assert [r[0] for r in rows[1:-1]] == ["North Region", "South Region"]
    # mahallas, green, yellow, red, no status: a1a red, a1b green, a2a yellow (North); b1a green (South)
    assert rows[1][1:] == ["3", "1", "1", "1", "0"] and rows[2][1:] == ["1", "1", "0", "0", "0"]
    assert rows[-1][1:] == ["4", "2", "1", "1", "0"]  # the country's total

    rows = units(client.get(f"/open/?{Q2}&region={territory.region_a.pk}").content.decode())
    names = [r[0] for r in rows[1:-1]]
    assert names == [territory.district_a1.name, territory.district_a2.name]
    assert rows[-1][1:] == ["3", "1", "1", "1", "0"]  # the region's subtotal

    page = client.get(f"/open/?{Q2}&district={territory.district_a1.pk}").content.decode()
    assert [r[:2] for r in units(page)[1:]] == [[territory.mahalla_a1a.name, "red"],
                                                 [territory.mahalla_a1b.name, "green"]]
    # the map on the page draws the chosen district's mahallas; its layer carries each mahalla's colour
    layer_url = html.unescape(re.search(r'data-dashboard-map-url="([^"]+)"', page).group(1))
    assert f"district={territory.district_a1.pk}" in layer_url
    layer = json.loads(client.get(layer_url + "&zoom=8", HTTP_ACCEPT="application/geo+json").content)
    assert {f["id"]: f["properties"]["colour"] for f in layer["features"]} == {
        territory.mahalla_a1a.pk: "red", territory.mahalla_a1b.pk: "green"}


def test_search_by_mahalla_name_answers_the_table_alone_to_htmx(client, territory, seeded, in_english):
    page = client.get(f"/open/?{Q2}&q=navro").content.decode()
    rows = units(page)
    assert [r[0] for r in rows[1:]] == [territory.mahalla_a1b.name]
    assert territory.district_a1.name in rows[1][1]  # where it is
    fragment = client.get(f"/open/?{Q2}&q=navro", HTTP_HX_REQUEST="true")
    text = fragment.content.decode()
    assert fragment.status_code == 200 and "<html" not in text and 'id="public-units"' in text
    assert "HX-Request" in fragment["Vary"]
    assert "data-public-crimes" not in text  # the search reaches no crime figure
    assert "No mahalla of that name." in client.get(f"/open/?{Q2}&q=zzzz").content.decode()


def test_columns_sort_both_ways_and_an_unknown_sort_falls_back_to_names(client, territory, seeded, in_english):
    region = f"{Q2}&region={territory.region_a.pk}"
    a1, a2 = territory.district_a1.name, territory.district_a2.name
    first = units(client.get(f"/open/?{region}&sort=-mahallas").content.decode())
    assert [r[0] for r in first[1:-1]] == [a1, a2]
    page = client.get(f"/open/?{region}&sort=mahallas").content.decode()
    assert [r[0] for r in units(page)[1:-1]] == [a2, a1]
    assert 'aria-sort="ascending"' in page
    assert [r[0] for r in units(client.get(f"/open/?{region}&sort=nonsense").content.decode())[1:-1]] == [a1, a2]
    mahallas = units(client.get(f"/open/?{Q2}&district={territory.district_a1.pk}&sort=colour").content.decode())
    assert [r[1] for r in mahallas[1:]] == ["red", "green"]


def _crime_rows(page: str):
    table = re.search(r"<table[^>]*data-public-crimes>(.*?)</table>", page, re.S).group(1)
    found = []
    for attrs, row in re.findall(r"<tr([^>]*)>(.*?)</tr>", table, re.S):
        cells = [html.unescape(re.sub(r"<[^>]+>", "", c)).strip() for c in re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>",
                                                                                     row, re.S)]
        found.append(("subtotal" if "data-public-subtotal" in attrs else "row", cells))
    return found


def _number(text):
    return None if text == public.HIDDEN else int(text.replace("\u202f", ""))


@pytest.mark.parametrize("region", ["region_a", "region_b", None])
def test_region_subtotals_show_only_sums_of_shown_figures(client, territory, seeded, region):
    query = f"crimes=H1-2025&region={getattr(territory, region).pk}" if region else "crimes=H1-2025"
    rows = _crime_rows(client.get(f"/open/?{query}").content.decode())
    groups, current = [], []
    for kind, cells in rows[1:-1]:  # between the head row and the country's totals
        if kind == "row":
            current.append([_number(c) for c in cells[2:]])
        else:
            groups.append((current, [_number(c) for c in cells[2:]]))
            current = []
    assert groups and not current
    hidden_subtotals = 0
    for districts, subtotal in groups:
        for j, value in enumerate(subtotal):
            column = [d[j] for d in districts]
            if any(v is None for v in column):
                assert value is None  # one hidden figure hides the subtotal
                hidden_subtotals += 1
            else:
                assert value == sum(column)
    if region is None:
        assert hidden_subtotals  # the seeded table has small counts: some subtotals must be hidden


def test_crime_groups_hide_a_subtotal_over_a_hidden_figure():
    rows = [public.CrimeRow("R", "D1", ["7", public.HIDDEN], public.HIDDEN, 1, [7, None, None]),
            public.CrimeRow("R", "D2", ["9", "6"], "15", 1, [9, 6, 15]),
            public.CrimeRow("S", "D3", ["8", "5"], "13", 2, [8, 5, 13])]
    table = public.CrimeTable(None, ["a", "b"], rows, rows[0], 1)
    (r, r_rows), (s, _s_rows) = public.crime_groups(table)
    assert (r.cells, r.total, len(r_rows)) == (["16", public.HIDDEN], public.HIDDEN, 2)
    assert (s.cells, s.total) == (["8", "5"], "13")
    assert [g.region_id for g, _ in public.crime_groups(table, 2)] == [2]


def test_the_map_address_gives_a_person_the_page_and_a_program_the_layer(client, territory, seeded):
    person = client.get(f"/open/map/?{Q2}", HTTP_ACCEPT="text/html,application/xhtml+xml,*/*;q=0.8")
    assert person.status_code == 302 and person["Location"].startswith("/open/?period=Q2-2025")
    assert "Accept" in person["Vary"]
    program = client.get(f"/open/map/?{Q2}&zoom=8", HTTP_ACCEPT="application/geo+json, application/json")
    assert program.status_code == 200 and program["Content-Type"] == "application/geo+json"
    assert len(json.loads(program.content)["features"]) == 4
    assert client.get(f"/open/map/?{Q2}&zoom=8").status_code == 200  # no Accept header: the data


def test_territory_maps_get_the_colours_of_visible_mahallas_only(client, personas, territory, seeded):
    assert client.get("/api/v1/dashboards/colours/").status_code in (401, 403)
    client.force_login(personas.district_official)
    answer = client.get(f"/api/v1/dashboards/colours/?period=Q2-2025&district={territory.district_a1.pk}").json()
    assert answer["period"] == "Q2-2025"
    assert answer["colours"] == {str(territory.mahalla_a1a.pk): "red", str(territory.mahalla_a1b.pk): "green"}
    everything = client.get("/api/v1/dashboards/colours/?period=Q2-2025").json()["colours"]
    assert set(everything) == {str(territory.mahalla_a1a.pk), str(territory.mahalla_a1b.pk)}  # own district only
    assert client.get("/api/v1/dashboards/colours/?period=nonsense").status_code == 400


def test_the_page_opens_with_the_quarter_so_far_like_every_other_page(client, territory, in_english):
    # 6 December 2026 (the fixture's day): Q4 2026 so far; the rolling 90 days only when asked for, by that name.
    page = client.get("/open/").content.decode()
    assert 'value="Q4-2026" selected' in page and "Find your mahalla: colours, Q4 2026" in page
    asked = client.get("/open/?period=current").content.decode()
    assert 'value="current" selected' in asked and "last 90 days" in asked
    unreadable = client.get("/open/?period=Q9-2026").content.decode()
    assert 'value="Q4-2026" selected' in unreadable
