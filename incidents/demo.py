"""Demo field activity: 112 weeks of incidents across the country, and field visits and support cases in the
demo district, so that a fresh `make run` shows dashboards, zone colours, lists and a risk ranking with something
in them.

The crimes come from `incidents.demo_structure` (persistent hot spots, seasons, near-repeat bursts, cybercrime
where the victim lives; its docstring says how much of each), with their status history and the approved
de-registrations at the times it gave them, so that the data as it stood on any past day can be rebuilt (the
risk backtest does). Mahallas are neighbours when their boundaries touch (PostGIS, within NEIGHBOUR_TOLERANCE).

Deterministic for a seed and loaded once: a database that already holds incidents is left alone, so the demo
never mixes with real records. Rows are bulk-inserted (COPY where no ids come back): the demo shows the pages, it
is not a workload for the services (their rules are tested elsewhere), and no signal fires — the caller
recomputes what derives from them. Everything is written in one transaction.
"""

from __future__ import annotations

import datetime
import json
import random
import uuid
from dataclasses import dataclass, field

from django.contrib.gis.db.models.functions import Distance
from django.db import connection, transaction
from django.utils import timezone

from accounts.models import Assignment, Role, User
from mahallas.models import Mahalla

from .demo_structure import CATEGORIES, DEFAULT_WEEKS, MahallaSite, demo_incidents_generate
from .models import FieldVisit, Incident, IncidentCategory, IncidentChangeRequest, SupportCase

# Two boundaries closer than this (degrees, about a metre) are neighbours: the demo's shapes share their edges,
# real boundaries leave slivers and small overlaps.
NEIGHBOUR_TOLERANCE = 1e-5
NAMESPACE = uuid.UUID("6f1c7c52-5f0e-4d3a-9a51-0d7d1e5a2b10")
DEREGISTRATION_REASONS = {
    "unfounded": "The verification found that no crime took place.",
    "duplicate": "Registered twice: the same crime was reported by two people.",
    "decriminalised": "The amount is below the new threshold for a crime.",
}

# The demo's seed (`load_demo_activity --seed`): the risk tests check the backtest on the data it gives.
DEFAULT_SEED = 2026


@dataclass
class DemoActivity:
    incidents: int = 0
    visits: int = 0
    cases: int = 0
    change_requests: int = 0
    skipped: list[str] = field(default_factory=list)


def demo_sites() -> tuple[list[MahallaSite], dict[int, str]]:
    """Every mahalla as the generator sees it (a point inside, its neighbours by boundary, population), and that
    point as EWKT for the incidents' locations. One query: the adjacency is a spatial self-join on the index."""
    with connection.cursor() as cursor:
        cursor.execute("""
            SELECT m.id, ST_X(p.spot), ST_Y(p.spot), ST_AsEWKT(p.spot), m.population,
                   coalesce((SELECT array_agg(n.id ORDER BY n.id) FROM mahallas_mahalla n
                             WHERE n.id <> m.id AND ST_DWithin(m.boundary, n.boundary, %s)), '{}')
            FROM mahallas_mahalla m CROSS JOIN LATERAL (SELECT ST_PointOnSurface(m.boundary) AS spot) p
            ORDER BY m.id""", [NEIGHBOUR_TOLERANCE])
        rows = cursor.fetchall()
    sites = [MahallaSite(id=pk, lon=lon or 0.0, lat=lat or 0.0, neighbours=tuple(neighbours), population=population)
             for pk, lon, lat, _spot, population, neighbours in rows]
    return sites, {pk: spot for pk, _lon, _lat, spot, *_rest in rows if spot}


@transaction.atomic
def demo_incidents_load(*, by: User, requester: User, now: datetime.datetime, seed: int, mode: str = "structured",
                        weeks: int = DEFAULT_WEEKS, hot_spots: tuple[int, ...] = ()) -> tuple[int, int]:
    """Generate crimes (incidents.demo_structure, in `mode`: "uniform" for tests that need data without structure)
    and write them with their status history and the approved de-registrations, at the times the generator gave
    them; `by` records them and approves what `requester` asked. Returns (incidents, de-registrations)."""
    categories = {c.code: c for c in IncidentCategory.objects.filter(code__in=CATEGORIES)}
    sites, spots = demo_sites()
    generated = demo_incidents_generate(sites, end=now, seed=seed, mode=mode, weeks=weeks, hot_spots=hot_spots)
    rows = [row for row in generated.rows if row.category in categories]
    with connection.cursor() as cursor:
        # Ids first, so that the rows can be COPYed (a bulk_create of 50,000 rows spends a minute building SQL).
        cursor.execute("SELECT nextval(pg_get_serial_sequence('incidents_incident', 'id')) "
                       "FROM generate_series(1, %s)", [len(rows)])
        ids = [pk for (pk,) in cursor.fetchall()]
    loaded_at = timezone.now()
    names = {code: c.name_en or c.name_uz for code, c in categories.items()}
    # Every column without a database default is listed: a new NOT NULL column fails the demo's tests here.
    _copy("incidents_incident (id, mahalla_id, category_id, location, occurred_at, reported_at, legal_kind, source, "
          "minor_involved, youth_involved, woman_victim, description, status, registered_at, outcome, version, "
          "created_by_id, created_at, updated_at)",
          ((pk, row.mahalla_id, categories[row.category].pk,
            # A cybercrime's "place" is the victim's home mahalla, not a point on the map.
            None if categories[row.category].is_cyber else spots.get(row.mahalla_id),
            row.occurred_at, row.reported_at, Incident.LegalKind.CRIME, row.source, row.minor_involved,
            row.youth_involved, row.woman_victim, f"Demo: {names[row.category]}", row.status, row.registered_at,
            # Every status change bumped the version, as the services do; the record was created when the crime
            # was reported.
            row.outcome, len(row.transitions), by.pk, row.reported_at, loaded_at)
           for row, pk in zip(rows, ids, strict=True)))
    requests = _deregistrations_copy(rows, ids, requester=requester, approver=by)

    def transitions():
        for row, pk in zip(rows, ids, strict=True):
            for from_status, to_status, at in row.transitions:
                reason = ""
                if to_status == Incident.Status.DEREGISTERED:
                    why = DEREGISTRATION_REASONS[row.deregistration.reason_code]
                    reason = f"Approved request #{requests[pk]}: {why}"
                yield pk, from_status, to_status, by.pk, at, reason

    _copy("incidents_incidenttransition (incident_id, from_status, to_status, by_id, at, reason)", transitions())
    return len(ids), len(requests)


