"""incidents.demo on a demo territory without incidents: a load that fails half-way leaves nothing behind
(everything is one transaction), and the uniform mode loads data without structure for the risk tests."""

from collections import Counter

import pytest
from django.db import DatabaseError, connection

from accounts.models import User
from incidents.demo import demo_incidents_load, demo_sites
from incidents.demo_structure import demo_incidents_generate
from incidents.models import FieldVisit, Incident, IncidentChangeRequest, IncidentTransition
from tests.incidents.services.test_demo_load import NOW, SEED, _demo_territory, _load

pytestmark = pytest.mark.django_db


def test_a_failure_midway_writes_nothing():
    _demo_territory()
    with connection.cursor() as cursor:
        # A real database error half-way: after the incidents are inserted, at the first de-registration.
        cursor.execute("""
            CREATE FUNCTION demo_test_refuse() RETURNS trigger LANGUAGE plpgsql AS
              $$ BEGIN RAISE EXCEPTION 'refused by the test'; END $$;
            CREATE TRIGGER demo_test_refuse BEFORE INSERT ON incidents_incidentchangerequest
              FOR EACH ROW EXECUTE FUNCTION demo_test_refuse();""")

    with pytest.raises(DatabaseError, match="refused by the test"):
        _load()

    assert Incident.objects.count() == 0
    assert IncidentTransition.objects.count() == 0
    assert FieldVisit.objects.count() == 0
    assert IncidentChangeRequest.objects.count() == 0


def test_the_uniform_mode_loads_as_many_crimes_placed_at_random():
    _demo_territory()
    sites, _spots = demo_sites()
    structured = demo_incidents_generate(sites, end=NOW, seed=SEED)
    uniform = demo_incidents_generate(sites, end=NOW, seed=SEED, mode="uniform")

    loaded, deregistered = demo_incidents_load(by=User.objects.get(username="demo_national"),
                                               requester=User.objects.get(username="demo_region"),
                                               now=NOW, seed=SEED, mode="uniform")

    assert loaded == Incident.objects.count() == len(structured.rows)
    assert deregistered == IncidentChangeRequest.objects.count() == Incident.objects.filter(
        status="deregistered").count()
    stored = Counter(Incident.objects.values_list("mahalla_id", "category__code", "status", "occurred_at"))
    assert stored == Counter((r.mahalla_id, r.category, r.status, r.occurred_at) for r in uniform.rows)
    assert stored != Counter((r.mahalla_id, r.category, r.status, r.occurred_at) for r in structured.rows)
