"""What the pages read: the latest ranking of the user's mahallas, hot spots, the backtest, and the words."""

import datetime

import numpy as np
import pytest
from django.utils import translation

from mahallas.models import Mahalla
from risk import selectors, services
from risk.models import RiskScore

from .synthetic import grid, seed_crimes

WEEK = datetime.date(2026, 11, 30)


def _components(**overrides):
    components = {
        "horizon_weeks": 4, "ranked_by": "model", "crimes": {"4": 5, "12": 9, "52": 20}, "usual_4w": 1.6,
        "ratio": 3.1, "trend": 1.2, "neighbours": {"count": 8, "hot": 2, "crimes_4w": 7, "mean_4w": 0.9},
        "near_repeat_2w": 4, "alerts_4w": 1, "population": 4000, "hot_spot": "hot",
        "groups": [{"code": "theft", "crimes_4w": 5, "usual_4w": 1.6, "ratio": 3.12},
                   {"code": "robbery", "crimes_4w": 1, "usual_4w": 0.2, "ratio": 5.0}],
        "cyber": {"crimes_4w": 3, "crimes_52w": 20, "score": 1.1}, "inputs": {}}
    components.update(overrides)
    return components


def test_explain_puts_every_component_in_words():
    score = RiskScore(score=4.2, components=_components())
    with translation.override("en"):
        lines = selectors.explain(score, names={"theft": "Theft", "robbery": "Robbery"})
    assert lines == [
        "5 counted crimes in the last 4 weeks; usual: 1.6 per 4 weeks.",
        "Theft: 5 in the last 4 weeks, 3.1 times its usual rate.",
        "Robbery: 1 in the last 4 weeks.",  # one crime is not "5 times its usual rate"
        "Rising: the last 4 weeks run at 3.3 times the year's rate.",
        "The mahalla itself is a statistically significant hot spot.",
        "2 neighbouring mahallas are hot spots.",
        "4 crimes in the last 2 weeks here or next door (near-repeat).",
        "1 confirmed camera alert in the last 4 weeks.",
        "Cybercrime (counted where the victims live, not in this ranking): 3 in the last 4 weeks.",
    ]


def test_explain_says_when_the_count_ranks_and_when_nothing_happened():
    quiet = RiskScore(score=0.01, components=_components(
        ranked_by="count", crimes={"4": 0, "12": 0, "52": 0}, groups=[], trend=0.0, hot_spot="none",
        neighbours={"count": 3, "hot": 0, "crimes_4w": 0, "mean_4w": 0.0}, near_repeat_2w=0, alerts_4w=0,
        cyber={"crimes_4w": 0, "crimes_52w": 0, "score": 0.0}))
    with translation.override("uz"):
        lines = selectors.explain(quiet, names={})
    assert lines == ["So'nggi 52 haftada hisobga olingan jinoyat yo'q.",
                     "So'nggi 12 haftadagi jinoyatlar soni bo'yicha tartiblangan: model tarixiy sinovda undan "
                     "ustun kelmadi."]


@pytest.mark.django_db
def test_ranking_hot_spots_and_backtest_of_the_latest_week_for_the_given_mahallas():
    assert selectors.latest_week() is None and not selectors.ranking(Mahalla.objects.all()).exists()
    mahallas = grid(4)
    counts = np.zeros((16, services.LOADED_WEEKS), dtype=np.int64)
    counts[5, :] = 2  # one busy mahalla in the middle
    counts[6, ::2] = 1
    seed_crimes(mahallas, counts, WEEK)
    services.compute_week(WEEK - datetime.timedelta(days=7))
    services.compute_week(WEEK)
    assert selectors.latest_week() == WEEK
    mine = Mahalla.objects.filter(pk__in=[mahallas[0].pk, mahallas[5].pk, mahallas[6].pk])
    rows = list(selectors.ranking(mine))
    assert [r.mahalla_id for r in rows] == [mahallas[5].pk, mahallas[6].pk, mahallas[0].pk]
    assert {r.week for r in rows} == {WEEK} and rows[0].rank_national == 1
    assert selectors.latest_backtest().week == WEEK
    assert selectors.latest_backtest(WEEK - datetime.timedelta(days=1)).week == WEEK - datetime.timedelta(days=7)
    spots = selectors.hot_spots(Mahalla.objects.all(), significant_only=False)
    assert spots.count() == 16 and {s.week for s in spots} == {WEEK}


@pytest.mark.django_db
def test_a_week_with_no_crimes_at_all_is_computed_quietly():
    grid(3)
    result = services.compute_week(WEEK)
    assert result.mahallas == 9 and result.hot == result.cold == 0 and result.ranked_by == "count"
    scores = RiskScore.objects.filter(week=WEEK)
    assert scores.count() == 9 and all(s.score < 0.1 for s in scores)
    backtest = selectors.latest_backtest()
    assert not backtest.beats_count_baseline and backtest.results["difference"]["ci95"] == [None, None]
