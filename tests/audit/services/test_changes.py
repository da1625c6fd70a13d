"""The change store: before and after of each changed field, append-only, personal values never in clear."""

import datetime
import decimal

import pytest
from django.contrib.gis.geos import Point
from django.db import DatabaseError, connection, transaction

from audit.changes import diff, json_value, snapshot, value_hash
from audit.models import AuditEvent, FieldChange
from audit.selectors import object_history
from audit.services import audit_record
from incidents.models import Incident, SupportCase
from tests.incidents.factories import IncidentFactory, SupportCaseFactory, ensure_incident_categories

pytestmark = pytest.mark.django_db

Action = AuditEvent.Action
REFUSED = "append-only"


@pytest.fixture
def incident(personas, territory):
    ensure_incident_categories()
    return IncidentFactory(mahalla=territory.mahalla_a1a, created_by=personas.inspector,
                           occurred_at=datetime.datetime(2026, 3, 1, 10, 30, tzinfo=datetime.UTC),
                           reported_at=datetime.datetime(2026, 3, 1, 12, 0, tzinfo=datetime.UTC),
                           financial_loss=decimal.Decimal("1500000.50"), location=Point(63.65, 41.0),
                           description="Neighbour Karimov's car window broken")


def change_occurred_at(incident, by, new):
    """What incident_update does with the diff helper (the lead wires incidents/services.py itself)."""
    before = snapshot(incident, ["occurred_at", "description"])
    incident.occurred_at = new
    incident.save(update_fields=["occurred_at"])
    return audit_record(action=Action.CHANGE, actor=by, obj=incident,
                        changes=diff(before, snapshot(incident, ["occurred_at", "description"])))


# --- the diff helper ------------------------------------------------------------------------------------

def test_snapshot_turns_every_kind_of_value_into_json(incident, territory):
    values = snapshot(incident, ["mahalla", "category", "occurred_at", "financial_loss", "location",
                                 "status", "minor_involved", "description"])

    assert values == {
        "mahalla": territory.mahalla_a1a.pk, "category": incident.category_id,
        "occurred_at": "2026-03-01T10:30:00+00:00", "financial_loss": "1500000.50", "location": [63.65, 41.0],
        "status": "reported", "minor_involved": False, "description": "Neighbour Karimov's car window broken",
    }
    assert type(values["status"]) is str


def test_json_value_of_dates_times_in_other_zones_lists_and_geometries():
    tashkent = datetime.timezone(datetime.timedelta(hours=5))

    assert json_value(datetime.datetime(2026, 3, 1, 15, 30, tzinfo=tashkent)) == "2026-03-01T10:30:00+00:00"
    assert json_value(datetime.date(2026, 3, 1)) == "2026-03-01"
    assert json_value(decimal.Decimal("0.10")) == "0.10"
    assert json_value((1, decimal.Decimal("2.5"))) == [1, "2.5"]
    assert json_value(Point(1, 2).buffer(1)).startswith("POLYGON")
    assert len(json_value(Point(1, 2).buffer(1, quadsegs=500))) == 2001
    assert json_value("x" * 5000).endswith("…") and len(json_value("x" * 5000)) == 2001


def test_snapshot_of_many_to_many_is_the_sorted_ids(personas):
    from django.contrib.auth.models import Group

    groups = [Group.objects.create(name=name) for name in ("b", "a")]
    personas.national.groups.set(groups)

    assert snapshot(personas.national, ["groups"]) == {"groups": sorted(g.pk for g in groups)}


def test_diff_keeps_only_what_differs_and_treats_a_missing_side_as_none():
    assert diff({"a": 1, "b": "x", "c": None}, {"a": 2, "b": "x", "c": None}) == {"a": (1, 2)}
    assert diff({}, {"a": 1}) == {"a": (None, 1)}
    assert diff({"a": 1}, {}) == {"a": (1, None)}


# --- writing -------------------------------------------------------------------------------------------

def test_event_and_its_field_changes_are_written_together(incident, personas, territory):
    event = change_occurred_at(incident, personas.district_official,
                               datetime.datetime(2026, 2, 27, 9, 0, tzinfo=datetime.UTC))

    change = FieldChange.objects.get(event=event)
    assert (change.field, change.old_value, change.new_value, change.personal) == (
        "occurred_at", "2026-03-01T10:30:00+00:00", "2026-02-27T09:00:00+00:00", False)
    assert (change.object_type, change.object_id) == ("incidents.incident", str(incident.pk))
    assert (change.region_id, change.district_id, change.mahalla_id) == (
        territory.region_a.pk, territory.district_a1.pk, territory.mahalla_a1a.pk)
    assert change.occurred_at == event.occurred_at
    # compatibility: the names are still in the event's details
    assert event.details == {"fields": ["occurred_at"]}


