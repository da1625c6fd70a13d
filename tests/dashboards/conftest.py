"""Known data for the dashboard tests: incidents, alerts, visits, assignments, zone statuses and roadmaps
across both regions of the shared territory, in Q1 and Q2 2025 and around the period edges."""

import datetime
import random
import uuid
from dataclasses import dataclass
from zoneinfo import ZoneInfo

import pytest

from accounts.models import Assignment, Role
from incidents.models import FieldVisit, Incident, IncidentCategory
from roadmaps.models import Roadmap, RoadmapItem
from surveillance.models import Alert
from tests.factories import UserFactory
from tests.shared_rows import SHARED
from zones.models import MahallaStatus
from zones.recompute import policy_current

TASHKENT = ZoneInfo("Asia/Tashkent")
CATEGORIES = ("theft", "cyber-bank-card", "cyber-phishing", "drug-possession", "assault", "fraud")
STATUSES = ("registered", "registered", "registered", "unfounded", "reported", "closed")


@pytest.fixture(autouse=True)
def _local_cache(settings):
    # The dashboards cache their results; each test gets its own empty cache, never the shared Redis.
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache",
                                   "LOCATION": f"dash-{uuid.uuid4()}"}}


@pytest.fixture(autouse=True)
def _no_doorbell(monkeypatch):
    # Signals mark mahallas dirty; ringing would enqueue a real Celery task on the shared broker.
    monkeypatch.setattr("dashboards.stats.DIRTY.doorbell.ring", lambda *args: False)


def at(y, m, d, hh=12, mm=0) -> datetime.datetime:
    return datetime.datetime(y, m, d, hh, mm, tzinfo=TASHKENT)


@dataclass
class Seeded:
    incidents: int
    alerts: int
    visits: int


@pytest.fixture
def seeded(territory, personas, request) -> Seeded:
    """Written once per test process, beneath the tests that ask for it (tests/shared_rows.py)."""
    return SHARED.get(request, "seeded")


