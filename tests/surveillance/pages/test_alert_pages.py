"""The alert page and its review actions (confirm, dismiss, escalate) through the HTML forms."""

import pytest
from django.urls import reverse

from audit.models import AuditEvent
from incidents.models import Incident
from surveillance.models import Alert

pytestmark = pytest.mark.django_db
S = Alert.Status


def url(name, alert):
    return reverse(f"surveillance:{name}", args=[alert.pk])


@pytest.mark.parametrize(("persona", "alert", "status"), [
    ("operator", "urgent", 200), ("operator", "unmatched", 200), ("district_official", "a1b", 200),
    ("inspector", "urgent", 200), ("inspector", "a1b", 404), ("social_worker", "urgent", 200),
    ("outsider", "urgent", 404), ("nobody", "urgent", 404), ("national", "b1", 200),
])
def test_alert_page_as_persona(client_for, queue, persona, alert, status):
    assert client_for(persona).get(url("alert", getattr(queue, alert))).status_code == status


def test_alert_page_shows_pictures_camera_and_actions(client_for, queue):
    html = client_for("operator").get(url("alert", queue.urgent)).content.decode()
    picture = queue.urgent.pictures.get()
    assert reverse("api:surveillance:alert-picture", args=[queue.urgent.pk, picture.pk]) in html
    assert "Maktab 14 hovlisi" in html and 'id="alert-points"' in html
    assert url("alert-confirm", queue.urgent) in html and url("alert-dismiss", queue.urgent) in html
    assert "<script>" not in html and " style=" not in html


def test_alert_page_as_social_worker_has_no_actions(client_for, queue):
    html = client_for("social_worker").get(url("alert", queue.urgent)).content.decode()
    assert url("alert-confirm", queue.urgent) not in html


def test_confirm_creates_incident_from_camera_alert(client_for, queue, personas):
    # given: an operator of district A1 (operators may report incidents from camera alerts in their district)
    client = client_for("operator")
    # when
    response = client.post(url("alert-confirm", queue.urgent), {
        "mode": "new", "category": "hooliganism", "legal_kind": "crime", "note": "Two men fighting at the gate."},
        HTTP_HX_REQUEST="true")
    # then
    assert response.status_code == 200
    alert = Alert.objects.get(pk=queue.urgent.pk)
    assert alert.status == S.CONFIRMED and alert.reviewed_by == personas.operator
    incident = Incident.objects.get(pk=alert.incident_id)
    assert incident.source == Incident.Source.CAMERA_ALERT and incident.category.code == "hooliganism"
    assert incident.mahalla == alert.mahalla and "Two men fighting" in incident.description
    html = response.content.decode()
    assert 'id="alert-review"' in html and "<html" not in html and f"#{incident.pk}" in html


def test_confirm_link_mode_without_incident_shows_message_next_to_field(client_for, queue):
    response = client_for("operator").post(url("alert-confirm", queue.urgent), {"mode": "link",
                                                                                "legal_kind": "crime"})
    assert response.status_code == 200
    assert "Give the number of the incident to link." in response.content.decode()
    assert Alert.objects.get(pk=queue.urgent.pk).status == S.ROUTED


def test_confirm_link_to_invisible_incident_is_refused_next_to_field(client_for, queue, personas, territory):
    from django.utils import timezone

    from incidents.models import IncidentCategory
    from incidents.services import incident_create

    other = incident_create(by=personas.outsider, mahalla=territory.mahalla_b1a,
                            category=IncidentCategory.objects.get(code="theft"), occurred_at=timezone.now())
    response = client_for("operator").post(url("alert-confirm", queue.urgent),
                                           {"mode": "link", "incident": other.pk, "legal_kind": "crime"},
                                           HTTP_HX_REQUEST="true")
    html = response.content.decode()
    assert "No such incident." in html and 'class="field field--error"' in html
    assert Alert.objects.get(pk=queue.urgent.pk).incident_id is None


def test_dismiss_without_reason_shows_message_next_to_field_and_changes_nothing(client_for, queue):
    before = AuditEvent.objects.filter(object_type="surveillance.alert", action="change").count()
    response = client_for("operator").post(url("alert-dismiss", queue.plain), {"reason": "  "},
                                           HTTP_HX_REQUEST="true")
    html = response.content.decode()
    assert response.status_code == 200
    assert 'class="field field--error"' in html and "Say why this is a false positive." in html
    alert = Alert.objects.get(pk=queue.plain.pk)
    assert alert.status == S.ROUTED and alert.dismiss_reason == "" and alert.reviewed_by is None
    assert AuditEvent.objects.filter(object_type="surveillance.alert", action="change").count() == before


def test_dismiss_from_the_queue_row_removes_the_row(client_for, queue):
    response = client_for("operator").post(url("alert-dismiss", queue.plain),
                                           {"reason": "a cat", "from": "queue", "needs_review": "1"},
                                           HTTP_HX_REQUEST="true")
    assert response.status_code == 200 and response.content == b""
    alert = Alert.objects.get(pk=queue.plain.pk)
    assert alert.status == S.DISMISSED and alert.dismiss_reason == "a cat"


def test_dismiss_from_the_queue_row_without_reason_rerenders_the_row_with_the_message(client_for, queue):
    response = client_for("operator").post(url("alert-dismiss", queue.plain),
                                           {"reason": "", "from": "queue", "needs_review": "1"},
                                           HTTP_HX_REQUEST="true")
    html = response.content.decode()
    assert html.strip().startswith("<li") and f'id="alert-{queue.plain.pk}"' in html
    assert "Say why this is a false positive." in html and " open" in html


def test_dismiss_without_htmx_redirects_to_the_alert(client_for, queue):
    response = client_for("operator").post(url("alert-dismiss", queue.plain), {"reason": "a shadow"})
    assert response.status_code == 302 and response["Location"] == url("alert", queue.plain)


def test_escalate_then_the_history_names_it(client_for, queue):
    client = client_for("inspector")
    response = client.post(url("alert-escalate", queue.urgent), {"note": "needs the duty unit"},
                           HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    assert Alert.objects.get(pk=queue.urgent.pk).status == S.ESCALATED
    html = client.get(url("alert", queue.urgent)).content.decode()
    assert "inspector" in html.split("History")[1]


@pytest.mark.parametrize(("persona", "status"), [("social_worker", 403), ("outsider", 404), ("nobody", 404),
                                                 ("region_officer", 403)])
def test_dismiss_by_someone_who_may_not_review(client_for, queue, persona, status):
    response = client_for(persona).post(url("alert-dismiss", queue.urgent), {"reason": "no"})
    assert response.status_code == status
    assert Alert.objects.get(pk=queue.urgent.pk).status == S.ROUTED


def test_reviewed_alert_cannot_be_reviewed_again(client_for, queue):
    client = client_for("operator")
    client.post(url("alert-dismiss", queue.plain), {"reason": "a shadow"})
    response = client.post(url("alert-escalate", queue.plain), {}, HTTP_HX_REQUEST="true")
    assert "This alert has already been reviewed." in response.content.decode()
    assert Alert.objects.get(pk=queue.plain.pk).status == S.DISMISSED
