"""incidents.demo_structure: the demo's crimes have the structure its docstring claims (hot spots, seasons,
near-repeat bursts, cybercrime without a place), deterministically, and the uniform mode has none of it.

No database: the generator is a pure function; the sites are a 30 x 30 grid of mahallas (each touching up to
eight others), large enough for the rates below to be far from noise."""

import datetime
from collections import defaultdict

import numpy as np
import pytest

from incidents.demo_structure import (
    CATEGORIES,
    DEFAULT_WEEKS,
    HOLIDAYS,
    TASHKENT,
    MahallaSite,
    demo_incidents_generate,
)

END = datetime.datetime(2026, 12, 6, 18, 30, tzinfo=datetime.UTC)
SEED = 2026
SIDE = 30
SUMMER_CATEGORIES = {"theft", "hooliganism", "assault", "robbery"}
COUNTED = {"registered", "closed", "deregistered"}


def grid_sites(side: int = SIDE) -> list[MahallaSite]:
    sites = []
    for row in range(side):
        for col in range(side):
            neighbours = tuple(100 + (row + dr) * side + col + dc
                               for dr in (-1, 0, 1) for dc in (-1, 0, 1)
                               if (dr or dc) and 0 <= row + dr < side and 0 <= col + dc < side)
            # Populations from 800 to 12,000, unrelated to the grid's layout.
            population = 800 + (row * 7919 + col * 104729) % 11200
            sites.append(MahallaSite(id=100 + row * side + col, lon=69 + col * 0.01, lat=41 + row * 0.01,
                                     neighbours=neighbours, population=population))
    return sites


@pytest.fixture(scope="module")
def sites():
    return grid_sites()


@pytest.fixture(scope="module")
def structured(sites):
    return demo_incidents_generate(sites, end=END, seed=SEED)


@pytest.fixture(scope="module")
def large():
    """3,600 mahallas: for the rarer effects (a category of 6%, holidays five days a year)."""
    return demo_incidents_generate(grid_sites(60), end=END, seed=SEED)


@pytest.fixture(scope="module")
def uniform(sites):
    return demo_incidents_generate(sites, end=END, seed=SEED, mode="uniform")


def place_crimes(result):
    return [r for r in result.rows if not CATEGORIES[r.category].cyber and r.status in COUNTED]


def per_mahalla(rows, sites) -> dict[int, int]:
    counts = dict.fromkeys((s.id for s in sites), 0)
    for row in rows:
        counts[row.mahalla_id] += 1
    return counts


def local_date(moment: datetime.datetime) -> datetime.date:
    return moment.astimezone(TASHKENT).date()


def per_day(rows, months: set[int], start: datetime.datetime, end: datetime.datetime) -> float:
    """Crimes a day over the days of `months` inside [start, end)."""
    days, day = 0, local_date(start)
    while day < local_date(end):
        days += day.month in months
        day += datetime.timedelta(days=1)
    return sum(local_date(r.occurred_at).month in months for r in rows) / days


def follow_up_share(rows, *, after_days: float, within_days: float, neighbours: dict[int, tuple] | None = None):
    """The share of crimes followed by another of the same category in the same mahalla (or, with `neighbours`,
    in a neighbouring one) between `after_days` and `after_days + within_days` days later."""
    times = defaultdict(list)
    for row in rows:
        times[(row.mahalla_id, row.category)].append(row.occurred_at.timestamp())
    times = {key: np.sort(values) for key, values in times.items()}
    low, high = after_days * 86400, (after_days + within_days) * 86400
    hits = 0
    for row in rows:
        t = row.occurred_at.timestamp()
        places = neighbours[row.mahalla_id] if neighbours else (row.mahalla_id,)
        for place in places:
            series = times.get((place, row.category))
            if series is not None and np.searchsorted(series, t + high, "right") > np.searchsorted(series, t + low,
                                                                                                   "right"):
                hits += 1
                break
    return hits / len(rows)


# --- determinism and shape --------------------------------------------------------------------------------

def test_same_arguments_give_the_same_rows(sites, structured):
    again = demo_incidents_generate(list(reversed(sites)), end=END, seed=SEED)

    assert again.rows == structured.rows
    assert again.hot_spot_centres == structured.hot_spot_centres


def test_another_seed_gives_other_rows(sites, structured):
    other = demo_incidents_generate(sites, end=END, seed=SEED + 1)

    assert other.rows != structured.rows
    assert other.hot_spot_centres != structured.hot_spot_centres


def test_the_uniform_mode_is_deterministic_and_has_the_structured_total(sites, structured, uniform):
    again = demo_incidents_generate(sites, end=END, seed=SEED, mode="uniform")

    assert again.rows == uniform.rows
    assert len(uniform.rows) == len(structured.rows)
    assert uniform.hot_spot_centres == [] and uniform.hot_spot_neighbours == []


