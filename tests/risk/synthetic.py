"""Synthetic territories and crime histories for the risk tests: a grid of square mahallas (real PostGIS polygons,
queen-adjacent) and counted crimes drawn week by week, either with structure (persistent hot spots and near-repeat
bursts) or uniformly at random. Only counts, places and times: no people."""

from __future__ import annotations

import datetime

import numpy as np

from incidents.models import Incident
from risk import weeks
from tests.factories import DistrictFactory, MahallaFactory, UserFactory, square
from tests.incidents.factories import category, ensure_incident_categories

HALF = 0.01  # half the side of a mahalla, degrees (about 1.7 km squares)


def grid(n: int, *, lon: float = 66.0, lat: float = 39.0, district=None, population: int = 4000) -> list:
    """n x n mahallas in one district, row-major; returns them as a list."""
    district = district or DistrictFactory(boundary=square(lon + n * HALF, lat + n * HALF, n * HALF + 0.05))
    mahallas = []
    for r in range(n):
        for c in range(n):
            mahallas.append(MahallaFactory(district=district, population=population,
                                           households=min(900, population),
                                           boundary=square(lon + (2 * c + 1) * HALF, lat + (2 * r + 1) * HALF, HALF)))
    return mahallas


def weekly_rates(n: int, weeks_total: int, *, structured: bool, rng) -> np.ndarray:
    """Expected crimes per mahalla per week (n*n x weeks)."""
    cells = n * n
    if not structured:
        return np.full((cells, weeks_total), 0.08)
    rates = np.full((cells, weeks_total), 0.015)
    hot = rng.choice(cells, size=max(2, cells // 12), replace=False)
    for cell in hot:  # a persistent hot spot and, weaker, the cells around it
        r, c = divmod(int(cell), n)
        for dr in (-1, 0, 1):
            for dc in (-1, 0, 1):
                rr, cc = r + dr, c + dc
                if 0 <= rr < n and 0 <= cc < n:
                    rates[rr * n + cc] += 0.25 if (dr, dc) == (0, 0) else 0.04
    return rates


def draw_counts(n: int, rates: np.ndarray, *, structured: bool, rng) -> np.ndarray:
    counts = np.zeros(rates.shape, dtype=np.int64)
    for w in range(rates.shape[1]):
        lam = rates[:, w].copy()
        if structured and w > 0:  # near-repeat: last week's crimes raise this week's rate here and next door
            previous = counts[:, w - 1].reshape(n, n).astype(float)
            padded = np.pad(previous, 1)
            around = sum(padded[1 + dr:1 + dr + n, 1 + dc:1 + dc + n] for dr in (-1, 0, 1) for dc in (-1, 0, 1))
            lam += 0.15 * previous.ravel() + 0.03 * around.ravel()
        counts[:, w] = rng.poisson(lam)
    return counts


def seed_crimes(mahallas: list, counts: np.ndarray, last_week: datetime.date, *, code: str = "theft",
                rng=None, user=None) -> list[Incident]:
    """Counted crimes: counts[i, w] crimes in mahallas[i] during week w, the last column being the week before
    `last_week`; each registered a day after it occurred."""
    ensure_incident_categories()
    rng = rng or np.random.default_rng(0)
    user = user or UserFactory()
    cat = category(code)
    n_weeks = counts.shape[1]
    first = weeks.start(last_week) - n_weeks * weeks.WEEK
    rows = []
    for i, w in zip(*np.nonzero(counts), strict=True):
        for _ in range(int(counts[i, w])):
            occurred = first + w * weeks.WEEK + datetime.timedelta(minutes=int(rng.integers(0, 7 * 24 * 60 - 1)))
            registered = occurred + datetime.timedelta(hours=20)
            rows.append(Incident(mahalla=mahallas[i], occurred_at=occurred, reported_at=occurred,
                                 registered_at=registered, category=cat, status="registered", created_by=user))
    return Incident.objects.bulk_create(rows, batch_size=5000)
