"""A scored week on the fixed territory (tests/conftest.py): A1a is the riskiest mahalla and a hot spot, then A2a,
B1a, A1b; the model ranks A1a first while the 12-week count ranks A1b first, so a test can tell which ranking a
page used."""

from dataclasses import dataclass

import pytest

from risk.models import SpotKind

from .factories import BacktestFactory, HotSpotFactory, RiskScoreFactory, components, this_monday


@pytest.fixture(autouse=True)
def _in_english(in_english):
    """The assertions read page text in English."""


@dataclass
class Scored:
    week: object
    a1a: object
    a1b: object
    a2a: object
    b1a: object


@pytest.fixture
def scored(territory) -> Scored:
    week = this_monday()
    t = territory
    return Scored(
        week=week,
        a1a=RiskScoreFactory(mahalla=t.mahalla_a1a, week=week, score=4.5, baseline_count=2, rank_national=1,
                             rank_district=1, components=components(5, usual=1.5, theft=5, hot_neighbours=2)),
        a2a=RiskScoreFactory(mahalla=t.mahalla_a2a, week=week, score=3.0, baseline_count=3, rank_national=2,
                             rank_district=1),
        b1a=RiskScoreFactory(mahalla=t.mahalla_b1a, week=week, score=2.0, baseline_count=4, rank_national=3,
                             rank_district=1),
        a1b=RiskScoreFactory(mahalla=t.mahalla_a1b, week=week, score=0.5, baseline_count=9, rank_national=4,
                             rank_district=2),
    )


@pytest.fixture
def hot(scored, territory):
    HotSpotFactory(mahalla=territory.mahalla_a1a, week=scored.week, kind=SpotKind.HOT, z_score=3.4)
    HotSpotFactory(mahalla=territory.mahalla_b1a, week=scored.week, kind=SpotKind.COLD, z_score=-2.9)
    HotSpotFactory(mahalla=territory.mahalla_a2a, week=scored.week, kind=SpotKind.NONE, z_score=0.4, p_value=0.6)


@pytest.fixture
def trusted(scored):
    """A backtest the model passed: pages rank by the model."""
    return BacktestFactory(week=scored.week, beats_count_baseline=True)


@pytest.fixture
def untrusted(scored):
    """A backtest the model failed: pages say so and rank by last 12 weeks' count."""
    return BacktestFactory(week=scored.week, beats_count_baseline=False)


# The tests that run esda's Gi* (hot spots and the backtest behind each computed week). numba compiles one of its
# kernels again in every process (~5 s, risk.hotspots._cache_compiled_kernels): under `make test-fast`
# (`--dist loadgroup`) they share one process, which pays it once.
ESDA_MODULES = ("test_backtest", "test_demo_backtest", "test_hotspots", "test_runs", "test_scoring", "test_selectors")


def pytest_collection_modifyitems(items):
    for item in items:
        parts = item.nodeid.split("::")[0].removesuffix(".py").split("/")
        if parts[:2] == ["tests", "risk"] and parts[-1] in ESDA_MODULES:
            item.add_marker(pytest.mark.xdist_group("esda"))
