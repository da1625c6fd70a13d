"""The weekly risk score: expected counted crimes of a mahalla in the 4 weeks from week t, for every mahalla at
once (numpy over a mahalla x week count matrix; no per-mahalla loop).

Inputs, each computed from the crimes visible at t (see data.Events) in the weeks before t:
- usual: the empirical-Bayes smoothed rate of the last 52 weeks (Poisson-gamma, Marshall's global moment
  estimator) per resident, times the population: a small mahalla with one crime is pulled to the national rate
  instead of topping the list. Where the population is unknown (0) the median population stands in.
- recent: crimes of the last 4 weeks; decayed: all of the last 52 weeks weighted exp(-age / 13 weeks);
- trend: the last 4 weeks' rate against the last 52 weeks' rate;
- neighbours (place-based crimes only): the mean of the neighbours' crimes per 4 weeks over the last 12 weeks
  (spatial lag over the adjacency of weights.py);
- near-repeat: crimes of the last 2 weeks in the mahalla and its neighbours;
- alerts: camera alerts a person confirmed in the last 4 weeks.

They are combined by a Poisson regression (log link) fitted at every t on the TRAIN_ORIGINS previous origins whose
4-week outcome was already known at t, with a ridge penalty that pulls the coefficients towards "the usual rate
and nothing else" (so little data gives the smoothed rate, not noise). Each input's contribution to a mahalla's
score is its coefficient times its deviation from the national mean (on the log scale): exp(sum) is the factor
by which the mahalla's forecast differs from the typical mahalla's.

Cybercrime counts where the victim lives and has no place of its own: it is forecast with the same method
without the spatial inputs (neighbours, near-repeat across borders, alerts) and never enters the ranking score.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .data import Events

HORIZON = 4
WINDOWS = (4, 12, 52)
DECAY_WEEKS = 13.0
NEAR_REPEAT_WEEKS = 2
TRAIN_ORIGINS = 8
RIDGE = 5.0
# Weeks of history one forecast at t reads: 52-week windows at the earliest training origin.
HISTORY_WEEKS = WINDOWS[-1] + HORIZON + TRAIN_ORIGINS

PLACE_INPUTS = ("usual", "recent", "decayed", "trend", "neighbours", "near_repeat", "alerts")
CYBER_INPUTS = ("usual", "recent", "decayed", "trend")


def visible_matrix(events: Events, t: int, n_weeks: int, size: int) -> np.ndarray:
    """Counts (mahalla x week, weeks 0..n_weeks-1) of the events visible to the ranking of week t."""
    keep = (events.vfrom <= t) & (events.vuntil >= t) & (events.week >= 0) & (events.week < n_weeks)
    flat = events.m[keep] * n_weeks + events.week[keep]
    return np.bincount(flat, weights=events.n[keep], minlength=size * n_weeks).reshape(size, n_weeks)


def eb_rates(counts: np.ndarray, exposure: np.ndarray) -> tuple[np.ndarray, float]:
    """Marshall's (1991) global empirical-Bayes rates: each raw rate shrunk to the overall rate by a weight that
    grows with its exposure. Returns the smoothed rates and the overall rate."""
    total_exposure = exposure.sum()
    if total_exposure <= 0:
        return np.zeros_like(counts, dtype=float), 0.0
    mean = counts.sum() / total_exposure
    raw = counts / exposure
    variance = (exposure * (raw - mean) ** 2).sum() / total_exposure
    between = max(variance - mean / exposure.mean(), 0.0)
    if between == 0.0 or mean == 0.0:
        return np.full_like(raw, mean), float(mean)
    weight = between / (between + mean / exposure)
    return mean + weight * (raw - mean), float(mean)


def exposure_of(population: np.ndarray) -> np.ndarray:
    known = population > 0
    if not known.any():
        return np.ones_like(population, dtype=float)
    return np.where(known, population, np.median(population[known])).astype(float)


@dataclass
class Inputs:
    """The inputs of every mahalla at one origin: `raw` in their own units (for words), `x` the model's columns."""

    raw: dict[str, np.ndarray]
    x: np.ndarray  # mahallas x len(names)
    names: tuple[str, ...]


