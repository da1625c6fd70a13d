"""A district's territory page and its dashboard show the same period by default, the quarter so far, and
therefore the same green / yellow / red counts; the period is named where the figures are shown, and the
dashboard's monthly trend sets the unfinished month apart."""

import datetime
import uuid

import pytest
from django.urls import reverse

from core import dates
from core.periods import Period, default_period
from dashboards.stats import stats_rebuild
from incidents.models import Incident
from tests.factories import MahallaFactory
from tests.incidents.factories import IncidentFactory, ensure_incident_categories
from zones.models import MahallaStatus, Policy
from zones.services import status_recompute_national

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _isolated(db, settings, monkeypatch, in_english):
    # The dashboards cache their parts: each test its own empty cache; no doorbell rings the shared broker.
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache",
                                   "LOCATION": f"figs-{uuid.uuid4()}"}}
    monkeypatch.setattr("dashboards.stats.DIRTY.doorbell.ring", lambda *args: False)
    monkeypatch.setattr("zones.services.DIRTY.doorbell.ring", lambda *args: False, raising=False)
    ensure_incident_categories()


def _crime(mahalla, by, at, status=Incident.Status.REGISTERED):
    return IncidentFactory(mahalla=mahalla, created_by=by, occurred_at=at, reported_at=at, status=status)


@pytest.fixture
def seeded_district(territory, personas):
    """District A1 with eight mahallas under a counts-only policy (green: none; red: three or more). In the
    quarter so far: A1a three crimes (red), A1b and one more one crime each (yellow), the other five none
    (green), and one report still awaiting verification. One more crime the day before the quarter began falls
    in the last 90 days but not in the quarter: the two periods disagree, as they did on the pages."""
    Policy.objects.create(version=1, green_max_crimes=0, red_min_crimes=3, red_rate_top_percent=0, note="test")
    district = territory.district_a1
    extra = [MahallaFactory(district=district, code=f"170180{n:02d}") for n in range(6)]
    quarter = default_period()
    inside = max(quarter.starts + datetime.timedelta(hours=1), dates.midnight(dates.today()))
    for _ in range(3):
        _crime(territory.mahalla_a1a, personas.district_official, inside)
    _crime(territory.mahalla_a1b, personas.district_official, inside)
    _crime(extra[0], personas.district_official, inside)
    _crime(extra[1], personas.district_official, inside, status=Incident.Status.REPORTED)
    _crime(extra[2], personas.district_official, quarter.starts - datetime.timedelta(hours=2))
    status_recompute_national(periods=[quarter, Period.current()])
    stats_rebuild()
    return district


def _zone_panel(response):
    return next(p for p in response.context["panels"] if p["template"] == "zones/_territory_panel.html")


def _dashboard_colours(response) -> dict:
    tiles = {t.key: t for t in response.context["data"].tiles}
    return {colour: tiles[colour].value for colour in ("green", "yellow", "red")}


def test_district_page_and_its_dashboard_give_the_same_colour_counts(client, personas, seeded_district):
    # given
    client.force_login(personas.district_official)
    quarter = default_period()
    # when
    page = client.get(reverse("territories:district", args=[seeded_district.pk]))
    board = client.get(reverse("dashboards:district", args=[seeded_district.pk]))
    # then: both default to the quarter so far, and count alike
    panel = _zone_panel(page)
    assert panel["period"] == quarter and board.context["period"] == quarter
    counts = panel["counts"]
    assert {"green": counts.green, "yellow": counts.yellow, "red": counts.red} == _dashboard_colours(board)
    assert (counts.green, counts.yellow, counts.red) == (5, 2, 1)
    # the rolling 90 days would have said something else whenever it reaches back before the quarter
    ninety = {s: 0 for s in ("green", "yellow", "red")}
    for colour in MahallaStatus.objects.filter(period="current", mahalla__district=seeded_district).values_list(
            "colour", flat=True):
        ninety[colour] += 1
    if Period.current().starts < quarter.starts:
        assert ninety != {"green": 5, "yellow": 2, "red": 1}


def test_district_page_names_the_period_and_the_reports_left_out(client, personas, seeded_district):
    client.force_login(personas.district_official)
    html = client.get(reverse("territories:district", args=[seeded_district.pk])).content.decode()
    quarter = default_period()
    assert quarter.full_label() in html
    if quarter.is_running():
        assert "so far (" in html
    assert "1 report awaiting verification is not counted." in html


def test_district_page_shows_the_rolling_window_only_when_asked_and_labelled(client, personas, seeded_district):
    client.force_login(personas.district_official)
    page = client.get(reverse("territories:district", args=[seeded_district.pk]), {"period": "current"})
    panel = _zone_panel(page)
    assert panel["period"].is_current
    assert "last 90 days (" in page.content.decode()


def test_dashboard_header_names_the_quarter_so_far(client, personas, seeded_district):
    client.force_login(personas.district_official)
    response = client.get(reverse("dashboards:district", args=[seeded_district.pk]))
    assert default_period().full_label() in response.content.decode()
    # the colour tiles compare with the whole quarter before (zone statuses exist for whole periods only)
    tiles = {t.key: t for t in response.context["data"].tiles}
    before = default_period().previous().short_label()
    assert tiles["red"].note == f"zone status {default_period().short_label()}; before: all of {before}"


def test_dashboard_trend_sets_the_unfinished_month_apart(client, personas, seeded_district):
    # given: the quarter so far ends today, inside a month that is not over (unless today is its last day)
    client.force_login(personas.district_official)
    today = dates.today()
    month_over = (today + datetime.timedelta(days=1)).day == 1
    # when
    response = client.get(reverse("dashboards:district", args=[seeded_district.pk]))
    html = response.content.decode()
    # then
    trend = response.context["data"].trend
    if month_over:
        assert trend.partial == "" and "data-partial-month" not in html
        return
    assert trend.partial and trend.months[-1] == today.replace(day=1)
    assert "data-partial-month" in html and "chart__line--partial" in html
    chart = response.context["trend_chart"]
    assert chart.partial_x is not None
    # the solid line stops at the last whole month; the unfinished one is only in the dashed segment
    assert chart.lines
    for line in chart.lines:
        assert len(line.dots) == len(trend.months) - 1 and line.partial_dot is not None


def test_dashboard_trend_of_a_finished_quarter_has_no_partial_month(client, personas, seeded_district):
    client.force_login(personas.district_official)
    finished = default_period().previous()
    response = client.get(reverse("dashboards:district", args=[seeded_district.pk]), {"period": finished.key})
    assert response.context["data"].trend.partial == ""
    assert "chart__line--partial" not in response.content.decode()
    assert "so far" not in response.context["period"].full_label()
