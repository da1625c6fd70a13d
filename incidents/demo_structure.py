"""The demo's crimes, generated with the structure a risk model should find — or, for tests, without any.

A pure function (no database): `demo_incidents_generate(sites, end=..., seed=...)` takes the mahallas (id, a point
inside, neighbour ids, population) and returns incident rows with their whole life cycle. Deterministic for the
same sites, end, weeks, seed and mode. `incidents.demo` loads the rows; the risk app's tests use both modes.

Mode "structured" (the demo):

- **Volume and categories.** About `INCIDENTS_PER_MAHALLA_MONTH` (0.25) incidents per mahalla a month on average,
  over `DEFAULT_WEEKS` (112) weeks ending at `end`: 52 weeks of history, 26 of backtest, its 4-week horizon and a
  margin. Category shares (`CATEGORIES`) follow the 2024 national figures: cybercrime ~44%, nearly all bank-card
  fraud.
- **Persistent hot spots.** `HOT_SPOT_SHARE` (1.5%) of the mahallas, at least one, are hot-spot centres with
  `HOT_SPOT_CENTRE` (5x) the rate of place-based crime, and their neighbours `HOT_SPOT_NEIGHBOUR` (2.5x); the same
  mahallas for the whole period (drawn at random; `hot_spots` names some instead). Every mahalla's rate is also
  scaled by its population to the power `POPULATION_ELASTICITY` (0.5; a mahalla without a population counts as the
  mean one) and by a persistent gamma-distributed factor of mean 1 and shape `RATE_SHAPE` (1: crime concentrates in
  some mahallas beyond the hot spots, as it does everywhere; at least 1 for a centre).
- **Seasons and holidays.** Each place-based category has a yearly cycle 1 + a*cos(2pi(day - peak)/365.25) with
  `SUMMER_PEAK_DAY` (day 200, mid-July) as the peak: a = 0.3-0.4 for theft, robbery, hooliganism, assault (a summer
  peak about twice the winter trough), 0.2 for drugs, and a = -0.25 for domestic violence (a winter peak). On the
  public holidays `HOLIDAYS` (New Year's Eve and Day, Navruz 21-22 March, Independence Day 1 September) hooliganism
  is 3x, assault and domestic violence 2x, theft 1.5x, robbery 1.2x. Movable feasts (Ramadan and Qurbon hayit) are
  left out, so the calendar is the same every year.
- **Near-repeat bursts.** Every place-based crime may set off more of the same category (a self-exciting, Hawkes,
  process): on average `branching` follow-ups (0.1-0.3 by category, `CATEGORIES`), each in the same mahalla
  (probability `NEAR_REPEAT_SAME_MAHALLA`, 0.6) or one of its neighbours, an exponentially distributed time
  (mean `NEAR_REPEAT_MEAN_DAYS`, 4 days) later but within `NEAR_REPEAT_DAYS` (14); follow-ups set off their own.
  The background rates are lowered by (1 - branching) so the volume stays the one above.
- **Cybercrime** counts where the victim lives: its rate follows the population only — no hot spot, no season,
  no near-repeat, no location — and grows by `CYBER_GROWTH_PER_YEAR` (25%) a year, as it does nationally.

Mode "uniform" (for tests): exactly as many incidents as the structured mode makes for the same arguments, each in
a mahalla drawn uniformly, at a uniformly drawn time, of a category drawn by the same shares: no hot spot, season,
near-repeat or population effect. Its life cycle is drawn the same way.

**Life cycle**, the same in both modes (times never after `end`): reported 0.5-48 hours after occurring; a report
less than 3 days old is still waiting for a decision with probability 0.6 (older ones `BACKLOG_SHARE`, 3%: an
overdue backlog), as reported or under verification; `UNFOUNDED_SHARE` (8%) of the decided ones are found unfounded;
the rest are registered 2-60 hours after the report. A registered crime's case is closed, with an outcome, with
probability `CLOSED_SHARE` (0.5) an exponentially distributed time (mean `CLOSED_MEAN_DAYS`, 90 days) after
registration, if that time has come; `DEREGISTERED_SHARE` (3%) of registered crimes are taken out of the count by an
approved de-registration requested 5-60 days after registration and decided 0.5-4 days later (if that time has come;
closed or not). Each row carries its status changes with their times (`transitions`), so the data as it stood at any
past moment can be rebuilt: a de-registered crime's registration is its transition to "registered", and its
de-registration is its `deregistration.decided_at`.

**How strong.** Checked while choosing the numbers above, on the demo's 1,000 mahallas (seeds 2026, 5, 7, 11):
ranking by a 52-week count with time decay, its neighbours' and the last two weeks' crimes put 3.0-4.8 percentage
points more of the next 4 weeks' place-based crimes in the top 10% of mahallas than the last 12 weeks' count did
(mean over 26 weekly backtests; 95% interval of the mean of the weekly differences +-1.3 points), so a real model
has something to find; on the uniform mode the same difference was -0.8 to +0.3 points (+-1.0). With a few hundred
mahallas or fewer the structure is there but too sparse to measure that way.
"""

