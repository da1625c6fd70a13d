"""Integrity of the count: a registered crime stays counted whatever happens to its case, and nobody takes it out
of a count alone (four eyes, decided against the incident's version, never by its requester)."""

import datetime
import importlib

import pytest
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from accounts.models import Notification, Role
from core.periods import Period
from incidents.change_requests import (
    change_request_create,
    change_request_decide,
    change_request_withdraw,
    incident_edit,
)
from incidents.errors import FieldWorkError
from incidents.models import Incident, IncidentChangeRequest, IncidentTransition
from incidents.services import incident_create, incident_transition, incident_update
from tests.factories import UserFactory
from tests.incidents.factories import category
from zones.models import MahallaStatus
from zones.services import status_recompute_national

from .conftest import fresh

S = Incident.Status
H1_2025 = datetime.datetime(2025, 3, 10, 14, 0, tzinfo=datetime.UTC)


def _registered(by, mahalla, *, at=H1_2025, code="theft") -> Incident:
    incident = incident_create(by=by, mahalla=mahalla, category=category(code), occurred_at=at)
    incident_transition(by=by, incident=incident, to_status=S.UNDER_VERIFICATION)
    return incident_transition(by=by, incident=incident, to_status=S.REGISTERED)


def _total(mahalla, period="H1-2025") -> int:
    status_recompute_national(periods=[Period.parse(period)])
    return MahallaStatus.objects.get(mahalla=mahalla, period=period).total


def _error_field(excinfo) -> str:
    return excinfo.value.field


# --- what counts --------------------------------------------------------------------------------------------

def test_three_registered_crimes_one_closed_as_solved_still_count_three_through_the_api(
        personas, territory, client_for):
    # given: three crimes registered in one mahalla in H1-2025, through the API
    client = client_for(personas.inspector)
    ids = []
    for day in (3, 10, 17):
        created = client.post("/api/v1/incidents/", {
            "mahalla": territory.mahalla_a1a.pk, "category": category("theft").pk,
            "occurred_at": f"2025-02-{day:02d}T10:00:00+05:00"}, format="json")
        assert created.status_code == 201, created.json()
        pk = created.json()["id"]
        for to in ("under_verification", "registered"):
            assert client.post(f"/api/v1/incidents/{pk}/transition/", {"to_status": to},
                               format="json").status_code == 200
        ids.append(pk)
    status_recompute_national(periods=[Period.parse("H1-2025")])
    national = client_for(personas.national)
    statuses = national.get(f"/api/v1/zones/mahallas/{territory.mahalla_a1a.pk}/").json()["statuses"]
    before = next(s for s in statuses if s["period"] == "H1-2025")
    assert before["total"] == 3
    # when: one is closed as solved, sent to court
    closed = client.post(f"/api/v1/incidents/{ids[0]}/transition/", {
        "to_status": "closed", "reason": "solved, case sent to court", "outcome": "sent_to_court"}, format="json")
    assert closed.status_code == 200, closed.json()
    assert closed.json()["counted"] is True and closed.json()["outcome"] == "sent_to_court"
    status_recompute_national(periods=[Period.parse("H1-2025")])
    # then: still three, same colour
    statuses = national.get(f"/api/v1/zones/mahallas/{territory.mahalla_a1a.pk}/").json()["statuses"]
    after = next(s for s in statuses if s["period"] == "H1-2025")
    assert after["total"] == 3 and after["colour"] == before["colour"]


def test_closing_a_registered_crime_requires_its_outcome(personas, territory):
    incident = _registered(personas.inspector, territory.mahalla_a1a)
    with pytest.raises(FieldWorkError) as excinfo:
        incident_transition(by=personas.inspector, incident=incident, to_status=S.CLOSED, reason="done")
    assert _error_field(excinfo) == "outcome"
    incident_transition(by=personas.inspector, incident=incident, to_status=S.CLOSED, reason="done",
                        outcome="solved")
    incident.refresh_from_db()
    assert incident.outcome == "solved" and incident.registered_at is not None
    assert Incident.objects.counted().filter(pk=incident.pk).exists()


