"""Cell suppression for the published crime table, so that no hidden small count can be worked out.

The table is read as a grid extended by its margins: row totals in the last column, column totals in the last
row, the grand total in the corner. Every line of that grid (a row or a column) obeys one known equation (its
cells add up to its total), so a hidden cell is only safe when the published cells leave it room to move.

1. Primary suppression: every count under the threshold is hidden (a zero as well: showing only the zeros
   would give the small ones away).
2. Secondary suppression, repeated until nothing changes: a line with exactly one hidden cell gets its
   next-smallest cell hidden too (otherwise total minus shown cells is the hidden one); and a hidden cell that
   the published figures still pin down (a "bridge" between two blocks of hidden cells, or a block of zeros that
   cannot move without a count going negative) gets the smallest shown cell of its row or column hidden.

"Pinned" is decided exactly: a hidden cell can take another value exactly when there is a cycle of hidden cells
through it, alternating +1 and -1 along rows and columns, that keeps every count at zero or above. Totals are
cells of the grid like any other: a shown total is the true sum, a hidden one is hidden by the same rules.
"""

from __future__ import annotations

from collections import deque

THRESHOLD = 5

Cell = tuple[int, int]


def extend(cells: list[list[int]]) -> list[list[int]]:
    """The grid with its margins: each row followed by its total, then the row of column totals and the grand
    total."""
    width = len(cells[0]) if cells else 0
    rows = [[*row, sum(row)] for row in cells]
    totals = [sum(row[j] for row in rows) for j in range(width + 1)]
    return [*rows, totals]


def _sign(grid: list[list[int]], cell: Cell) -> int:
    """+1 for inner cells and the grand total, -1 for margins: with these signs every line sums to zero."""
    last_row, last_col = len(grid) - 1, len(grid[0]) - 1
    return -1 if (cell[0] == last_row) != (cell[1] == last_col) else 1


def _may_move(grid: list[list[int]], cell: Cell, step: int) -> bool:
    """Whether the signed value of `cell` may change by `step` (+1/-1) without its count going below zero."""
    return _sign(grid, cell) * step > 0 or grid[cell[0]][cell[1]] >= 1


class _Moves:
    """The hidden cells as a directed graph on row and column nodes: a cell (i, j) gives the arc row i -> column j
    when it may take +1 and column j -> row i when it may take -1. A hidden cell can change exactly when a cycle
    through one of its arcs exists, i.e. the arc's head reaches its tail without that cell."""

    def __init__(self, grid: list[list[int]], hidden: set[Cell]):
        self.grid = grid
        self.out: dict[tuple[str, int], list[tuple[tuple[str, int], Cell]]] = {}
        for c in hidden:
            if _may_move(grid, c, +1):
                self.out.setdefault(("r", c[0]), []).append((("c", c[1]), c))
            if _may_move(grid, c, -1):
                self.out.setdefault(("c", c[1]), []).append((("r", c[0]), c))

    def _reaches(self, start, goal, skip: Cell) -> bool:
        seen, queue = {start}, deque([start])
        while queue:
            node = queue.popleft()
            if node == goal:
                return True
            for nxt, cell in self.out.get(node, ()):
                if cell != skip and nxt not in seen:
                    seen.add(nxt)
                    queue.append(nxt)
        return False

    def pinned(self, cell: Cell) -> bool:
        row, col = ("r", cell[0]), ("c", cell[1])
        up = _may_move(self.grid, cell, +1) and self._reaches(col, row, cell)
        return not up and not (_may_move(self.grid, cell, -1) and self._reaches(row, col, cell))


def pinned(grid: list[list[int]], hidden: set[Cell], cell: Cell) -> bool:
    """Whether the published cells (all but `hidden`) fix the value of the hidden `cell`."""
    return _Moves(grid, hidden).pinned(cell)


def _smallest_shown(grid, hidden: set[Cell], cells) -> Cell | None:
    shown = [c for c in cells if c not in hidden]
    return min(shown, key=lambda c: (grid[c[0]][c[1]], c)) if shown else None


def _lines(grid) -> list[list[Cell]]:
    rows, cols = len(grid), len(grid[0])
    return ([[(i, j) for j in range(cols)] for i in range(rows)]
            + [[(i, j) for i in range(rows)] for j in range(cols)])


def _lonely_fixes(grid, hidden: set[Cell]) -> set[Cell]:
    fixes = set()
    for line in _lines(grid):
        if sum(c in hidden for c in line) == 1 and (cell := _smallest_shown(grid, hidden, line)):
            fixes.add(cell)
    return fixes


def _pinned_fixes(grid, hidden: set[Cell]) -> set[Cell]:
    """For each pinned cell, the smallest shown cell of its row or its column: of the line whose hidden cells
    hold less (a line of hidden zeros is what pins them), else of the whole grid."""
    fixes = set()
    rows, cols = len(grid), len(grid[0])
    everything = [(i, j) for i in range(rows) for j in range(cols)]
    moves = _Moves(grid, hidden)

    def held(line) -> int:
        return sum(grid[i][j] for i, j in line if (i, j) in hidden)

    for cell in sorted(hidden):
        if moves.pinned(cell):
            lines = sorted(([(cell[0], j) for j in range(cols)], [(i, cell[1]) for i in range(rows)]), key=held)
            fix = (_smallest_shown(grid, hidden, lines[0]) or _smallest_shown(grid, hidden, lines[1])
                   or _smallest_shown(grid, hidden, everything))
            if fix:
                fixes.add(fix)
    return fixes


def protect(grid: list[list[int]], *, threshold: int = THRESHOLD) -> set[Cell]:
    """The cells of the extended `grid` to hide: primary, then secondary suppression until stable."""
    if not grid or not grid[0]:
        return set()
    hidden = {(i, j) for i, row in enumerate(grid) for j, value in enumerate(row) if value < threshold}
    while True:
        fixes = _lonely_fixes(grid, hidden) or _pinned_fixes(grid, hidden)
        if not fixes:
            return hidden
        hidden |= fixes
