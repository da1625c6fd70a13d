"""Each app's writes store the old and new value of every field they change (audit.changes)."""

import datetime

import pytest
from django.contrib.auth import authenticate
from django.core.management import call_command
from django.urls import reverse

from accounts.models import Role
from audit.changes import value_hash
from audit.models import AuditEvent, FieldChange
from incidents import assignments
from roadmaps import services as roadmaps
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

Action = AuditEvent.Action
YEAR = 2026


def changes_of(obj) -> dict:
    """{field: (old, new)} of every change stored for obj, oldest first (later values win)."""
    return {c.field: (c.old_value, c.new_value) for c in FieldChange.objects.for_object(obj).order_by("id")}


# --- assignments ----------------------------------------------------------------------------------------

def test_assignment_create_and_end_store_old_and_new_values(personas, territory):
    worker = UserFactory(username="inspector-2", role=Role.INSPECTOR, district=territory.district_a1)

    assignment = assignments.assignment_create(by=personas.district_official, user=worker,
                                               mahalla=territory.mahalla_a1b, role=Role.INSPECTOR,
                                               starts_on=datetime.date(2026, 1, 5))
    created = changes_of(assignment)
    assignments.assignment_end(by=personas.district_official, assignment=assignment,
                               ends_on=datetime.date(2026, 4, 30))

    assert created["user"] == (None, worker.pk)
    assert created["mahalla"] == (None, territory.mahalla_a1b.pk)
    assert created["starts_on"] == (None, "2026-01-05")
    ended = FieldChange.objects.for_object(assignment).get(event__details__op="end")
    assert (ended.field, ended.old_value, ended.new_value) == ("ends_on", None, "2026-04-30")
    assert ended.event.action == Action.ASSIGNMENT_CHANGE and ended.mahalla_id == territory.mahalla_a1b.pk


# --- roadmaps -------------------------------------------------------------------------------------------

@pytest.fixture
def roadmap(personas, territory):
    return roadmaps.roadmap_create(by=personas.district_official, territory=territory.mahalla_a1a, year=YEAR)


def test_roadmap_create_and_update_store_old_and_new_values(roadmap, personas, territory):
    roadmaps.roadmap_update(by=personas.district_official, roadmap=roadmap, title="Xavfsiz mahalla",
                            senior_official_name="Hokim o'rinbosari", review_frequency="monthly")

    update = FieldChange.objects.for_object(roadmap).filter(event__action=Action.CHANGE)
    assert {c.field: (c.old_value, c.new_value) for c in update} == {
        "title": ("", "Xavfsiz mahalla"), "senior_official_name": ("", "Hokim o'rinbosari"),
        "review_frequency": ("", "monthly")}
    created = FieldChange.objects.for_object(roadmap).filter(event__action=Action.CREATE)
    assert {c.field: c.new_value for c in created}["year"] == YEAR
    assert update.first().mahalla_id == territory.mahalla_a1a.pk


def test_roadmap_workflow_stores_status_and_who_submitted(roadmap, personas, second_official):
    roadmaps.item_create(by=personas.district_official, roadmap=roadmap, focus_area="outreach",
                         title="Darslar", deadline=datetime.date(YEAR, 6, 30))

    roadmaps.roadmap_submit(by=personas.district_official, roadmap=roadmap)
    roadmaps.roadmap_approve(by=second_official, roadmap=roadmap)

    approved = FieldChange.objects.for_object(roadmap).filter(event__details__transition="approved")
    assert {c.field: (c.old_value, c.new_value) for c in approved}["status"] == ("submitted", "approved")
    assert {c.field: c.new_value for c in approved}["approved_by"] == second_official.pk
    submitted = FieldChange.objects.for_object(roadmap).get(event__details__transition="submitted",
                                                             field="submitted_by")
    assert (submitted.old_value, submitted.new_value) == (None, personas.district_official.pk)


@pytest.fixture
def second_official(territory):
    return UserFactory(username="district-2", role=Role.DISTRICT, district=territory.district_a1)


def test_roadmap_item_and_kpi_writes_store_old_and_new_values(roadmap, personas, territory):
    item = roadmaps.item_create(by=personas.district_official, roadmap=roadmap, focus_area="outreach",
                                title="Darslar", deadline=datetime.date(YEAR, 6, 30))
    roadmaps.item_update(by=personas.district_official, item=item, progress=40, deadline="2026-07-15")
    kpi = roadmaps.kpi_create(by=personas.district_official, item=item, indicator="Qatnashchilar", target=100)
    roadmaps.kpi_record(by=personas.district_official, kpi=kpi, on=datetime.date(2026, 2, 1), value="35")

    item_changes = FieldChange.objects.for_object(item).filter(event__action=Action.CHANGE)
    assert {c.field: (c.old_value, c.new_value) for c in item_changes} == {
        "progress": (0, 40), "deadline": ("2026-06-30", "2026-07-15")}
    assert item_changes.first().mahalla_id == territory.mahalla_a1a.pk
    assert changes_of(kpi)["target"] == (None, "100.00")
    actual = FieldChange.objects.for_object(kpi).get(event__action=Action.CHANGE)
    assert (actual.field, actual.old_value, actual.new_value) == ("actual", None, "35.00")


def test_roadmap_item_delete_and_move_store_what_was_there(roadmap, personas):
    first, second = (roadmaps.item_create(by=personas.district_official, roadmap=roadmap, focus_area="outreach",
                                          title=title, deadline=datetime.date(YEAR, 6, 30))
                     for title in ("Birinchi", "Ikkinchi"))

    roadmaps.item_move(by=personas.district_official, item=second, direction="up")
    moved = FieldChange.objects.for_object(second).get(event__action=Action.CHANGE)
    first_id = first.pk
    roadmaps.item_delete(by=personas.district_official, item=first)

    assert (moved.field, moved.old_value, moved.new_value) == ("position", 1, 0)
    deleted = FieldChange.objects.filter(object_type="roadmaps.roadmapitem", object_id=str(first_id),
                                         event__action=Action.DELETE)
    assert {c.field: (c.old_value, c.new_value) for c in deleted}["title"] == ("Birinchi", None)