def test_reopening_a_counted_crime_directly_is_refused(personas, territory):
    incident = _registered(personas.district_official, territory.mahalla_a1a)
    with pytest.raises(FieldWorkError) as excinfo:
        incident_transition(by=personas.district_official, incident=incident, to_status=S.UNDER_VERIFICATION,
                            reason="re-check")
    assert _error_field(excinfo) == "to_status"
    with pytest.raises(FieldWorkError):
        incident_transition(by=personas.district_official, incident=incident, to_status=S.DEREGISTERED,
                            reason="gone")
    incident.refresh_from_db()
    assert incident.status == S.REGISTERED


@pytest.mark.parametrize("field", ["legal_kind", "mahalla", "occurred_at", "category"])
def test_a_correction_that_lowers_a_count_is_refused_as_a_direct_update(personas, territory, field):
    incident = _registered(personas.district_official, territory.mahalla_a1a)
    value = {"legal_kind": Incident.LegalKind.ADMINISTRATIVE, "mahalla": territory.mahalla_a1b,
             "occurred_at": H1_2025 + datetime.timedelta(days=40), "category": category("cyber-phishing")}[field]
    with pytest.raises(FieldWorkError) as excinfo:
        incident_update(by=personas.district_official, incident=incident, **{field: value})
    assert _error_field(excinfo) == field


def test_corrections_that_keep_the_counts_need_no_approval(personas, territory):
    incident = _registered(personas.district_official, territory.mahalla_a1a)
    # same month (Tashkent time), same category group (theft has no parent: a sub-type of cybercrime would
    # change the group), another description
    incident_update(by=personas.district_official, incident=incident, occurred_at=H1_2025 + datetime.timedelta(days=2),
                    description="more detail")
    incident.refresh_from_db()
    assert incident.description == "more detail" and incident.version > 1
    assert not IncidentChangeRequest.objects.exists()


# --- four eyes ----------------------------------------------------------------------------------------------

def test_inspector_deregistration_waits_for_the_registrar_and_nobody_approves_their_own(personas, territory):
    incident = _registered(personas.inspector, territory.mahalla_a1a)
    request = change_request_create(by=fresh(personas.inspector), incident=incident, kind="deregister",
                                    reason_code="unfounded", reason="the bicycle was lent, not stolen")
    # the count is unchanged while the request waits
    assert _total(territory.mahalla_a1a) == 1
    # the requester, the district official and the region's staff (a registrar is appointed) may not decide
    for who in (personas.inspector, personas.district_official, personas.region_officer, personas.national):
        with pytest.raises(FieldWorkError) as excinfo:
            change_request_decide(by=fresh(who), request=request, approve=True)
        assert _error_field(excinfo) == "request"
    # the registrar of the region approves
    change_request_decide(by=fresh(personas.registrar), request=request, approve=True, comment="checked the file")
    incident.refresh_from_db()
    assert incident.status == S.DEREGISTERED and incident.registered_at is None
    assert _total(territory.mahalla_a1a) == 0
    request.refresh_from_db()
    assert (request.status, request.decided_by_id) == ("approved", personas.registrar.pk)
    assert IncidentTransition.objects.filter(incident=incident, to_status=S.DEREGISTERED,
                                             by=personas.registrar).exists()


def test_a_registrar_cannot_approve_a_request_they_made_even_in_the_database(personas, territory):
    incident = _registered(personas.inspector, territory.mahalla_a1a)
    request = change_request_create(by=personas.inspector, incident=incident, kind="reopen", reason="new witness")
    with pytest.raises(Exception, match="change_request_not_decided_by_requester"):
        IncidentChangeRequest.objects.filter(pk=request.pk).update(status="approved", decided_at=timezone.now(),
                                                                  decided_by=personas.inspector)


