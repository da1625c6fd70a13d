"""incidents.demo: the demo's crimes are the generator's rows, written with their dated history and approved
de-registrations, over mahalla adjacency read from the PostGIS boundaries (test_demo_load_fresh: in one
transaction, and the uniform mode)."""

import datetime
from collections import Counter
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connection
from django.db.models import Count, F, Q
from django.test import override_settings

from accounts.models import Assignment, Role, User
from incidents.demo import NEIGHBOUR_TOLERANCE, demo_activity_load, demo_sites
from incidents.demo_structure import demo_incidents_generate
from incidents.models import Incident, IncidentChangeRequest, IncidentTransition
from mahallas.models import Mahalla
from tests.incidents.factories import ensure_incident_categories
from tests.shared_rows import SHARED

NOW = datetime.datetime(2026, 11, 20, 9, 15, tzinfo=datetime.UTC)
SEED = 2026
FAST_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def _demo_territory() -> None:
    ensure_incident_categories()
    with override_settings(PASSWORD_HASHERS=FAST_HASHERS):
        call_command("load_demo", "--mahallas", "60", stdout=StringIO())


def _load(now=NOW):
    national = User.objects.get(username="demo_national")
    regional = User.objects.get(username="demo_region")
    operator = User.objects.get(username="demo_operator")
    return demo_activity_load(by=national, requester=regional, district_id=operator.district_id, seed=SEED, now=now)


@SHARED.layer("loaded")
def _demo_loaded():
    _demo_territory()
    return _load()


@pytest.fixture
def loaded(db, request):
    """One demo load shared by the module's tests, never committed (tests/shared_rows.py)."""
    return SHARED.get(request, "loaded")


def _inspected() -> int:
    """The demo inspector's mahalla: the demo makes it a hot spot."""
    return (Assignment.objects.active().filter(user__username="demo_inspector", role=Role.INSPECTOR)
            .order_by("id").first().mahalla_id)


def _generated():
    sites, _spots = demo_sites()
    return demo_incidents_generate(sites, end=NOW, seed=SEED, hot_spots=(_inspected(),))


def _scalar(sql: str, params=()):
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchone()[0]


def test_neighbours_are_the_mahallas_whose_boundaries_touch(loaded, db):
    sites, spots = demo_sites()
    neighbours = {s.id: set(s.neighbours) for s in sites}
    touching = _scalar("""SELECT array_agg(ARRAY[a.id, b.id]) FROM mahallas_mahalla a JOIN mahallas_mahalla b
                          ON a.id <> b.id AND ST_Touches(a.boundary, b.boundary)""")

    assert len(sites) == Mahalla.objects.count() == 60
    assert all(neighbours[b] and a in neighbours[b] for a, b in touching)
    assert all(a in neighbours[b] for a, around in neighbours.items() for b in around)
    # The demo's mahallas tile their districts: only a mahalla alone in its district may be an island.
    alone = set(Mahalla.objects.values("district").annotate(n=Count("id")).filter(n=1).values_list("id", flat=True))
    assert all(around for pk, around in neighbours.items() if pk not in alone)
    far = _scalar("""SELECT max(ST_Distance(a.boundary, b.boundary)) FROM mahallas_mahalla a
                     JOIN mahallas_mahalla b ON b.id = ANY(%s::bigint[]) WHERE a.id = %s""",
                  [list(neighbours[sites[0].id]), sites[0].id])
    assert far <= NEIGHBOUR_TOLERANCE
    # The point the generator places a mahalla at, and its crimes' location, lies inside it.
    inside = _scalar("""SELECT count(*) FROM mahallas_mahalla m
                        WHERE ST_Contains(m.boundary, ST_GeomFromEWKT(%s)) AND m.id = %s""",
                     [spots[sites[0].id], sites[0].id])
    assert inside == 1


def _changed_by_the_services() -> set[datetime.datetime]:
    """When the crimes changed afterwards by the demo district's requests through the services occurred."""
    return set(IncidentChangeRequest.objects.filter(requested_by__username="demo_district", status="approved")
               .values_list("counted_occurred_at", flat=True))


