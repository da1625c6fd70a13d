"""ANPR number plates are personal data: shown only on one alert (page and API detail), every showing audited
without the plate in the trail, and erased with the pictures once past retention unless an incident holds it."""

import datetime

import pytest
from django.urls import reverse

from audit.models import AuditEvent
from incidents.models import Incident, IncidentCategory
from surveillance.models import Alert
from surveillance.services import alert_media_purge, camera_create

from ..conftest import ALERTS, HIKVISION, PAYLOADS, post_raw, process_all

pytestmark = pytest.mark.django_db

ANPR = PAYLOADS / "hikvision" / "hikvision_next__ipc1_anpr_plate_detected.xml"
NO_PLATE = PAYLOADS / "hikvision" / "hikvision_next__ipc1_anpr_plate_unknown.xml"


@pytest.fixture
def anpr_alert(integration_client, personas) -> Alert:
    camera_create(by=personas.operator, vendor="hikvision", device_id="bc:5e:33:62:2a:5c", name="Avtobaza",
                  location=(63.65, 41.0))
    post_raw(integration_client(), HIKVISION, ANPR.read_bytes(), "application/xml")
    process_all()
    return Alert.objects.get()


def plate_reads():
    return AuditEvent.objects.filter(action=AuditEvent.Action.VIEW, object_type="surveillance.alert",
                                     details__read="plate")


def test_api_detail_shows_the_plate_and_audits_the_read(client_for, anpr_alert, personas):
    body = client_for("operator").get(f"{ALERTS}{anpr_alert.pk}/").json()

    assert body["plate"] == "KH35192" and body["event_type_display"] == "number plate read"
    (event,) = plate_reads()
    assert event.actor == personas.operator and event.object_id == str(anpr_alert.pk)
    assert event.details == {"read": "plate", "via": "api"} and "KH35192" not in str(event.__dict__)


def test_api_list_never_carries_the_plate_and_audits_nothing(client_for, anpr_alert):
    body = client_for("operator").get(ALERTS, {"status": ["routed"]}).json()

    assert [row["id"] for row in body["results"]] == [anpr_alert.pk]
    assert "plate" not in body["results"][0] and "KH35192" not in str(body)
    assert not plate_reads().exists()


def test_a_review_answer_carrying_the_plate_is_audited_too(client_for, anpr_alert):
    response = client_for("operator").post(f"{ALERTS}{anpr_alert.pk}/dismiss/", {"dismiss_code": "test"},
                                           format="json")

    assert response.status_code == 200 and response.json()["plate"] == "KH35192"
    assert list(plate_reads().values_list("details__via", flat=True)) == ["api"]


def test_alert_page_shows_the_plate_and_audits_each_showing(client_for, anpr_alert):
    client = client_for("operator")

    pages = [client.get(reverse("surveillance:alert", args=[anpr_alert.pk])) for _ in range(2)]

    assert all(p.status_code == 200 and "KH35192" in p.content.decode() for p in pages)
    assert list(plate_reads().values_list("details__via", flat=True)) == ["page", "page"]


def test_out_of_scope_reader_sees_no_plate_and_leaves_no_read(client_for, anpr_alert):
    assert client_for("outsider").get(f"{ALERTS}{anpr_alert.pk}/").status_code == 404
    assert client_for("outsider").get(reverse("surveillance:alert", args=[anpr_alert.pk])).status_code == 404
    assert not plate_reads().exists()


def test_an_alert_without_a_plate_records_no_plate_read(client_for, integration_client, personas):
    post_raw(integration_client(), HIKVISION, NO_PLATE.read_bytes(), "application/xml")
    process_all()
    alert = Alert.objects.get()

    body = client_for("operator").get(f"{ALERTS}{alert.pk}/").json()
    page = client_for("operator").get(reverse("surveillance:alert", args=[alert.pk])).content.decode()

    assert body["plate"] == "" and "data-plate" not in page
    assert not plate_reads().exists()


def test_plates_are_erased_after_retention_unless_an_incident_holds_the_alert(anpr_alert, integration_client,
                                                                            personas):
    kept_body = ANPR.read_bytes().replace(b"2023-08-11T13:49:00+01:00", b"2023-08-11T13:51:00+01:00")
    post_raw(integration_client(), HIKVISION, kept_body, "application/xml")
    process_all()
    evidence = Alert.objects.exclude(pk=anpr_alert.pk).get()
    Alert.objects.filter(pk=evidence.pk).update(incident=Incident.objects.create(
        mahalla=evidence.mahalla, category=IncidentCategory.objects.get(code="theft"),
        occurred_at=evidence.started_at, reported_at=evidence.started_at, created_by=personas.district_official))

    alert_media_purge(now=anpr_alert.started_at + datetime.timedelta(days=29))
    recent = Alert.objects.get(pk=anpr_alert.pk).plate
    alert_media_purge(now=anpr_alert.started_at + datetime.timedelta(days=400))

    assert recent == "KH35192"
    assert dict(Alert.objects.values_list("pk", "plate")) == {anpr_alert.pk: "", evidence.pk: "KH35192"}