@SHARED.layer("seeded", on=("territory", "personas"))
def build_seeded(territory, personas) -> Seeded:
    rng = random.Random(2025)
    mahallas = [territory.mahalla_a1a, territory.mahalla_a1b, territory.mahalla_a2a, territory.mahalla_b1a]
    # Migrations seed the categories; a transactional test's flush may have removed them: make sure.
    categories = {code: IncidentCategory.objects.get_or_create(code=code, defaults={
        "name_uz": code, "name_en": code.replace("-", " ").capitalize(), "is_cyber": code.startswith("cyber"),
        "is_drug": code.startswith("drug"), "is_fraud": code in ("fraud", "cyber-bank-card", "cyber-phishing")})[0]
        for code in CATEGORIES}
    author = personas.inspector
    incidents = []
    for i in range(240):
        day = datetime.date(2025, 1, 1) + datetime.timedelta(days=rng.randrange(0, 200))
        when = at(day.year, day.month, day.day, rng.randrange(0, 24), rng.randrange(0, 60))
        incidents.append(Incident(
            mahalla=rng.choice(mahallas), occurred_at=when, reported_at=when + datetime.timedelta(hours=2),
            category=categories[rng.choice(CATEGORIES)], status=(status := rng.choice(STATUSES)),
            # "closed" here is a registered crime whose case was closed: it still counts.
            registered_at=when + datetime.timedelta(hours=3) if status in ("registered", "closed") else None,
            legal_kind="administrative" if i % 9 == 0 else "crime", minor_involved=rng.random() < 0.2,
            youth_involved=rng.random() < 0.3, woman_victim=rng.random() < 0.25, created_by=author))
    # Period edges in Tashkent time: 30 June 23:30 is Q2; 1 July 00:10 (still 30 June in UTC) is Q3;
    # 31 March 23:59 is Q1.
    for when in (at(2025, 6, 30, 23, 30), at(2025, 7, 1, 0, 10), at(2025, 3, 31, 23, 59)):
        incidents.append(Incident(mahalla=territory.mahalla_a1a, occurred_at=when, reported_at=when,
                                  category=categories["theft"], status="registered", registered_at=when,
                                  created_by=author))
    Incident.objects.bulk_create(incidents)

    alerts = []
    for i in range(300):
        mahalla = rng.choice(mahallas)
        day = datetime.date(2025, 1, 1) + datetime.timedelta(days=rng.randrange(0, 200))
        status = rng.choice(("confirmed", "dismissed", "dismissed", "routed", "filtered", "escalated", "new"))
        alerts.append(Alert(vendor="generic", natural_key=f"t-{i}", device_id="cam", event_type="fight",
                            started_at=at(day.year, day.month, day.day, rng.randrange(0, 24)), mahalla=mahalla,
                            district=mahalla.district, status=status,
                            dismiss_reason="false positive" if status == "dismissed" else ""))
    Alert.objects.bulk_create(alerts)

    visits = []
    for _i in range(150):
        mahalla = rng.choice(mahallas)
        day = datetime.date(2025, 1, 1) + datetime.timedelta(days=rng.randrange(0, 200))
        visits.append(FieldVisit(mahalla=mahalla, by=author, kind="household",
                                 visited_at=at(day.year, day.month, day.day, rng.randrange(6, 22)),
                                 client_uuid=uuid.uuid4()))
    FieldVisit.objects.bulk_create(visits)

    # Coverage on 30 June 2025: an inspector in A1b and A2a, a social worker in A1b, nobody in B1a; the
    # personas' own assignments (A1a) start today, so they do not count for 2025.
    field_inspector = UserFactory(username="inspector-2", role=Role.INSPECTOR)
    field_social = UserFactory(username="social-2", role=Role.SOCIAL_WORKER)
    Assignment.objects.create(user=field_inspector, mahalla=territory.mahalla_a1b, role=Role.INSPECTOR,
                              starts_on=datetime.date(2025, 1, 1), ends_on=datetime.date(2025, 12, 31))
    Assignment.objects.create(user=field_inspector, mahalla=territory.mahalla_a2a, role=Role.INSPECTOR,
                              is_primary=False, starts_on=datetime.date(2025, 5, 1))
    Assignment.objects.create(user=field_social, mahalla=territory.mahalla_a1b, role=Role.SOCIAL_WORKER,
                              starts_on=datetime.date(2025, 3, 15), ends_on=datetime.date(2025, 4, 30))
    Assignment.objects.create(user=field_social, mahalla=territory.mahalla_a2a, role=Role.SOCIAL_WORKER,
                              starts_on=datetime.date(2025, 2, 1))

    policy = policy_current()
    colours = {"Q2-2025": ("red", "green", "yellow", "green"), "Q1-2025": ("yellow", "green", "green", "red")}
    for period, values in colours.items():
        for mahalla, colour in zip(mahallas, values, strict=True):
            MahallaStatus.objects.create(mahalla=mahalla, period=period, colour=colour, policy=policy,
                                         colour_since=at(2025, 4, 1), computed_at=at(2025, 7, 1))

    roadmap = Roadmap.objects.create(district=territory.district_a1, year=2025, created_by=personas.district_official)
    for progress, status, deadline in ((40, "in_progress", datetime.date(2025, 3, 1)),
                                       (100, "done", datetime.date(2025, 5, 1)),
                                       (0, "cancelled", datetime.date(2025, 2, 1)),
                                       (10, "planned", datetime.date(2099, 1, 1))):
        RoadmapItem.objects.create(roadmap=roadmap, focus_area="outreach", title="Measure", deadline=deadline,
                                   status=status, progress=progress)
    Roadmap.objects.create(mahalla=territory.mahalla_b1a, year=2025, created_by=personas.outsider)

    from dashboards.stats import stats_rebuild

    stats_rebuild()
    return Seeded(len(incidents), len(alerts), len(visits))


# --- Count integrity: known crimes, change requests and reports of Q2 2025 ----------------------------------


@dataclass
class CountData:
    crimes: dict  # name -> Incident
    requests: dict  # name -> IncidentChangeRequest
    region_b_officer: object


def _crime(mahalla, when, author, category_code="theft", **extra):
    from tests.incidents.factories import IncidentFactory, category, ensure_incident_categories

    ensure_incident_categories()
    return IncidentFactory(mahalla=mahalla, occurred_at=when, reported_at=when + datetime.timedelta(hours=1),
                           category=category(category_code), status="registered", created_by=author, **extra)


