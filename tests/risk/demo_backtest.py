"""The 26-week backtest on the demo's crime generator (incidents.demo_structure), without a database: 1,000
mahallas on a 40 x 25 queen-adjacent grid, place-based crimes as they stood (registration and de-registration times
from each row's life cycle). Used by tests/risk/test_demo_backtest.py and bench/risk_demo_backtest.py."""

from __future__ import annotations

import datetime

import numpy as np

from incidents import demo_structure as ds
from risk import backtest, data, services, weeks
from risk import weights as spatial

ROWS, COLUMNS = 25, 40
WEEK = datetime.date(2026, 11, 30)


def _grid():
    cells = ROWS * COLUMNS
    population = np.random.default_rng(0).integers(1500, 8000, cells)
    sites = []
    for i in range(cells):
        r, c = divmod(i, COLUMNS)
        near = tuple(rr * COLUMNS + cc + 1 for dr in (-1, 0, 1) for dc in (-1, 0, 1)
                     for rr, cc in [(r + dr, c + dc)] if (dr, dc) != (0, 0) and 0 <= rr < ROWS and 0 <= cc < COLUMNS)
        sites.append(ds.MahallaSite(id=i + 1, lon=60 + c * 0.02, lat=40 + r * 0.02, neighbours=near,
                                    population=int(population[i])))
    territory = data.Territory(np.arange(cells) + 1, np.ones(cells, int), population.astype(float),
                               np.array([s.lon for s in sites]) * 85, np.array([s.lat for s in sites]) * 111,
                               np.full(cells, 3.0))
    pairs = np.array([(s.id - 1, n - 1) for s in sites for n in s.neighbours if n > s.id])
    return sites, territory, spatial.build(territory, pairs)


def demo_backtest(mode: str, seed: int) -> tuple[dict, bool, int]:
    """(the backtest's results, whether the model beats the count baseline, crimes used) on the demo generator's
    data in `mode` ("structured" or "uniform")."""
    sites, territory, neighbours = _grid()
    T = services.LOADED_WEEKS
    end, first = weeks.start(WEEK), weeks.start(WEEK - T * weeks.WEEK)
    empty = data.Events(*(np.zeros(0, dtype=np.int64) for _ in range(6)))

    def index(moment) -> int:
        return int(np.floor((moment.timestamp() - first.timestamp()) / 604800))

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
    return results, beats, len(m)
