"""Visit plans: a field worker's mahallas by risk with their own last visit, follow-ups and case reviews due this
week, ticked by the visits they log (no manual tick); a district official's district with the gaps marked."""

import datetime

import pytest
from django.utils import timezone

from accounts.models import Role
from core import dates
from risk import visits
from tests.factories import AssignmentFactory, UserFactory
from tests.incidents.factories import FieldVisitFactory, SupportCaseFactory

from ..factories import RiskScoreFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def inspector_of_two(personas, territory, scored):
    """The inspector also covers A1b (a secondary assignment: A1b has no primary inspector)."""
    AssignmentFactory(user=personas.inspector, mahalla=territory.mahalla_a1b, is_primary=False)
    return personas.inspector


def test_plan_is_ranked_by_risk_and_ticked_by_this_weeks_visits(personas, territory, inspector_of_two, trusted):
    plan = visits.field_plan(inspector_of_two)
    assert [i.mahalla.code for i in plan.items] == ["17010001", "17010002"]
    assert plan.done_count == 0 and plan.ranked_by == "model"
    FieldVisitFactory(mahalla=territory.mahalla_a1a, by=inspector_of_two, visited_at=timezone.now())
    plan = visits.field_plan(inspector_of_two)
    # the visited mahalla is ticked and moves after what is left to do; it keeps its place by risk
    assert [(i.mahalla.code, i.done, i.position) for i in plan.items] == [("17010002", False, 2),
                                                                         ("17010001", True, 1)]
    assert plan.done_count == 1


def test_last_weeks_visit_or_someone_elses_does_not_tick(personas, territory, scored):
    monday, _sunday = visits.week_bounds()
    FieldVisitFactory(mahalla=territory.mahalla_a1a, by=personas.inspector,
                      visited_at=dates.midnight(monday) - datetime.timedelta(hours=1))
    other = UserFactory(role=Role.INSPECTOR)
    FieldVisitFactory(mahalla=territory.mahalla_a1a, by=other, visited_at=timezone.now())
    [item] = visits.field_plan(personas.inspector).items
    assert item.done is False
    assert dates.local_date(item.last_visit) == monday - datetime.timedelta(days=1)
    assert item.days_since_visit(monday) == 1
    assert item.days_since == (dates.today() - monday).days + 1


def test_follow_ups_and_case_reviews_due_this_week_are_counted(personas, territory, scored):
    today = dates.today()
    _monday, sunday = visits.week_bounds(today)
    FieldVisitFactory(mahalla=territory.mahalla_a1a, by=personas.social_worker, address_or_household="Navoiy 12",
                      visited_at=timezone.now() - datetime.timedelta(days=20), follow_up_on=sunday)
    SupportCaseFactory(mahalla=territory.mahalla_a1a, social_worker=personas.social_worker,
                       next_review_on=today - datetime.timedelta(days=2))
    SupportCaseFactory(mahalla=territory.mahalla_a1a, social_worker=personas.social_worker,
                       next_review_on=sunday + datetime.timedelta(days=1))  # next week: not this plan's
    [item] = visits.field_plan(personas.social_worker).items
    assert (item.follow_ups, item.reviews) == (1, 1)
    # the inspector's own plan has neither the social worker's follow-up nor their case review to carry out
    [own] = visits.field_plan(personas.inspector).items
    assert (own.follow_ups, own.reviews) == (0, 0)


def test_an_unscored_mahalla_comes_after_the_scored_ones(personas, territory, inspector_of_two, trusted):
    from risk.models import RiskScore

    RiskScore.objects.filter(mahalla=territory.mahalla_a1b).delete()
    plan = visits.field_plan(inspector_of_two)
    assert [(i.mahalla.code, i.value) for i in plan.items] == [("17010001", 4.5), ("17010002", None)]


def test_a_future_weeks_scores_are_not_read(personas, territory, scored, trusted):
    RiskScoreFactory(mahalla=territory.mahalla_a1a, week=scored.week + datetime.timedelta(days=7), score=99)
    [item] = visits.field_plan(personas.inspector).items
    assert item.value == 4.5


def test_without_a_backtest_the_plan_ranks_by_the_count(personas, territory, inspector_of_two):
    plan = visits.field_plan(inspector_of_two)
    assert plan.ranked_by == "count"
    # A1b has 9 crimes in the last 12 weeks, A1a 2: the count puts A1b first
    assert [(i.mahalla.code, i.value) for i in plan.items] == [("17010002", 9.0), ("17010001", 2.0)]


def test_district_plan_marks_no_inspector_and_no_recent_visit(personas, territory, scored, trusted):
    plan = visits.district_plan(personas.district_official)
    rows = {r.mahalla.code: r for r in plan.rows}
    assert [r.mahalla.code for r in plan.rows] == ["17010001", "17010002"]
    assert rows["17010001"].has_inspector and rows["17010001"].no_recent_visit
    assert not rows["17010002"].has_inspector
    assert plan.highlighted_count == 2
    FieldVisitFactory(mahalla=territory.mahalla_a1a, by=personas.inspector)
    plan = visits.district_plan(personas.district_official)
    rows = {r.mahalla.code: r for r in plan.rows}
    assert not rows["17010001"].highlighted and rows["17010002"].highlighted
    # the top fifth (one of two) is high risk, and only it is offered a measure
    assert [(r.high_risk, r.may_add_measure) for r in plan.rows] == [(True, True), (False, False)]


def test_district_plan_is_only_for_one_district(personas, scored):
    assert visits.district_plan(personas.region_officer) is None
    assert visits.district_plan(personas.national) is None
