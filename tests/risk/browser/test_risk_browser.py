"""Issue 18 in a real browser: an inspector's visit plan on a phone, ticked by the visit they log through the real
form; the ranking page with its backtest table and hot-spot map; a district official's plan and its one-click
measure; the hot-spot overlay of the dashboards map. Nothing is wider than the screen.

Screenshots go to $SCREENS_DIR (default /tmp/shots-risk); docs/screens/risk-*.png were taken with
SCREENS_DIR=docs/screens."""

import datetime
import os
from pathlib import Path

import pytest
from django.utils import timezone

from accounts.models import Assignment
from core import dates
from incidents.models import FieldVisit
from mahallas.models import Mahalla
from risk.models import SpotKind
from roadmaps.models import RoadmapItem
from tests.browser_support import csp_violations
from tests.conftest import PASSWORD
from tests.factories import MahallaFactory, square
from tests.incidents.factories import FieldVisitFactory, SupportCaseFactory, ensure_incident_categories

from ..factories import BacktestFactory, HotSpotFactory, RiskScoreFactory, components, this_monday

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

SHOTS = Path(os.environ.get("SCREENS_DIR", "/tmp/shots-risk"))
PHONE = (390, 844)
DESKTOP = (1366, 900)
NAMES = ["Chilonzor MFY", "Ko'kcha MFY", "Olmazor MFY", "Yunusobod MFY", "Sag'bon MFY", "Qoraqamish MFY",
         "Beshyog'och MFY", "Ipakchi MFY"]


def sign_in(page, base_url, username):
    page.goto(f"{base_url}/accounts/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORD)
    page.click("form[action$=\"/accounts/login/\"] button[type=submit]")
    page.wait_for_load_state("networkidle")


def shot(page, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"risk-{name}.png"), full_page=True)


def fits(page, width: int) -> bool:
    return page.evaluate("document.documentElement.scrollWidth") <= width


