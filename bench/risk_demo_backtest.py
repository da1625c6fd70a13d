"""The 26-week backtest on the demo's crime generator (incidents.demo_structure, issue 18 item 5), without a
database: 1,000 mahallas on a 40 x 25 queen-adjacent grid, structured and uniform mode, a few seeds. Prints the mean
top-10 % hit rates of the model and the baselines and whether the model beats the count by the rule of
risk.backtest (tests/risk/test_demo_backtest.py asserts the same for the demo's own seed).

    DJANGO_SECRET_KEY=x .venv/bin/python bench/risk_demo_backtest.py [--seeds 2026 5 7]
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mahalla_safety.settings")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seeds", type=int, nargs="+", default=[2026, 5, 7])
    args = parser.parse_args()
    import django

    django.setup()
    from tests.risk.demo_backtest import demo_backtest

    for mode in ("structured", "uniform"):
        for seed in args.seeds:
            results, beats, crimes = demo_backtest(mode, seed)
            d, hit = results["difference"], {k: v["mean"]["hit"]["10"] for k, v in results["methods"].items()}
            print(f"{mode:<10} seed {seed:<5} {crimes:>5} crimes  top-10 % hit rate model {hit['model']:.3f} "
                  f"count {hit['count']:.3f} kde {hit['kde']:.3f}  model - count {d['mean']:+.3f} "
                  f"[{d['ci95'][0]:+.3f}, {d['ci95'][1]:+.3f}]  {'BEATS' if beats else 'does not beat'}")


if __name__ == "__main__":
    main()