from __future__ import annotations

import datetime
import math
import zoneinfo
from dataclasses import dataclass, field

import numpy as np

TASHKENT = zoneinfo.ZoneInfo("Asia/Tashkent")
DAY = 86400.0
DEFAULT_WEEKS = 112
MODES = ("structured", "uniform")

INCIDENTS_PER_MAHALLA_MONTH = 0.25
HOT_SPOT_SHARE = 0.015
HOT_SPOT_CENTRE = 5.0
HOT_SPOT_NEIGHBOUR = 2.5
POPULATION_ELASTICITY = 0.5
RATE_SHAPE = 1.0
SUMMER_PEAK_DAY = 200
HOLIDAYS = {(12, 31), (1, 1), (3, 21), (3, 22), (9, 1)}
NEAR_REPEAT_SAME_MAHALLA = 0.6
NEAR_REPEAT_MEAN_DAYS = 4.0
NEAR_REPEAT_DAYS = 14.0
CYBER_GROWTH_PER_YEAR = 0.25

BACKLOG_SHARE = 0.03
UNFOUNDED_SHARE = 0.08
CLOSED_SHARE = 0.5
CLOSED_MEAN_DAYS = 90.0
DEREGISTERED_SHARE = 0.03
OUTCOMES = {"solved": 45, "sent_to_court": 35, "suspended": 15, "transferred": 5}
DEREGISTRATION_REASONS = {"unfounded": 55, "duplicate": 30, "decriminalised": 15}
SOURCES = ("inspector", "citizen", "duty_unit")


@dataclass(frozen=True)
class CategoryPlan:
    share: float        # per cent of all incidents
    cyber: bool = False
    season: float = 0.0  # amplitude of the yearly cycle; > 0 peaks in summer, < 0 in winter
    holiday: float = 1.0  # rate multiplier on HOLIDAYS
    branching: float = 0.0  # expected near-repeat follow-ups of each crime


CATEGORIES = {
    "cyber-bank-card": CategoryPlan(38, cyber=True), "cyber-phishing": CategoryPlan(3, cyber=True),
    "cyber-sms-code": CategoryPlan(2, cyber=True), "cyber-marketplace": CategoryPlan(1, cyber=True),
    "theft": CategoryPlan(16, season=0.35, holiday=1.5, branching=0.3),
    "fraud": CategoryPlan(9, branching=0.15),
    "hooliganism": CategoryPlan(7, season=0.4, holiday=3.0, branching=0.3),
    "assault": CategoryPlan(6, season=0.3, holiday=2.0, branching=0.25),
    "domestic-violence": CategoryPlan(6, season=-0.25, holiday=2.0, branching=0.2),
    "drug-possession": CategoryPlan(5, season=0.2, branching=0.3),
    "drug-trafficking": CategoryPlan(2, season=0.2, branching=0.3),
    "robbery": CategoryPlan(2, season=0.35, holiday=1.2, branching=0.3),
    "other": CategoryPlan(3, branching=0.1),
}


@dataclass(frozen=True)
class MahallaSite:
    id: int
    # A point inside the mahalla: carried for callers (maps, kernel-density baselines); the draws themselves follow
    # the adjacency, which is what the boundaries say about nearness.
    lon: float
    lat: float
    neighbours: tuple[int, ...] = ()
    population: int = 0


