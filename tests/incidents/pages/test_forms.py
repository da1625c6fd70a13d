"""Field-work forms: good input writes once; bad input shows the message next to its field and writes nothing."""

import datetime
import uuid

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.models import Assignment
from incidents.models import FieldVisit, Incident, SupportCase, SupportCaseReview

pytestmark = pytest.mark.django_db


def local(dt: datetime.datetime) -> str:
    return timezone.localtime(dt).strftime("%Y-%m-%dT%H:%M")


def field_errors(response, name) -> list[str]:
    return list(response.context["form"].errors.get(name, []))


def incident_data(territory, category_id, **overrides):
    data = {"mahalla": territory.mahalla_a1a.pk, "category": category_id,
            "occurred_at": local(timezone.now() - datetime.timedelta(hours=3)), "legal_kind": "crime",
            "source": "inspector", "description": "Card details phished via a fake parcel SMS",
            "latitude": "", "longitude": ""}
    data.update(overrides)
    return data


@pytest.fixture
def phishing():
    from incidents.models import IncidentCategory
    return IncidentCategory.objects.get(code="cyber-phishing")


# --- incidents --------------------------------------------------------------------------------------

def test_inspector_records_incident_with_point_and_loss(client, personas, territory, phishing):
    client.force_login(personas.inspector)
    response = client.post(reverse("incidents:create"), incident_data(
        territory, phishing.pk, financial_loss="2500000", minor_involved="on", latitude="41.0", longitude="63.65"))
    incident = Incident.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("incidents:detail", args=[incident.pk])
    assert incident.location.x == pytest.approx(63.65) and incident.minor_involved
    assert incident.transitions.get().to_status == "reported"


def test_incident_create_form_offers_only_writable_mahallas_and_grouped_categories(client, personas, territory):
    client.force_login(personas.inspector)
    response = client.get(reverse("incidents:create"))
    form = response.context["form"]
    assert [pk for pk, _label in form.fields["mahalla"].choices] == [territory.mahalla_a1a.pk]
    content = response.content.decode()
    assert "<optgroup" in content


@pytest.mark.parametrize(("overrides", "field"), [
    ({"occurred_at": "FUTURE"}, "occurred_at"),
    ({"mahalla": "OTHER"}, "mahalla"),  # a mahalla outside the inspector's assignments
    ({"category": ""}, "category"),
    ({"latitude": "45.5", "longitude": "70.1"}, "latitude"),  # far outside the mahalla
    ({"latitude": "41.0"}, "latitude"),  # half a point
    ({"financial_loss": "100", "category": "THEFT"}, "financial_loss"),  # a loss only for fraud and cyber
])
def test_incident_bad_input_shows_message_next_to_field_and_writes_nothing(client, personas, territory, phishing,
                                                                          overrides, field):
    from incidents.models import IncidentCategory
    values = dict(overrides)
    if values.get("occurred_at") == "FUTURE":
        values["occurred_at"] = local(timezone.now() + datetime.timedelta(days=2))
    if values.get("mahalla") == "OTHER":
        values["mahalla"] = territory.mahalla_a1b.pk
    if values.get("category") == "THEFT":
        values["category"] = IncidentCategory.objects.get(code="theft").pk
    client.force_login(personas.inspector)
    response = client.post(reverse("incidents:create"), incident_data(territory, phishing.pk, **values))
    assert response.status_code == 400
    assert field_errors(response, field), response.context["form"].errors
    assert 'class="field__error"' in response.content.decode()
    assert Incident.objects.count() == 0


def test_incident_transition_needs_a_reason_where_the_workflow_says_so(client, personas, rows):
    client.force_login(personas.district_official)
    url = reverse("incidents:transition", args=[rows.incident.pk])
    assert client.post(url, {"to_status": "under_verification"}).status_code == 302
    response = client.post(url, {"to_status": "unfounded", "reason": ""})
    assert response.status_code == 400
    assert "reason-unfounded-error" in response.content.decode()
    rows.incident.refresh_from_db()
    assert rows.incident.status == "under_verification"
    assert client.post(url, {"to_status": "unfounded", "reason": "Phone found at home"}).status_code == 302
    rows.incident.refresh_from_db()
    assert rows.incident.status == "unfounded"
    assert list(rows.incident.transitions.values_list("to_status", flat=True)) == [
        "reported", "under_verification", "unfounded"]


def test_incident_invalid_transition_is_refused(client, personas, rows):
    client.force_login(personas.district_official)
    response = client.post(reverse("incidents:transition", args=[rows.incident.pk]), {"to_status": "closed",
                                                                                     "reason": "x"})
    assert response.status_code == 400
    rows.incident.refresh_from_db()
    assert rows.incident.status == "reported" and rows.incident.transitions.count() == 1


