"""One row per kind of event that can be triggered here, with who, where from and which territory."""

import pytest
from django.contrib.auth import authenticate
from django.test import Client, RequestFactory

from audit.models import AuditEvent
from audit.services import audit_read, audit_record
from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db

Action = AuditEvent.Action


def only(action):
    events = list(AuditEvent.objects.filter(action=action))
    assert len(events) == 1, events
    return events[0]


def test_login_ok_is_recorded(client, personas):
    # when
    assert client.login(username="district", password=PASSWORD)
    # then
    event = only(Action.LOGIN_OK)
    assert event.actor == personas.district_official
    assert (event.actor_username, event.actor_role, event.outcome) == ("district", "district", "success")


def test_login_failed_keeps_the_username_and_never_the_password(personas):
    request = RequestFactory().post("/accounts/login/", REMOTE_ADDR="198.51.100.4", HTTP_USER_AGENT="Firefox")

    assert authenticate(request, username="district", password="wrong-secret") is None

    event = only(Action.LOGIN_FAILED)
    assert event.actor == personas.district_official
    assert event.actor_username == "district"
    assert event.outcome == "failed"
    assert event.details == {"username": "district"}
    assert (event.ip, event.user_agent) == ("198.51.100.4", "Firefox")
    assert "wrong-secret" not in str(AuditEvent.objects.values_list())


def test_login_failed_for_unknown_username_has_no_actor(personas):
    assert authenticate(username="ghost", password="whatever") is None

    event = only(Action.LOGIN_FAILED)
    assert event.actor is None
    assert event.actor_username == "ghost"


def test_failed_login_while_signed_in_as_someone_else_is_not_blamed_on_the_session_user(personas):
    request = RequestFactory().post("/accounts/login/")
    request.user = personas.national

    authenticate(request, username="ghost", password="whatever")

    assert only(Action.LOGIN_FAILED).actor is None


def test_logout_is_recorded(client, personas):
    client.force_login(personas.district_official)

    client.logout()

    assert only(Action.LOGOUT).actor == personas.district_official


@pytest.mark.urls("tests.audit.urls")
def test_permission_denied_exception_is_recorded_once(client, personas):
    client.force_login(personas.district_official)

    response = client.get("/denied/", REMOTE_ADDR="198.51.100.8")

    assert response.status_code == 403
    event = only(Action.PERMISSION_DENIED)
    assert (event.actor, event.outcome, event.ip) == (personas.district_official, "denied", "198.51.100.8")
    assert event.details == {"method": "GET", "path": "/denied/"}


@pytest.mark.urls("tests.audit.urls")
def test_403_response_is_recorded(client, personas):
    client.force_login(personas.district_official)

    assert client.get("/forbidden/").status_code == 403

    assert only(Action.PERMISSION_DENIED).details["path"] == "/forbidden/"


@pytest.mark.urls("tests.audit.urls")
def test_csrf_failure_is_recorded_for_anonymous(personas):
    response = Client(enforce_csrf_checks=True).post("/post/", {"a": "b"})

    assert response.status_code == 403
    assert only(Action.PERMISSION_DENIED).actor is None


@pytest.mark.urls("tests.audit.urls")
def test_404_is_not_recorded(client, personas):
    client.force_login(personas.district_official)

    assert client.get("/missing/").status_code == 404

    assert not AuditEvent.objects.filter(action=Action.PERMISSION_DENIED).exists()


