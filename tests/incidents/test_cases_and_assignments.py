import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from accounts.models import Assignment, Role
from audit.models import AuditEvent
from incidents.assignments import assignment_create, assignment_end
from incidents.errors import FieldWorkError
from incidents.models import SupportCase
from incidents.selectors import coverage
from incidents.services import support_case_open, support_case_review
from mahallas.models import District
from tests.factories import UserFactory

from .conftest import fresh
from .factories import FieldVisitFactory, SupportCaseFactory

pytestmark = pytest.mark.django_db
CASES = "/api/v1/support-cases/"
TODAY = timezone.localdate


@pytest.fixture
def cases(personas, territory, staff):
    return {
        "own": SupportCaseFactory(mahalla=territory.mahalla_a1a, social_worker=personas.social_worker),
        "colleague": SupportCaseFactory(mahalla=territory.mahalla_a1a, social_worker=staff.social_worker_2,
                                        next_review_on=TODAY() - datetime.timedelta(days=2)),
    }


@pytest.mark.parametrize(("who", "expected"), [
    ("national", {"own", "colleague"}),
    ("region_officer", {"own", "colleague"}),
    ("district_official", {"own", "colleague"}),
    ("inspector", {"own", "colleague"}),  # the mahalla's inspector
    ("social_worker", {"own"}),  # only their own cases
    ("operator", set()),  # territory scope, but not a case reader
    ("admin", set()),
    ("outsider", set()),
    ("nobody", set()),
])
def test_case_visibility_is_narrower_than_territory(personas, cases, who, expected):
    visible = set(SupportCase.objects.visible_to(fresh(getattr(personas, who))).values_list("pk", flat=True))
    assert visible == {cases[k].pk for k in expected}


def test_case_of_mahalla_invisible_to_inspector_of_another_mahalla(staff, cases):
    assert not SupportCase.objects.visible_to(fresh(staff.inspector_b)).exists()


def test_case_detail_of_colleague_returns_404_for_social_worker(client_for, personas, cases):
    assert client_for(personas.social_worker).get(f"{CASES}{cases['colleague'].pk}/").status_code == 404


@pytest.mark.parametrize("who", ["outsider", "operator"])
def test_case_detail_out_of_scope_returns_404(client_for, personas, cases, who):
    assert client_for(getattr(personas, who)).get(f"{CASES}{cases['own'].pk}/").status_code == 404


def test_case_detail_read_is_audited(client_for, personas, cases):
    response = client_for(personas.district_official).get(f"{CASES}{cases['own'].pk}/")
    assert response.status_code == 200
    assert response.json()["subject_name"] == cases["own"].subject_name
    event = AuditEvent.objects.get(action="view", object_id=str(cases["own"].pk))
    assert event.actor_id == personas.district_official.pk
    assert cases["own"].subject_name not in event.object_repr


def test_case_list_marks_overdue_and_audits_the_read(client_for, personas, cases, django_assert_max_num_queries):
    client = client_for(personas.inspector)
    with django_assert_max_num_queries(12):
        rows = client.get(CASES).json()["results"]
    assert {r["id"]: r["is_overdue"] for r in rows} == {cases["own"].pk: False, cases["colleague"].pk: True}
    assert AuditEvent.objects.filter(action="view", object_repr="list").exists()
    only_overdue = client.get(CASES, {"overdue": "true"}).json()["results"]
    assert [r["id"] for r in only_overdue] == [cases["colleague"].pk]


def test_social_worker_opens_and_reviews_a_case(client_for, personas, territory):
    client = client_for(personas.social_worker)
    response = client.post(CASES, {
        "mahalla": territory.mahalla_a1a.pk, "subject_name": "Karimov oilasi", "subject_age": 17,
        "category": "minor_at_risk", "needs": "School dropout", "actions": ["education", "psychological"],
        "next_review_on": (TODAY() + datetime.timedelta(days=5)).isoformat()}, format="json")
    assert response.status_code == 201, response.json()
    case_id = response.json()["id"]
    assert response.json()["social_worker"] == personas.social_worker.pk
    review = client.post(f"{CASES}{case_id}/review/", {
        "note": "Back at school", "next_review_on": (TODAY() + datetime.timedelta(days=30)).isoformat()},
        format="json")
    assert review.status_code == 201
    case = SupportCase.objects.get(pk=case_id)
    assert case.status == "in_progress" and case.last_reviewed_at is not None