@dataclass(frozen=True)
class Deregistration:
    requested_at: datetime.datetime
    decided_at: datetime.datetime
    reason_code: str


@dataclass
class IncidentRow:
    mahalla_id: int
    category: str
    occurred_at: datetime.datetime
    reported_at: datetime.datetime
    status: str
    registered_at: datetime.datetime | None  # None unless in the count now
    outcome: str
    source: str
    minor_involved: bool
    youth_involved: bool
    woman_victim: bool
    transitions: list[tuple[str, str, datetime.datetime]]  # (from, to, at), the first from ""
    deregistration: Deregistration | None = None


@dataclass
class DemoIncidents:
    rows: list[IncidentRow]
    start: datetime.datetime
    end: datetime.datetime
    hot_spot_centres: list[int] = field(default_factory=list)    # mahalla ids
    hot_spot_neighbours: list[int] = field(default_factory=list)  # their neighbours, centres excluded


def demo_incidents_generate(sites: list[MahallaSite], *, end: datetime.datetime, seed: int,
                            weeks: int = DEFAULT_WEEKS, mode: str = "structured",
                            hot_spots: tuple[int, ...] = ()) -> DemoIncidents:
    """The demo's incidents over `weeks` weeks ending at `end` (an aware datetime) in `sites`; see the module.
    `hot_spots` (mahalla ids) are made hot-spot centres, in place of as many drawn at random: the demo puts one
    where its inspector works."""
    if mode not in MODES:
        raise ValueError(f"mode must be one of {MODES}")
    if weeks < 1:
        raise ValueError("weeks must be at least 1")
    start = end - datetime.timedelta(weeks=weeks)
    if not sites:
        return DemoIncidents(rows=[], start=start, end=end)
    sites = sorted(sites, key=lambda s: s.id)
    result = DemoIncidents(rows=[], start=start, end=end)
    index, times, codes = _structured(sites, start=start, days=weeks * 7, seed=seed, result=result,
                                      hot_spots=hot_spots)
    rng = np.random.default_rng([seed, 1])
    if mode == "uniform":
        total = len(index)
        result.hot_spot_centres, result.hot_spot_neighbours = [], []
        index = rng.integers(0, len(sites), total)
        times = np.sort(rng.uniform(0, weeks * 7 * DAY, total))
        codes = _categories_draw(rng, total)
    result.rows = _life_cycles(rng, sites, index, times, codes, start=start, end=end)
    return result


# --- where and when ---------------------------------------------------------------------------------------

def _categories_draw(rng: np.random.Generator, n: int) -> np.ndarray:
    names = list(CATEGORIES)
    shares = np.array([CATEGORIES[c].share for c in names], dtype=float)
    return np.array(names, dtype=object)[rng.choice(len(names), n, p=shares / shares.sum())]


def _local_days(start: datetime.datetime, days: int) -> tuple[list[datetime.date], float]:
    """The Tashkent calendar days the period touches, and how far into the first one it starts (seconds): the
    holidays are local dates, and Tashkent keeps UTC+5 all year, so every day is 86,400 seconds."""
    first = start.astimezone(TASHKENT)
    offset = (first - datetime.datetime.combine(first.date(), datetime.time(), TASHKENT)).total_seconds()
    count = math.ceil((offset + days * DAY) / DAY)
    return [first.date() + datetime.timedelta(days=d) for d in range(count)], offset


def _day_profile(plan: CategoryPlan, dates: list[datetime.date]) -> np.ndarray:
    """Relative rate of each day for a category, mean 1."""
    day_of_year = np.array([d.timetuple().tm_yday for d in dates], dtype=float)
    profile = 1 + plan.season * np.cos(2 * math.pi * (day_of_year - SUMMER_PEAK_DAY) / 365.25)
    if plan.holiday != 1.0:
        holiday = np.array([(d.month, d.day) in HOLIDAYS for d in dates])
        profile = np.where(holiday, profile * plan.holiday, profile)
    if plan.cyber:
        profile = profile * (1 + CYBER_GROWTH_PER_YEAR * (np.arange(len(dates)) - len(dates) / 2) / 365.25)
    return profile / profile.mean()


