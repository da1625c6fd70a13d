"""The one-click roadmap measure of a high-risk mahalla: capability-checked, only for the district's highest-risk
share, into the mahalla's roadmap of the year (a draft started where there is none), once per week's ranking,
audited with the figures it answers."""

import pytest

from audit.models import AuditEvent
from core.errors import DomainError
from risk.measures import measure_add
from risk.queries import words
from roadmaps.models import Roadmap, RoadmapItem, RoadmapStatus
from tests.factories import RoadmapFactory

pytestmark = pytest.mark.django_db


def test_the_measure_starts_a_draft_roadmap_and_is_audited(personas, territory, scored, trusted):
    item = measure_add(by=personas.district_official, mahalla=territory.mahalla_a1a)
    roadmap = item.roadmap
    assert roadmap.mahalla_id == territory.mahalla_a1a.pk and roadmap.status == RoadmapStatus.DRAFT
    assert item.focus_area == "outreach"
    # the words of why the mahalla ranks high go with the measure
    assert item.description == "\n".join(words(scored.a1a)) and item.description
    assert (item.deadline - item.start_on).days == 28
    event = AuditEvent.objects.filter(object_type="roadmaps.roadmapitem", object_id=str(item.pk),
                                      details__from="risk").get()
    assert event.details["position_in_district"] == 1 and event.details["ranked_by"] == "model"


def test_only_once_per_weeks_ranking(personas, territory, scored, trusted):
    measure_add(by=personas.district_official, mahalla=territory.mahalla_a1a)
    with pytest.raises(DomainError) as refused:
        measure_add(by=personas.district_official, mahalla=territory.mahalla_a1a)
    assert refused.value.field == "mahalla"
    assert RoadmapItem.objects.count() == 1


def test_a_mahalla_outside_the_high_risk_share_is_refused(personas, territory, scored, trusted):
    with pytest.raises(DomainError):
        measure_add(by=personas.district_official, mahalla=territory.mahalla_a1b)
    assert not Roadmap.objects.exists()


def test_under_the_count_baseline_high_risk_follows_the_count(personas, territory, scored, untrusted):
    # by last 12 weeks' count A1b (9) is first in A1, A1a (2) second
    measure_add(by=personas.district_official, mahalla=territory.mahalla_a1b)
    with pytest.raises(DomainError):
        measure_add(by=personas.district_official, mahalla=territory.mahalla_a1a)


@pytest.mark.parametrize("persona", ["outsider", "region_officer", "inspector", "national"])
def test_only_the_districts_official_may(personas, territory, scored, trusted, persona):
    with pytest.raises(DomainError):
        measure_add(by=getattr(personas, persona), mahalla=territory.mahalla_a1a)
    assert not RoadmapItem.objects.exists()


def test_an_approved_roadmap_refuses_and_nothing_is_half_written(personas, territory, scored, trusted):
    from django.utils import timezone

    RoadmapFactory(territory=territory.mahalla_a1a, status=RoadmapStatus.APPROVED,
                   created_by=personas.district_official, year=timezone.localdate().year)
    before = AuditEvent.objects.count()
    with pytest.raises(DomainError):
        measure_add(by=personas.district_official, mahalla=territory.mahalla_a1a)
    assert not RoadmapItem.objects.exists() and AuditEvent.objects.count() == before


def test_without_scores_there_is_nothing_to_answer(personas, territory):
    with pytest.raises(DomainError):
        measure_add(by=personas.district_official, mahalla=territory.mahalla_a1a)
