"""Scores: smoothed rates, neighbours from real boundaries, the data as it stood, the words, and no people."""

import datetime
import re
from pathlib import Path

import numpy as np
import pytest
from django.utils import timezone, translation

from incidents.change_requests import change_request_create, change_request_decide
from incidents.models import Incident, IncidentTransition
from incidents.services import incident_create, incident_transition
from risk import data, scoring, selectors, services, weeks
from risk import weights as spatial
from risk.models import RiskScore
from tests.factories import DistrictFactory, MahallaFactory, square
from tests.incidents.conftest import fresh
from tests.incidents.factories import category

from .synthetic import HALF, grid, seed_crimes

WEEK = datetime.date(2026, 11, 30)


def test_empirical_bayes_pulls_a_tiny_mahalla_with_one_crime_to_the_overall_rate():
    counts = np.array([1.0, 5, 40, 10, 60, 20, 30, 8])
    exposure = np.array([30.0, 4000, 4000, 4000, 4000, 4000, 4000, 4000])
    raw = counts / exposure
    smoothed, overall = scoring.eb_rates(counts, exposure)
    assert raw.argmax() == 0  # its raw rate tops the list by far
    assert smoothed.argmax() != 0 and smoothed[0] < smoothed.max()
    assert abs(smoothed[0] - overall) < abs(raw[0] - overall) / 10
    # a big mahalla keeps (nearly) its own rate
    assert abs(smoothed[4] - raw[4]) < 0.1 * raw[4]


@pytest.mark.django_db
def test_a_tiny_mahalla_with_one_recent_crime_stays_off_the_top():
    mahallas = grid(5)
    tiny = MahallaFactory(district=mahallas[0].district, population=30, households=10,
                          boundary=square(66.0 + 11 * HALF, 39.0 + HALF, HALF))
    rng = np.random.default_rng(5)
    counts = rng.poisson(0.3, size=(25, services.LOADED_WEEKS))
    one = np.zeros((1, services.LOADED_WEEKS), dtype=np.int64)
    one[0, -1] = 1
    seed_crimes([*mahallas, tiny], np.vstack([counts, one]), WEEK, rng=rng)
    services.compute_week(WEEK)
    score = RiskScore.objects.get(mahalla=tiny, week=WEEK)
    assert score.components["crimes"]["4"] == 1 and score.components["population"] == 30
    assert score.rank_national > 13  # bottom half of 26
    # its smoothed usual rate is the overall rate times its 30 residents: tiny
    assert score.components["usual_4w"] < 0.05


@pytest.mark.django_db
def test_neighbours_from_boundaries_slivers_count_and_islands_get_nearest_mahallas():
    district = DistrictFactory(boundary=square(70.0, 40.0, 1.0))
    a = MahallaFactory(district=district, boundary=square(70.0, 40.0, HALF))
    b = MahallaFactory(district=district, boundary=square(70.0 + 2 * HALF, 40.0, HALF))  # touches a
    # a sliver of about 5 m between c and b: still neighbours
    c = MahallaFactory(district=district, boundary=square(70.0 + 4 * HALF + 0.00005, 40.0, HALF))
    island = MahallaFactory(district=district, boundary=square(70.5, 40.5, HALF))
    territory = data.load_territory()
    neighbours = spatial.build(territory)
    index = dict(zip(territory.ids.tolist(), range(territory.size), strict=True))
    dense = neighbours.binary.toarray()
    assert dense[index[a.pk], index[b.pk]] == dense[index[b.pk], index[c.pk]] == 1
    assert dense[index[a.pk], index[c.pk]] == 0
    assert index[island.pk] in neighbours.islands.tolist()
    assert dense[index[island.pk]].sum() >= 1 and (neighbours.counts > 0).all()
    assert (dense == dense.T).all()
    # libpysal sees the same weights, with no island left
    assert not neighbours.pysal().islands


