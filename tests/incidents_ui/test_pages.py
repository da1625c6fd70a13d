"""Field-work pages per persona: in scope 200, out of scope 404, in scope but not theirs to change 403."""

import pytest
from django.urls import reverse

from audit.models import AuditEvent
from incidents.models import FieldVisit, Incident, SupportCase
from incidents.selectors.paging import PAGE_SIZE

pytestmark = pytest.mark.django_db


def get(client, user, name, *args, **params):
    client.force_login(user)
    return client.get(reverse(name, args=args), params)


READ_IN_SCOPE = [
    (persona, name, row)
    for persona in ("national", "region_officer", "district_official", "inspector", "social_worker")
    for name, row in (("incidents:detail", "incident"), ("incidents:visit-detail", "visit"),
                      ("incidents:case-detail", "case"))
] + [("operator", "incidents:detail", "incident"), ("outsider", "incidents:detail", "incident_other"),
     ("outsider", "incidents:case-detail", "case_other")]

READ_OUT_OF_SCOPE = [
    (persona, name, row)
    for persona in ("region_officer", "district_official", "inspector", "social_worker", "operator", "nobody")
    for name, row in (("incidents:detail", "incident_other"), ("incidents:visit-detail", "visit_other"),
                      ("incidents:case-detail", "case_other"), ("incidents:edit", "incident_other"),
                      ("incidents:case-edit", "case_other"))
] + [(persona, name, row) for persona in ("outsider", "nobody")
     for name, row in (("incidents:detail", "incident"), ("incidents:visit-detail", "visit"),
                       ("incidents:case-detail", "case"), ("incidents:case-edit", "case"))]


@pytest.mark.parametrize(("persona", "name", "row"), READ_IN_SCOPE)
def test_detail_in_scope_returns_200(client, personas, rows, persona, name, row):
    response = get(client, getattr(personas, persona), name, getattr(rows, row).pk)
    assert response.status_code == 200


@pytest.mark.parametrize(("persona", "name", "row"), READ_OUT_OF_SCOPE)
def test_detail_out_of_scope_returns_404(client, personas, rows, persona, name, row):
    response = get(client, getattr(personas, persona), name, getattr(rows, row).pk)
    assert response.status_code == 404


@pytest.mark.parametrize("name", ["incidents:detail", "incidents:visit-detail", "incidents:case-detail"])
def test_detail_of_missing_id_returns_404_like_out_of_scope(client, personas, name):
    assert get(client, personas.national, name, 987654).status_code == 404


@pytest.mark.parametrize(("persona", "name", "row"), [
    ("national", "incidents:edit", "incident"),  # reads everything, writes nothing
    ("operator", "incidents:edit", "incident"),
    ("national", "incidents:case-edit", "case"),
    ("inspector", "incidents:case-edit", "case"),  # reads the cases of their mahalla, edits none
])
def test_edit_in_scope_without_write_right_returns_403(client, personas, rows, persona, name, row):
    assert get(client, getattr(personas, persona), name, getattr(rows, row).pk).status_code == 403


def test_social_worker_does_not_see_another_workers_case(client, personas, rows, staff, territory):
    from tests.incidents.factories import SupportCaseFactory
    theirs = SupportCaseFactory(mahalla=territory.mahalla_a1a, social_worker=staff.social_worker_2)
    assert get(client, personas.social_worker, "incidents:case-detail", theirs.pk).status_code == 404
    response = get(client, personas.social_worker, "incidents:case-list")
    assert [c.pk for c in response.context["rows"]] == [rows.case.pk]


LISTS = ["incidents:list", "incidents:visit-list", "incidents:visit-week", "incidents:case-list"]


@pytest.mark.parametrize("name", LISTS)
@pytest.mark.parametrize("persona", ["national", "region_officer", "district_official", "inspector",
                                     "social_worker"])
def test_lists_for_field_roles_and_supervisors_return_200(client, personas, rows, persona, name):
    assert get(client, getattr(personas, persona), name).status_code == 200