def test_incident_transition_by_reader_without_write_right_is_403(client, personas, rows):
    client.force_login(personas.national)
    response = client.post(reverse("incidents:transition", args=[rows.incident.pk]),
                           {"to_status": "under_verification"})
    assert response.status_code == 403


def test_incident_transition_out_of_scope_is_404(client, personas, rows):
    client.force_login(personas.district_official)
    response = client.post(reverse("incidents:transition", args=[rows.incident_other.pk]),
                           {"to_status": "under_verification"})
    assert response.status_code == 404


def test_incident_edit_saves_changes(client, personas, rows, territory):
    client.force_login(personas.district_official)
    from incidents.forms.incidents import incident_initial
    data = {k: v for k, v in incident_initial(rows.incident).items() if v is not None}
    data.update(occurred_at=local(rows.incident.occurred_at), reported_at=local(rows.incident.reported_at),
                description="Updated", mahalla=territory.mahalla_a1b.pk)
    for flag in ("minor_involved", "youth_involved", "woman_victim"):
        data.pop(flag)
    response = client.post(reverse("incidents:edit", args=[rows.incident.pk]), data)
    assert response.status_code == 302, response.context["form"].errors
    rows.incident.refresh_from_db()
    assert rows.incident.description == "Updated" and rows.incident.mahalla_id == territory.mahalla_a1b.pk


# --- field visits -----------------------------------------------------------------------------------

def visit_data(territory, **overrides):
    data = {"client_uuid": str(uuid.uuid4()), "mahalla": territory.mahalla_a1a.pk, "kind": "household",
            "visited_at": local(timezone.now() - datetime.timedelta(minutes=20)), "people_reached": "4",
            "topics": ["cyber_safety", "drugs"], "address_or_household": "Navoiy 12", "notes": "",
            "outcome": "Explained SMS codes", "follow_up_on": "", "latitude": "", "longitude": "",
            "accuracy_m": ""}
    data.update(overrides)
    return data


def test_visit_form_preselects_the_only_mahalla(client, personas, territory):
    client.force_login(personas.inspector)
    response = client.get(reverse("incidents:visit-create"))
    content = response.content.decode()
    assert f'type="hidden" name="mahalla" value="{territory.mahalla_a1a.pk}"' in content
    assert 'data-visit-form' in content and 'id="visit-messages"' in content


def test_visit_form_offers_chips_when_assigned_to_several_mahallas(client, personas, territory):
    from tests.factories import AssignmentFactory
    AssignmentFactory(user=personas.inspector, mahalla=territory.mahalla_a1b)
    client.force_login(personas.inspector)
    content = client.get(reverse("incidents:visit-create")).content.decode()
    assert content.count('type="radio" name="mahalla"') == 2


def test_visit_form_without_js_saves_and_resend_is_idempotent(client, personas, territory):
    client.force_login(personas.inspector)
    data = visit_data(territory, latitude="41.0", longitude="63.65", accuracy_m="8.5")
    first = client.post(reverse("incidents:visit-create"), data)
    second = client.post(reverse("incidents:visit-create"), data)
    assert first.status_code == 302 and second.status_code == 302
    visit = FieldVisit.objects.get()
    assert visit.topics == ["cyber_safety", "drugs"] and visit.people_reached == 4
    assert visit.accuracy_m == 8.5 and str(visit.client_uuid) == data["client_uuid"]


def test_visit_api_resend_of_the_same_draft_is_idempotent(client, personas, territory):
    """What visit-form.js sends: the same JSON twice (the phone lost the first answer)."""
    client.force_login(personas.inspector)
    data = visit_data(territory)
    payload = {**data, "people_reached": 4, "follow_up_on": None}
    for key in ("latitude", "longitude", "accuracy_m"):
        payload.pop(key)
    first = client.post("/api/v1/visits/", payload, content_type="application/json")
    second = client.post("/api/v1/visits/", payload, content_type="application/json")
    assert (first.status_code, second.status_code) == (201, 200)
    assert FieldVisit.objects.count() == 1