# --- users ----------------------------------------------------------------------------------------------

def test_lockout_and_unlock_store_locked_at(personas, settings):
    for _ in range(settings.LOCKOUT_THRESHOLD):
        authenticate(username="inspector", password="wrong")

    locked = FieldChange.objects.for_object(personas.inspector).get(event__action=Action.ACCOUNT_LOCKED)
    call_command("unlock_account", "inspector", stdout=open("/dev/null", "w"))  # noqa: SIM115
    unlocked = FieldChange.objects.for_object(personas.inspector).get(event__action=Action.ACCOUNT_UNLOCKED)

    assert (locked.field, locked.old_value) == ("locked_at", None) and locked.new_value
    assert (unlocked.old_value, unlocked.new_value) == (locked.new_value, None)


# --- the admin site -------------------------------------------------------------------------------------

def post_data(response) -> dict:
    """What the browser would send back for the admin form as shown (its current values)."""
    data = {}

    def put(name, value, widget):
        if hasattr(widget, "decompress") and not isinstance(value, list):
            for index, (part, sub) in enumerate(zip(widget.decompress(value), widget.widgets, strict=True)):
                if part is not None:
                    data[f"{name}_{index}"] = sub.format_value(part)
        elif isinstance(value, bool):
            if value:
                data[name] = "on"
        elif isinstance(value, list | tuple):
            data[name] = [str(v) for v in value]
        elif value is not None:
            data[name] = str(value)

    def add(form):
        for bound in form:
            if bound.field.disabled:
                continue
            put(bound.html_name, bound.value(), bound.field.widget)
            if bound.field.show_hidden_initial:
                put(bound.html_initial_name, bound.value(), bound.field.widget)

    add(response.context["adminform"].form)
    for inline in response.context["inline_admin_formsets"]:
        formset = inline.formset
        add(formset.management_form)
        for form in formset.forms:
            add(form)
    return data


def test_admin_change_of_a_mahallas_population_is_stored_with_who_and_where(client, personas, territory):
    mahalla = territory.mahalla_a1a
    old = mahalla.population
    url = reverse("admin:mahallas_mahalla_change", args=[mahalla.pk])
    client.force_login(personas.admin)

    response = client.post(url, {**post_data(client.get(url)), "population": old - 120})

    assert response.status_code == 302, response.context["adminform"].form.errors
    change = FieldChange.objects.get(object_type="mahallas.mahalla", field="population",
                                     mahalla_id=mahalla.pk)
    assert (change.old_value, change.new_value) == (old, old - 120)
    assert change.event.actor == personas.admin and change.event.details["via"] == "admin"
    assert FieldChange.objects.filter(event=change.event).count() == 1


def test_admin_role_change_of_a_user_is_a_role_change_with_personal_fields_hashed(client, personas, territory):
    user = personas.district_official
    url = reverse("admin:accounts_user_change", args=[user.pk])
    client.force_login(personas.admin)

    response = client.post(url, {**post_data(client.get(url)), "role": Role.REGIONAL,
                                 "region": territory.region_a.pk, "last_name": "Yusupova-Karimova"})

    assert response.status_code == 302, response.context["adminform"].form.errors
    event = AuditEvent.objects.get(action=Action.ROLE_CHANGE, object_id=str(user.pk))
    rows = {c.field: c for c in event.changes.all()}
    assert set(rows) == {"role", "region", "last_name"}
    assert (rows["role"].old_value, rows["role"].new_value) == ("district", "regional")
    assert (rows["region"].old_value, rows["region"].new_value) == (None, territory.region_a.pk)
    assert rows["last_name"].personal and rows["last_name"].new_value is None
    assert rows["last_name"].new_hash == value_hash("Yusupova-Karimova")
    assert "Yusupova" not in str(list(FieldChange.objects.values_list())) + str(event.details)


def test_admin_inline_assignment_end_is_an_assignment_change(client, personas):
    user = personas.inspector
    assignment = user.assignments.get()
    url = reverse("admin:accounts_user_change", args=[user.pk])
    client.force_login(personas.admin)
    data = post_data(client.get(url))
    prefix = next(k for k in data if k.endswith("-TOTAL_FORMS")).removesuffix("-TOTAL_FORMS")

    response = client.post(url, {**data, f"{prefix}-0-ends_on": "2026-12-31"})

    assert response.status_code == 302
    change = FieldChange.objects.for_object(assignment).get()
    assert (change.field, change.old_value, change.new_value) == ("ends_on", None, "2026-12-31")
    assert change.event.action == Action.ASSIGNMENT_CHANGE


def test_admin_save_without_changes_records_nothing(client, personas, territory):
    url = reverse("admin:mahallas_mahalla_change", args=[territory.mahalla_a1a.pk])
    client.force_login(personas.admin)

    assert client.post(url, post_data(client.get(url))).status_code == 302

    assert not FieldChange.objects.exists()
    assert not AuditEvent.objects.filter(action=Action.CHANGE).exists()


def test_every_registered_model_admin_is_audited():
    from django.contrib import admin

    from audit.admin_site import AuditedModelAdminMixin

    assert admin.site._registry
    assert all(isinstance(model_admin, AuditedModelAdminMixin) for model_admin in admin.site._registry.values())
