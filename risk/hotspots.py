"""Hot and cold spots: local Getis-Ord Gi* (esda.G_Local, star=True, binary weights from weights.py) of the
place-based counted crimes of the HOTSPOT_WEEKS weeks before the week, with PERMUTATIONS conditional
permutations (esda's numba kernel when numba is installed) and the Benjamini-Hochberg false discovery rate
(esda.fdr) over all mahallas tested together. Cybercrime is left out: it counts where the victim lives.

A mahalla is a hot (cold) spot when its pseudo p-value is below the FDR threshold and its z-score is
positive (negative); otherwise "none". esda's pseudo p-value is one-sided in the direction of the observed value.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass

import numpy as np

HOTSPOT_WEEKS = 12
PERMUTATIONS = 999
FDR_ALPHA = 0.05
SEED = 18


def _cache_compiled_kernels() -> None:
    """Keep esda's numba kernels compiled on disk. esda compiles them in every process (16 s on this machine, for
    each Celery worker and test process) and does not ask numba to cache them; with caching the next process loads
    them, and only the kernel that takes the statistic as an argument compiles again (5 s). Where the cache cannot
    be written (a read-only install), numba refuses to cache and the kernels compile as before."""
    import esda.crand
    import esda.getisord
    from numba.core.registry import CPUDispatcher

    for module in (esda.crand, esda.getisord):
        for kernel in vars(module).values():
            if isinstance(kernel, CPUDispatcher) and not getattr(kernel, "_ms_cached", False):
                try:
                    kernel.enable_caching()
                except (RuntimeError, OSError):
                    continue
                kernel._ms_cached = True


@dataclass
class Spots:
    z: np.ndarray
    p: np.ndarray
    kind: np.ndarray  # "hot" / "cold" / "none"
    threshold: float  # the FDR p-value threshold (0 when nothing is significant)


def getis_ord(counts: np.ndarray, neighbours, permutations: int = PERMUTATIONS, alpha: float = FDR_ALPHA,
              seed: int = SEED) -> Spots:
    n = len(counts)
    none = Spots(z=np.zeros(n), p=np.ones(n), kind=np.full(n, "none", dtype=object), threshold=0.0)
    if n < 3 or counts.sum() == 0 or np.all(counts == counts[0]):
        return none  # no variation: nothing can be a hot spot
    from esda import G_Local, fdr

    _cache_compiled_kernels()
    w = neighbours.pysal()
    with warnings.catch_warnings():
        # esda announces a future change of its default alternative; G_Local does not take the argument yet, and
        # the p-values here are read as documented above (directed, folded).
        warnings.filterwarnings("ignore", message="The alternative hypothesis", category=DeprecationWarning)
        # Separate groups of mahallas (a region across a border, an exclave) are fine: no mahalla is an island.
        warnings.filterwarnings("ignore", message="The weights matrix is not fully connected", category=UserWarning)
        result = G_Local(counts.astype(float), w, transform="B", permutations=permutations, star=True,
                         keep_simulations=False, n_jobs=1, seed=seed)
    z = np.nan_to_num(np.asarray(result.Zs, dtype=float))
    p = np.clip(np.nan_to_num(np.asarray(result.p_sim, dtype=float), nan=1.0), 0.0, 1.0)
    threshold = float(fdr(p, alpha))
    significant = p < threshold  # esda.fdr: the Benjamini-Hochberg bound (Bonferroni when none passes)
    kind = np.where(significant & (z > 0), "hot", np.where(significant & (z < 0), "cold", "none")).astype(object)
    return Spots(z=z, p=p, kind=kind, threshold=threshold)
