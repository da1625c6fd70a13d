"""The review queue: who sees which alerts (visible_to), filters, the audited picture view, confirm / dismiss /
escalate, and false-positive rates."""

import json

import pytest
from rest_framework.test import APIClient

from audit.models import AuditEvent
from incidents.models import Incident
from surveillance import services
from surveillance.models import Alert
from surveillance.signals import alert_reviewed

from .conftest import ALERTS, MULTIPART_TYPE, payload, process_all

pytestmark = pytest.mark.django_db
S = Alert.Status


@pytest.fixture
def alerts(site, territory, personas):
    """routed in A1a (with a picture), routed in A1b (entrance, biometric picture), filtered in A1a,
    unmatched (district A1), routed in B1a (another region)."""
    def generic(integration=site.integration, **fields):
        item = {**json.loads(payload("generic_single.json")), **fields}
        services.raw_events_store(vendor="generic", body=json.dumps(item).encode(), content_type="application/json",
                                  integration=integration)

    services.raw_events_store(vendor="hikvision", body=payload("hikvision_vmd.xml"), content_type="application/xml",
                              integration=site.integration)
    services.raw_events_store(vendor="hikvision", body=payload("hikvision_linedetection_multipart.bin"),
                              content_type=MULTIPART_TYPE, integration=site.integration)
    generic(event_id="low", event_type="loitering", label="person", confidence=0.05)
    generic(event_id="unknown", device_id="NOT-REGISTERED")
    b1_cam = services.camera_create(by=personas.outsider, vendor="generic", device_id="B1-CAM", name="B1",
                                    location=(67.0, 39.0))
    b1_integration, _token = services.integration_create(name="nvr-b1", district=territory.district_b1)
    generic(event_id="b1", device_id="B1-CAM", integration=b1_integration)
    from surveillance.models import DistrictAlertRule

    DistrictAlertRule.objects.create(district=territory.district_a1, min_confidence=0.1,
                                     urgent_labels=["fight"])
    process_all()
    by_key = {a.natural_key.split("|")[2] if a.vendor == "hikvision" else a.natural_key.split(":")[1]: a
              for a in Alert.objects.all()}
    return {"a1a": by_key["VMD"], "a1b": by_key["linedetection"], "filtered": by_key["low"],
            "unmatched": by_key["unknown"], "b1": by_key["b1"], "b1_camera": b1_cam}


def ids(response) -> set[int]:
    assert response.status_code == 200, response.content
    return {row["id"] for row in response.json()["results"]}


@pytest.mark.parametrize(("persona", "expected"), [
    ("operator", {"a1a", "a1b", "filtered", "unmatched"}),
    ("district_official", {"a1a", "a1b", "filtered", "unmatched"}),
    ("region_officer", {"a1a", "a1b", "filtered", "unmatched"}),
    ("national", {"a1a", "a1b", "filtered", "unmatched", "b1"}),
    ("inspector", {"a1a"}),  # their mahalla, routed only
    ("outsider", {"b1"}),
    ("social_worker", {"a1a"}),
    ("nobody", set()),
])
def test_alert_list_as_persona(client_for, alerts, persona, expected):
    assert ids(client_for(persona).get(ALERTS)) == {alerts[k].pk for k in expected}


def test_alert_list_filters(client_for, alerts):
    client = client_for("operator")
    assert ids(client.get(ALERTS, {"status": "filtered"})) == {alerts["filtered"].pk}
    assert ids(client.get(ALERTS, {"urgent": "true"})) == {alerts["unmatched"].pk}
    assert ids(client.get(ALERTS, {"camera": alerts["a1a"].camera_id})) == {alerts["a1a"].pk}
    assert ids(client.get(ALERTS, {"event_type": "linedetection"})) == {alerts["a1b"].pk}
    assert ids(client.get(ALERTS, {"mahalla": alerts["a1b"].mahalla_id})) == {alerts["a1b"].pk}
    assert ids(client.get(ALERTS, {"date_from": "2026-03-15", "date_to": "2026-03-15"})) == {alerts["a1b"].pk}


