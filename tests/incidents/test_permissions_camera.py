"""Source "camera alert" takes an alert behind it (capability incidents.report_from_camera): only the
surveillance path that confirms an alert creates such an incident; the API, the form and a direct service call
without an alert are refused, naming `source`."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from incidents.errors import FieldWorkError
from incidents.models import Incident, IncidentCategory
from incidents.services import incident_create
from surveillance.models import Alert
from surveillance.services import alert_confirm

from .conftest import fresh

LIST = "/api/v1/incidents/"


@pytest.fixture
def theft(db):
    return IncidentCategory.objects.get(code="theft")


def _alert(mahalla) -> Alert:
    return Alert.objects.create(vendor="generic", natural_key=f"test-{mahalla.pk}", device_id="CAM-1",
                                event_type="fight", label="fight", started_at=timezone.now(), mahalla=mahalla,
                                district=mahalla.district, status="routed")


def _payload(territory, theft, **extra):
    return {"mahalla": territory.mahalla_a1a.pk, "category": theft.pk, "source": "camera_alert",
            "occurred_at": (timezone.now() - datetime.timedelta(hours=1)).isoformat(), **extra}


@pytest.mark.parametrize("who", ["operator", "inspector", "district_official"])
def test_api_refuses_camera_source_without_an_alert(client_for, personas, territory, theft, who):
    response = client_for(getattr(personas, who)).post(LIST, _payload(territory, theft), format="json")
    assert response.status_code == 400
    assert list(response.json()["errors"]) == ["source"]
    assert not Incident.objects.exists()


def test_api_patch_cannot_turn_an_incident_into_a_camera_one(client_for, personas, territory, theft):
    incident = incident_create(by=fresh(personas.inspector), mahalla=territory.mahalla_a1a, category=theft,
                               occurred_at=timezone.now() - datetime.timedelta(hours=1))
    response = client_for(personas.inspector).patch(f"{LIST}{incident.pk}/", {"source": "camera_alert"}, format="json")
    assert response.status_code == 400 and list(response.json()["errors"]) == ["source"]
    incident.refresh_from_db()
    assert incident.source == Incident.Source.INSPECTOR


def test_service_refuses_camera_source_without_an_alert(personas, territory, theft):
    with pytest.raises(FieldWorkError) as exc:
        incident_create(by=fresh(personas.operator), mahalla=territory.mahalla_a1a, category=theft,
                        source=Incident.Source.CAMERA_ALERT, occurred_at=timezone.now())
    assert exc.value.field == "source"


def test_operator_turns_a_confirmed_alert_into_a_camera_incident(client_for, personas, territory, theft):
    alert = alert_confirm(by=fresh(personas.operator), alert=_alert(territory.mahalla_a1a), category_code="theft")
    assert alert.incident.source == Incident.Source.CAMERA_ALERT and alert.incident.status == "reported"
    assert alert.incident.created_by == personas.operator
    # The incident made from the alert keeps its source when edited through the API.
    response = client_for(personas.district_official).patch(f"{LIST}{alert.incident.pk}/", {
        "source": "camera_alert", "description": "checked"}, format="json")
    assert response.status_code == 200, response.json()


def test_operator_cannot_report_other_sources_or_outside_their_district(personas, territory, theft):
    with pytest.raises(FieldWorkError) as exc:
        incident_create(by=fresh(personas.operator), mahalla=territory.mahalla_a1a, category=theft,
                        source=Incident.Source.CITIZEN, occurred_at=timezone.now())
    assert exc.value.field == "mahalla"
    with pytest.raises(FieldWorkError) as exc:
        incident_create(by=fresh(personas.operator), mahalla=territory.mahalla_b1a, category=theft,
                        source=Incident.Source.CAMERA_ALERT, occurred_at=timezone.now(),
                        alert=_alert(territory.mahalla_b1a))
    assert exc.value.field == "source"


def test_form_does_not_offer_and_refuses_camera_source(client, personas, territory, theft):
    client.force_login(personas.inspector)
    page = client.get(reverse("incidents:create"))
    assert "camera_alert" not in dict(page.context["form"].fields["source"].choices)
    response = client.post(reverse("incidents:create"), {
        "mahalla": territory.mahalla_a1a.pk, "category": theft.pk, "legal_kind": "crime", "source": "camera_alert",
        "occurred_at": timezone.localtime().strftime("%Y-%m-%dT%H:%M"), "latitude": "", "longitude": ""})
    assert response.status_code == 400 and "source" in response.context["form"].errors
    assert not Incident.objects.exists()
