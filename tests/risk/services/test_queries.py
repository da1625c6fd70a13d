"""Reading a stored backtest for the table: the shape risk.backtest writes (weekly values with their means and
standard deviations) and the plainer shapes, the difference the rule "beats" is read on, and weeks as typed."""

import datetime

import pytest

from risk import queries
from risk.models import Backtest

from ..factories import BacktestFactory

pytestmark = pytest.mark.django_db


def test_the_table_reads_means_and_spreads_as_percent(scored):
    rows = queries.backtest_table(BacktestFactory(week=scored.week))
    assert [r.key for r in rows] == ["model", "count", "kde"]
    model = rows[0]
    assert model.hit[1] == (pytest.approx(45.0), pytest.approx(2.0))
    assert model.pai[0] == (pytest.approx(6.2), pytest.approx(0.2))
    assert [c["top"] for c in model.hit_cells] == ["5", "10", "20"]


def test_weekly_values_alone_give_mean_and_spread(scored):
    backtest = Backtest(week=scored.week, beats_count_baseline=False, ranked_by="count", results={"methods": {
        "model": {"hit": {"5": [0.1, 0.3, None], "10": [], "20": [0.5]}, "pai": {"5": [2.0, 4.0]}}}})
    [model] = queries.backtest_table(backtest)
    assert model.hit[0][0] == pytest.approx(20.0) and model.hit[0][1] == pytest.approx(14.1421, rel=1e-3)
    assert model.hit[1] == (None, None)
    assert model.hit[2] == (pytest.approx(50.0), None)
    assert model.pai[0] == (pytest.approx(3.0), pytest.approx(1.41421, rel=1e-3))
    assert model.pai[1] == (None, None)


def test_plain_figures_and_unknown_methods_are_shown(scored):
    backtest = Backtest(week=scored.week, beats_count_baseline=True, ranked_by="model", results={
        "model": {"hit_rate": {"top10": {"mean": 0.4, "std": 0.05}}, "pai": {"10": 3.5}},
        "lag_model": {"hit_rate": {"10": 0.3}}})
    rows = queries.backtest_table(backtest)
    assert [r.key for r in rows] == ["model", "lag_model"]
    assert rows[0].hit[1] == (pytest.approx(40.0), pytest.approx(5.0)) and rows[0].pai[1] == (3.5, None)
    assert rows[1].label == "lag model"


def test_broken_results_give_an_empty_table(scored):
    assert queries.backtest_table(None) == []
    assert queries.backtest_table(Backtest(results=["not", "a", "dict"])) == []
    assert queries.backtest_table(Backtest(results={"methods": {"model": "?"}})) == []
    assert queries.backtest_difference(Backtest(results={"difference": {"ci95": "?"}})).low is None


def test_the_difference_in_percentage_points(scored):
    d = queries.backtest_difference(BacktestFactory(week=scored.week, beats_count_baseline=False))
    assert (d.top, d.weeks) == ("10", 26)
    assert (d.mean, d.low, d.high) == (pytest.approx(1.0), pytest.approx(-3.0), pytest.approx(5.0))


def test_ranked_by_needs_a_backtest_the_model_passed(scored):
    assert queries.ranked_by(None) == "count"
    assert queries.ranked_by(BacktestFactory(week=scored.week, beats_count_baseline=False)) == "count"
    Backtest.objects.all().delete()
    assert queries.ranked_by(BacktestFactory(week=scored.week, beats_count_baseline=True)) == "model"


def test_the_backtest_in_force_is_the_newest_up_to_the_week(scored):
    old = BacktestFactory(week=scored.week - datetime.timedelta(days=14))
    assert queries.backtest_for(scored.week) == old
    assert queries.backtest_for(scored.week - datetime.timedelta(days=21)) is None
    assert queries.backtest_for(None) is None


@pytest.mark.parametrize("text, monday", [("2026-W10", datetime.date(2026, 3, 2)),
                                          ("2026-03-05", datetime.date(2026, 3, 2)),
                                          ("2026-w10", datetime.date(2026, 3, 2)),
                                          ("2026-W54", None), ("2026-W10-1", None), ("soon", None), ("", None)])
def test_weeks_as_typed(text, monday):
    assert queries.parse_week(text) == monday