def test_the_loaded_crimes_are_the_generated_rows(loaded, db):
    generated = _generated().rows
    changed = _changed_by_the_services()

    fields = ("mahalla_id", "category__code", "status", "occurred_at", "registered_at", "outcome")
    stored = Counter(values for values in Incident.objects.values_list(*fields) if values[3] not in changed)
    assert len(changed) == 3
    assert stored == Counter((r.mahalla_id, r.category, r.status, r.occurred_at, r.registered_at, r.outcome)
                             for r in generated if r.occurred_at not in changed)
    assert loaded.incidents == len(generated) > 60 * 0.2 * 24
    # At least 24 months of history, ending at the load time.
    first = min(r.occurred_at for r in generated)
    assert first <= NOW - datetime.timedelta(days=730)
    assert Incident.objects.filter(occurred_at__gt=NOW).count() == 0
    cyber = Incident.objects.filter(category__is_cyber=True)
    assert cyber.filter(location__isnull=False).count() == 0
    assert Incident.objects.filter(category__is_cyber=False, location__isnull=True).count() == 0


def test_every_crime_carries_its_dated_history(loaded, db):
    generated = _generated().rows
    expected = Counter((r.occurred_at, t[0], t[1], t[2]) for r in generated for t in r.transitions)

    stored = Counter(IncidentTransition.objects.values_list("incident__occurred_at", "from_status", "to_status", "at"))

    # The two de-registrations approved through the services afterwards add their own (current) history.
    assert expected - stored == Counter()
    assert [(to, at >= NOW) for _occurred, _from, to, at in stored - expected] == [("deregistered", True)] * 2
    # A record is created when the crime is reported.
    assert Incident.objects.filter(created_at=F("reported_at")).count() == Incident.objects.count()


def test_deregistered_crimes_left_the_count_through_an_approved_request(loaded, db):
    national, regional = User.objects.get(username="demo_national"), User.objects.get(username="demo_region")
    deregistered = Incident.objects.filter(status="deregistered")
    requests = IncidentChangeRequest.objects.filter(incident__in=deregistered, kind="deregister")

    assert deregistered.count() >= 10
    assert requests.count() == requests.filter(status="approved").count() == deregistered.count()
    assert not Incident.objects.counted().filter(status="deregistered").exists()
    for request in requests.filter(requested_by=regional).select_related("incident"):
        incident = request.incident
        last = incident.transitions.order_by("at", "id").last()
        registered = incident.transitions.get(to_status="registered")
        assert (last.to_status, last.at) == ("deregistered", request.decided_at)
        assert registered.at < request.requested_at < request.decided_at <= NOW
        assert request.decided_by == national and request.requester_role == Role.REGIONAL
        assert request.incident_version == incident.version - 1
        assert request.before == {"status": last.from_status} and request.changes == {"status": "deregistered"}
        assert f"#{request.pk}" in last.reason
        assert (request.counted_mahalla_id, request.counted_occurred_at) == (incident.mahalla_id,
                                                                             incident.occurred_at)
    # The workflow shown in the demo district still goes through the services: two requests wait.
    assert IncidentChangeRequest.objects.filter(status="pending").count() == 2
    assert loaded.change_requests == requests.filter(requested_by=regional).count() + 5


def test_closed_crimes_were_closed_after_registration_and_stay_counted(loaded, db):
    closed = Incident.objects.filter(status="closed")

    assert closed.count() > 0.2 * Incident.objects.count()
    assert closed.exclude(outcome="").count() == closed.count()
    assert Incident.objects.counted().filter(status="closed").count() == closed.count()
    late = _scalar("""SELECT count(*) FROM incidents_incident i
                      JOIN incidents_incidenttransition c ON c.incident_id = i.id AND c.to_status = 'closed'
                      WHERE c.at < i.registered_at""")
    assert late == 0


def test_the_demo_inspectors_mahalla_is_a_hot_spot(loaded, db):
    inspected = _inspected()
    place = Incident.objects.counted().filter(category__is_cyber=False)
    counts = sorted(Mahalla.objects.annotate(n=Count("incidents", filter=Q(incidents__in=place)))
                    .values_list("n", flat=True))

    assert inspected in _generated().hot_spot_centres
    assert place.filter(mahalla_id=inspected).count() >= 3 * max(counts[len(counts) // 2], 1)
