"""The audit page and its CSV export: who may see them, what the filters find, that exports are audited."""

import csv
import io

import pytest
from django.urls import reverse

from audit.models import AuditEvent
from audit.services import audit_record

pytestmark = pytest.mark.django_db

Action = AuditEvent.Action
LIST = reverse("audit:list")
EXPORT = reverse("audit:export")


def signed_in(client, user):
    client.force_login(user)
    return client


def shown_ids(response):
    return [event.pk for event in response.context["page"].events]


@pytest.mark.parametrize("persona", ["national", "admin"])
@pytest.mark.parametrize("url", [LIST, EXPORT])
def test_audit_pages_as_readers_return_200(client, personas, persona, url):
    assert signed_in(client, getattr(personas, persona)).get(url).status_code == 200


@pytest.mark.parametrize("persona",
                         ["region_officer", "district_official", "inspector", "outsider", "nobody"])
@pytest.mark.parametrize("url", [LIST, EXPORT])
def test_audit_pages_as_others_return_404_and_record_the_probe(client, personas, persona, url):
    user = getattr(personas, persona)

    response = signed_in(client, user).get(url)

    assert response.status_code == 404
    probe = AuditEvent.objects.get(action=Action.PERMISSION_DENIED)
    assert (probe.actor, probe.object_type) == (user, "audit.auditevent")
    assert not AuditEvent.objects.filter(action=Action.EXPORT).exists()


def test_inactive_national_gets_no_audit_page(client, personas):
    personas.national.is_active = False
    personas.national.save()
    from audit.querysets import can_read_audit

    assert not can_read_audit(personas.national)
    assert not AuditEvent.objects.visible_to(personas.national).exists()


@pytest.mark.parametrize("url", [LIST, EXPORT])
def test_audit_pages_as_anonymous_redirect_to_login(client, url):
    response = client.get(url)

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


@pytest.fixture
def events(personas, territory):
    t = territory
    return {
        "region_change": audit_record(action=Action.CHANGE, actor=personas.region_officer, obj=t.mahalla_a2a),
        "inspector_view": audit_record(action=Action.VIEW, actor=personas.inspector, obj=t.mahalla_a1a),
        "outsider_denied": audit_record(action=Action.PERMISSION_DENIED, actor=personas.outsider,
                                        outcome=AuditEvent.Outcome.DENIED, obj=t.mahalla_b1a),
        "admin_role_change": audit_record(action=Action.ROLE_CHANGE, actor=personas.admin,
                                          obj=personas.district_official),
    }


def search(client, personas, **params):
    client.force_login(personas.national)
    response = client.get(LIST, params)
    assert response.status_code == 200
    return response


@pytest.mark.parametrize(("params", "expected"), [
    ({"user": "inspector"}, ["inspector_view"]),
    ({"action": "role_change"}, ["admin_role_change"]),
    ({"outcome": "denied"}, ["outsider_denied"]),
    ({"object_type": "accounts.user"}, ["admin_role_change"]),
    ({"object_type": "mahallas.mahalla"}, ["outsider_denied", "inspector_view", "region_change"]),
])
def test_search_filters(client, personas, events, params, expected):
    response = search(client, personas, **params)

    assert shown_ids(response) == [events[name].pk for name in expected]


def test_search_by_object_type_and_id(client, personas, territory, events):
    response = search(client, personas, object_type="mahallas.mahalla", object_id=territory.mahalla_a1a.pk)

    assert shown_ids(response) == [events["inspector_view"].pk]


def test_search_by_territory(client, personas, territory, events):
    t = territory
    by_region = search(client, personas, region=t.region_a.pk)
    by_district = search(client, personas, district=t.district_a1.pk)
    by_mahalla = search(client, personas, mahalla=t.mahalla_b1a.pk)

    assert shown_ids(by_region) == [events[n].pk
                                    for n in ("admin_role_change", "inspector_view", "region_change")]
    assert shown_ids(by_district) == [events[n].pk for n in ("admin_role_change", "inspector_view")]
    assert shown_ids(by_mahalla) == [events["outsider_denied"].pk]


