import datetime

import pytest
from django.utils import timezone

from incidents.errors import FieldWorkError
from incidents.models import Incident, IncidentCategory
from incidents.services import incident_create


@pytest.fixture
def theft(db):
    return IncidentCategory.objects.get(code="theft")


def _create(by, mahalla, category, source):
    return incident_create(by=by, mahalla=mahalla, category=category, source=source,
                           occurred_at=timezone.now() - datetime.timedelta(hours=1))


@pytest.mark.django_db
def test_operator_reports_an_incident_from_a_camera_alert_in_their_district(personas, territory, theft):
    incident = _create(personas.operator, territory.mahalla_a1a, theft, Incident.Source.CAMERA_ALERT)
    assert incident.status == "reported" and incident.created_by == personas.operator


@pytest.mark.django_db
def test_operator_cannot_report_other_sources_or_outside_their_district(personas, territory, theft):
    with pytest.raises(FieldWorkError) as exc:
        _create(personas.operator, territory.mahalla_a1a, theft, Incident.Source.CITIZEN)
    assert exc.value.field == "mahalla"
    with pytest.raises(FieldWorkError):
        _create(personas.operator, territory.mahalla_a2a, theft, Incident.Source.CAMERA_ALERT)
