"""The open-data page cannot be differenced: no hidden count of crimes can be worked out from everything it and
its map publish, whatever periods and totals are combined (issue 14, item 6)."""

import datetime
import html
import json
import random
import re
from zoneinfo import ZoneInfo

import pytest

from core import periods as zone_periods
from dashboards import disclosure
from dashboards.selectors import public
from incidents.models import Incident, IncidentCategory
from mahallas.models import District
from tests.dashboards.attacker import Knowledge, table_equations

TASHKENT = ZoneInfo("Asia/Tashkent")


def published(grid, hidden):
    return [[None if (i, j) in hidden else v for j, v in enumerate(row)] for i, row in enumerate(grid)]


def recoverable(grid, hidden) -> list[tuple[int, int]]:
    """Hidden cells of an extended grid that the attacker can fix, by linear algebra or by bounds."""
    rows, cols = len(grid) - 1, len(grid[0]) - 1
    knowledge = Knowledge(table_equations(published(grid, hidden), lambda i, j: (i, j)))
    bounds = knowledge.bounds()
    found = []
    for i, j in sorted(hidden):
        cells = ([(i, j)] if i < rows and j < cols else
                 [(i, c) for c in range(cols)] if i < rows else
                 [(r, j) for r in range(rows)] if j < cols else
                 [(r, c) for r in range(rows) for c in range(cols)])
        free = (0, float("inf"))  # a cell in no equation at all
        low, high = sum(bounds.get(c, free)[0] for c in cells), sum(bounds.get(c, free)[1] for c in cells)
        if knowledge.determined(dict.fromkeys(cells, 1)) or low == high:
            found.append((i, j))
    return found


# --- The suppression itself ---------------------------------------------------------------------------


def test_a_lone_hidden_cell_in_a_line_takes_its_next_smallest_cell_with_it():
    grid = disclosure.extend([[3, 10, 40], [20, 30, 50], [60, 70, 80]])
    primary = {(0, 0)}
    assert recoverable(grid, primary) == [(0, 0)]  # row total minus the shown cells
    hidden = disclosure.protect(grid)
    assert {(0, 1), (1, 0)} <= hidden  # the next-smallest of its row and of its column
    assert recoverable(grid, hidden) == []


def test_a_hidden_cell_bridging_two_blocks_is_found_and_protected():
    # Every line has 0 or at least 2 hidden cells, yet (1, 2) is rows 0-1's hidden sums minus columns 0-1's.
    cells = [[50] * 4 for _ in range(4)]
    small = {(0, 0), (0, 1), (1, 0), (1, 1), (2, 2), (2, 3), (3, 2), (3, 3), (1, 2)}
    for i, j in small:
        cells[i][j] = 1
    grid = disclosure.extend(cells)
    assert disclosure.pinned(grid, small, (1, 2))
    assert (1, 2) in recoverable(grid, small)
    hidden = disclosure.protect(grid)
    assert hidden > small
    assert recoverable(grid, hidden) == []


def test_a_block_of_hidden_zeros_is_not_left_pinned_at_zero():
    cells = [[0, 0, 60], [0, 0, 70], [80, 90, 100]]
    grid = disclosure.extend(cells)
    primary = {(0, 0), (0, 1), (1, 0), (1, 1)}
    assert all(disclosure.pinned(grid, primary, c) for c in primary)
    assert sorted(recoverable(grid, primary)) == sorted(primary)  # the shown totals leave nothing for them
    hidden = disclosure.protect(grid)
    assert recoverable(grid, hidden) == []


@pytest.mark.parametrize("seed", range(6))
def test_no_hidden_count_is_recoverable_from_random_tables(seed):
    rng = random.Random(seed)
    for _ in range(40):
        rows, cols = rng.randint(1, 7), rng.randint(1, 6)
        cells = [[rng.choice([0, 0, 1, 2, 3, 4, rng.randint(5, 12), rng.randint(5, 300)]) for _ in range(cols)]
                 for _ in range(rows)]
        grid = disclosure.extend(cells)
        hidden = disclosure.protect(grid)
        assert all((i, j) in hidden for i, row in enumerate(grid) for j, v in enumerate(row) if v < 5)
        assert recoverable(grid, hidden) == [], cells


# --- The page, end to end -----------------------------------------------------------------------------


