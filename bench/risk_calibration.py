"""How often the backtest's "beats the count baseline" rule claims a win on uniform random histories (it should
almost never) and finds one on structured histories (persistent hot spots, near-repeat bursts), on the 16 x 16
grid of tests/risk, without a database (the events are built in memory).

    DJANGO_SECRET_KEY=x .venv/bin/python bench/risk_calibration.py [--first 0] [--last 120] [--lags 8]
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mahalla_safety.settings")

N = 16


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--first", type=int, default=0)
    parser.add_argument("--last", type=int, default=120)
    parser.add_argument("--lags", type=int, default=None)
    args = parser.parse_args()
    import django

    django.setup()
    import numpy as np

    from risk import backtest, data
    from risk import weights as spatial
    from risk.services import LOADED_WEEKS
    from tests.risk import synthetic

    if args.lags is not None:
        backtest.NW_LAGS = args.lags
    cells = N * N
    r, c = np.divmod(np.arange(cells), N)
    territory = data.Territory(np.arange(cells) + 1, np.ones(cells, int), np.full(cells, 4000.0), c * 1.7, r * 2.2,
                               np.full(cells, 3.7))
    pairs = [(i, rr * N + cc) for i in range(cells) for dr, dc in ((0, 1), (1, -1), (1, 0), (1, 1))
             for rr, cc in [(i // N + dr, i % N + dc)] if 0 <= rr < N and 0 <= cc < N]
    neighbours = spatial.build(territory, np.array(pairs))
    empty = data.Events(*(np.zeros(0, dtype=np.int64) for _ in range(6)))
    for structured in (False, True):
        wins = 0
        for seed in range(args.first, args.last):
            rng = np.random.default_rng(seed)
            rates = synthetic.weekly_rates(N, LOADED_WEEKS, structured=structured, rng=rng)
            counts = synthetic.draw_counts(N, rates, structured=structured, rng=rng)
            m, w = np.nonzero(counts)
            events = data.Events(m=m, week=w, group=np.zeros(len(m), dtype=np.int64), vfrom=w + 1,
                                 vuntil=np.full(len(m), data.NEVER), n=counts[m, w])
            _, beats = backtest.run(events, empty, LOADED_WEEKS, territory, neighbours)
            wins += beats
        kind = "structured" if structured else "uniform random"
        print(f"{kind:<15} histories {args.last - args.first}: model beats the count in {wins} "
              f"({100 * wins / (args.last - args.first):.1f} %), Newey-West lags {backtest.NW_LAGS}")


if __name__ == "__main__":
    main()