def test_the_period_covers_two_years_and_ends_now(structured):
    occurred = [r.occurred_at for r in structured.rows]

    assert DEFAULT_WEEKS >= 52 + 26 + 4 and structured.end - structured.start >= datetime.timedelta(days=730)
    assert structured.start <= min(occurred) < structured.start + datetime.timedelta(days=3)
    assert structured.end - datetime.timedelta(days=3) < max(occurred) <= structured.end
    # About a quarter of an incident per mahalla a month, as the demo always had.
    months = (structured.end - structured.start).days / 30.44
    assert 0.2 < len(structured.rows) / (SIDE * SIDE) / months < 0.32


def test_no_sites_give_no_rows_and_a_bad_mode_is_refused(sites):
    assert demo_incidents_generate([], end=END, seed=SEED).rows == []
    with pytest.raises(ValueError, match="mode"):
        demo_incidents_generate(sites, end=END, seed=SEED, mode="clustered")


def test_islands_without_neighbours_still_get_crimes():
    islands = [MahallaSite(id=i, lon=69.0, lat=41.0 + i / 100, population=5000) for i in range(1, 201)]

    result = demo_incidents_generate(islands, end=END, seed=SEED)

    assert len(result.rows) > 500
    assert {r.mahalla_id for r in result.rows} <= {s.id for s in islands}


# --- hot spots ------------------------------------------------------------------------------------------

def test_hot_spots_have_several_times_the_median_rate_all_the_period(sites, structured):
    crimes = place_crimes(structured)
    middle = structured.start + (structured.end - structured.start) / 2
    for half in ([r for r in crimes if r.occurred_at < middle], [r for r in crimes if r.occurred_at >= middle]):
        counts = per_mahalla(half, sites)
        median = max(float(np.median(list(counts.values()))), 1.0)
        centres = np.mean([counts[m] for m in structured.hot_spot_centres])
        around = np.mean([counts[m] for m in structured.hot_spot_neighbours])

        assert centres >= 3 * median
        assert around >= 2 * median


def test_named_hot_spots_replace_drawn_ones(sites, structured):
    quiet = next(s.id for s in sites if s.id not in structured.hot_spot_centres
                 and s.id not in structured.hot_spot_neighbours)

    pinned = demo_incidents_generate(sites, end=END, seed=SEED, hot_spots=(quiet,))

    assert quiet in pinned.hot_spot_centres
    assert len(pinned.hot_spot_centres) == len(structured.hot_spot_centres)
    assert len(set(pinned.hot_spot_centres) & set(structured.hot_spot_centres)) == len(structured.hot_spot_centres) - 1
    before = sum(r.mahalla_id == quiet for r in place_crimes(structured))
    assert sum(r.mahalla_id == quiet for r in place_crimes(pinned)) >= 3 * max(before, 1)


def test_a_few_mahallas_and_their_neighbours_are_hot(sites, structured):
    centres, around = set(structured.hot_spot_centres), set(structured.hot_spot_neighbours)
    neighbours = {s.id: set(s.neighbours) for s in sites}

    assert 5 <= len(centres) <= 0.03 * len(sites)
    assert not centres & around
    assert around == set().union(*(neighbours[c] for c in centres)) - centres


def test_uniform_incidents_have_no_hot_spots(sites, structured, uniform):
    counts = per_mahalla(place_crimes(uniform), sites)
    median = float(np.median(list(counts.values())))

    assert np.mean([counts[m] for m in structured.hot_spot_centres]) < 1.6 * median
    # Nowhere far above a Poisson draw around the mean.
    mean = np.mean(list(counts.values()))
    assert max(counts.values()) < mean + 5 * mean ** 0.5


# --- seasons and holidays ---------------------------------------------------------------------------------

def test_summer_crimes_peak_in_summer(structured):
    summer = [r for r in place_crimes(structured) if r.category in SUMMER_CATEGORIES]
    span = (structured.start, structured.end)

    assert per_day(summer, {6, 7, 8}, *span) > 1.4 * per_day(summer, {12, 1, 2}, *span)


def test_domestic_violence_peaks_in_winter(large):
    domestic = [r for r in place_crimes(large) if r.category == "domestic-violence"]
    span = (large.start, large.end)

    assert per_day(domestic, {12, 1, 2}, *span) > 1.3 * per_day(domestic, {6, 7, 8}, *span)


def test_hooliganism_rises_on_public_holidays(large):
    result = large
    by_day = defaultdict(int)
    for row in place_crimes(result):
        if row.category == "hooliganism":
            by_day[local_date(row.occurred_at)] += 1
    holidays = [d for d in (local_date(result.start) + datetime.timedelta(days=i) for i in range(1, 780))
                if (d.month, d.day) in HOLIDAYS]
    # The same season: the week before each holiday and the week after, holidays left out.
    around = {h + datetime.timedelta(days=k) for h in holidays for k in range(-7, 8)} - set(holidays)

    on_holidays = sum(by_day[d] for d in holidays) / len(holidays)
    near_them = sum(by_day[d] for d in around) / len(around)

    assert on_holidays > 1.4 * near_them