@pytest.mark.parametrize(("overrides", "field"), [
    ({"visited_at": "FUTURE"}, "visited_at"),
    ({"kind": ""}, "kind"),
    ({"kind": "party"}, "kind"),
    ({"people_reached": "-3"}, "people_reached"),
    ({"mahalla": "OTHER"}, "mahalla"),
    ({"follow_up_on": "PAST"}, "follow_up_on"),
    ({"latitude": "45.0", "longitude": "70.0"}, "latitude"),
])
def test_visit_bad_input_shows_message_next_to_field_and_writes_nothing(client, personas, territory, overrides,
                                                                       field):
    values = dict(overrides)
    if values.get("visited_at") == "FUTURE":
        values["visited_at"] = local(timezone.now() + datetime.timedelta(days=1))
    if values.get("mahalla") == "OTHER":
        values["mahalla"] = territory.mahalla_b1a.pk
    if values.get("follow_up_on") == "PAST":
        values["follow_up_on"] = (timezone.localdate() - datetime.timedelta(days=5)).isoformat()
    client.force_login(personas.inspector)
    response = client.post(reverse("incidents:visit-create"), visit_data(territory, **values))
    assert response.status_code == 400
    assert field_errors(response, field), response.context["form"].errors
    assert FieldVisit.objects.count() == 0


def test_supervisor_cannot_log_a_visit(client, personas):
    client.force_login(personas.district_official)
    assert client.get(reverse("incidents:visit-create")).status_code == 403


def test_my_visits_and_week_view(client, personas, rows, staff, territory):
    from tests.incidents.factories import FieldVisitFactory
    FieldVisitFactory(mahalla=territory.mahalla_a1a, by=staff.social_worker_2)
    client.force_login(personas.inspector)
    mine = client.get(reverse("incidents:visit-list")).context["page"].rows
    assert [v.pk for v in mine] == [rows.visit.pk]
    everyone = client.get(reverse("incidents:visit-list"), {"mine": "false"}).context["page"].rows
    assert len(everyone) == 2
    week = client.get(reverse("incidents:visit-week"))
    columns = week.context["columns"]
    assert len(columns) == 7 and columns[0]["day"].weekday() == 0
    assert sum(c["count"] for c in columns) == 1
    previous = client.get(reverse("incidents:visit-week"), {"week": week.context["prev"]})
    assert previous.context["start"] == columns[0]["day"] - datetime.timedelta(days=7)


def test_supervisor_sees_territory_visits_with_filters(client, personas, rows, territory):
    client.force_login(personas.region_officer)
    response = client.get(reverse("incidents:visit-list"))
    assert [v.pk for v in response.context["page"].rows] == [rows.visit.pk]
    response = client.get(reverse("incidents:visit-list"), {"kind": "patrol"})
    assert response.context["page"].rows == []
    assert b"/api/v1/visits/export/csv/?kind=patrol" in response.content


# --- support cases ----------------------------------------------------------------------------------

def case_data(territory, **overrides):
    data = {"mahalla": territory.mahalla_a1a.pk, "subject_name": "Aliyev family", "subject_age": "17",
            "subject_address": "Bog' ko'chasi 3", "category": "youth_neet", "needs": "Job",
            "actions": ["employment"], "notes": "",
            "next_review_on": (timezone.localdate() + datetime.timedelta(days=14)).isoformat()}
    data.update(overrides)
    return data


def test_social_worker_opens_a_case(client, personas, territory):
    client.force_login(personas.social_worker)
    response = client.post(reverse("incidents:case-create"), case_data(territory))
    case = SupportCase.objects.get()
    assert response.status_code == 302 and case.social_worker == personas.social_worker
    assert case.actions == ["employment"]


@pytest.mark.parametrize(("overrides", "field"), [
    ({"next_review_on": "PAST"}, "next_review_on"),
    ({"subject_name": ""}, "subject_name"),
    ({"subject_age": "200"}, "subject_age"),
    ({"mahalla": "OTHER"}, "mahalla"),
])
def test_case_bad_input_shows_message_next_to_field_and_writes_nothing(client, personas, territory, overrides,
                                                                      field):
    values = dict(overrides)
    if values.get("next_review_on") == "PAST":
        values["next_review_on"] = (timezone.localdate() - datetime.timedelta(days=1)).isoformat()
    if values.get("mahalla") == "OTHER":
        values["mahalla"] = territory.mahalla_a1b.pk
    client.force_login(personas.social_worker)
    response = client.post(reverse("incidents:case-create"), case_data(territory, **values))
    assert response.status_code == 400
    assert field_errors(response, field), response.context["form"].errors
    assert SupportCase.objects.count() == 0


def test_supervisor_opens_a_case_for_a_social_worker(client, personas, territory):
    client.force_login(personas.district_official)
    response = client.post(reverse("incidents:case-create"),
                           case_data(territory, social_worker=personas.social_worker.pk))
    assert response.status_code == 302
    assert SupportCase.objects.get().social_worker == personas.social_worker