def test_search_by_time(client, personas, events):
    middle = events["inspector_view"].occurred_at
    fmt = "%Y-%m-%d %H:%M:%S.%f%z"

    after = search(client, personas, action="", occurred_from=middle.strftime(fmt), user="inspector")
    before = search(client, personas, occurred_to=events["region_change"].occurred_at.strftime(fmt))

    assert shown_ids(after) == [events["inspector_view"].pk]
    assert shown_ids(before) == [events["region_change"].pk]


def test_search_end_before_start_shows_an_error(client, personas):
    response = search(client, personas, occurred_from="2026-05-02T10:00", occurred_to="2026-05-01T10:00")

    assert response.context["page"] is None
    assert response.context["form"].errors["occurred_to"]


def test_searching_the_trail_is_itself_recorded(client, personas, events):
    search(client, personas, user="inspector")

    viewed = AuditEvent.objects.filter(action=Action.VIEW, object_type="audit.auditevent").get()
    assert viewed.actor == personas.national
    assert viewed.details == {"filters": {"user": "inspector"}, "page": 1}


def test_htmx_request_gets_the_rows_fragment_only(client, personas, events):
    client.force_login(personas.national)

    response = client.get(LIST, {"user": "inspector"}, HTTP_HX_REQUEST="true")

    assert [t.name for t in response.templates][0] == "audit/_rows.html"
    assert b"<html" not in response.content
    assert b"inspector" in response.content


def test_list_pages_without_counting_and_with_bounded_queries(client, personas, territory,
                                                              django_assert_max_num_queries):
    for _ in range(60):
        audit_record(action=Action.VIEW, actor=personas.inspector, obj=territory.mahalla_a1a)
    client.force_login(personas.national)

    # 15: the page's field changes come in one query, whatever the number of events.
    with django_assert_max_num_queries(15):
        first = client.get(LIST, {"user": "inspector"})
    second = client.get(LIST, {"user": "inspector", "page": 2})

    assert len(first.context["page"].events) == 50 and first.context["page"].has_next
    assert len(second.context["page"].events) == 10 and not second.context["page"].has_next
    assert "Bog&#x27;ishamol MFY" in first.content.decode()


