"""Issue 16 (maps): region and district maps are coloured by the share of their mahallas that are green, counted
over the mahallas the reader sees; the colour API answers per level and refuses an unknown one."""

import pytest
from django.utils import timezone

from dashboards.maps import area_band, area_colours
from dashboards.periods import period_default
from zones.models import MahallaStatus
from zones.recompute import policy_current

pytestmark = pytest.mark.django_db


@pytest.fixture
def key(territory):
    key = period_default().status_period().key
    now = timezone.now()
    for mahalla, colour in ((territory.mahalla_a1a, "green"), (territory.mahalla_a1b, "red"),
                            (territory.mahalla_a2a, "green"), (territory.mahalla_b1a, "yellow")):
        MahallaStatus.objects.create(mahalla=mahalla, period=key, colour=colour, policy=policy_current(),
                                     colour_since=now, computed_at=now)
    return key


@pytest.mark.parametrize(("green", "total", "band"), [
    (9, 10, "band90"), (8, 10, "band75"), (3, 4, "band75"), (5, 10, "band50"), (4, 10, "band0"), (0, 3, "band0"),
    (0, 0, None)])
def test_band_of_a_share(green, total, band):
    assert area_band(green, total) == band


def test_national_staff_get_every_region_and_district(personas, territory, key):
    regions = area_colours(personas.national, key, level="region")
    assert regions == {territory.region_a.pk: {"band": "band50", "green": 2, "rated": 3},
                       territory.region_b.pk: {"band": "band0", "green": 0, "rated": 1}}
    districts = area_colours(personas.national, key, level="district", region_id=territory.region_a.pk)
    assert districts == {territory.district_a1.pk: {"band": "band50", "green": 1, "rated": 2},
                         territory.district_a2.pk: {"band": "band90", "green": 1, "rated": 1}}


def test_a_district_official_counts_only_their_own_district(personas, territory, key):
    regions = area_colours(personas.district_official, key, level="region")
    # Region A seen through district a1 alone: a2's green mahalla is not theirs to count, region B not at all.
    assert regions == {territory.region_a.pk: {"band": "band50", "green": 1, "rated": 2}}


def test_colour_api_answers_per_level(client_for, personas, territory, key):
    client = client_for(personas.national)
    answer = client.get("/api/v1/dashboards/colours/", {"level": "district", "region": territory.region_a.pk})
    assert answer.status_code == 200, answer.content
    body = answer.json()
    assert body["level"] == "district"
    assert body["colours"] == {str(territory.district_a1.pk): "band50", str(territory.district_a2.pk): "band90"}
    assert body["shares"][str(territory.district_a2.pk)] == {"green": 1, "rated": 1}
    mahallas = client.get("/api/v1/dashboards/colours/", {"district": territory.district_a1.pk}).json()
    assert mahallas["colours"] == {str(territory.mahalla_a1a.pk): "green", str(territory.mahalla_a1b.pk): "red"}
    refused = client.get("/api/v1/dashboards/colours/", {"level": "street"})
    assert refused.status_code == 400 and "level" in refused.json()["errors"]