def test_no_changes_write_no_rows(personas, incident):
    audit_record(action=Action.CHANGE, actor=personas.national, obj=incident, changes={})

    assert not FieldChange.objects.exists()


# serialized_rollback: the flush after a transactional test would otherwise drop migration-seeded rows.
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_failing_change_row_takes_its_event_with_it(personas):
    # Outside any transaction of the caller's: the event alone must not be committed.
    with pytest.raises(TypeError):
        audit_record(action=Action.CHANGE, actor=personas.national, obj=personas.inspector,
                     changes={"role": (object(), 1)})

    assert not AuditEvent.objects.filter(action=Action.CHANGE).exists()


def test_personal_values_are_never_stored_in_clear(personas, territory):
    case = SupportCaseFactory(mahalla=territory.mahalla_a1a, social_worker=personas.social_worker,
                              subject_name="Aziza Rahimova", needs="Debt of 3 million to a neighbour")
    before = snapshot(case, ["subject_name", "needs", "status"])
    case.subject_name, case.needs, case.status = "Aziza R. Karimova", "Paid back", SupportCase.Status.CLOSED

    audit_record(action=Action.CHANGE, actor=personas.social_worker, obj=case,
                 changes=diff(before, snapshot(case, ["subject_name", "needs", "status"])),
                 details={"subject_name": "Aziza R. Karimova", "why": "moved"})

    with connection.cursor() as cursor:
        cursor.execute("SELECT f.*::text FROM audit_fieldchange f")
        stored = " ".join(row[0] for row in cursor.fetchall())
        cursor.execute("SELECT e.*::text FROM audit_auditevent e")
        stored += " ".join(row[0] for row in cursor.fetchall())
    for secret in ("Aziza", "Rahimova", "Karimova", "Debt", "Paid back"):
        assert secret not in stored
    name = FieldChange.objects.get(field="subject_name")
    assert (name.personal, name.old_value, name.new_value) == (True, None, None)
    assert name.old_hash == value_hash("Aziza Rahimova") != name.new_hash == value_hash("Aziza R. Karimova")
    assert len(name.old_hash) == 64
    status = FieldChange.objects.get(field="status")
    assert (status.personal, status.old_value, status.new_value) == (False, "open", "closed")


def test_personal_fields_named_by_the_caller_and_secrets_get_no_value_and_no_hash(personas):
    audit_record(action=Action.CHANGE, actor=personas.admin, obj=personas.inspector, personal={"nickname"},
                 changes={"nickname": ("Bob", "Rob"), "password": ("md5$a", "md5$b"), "role": ("a", "b")})

    rows = {c.field: c for c in FieldChange.objects.all()}
    assert rows["nickname"].personal and rows["nickname"].old_hash == value_hash("Bob")
    assert rows["password"].personal and (rows["password"].old_hash, rows["password"].new_hash) == ("", "")
    assert not rows["role"].personal and rows["role"].new_value == "b"


def test_hash_key_comes_from_the_secret_key(settings):
    first = value_hash("Aziza")
    settings.SECRET_KEY = "another-key-of-at-least-fifty-characters-for-this-test-only-xx"

    assert value_hash("Aziza") != first


# --- append-only ----------------------------------------------------------------------------------------

@pytest.fixture
def change(incident, personas):
    event = change_occurred_at(incident, personas.national, datetime.datetime(2026, 2, 1, tzinfo=datetime.UTC))
    return event.changes.get()


def test_orm_update_and_delete_of_a_change_are_refused(change):
    with pytest.raises(DatabaseError, match=REFUSED), transaction.atomic():
        FieldChange.objects.filter(pk=change.pk).update(new_value="2020-01-01")
    with pytest.raises(DatabaseError, match=REFUSED), transaction.atomic():
        change.delete()

    change.refresh_from_db()
    assert change.new_value == "2026-02-01T00:00:00+00:00"


@pytest.mark.parametrize("sql", [
    "UPDATE audit_fieldchange SET old_value = '\"2020-01-01\"'",
    "UPDATE audit_fieldchange SET occurred_at = now() - interval '2 years'",
    "DELETE FROM audit_fieldchange",
    "TRUNCATE audit_fieldchange",
])
def test_raw_sql_changes_of_the_change_store_are_refused(change, sql):
    with pytest.raises(DatabaseError, match=REFUSED), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        cursor.execute("SET LOCAL audit.allow_truncate = 'off'")
        cursor.execute(sql)

    assert FieldChange.objects.filter(pk=change.pk, old_value="2026-03-01T10:30:00+00:00").exists()


