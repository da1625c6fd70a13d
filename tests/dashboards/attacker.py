"""An attacker of the open-data page, written apart from `dashboards.disclosure` so that it checks it.

It reads published figures as linear equations over unknown counts (each unknown a count of crimes >= 0) and
works out what they fix:

- `determined`: whether a linear combination of the unknowns (a hidden cell, a quarter, a month...) follows
  from the equations: exact Gaussian elimination over fractions, so every difference of two periods, every row
  or column total minus its shown cells, and every longer combination of them is tried at once.
- `bounds`: the interval each unknown is confined to, by propagating "a sum of non-negative counts equals its
  total" until nothing tightens: a hidden cell whose interval is one value is pinned down as well.
"""

from __future__ import annotations

from fractions import Fraction

Equation = tuple[dict, int]  # {unknown: coefficient}, right-hand side


class Knowledge:
    def __init__(self, equations: list[Equation]):
        self.equations = equations
        self._pivots: list[tuple[object, dict]] = []  # (pivot unknown, row with coefficient 1 there)
        for coefficients, _rhs in equations:
            self._add({k: Fraction(v) for k, v in coefficients.items() if v})

    def _reduce(self, row: dict) -> dict:
        row = dict(row)
        for pivot, prow in self._pivots:
            factor = row.get(pivot)
            if factor:
                for k, v in prow.items():
                    value = row.get(k, 0) - factor * v
                    if value:
                        row[k] = value
                    else:
                        row.pop(k, None)
        return row

    def _add(self, row: dict) -> None:
        row = self._reduce(row)
        if not row:
            return
        pivot = min(row, key=repr)
        scale = row[pivot]
        row = {k: v / scale for k, v in row.items()}
        # Keep earlier rows reduced against the new pivot, so that one pass of `_reduce` suffices.
        for index, (p, prow) in enumerate(self._pivots):
            factor = prow.get(pivot)
            if factor:
                new = dict(prow)
                for k, v in row.items():
                    value = new.get(k, 0) - factor * v
                    if value:
                        new[k] = value
                    else:
                        new.pop(k, None)
                self._pivots[index] = (p, new)
        self._pivots.append((pivot, row))

    def determined(self, combination: dict) -> bool:
        """Whether the published figures fix the value of sum(coefficient * unknown)."""
        return not self._reduce({k: Fraction(v) for k, v in combination.items() if v})

    def bounds(self, rounds: int = 50) -> dict:
        unknowns = {k for coefficients, _ in self.equations for k in coefficients}
        low = dict.fromkeys(unknowns, 0)
        high: dict = dict.fromkeys(unknowns, float("inf"))
        for _ in range(rounds):
            changed = False
            for coefficients, rhs in self.equations:
                if any(v != 1 for v in coefficients.values()):
                    continue  # only sums of counts
                keys = list(coefficients)
                low_sum, high_sum = sum(low[k] for k in keys), sum(high[k] for k in keys)
                for k in keys:
                    new_high = min(high[k], rhs - (low_sum - low[k]))
                    new_low = max(low[k], rhs - (high_sum - high[k]))
                    if new_high != high[k] or new_low != low[k]:
                        high[k], low[k], changed = new_high, new_low, True
                        low_sum, high_sum = sum(low[x] for x in keys), sum(high[x] for x in keys)
            if not changed:
                break
        return {k: (low[k], high[k]) for k in unknowns}


def table_equations(grid: list[list[int | None]], unknown) -> list[Equation]:
    """The equations a published table with margins gives: `grid` has each row's total last and the column
    totals as its last row (None where hidden); `unknown(i, j)` names the unknown of inner cell (i, j), or
    returns a {unknown: 1} dict when a cell is a sum of finer unknowns."""
    def cell(i, j) -> dict:
        named = unknown(i, j)
        return named if isinstance(named, dict) else {named: 1}

    rows, cols = len(grid) - 1, len(grid[0]) - 1
    equations = []

    def add(cells, value):
        if value is None:
            return
        total: dict = {}
        for i, j in cells:
            for k, v in cell(i, j).items():
                total[k] = total.get(k, 0) + v
        equations.append((total, value))

    for i in range(rows):
        for j in range(cols):
            add([(i, j)], grid[i][j])
        add([(i, j) for j in range(cols)], grid[i][cols])
    for j in range(cols):
        add([(i, j) for i in range(rows)], grid[rows][j])
    add([(i, j) for i in range(rows) for j in range(cols)], grid[rows][cols])
    return equations