def inputs_at(counts: np.ndarray, cumulative: np.ndarray, alerts_cum: np.ndarray | None, s: int,
              population: np.ndarray, neighbours=None) -> Inputs:
    """The inputs of every mahalla for origin s from counts of weeks < s (`cumulative[:, s]` = sum of weeks < s)."""

    def window(cum, weeks):
        return cum[:, s] - cum[:, max(s - weeks, 0)]

    c4, c12, c52 = (window(cumulative, w) for w in WINDOWS)
    c2 = window(cumulative, NEAR_REPEAT_WEEKS)
    lo = max(s - WINDOWS[-1], 0)
    age = (s - 1) - np.arange(lo, s)  # 0 for the last week before s
    decayed = counts[:, lo:s] @ np.exp(-age / DECAY_WEEKS) if s > lo else np.zeros(len(c4))
    weeks_seen = max(min(s, WINDOWS[-1]), 1)
    exposure = exposure_of(population)
    # Expected crimes per 4 weeks at the smoothed rate of the weeks seen (52, or fewer at the start of history).
    rate, _ = eb_rates(c52, exposure * weeks_seen / HORIZON)
    usual = rate * exposure
    trend = np.log((c4 + 0.5) / (c52 * HORIZON / weeks_seen + 0.5))
    raw = {"c4": c4, "c12": c12, "c52": c52, "usual": usual, "decayed": decayed, "trend": trend}
    columns = [np.log(usual + 0.05), np.log1p(c4), np.log1p(decayed), trend]
    names = CYBER_INPUTS
    if neighbours is not None:
        raw["neighbours"] = neighbours.row_standardised @ c12 / 3.0
        raw["neighbours_c4"] = neighbours.binary @ c4
        raw["near_repeat"] = c2 + neighbours.binary @ c2
        raw["alerts"] = window(alerts_cum, 4) if alerts_cum is not None else np.zeros(len(c4))
        columns += [np.log1p(raw["neighbours"]), np.log1p(raw["near_repeat"]), np.log1p(raw["alerts"])]
        names = PLACE_INPUTS
    return Inputs(raw=raw, x=np.column_stack(columns), names=names)


def fit_poisson(x: np.ndarray, y: np.ndarray, prior: np.ndarray, ridge: float = RIDGE, iterations: int = 30):
    """Poisson regression with log link by iteratively reweighted least squares, with the penalty
    ridge * |beta - prior|^2 (x includes the intercept column)."""
    beta = prior.copy()
    penalty = ridge * np.eye(len(prior))
    for _ in range(iterations):
        eta = np.clip(x @ beta, -30, 12)
        mu = np.exp(eta)
        # X'W z with z = eta + (y - mu) / mu, written without the division (mu can be tiny).
        new = np.linalg.solve((x.T * mu) @ x + penalty, x.T @ (mu * eta + y - mu) + penalty @ prior)
        if np.max(np.abs(new - beta)) < 1e-7:
            return new
        beta = new
    return beta


@dataclass
class Forecast:
    score: np.ndarray                 # expected crimes in the 4 weeks from t
    inputs: Inputs
    coefficients: dict[str, float]
    contributions: dict[str, np.ndarray]  # log-scale, against the national mean of each input


def forecast(counts: np.ndarray, t: int, population: np.ndarray, neighbours=None,
             alerts: np.ndarray | None = None) -> Forecast:
    """Forecast the 4 weeks from t for every mahalla from counts (mahalla x week) visible at t. `neighbours`
    (weights.Neighbours) switches on the spatial inputs; None for cybercrime."""
    cumulative = np.zeros((counts.shape[0], counts.shape[1] + 1))
    np.cumsum(counts, axis=1, out=cumulative[:, 1:])
    alerts_cum = None
    if alerts is not None:
        alerts_cum = np.zeros((alerts.shape[0], alerts.shape[1] + 1))
        np.cumsum(alerts, axis=1, out=alerts_cum[:, 1:])
    rows, targets = [], []
    for k in range(TRAIN_ORIGINS):
        s = t - HORIZON - k
        if s < 1:
            break
        rows.append(inputs_at(counts, cumulative, alerts_cum, s, population, neighbours).x)
        targets.append(cumulative[:, s + HORIZON] - cumulative[:, s])
    now = inputs_at(counts, cumulative, alerts_cum, t, population, neighbours)
    k = now.x.shape[1]
    prior = np.zeros(k + 1)
    prior[1] = 1.0  # "the usual rate": log(usual) with coefficient 1
    if rows:
        x = np.column_stack([np.ones(sum(len(r) for r in rows)), np.vstack(rows)])
        beta = fit_poisson(x, np.concatenate(targets), prior)
    else:
        beta = prior
    score = np.exp(np.clip(beta[0] + now.x @ beta[1:], -30, 12))
    centred = now.x - now.x.mean(axis=0)
    contributions = {name: beta[j + 1] * centred[:, j] for j, name in enumerate(now.names)}
    coefficients = {"intercept": float(beta[0]), **{n: float(beta[j + 1]) for j, n in enumerate(now.names)}}
    return Forecast(score=score, inputs=now, coefficients=coefficients, contributions=contributions)