def test_export_streams_matching_rows_as_csv_and_is_audited(client, personas, territory, events):
    client.force_login(personas.admin)

    response = client.get(EXPORT, {"region": territory.region_a.pk, "action": "view"})

    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert response["Content-Disposition"].startswith('attachment; filename="audit-')
    rows = list(csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig"))))
    assert [(r["username"], r["action"], r["mahalla_id"]) for r in rows] == [
        ("inspector", "view", str(territory.mahalla_a1a.pk))]
    assert rows[0]["occurred_at_utc"] == events["inspector_view"].occurred_at_utc
    export = AuditEvent.objects.get(action=Action.EXPORT)
    assert export.actor == personas.admin
    assert export.details == {"filters": {"action": "view", "region_id": territory.region_a.pk},
                              "format": "csv"}


def test_export_defuses_spreadsheet_formulas(client, personas):
    from django.contrib.auth import authenticate

    authenticate(username="=HYPERLINK(\"http://evil\")", password="x")
    client.force_login(personas.national)

    response = client.get(EXPORT, {"action": "login_failed"})

    rows = list(csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig"))))
    assert rows[0]["username"] == "'=HYPERLINK(\"http://evil\")"


def test_export_with_invalid_filters_is_refused_and_not_audited(client, personas):
    client.force_login(personas.national)

    response = client.get(EXPORT, {"mahalla": "abc"})

    assert response.status_code == 400
    assert not AuditEvent.objects.filter(action=Action.EXPORT).exists()


def test_admin_site_is_read_only(client, personas, events):
    client.force_login(personas.admin)
    event = events["inspector_view"]

    assert client.get(reverse("admin:audit_auditevent_changelist")).status_code == 200
    assert client.get(reverse("admin:audit_auditevent_change", args=[event.pk])).status_code == 200
    assert client.get(reverse("admin:audit_auditevent_add")).status_code == 403
    assert client.get(reverse("admin:audit_auditevent_delete", args=[event.pk])).status_code == 403


# --- field changes on the audit page ------------------------------------------------------------------------

@pytest.fixture
def moved_incidents(personas, territory):
    """Two incidents whose occurred_at was moved, in two mahallas, and one whose status changed."""
    import datetime

    from audit.changes import diff, snapshot
    from tests.incidents.factories import IncidentFactory, ensure_incident_categories

    ensure_incident_categories()

    def move(mahalla, field, value):
        incident = IncidentFactory(mahalla=mahalla, created_by=personas.inspector,
                                   occurred_at=datetime.datetime(2026, 3, 1, 10, 30, tzinfo=datetime.UTC),
                                   reported_at=datetime.datetime(2026, 3, 2, tzinfo=datetime.UTC))
        before = snapshot(incident, [field])
        setattr(incident, field, value)
        incident.save()
        return audit_record(action=Action.CHANGE, actor=personas.district_official, obj=incident,
                            changes=diff(before, snapshot(incident, [field])))

    earlier = datetime.datetime(2026, 2, 27, 9, 0, tzinfo=datetime.UTC)
    return {
        "a1a": move(territory.mahalla_a1a, "occurred_at", earlier),
        "a1b": move(territory.mahalla_a1b, "occurred_at", earlier),
        "status": move(territory.mahalla_a1a, "status", "under_verification"),
    }


@pytest.mark.parametrize("persona", ["national", "admin"])
def test_changed_occurred_at_shows_old_and_new_value_to_auditors(client, personas, moved_incidents, persona):
    client.force_login(getattr(personas, persona))

    response = client.get(LIST, {"object_type": "incidents.incident"})

    html = response.content.decode()
    assert "<del>2026-03-01 10:30:00 UTC</del> &rarr; <ins>2026-02-27 09:00:00 UTC</ins>" in html
    event = next(e for e in response.context["page"].events if e.pk == moved_incidents["a1a"].pk)
    assert [(c.field, c.old_value, c.new_value) for c in event.field_changes] == [
        ("occurred_at", "2026-03-01T10:30:00+00:00", "2026-02-27T09:00:00+00:00")]


def test_changes_on_the_audit_page_as_district_official_return_404(client, personas, moved_incidents):
    client.force_login(personas.district_official)

    response = client.get(LIST, {"object_type": "incidents.incident", "field": "occurred_at"})

    assert response.status_code == 404
    assert b"2026-02-27" not in response.content


def test_search_by_object_type_field_and_mahalla_finds_who_moved_occurred_at(client, personas, territory,
                                                                           moved_incidents):
    response = search(client, personas, object_type="incidents.incident", field="occurred_at",
                      mahalla=territory.mahalla_a1a.pk)
    by_field_only = search(client, personas, field="occurred_at")

    assert shown_ids(response) == [moved_incidents["a1a"].pk]
    assert shown_ids(by_field_only) == [moved_incidents["a1b"].pk, moved_incidents["a1a"].pk]
    assert response.context["page"].events[0].actor_username == "district"


def test_search_by_a_field_that_is_not_a_name_shows_an_error(client, personas):
    response = search(client, personas, field="occurred_at; drop")

    assert response.context["page"] is None
    assert response.context["form"].errors["field"]


def test_export_includes_the_field_changes(client, personas, moved_incidents):
    import json

    client.force_login(personas.national)

    response = client.get(EXPORT, {"field": "status"})

    rows = list(csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig"))))
    assert [json.loads(r["changes"]) for r in rows] == [{"status": ["reported", "under_verification"]}]