def test_case_review_needs_next_date_unless_closing(personas, territory, cases):
    with pytest.raises(FieldWorkError) as excinfo:
        support_case_review(by=fresh(personas.social_worker), case=cases["own"], note="seen")
    assert excinfo.value.field == "next_review_on"
    support_case_review(by=fresh(personas.social_worker), case=cases["own"], status="closed", note="done")
    cases["own"].refresh_from_db()
    assert cases["own"].status == "closed" and cases["own"].closed_at is not None


def test_case_next_review_in_past_is_refused(personas, territory):
    with pytest.raises(FieldWorkError) as excinfo:
        support_case_open(by=fresh(personas.social_worker), mahalla=territory.mahalla_a1a, subject_name="X",
                          category="youth_neet", next_review_on=TODAY() - datetime.timedelta(days=1))
    assert excinfo.value.field == "next_review_on"


@pytest.mark.parametrize("who", ["inspector", "national", "outsider"])
def test_case_open_by_non_case_writer_names_mahalla(personas, territory, who):
    with pytest.raises(FieldWorkError) as excinfo:
        support_case_open(by=fresh(getattr(personas, who)), mahalla=territory.mahalla_a1a, subject_name="X",
                          category="youth_neet", next_review_on=TODAY(), social_worker=personas.social_worker)
    assert excinfo.value.field == "mahalla"


def test_social_worker_cannot_edit_colleagues_case(client_for, personas, cases):
    response = client_for(personas.social_worker).patch(f"{CASES}{cases['colleague'].pk}/", {"notes": "x"},
                                                 format="json")
    assert response.status_code == 404


def test_inspector_reads_but_cannot_edit_case(client_for, personas, cases):
    response = client_for(personas.inspector).patch(f"{CASES}{cases['own'].pk}/", {"notes": "x"}, format="json")
    assert response.status_code == 403


def test_district_official_reassigns_case(client_for, personas, cases, staff):
    response = client_for(personas.district_official).patch(
        f"{CASES}{cases['own'].pk}/", {"social_worker": staff.social_worker_2.pk}, format="json")
    assert response.status_code == 200 and response.json()["social_worker"] == staff.social_worker_2.pk


def test_case_export_for_supervisors_only_and_audited(client_for, personas, cases):
    assert client_for(personas.social_worker).get(f"{CASES}export/csv/").status_code == 403
    assert client_for(personas.inspector).get(f"{CASES}export/xlsx/").status_code == 403
    response = client_for(personas.outsider).get(f"{CASES}export/csv/")
    assert len(b"".join(response.streaming_content).decode("utf-8-sig").strip().splitlines()) == 1
    response = client_for(personas.district_official).get(f"{CASES}export/csv/", {"overdue": "true"})
    assert len(b"".join(response.streaming_content).decode("utf-8-sig").strip().splitlines()) == 2
    assert AuditEvent.objects.filter(action="export", details__filters={"overdue": "true"}).exists()


# --- assignments --------------------------------------------------------------------------------------

def _new_inspector(name="new-insp", district_code="1700101"):
    """A new inspector on the staff of a district (A1 unless told), not assigned anywhere yet."""
    return UserFactory(username=name, role=Role.INSPECTOR, district=District.objects.get(code=district_code))


def test_district_official_assigns_within_district(personas, territory):
    inspector = _new_inspector()
    assignment = assignment_create(by=fresh(personas.district_official), user=inspector,
                                   mahalla=territory.mahalla_a1b, role=Role.INSPECTOR, starts_on=TODAY())
    assert assignment.created_by_id == personas.district_official.pk
    assert AuditEvent.objects.filter(action="assignment_change", object_id=str(assignment.pk)).exists()
    assert territory.mahalla_a1b.pk in fresh(inspector).scope.mahalla_ids


@pytest.mark.parametrize(("who", "mahalla"), [("district_official", "mahalla_a2a"),
                                              ("region_officer", "mahalla_b1a"), ("national", "mahalla_a1b"),
                                              ("inspector", "mahalla_a1b"), ("outsider", "mahalla_a1b")])
def test_assignment_outside_territory_names_mahalla(personas, territory, who, mahalla):
    with pytest.raises(FieldWorkError) as excinfo:
        assignment_create(by=fresh(getattr(personas, who)), user=_new_inspector(),
                          mahalla=getattr(territory, mahalla), role=Role.INSPECTOR, starts_on=TODAY())
    assert excinfo.value.field == "mahalla"


def test_overlapping_primary_names_mahalla(personas, territory):
    with pytest.raises(FieldWorkError) as excinfo:
        assignment_create(by=fresh(personas.region_officer), user=_new_inspector(),
                          mahalla=territory.mahalla_a1a, role=Role.INSPECTOR, starts_on=TODAY())
    assert excinfo.value.field == "mahalla"


