"""Field-work rows in and out of each persona's scope, for the HTML page tests."""

from dataclasses import dataclass

import pytest

from accounts.models import Role
from incidents.models import IncidentTransition
from tests.factories import AssignmentFactory, UserFactory
from tests.incidents.conftest import staff  # noqa: F401 - the field-staff fixture of the domain tests
from tests.incidents.factories import FieldVisitFactory, IncidentFactory, SupportCaseFactory


@dataclass
class Rows:
    incident: object  # mahalla A1a (the inspector's)
    incident_other: object  # mahalla B1a (another region)
    visit: object  # by the inspector, in A1a
    visit_other: object  # in B1a
    case: object  # the social worker's, in A1a
    case_other: object  # in B1a
    inspector_b1: object


@pytest.fixture
def rows(personas, territory) -> Rows:
    inspector_b1 = UserFactory(username="inspector-b1", role=Role.INSPECTOR)
    AssignmentFactory(user=inspector_b1, mahalla=territory.mahalla_b1a)
    social_b1 = UserFactory(username="social-b1", role=Role.SOCIAL_WORKER)
    AssignmentFactory(user=social_b1, mahalla=territory.mahalla_b1a)
    incident = IncidentFactory(mahalla=territory.mahalla_a1a, created_by=personas.inspector,
                               description="Phone stolen at the bazaar")
    IncidentTransition.objects.create(incident=incident, from_status="", to_status="reported",
                                      by=personas.inspector)
    other = IncidentFactory(mahalla=territory.mahalla_b1a, created_by=inspector_b1, description="Far away")
    return Rows(
        incident=incident, incident_other=other,
        visit=FieldVisitFactory(mahalla=territory.mahalla_a1a, by=personas.inspector,
                                address_or_household="Navoiy 12"),
        visit_other=FieldVisitFactory(mahalla=territory.mahalla_b1a, by=inspector_b1),
        case=SupportCaseFactory(mahalla=territory.mahalla_a1a, social_worker=personas.social_worker,
                                subject_name="Karimov household"),
        case_other=SupportCaseFactory(mahalla=territory.mahalla_b1a, social_worker=social_b1,
                                      subject_name="Far household"),
        inspector_b1=inspector_b1,
    )