def _population_weights(sites: list[MahallaSite]) -> np.ndarray:
    population = np.array([s.population for s in sites], dtype=float)
    known = population[population > 0]
    population[population <= 0] = known.mean() if known.size else 1.0
    return population / population.mean()


def _neighbours_csr(sites: list[MahallaSite]) -> tuple[np.ndarray, np.ndarray]:
    position = {s.id: i for i, s in enumerate(sites)}
    lists = [[position[n] for n in s.neighbours if n in position and n != s.id] for s in sites]
    offsets = np.zeros(len(sites) + 1, dtype=np.int64)
    offsets[1:] = np.cumsum([len(x) for x in lists])
    flat = np.array([n for x in lists for n in x], dtype=np.int64)
    return offsets, flat


def _structured(sites, *, start, days, seed, result, hot_spots) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Mahalla positions, seconds from `start` and category codes of every incident, sorted by time."""
    rng = np.random.default_rng([seed, 0])
    n = len(sites)
    population = _population_weights(sites)
    offsets, flat = _neighbours_csr(sites)

    multiplier = np.ones(n)
    wanted = max(1, round(n * HOT_SPOT_SHARE))
    pinned = np.array(sorted({i for i, s in enumerate(sites) if s.id in set(hot_spots)}), dtype=np.int64)
    drawn = rng.choice(n, wanted, replace=False)
    centres = np.concatenate([pinned, drawn[~np.isin(drawn, pinned)][:max(0, wanted - pinned.size)]])
    for centre in centres:
        around = flat[offsets[centre]:offsets[centre + 1]]
        multiplier[around] = np.maximum(multiplier[around], HOT_SPOT_NEIGHBOUR)
    multiplier[centres] = HOT_SPOT_CENTRE
    result.hot_spot_centres = sorted(sites[i].id for i in centres)
    result.hot_spot_neighbours = sorted(sites[i].id for i in np.flatnonzero(multiplier == HOT_SPOT_NEIGHBOUR))
    heterogeneity = rng.gamma(RATE_SHAPE, 1 / RATE_SHAPE, n)
    # A centre is hot whatever its draw: several times the typical rate, not five times a small one.
    heterogeneity[centres] = np.maximum(heterogeneity[centres], 1.0)
    place = population ** POPULATION_ELASTICITY * heterogeneity * multiplier
    place /= place.mean()

    total = INCIDENTS_PER_MAHALLA_MONTH * 12 / 365.25 * days * n
    share_sum = sum(p.share for p in CATEGORIES.values())
    dates, offset = _local_days(start, days)
    index, times, codes = [], [], []
    for code, plan in CATEGORIES.items():
        expected = total * plan.share / share_sum * (1 - plan.branching)
        weights = population if plan.cyber else place
        counts = rng.poisson(expected * weights / n)
        where = np.repeat(np.arange(n), counts)
        profile = _day_profile(plan, dates)
        day = rng.choice(len(dates), where.size, p=profile / profile.sum())
        when = (day + rng.random(where.size)) * DAY - offset
        # The first and last local days stick out of the period by less than a day each.
        inside = (when >= 0) & (when < days * DAY)
        where, when = where[inside], when[inside]
        if plan.branching:
            where, when = _near_repeats(rng, where, when, plan.branching, offsets, flat, days * DAY)
        index.append(where)
        times.append(when)
        codes.append(np.full(where.size, code, dtype=object))
    index, times, codes = np.concatenate(index), np.concatenate(times), np.concatenate(codes)
    order = np.argsort(times, kind="stable")
    return index[order], times[order], codes[order]


def _near_repeats(rng, where, when, branching, offsets, flat, horizon) -> tuple[np.ndarray, np.ndarray]:
    """Add the follow-ups of every crime, generation by generation, until none falls inside the period."""
    all_where, all_when = [where], [when]
    parents_where, parents_when = where, when
    # The delay is exponential truncated at NEAR_REPEAT_DAYS, drawn by inverting its distribution function.
    cap = 1 - math.exp(-NEAR_REPEAT_DAYS / NEAR_REPEAT_MEAN_DAYS)
    while parents_where.size:
        children = rng.poisson(branching, parents_where.size)
        origin = np.repeat(parents_where, children)
        delay = -NEAR_REPEAT_MEAN_DAYS * np.log1p(-rng.random(origin.size) * cap) * DAY
        child_when = np.repeat(parents_when, children) + delay
        child_where = origin.copy()
        if flat.size:
            degree = offsets[origin + 1] - offsets[origin]
            move = (rng.random(origin.size) >= NEAR_REPEAT_SAME_MAHALLA) & (degree > 0)
            step = np.floor(rng.random(int(move.sum())) * degree[move]).astype(np.int64)
            child_where[move] = flat[offsets[origin[move]] + step]
        inside = child_when < horizon
        parents_where, parents_when = child_where[inside], child_when[inside]
        all_where.append(parents_where)
        all_when.append(parents_when)
    return np.concatenate(all_where), np.concatenate(all_when)


# --- what happened to each report -------------------------------------------------------------------------

def _picker(weights: dict[str, int]):
    """A draw by `weights` from one uniform number (a numpy choice per row would be the loader's slowest part)."""
    names = list(weights)
    bounds = np.cumsum(list(weights.values())) / sum(weights.values())
    return lambda u: names[min(int(np.searchsorted(bounds, u, side="right")), len(names) - 1)]


def _life_cycles(rng, sites, index, times, codes, *, start, end) -> list[IncidentRow]:
    rows = []
    outcome_of, reason_of = _picker(OUTCOMES), _picker(DEREGISTRATION_REASONS)
    hour, day = datetime.timedelta(hours=1), datetime.timedelta(days=1)
    # Every row's random numbers drawn at once (one numpy call per row would dominate the time): one column each.
    draws = rng.random((len(index), 18)).tolist()
    for position, seconds, code, u in zip(index.tolist(), times.tolist(), codes.tolist(), draws, strict=True):
        occurred = min(start + datetime.timedelta(seconds=seconds), end)
        reported = min(occurred + (0.5 + 47.5 * u[0]) * hour, end)
        row = IncidentRow(
            mahalla_id=sites[position].id, category=code, occurred_at=occurred, reported_at=reported,
            status="reported", registered_at=None, outcome="",
            source="citizen" if CATEGORIES[code].cyber and u[1] < 0.8 else SOURCES[int(u[2] * len(SOURCES))],
            minor_involved=u[3] < 0.07, youth_involved=u[4] < 0.2,
            woman_victim=u[5] < (0.85 if code == "domestic-violence" else 0.12),
            transitions=[("", "reported", reported)])
        rows.append(row)
        verified = min(reported + (0.5 + 1.5 * u[6]) * hour, end)
        if u[7] < (0.6 if end - reported < 3 * day else BACKLOG_SHARE):
            if u[8] < 0.5:
                _move(row, "under_verification", verified)
            continue
        _move(row, "under_verification", verified)
        decided = min(reported + (2 + 58 * u[9]) * hour, end)
        if u[10] < UNFOUNDED_SHARE:
            _move(row, "unfounded", decided)
            continue
        _move(row, "registered", decided)
        row.registered_at = decided
        closed = decided - CLOSED_MEAN_DAYS * math.log1p(-u[12]) * day if u[11] < CLOSED_SHARE else None
        deregistration = None
        if u[13] < DEREGISTERED_SHARE:
            requested = decided + (5 + 55 * u[14]) * day
            deregistration = Deregistration(requested, requested + (0.5 + 3.5 * u[15]) * day, reason_of(u[17]))
            if deregistration.decided_at >= end:
                deregistration = None
        if closed is not None and closed < end and (deregistration is None or closed < deregistration.requested_at):
            _move(row, "closed", closed)
            row.outcome = outcome_of(u[16])
        if deregistration is not None:
            _move(row, "deregistered", deregistration.decided_at)
            row.registered_at, row.outcome, row.deregistration = None, "", deregistration
    return rows


def _move(row: IncidentRow, to_status: str, at: datetime.datetime) -> None:
    row.transitions.append((row.status, to_status, at))
    row.status = to_status