def test_alert_list_query_count_does_not_grow_with_rows(client_for, alerts, django_assert_max_num_queries):
    client = client_for("operator")
    with django_assert_max_num_queries(8):
        response = client.get(ALERTS)
    assert len(response.json()["results"]) == 4
    row = next(r for r in response.json()["results"] if r["id"] == alerts["a1b"].pk)
    assert row["pictures"][0]["is_biometric"] is True
    assert row["camera"]["name"] == "Mahalla kirishi" and row["mahalla_name"]


def test_alert_list_paginates(client_for, alerts):
    page = client_for("operator").get(ALERTS, {"page_size": 2}).json()
    assert len(page["results"]) == 2 and page["next"]


def test_alert_detail_out_of_scope_is_404(client_for, alerts):
    assert client_for("outsider").get(f"{ALERTS}{alerts['a1a'].pk}/").status_code == 404
    assert client_for("inspector").get(f"{ALERTS}{alerts['filtered'].pk}/").status_code == 404
    assert client_for("operator").get(f"{ALERTS}{alerts['a1a'].pk}/").status_code == 200


def test_picture_view_streams_and_audits(client_for, alerts, personas):
    alert = alerts["a1b"]
    picture = alert.pictures.get()
    url = f"{ALERTS}{alert.pk}/pictures/{picture.pk}/"

    response = client_for("operator").get(url)

    assert response.status_code == 200 and response["Content-Type"] == "image/jpeg"
    assert b"".join(response.streaming_content) == payload("snapshot.jpg")
    assert response["Cache-Control"] == "no-store"
    event = AuditEvent.objects.get(action="view", object_type="surveillance.alert")
    assert event.actor == personas.operator and event.object_id == str(alert.pk)
    assert event.details == {"picture": picture.pk, "biometric": True} and event.mahalla_id == alert.mahalla_id


@pytest.mark.parametrize("persona", ["outsider", "inspector", "nobody"])
def test_picture_view_out_of_scope_is_404_and_not_audited(client_for, alerts, persona):
    alert = alerts["a1b"]  # A1b: not the inspector's mahalla
    response = client_for(persona).get(f"{ALERTS}{alert.pk}/pictures/{alert.pictures.get().pk}/")
    assert response.status_code == 404
    assert not AuditEvent.objects.filter(action="view").exists()


def test_picture_of_another_alert_is_404(client_for, alerts):
    other = alerts["a1b"].pictures.get()
    assert client_for("operator").get(f"{ALERTS}{alerts['a1a'].pk}/pictures/{other.pk}/").status_code == 404


def test_picture_anonymous_is_refused(alerts):
    alert = alerts["a1b"]
    response = APIClient().get(f"{ALERTS}{alert.pk}/pictures/{alert.pictures.get().pk}/")
    assert response.status_code in (401, 403)


def test_confirm_by_district_official_creates_a_camera_alert_incident(client_for, alerts, personas):
    alert = alerts["a1a"]
    response = client_for("district_official").post(f"{ALERTS}{alert.pk}/confirm/", {"category": "hooliganism"},
                                             format="json")
    assert response.status_code == 200, response.content
    alert.refresh_from_db()
    assert alert.status == S.CONFIRMED and alert.reviewed_by == personas.district_official
    incident = alert.incident
    assert incident.source == Incident.Source.CAMERA_ALERT and incident.mahalla_id == alert.mahalla_id
    assert incident.category.code == "hooliganism" and incident.occurred_at == alert.started_at
    assert AuditEvent.objects.filter(action="change", object_type="surveillance.alert").exists()


def test_confirm_by_inspector_of_the_mahalla(client_for, alerts):
    response = client_for("inspector").post(f"{ALERTS}{alerts['a1a'].pk}/confirm/", {}, format="json")
    assert response.status_code == 200, response.content
    assert response.json()["incident"] is not None


def test_operator_links_an_existing_incident(client_for, alerts, personas):
    from incidents.services import incident_create
    from tests.incidents.conftest import fresh
    from tests.incidents.factories import category

    alert = alerts["a1a"]
    incident = incident_create(by=fresh(personas.inspector), mahalla=alert.mahalla, category=category("theft"),
                               occurred_at=alert.started_at)
    response = client_for("operator").post(f"{ALERTS}{alert.pk}/confirm/", {"incident": incident.pk}, format="json")
    assert response.status_code == 200 and response.json()["incident"] == incident.pk