@pytest.mark.parametrize("name", LISTS)
def test_lists_for_user_without_scope_return_403(client, personas, name):
    assert get(client, personas.nobody, name).status_code == 403


@pytest.mark.parametrize("name", LISTS + ["incidents:visit-create", "incidents:coverage"])
def test_pages_when_signed_out_redirect_to_login(client, name):
    response = client.get(reverse(name))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_incident_list_shows_only_scoped_rows_and_filters(client, personas, rows):
    response = get(client, personas.region_officer, "incidents:list")
    assert [i.pk for i in response.context["page"].rows] == [rows.incident.pk]
    response = get(client, personas.national, "incidents:list", search="bazaar")
    assert [i.pk for i in response.context["page"].rows] == [rows.incident.pk]
    response = get(client, personas.national, "incidents:list", status="registered")
    assert response.context["page"].rows == []


def test_incident_list_htmx_request_returns_rows_fragment(client, personas, rows):
    client.force_login(personas.district_official)
    response = client.get(reverse("incidents:list"), HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    assert b"<html" not in response.content and b"Phone stolen" not in response.content
    assert f"#{rows.incident.pk}".encode() in response.content


def test_incident_list_keyset_paging_walks_every_row_once(client, personas, territory):
    from tests.incidents.factories import IncidentFactory
    made = {IncidentFactory(mahalla=territory.mahalla_a1a, created_by=personas.inspector).pk for _ in range(60)}
    client.force_login(personas.district_official)
    seen, params = [], {}
    while True:
        page = client.get(reverse("incidents:list"), params).context["page"]
        seen += [i.pk for i in page.rows]
        if not page.older:
            break
        params = {"before": page.older}
    assert len(seen) == 60 and set(seen) == made
    back = client.get(reverse("incidents:list"), {"after": page.newer}).context["page"]
    assert back.rows and back.rows[-1].pk in seen


def test_export_buttons_only_for_supervisors_and_keep_filters(client, personas, rows):
    response = get(client, personas.district_official, "incidents:list", status="reported")
    assert b"/api/v1/incidents/export/csv/?status=reported" in response.content
    assert b"/api/v1/incidents/export/xlsx/?status=reported" in response.content
    response = get(client, personas.inspector, "incidents:list")
    assert b"/export/" not in response.content


def test_incident_detail_shows_history_and_transition_buttons(client, personas, rows):
    response = get(client, personas.district_official, "incidents:detail", rows.incident.pk)
    content = response.content.decode()
    assert "under_verification" in content and 'name="to_status"' in content
    assert response.context["transitions"][0].to_status == "reported"
    # a reader without the right to change gets no buttons
    response = get(client, personas.national, "incidents:detail", rows.incident.pk)
    assert 'name="to_status"' not in response.content.decode()


def test_case_detail_is_audited(client, personas, rows):
    before = AuditEvent.objects.filter(action=AuditEvent.Action.VIEW).count()
    get(client, personas.social_worker, "incidents:case-detail", rows.case.pk)
    event = AuditEvent.objects.filter(action=AuditEvent.Action.VIEW).order_by("-pk").first()
    assert AuditEvent.objects.filter(action=AuditEvent.Action.VIEW).count() == before + 1
    assert event.object_id == str(rows.case.pk)


def test_case_list_highlights_overdue_reviews(client, personas, rows):
    import datetime

    from django.utils import timezone
    rows.case.next_review_on = timezone.localdate() - datetime.timedelta(days=2)
    rows.case.save()
    response = get(client, personas.social_worker, "incidents:case-list")
    assert b"fw-row--overdue" in response.content and b"fw-tag--overdue" in response.content


def test_coverage_per_district_and_region(client, personas, rows, territory):
    response = get(client, personas.district_official, "incidents:coverage-district", territory.district_a1.pk)
    assert response.status_code == 200
    by_name = {m.pk: m for m in response.context["rows"]}
    assert by_name[territory.mahalla_a1a.pk].has_inspector and by_name[territory.mahalla_a1a.pk].visits_30d == 1
    assert not by_name[territory.mahalla_a1b.pk].has_inspector
    assert response.context["assign_form"] is not None
    # national reads coverage, assigns nobody
    response = get(client, personas.national, "incidents:coverage-region", territory.region_a.pk)
    assert response.status_code == 200 and response.context["assign_form"] is None
    # a district official of another district
    assert get(client, personas.district_official, "incidents:coverage-district",
               territory.district_a2.pk).status_code == 404
    assert get(client, personas.district_official, "incidents:coverage").status_code == 302
    assert get(client, personas.inspector, "incidents:coverage").status_code == 403


def test_mahalla_page_shows_recent_incidents_and_visits(client, personas, rows, territory):
    response = get(client, personas.inspector, "territories:mahalla", territory.mahalla_a1a.pk)
    content = response.content.decode()
    assert reverse("incidents:detail", args=[rows.incident.pk]) in content
    assert reverse("incidents:visit-detail", args=[rows.visit.pk]) in content
    response = get(client, personas.district_official, "territories:district", territory.district_a1.pk)
    assert reverse("incidents:coverage-district", args=[territory.district_a1.pk]) in response.content.decode()


def test_menu_offers_field_work_by_role(client, personas):
    response = get(client, personas.inspector, "incidents:visit-create")
    assert reverse("incidents:visit-create") in response.content.decode()
    response = get(client, personas.district_official, "incidents:list")
    content = response.content.decode()
    assert reverse("incidents:coverage") in content and reverse("incidents:visit-create") not in content


@pytest.mark.parametrize(("name", "size"), [("incidents:list", 30), ("incidents:visit-list", 30),
                                            ("incidents:case-list", 30), ("incidents:visit-week", 30)])
def test_list_query_count_does_not_grow_with_rows(client, personas, territory, django_assert_max_num_queries,
                                                  name, size):
    from tests.incidents.factories import FieldVisitFactory, IncidentFactory, SupportCaseFactory
    for _ in range(size):
        IncidentFactory(mahalla=territory.mahalla_a1a, created_by=personas.inspector)
        FieldVisitFactory(mahalla=territory.mahalla_a1a, by=personas.inspector)
        SupportCaseFactory(mahalla=territory.mahalla_a1a, social_worker=personas.social_worker)
    client.force_login(personas.district_official)
    with django_assert_max_num_queries(16):
        response = client.get(reverse(name))
    assert response.status_code == 200
    # The answer, not only its cost: every row made above is listed; the week view lists this week's visits.
    detail_name, model = {"incidents:list": ("incidents:detail", Incident),
                          "incidents:visit-list": ("incidents:visit-detail", FieldVisit),
                          "incidents:case-list": ("incidents:case-detail", SupportCase),
                          "incidents:visit-week": ("incidents:visit-detail", FieldVisit)}[name]
    html = response.content.decode()
    pks = set(model.objects.values_list("pk", flat=True))
    listed = {pk for pk in pks if reverse(detail_name, args=[pk]) in html}
    if name == "incidents:visit-week":
        assert len(listed) == response.context["total"]
    else:  # a page of the newest: the keyset lists show 25 a page, the case list 50
        assert len(pks) == size and len(listed) == min(size, 50 if name == "incidents:case-list" else PAGE_SIZE)


def test_coverage_query_count_does_not_grow_with_rows(client, personas, territory, django_assert_max_num_queries):
    from accounts.models import Role
    from tests.factories import AssignmentFactory, MahallaFactory, UserFactory
    for n in range(20):
        mahalla = MahallaFactory(district=territory.district_a1, code=f"1708{n:04d}")
        AssignmentFactory(user=UserFactory(username=f"cov{n}", role=Role.INSPECTOR), mahalla=mahalla)
    client.force_login(personas.district_official)
    with django_assert_max_num_queries(18):
        response = client.get(reverse("incidents:coverage-district", args=[territory.district_a1.pk]))
    assert len(response.context["rows"]) == 22
