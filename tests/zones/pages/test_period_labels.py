"""Zone panels and pages open on the quarter so far, name their period, and show the reports that are not
counted yet."""

import datetime

import pytest
from django.urls import reverse
from django.utils import translation
from rest_framework.test import APIClient

from core import dates
from core.periods import Period, default_period
from incidents.models import Incident

from ..conftest import crime, recompute

pytestmark = pytest.mark.django_db


def test_full_label_of_a_running_quarter_says_so_far_and_its_days():
    day = datetime.date(2026, 12, 6)
    with translation.override("en"):
        assert Period.quarter(2026, 4).full_label(day) == "Q4 2026 so far (1 Oct – 6 Dec)"
        assert Period.quarter(2026, 3).full_label(day) == "Q3 2026 (1 Jul – 30 Sep)"
        assert Period.current(on=day).full_label(day) == "last 90 days (8 Sep – 6 Dec)"
        assert Period.month(2026, 12).short_label(day) == "December 2026 so far"
    assert default_period(day) == Period.quarter(2026, 4)


@pytest.fixture
def quiet_quarter(territory, personas, policy):
    """A1a: no registered crime this quarter, but two reports of crimes that are still awaiting a decision."""
    inside = max(default_period().starts + datetime.timedelta(hours=1), dates.midnight(dates.today()))
    crime(territory.mahalla_a1a, by=personas.national, at=inside, status=Incident.Status.REPORTED)
    crime(territory.mahalla_a1a, by=personas.national, at=inside, status=Incident.Status.UNDER_VERIFICATION)
    recompute(default_period(), Period.current())
    return territory.mahalla_a1a


def test_mahalla_page_shows_the_quarter_so_far_and_the_reports_not_counted(client, personas, quiet_quarter):
    client.force_login(personas.district_official)
    response = client.get(reverse("territories:mahalla", args=[quiet_quarter.pk]))
    html = response.content.decode()
    panel = next(p for p in response.context["panels"] if p["template"] == "zones/_mahalla_panel.html")
    assert panel["period"] == default_period() and panel["status"].colour == "green"
    assert default_period().full_label() in html
    assert "2 reports awaiting verification are not counted." in html
    # the trend names the rolling window as such, and marks the running periods
    assert "last 90 days" in html and "zone-trend__cell--running" in html


def test_mahalla_page_without_pending_reports_has_no_note(client, personas, territory, policy):
    recompute(default_period())
    client.force_login(personas.district_official)
    html = client.get(reverse("territories:mahalla", args=[territory.mahalla_a1b.pk])).content.decode()
    assert "awaiting verification" not in html


def test_crime_free_page_defaults_to_the_quarter(client, personas, quiet_quarter):
    client.force_login(personas.national)
    response = client.get(reverse("zones:crime-free"))
    assert response.context["period"] == default_period()
    assert default_period().short_label() in response.content.decode()


def test_zone_api_defaults_to_the_quarter_and_still_takes_current(personas, quiet_quarter):
    api = APIClient()
    api.force_login(personas.national)
    assert api.get("/api/v1/zones/crime-free/").json()["period"] == default_period().key
    assert api.get("/api/v1/zones/crime-free/", {"period": "current"}).json()["period"] == "current"
