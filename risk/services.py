"""One weekly run: hot spots, backtest, scores of every mahalla, written together in one transaction (a failed
run leaves the previous weeks as they were; a rerun of the same week replaces it)."""

from __future__ import annotations

import datetime
import json
import time
from dataclasses import dataclass, field

import numpy as np
from django.conf import settings
from django.db import connection, transaction

from . import backtest, data, hotspots, ranking, scoring, weeks
from . import weights as spatial
from .models import Backtest, HotSpot, RiskScore

# Weeks loaded: the history of one forecast plus the backtest's origins and their 4-week outcomes.
LOADED_WEEKS = scoring.HISTORY_WEEKS + backtest.BACKTEST_WEEKS + scoring.HORIZON - 1
GROUPS_SHOWN = 3
GROUP_PRIOR = 5.0


@dataclass
class WeekResult:
    week: datetime.date
    mahallas: int = 0
    ranked_by: str = ""
    beats: bool = False
    hot: int = 0
    cold: int = 0
    seconds: dict = field(default_factory=dict)


@dataclass
class Loaded:
    territory: data.Territory
    place: data.Events
    cyber: data.Events
    alerts: data.Events
    groups: dict
    T: int


def load(week: datetime.date) -> Loaded:
    territory = data.load_territory()
    first = weeks.start(week - LOADED_WEEKS * weeks.WEEK)
    end = weeks.start(week)
    events = data.load_events(territory, first, end)
    groups = data.category_groups()
    cyber_ids = np.array([g for g, (_, is_cyber) in groups.items() if is_cyber], dtype=np.int64)
    is_cyber = np.isin(events.group, cyber_ids)
    alerts = data.load_confirmed_alerts(territory, first, end)
    return Loaded(territory, events.select(~is_cyber), events.select(is_cyber), alerts, groups, LOADED_WEEKS)


def compute_week(week: datetime.date | None = None, *, run_backtest: bool = True) -> WeekResult:
    week = weeks.monday(week or weeks.current())
    result = WeekResult(week=week)
    clock = time.perf_counter()
    loaded = load(week)
    territory, T = loaded.territory, loaded.T
    result.mahallas = m = territory.size
    if m == 0:
        return result
    neighbours = spatial.build(territory)
    place = scoring.visible_matrix(loaded.place, T, T, m)
    result.seconds["load"] = time.perf_counter() - clock

    clock = time.perf_counter()
    spots = hotspots.getis_ord(place[:, T - hotspots.HOTSPOT_WEEKS:T].sum(axis=1), neighbours)
    result.seconds["hotspots"] = time.perf_counter() - clock

    clock = time.perf_counter()
    results, beats = backtest.run(loaded.place, loaded.alerts, T, territory, neighbours) if run_backtest \
        else ({}, False)
    result.seconds["backtest"] = time.perf_counter() - clock

    clock = time.perf_counter()
    by = ranking.ranked_by(beats if run_backtest else ranking.last_verdict(week))
    alerts = scoring.visible_matrix(loaded.alerts, T, T, m)
    model = scoring.forecast(place, T, territory.population, neighbours, alerts)
    cyber = scoring.forecast(scoring.visible_matrix(loaded.cyber, T, T, m), T, territory.population)
    baseline = place[:, T - 12:T].sum(axis=1)
    national, district = ranking.ranks(model.score, baseline, territory.district, territory.ids, by)
    components = _components(loaded, model, cyber, spots, neighbours, by)
    result.seconds["scoring"] = time.perf_counter() - clock

    clock = time.perf_counter()
    if run_backtest:
        results["origins"] = [weeks.label(week - (T - t) * weeks.WEEK) for t in results.pop("origins_index")]
        results["seconds"] = {k: round(v, 3) for k, v in result.seconds.items()}
    _write(week, territory, model.score, cyber.score, baseline, national, district, components, spots,
           results if run_backtest else None, beats, by)
    result.seconds["write"] = time.perf_counter() - clock
    result.ranked_by, result.beats = by, beats
    result.hot, result.cold = int((spots.kind == "hot").sum()), int((spots.kind == "cold").sum())
    return result


def _group_counts(events: data.Events, T: int, m: int, groups: dict) -> tuple[list, np.ndarray, np.ndarray]:
    codes = sorted({int(g) for g in np.unique(events.group)})
    if not codes:
        return [], np.zeros((m, 0)), np.zeros((m, 0))
    g = np.searchsorted(codes, events.group)
    visible = (events.vfrom <= T) & (events.vuntil >= T)
    out = []
    for weeks_back in (4, 52):
        keep = visible & (events.week >= T - weeks_back) & (events.week < T)
        flat = events.m[keep] * len(codes) + g[keep]
        out.append(np.bincount(flat, weights=events.n[keep], minlength=m * len(codes)).reshape(m, len(codes)))
    return [groups.get(c, (str(c), False))[0] for c in codes], out[0], out[1]


