"""The open-data page in real Chromium at phone and desktop size: the colour map and table, and the crime table
of a settled half-year with hidden figures marked, inside its own scroll box (the page itself never scrolls
sideways). Screenshots go to /tmp/shots-public/ for a person to look at."""

import datetime
from pathlib import Path

import pytest

from core import periods as zone_periods
from dashboards.selectors import public as open_data
from tests.browser_support import csp_violations
from tests.dashboards.conftest import _local_cache, _no_doorbell, seeded  # noqa: F401 - shared fixtures

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

SHOTS = Path("/tmp/shots-public")
SIZES = {"desktop": (1366, 900), "phone": (390, 844)}


@pytest.mark.parametrize("size", list(SIZES))
@pytest.mark.parametrize("locale", ["en-US", "ru-RU"])
def test_public_page_shows_colours_and_a_protected_crime_table(live_server, page_factory, seeded, monkeypatch,  # noqa: F811
                                                                size, locale):
    monkeypatch.setattr(zone_periods, "today", lambda: datetime.date(2026, 12, 6))
    width, height = SIZES[size]
    page = page_factory(width=width, height=height, locale=locale)
    page.goto(f"{live_server.url}/open/?period=Q2-2025&crimes=H1-2025")
    page.wait_for_selector(".dash-map path.leaflet-interactive", timeout=15_000)
    page.wait_for_load_state("networkidle")
    assert page.locator(".dash-map path.leaflet-interactive").count() == 4
    page.click(".dash-public-crimes summary")  # every district's figures are folded under one summary
    cells = page.locator("[data-public-crimes] td.num").all_inner_texts()
    assert open_data.HIDDEN in cells and any(c.replace("\u202f", "").isdigit() for c in cells)
    assert page.locator("#public-crimes option").count() == len(open_data.crime_periods())
    assert page.evaluate("document.scrollingElement.scrollWidth") <= width
    if locale == "ru-RU":
        assert "Преступления за" in page.inner_text("form.dash-period")
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"public-{size}-{locale[:2]}.png"), full_page=True)
    assert csp_violations(page) == []
