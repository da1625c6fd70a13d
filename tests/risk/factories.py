"""Rows of the risk app written directly (the computation that stores them is tested apart): scores with their
components, hot spots and backtests."""

import datetime

import factory

from risk.models import Backtest, HotSpot, RankedBy, RiskScore, SpotKind


def this_monday() -> datetime.date:
    from core import dates

    today = dates.today()
    return today - datetime.timedelta(days=today.weekday())


def components(crimes_4w: int = 2, *, usual: float = 0.7, theft: int = 2, hot_neighbours: int = 0) -> dict:
    """A score's components in the shape risk.scoring stores them (the words of why are read from them)."""
    return {"crimes": {"4": crimes_4w, "12": crimes_4w * 2, "52": crimes_4w * 6}, "usual_4w": usual,
            "groups": [{"code": "theft", "crimes_4w": theft, "ratio": round(theft / usual, 2) if usual else None}],
            "trend": 0.4, "neighbours": {"hot": hot_neighbours}, "near_repeat_2w": 2 if crimes_4w >= 3 else 0,
            "alerts_4w": 1 if crimes_4w >= 4 else 0, "cyber": {"crimes_4w": 1 if crimes_4w >= 5 else 0}}


def method_results(hit: tuple[float, float, float], pai: tuple[float, float, float], sd: float = 0.02) -> dict:
    """One method's backtest figures as risk.backtest stores them: weekly values per top share, their means and
    standard deviations (hit rates as shares)."""
    tops = ("5", "10", "20")
    return {"hit": {t: [h - sd, h + sd] for t, h in zip(tops, hit, strict=True)},
            "pai": {t: [p - sd * 10, p + sd * 10] for t, p in zip(tops, pai, strict=True)},
            "mean": {"hit": dict(zip(tops, hit, strict=True)), "pai": dict(zip(tops, pai, strict=True))},
            "sd": {"hit": dict.fromkeys(tops, sd), "pai": dict.fromkeys(tops, sd * 10)}}


class RiskScoreFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = RiskScore

    week = factory.LazyFunction(this_monday)
    score = 1.0
    cyber_score = 0.2
    baseline_count = 1
    rank_national = factory.Sequence(lambda n: n + 1)
    rank_district = 1
    components = factory.LazyFunction(components)


class HotSpotFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = HotSpot

    week = factory.LazyFunction(this_monday)
    category_group = "all"
    z_score = 3.2
    p_value = 0.001
    kind = SpotKind.HOT


class BacktestFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Backtest

    week = factory.LazyFunction(this_monday)
    weeks = 26
    horizon_weeks = 4
    beats_count_baseline = True
    ranked_by = factory.LazyAttribute(lambda o: RankedBy.MODEL if o.beats_count_baseline else RankedBy.COUNT)
    results = factory.LazyAttribute(lambda o: {
        "tops": [5, 10, 20],
        "methods": {
            "model": method_results((0.31, 0.45, 0.62), (6.2, 4.5, 3.1)),
            "count": method_results((0.22, 0.36, 0.55), (4.4, 3.6, 2.75)),
            "kde": method_results((0.18, 0.30, 0.50), (3.6, 3.0, 2.5)),
        },
        # model minus count at the top 10 %: its 95% interval clear of zero where the model beats the count
        "difference": {"vs": "count", "top": 10, "mean": 0.09 if o.beats_count_baseline else 0.01,
                       "ci95": [0.05, 0.13] if o.beats_count_baseline else [-0.03, 0.05], "weeks": 26},
    })
