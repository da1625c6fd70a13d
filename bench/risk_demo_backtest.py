"""The 26-week backtest on the demo's crime generator (incidents.demo_structure, issue 18 item 5), without a
database: 1,000 mahallas on a 40 x 25 queen-adjacent grid, structured and uniform mode, a few seeds, place-based
crimes as they stood (registration and de-registration times from each row's life cycle). Prints the mean top-10 %
hit rates of the model and the baselines and whether the model beats the count by the rule of risk.backtest.

    DJANGO_SECRET_KEY=x .venv/bin/python bench/risk_demo_backtest.py [--seeds 2026 5 7]

(The generator came with the demo helper's branch; this script runs once both are merged.)
"""

from __future__ import annotations

import argparse
import datetime
import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mahalla_safety.settings")

ROWS, COLUMNS = 25, 40
WEEK = datetime.date(2026, 11, 30)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seeds", type=int, nargs="+", default=[2026, 5, 7])
    args = parser.parse_args()
    import django

    django.setup()
    import numpy as np

    from incidents import demo_structure as ds
    from risk import backtest, data, services, weeks
    from risk import weights as spatial

    cells = ROWS * COLUMNS
    population = np.random.default_rng(0).integers(1500, 8000, cells)
    sites = []
    for i in range(cells):
        r, c = divmod(i, COLUMNS)
        near = tuple(rr * COLUMNS + cc + 1 for dr in (-1, 0, 1) for dc in (-1, 0, 1)
                     for rr, cc in [(r + dr, c + dc)] if (dr, dc) != (0, 0) and 0 <= rr < ROWS and 0 <= cc < COLUMNS)
        sites.append(ds.MahallaSite(id=i + 1, lon=60 + c * 0.02, lat=40 + r * 0.02, neighbours=near,
                                    population=int(population[i])))
    T = services.LOADED_WEEKS
    end, first = weeks.start(WEEK), weeks.start(WEEK - T * weeks.WEEK)
    territory = data.Territory(np.arange(cells) + 1, np.ones(cells, int), population.astype(float),
                               np.array([s.lon for s in sites]) * 85, np.array([s.lat for s in sites]) * 111,
                               np.full(cells, 3.0))
    pairs = np.array([(s.id - 1, n - 1) for s in sites for n in s.neighbours if n > s.id])
    neighbours = spatial.build(territory, pairs)
    empty = data.Events(*(np.zeros(0, dtype=np.int64) for _ in range(6)))

    def index(moment) -> int:
        return int(np.floor((moment.timestamp() - first.timestamp()) / 604800))

    for mode in ("structured", "uniform"):
        for seed in args.seeds:
            demo = ds.demo_incidents_generate(sites, end=end, seed=seed, mode=mode)
            m, w, vfrom, vuntil = [], [], [], []
            for row in demo.rows:
                if ds.CATEGORIES[row.category].cyber or row.occurred_at < first:
                    continue
                if row.registered_at is not None:
                    registered, until = row.registered_at, data.NEVER
                elif row.deregistration is not None:
                    registered = max(at for _, to, at in row.transitions if to == "registered")
                    until = index(row.deregistration.decided_at)
                else:
                    continue
                if registered < end:
                    m.append(row.mahalla_id - 1)
                    w.append(index(row.occurred_at))
                    vfrom.append(index(registered) + 1)
                    vuntil.append(until)
            events = data.Events(np.array(m), np.array(w), np.zeros(len(m), dtype=np.int64), np.array(vfrom),
                                 np.array(vuntil), np.ones(len(m), dtype=np.int64))
            results, beats = backtest.run(events, empty, T, territory, neighbours)
            d, hit = results["difference"], {k: v["mean"]["hit"]["10"] for k, v in results["methods"].items()}
            print(f"{mode:<10} seed {seed:<5} {len(m):>5} crimes  top-10 % hit rate model {hit['model']:.3f} "
                  f"count {hit['count']:.3f} kde {hit['kde']:.3f}  model - count {d['mean']:+.3f} "
                  f"[{d['ci95'][0]:+.3f}, {d['ci95'][1]:+.3f}]  {'BEATS' if beats else 'does not beat'}")


if __name__ == "__main__":
    main()