def test_without_a_registrar_regional_staff_decide_and_regional_requests_go_to_the_ministry(personas, territory):
    personas.registrar.is_active = False
    personas.registrar.save(update_fields=["is_active"])
    incident = _registered(personas.district_official, territory.mahalla_a1a)
    request = change_request_create(by=personas.district_official, incident=incident, kind="reopen",
                                    reason="the victim withdrew the complaint")
    change_request_decide(by=fresh(personas.region_officer), request=request, approve=True)
    incident.refresh_from_db()
    assert incident.status == S.UNDER_VERIFICATION and incident.registered_at is None
    # registered again, then regional staff ask: only national staff decide, not regional staff themselves
    incident_transition(by=personas.region_officer, incident=incident, to_status=S.REGISTERED)
    request = change_request_create(by=fresh(personas.region_officer), incident=incident, kind="deregister",
                                    reason_code="duplicate", reason="registered twice (#1 and #2)")
    other_regional = UserFactory(username="region-2", role=Role.REGIONAL, region=territory.region_a)
    with pytest.raises(FieldWorkError):
        change_request_decide(by=other_regional, request=request, approve=True)
    change_request_decide(by=fresh(personas.national), request=request, approve=True)
    incident.refresh_from_db()
    assert incident.status == S.DEREGISTERED


def test_registrar_of_another_region_cannot_decide(personas, territory):
    other = UserFactory(username="registrar-b", role=Role.REGISTRAR, region=territory.region_b)
    incident = _registered(personas.inspector, territory.mahalla_a1a)
    request = change_request_create(by=personas.inspector, incident=incident, kind="reopen", reason="doubt")
    with pytest.raises(FieldWorkError):
        change_request_decide(by=other, request=request, approve=True)
    # and it is not even visible to them
    assert not IncidentChangeRequest.objects.visible_to(other).filter(pk=request.pk).exists()


def test_one_pending_request_per_incident(personas, territory):
    incident = _registered(personas.inspector, territory.mahalla_a1a)
    change_request_create(by=personas.inspector, incident=incident, kind="reopen", reason="doubt")
    with pytest.raises(FieldWorkError) as excinfo:
        change_request_create(by=personas.district_official, incident=incident, kind="deregister",
                              reason_code="unfounded", reason="no crime")
    assert _error_field(excinfo) == "incident"


def test_a_request_is_decided_against_the_incident_version(personas, territory):
    incident = _registered(personas.inspector, territory.mahalla_a1a)
    request = change_request_create(by=personas.inspector, incident=incident, kind="reopen", reason="doubt")
    incident_update(by=personas.inspector, incident=incident, description="the victim called back")
    with pytest.raises(FieldWorkError) as excinfo:
        change_request_decide(by=personas.registrar, request=request, approve=True)
    assert _error_field(excinfo) == "incident"
    incident.refresh_from_db()
    assert incident.status == S.REGISTERED
    # rejecting needs a comment; then it is rejected
    with pytest.raises(FieldWorkError) as excinfo:
        change_request_decide(by=personas.registrar, request=request, approve=False)
    assert _error_field(excinfo) == "comment"
    change_request_decide(by=personas.registrar, request=request, approve=False, comment="ask again")
    assert IncidentChangeRequest.objects.get(pk=request.pk).status == "rejected"


def test_deregistration_needs_a_reason_code_and_text(personas, territory):
    incident = _registered(personas.inspector, territory.mahalla_a1a)
    with pytest.raises(FieldWorkError) as excinfo:
        change_request_create(by=personas.inspector, incident=incident, kind="deregister", reason="x")
    assert _error_field(excinfo) == "reason_code"
    with pytest.raises(FieldWorkError) as excinfo:
        change_request_create(by=personas.inspector, incident=incident, kind="deregister",
                              reason_code="unfounded", reason="  ")
    assert _error_field(excinfo) == "reason"
    assert not IncidentChangeRequest.objects.exists()


def test_an_uncounted_report_is_not_a_request(personas, territory):
    incident = incident_create(by=personas.inspector, mahalla=territory.mahalla_a1a, category=category("theft"),
                               occurred_at=H1_2025)
    with pytest.raises(FieldWorkError) as excinfo:
        change_request_create(by=personas.inspector, incident=incident, kind="reopen", reason="x")
    assert _error_field(excinfo) == "incident"


def test_outsiders_cannot_request(personas, territory):
    incident = _registered(personas.inspector, territory.mahalla_a1a)
    for who in (personas.outsider, personas.operator, personas.registrar, personas.national):
        with pytest.raises(FieldWorkError):
            change_request_create(by=fresh(who), incident=incident, kind="reopen", reason="x")


