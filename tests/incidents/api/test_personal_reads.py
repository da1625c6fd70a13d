"""Reads of personal data are narrowed and audited: operators see no household, notes or outcome of a visit,
and every list or detail read by a role that is not field staff writes one audit row per request."""

import pytest
from django.contrib.gis.geos import Point
from rest_framework.test import APIClient

from audit.models import AuditEvent

from ..factories import FieldVisitFactory, IncidentFactory

pytestmark = pytest.mark.django_db

SECRET_ADDRESS = "Navoiy ko'chasi 12, Karimovlar oilasi"
SECRET_NOTES = "Er-xotin janjali, bolalar qo'rqib yurishadi"


@pytest.fixture
def visit(personas, territory):
    return FieldVisitFactory(mahalla=territory.mahalla_a1a, by=personas.inspector,
                             address_or_household=SECRET_ADDRESS, notes=SECRET_NOTES, outcome="Ogohlantirildi",
                             location=Point(63.8, 41.1, srid=4326))


def api(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def views_of(user) -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(action=AuditEvent.Action.VIEW, actor=user))


def test_visit_api_as_operator_hides_household_and_audits_one_row_per_request(visit, personas):
    FieldVisitFactory(mahalla=visit.mahalla, by=personas.inspector)

    listing = api(personas.operator).get("/api/v1/visits/")
    detail = api(personas.operator).get(f"/api/v1/visits/{visit.pk}/")

    assert listing.status_code == 200 and detail.status_code == 200
    for row in [*listing.json()["results"], detail.json()]:
        assert row["address_or_household"] is None and row["notes"] is None and row["outcome"] is None
        assert row["latitude"] is None
    events = views_of(personas.operator)
    assert len(events) == 2
    assert sorted(events[1].details["ids"]) == sorted(r["id"] for r in listing.json()["results"])
    assert events[0].object_id == str(visit.pk)


def test_visit_api_as_district_official_shows_household_and_is_audited(visit, personas):
    detail = api(personas.district_official).get(f"/api/v1/visits/{visit.pk}/")

    assert detail.json()["address_or_household"] == SECRET_ADDRESS and detail.json()["notes"] == SECRET_NOTES
    assert len(views_of(personas.district_official)) == 1


def test_visit_api_as_the_inspector_shows_household_and_is_not_audited(visit, personas):
    detail = api(personas.inspector).get(f"/api/v1/visits/{visit.pk}/")

    assert detail.json()["address_or_household"] == SECRET_ADDRESS
    assert views_of(personas.inspector) == []


def test_visit_pages_as_operator_show_no_household(client, visit, personas):
    client.force_login(personas.operator)

    pages = [client.get("/visits/"), client.get(f"/visits/{visit.pk}/")]

    for page in pages:
        if page.status_code == 200:
            text = page.content.decode()
            assert SECRET_ADDRESS not in text and SECRET_NOTES not in text


def test_incident_list_and_detail_reads_by_operator_are_audited_once_per_request(personas, territory):
    incidents = [IncidentFactory(mahalla=territory.mahalla_a1a, created_by=personas.inspector) for _ in range(3)]

    api(personas.operator).get("/api/v1/incidents/")
    api(personas.operator).get(f"/api/v1/incidents/{incidents[0].pk}/")

    events = views_of(personas.operator)
    assert len(events) == 2
    assert sorted(events[1].details["ids"]) == sorted(i.pk for i in incidents)
    assert events[0].object_type == "incidents.incident" and events[0].object_id == str(incidents[0].pk)


def test_incident_page_read_by_national_is_audited(client, personas, territory):
    incident = IncidentFactory(mahalla=territory.mahalla_a1a, created_by=personas.inspector)
    client.force_login(personas.national)

    assert client.get(f"/incidents/{incident.pk}/").status_code == 200
    assert client.get("/incidents/").status_code == 200

    events = views_of(personas.national)
    assert len(events) == 2 and {e.object_type for e in events} == {"incidents.incident"}


def test_operators_cannot_learn_household_text_by_searching(visit, personas):
    FieldVisitFactory(mahalla=visit.mahalla, by=personas.inspector, notes="nothing special")
    # the inspector's search finds the visit by its notes ...
    found = api(personas.inspector).get("/api/v1/visits/", {"search": "janjali"}).json()["results"]
    assert [r["id"] for r in found] == [visit.pk]
    # ... an operator's search is ignored: the answer is the same with or without the guessed text
    guessed = api(personas.operator).get("/api/v1/visits/", {"search": "janjali"}).json()["results"]
    unguessed = api(personas.operator).get("/api/v1/visits/", {"search": "zzz-not-there"}).json()["results"]
    assert {r["id"] for r in guessed} == {r["id"] for r in unguessed} and len(guessed) == 2


def test_national_visit_export_has_no_household_columns(visit, personas):
    export = api(personas.national).get("/api/v1/visits/export/csv/")
    body = b"".join(export.streaming_content).decode()
    assert export.status_code == 200 and str(visit.pk) in body
    assert SECRET_ADDRESS not in body and "Ogohlantirildi" not in body
    district = b"".join(api(personas.district_official).get("/api/v1/visits/export/csv/").streaming_content).decode()
    assert SECRET_ADDRESS in district