def _decided_report(mahalla, when, author, status, days):
    """A report of `when` decided (`status`) after `days` days, with its history row."""
    from incidents.models import IncidentTransition
    from tests.incidents.factories import IncidentFactory, category, ensure_incident_categories

    ensure_incident_categories()
    incident = IncidentFactory(mahalla=mahalla, occurred_at=when, reported_at=when, category=category("theft"),
                               status=status, created_by=author,
                               registered_at=when + datetime.timedelta(days=days) if status == "registered" else None)
    row = IncidentTransition.objects.create(incident=incident, from_status="under_verification", to_status=status,
                                            by=author)
    IncidentTransition.objects.filter(pk=row.pk).update(at=when + datetime.timedelta(days=days))
    return incident


@pytest.fixture
def count_data(territory, personas) -> CountData:
    """Q2 2025 in both regions:

    A1a: crimes a1, a2, a3; a1 de-registered (unfounded: district official asked, registrar approved); a3 has a
         pending de-registration. A1b: b1, reopened (approved). A2a: c1, c2; c1 de-registered as a duplicate
         (regional staff asked, national approved). B1a: d1, d2; d1 de-registered (outsider asked, region B's
         officer approved). Plus a crime of Q3 in A1a (out of the period) and an administrative offence.
    Intake of Q2 in A1: reports decided after 1, 2 and 4 days (registered, unfounded, referred) and one waiting.
    """
    from incidents.change_requests import change_request_create, change_request_decide
    from tests.incidents.factories import IncidentFactory

    t, p = territory, personas
    author = p.inspector
    crimes = {
        "a1": _crime(t.mahalla_a1a, at(2025, 4, 10), author),
        "a2": _crime(t.mahalla_a1a, at(2025, 5, 2), author, "cyber-bank-card"),
        "a3": _crime(t.mahalla_a1a, at(2025, 6, 30, 23, 30), author),
        "b1": _crime(t.mahalla_a1b, at(2025, 4, 20), author),
        "c1": _crime(t.mahalla_a2a, at(2025, 5, 5), author),
        "c2": _crime(t.mahalla_a2a, at(2025, 6, 1), author),
        "d1": _crime(t.mahalla_b1a, at(2025, 4, 3), author),
        "d2": _crime(t.mahalla_b1a, at(2025, 4, 4), author),
        "q3": _crime(t.mahalla_a1a, at(2025, 7, 1, 0, 10), author),
        "admin": _crime(t.mahalla_a1a, at(2025, 5, 9), author, legal_kind="administrative"),
    }
    region_b_officer = UserFactory(username="region-b-officer", role=Role.REGIONAL, region=t.region_b)

    def approved(name, *, by, approver, kind="deregister", reason_code="unfounded"):
        request = change_request_create(by=by, incident=crimes[name], kind=kind, reason=f"Because of {name}",
                                        reason_code=reason_code if kind == "deregister" else "")
        return change_request_decide(by=approver, request=request, approve=True)

    requests = {
        "a1": approved("a1", by=p.district_official, approver=p.registrar),
        "b1": approved("b1", by=p.district_official, approver=p.registrar, kind="reopen"),
        "c1": approved("c1", by=p.region_officer, approver=p.national, reason_code="duplicate"),
        "d1": approved("d1", by=p.outsider, approver=region_b_officer),
        "a3": change_request_create(by=p.district_official, incident=crimes["a3"], kind="deregister",
                                    reason_code="duplicate", reason="Pending"),
    }
    for name, status, days in (("r1", "registered", 1), ("r2", "unfounded", 2), ("r3", "referred", 4)):
        crimes[name] = _decided_report(t.mahalla_a1b, at(2025, 5, 10), author, status, days)
    crimes["waiting"] = IncidentFactory(mahalla=t.mahalla_a1b, occurred_at=at(2025, 5, 20), reported_at=at(2025, 5, 20),
                                        category=crimes["a1"].category, status="reported", created_by=author)
    return CountData(crimes, requests, region_b_officer)