@pytest.fixture
def district_scored(personas, territory):
    """District A1 with ten mahallas scored for this week; the inspector covers three of them."""
    ensure_incident_categories()  # an earlier transactional test's flush removed the seeded ones
    week = this_monday()
    extra = [MahallaFactory(district=territory.district_a1, code=f"170100{10 + i}", name_uz=name, name_en=name,
                            boundary=square(63.55 + 0.09 * (i % 4), 41.09 + 0.09 * (i // 4), 0.04),
                            population=2000 + 500 * i)
             for i, name in enumerate(NAMES)]
    mahallas = [territory.mahalla_a1a, territory.mahalla_a1b, *extra]
    for i, mahalla in enumerate(mahallas):
        RiskScoreFactory(mahalla=mahalla, week=week, score=round(5.2 - 0.45 * i, 2), baseline_count=12 - i,
                         rank_national=i + 1, rank_district=i + 1,
                         components=components(max(0, 6 - i), usual=round(0.8 + 0.1 * i, 1), theft=max(0, 4 - i),
                                               hot_neighbours=2 if i < 3 else 0))
    HotSpotFactory(mahalla=territory.mahalla_a1a, week=week, kind=SpotKind.HOT, z_score=3.4)
    HotSpotFactory(mahalla=extra[0], week=week, kind=SpotKind.HOT, z_score=2.9)
    HotSpotFactory(mahalla=extra[7], week=week, kind=SpotKind.COLD, z_score=-2.7)
    BacktestFactory(week=week, beats_count_baseline=True)
    inspector = personas.inspector
    Assignment.objects.create(user=inspector, mahalla=territory.mahalla_a1b, role=inspector.role, is_primary=False)
    Assignment.objects.create(user=inspector, mahalla=extra[2], role=inspector.role, is_primary=True)
    FieldVisitFactory(mahalla=extra[2], by=inspector, address_or_household="Navoiy 12",
                      visited_at=timezone.now() - datetime.timedelta(days=20),
                      follow_up_on=dates.today())
    SupportCaseFactory(mahalla=territory.mahalla_a1a, social_worker=personas.social_worker,
                       next_review_on=dates.today() - datetime.timedelta(days=1))
    return {"week": week, "extra": extra}


def test_inspector_plan_on_a_phone_is_ticked_by_the_visit_logged(live_server, page_factory, personas, territory,
                                                                 district_scored):
    page = page_factory(width=PHONE[0], height=PHONE[1])
    sign_in(page, live_server.url, personas.inspector.username)
    # the phone's home page opens with the plan: three mahallas, none visited yet
    panel = page.locator("[data-home-panel=visit-plan]")
    assert panel.locator(".risk-plan__item").count() == 3
    assert panel.locator("[data-done=true]").count() == 0
    assert fits(page, PHONE[0])
    shot(page, "home-390")
    panel.locator(".home-counts a").click()
    page.wait_for_load_state("networkidle")
    items = page.locator("ol.risk-plan > li")
    assert items.count() == 3
    # the riskiest first: A1a (a hot spot), then A1b, then the extra mahalla with the follow-up due
    first = items.nth(0)
    assert first.get_attribute("data-mahalla") == str(territory.mahalla_a1a.pk)
    assert first.locator(".risk-spot--hot").is_visible()
    # the social worker's overdue case review is theirs to carry out, not the inspector's
    assert "case review" not in first.inner_text()
    assert "1 follow-up due" in items.nth(2).inner_text()
    assert page.locator("[data-plan-progress]").inner_text().startswith("0 of 3")
    assert fits(page, PHONE[0])
    shot(page, "plan-390")

    # the inspector logs a visit to A1b with the real form
    page.click(".dash-header__actions a[href$='/visits/new/']")
    page.wait_for_selector("form[data-visit-form]")
    radio = page.locator(f"input[name=mahalla][value='{territory.mahalla_a1b.pk}']")
    page.click(f"label[for={radio.get_attribute('id')}]")
    page.click("label[for=id_kind_4]")  # patrol
    page.fill("input[name=people_reached]", "7")
    page.click("[data-visit-submit]")
    page.wait_for_selector("[data-visit-result]:not([hidden])")
    assert FieldVisit.objects.filter(mahalla=territory.mahalla_a1b, by=personas.inspector).count() == 1

    # back on the plan, A1b is ticked (no manual tick) and moved after what is left to do
    page.goto(f"{live_server.url}/risk/this-week/")
    page.wait_for_load_state("networkidle")
    done = page.locator("ol.risk-plan > li[data-done=true]")
    assert done.count() == 1 and done.get_attribute("data-mahalla") == str(territory.mahalla_a1b.pk)
    assert page.locator("ol.risk-plan > li").last.get_attribute("data-done") == "true"
    assert page.locator("[data-plan-progress]").inner_text().startswith("1 of 3")
    assert done.locator(".risk-plan__check").inner_text().strip() == "✓"
    assert fits(page, PHONE[0])
    assert csp_violations(page) == []


def test_visit_plan_on_a_desktop_and_printed(live_server, page_factory, personas, district_scored):
    page = page_factory(width=DESKTOP[0], height=DESKTOP[1])
    sign_in(page, live_server.url, personas.inspector.username)
    page.goto(f"{live_server.url}/risk/this-week/")
    page.wait_for_load_state("networkidle")
    assert fits(page, DESKTOP[0])
    shot(page, "plan-1366")
    page.emulate_media(media="print")
    assert not page.locator(".topbar").is_visible()
    assert not page.locator("[data-risk-print]").is_visible()
    assert page.locator("ol.risk-plan > li").count() == 3


@pytest.mark.parametrize("width, height", [PHONE, DESKTOP])
def test_ranking_page_with_backtest_and_hot_spot_map(live_server, page_factory, personas, district_scored, width,
                                                     height):
    page = page_factory(width=width, height=height)
    sign_in(page, live_server.url, personas.district_official.username)
    page.goto(f"{live_server.url}/risk/")
    page.wait_for_selector("[data-risk-map-url][data-loaded=true]")
    assert page.locator("[data-risk-map-url]").get_attribute("data-features") == "3"
    assert page.locator(".risk-map__area--hot").count() == 2
    assert page.locator(".risk-map__area--cold").count() == 1
    assert page.locator("table.risk-table tbody tr").count() == 10
    assert page.locator("[data-method=model].risk-backtest__used").is_visible()
    assert fits(page, width)
    page.wait_for_timeout(300)  # the map's fit animation
    shot(page, f"ranking-{width}")
    assert csp_violations(page) == []


@pytest.mark.parametrize("width, height", [PHONE, DESKTOP])
def test_district_plan_and_one_click_measure(live_server, page_factory, personas, territory, district_scored, width,
                                             height):
    page = page_factory(width=width, height=height)
    sign_in(page, live_server.url, personas.district_official.username)
    page.goto(f"{live_server.url}/risk/this-week/")
    page.wait_for_load_state("networkidle")
    assert page.locator("tr.risk-row--gap").count() >= 9  # only A1a... has an inspector, none has a visit but one
    assert fits(page, width)
    shot(page, f"district-{width}")
    forms = page.locator("form.risk-measure-form")
    assert forms.count() == 2  # the top fifth of ten
    forms.first.locator("button").click()
    page.wait_for_load_state("networkidle")
    assert "Measure added to the roadmap" in page.inner_text(".messages")
    assert RoadmapItem.objects.filter(roadmap__mahalla=territory.mahalla_a1a).count() == 1


def test_dashboards_map_offers_the_hot_spot_overlay(live_server, page_factory, personas, district_scored):
    page = page_factory(width=DESKTOP[0], height=DESKTOP[1])
    sign_in(page, live_server.url, personas.district_official.username)
    page.goto(f"{live_server.url}/dashboards/")
    page.wait_for_selector("[data-dashboard-map-url][data-loaded=true]")
    page.locator(".leaflet-control-layers label", has_text="Hot and cold spots (risk)").click()
    page.wait_for_selector("[data-dashboard-map-url][data-hotspots='3']")
    assert page.locator(".dash-map__spot--hot").count() == 2
    assert csp_violations(page) == []


def test_no_mahalla_is_left_unscored(district_scored):
    # the fixture's own check: every mahalla of A1 has a score, so the counts above are the whole district
    assert Mahalla.objects.filter(district__code="1700101", risk_scores__isnull=True).count() == 0