def test_event_with_changes_cannot_be_deleted_even_if_the_trigger_were_off(change):
    # The foreign key protects the link too: no change row is ever left without its event.
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        cursor.execute("ALTER TABLE audit_auditevent DISABLE TRIGGER audit_event_append_only")
        cursor.execute("DELETE FROM audit_auditevent WHERE id = %s", [change.event_id])


def test_insert_cannot_backdate_a_change(change):
    row = FieldChange.objects.create(event=change.event, field="status", old_value="a", new_value="b",
                                     occurred_at=datetime.datetime(2020, 1, 1, tzinfo=datetime.UTC))

    row.refresh_from_db()
    assert row.occurred_at == change.event.occurred_at


# --- reading --------------------------------------------------------------------------------------------

@pytest.mark.parametrize("persona", ["region_officer", "district_official", "inspector", "outsider", "nobody"])
def test_change_store_shows_nothing_to_non_auditors(change, personas, persona):
    assert not FieldChange.objects.visible_to(getattr(personas, persona)).exists()


@pytest.mark.parametrize("persona", ["national", "admin"])
def test_change_store_shows_everything_to_auditors(change, personas, persona):
    assert list(FieldChange.objects.visible_to(getattr(personas, persona))) == [change]


def test_for_object_by_instance_or_by_type_and_id(change, incident, personas):
    other = IncidentFactory(mahalla=incident.mahalla, created_by=personas.inspector)
    change_occurred_at(other, personas.national, datetime.datetime(2026, 1, 1, tzinfo=datetime.UTC))

    assert list(FieldChange.objects.for_object(incident)) == [change]
    assert list(FieldChange.objects.for_object(object_type="incidents.incident", object_id=incident.pk)) == [
        change]
    with pytest.raises(ValueError):
        FieldChange.objects.for_object(object_type="incidents.incident")


def test_object_history_gives_labels_usernames_and_hides_personal_values(incident, personas, in_english):
    before = snapshot(incident, ["occurred_at", "description", "status"])
    incident.occurred_at = datetime.datetime(2026, 2, 1, tzinfo=datetime.UTC)
    incident.description = "Another neighbour"
    incident.status = Incident.Status.UNDER_VERIFICATION
    audit_record(action=Action.CHANGE, actor=personas.district_official, obj=incident,
                 changes=diff(before, snapshot(incident, before)))

    rows = {row.field: row for row in object_history(incident)}

    assert set(rows) == {"occurred_at", "description", "status"}
    assert (rows["occurred_at"].label, rows["occurred_at"].old, rows["occurred_at"].new) == (
        "occurred at", "2026-03-01 10:30:00 UTC", "2026-02-01 00:00:00 UTC")
    assert (rows["status"].old, rows["status"].new) == ("reported", "under verification")
    assert rows["description"].personal and (rows["description"].old, rows["description"].new) == ("", "")
    assert {row.who for row in rows.values()} == {"district"}


# --- the object pages -----------------------------------------------------------------------------------

def test_incident_page_shows_its_field_history(client, change, incident, personas):
    from django.urls import reverse

    client.force_login(personas.district_official)

    response = client.get(reverse("incidents:detail", args=[incident.pk]))

    assert response.status_code == 200
    assert [t.name for t in response.templates].count("audit/_history.html") == 1
    assert [(row.field, row.who) for row in response.context["history"]] == [("occurred_at", "national")]
    assert "2026-02-01 00:00:00 UTC" in response.content.decode()


def test_incident_page_history_says_changed_for_personal_fields(client, incident, personas, in_english):
    from django.urls import reverse

    before = snapshot(incident, ["description"])
    incident.description = "Secret neighbour story"
    audit_record(action=Action.CHANGE, actor=personas.inspector, obj=incident,
                 changes=diff(before, snapshot(incident, ["description"])))
    client.force_login(personas.inspector)

    html = client.get(reverse("incidents:detail", args=[incident.pk])).content.decode()

    history = html[html.index('id="changes-heading"'):]
    assert "changed" in history and "Karimov" not in history and "Secret neighbour" not in history


def test_roadmap_page_shows_the_roadmap_and_its_measures_history(client, personas, territory):
    from django.urls import reverse

    from roadmaps import services

    roadmap = services.roadmap_create(by=personas.district_official, territory=territory.mahalla_a1a, year=2026)
    item = services.item_create(by=personas.district_official, roadmap=roadmap, focus_area="outreach",
                                title="Darslar", deadline=datetime.date(2026, 6, 30))
    services.item_update(by=personas.district_official, item=item, progress=40)
    client.force_login(personas.district_official)

    response = client.get(reverse("roadmaps:detail", args=[roadmap.pk]))

    rows = response.context["history"]
    assert ("progress", "0", "40") in [(r.field, r.old, r.new) for r in rows]
    assert {r.object_type for r in rows} == {"roadmaps.roadmap", "roadmaps.roadmapitem"}