def _deregistrations_copy(rows, ids, *, requester: User, approver: User) -> dict[int, int]:
    """The approved de-registration requests behind the generator's de-registered crimes, as the services would
    have left them (requested by regional staff, decided by national staff); {incident id: request id}."""
    _copy("incidents_incidentchangerequest (incident_id, kind, reason_code, reason, changes, before, "
          "incident_version, counted_mahalla_id, counted_occurred_at, status, requested_by_id, requester_role, "
          "requested_at, decided_by_id, decided_at, decision_comment)",
          ((pk, IncidentChangeRequest.Kind.DEREGISTER, row.deregistration.reason_code,
            DEREGISTRATION_REASONS[row.deregistration.reason_code], json.dumps({"status": row.status}),
            json.dumps({"status": row.transitions[-1][0]}), len(row.transitions) - 1, row.mahalla_id,
            row.occurred_at, IncidentChangeRequest.Status.APPROVED, requester.pk, requester.role,
            row.deregistration.requested_at, approver.pk, row.deregistration.decided_at,
            "Checked against the case file.")
           for row, pk in zip(rows, ids, strict=True) if row.deregistration is not None))
    with connection.cursor() as cursor:
        cursor.execute("SELECT incident_id, id FROM incidents_incidentchangerequest WHERE incident_id = ANY(%s)",
                       [ids])
        return dict(cursor.fetchall())


def _copy(target: str, records) -> None:
    """COPY `records` into `target` ("table (columns)"): the fastest insert where no ids need to come back. Its
    errors become Django's database errors, like every other query's."""
    with connection.cursor() as cursor, connection.wrap_database_errors, cursor.copy(
            f"COPY {target} FROM STDIN") as copy:
        for record in records:
            copy.write_row(record)


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
def demo_activity_load(*, by: User, requester: User, district_id: int, seed: int = DEFAULT_SEED,
                       now: datetime.datetime | None = None) -> DemoActivity:
    """`by` (national staff) records the crimes and approves the past de-registrations `requester` (regional
    staff) asked for; the incidents end at `now` (the current time unless given)."""
    result = DemoActivity()
    if Incident.objects.exists():
        result.skipped.append("incidents, visits and cases: the database already holds incidents")
        return result
    if not IncidentCategory.objects.filter(code__in=CATEGORIES).exists():
        result.skipped.append("incidents, visits and cases: no incident categories (run `manage.py migrate`)")
        return result
    rng = random.Random(seed)
    now = now or timezone.now()
    # The demo inspector's mahalla is a hot spot, so that their visit plan and the district's ranking show one.
    inspected = (Assignment.objects.active().filter(mahalla__district_id=district_id, role=Role.INSPECTOR,
                                                    user__username="demo_inspector")
                 .order_by("id").values_list("mahalla_id", flat=True)[:1])
    result.incidents, deregistered = demo_incidents_load(by=by, requester=requester, now=now, seed=seed,
                                                         hot_spots=tuple(inspected))
    visits, cases = _field_work_build(rng, now=now, district_id=district_id)
    FieldVisit.objects.bulk_create(visits, batch_size=2000, ignore_conflicts=True)
    SupportCase.objects.bulk_create(cases)
    result.visits, result.cases = len(visits), len(cases)
    result.change_requests = deregistered + _change_requests_load(rng, district_id=district_id)
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
    # "Across the street": the nearest other mahalla, or the correction would put the crime's point kilometres
    # outside its new mahalla (the services refuse that).
    moved = crimes[2]
    near = moved.location or Mahalla.objects.filter(pk=moved.mahalla_id).values_list("boundary", flat=True)[0]
    neighbour = (Mahalla.objects.filter(district_id=district_id).exclude(pk=moved.mahalla_id)
                 .annotate(distance=Distance("boundary", near)).defer("boundary").order_by("distance", "code")
                 .first())
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