def test_edit_files_the_lowering_part_and_saves_the_rest(personas, territory):
    incident = _registered(personas.district_official, territory.mahalla_a1a)
    with pytest.raises(FieldWorkError) as excinfo:
        incident_edit(by=personas.district_official, incident=incident, mahalla=territory.mahalla_a1b,
                      description="moved")
    assert _error_field(excinfo) == "reason"
    result = incident_edit(by=personas.district_official, incident=incident, mahalla=territory.mahalla_a1b,
                           description="moved", reason="the shop is across the street, in Navro'z")
    incident.refresh_from_db()
    assert incident.description == "moved" and incident.mahalla_id == territory.mahalla_a1a.pk
    request = result.change_request
    assert request.changes == {"mahalla": territory.mahalla_a1b.pk}
    assert request.before == {"mahalla": territory.mahalla_a1a.pk}
    assert _total(territory.mahalla_a1a) == 1
    change_request_decide(by=personas.registrar, request=request, approve=True)
    incident.refresh_from_db()
    assert incident.mahalla_id == territory.mahalla_a1b.pk and incident.registered_at is not None
    assert _total(territory.mahalla_a1a) == 0 and _total(territory.mahalla_a1b) == 1


def test_a_moved_occurred_at_across_months_waits_for_approval_through_the_api(personas, territory, client_for):
    incident = _registered(personas.inspector, territory.mahalla_a1a)
    client = client_for(personas.inspector)
    answer = client.patch(f"/api/v1/incidents/{incident.pk}/", {
        "occurred_at": "2025-07-02T10:00:00+05:00", "reason": "the victim gave the wrong date"}, format="json")
    assert answer.status_code == 200, answer.json()
    body = answer.json()
    assert body["occurred_at"].startswith("2025-03-10")
    assert body["pending_change_request"]["kind"] == "edit"
    assert "occurred_at" in body["pending_change_request"]["changes"]
    # without a reason: 400 naming it
    incident_2 = _registered(personas.inspector, territory.mahalla_a1a)
    refused = client.patch(f"/api/v1/incidents/{incident_2.pk}/", {"occurred_at": "2025-07-02T10:00:00+05:00"},
                           format="json")
    assert refused.status_code == 400 and "reason" in refused.json()["errors"]


def test_withdraw_only_by_the_author(personas, territory):
    incident = _registered(personas.inspector, territory.mahalla_a1a)
    request = change_request_create(by=personas.inspector, incident=incident, kind="reopen", reason="doubt")
    with pytest.raises(FieldWorkError):
        change_request_withdraw(by=personas.district_official, request=request)
    change_request_withdraw(by=personas.inspector, request=request)
    assert IncidentChangeRequest.objects.get(pk=request.pk).status == "withdrawn"


def test_approvers_and_requester_are_notified(personas, territory, django_capture_on_commit_callbacks):
    incident = _registered(personas.inspector, territory.mahalla_a1a)
    with django_capture_on_commit_callbacks(execute=True):
        request = change_request_create(by=personas.inspector, incident=incident, kind="reopen", reason="doubt")
    assert list(Notification.objects.filter(kind="change_request").values_list("user_id", flat=True)) == [
        personas.registrar.pk]
    with django_capture_on_commit_callbacks(execute=True):
        change_request_decide(by=personas.registrar, request=request, approve=False, comment="no new facts")
    note = Notification.objects.get(kind="change_request_decided")
    assert note.user_id == personas.inspector.pk and "no new facts" in note.body


# --- the API and the pages ----------------------------------------------------------------------------------

def test_request_and_decision_through_the_api(personas, territory, client_for):
    incident = _registered(personas.inspector, territory.mahalla_a1a)
    filed = client_for(personas.inspector).post(f"/api/v1/incidents/{incident.pk}/change-requests/", {
        "kind": "deregister", "reason_code": "duplicate", "reason": "same theft as #1"}, format="json")
    assert filed.status_code == 201, filed.json()
    pk = filed.json()["id"]
    own = client_for(personas.inspector).post(f"/api/v1/change-requests/{pk}/decision/", {"approve": True},
                                              format="json")
    assert own.status_code == 403
    waiting = client_for(personas.registrar).get("/api/v1/change-requests/", {"to_decide": "1"}).json()["results"]
    assert [r["id"] for r in waiting] == [pk]
    assert client_for(personas.outsider).get(f"/api/v1/change-requests/{pk}/").status_code == 404
    decided = client_for(personas.registrar).post(f"/api/v1/change-requests/{pk}/decision/", {"approve": True},
                                           format="json")
    assert decided.status_code == 200 and decided.json()["status"] == "approved"
    assert client_for(personas.registrar).get("/api/v1/change-requests/", {"to_decide": "1"}).json()["results"] == []


