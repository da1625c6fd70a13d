"""Spatial weights of the mahallas, built once per run from the boundaries in PostGIS.

Two mahallas are neighbours when their boundaries touch or come within ADJACENCY_TOLERANCE_DEG (about 11 m):
digitised boundaries leave slivers and gaps, and ST_Touches alone would call half of a real district islands. A
mahalla with no neighbour even then (an island, an exclave, a missing boundary) gets its ISLAND_K nearest
mahallas by centroid, so no mahalla is isolated: the spatial lag and Gi* are defined everywhere.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from libpysal.weights import W
from scipy import sparse
from scipy.spatial import cKDTree

from .data import Territory, load_adjacent_pairs

ADJACENCY_TOLERANCE_DEG = 1e-4
ISLAND_K = 3


@dataclass
class Neighbours:
    binary: sparse.csr_matrix        # symmetric 0/1, zero diagonal
    row_standardised: sparse.csr_matrix
    islands: np.ndarray              # indexes of mahallas that got k-nearest neighbours

    @property
    def counts(self) -> np.ndarray:
        return np.asarray(self.binary.sum(axis=1)).ravel()

    def pysal(self) -> W:
        """The same weights as a libpysal W (ids are indexes 0..n-1), for esda."""
        n = self.binary.shape[0]
        indptr, indices = self.binary.indptr, self.binary.indices
        neighbours = {i: indices[indptr[i]:indptr[i + 1]].tolist() for i in range(n)}
        return W(neighbours, id_order=list(range(n)), silence_warnings=True)


def build(territory: Territory, pairs: np.ndarray | None = None) -> Neighbours:
    n = territory.size
    if pairs is None:
        pairs = load_adjacent_pairs(territory, ADJACENCY_TOLERANCE_DEG)
    rows = np.concatenate([pairs[:, 0], pairs[:, 1]]) if len(pairs) else np.zeros(0, dtype=np.int64)
    cols = np.concatenate([pairs[:, 1], pairs[:, 0]]) if len(pairs) else np.zeros(0, dtype=np.int64)
    degree = np.bincount(rows, minlength=n)
    islands = np.flatnonzero(degree == 0)
    if len(islands) and n > 1:
        k = min(ISLAND_K, n - 1)
        tree = cKDTree(np.column_stack([territory.x, territory.y]))
        _, nearest = tree.query(np.column_stack([territory.x[islands], territory.y[islands]]), k=k + 1)
        nearest = np.asarray(nearest).reshape(len(islands), k + 1)
        extra_rows, extra_cols = [], []
        for column in range(k + 1):
            other = nearest[:, column]
            keep = other != islands
            extra_rows.append(islands[keep])
            extra_cols.append(other[keep])
        er, ec = np.concatenate(extra_rows), np.concatenate(extra_cols)
        # Symmetric: the island is also its neighbours' neighbour.
        rows, cols = np.concatenate([rows, er, ec]), np.concatenate([cols, ec, er])
    binary = sparse.csr_matrix((np.ones(len(rows)), (rows, cols)), shape=(n, n))
    binary.data[:] = 1.0  # duplicates summed above
    binary.setdiag(0)
    binary.eliminate_zeros()
    degree = np.asarray(binary.sum(axis=1)).ravel()
    inverse = np.divide(1.0, degree, out=np.zeros(n), where=degree > 0)
    return Neighbours(binary=binary.tocsr(), row_standardised=sparse.diags(inverse) @ binary, islands=islands)