def test_territory_comes_from_a_mahalla_district_or_region(personas, territory):
    t = territory
    by_mahalla = audit_record(action=Action.CHANGE, actor=personas.national, obj=t.mahalla_a1a)
    by_district = audit_record(action=Action.CHANGE, actor=personas.national, obj=t.district_a2)
    by_region = audit_record(action=Action.CHANGE, actor=personas.national, obj=t.region_b)

    assert (by_mahalla.region_id, by_mahalla.district_id, by_mahalla.mahalla_id) == (
        t.region_a.pk, t.district_a1.pk, t.mahalla_a1a.pk)
    assert (by_district.region_id, by_district.district_id, by_district.mahalla_id) == (
        t.region_a.pk, t.district_a2.pk, None)
    assert (by_region.region_id, by_region.district_id, by_region.mahalla_id) == (t.region_b.pk, None, None)
    assert (by_mahalla.object_type, by_mahalla.object_id, by_mahalla.object_repr) == (
        "mahallas.mahalla", str(t.mahalla_a1a.pk), "Bog'ishamol MFY")


def test_territory_comes_from_an_object_that_hangs_off_a_mahalla_or_district(personas, territory):
    assignment = personas.inspector.assignments.get()

    on_assignment = audit_record(action=Action.ASSIGNMENT_CHANGE, actor=personas.admin, obj=assignment)
    on_user = audit_record(action=Action.ROLE_CHANGE, actor=personas.admin, obj=personas.district_official)

    assert (on_assignment.region_id, on_assignment.district_id, on_assignment.mahalla_id) == (
        territory.region_a.pk, territory.district_a1.pk, territory.mahalla_a1a.pk)
    assert (on_user.region_id, on_user.district_id, on_user.mahalla_id) == (
        territory.region_a.pk, territory.district_a1.pk, None)


def test_explicit_territory_and_object_description(personas, territory):
    event = audit_record(action=Action.EXPORT, actor=personas.national, object_type="incidents.incident",
                         object_id=None, territory=territory.district_b1, details={"filters": {"year": 2026}})

    assert (event.object_type, event.object_id) == ("incidents.incident", "")
    assert (event.region_id, event.district_id) == (territory.region_b.pk, territory.district_b1.pk)


def test_secrets_never_reach_details(personas):
    event = audit_record(action=Action.PASSWORD_CHANGE, actor=personas.national,
                         details={"password": "x", "new_password1": "y", "fields": ["password"],
                                  "nested": {"otp_token": "123456", "ok": 1}})

    assert event.details == {"fields": ["password"], "nested": {"ok": 1}}


def test_oversized_details_are_cut_to_their_keys(personas):
    event = audit_record(action=Action.EXPORT, actor=personas.national, details={"ids": list(range(5000))})

    assert event.details == {"truncated": True, "keys": ["ids"]}


def test_audit_read_records_a_view_by_the_request_user(personas, territory):
    request = RequestFactory().get("/mahallas/1/", REMOTE_ADDR="198.51.100.1")
    request.user = personas.inspector

    event = audit_read(request, territory.mahalla_a1a)

    assert (event.action, event.actor, event.actor_role, event.ip) == (
        "view", personas.inspector, "inspector", "198.51.100.1")
    assert event.mahalla_id == territory.mahalla_a1a.pk


def test_anonymous_request_records_no_actor(territory):
    from django.contrib.auth.models import AnonymousUser

    request = RequestFactory().get("/")
    request.user = AnonymousUser()

    event = audit_record(action=Action.VIEW, request=request, obj=territory.region_a)

    assert (event.actor, event.actor_username, event.actor_role) == (None, "", "")


@pytest.mark.urls("tests.audit.urls")
def test_service_write_during_a_request_records_that_requests_address_and_browser(client, personas):
    client.force_login(personas.district_official)

    client.get("/service-write/", REMOTE_ADDR="198.51.100.9", HTTP_USER_AGENT="Chromium")

    event = only(Action.CHANGE)
    assert (event.actor, event.ip, event.user_agent) == (personas.district_official, "198.51.100.9", "Chromium")


def test_service_write_outside_any_request_has_no_address(personas):
    # a Celery task or a management command: the previous request's address must not leak into it
    audit_record(action=Action.CHANGE, actor=personas.national, object_type="tests.thing", object_id=2)

    event = only(Action.CHANGE)
    assert (event.actor, event.ip, event.user_agent) == (personas.national, None, "")