def _parse_table(page: str):
    """(category names, [(district, [cell or None], total or None)], totals row) of the crime table."""
    table = re.search(r"<table[^>]*data-public-crimes>(.*?)</table>", page, re.S).group(1)

    def cells(row):
        return [html.unescape(re.sub(r"<[^>]+>", "", c)).strip()
                for c in re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", row, re.S)]

    def number(text):
        return None if text == public.HIDDEN else int(text.replace("\u202f", ""))

    rows = [cells(r) for r in re.findall(r"<tr>(.*?)</tr>", table, re.S)]
    head, body, foot = rows[0], rows[1:-1], rows[-1]
    categories = head[2:-1]
    parsed = [(r[1], [number(c) for c in r[2:-1]], number(r[-1])) for r in body]
    return categories, parsed, ([number(c) for c in foot[2:-1]], number(foot[-1]))


def _months(period: zone_periods.Period) -> list[str]:
    first = period.starts.date()
    return [f"{first.year}-{first.month + k:02d}" for k in range(6)]


def _true_counts() -> dict:
    """{(district id, top-level category id, "YYYY-MM"): counted crimes}, from the incidents themselves."""
    counts: dict = {}
    for incident in Incident.objects.counted().select_related("mahalla", "category"):
        month = incident.occurred_at.astimezone(TASHKENT).strftime("%Y-%m")
        key = (incident.mahalla.district_id, incident.category.parent_id or incident.category_id, month)
        counts[key] = counts.get(key, 0) + 1
    return counts


def test_no_hidden_crime_count_is_recoverable_from_every_public_response(client, seeded, monkeypatch):
    monkeypatch.setattr(zone_periods, "today", lambda: datetime.date(2026, 12, 6))
    # given: every response the public can get: the page for each colour period and each published half-year,
    # the map for each colour period, and the dashboards' API (which is not public)
    front = client.get("/open/")
    assert front.status_code == 200
    select = re.search(r'<select[^>]*name="crimes">(.*?)</select>', front.content.decode(), re.S).group(1)
    offered = re.findall(r'<option value="([^"]+)"', select)
    assert offered == [p.key for p in public.crime_periods()] and "H1-2025" in offered
    tables = {}
    for key in offered:
        response = client.get(f"/open/?crimes={key}")
        assert response.status_code == 200
        tables[key] = _parse_table(response.content.decode())
    for period in zone_periods.choices():
        page = client.get(f"/open/?period={period.key}&crimes=H1-2025").content.decode()
        assert _parse_table(page) == tables["H1-2025"]  # the colour period changes no crime figure
        layer = json.loads(client.get(f"/open/map/?period={period.key}&zoom=8").content)
        for feature in layer["features"]:
            assert set(feature["properties"]) <= {"id", "name", "colour", "url", "lon", "lat"}
    for api in ("tiles", "table", "categories", "map", "trend", "ranking"):
        assert client.get(f"/api/v1/dashboards/{api}/").status_code in (401, 403)

    # the equations: every shown cell and total, over unknowns per district, category and month
    equations, hidden_targets = [], []
    truth = _true_counts()
    # rows and columns in the page's order: districts by region and name, top-level categories by sort order
    district_ids = list(District.objects.order_by("region__name_uz", "name_uz").values_list("pk", flat=True))
    category_ids = list(IncidentCategory.objects.filter(parent__isnull=True).order_by("sort_order", "pk")
                        .values_list("pk", flat=True))
    for key, (categories, rows, (column_totals, grand)) in tables.items():
        months = _months(zone_periods.Period.parse(key))
        grid = [[*cells, total] for _name, cells, total in rows] + [[*column_totals, grand]]
        assert len(rows) == len(district_ids) and len(categories) == len(category_ids)

        def unknown(i, j, months=months):
            return {(district_ids[i], category_ids[j], m): 1 for m in months}

        equations += table_equations(grid, unknown)
        n, w = len(rows), len(categories)
        for i, row in enumerate(grid):
            for j, value in enumerate(row):
                if value is None:
                    cells = [(r, c) for r in (range(n) if i == n else [i]) for c in (range(w) if j == w else [j])]
                    target = {}
                    for r, c in cells:
                        target.update(unknown(r, c))
                    hidden_targets.append((key, i, j, target, sum(truth.get(k, 0) for k in target)))
    # the figures published are the counted crimes (incidents.querysets.counted_sql), cell by cell
    for combination, value in equations:
        assert sum(truth.get(k, 0) for k in combination) == value

    # then: the attack
    knowledge = Knowledge(equations)
    bounds = knowledge.bounds()
    small = [t for t in hidden_targets if t[4] < disclosure.THRESHOLD]
    assert small and len(hidden_targets) > len(small)  # secondary suppression happened too
    assert any(v is not None for _n, cells, _t in tables["H1-2025"][1] for v in cells)
    for key, i, j, target, value in hidden_targets:
        assert not knowledge.determined(target), (key, i, j, value)
        low = sum(bounds.get(k, (0, float("inf")))[0] for k in target)
        high = sum(bounds.get(k, (0, float("inf")))[1] for k in target)
        assert low < high, (key, i, j, value)
    # every pair of published half-years, and any finer period: no difference or sum fixes a small count
    for a in tables:
        for b in tables:
            if a < b:
                assert not set(_months(zone_periods.Period.parse(a))) & set(_months(zone_periods.Period.parse(b)))
    for district, category, month in truth:
        quarter = [f"{month[:4]}-{(int(month[5:]) - 1) // 3 * 3 + k:02d}" for k in (1, 2, 3)]
        for target in ({(district, category, month): 1}, {(district, category, m): 1 for m in quarter}):
            if sum(truth.get(k, 0) for k in target) < disclosure.THRESHOLD:
                assert not knowledge.determined(target), target


@pytest.mark.parametrize("key", ["2025", "Q1-2025", "Q3-2025", "current", "H2-2026", "H9-2025", "x" * 300])
def test_crime_figures_are_refused_for_any_period_but_a_settled_half_year(client, key):
    response = client.get("/open/", {"crimes": key})
    assert response.status_code == 400
    assert response.content.decode().startswith("crimes:")


def test_only_settled_half_years_are_published():
    keys = [p.key for p in public.crime_periods(datetime.date(2026, 12, 6))]
    assert keys == ["H1-2026", "H2-2025", "H1-2025", "H2-2024", "H1-2024"]
    assert public.crime_periods(datetime.date(2026, 10, 1))[0].key == "H1-2026"  # 93 days after 30 June
    assert public.crime_periods(datetime.date(2026, 9, 30))[0].key == "H2-2025"