def test_uniform_incidents_have_no_season(uniform):
    summer = [r for r in place_crimes(uniform) if r.category in SUMMER_CATEGORIES]
    ratio = (per_day(summer, {6, 7, 8}, uniform.start, uniform.end)
             / per_day(summer, {12, 1, 2}, uniform.start, uniform.end))

    assert 0.8 < ratio < 1.25


# --- near-repeat bursts ---------------------------------------------------------------------------------

def test_a_crime_raises_the_chance_of_another_of_its_kind_nearby_for_two_weeks(sites, structured):
    crimes = place_crimes(structured)
    neighbours = {s.id: s.neighbours for s in sites}

    # Two months later the same mahalla is as hot as it always is: the control for hot spots and seasons.
    same_soon = follow_up_share(crimes, after_days=0, within_days=14)
    same_later = follow_up_share(crimes, after_days=60, within_days=14)
    around_soon = follow_up_share(crimes, after_days=0, within_days=14, neighbours=neighbours)
    around_later = follow_up_share(crimes, after_days=60, within_days=14, neighbours=neighbours)

    assert same_soon > 3 * same_later
    assert around_soon > 1.5 * around_later


def test_uniform_incidents_have_no_near_repeats(uniform):
    crimes = place_crimes(uniform)

    soon = follow_up_share(crimes, after_days=0, within_days=14)
    later = follow_up_share(crimes, after_days=60, within_days=14)

    assert soon < 1.5 * later + 0.005


# --- cybercrime -----------------------------------------------------------------------------------------

def test_cybercrime_is_44_percent_and_follows_the_population_only(sites, structured):
    cyber = [r for r in structured.rows if CATEGORIES[r.category].cyber]
    hot = set(structured.hot_spot_centres) | set(structured.hot_spot_neighbours)
    population = {s.id: s.population for s in sites}
    counts = per_mahalla(cyber, sites)

    def per_capita(ids) -> float:
        return sum(counts[m] for m in ids) / sum(population[m] for m in ids)

    assert 0.41 < len(cyber) / len(structured.rows) < 0.47
    assert 0.75 < per_capita(hot) / per_capita(set(population) - hot) < 1.33
    # A mahalla with twice the people has about twice the victims.
    small = [m for m, p in population.items() if p < 4000]
    large = [m for m, p in population.items() if p > 8000]
    assert 0.75 < per_capita(large) / per_capita(small) < 1.33
    assert per_day(cyber, {6, 7, 8}, structured.start, structured.end) < 1.25 * per_day(
        cyber, {12, 1, 2}, structured.start, structured.end)


# --- life cycle -----------------------------------------------------------------------------------------

@pytest.mark.parametrize("mode", ["structured", "uniform"])
def test_every_life_cycle_is_consistent_and_dated(sites, mode):
    result = demo_incidents_generate(sites, end=END, seed=SEED, mode=mode)
    statuses = defaultdict(int)
    for row in result.rows:
        statuses[row.status] += 1
        times = [at for _from, _to, at in row.transitions]
        assert row.occurred_at <= row.reported_at <= END
        assert times == sorted(times) and times[0] == row.reported_at and times[-1] <= END
        assert [t[1] for t in row.transitions[:-1]] == [t[0] for t in row.transitions[1:]]
        assert row.transitions[-1][1] == row.status
        registered = [at for _from, to, at in row.transitions if to == "registered"]
        assert (row.registered_at is not None) == (row.status in ("registered", "closed"))
        if row.registered_at:
            assert row.registered_at == registered[0]
        assert bool(row.outcome) == (row.status == "closed")
        if row.status == "deregistered":
            request = row.deregistration
            assert registered and registered[0] < request.requested_at < request.decided_at == times[-1]
            assert request.reason_code in ("unfounded", "duplicate", "decriminalised")
        else:
            assert row.deregistration is None

    total = len(result.rows)
    assert statuses["registered"] + statuses["closed"] > 0.8 * total
    assert 0.2 * total < statuses["closed"] < 0.5 * total
    assert 0.01 * total < statuses["deregistered"] < 0.05 * total
    assert 0.04 * total < statuses["unfounded"] < 0.12 * total
    assert 0 < statuses["reported"] + statuses["under_verification"] < 0.08 * total


def test_recent_reports_are_more_often_still_waiting(structured):
    waiting = {"reported", "under_verification"}
    recent = [r for r in structured.rows if END - r.reported_at < datetime.timedelta(days=3)]
    older = [r for r in structured.rows if END - r.reported_at > datetime.timedelta(days=30)]

    assert sum(r.status in waiting for r in recent) / len(recent) > 0.4
    assert sum(r.status in waiting for r in older) / len(older) < 0.06
