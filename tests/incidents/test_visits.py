import datetime
import uuid

import pytest
from django.utils import timezone

from incidents.errors import FieldWorkError
from incidents.models import FieldVisit
from incidents.services import field_visit_create

from .conftest import fresh
from .factories import FieldVisitFactory

pytestmark = pytest.mark.django_db
LIST = "/api/v1/visits/"


def _payload(territory, **overrides):
    data = {"client_uuid": str(uuid.uuid4()), "mahalla": territory.mahalla_a1a.pk, "kind": "household",
            "visited_at": (timezone.now() - datetime.timedelta(minutes=10)).isoformat(),
            "address_or_household": "Navoiy ko'chasi 12", "people_reached": 4,
            "topics": ["cyber_safety", "drugs"], "outcome": "Talked about SMS codes",
            "longitude": 63.65, "latitude": 41.0, "accuracy_m": 12.5}
    data.update(overrides)
    return data


def test_visit_create_is_idempotent_by_client_uuid(client_for, personas, territory):
    client = client_for(personas.inspector)
    payload = _payload(territory)
    first = client.post(LIST, payload, format="json")
    assert first.status_code == 201, first.json()
    # the phone lost the answer and resends the same draft
    second = client.post(LIST, payload, format="json")
    assert second.status_code == 200
    assert second.json()["id"] == first.json()["id"]
    assert FieldVisit.objects.count() == 1
    assert first.json()["visited_at"].endswith("+05:00")


def test_visit_draft_id_of_another_user_is_refused(client_for, personas, territory):
    payload = _payload(territory)
    client_for(personas.inspector).post(LIST, payload, format="json")
    response = client_for(personas.social_worker).post(LIST, payload, format="json")
    assert response.status_code == 400 and list(response.json()["errors"]) == ["client_uuid"]


def test_visit_in_future_is_refused(client_for, personas, territory):
    future = (timezone.now() + datetime.timedelta(hours=2)).isoformat()
    response = client_for(personas.inspector).post(LIST, _payload(territory, visited_at=future), format="json")
    assert response.status_code == 400 and list(response.json()["errors"]) == ["visited_at"]


def test_visit_follow_up_before_visit_is_refused(personas, territory):
    visited = timezone.now() - datetime.timedelta(days=3)
    with pytest.raises(FieldWorkError) as excinfo:
        field_visit_create(by=fresh(personas.inspector), mahalla=territory.mahalla_a1a, kind="household",
                           visited_at=visited, client_uuid=uuid.uuid4(),
                           follow_up_on=timezone.localdate(visited) - datetime.timedelta(days=1))
    assert excinfo.value.field == "follow_up_on"


def test_visit_point_far_outside_is_refused(client_for, personas, territory):
    response = client_for(personas.inspector).post(LIST, _payload(territory, longitude=64.3), format="json")
    assert response.status_code == 400 and list(response.json()["errors"]) == ["location"]


def test_visit_negative_people_reached_names_field(client_for, personas, territory):
    response = client_for(personas.inspector).post(LIST, _payload(territory, people_reached=-1), format="json")
    assert response.status_code == 400 and "people_reached" in response.json()["errors"]


@pytest.mark.parametrize("who", ["district_official", "national", "outsider", "nobody"])
def test_visit_by_someone_not_assigned_names_mahalla(client_for, personas, territory, who):
    response = client_for(getattr(personas, who)).post(LIST, _payload(territory), format="json")
    assert response.status_code == 400 and list(response.json()["errors"]) == ["mahalla"]
    assert not FieldVisit.objects.exists()


def test_visit_by_inspector_of_another_mahalla_names_mahalla(client_for, staff, territory):
    response = client_for(staff.inspector_b).post(LIST, _payload(territory), format="json")
    assert response.status_code == 400 and list(response.json()["errors"]) == ["mahalla"]


@pytest.fixture
def visits(personas, territory, staff):
    return {
        "mine": FieldVisitFactory(mahalla=territory.mahalla_a1a, by=personas.inspector),
        "social": FieldVisitFactory(mahalla=territory.mahalla_a1a, by=personas.social_worker, kind="school",
                                    visited_at=timezone.now() - datetime.timedelta(days=10)),
        "a1b": FieldVisitFactory(mahalla=territory.mahalla_a1b, by=staff.inspector_b),
        "b1a": FieldVisitFactory(mahalla=territory.mahalla_b1a, by=staff.inspector_b),
    }


@pytest.mark.parametrize(("who", "expected"), [
    ("national", {"mine", "social", "a1b", "b1a"}),
    ("district_official", {"mine", "social", "a1b"}),
    ("inspector", {"mine", "social"}),
    ("outsider", {"b1a"}),
    ("nobody", set()),
])
def test_visit_list_is_scoped(client_for, personas, visits, who, expected, django_assert_max_num_queries):
    client = client_for(getattr(personas, who))
    with django_assert_max_num_queries(10):
        response = client.get(LIST)
    assert {row["id"] for row in response.json()["results"]} == {visits[k].pk for k in expected}


def test_visit_list_filters(client_for, personas, visits):
    client = client_for(personas.inspector)
    assert {r["id"] for r in client.get(LIST, {"mine": "true"}).json()["results"]} == {visits["mine"].pk}
    assert {r["id"] for r in client.get(LIST, {"kind": "school"}).json()["results"]} == {visits["social"].pk}
    today = timezone.localdate()
    recent = client.get(LIST, {"date_from": today - datetime.timedelta(days=1), "date_to": today}).json()
    assert {r["id"] for r in recent["results"]} == {visits["mine"].pk}


def test_visit_detail_out_of_scope_returns_404(client_for, personas, visits):
    assert client_for(personas.outsider).get(f"{LIST}{visits['mine'].pk}/").status_code == 404
    assert client_for(personas.inspector).get(f"{LIST}{visits['mine'].pk}/").status_code == 200


def test_visit_export_scoped_and_forbidden_for_field_staff(client_for, personas, visits):
    assert client_for(personas.inspector).get(f"{LIST}export/csv/").status_code == 403
    body = b"".join(client_for(personas.outsider).get(f"{LIST}export/csv/").streaming_content).decode("utf-8-sig")
    assert len(body.strip().splitlines()) == 2
    assert client_for(personas.national).get(f"{LIST}export/xlsx/").status_code == 200