def test_case_review_records_and_bad_date_is_refused(client, personas, rows):
    client.force_login(personas.social_worker)
    url = reverse("incidents:case-review", args=[rows.case.pk])
    response = client.post(url, {"note": "Visited", "status": "in_progress", "next_review_on": ""})
    assert response.status_code == 400 and "next_review_on" in response.context["review_form"].errors
    assert SupportCaseReview.objects.count() == 0
    nxt = (timezone.localdate() + datetime.timedelta(days=10)).isoformat()
    assert client.post(url, {"note": "Visited", "status": "in_progress", "next_review_on": nxt}).status_code == 302
    rows.case.refresh_from_db()
    assert rows.case.status == "in_progress" and rows.case.next_review_on.isoformat() == nxt


def test_case_edit_by_social_worker(client, personas, rows, territory):
    client.force_login(personas.social_worker)
    data = case_data(territory, subject_name="Karimov household (renamed)", status="in_progress")
    data.pop("mahalla")
    response = client.post(reverse("incidents:case-edit", args=[rows.case.pk]), data)
    assert response.status_code == 302, response.context["form"].errors
    rows.case.refresh_from_db()
    assert rows.case.subject_name.endswith("(renamed)") and rows.case.status == "in_progress"


# --- assignments ------------------------------------------------------------------------------------

def test_district_official_assigns_and_ends_an_assignment(client, personas, territory, staff):
    from accounts.models import Role
    from tests.factories import UserFactory
    # A newcomer on the district's staff, not assigned anywhere yet (incidents.assign_person: own staff only).
    newcomer = UserFactory(username="newcomer", role=Role.INSPECTOR, district=territory.district_a1)
    client.force_login(personas.district_official)
    back = reverse("incidents:coverage-district", args=[territory.district_a1.pk])
    response = client.post(reverse("incidents:assignment-create"), {
        "user": newcomer.pk, "mahalla": territory.mahalla_a1b.pk, "starts_on": timezone.localdate().isoformat(),
        "is_primary": "on", "back": back})
    assert response.status_code == 400  # A1b already has a primary inspector (staff.inspector_b)
    assert "mahalla" in response.context["form"].errors
    current = Assignment.objects.get(user=staff.inspector_b)
    assert client.post(reverse("incidents:assignment-end", args=[current.pk]), {"ends_on": ""}).status_code == 302
    tomorrow = (timezone.localdate() + datetime.timedelta(days=1)).isoformat()
    response = client.post(reverse("incidents:assignment-create"), {
        "user": newcomer.pk, "mahalla": territory.mahalla_a1b.pk, "starts_on": tomorrow, "is_primary": "on",
        "back": back})
    assert response.status_code == 302 and response["Location"] == back
    assert Assignment.objects.filter(user=newcomer, mahalla=territory.mahalla_a1b).exists()


@pytest.mark.parametrize("back", ["https://evil.example/phish", "//evil.example/phish", "javascript:alert(1)"])
def test_assignment_back_address_off_site_is_ignored(client, personas, territory, back):
    from accounts.models import Role
    from tests.factories import UserFactory
    newcomer = UserFactory(username="newcomer", role=Role.INSPECTOR, district=territory.district_a1)
    client.force_login(personas.district_official)
    tomorrow = (timezone.localdate() + datetime.timedelta(days=1)).isoformat()
    response = client.post(reverse("incidents:assignment-create"), {
        "user": newcomer.pk, "mahalla": territory.mahalla_a1a.pk, "starts_on": tomorrow, "back": back})
    assert response.status_code == 302
    assert response["Location"] == reverse("incidents:coverage-district", args=[territory.district_a1.pk])


def test_assignment_outside_territory_is_refused(client, personas, territory):
    from accounts.models import Role
    from tests.factories import UserFactory
    newcomer = UserFactory(username="newcomer", role=Role.INSPECTOR)
    client.force_login(personas.district_official)
    response = client.post(reverse("incidents:assignment-create"), {
        "user": newcomer.pk, "mahalla": territory.mahalla_a2a.pk, "starts_on": timezone.localdate().isoformat(),
        "is_primary": "on"})
    assert response.status_code == 400 and "mahalla" in response.context["form"].errors
    assert not Assignment.objects.filter(user=newcomer).exists()


def test_assignment_end_out_of_scope_is_404_and_for_inspector_403(client, personas, territory, staff):
    other = Assignment.objects.filter(mahalla=territory.mahalla_a1a, user=personas.inspector).get()
    client.force_login(personas.outsider)
    assert client.post(reverse("incidents:assignment-end", args=[other.pk])).status_code == 404
    client.force_login(personas.inspector)
    assert client.post(reverse("incidents:assignment-end", args=[other.pk])).status_code == 403
    assert client.post(reverse("incidents:assignment-create"), {}).status_code == 403