def test_registrar_decides_on_the_page_with_htmx(client, personas, territory, in_english):
    incident = _registered(personas.inspector, territory.mahalla_a1a)
    request = change_request_create(by=personas.inspector, incident=incident, kind="reopen", reason="doubt")
    client.force_login(personas.registrar)
    listing = client.get(reverse("incidents:change_requests"))
    assert listing.status_code == 200 and f"#{incident.pk}" in listing.content.decode()
    page = client.get(reverse("incidents:change_request", args=[request.pk]))
    assert page.status_code == 200 and "Approve" in page.content.decode()
    refused = client.post(reverse("incidents:change_request_decide", args=[request.pk]),
                          {"decision": "reject", "comment": ""}, HTTP_HX_REQUEST="true")
    assert refused.status_code == 400 and "Say why the request is rejected" in refused.content.decode()
    done = client.post(reverse("incidents:change_request_decide", args=[request.pk]),
                       {"decision": "approve", "comment": ""}, HTTP_HX_REQUEST="true")
    assert done.status_code == 200 and 'id="decision"' in done.content.decode()
    assert "Approve" not in done.content.decode().split("Decision", 1)[1].split("</section>")[0].replace(
        "approved", "")
    incident.refresh_from_db()
    assert incident.status == S.UNDER_VERIFICATION


def test_inspector_files_a_deregistration_from_the_incident_page(client, personas, territory, in_english):
    incident = _registered(personas.inspector, territory.mahalla_a1a)
    client.force_login(personas.inspector)
    page = client.get(reverse("incidents:detail", args=[incident.pk]))
    assert "Request de-registration" in page.content.decode()
    missing = client.post(reverse("incidents:change_request_create", args=[incident.pk]),
                          {"kind": "deregister", "reason_code": "", "reason": "no crime"})
    assert missing.status_code == 400 and "Choose why the crime leaves the count" in missing.content.decode()
    done = client.post(reverse("incidents:change_request_create", args=[incident.pk]),
                       {"kind": "deregister", "reason_code": "unfounded", "reason": "no crime"})
    assert done.status_code == 302
    page = client.get(reverse("incidents:detail", args=[incident.pk]))
    assert "waits for approval" in page.content.decode()


# --- migration of existing data -----------------------------------------------------------------------------

def test_migration_counts_every_crime_ever_registered_and_deregisters_the_later_unfounded(personas, territory):
    migration = importlib.import_module("incidents.migrations.0005_counted_from_history")
    closed = _registered(personas.district_official, territory.mahalla_a1a)
    unfounded = _registered(personas.district_official, territory.mahalla_a1a)
    never = incident_create(by=personas.district_official, mahalla=territory.mahalla_a1a,
                            category=category("theft"), occurred_at=H1_2025)
    # the old world: closed without an outcome, and a registered crime reopened and found unfounded
    Incident.objects.filter(pk=closed.pk).update(status=S.CLOSED, registered_at=None)
    at = timezone.now() + datetime.timedelta(minutes=5)
    IncidentTransition.objects.create(incident=unfounded, from_status=S.REGISTERED, to_status=S.UNFOUNDED,
                                      by=personas.district_official, reason="no crime")
    IncidentTransition.objects.filter(incident=unfounded, to_status=S.UNFOUNDED).update(at=at)
    Incident.objects.filter(pk=unfounded.pk).update(status=S.UNFOUNDED, registered_at=None)
    Incident.objects.filter(pk=never.pk).update(status=S.UNFOUNDED)
    with connection.cursor() as cursor:
        cursor.execute(migration.FORWARD)
    counted = set(Incident.objects.counted().values_list("pk", flat=True))
    assert counted == {closed.pk}
    request = IncidentChangeRequest.objects.get(incident=unfounded)
    assert (request.kind, request.reason_code, request.status, request.decided_at) == (
        "deregister", "unfounded", "approved", at)
    assert Incident.objects.get(pk=unfounded.pk).status == S.DEREGISTERED
    assert Incident.objects.get(pk=never.pk).status == S.UNFOUNDED