def test_operator_confirming_creates_a_reported_camera_incident(client_for, alerts):
    # Operators may report incidents from camera alerts in their district (the capability incidents.report_from_camera).
    response = client_for("operator").post(f"{ALERTS}{alerts['a1a'].pk}/confirm/", {}, format="json")
    assert response.status_code == 200, response.json()
    alert = Alert.objects.select_related("incident").get(pk=alerts["a1a"].pk)
    assert alert.status == S.CONFIRMED
    assert alert.incident.source == "camera_alert" and alert.incident.status == "reported"


def test_confirm_linking_an_invisible_incident_is_refused(client_for, alerts, personas, territory):
    from incidents.services import incident_create
    from tests.incidents.conftest import fresh
    from tests.incidents.factories import category

    incident = incident_create(by=fresh(personas.outsider), mahalla=territory.mahalla_b1a,
                               category=category("theft"), occurred_at=alerts["a1a"].started_at)
    response = client_for("operator").post(f"{ALERTS}{alerts['a1a'].pk}/confirm/", {"incident": incident.pk},
                                    format="json")
    assert response.status_code == 400 and response.json()["errors"] == {"incident": ["No such incident."]}


def test_dismiss_requires_a_reason(client_for, alerts):
    url = f"{ALERTS}{alerts['a1a'].pk}/dismiss/"
    assert client_for("operator").post(url, {"reason": "  "}, format="json").status_code == 400
    response = client_for("operator").post(url, {"reason": "tree shadow"}, format="json")
    assert response.status_code == 200 and response.json()["status"] == "dismissed"
    assert client_for("operator").post(url, {"reason": "again"}, format="json").status_code == 400


def test_escalate_then_confirm(client_for, alerts, django_capture_on_commit_callbacks):
    received = []
    alert_reviewed.connect(lambda sender, **kw: received.append(kw), weak=False, dispatch_uid="t-escalate")
    try:
        with django_capture_on_commit_callbacks(execute=True):
            response = client_for("operator").post(f"{ALERTS}{alerts['a1a'].pk}/escalate/", {"note": "send patrol"},
                                            format="json")
    finally:
        alert_reviewed.disconnect(dispatch_uid="t-escalate")
    assert response.status_code == 200 and response.json()["status"] == "escalated"
    assert received[0]["status"] == "escalated" and received[0]["alert_id"] == alerts["a1a"].pk
    assert client_for("district_official").post(f"{ALERTS}{alerts['a1a'].pk}/confirm/", {},
                                         format="json").status_code == 200


@pytest.mark.parametrize(("persona", "status"), [("national", 403), ("region_officer", 403),
                                                 ("outsider", 404), ("social_worker", 403)])
def test_review_by_others_is_refused(client_for, alerts, persona, status):
    response = client_for(persona).post(f"{ALERTS}{alerts['a1a'].pk}/dismiss/", {"reason": "x"}, format="json")
    assert response.status_code == status
    assert Alert.objects.get(pk=alerts["a1a"].pk).status == S.ROUTED


def test_false_positive_rates_per_camera_and_event_type(client_for, alerts, site, personas, django_assert_num_queries):
    services.alert_dismiss(by=personas.operator, alert=alerts["a1a"], reason="cat")
    services.alert_dismiss(by=personas.operator, alert=alerts["a1b"], reason="headlights")
    services.alert_confirm(by=personas.district_official, alert=alerts["filtered"])
    client = client_for("operator")
    client.get(ALERTS)  # warm the session

    with django_assert_num_queries(3):  # session, user, and the one aggregate
        response = client.get(f"{ALERTS}false-positive-rates/")

    body = response.json()
    by_camera = {row["camera"]: row for row in body["by_camera"]}
    assert by_camera[site.street.pk] == {"camera": site.street.pk, "camera_name": site.street.name,
                                         "dismissed": 1, "reviewed": 1, "rate": 1.0}
    assert by_camera[site.generic.pk]["rate"] == 0.0
    by_type = {row["event_type"]: row["rate"] for row in body["by_event_type"]}
    assert by_type == {"vmd": 1.0, "linedetection": 1.0, "loitering": 0.0}
    assert client_for("outsider").get(f"{ALERTS}false-positive-rates/").json() == {
        "by_camera": [], "by_event_type": [], "by_reason": []}
