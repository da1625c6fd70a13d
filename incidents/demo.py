"""Demo field activity: eighteen months of incidents across the country, and field visits and support cases in
the demo district, so that a fresh `make run` shows dashboards, zone colours and lists with something in them.

Deterministic for a seed and loaded once: a database that already holds incidents is left alone, so the demo
never mixes with real records. Rows are bulk-inserted: the demo shows the pages, it is not a workload for the
services (their rules are tested elsewhere), and no signal fires — the caller recomputes what derives from them.
"""

from __future__ import annotations

import datetime
import random
import uuid
from dataclasses import dataclass, field

from django.contrib.gis.db.models.functions import PointOnSurface
from django.db import transaction
from django.utils import timezone

from accounts.models import Assignment, Role, User
from mahallas.models import Mahalla

from .models import FieldVisit, Incident, IncidentCategory, IncidentTransition, SupportCase

# Shares by category after the 2024 national figures (cybercrime ~44%, nearly all of it bank-card related).
CATEGORY_WEIGHTS = {
    "cyber-bank-card": 38, "cyber-phishing": 3, "cyber-sms-code": 2, "cyber-marketplace": 1, "theft": 16,
    "fraud": 9, "hooliganism": 7, "assault": 6, "domestic-violence": 6, "drug-possession": 5,
    "drug-trafficking": 2, "robbery": 2, "other": 3,
}
STATUS_WEIGHTS = {"registered": 72, "closed": 9, "unfounded": 7, "under_verification": 6, "reported": 6}
OUTCOME_WEIGHTS = {"solved": 45, "sent_to_court": 35, "suspended": 15, "transferred": 5}
# About 4 incidents per mahalla a year nationally, spread very unevenly: most mahallas see none in a quarter,
# a few see many (a gamma-distributed rate per mahalla).
INCIDENTS_PER_MAHALLA_MONTH = 0.25
RATE_SHAPE = 0.35
MONTHS = 18
NAMESPACE = uuid.UUID("6f1c7c52-5f0e-4d3a-9a51-0d7d1e5a2b10")


@dataclass
class DemoActivity:
    incidents: int = 0
    visits: int = 0
    cases: int = 0
    change_requests: int = 0
    skipped: list[str] = field(default_factory=list)


def _weighted(rng: random.Random, weights: dict[str, int]) -> str:
    return rng.choices(list(weights), weights=list(weights.values()))[0]


def _poisson(rng: random.Random, lam: float) -> int:
    # Knuth's method: the rates here are small.
    limit, k, p = pow(2.718281828459045, -lam), 0, 1.0
    while True:
        p *= rng.random()
        if p <= limit:
            return k
        k += 1


def _incidents_build(rng: random.Random, *, by: User, now: datetime.datetime) -> list[Incident]:
    categories = {c.code: c for c in IncidentCategory.objects.filter(code__in=CATEGORY_WEIGHTS)}
    weights = {code: w for code, w in CATEGORY_WEIGHTS.items() if code in categories}
    mahallas = list(Mahalla.objects.annotate(spot=PointOnSurface("boundary")).only("id").order_by("code"))
    start = now - datetime.timedelta(days=30 * MONTHS)
    rows = []
    for mahalla in mahallas:
        rate = rng.gammavariate(RATE_SHAPE, INCIDENTS_PER_MAHALLA_MONTH / RATE_SHAPE)
        for _ in range(_poisson(rng, rate * MONTHS)):
            occurred = start + datetime.timedelta(seconds=rng.uniform(0, (now - start).total_seconds()))
            reported = min(occurred + datetime.timedelta(hours=rng.uniform(0.5, 48)), now)
            code = _weighted(rng, weights)
            category = categories[code]
            status = _weighted(rng, STATUS_WEIGHTS)
            counted = status in ("registered", "closed")
            rows.append(Incident(
                mahalla_id=mahalla.pk, category=category, occurred_at=occurred, reported_at=reported,
                status=status, legal_kind=Incident.LegalKind.CRIME, created_by=by,
                registered_at=min(reported + datetime.timedelta(hours=rng.uniform(2, 60)), now) if counted else None,
                outcome=_weighted(rng, OUTCOME_WEIGHTS) if status == "closed" else "",
                source=rng.choice([Incident.Source.INSPECTOR, Incident.Source.CITIZEN, Incident.Source.DUTY_UNIT]),
                # A cybercrime's "place" is the victim's home mahalla, not a point on the map.
                location=None if category.is_cyber else mahalla.spot,
                minor_involved=rng.random() < 0.07, youth_involved=rng.random() < 0.2,
                woman_victim=rng.random() < (0.85 if code == "domestic-violence" else 0.12),
                description=f"Demo: {category.name_en or category.name_uz}",
            ))
    return rows


def _transitions_build(incidents: list[Incident], by: User) -> list[IncidentTransition]:
    path = {"reported": [], "under_verification": ["under_verification"],
            "registered": ["under_verification", "registered"], "unfounded": ["under_verification", "unfounded"],
            "closed": ["under_verification", "registered", "closed"]}
    rows = []
    for incident in incidents:
        previous = ""
        for status in ["reported", *path[incident.status]]:
            rows.append(IncidentTransition(incident=incident, from_status=previous, to_status=status, by=by))
            previous = status
    return rows