@pytest.mark.django_db
def test_the_ranking_of_a_week_sees_only_crimes_as_they_stood_before_it(personas, territory):
    """Registered after the week began: not visible. De-registered after the week began: still visible to it.
    De-registered before: not visible."""
    now = timezone.now()
    this_week = weeks.current()
    mahalla = territory.mahalla_a1a

    def registered(days_ago):
        incident = incident_create(by=personas.inspector, mahalla=mahalla, category=category("theft"),
                                   occurred_at=now - datetime.timedelta(days=days_ago))
        incident_transition(by=personas.inspector, incident=incident, to_status=Incident.Status.UNDER_VERIFICATION)
        return incident_transition(by=personas.inspector, incident=incident, to_status=Incident.Status.REGISTERED)

    kept, _registered_now = registered(24), registered(25)
    deregistered = registered(26)
    request = change_request_create(by=fresh(personas.inspector), incident=deregistered, kind="deregister",
                                    reason_code="duplicate", reason="registered twice")
    change_request_decide(by=fresh(personas.registrar), request=request, approve=True)
    # `kept` and `deregistered` were registered two weeks ago; `later` only now (registered_at moved here)
    two_weeks_ago = weeks.start(this_week) - 2 * weeks.WEEK
    Incident.objects.filter(pk=kept.pk).update(registered_at=two_weeks_ago)
    IncidentTransition.objects.filter(incident=deregistered, to_status="registered").update(at=two_weeks_ago)

    t_territory = data.load_territory()
    first = weeks.start(this_week - 10 * weeks.WEEK)
    events = data.load_events(t_territory, first, weeks.start(this_week + weeks.WEEK))
    m = int(t_territory.index([mahalla.pk])[0])
    this, following = 10, 11  # indexes of this week and the next

    def visible(t):
        return int(scoring.visible_matrix(events, t, 11, t_territory.size)[m].sum())

    # this week's ranking (data before its Monday): kept + the one de-registered since; not the one registered now
    assert visible(this) == 2
    # next week's: kept + the late one; the de-registered one has left the count
    assert visible(following) == 2
    # the week after the registrations two weeks ago: both; the week they were registered in: none yet
    assert visible(this - 1) == 2 and visible(this - 2) == 0


@pytest.mark.django_db
def test_explain_says_why_in_words_with_the_neighbours_hot_spots():
    mahallas = grid(6)
    counts = np.zeros((36, services.LOADED_WEEKS), dtype=np.int64)
    counts[:, :] = np.random.default_rng(3).poisson(0.05, size=counts.shape)
    # a hot corner: the 3 x 3 block at the origin, busier in the last 4 weeks
    for cell in (0, 1, 2, 6, 7, 8, 12, 13, 14):
        counts[cell] += np.random.default_rng(cell).poisson(0.6, size=services.LOADED_WEEKS)
        counts[cell, -4:] += 2
    seed_crimes(mahallas, counts, WEEK)
    services.compute_week(WEEK)
    top = RiskScore.objects.filter(week=WEEK).order_by("rank_national").first()
    assert top.mahalla_id in {mahallas[c].pk for c in (0, 1, 2, 6, 7, 8, 12, 13, 14)}
    with translation.override("en"):
        lines = selectors.explain(top)
    text = " ".join(lines)
    n4 = top.components["crimes"]["4"]
    # all its crimes are thefts: the score split by group gives (nearly) all of it to theft
    theft = top.components["groups"][0]
    assert theft["code"] == "theft" and 0.9 * top.score <= theft["expected_4w"] <= top.score + 1e-3
    assert f"{n4} counted crimes in the last 4 weeks" in text
    assert re.search(r"Theft: \d+ in the last 4 weeks, [\d.]+ times its usual rate\.", text)
    assert re.search(r"\d+ neighbouring mahallas? (is a hot spot|are hot spots)\.", text)
    with translation.override("ru"):
        russian = " ".join(selectors.explain(top))
    assert "Кража" in russian and "за последние 4 недели" in russian
    quiet = RiskScore.objects.filter(week=WEEK).order_by("-rank_national").first()
    assert quiet.components["neighbours"]["hot"] == 0 or quiet.components["hot_spot"] != "hot"


# The computation: what reads the database and what it writes (the pages, API and visit plans beside it read people's
# assignments and visits through the usual scope, not through these).
MODEL_MODULES = ("data", "weights", "scoring", "hotspots", "backtest", "ranking", "services", "selectors", "tasks",
                 "weeks", "management/commands/risk_compute")


def test_no_data_about_people_is_read():
    """The model reads counts per place and time: none of the personal columns of incidents, cases, users or
    camera alerts (descriptions, names, addresses, plates, victims' attributes, images) appears in its code."""
    root = Path(data.__file__).parent
    source = "\n".join((root / f"{name}.py").read_text() for name in MODEL_MODULES)
    for column in ("description", "subject_name", "subject_address", "plate", "woman_victim", "minor_involved",
                   "youth_involved", "financial_loss", "created_by", "phone", "snapshot", "accounts_user"):
        assert column not in source, column
