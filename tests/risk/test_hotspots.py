"""Gi* hot spots are corrected for the number of mahallas tested (false discovery rate)."""

import numpy as np

from risk import hotspots
from risk import weights as spatial
from risk.data import Territory

N = 20


def _grid():
    cells = N * N
    r, c = np.divmod(np.arange(cells), N)
    territory = Territory(np.arange(cells) + 1, np.ones(cells, int), np.full(cells, 4000.0), c * 1.0, r * 1.0,
                          np.ones(cells))
    pairs = [(i, rr * N + cc) for i in range(cells) for dr, dc in ((0, 1), (1, -1), (1, 0), (1, 1))
             for rr, cc in [(i // N + dr, i % N + dc)] if 0 <= rr < N and 0 <= cc < N]
    return spatial.build(territory, np.array(pairs))


def test_a_real_cluster_is_hot_and_noise_is_not_once_corrected_for_400_tests():
    neighbours = _grid()
    rng = np.random.default_rng(7)
    noise = rng.poisson(2.0, size=N * N).astype(float)
    spots = hotspots.getis_ord(noise, neighbours)
    # uncorrected, pure noise gives "significant" mahallas; after the FDR, (almost) none
    assert (spots.p < 0.05).sum() >= 10
    assert (spots.kind != "none").sum() <= 2
    clustered = noise.copy()
    block = [r * N + c for r in range(5, 9) for c in range(5, 9)]
    clustered[block] += 8
    spots = hotspots.getis_ord(clustered, neighbours)
    hot = set(np.flatnonzero(spots.kind == "hot").tolist())
    assert hot and hot <= set(block) | {r * N + c for r in range(4, 10) for c in range(4, 10)}
    assert len(hot & set(block)) >= 8
    assert spots.threshold < 0.05 and (spots.z[list(hot)] > 0).all()


def test_no_crimes_no_spots():
    spots = hotspots.getis_ord(np.zeros(N * N), _grid())
    assert (spots.kind == "none").all() and (spots.p == 1).all()


def test_esdas_compiled_kernels_are_kept_on_disk_for_the_next_process():
    # esda compiles its numba kernels in every process and does not cache them: the hot-spot run asks numba to.
    import esda.crand
    from numba.core.caching import NullCache
    from numba.core.registry import CPUDispatcher

    hotspots._cache_compiled_kernels()
    kernels = [k for k in vars(esda.crand).values() if isinstance(k, CPUDispatcher)]
    assert kernels and all(not isinstance(k._cache, NullCache) for k in kernels)