# --- intake deadline ----------------------------------------------------------------------------------------

def test_reports_undecided_past_the_deadline_are_flagged_overdue(client, personas, territory, settings, in_english):
    settings.INCIDENT_DECISION_DAYS = 3
    old = incident_create(by=personas.inspector, mahalla=territory.mahalla_a1a, category=category("theft"),
                          occurred_at=timezone.now() - datetime.timedelta(days=5),
                          reported_at=timezone.now() - datetime.timedelta(days=4))
    fresh_report = incident_create(by=personas.inspector, mahalla=territory.mahalla_a1a, category=category("theft"),
                                   occurred_at=timezone.now() - datetime.timedelta(days=1))
    decided = _registered(personas.inspector, territory.mahalla_a1a, at=timezone.now() - datetime.timedelta(days=9))
    assert set(Incident.objects.decision_overdue().values_list("pk", flat=True)) == {old.pk}
    assert {fresh_report.pk, decided.pk}.isdisjoint(Incident.objects.decision_overdue().values_list("pk", flat=True))
    client.force_login(personas.district_official)
    listing = client.get(reverse("incidents:list"), {"decision_overdue": "true"})
    assert listing.status_code == 200
    body = listing.content.decode()
    assert f"/incidents/{old.pk}/" in body and f"/incidents/{fresh_report.pk}/" not in body
    assert "decision overdue" in body
    district_page = client.get(reverse("territories:district", args=[territory.district_a1.pk]))
    assert "1 report waits for a decision longer than allowed" in district_page.content.decode()


# --- before and after in the change store ------------------------------------------------------------------

def test_an_approved_move_of_occurred_at_is_one_search_away_with_before_and_after(client, personas, territory,
                                                                                   in_english):
    from audit.models import FieldChange

    incident = _registered(personas.inspector, territory.mahalla_a1a)
    result = incident_edit(by=personas.inspector, incident=incident, reason="wrong date given",
                           occurred_at=datetime.datetime(2025, 7, 2, 5, 0, tzinfo=datetime.UTC))
    change_request_decide(by=personas.registrar, request=result.change_request, approve=True)
    row = FieldChange.objects.get(object_type="incidents.incident", object_id=str(incident.pk), field="occurred_at")
    assert (row.old_value, row.new_value) == ("2025-03-10T14:00:00+00:00", "2025-07-02T05:00:00+00:00")
    assert row.event.actor_id == personas.registrar.pk and row.mahalla_id == territory.mahalla_a1a.pk
    # status changes carry their before and after too
    status_rows = FieldChange.objects.filter(object_id=str(incident.pk), field="status")
    assert ("under_verification", "registered") in {(r.old_value, r.new_value) for r in status_rows}
    client.force_login(personas.national)
    page = client.get("/audit/", {"object_type": "incidents.incident", "field": "occurred_at",
                                  "mahalla": territory.mahalla_a1a.pk})
    body = page.content.decode()
    assert page.status_code == 200 and "2025-03-10" in body and "2025-07-02" in body


def test_support_case_edits_store_before_and_after_with_personal_text_hashed(personas, territory):
    from audit.models import FieldChange
    from incidents.services import support_case_open, support_case_update

    case = support_case_open(by=personas.social_worker, mahalla=territory.mahalla_a1a, subject_name="Household A",
                             category="conflict_family",
                             next_review_on=timezone.localdate() + datetime.timedelta(days=5))
    support_case_update(by=personas.social_worker, case=case, subject_name="Household B",
                        next_review_on=timezone.localdate() + datetime.timedelta(days=9))
    rows = {r.field: r for r in FieldChange.objects.filter(object_type="incidents.supportcase",
                                                           object_id=str(case.pk))}
    assert rows["next_review_on"].new_value == (timezone.localdate() + datetime.timedelta(days=9)).isoformat()
    assert rows["subject_name"].personal and rows["subject_name"].new_value is None
    assert rows["subject_name"].old_hash and rows["subject_name"].old_hash != rows["subject_name"].new_hash