def _field_work_build(rng: random.Random, *, now: datetime.datetime, district_id: int):
    visits, cases = [], []
    assignments = (Assignment.objects.active().filter(mahalla__district_id=district_id)
                   .select_related("user").order_by("id"))
    for assignment in assignments:
        user, mahalla_id = assignment.user, assignment.mahalla_id
        for day in range(56):
            when = now - datetime.timedelta(days=day)
            if when.weekday() == 6 or rng.random() < 0.35:
                continue
            visited = when.replace(hour=rng.randint(9, 18), minute=rng.randint(0, 59))
            # One visit in five of the last three weeks asks for a follow-up: some due this week, some overdue,
            # so a field worker's home page opens with a due list as on a real caseload.
            follow_up = (visited.date() + datetime.timedelta(days=rng.randint(5, 14))
                         if day < 21 and rng.random() < 0.2 else None)
            visits.append(FieldVisit(
                mahalla_id=mahalla_id, by=user, kind=rng.choice(FieldVisit.Kind.values), visited_at=min(visited, now),
                people_reached=rng.randint(1, 25), topics=rng.sample(FieldVisit.Topic.values, rng.randint(1, 2)),
                notes="Demo visit", client_uuid=uuid.uuid5(NAMESPACE, f"visit:{assignment.pk}:{day}"),
                address_or_household=f"Demo household {assignment.pk}-{day % 7 + 1}" if follow_up else "",
                follow_up_on=follow_up))
        if assignment.role == Role.SOCIAL_WORKER:
            for n in range(3):
                cases.append(SupportCase(
                    mahalla_id=mahalla_id, subject_name=f"Demo household {assignment.pk}-{n + 1}",
                    category=rng.choice(SupportCase.Category.values),
                    actions=rng.sample(SupportCase.Action.values, rng.randint(1, 2)), social_worker=user,
                    # one case in three is overdue for review, as on a real caseload
                    next_review_on=(now + datetime.timedelta(days=rng.randint(-10, -1) if n == 2 else
                                                             rng.randint(3, 30))).date(),
                    status=SupportCase.Status.IN_PROGRESS if n else SupportCase.Status.OPEN,
                    needs="Demo case", created_by=user))
    return visits, cases


@transaction.atomic
def demo_activity_load(*, by: User, district_id: int, seed: int = 2026) -> DemoActivity:
    result = DemoActivity()
    if Incident.objects.exists():
        result.skipped.append("incidents, visits and cases: the database already holds incidents")
        return result
    if not IncidentCategory.objects.filter(code__in=CATEGORY_WEIGHTS).exists():
        result.skipped.append("incidents, visits and cases: no incident categories (run `manage.py migrate`)")
        return result
    rng = random.Random(seed)
    now = timezone.now()
    incidents = Incident.objects.bulk_create(_incidents_build(rng, by=by, now=now), batch_size=2000)
    IncidentTransition.objects.bulk_create(_transitions_build(incidents, by), batch_size=5000)
    visits, cases = _field_work_build(rng, now=now, district_id=district_id)
    FieldVisit.objects.bulk_create(visits, batch_size=2000, ignore_conflicts=True)
    SupportCase.objects.bulk_create(cases)
    result.incidents, result.visits, result.cases = len(incidents), len(visits), len(cases)
    result.change_requests = _change_requests_load(rng, district_id=district_id)
    return result


def _change_requests_load(rng: random.Random, *, district_id: int) -> int:
    """A few requests to take crimes out of the count, through the real services: three approved by the region's
    registrar (two de-registrations and a move to another mahalla), two still waiting, so the approver's page,
    the incident pages and the count-changes report show the workflow."""
    from .change_requests import change_request_create, change_request_decide

    official = User.objects.filter(is_active=True, role=Role.DISTRICT, district_id=district_id).order_by("id").first()
    if official is None:
        return 0
    registrar = User.objects.filter(is_active=True, role=Role.REGISTRAR,
                                    region_id=official.district.region_id).order_by("id").first()
    crimes = list(Incident.objects.counted().filter(mahalla__district_id=district_id, status="registered")
                  .order_by("occurred_at", "id")[:5])
    if registrar is None or len(crimes) < 5:
        return 0
    plans = [
        ("deregister", "duplicate", "Registered twice: the same theft was reported by the victim and the shop.", True),
        ("deregister", "unfounded", "The phone was found at home: no theft took place.", True),
        ("edit", "", "The shop stands across the street, in the neighbouring mahalla.", True),
        ("reopen", "", "A new witness contradicts the victim's account; verify again.", False),
        ("deregister", "decriminalised", "The amount is below the new threshold for a crime.", False),
    ]
    neighbour = (Mahalla.objects.filter(district_id=district_id).exclude(pk=crimes[2].mahalla_id)
                 .defer("boundary").order_by("code").first())
    for incident, (kind, code, reason, approve) in zip(crimes, plans, strict=True):
        changes = {"mahalla": neighbour} if kind == "edit" else None
        if kind == "edit" and neighbour is None:
            continue
        request = change_request_create(by=official, incident=incident, kind=kind, reason_code=code, reason=reason,
                                        changes=changes)
        if approve:
            change_request_decide(by=registrar, request=request, approve=True,
                                  comment=rng.choice(["Checked against the case file.", "Confirmed by the duty unit."]))
    return len(plans)
