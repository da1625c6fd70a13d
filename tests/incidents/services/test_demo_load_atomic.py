"""incidents.demo: a load that fails half-way leaves nothing behind (everything is one transaction)."""

import pytest
from django.db import DatabaseError, connection

from incidents.models import FieldVisit, Incident, IncidentChangeRequest, IncidentTransition
from tests.incidents.services.test_demo_load import _demo_territory, _load

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