def _components(loaded: Loaded, model, cyber, spots, neighbours, by: str) -> list[dict]:
    """The JSON of each mahalla's score (shape: RiskScore docstring)."""
    T, m = loaded.T, loaded.territory.size
    codes, g4, g52 = _group_counts(loaded.place, T, m, loaded.groups)
    g_usual = g52 * scoring.HORIZON / scoring.WINDOWS[-1]
    # The score split by category group: the mahalla's own mix of the last 52 weeks, pulled towards the national mix
    # (as if GROUP_PRIOR crimes of the national mix had been added), times the score.
    national = g52.sum(axis=0) / max(g52.sum(), 1.0)
    share = (g52 + GROUP_PRIOR * national) / (g52.sum(axis=1, keepdims=True) + GROUP_PRIOR)
    g_expected = share * model.score[:, None]
    top_groups = np.argsort(-g4, axis=1, kind="stable")[:, :GROUPS_SHOWN] if codes else np.zeros((m, 0), int)
    raw, craw = model.inputs.raw, cyber.inputs.raw
    hot_neighbours = neighbours.binary @ (spots.kind == "hot").astype(float)
    degree = neighbours.counts
    out = []
    for i in range(m):
        usual = float(raw["usual"][i])
        groups = []
        for j in top_groups[i]:
            if g4[i, j] <= 0:
                break
            u = float(g_usual[i, j])
            groups.append({"code": codes[j], "crimes_4w": int(g4[i, j]), "usual_4w": round(u, 3),
                           "expected_4w": round(float(g_expected[i, j]), 3),
                           "ratio": round(float(g4[i, j]) / u, 2) if u > 0 else None})
        out.append({
            "horizon_weeks": scoring.HORIZON, "ranked_by": by,
            "crimes": {"4": int(raw["c4"][i]), "12": int(raw["c12"][i]), "52": int(raw["c52"][i])},
            "usual_4w": round(usual, 3),
            "ratio": round(float(raw["c4"][i]) / usual, 2) if usual > 0 else None,
            "trend": round(float(raw["trend"][i]), 3),
            "neighbours": {"count": int(degree[i]), "hot": int(hot_neighbours[i]),
                           "crimes_4w": int(raw["neighbours_c4"][i]), "mean_4w": round(float(raw["neighbours"][i]), 3)},
            "near_repeat_2w": int(raw["near_repeat"][i]),
            "alerts_4w": int(raw["alerts"][i]),
            "population": int(loaded.territory.population[i]),
            "hot_spot": str(spots.kind[i]),
            "groups": groups,
            "cyber": {"crimes_4w": int(craw["c4"][i]), "crimes_52w": int(craw["c52"][i]),
                      "score": round(float(cyber.score[i]), 3)},
            "inputs": {name: {"value": round(float(model.inputs.x[i, j]), 4),
                              "contribution": round(float(model.contributions[name][i]), 4)}
                       for j, name in enumerate(model.inputs.names)},
        })
    return out


@transaction.atomic
def _write(week, territory, score, cyber_score, baseline, national, district, components, spots, results, beats,
           by) -> None:
    with connection.cursor() as cursor:
        # A weekly job waits for a lock only so long: then it fails (and is retried), the last week stays.
        cursor.execute("SET LOCAL lock_timeout = %s", [f"{int(settings.RISK_LOCK_TIMEOUT_MS)}ms"])
    RiskScore.objects.filter(week=week).delete()
    HotSpot.objects.filter(week=week, category_group="all").delete()
    ids = territory.ids.tolist()
    # COPY: 9,000 rows with their components in a fraction of the time of INSERTs (computed_at: its default).
    with connection.cursor() as cursor, cursor.cursor.copy(
            "COPY risk_riskscore (mahalla_id, week, score, cyber_score, baseline_count, rank_national,"
            " rank_district, components) FROM STDIN") as copy:
        for i, mahalla_id in enumerate(ids):
            copy.write_row((mahalla_id, week, float(score[i]), float(cyber_score[i]), int(baseline[i]),
                            int(national[i]), int(district[i]), json.dumps(components[i])))
    with connection.cursor() as cursor, cursor.cursor.copy(
            "COPY risk_hotspot (mahalla_id, week, category_group, z_score, p_value, kind) FROM STDIN") as copy:
        for i, mahalla_id in enumerate(ids):
            copy.write_row((mahalla_id, week, "all", float(spots.z[i]), float(spots.p[i]), str(spots.kind[i])))
    if results is not None:
        Backtest.objects.update_or_create(week=week, defaults={
            "weeks": backtest.BACKTEST_WEEKS, "horizon_weeks": scoring.HORIZON, "results": results,
            "beats_count_baseline": beats, "ranked_by": by, "seconds": results["seconds"].get("backtest", 0.0)})