def test_end_then_assign_successor_keeps_history(client_for, personas, territory):
    current = Assignment.objects.get(user=personas.inspector)
    client = client_for(personas.district_official)
    ended = client.post(f"/api/v1/assignments/{current.pk}/end/",
                        {"ends_on": TODAY().isoformat()}, format="json")
    assert ended.status_code == 200 and ended.json()["ends_on"] == TODAY().isoformat()
    successor = _new_inspector()
    response = client.post("/api/v1/assignments/", {
        "user": successor.pk, "mahalla": territory.mahalla_a1a.pk, "role": "inspector",
        "starts_on": (TODAY() + datetime.timedelta(days=1)).isoformat()}, format="json")
    assert response.status_code == 201, response.json()
    assert Assignment.objects.filter(mahalla=territory.mahalla_a1a, role="inspector").count() == 2


def test_assignment_role_mismatch_names_user(personas, territory):
    with pytest.raises(FieldWorkError) as excinfo:
        assignment_create(by=fresh(personas.district_official), user=_new_inspector(),
                          mahalla=territory.mahalla_a1b, role=Role.SOCIAL_WORKER, starts_on=TODAY())
    assert excinfo.value.field == "user"


@pytest.mark.parametrize("who", ["district_official", "region_officer"])
def test_assignment_api_refuses_a_worker_from_another_region(client_for, personas, territory, who):
    # incidents.assign_person: the HTML form lists only the official's own staff; the API asks the same rule.
    outsider_worker = _new_inspector("south-insp", district_code="1700201")
    response = client_for(getattr(personas, who)).post("/api/v1/assignments/", {
        "user": outsider_worker.pk, "mahalla": territory.mahalla_a1b.pk, "role": "inspector",
        "starts_on": TODAY().isoformat()}, format="json")
    assert response.status_code == 400 and list(response.json()["errors"]) == ["user"]
    assert not Assignment.objects.filter(user=outsider_worker).exists()


def test_assignment_form_offers_only_own_staff(personas, territory):
    from incidents.forms.assignments import AssignmentForm
    from mahallas.models import Mahalla

    own, other = _new_inspector("own-insp"), _new_inspector("south-insp", district_code="1700201")
    form = AssignmentForm(manager=fresh(personas.district_official), mahallas_qs=Mahalla.objects.all())
    offered = {pk for pk, _label in form.fields["user"].choices}
    assert own.pk in offered and personas.inspector.pk in offered and other.pk not in offered


def test_assignment_end_by_outsider_returns_404(client_for, personas):
    current = Assignment.objects.get(user=personas.inspector)
    assert client_for(personas.outsider).post(f"/api/v1/assignments/{current.pk}/end/").status_code == 404
    with pytest.raises(FieldWorkError):
        assignment_end(by=fresh(personas.outsider), assignment=current)


def test_assignment_list_scoped(client_for, personas, staff, django_assert_max_num_queries):
    client = client_for(personas.outsider)
    with django_assert_max_num_queries(10):
        assert client.get("/api/v1/assignments/").json()["results"] == []
    client = client_for(personas.district_official)
    with django_assert_max_num_queries(10):
        assert len(client.get("/api/v1/assignments/").json()["results"]) == 4


# --- coverage -----------------------------------------------------------------------------------------

def test_coverage_in_one_query(personas, territory):
    FieldVisitFactory.create_batch(3, mahalla=territory.mahalla_a1a, by=personas.inspector)
    FieldVisitFactory(mahalla=territory.mahalla_a1a, by=personas.inspector,
                      visited_at=timezone.now() - datetime.timedelta(days=40))
    user = fresh(personas.region_officer)
    with CaptureQueriesContext(connection) as queries:
        rows = {m.code: (m.has_inspector, m.has_social_worker, m.visits_30d) for m in coverage(user=user)}
    assert len(queries) == 1
    assert rows == {"17010001": (True, True, 3), "17010002": (False, False, 0), "17010003": (False, False, 0)}


def test_coverage_api(client_for, personas, territory, django_assert_max_num_queries):
    client = client_for(personas.district_official)
    with django_assert_max_num_queries(10):
        response = client.get("/api/v1/coverage/", {"missing": "inspector"})
    assert [r["code"] for r in response.json()["results"]] == ["17010002"]
    assert client_for(personas.inspector).get("/api/v1/coverage/").status_code == 403
    outsider = client_for(personas.outsider).get("/api/v1/coverage/", {"district": territory.district_a1.pk}).json()
    assert outsider["results"] == []
