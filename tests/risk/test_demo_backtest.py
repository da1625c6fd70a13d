"""Issue 18, item 5: on the demo's own data (incidents.demo_structure with the seed `load_demo_activity` uses) the
backtest finds the structure the generator put there and the model beats the last 12 weeks' count by the rule of
risk.backtest; on the generator's uniform data (same volume and categories, no structure) it does not claim to."""

from incidents.demo import DEFAULT_SEED

from .demo_backtest import demo_backtest


def test_the_model_beats_the_count_on_the_demo_data():
    results, beats, crimes = demo_backtest("structured", DEFAULT_SEED)
    assert crimes > 2000
    assert beats and results["difference"]["ci95"][0] > 0
    hits = {method: results["methods"][method]["mean"]["hit"]["10"] for method in ("model", "count", "kde")}
    assert hits["model"] > hits["count"] > hits["kde"]


def test_the_model_does_not_claim_to_beat_the_count_on_uniform_data():
    results, beats, crimes = demo_backtest("uniform", DEFAULT_SEED)
    assert crimes > 2000
    assert not beats and results["difference"]["ci95"][0] <= 0
