"""The count-changes report: figures against independent SQL on known data (tests/dashboards/conftest.py
`count_data`), scope, exports and their audit rows."""

import csv
import io

import pytest
from django.db import connection
from openpyxl import load_workbook

from audit.models import AuditEvent
from dashboards.count_report import count_report, report_scope
from dashboards.periods import period_parse

pytestmark = pytest.mark.django_db

Q2 = period_parse("Q2-2025")
URL = "/dashboards/count-changes/"
API = "/api/v1/dashboards/count-changes/"


def name(user) -> str:
    return user.get_full_name() or user.username


def sql_rows(sql: str, params) -> dict:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return {row[0]: row[1:] for row in cursor.fetchall()}


def independent_counted(region_id) -> dict:
    return {k: v[0] for k, v in sql_rows("""
        SELECT m.district_id, count(*) FROM incidents_incident i JOIN mahallas_mahalla m ON m.id = i.mahalla_id
        JOIN mahallas_district d ON d.id = m.district_id
        WHERE d.region_id = %s AND i.legal_kind = 'crime' AND i.registered_at IS NOT NULL
          AND i.occurred_at >= %s AND i.occurred_at < %s GROUP BY 1""", [region_id, Q2.starts, Q2.ends]).items()}


def independent_deregistered(region_id) -> dict:
    return {k: v[0] for k, v in sql_rows("""
        SELECT m.district_id, count(DISTINCT r.incident_id) FROM incidents_incidentchangerequest r
        JOIN mahallas_mahalla m ON m.id = r.counted_mahalla_id JOIN mahallas_district d ON d.id = m.district_id
        WHERE d.region_id = %s AND r.status = 'approved' AND r.kind = 'deregister'
          AND r.counted_occurred_at >= %s AND r.counted_occurred_at < %s GROUP BY 1""",
        [region_id, Q2.starts, Q2.ends]).items()}


def independent_intake(region_id) -> dict:
    return sql_rows("""
        SELECT m.district_id,
               count(*) FILTER (WHERE i.status NOT IN ('reported', 'under_verification')),
               count(*) FILTER (WHERE i.registered_at IS NULL AND i.status IN ('unfounded', 'referred'))
        FROM incidents_incident i JOIN mahallas_mahalla m ON m.id = i.mahalla_id
        JOIN mahallas_district d ON d.id = m.district_id
        WHERE d.region_id = %s AND i.reported_at >= %s AND i.reported_at < %s GROUP BY 1""",
                    [region_id, Q2.starts, Q2.ends])


# --- Figures ----------------------------------------------------------------------------------------------


def test_region_report_figures_match_independent_sql(personas, territory, count_data):
    # given the known data of Q2 2025; when the region officer reads region A's report
    report = count_report(personas.region_officer, report_scope(personas.region_officer), Q2)
    rows = {r.id: r for r in report.rows}
    a1, a2 = territory.district_a1.pk, territory.district_a2.pk
    # then every per-district figure is what plain SQL over the tables says
    counted, dereg = independent_counted(territory.region_a.pk), independent_deregistered(territory.region_a.pk)
    intake = independent_intake(territory.region_a.pk)
    assert set(rows) == {a1, a2}
    for pk, row in rows.items():
        assert row.counted == counted.get(pk, 0)
        assert row.deregistered == dereg.get(pk, 0)
        assert (row.decided, row.turned_away) == intake.get(pk, (0, 0))
    # and the known values: A1 counts a2, a3 (30 June 23:30 Tashkent) and r1; a1 left; 2 of 6 reports turned away
    assert (rows[a1].counted, rows[a1].deregistered, rows[a1].deregistered_share) == (3, 1, 25.0)
    assert (rows[a1].decided, rows[a1].turned_away) == (6, 2)
    assert round(rows[a1].turned_away_share, 1) == 33.3
    # days to a decision: 0, 0 (registered on report), 1, 2, 4 -> median 1 (a1 lost its registration time)
    assert rows[a1].median_decision_days == pytest.approx(1.0)
    assert (rows[a2].counted, rows[a2].deregistered) == (1, 1)
    assert report.total.counted == 4 and report.total.deregistered == 2


def test_region_report_lists_crimes_that_left_with_requester_and_approver(personas, territory, count_data):
    report = count_report(personas.registrar, report_scope(personas.registrar), Q2)
    by_incident = {c.incident_id: c for c in report.changes}
    crimes = count_data.crimes
    assert set(by_incident) == {crimes["a1"].pk, crimes["b1"].pk, crimes["c1"].pk}
    a1 = by_incident[crimes["a1"].pk]
    assert (a1.kind, a1.reason_code, a1.mahalla) == ("deregister", "unfounded", territory.mahalla_a1a.name)
    assert a1.requested_by == name(personas.district_official)
    assert a1.approved_by == name(personas.registrar)
    assert by_incident[crimes["c1"].pk].approved_by == name(personas.national)
    assert by_incident[crimes["b1"].pk].kind == "reopen"
    assert {(r["kind"], r["reason_code"], r["count"]) for r in report.by_reason} == {
        ("deregister", "unfounded", 1), ("deregister", "duplicate", 1), ("reopen", "", 1)}
    assert report.pending == 1


def test_overdue_reports_counted_now_with_longest_wait(personas, territory, count_data):
    report = count_report(personas.region_officer, report_scope(personas.region_officer), Q2)
    rows = {r.id: r for r in report.rows}
    with connection.cursor() as cursor:
        cursor.execute("""SELECT count(*), floor(extract(epoch FROM now() - min(i.reported_at)) / 86400)
                          FROM incidents_incident i JOIN mahallas_mahalla m ON m.id = i.mahalla_id
                          WHERE m.district_id = %s AND i.status IN ('reported', 'under_verification')
                            AND i.reported_at < now() - interval '3 days'""", [territory.district_a1.pk])
        overdue, oldest = cursor.fetchone()
    # the reopened b1 and the report still waiting
    assert rows[territory.district_a1.pk].overdue == overdue == 2
    assert rows[territory.district_a1.pk].oldest_waiting_days == int(oldest)
    assert rows[territory.district_a2.pk].overdue == 0


def test_district_report_rows_are_mahallas(personas, territory, count_data):
    report = count_report(personas.district_official, report_scope(personas.district_official), Q2)
    assert report.unit_level == "mahalla"
    assert {r.id for r in report.rows} == {territory.mahalla_a1a.pk, territory.mahalla_a1b.pk}
    assert {c.incident_id for c in report.changes} == {count_data.crimes["a1"].pk, count_data.crimes["b1"].pk}


# --- Scope ------------------------------------------------------------------------------------------------


def test_outsider_report_has_no_region_a_rows(client, personas, territory, count_data):
    client.force_login(personas.outsider)
    response = client.get(API, {"period": "Q2-2025"})
    assert response.status_code == 200
    data = response.json()
    assert [u["id"] for u in data["units"]] == [territory.mahalla_b1a.pk]
    assert [c["incident"] for c in data["results"]] == [count_data.crimes["d1"].pk]
    html = client.get(URL, {"period": "Q2-2025"}).content.decode()
    assert territory.mahalla_a1a.name not in html and f"#{count_data.crimes['a1'].pk}<" not in html


@pytest.mark.parametrize(("persona", "query"), [
    ("outsider", {"region": "region_a"}),
    ("outsider", {"district": "district_a1"}),
    ("district_official", {"district": "district_a2"}),
    ("district_official", {"region": "region_a"}),
    ("registrar", {"region": "region_b"}),
    ("inspector", {}),
    ("social_worker", {}),
    ("operator", {}),
    ("admin", {}),
    ("nobody", {}),
])
@pytest.mark.parametrize("url", [URL, API, URL + "export/"])
def test_count_report_outside_scope_returns_404(client, personas, territory, persona, query, url):
    client.force_login(getattr(personas, persona))
    params = {k: getattr(territory, v).pk for k, v in query.items()}
    assert client.get(url, {"period": "Q2-2025", **params}).status_code == 404


def test_national_report_shows_regions_and_drills_down(client, personas, territory, count_data):
    client.force_login(personas.national)
    response = client.get(URL, {"period": "Q2-2025"})
    assert response.status_code == 200
    html = response.content.decode()
    assert f"region={territory.region_a.pk}" in html and f"region={territory.region_b.pk}" in html
    data = client.get(API, {"period": "Q2-2025"}).json()
    assert data["unit_level"] == "region" and data["total"]["deregistered"] == 3 and data["count"] == 4


def test_registrar_sees_report_link_in_menu_and_page(client, personas, count_data):
    client.force_login(personas.registrar)
    html = client.get(URL, {"period": "Q2-2025"}).content.decode()
    assert 'href="/dashboards/count-changes/"' in html
    assert 'data-tile="left"' in html


def test_api_rejects_bad_period_naming_the_field(client, personas):
    client.force_login(personas.region_officer)
    response = client.get(API, {"period": "Q9-2025"})
    assert response.status_code == 400 and "period" in response.json()["errors"]


def test_count_report_in_openapi_schema(client, personas):
    client.force_login(personas.national)
    schema = client.get("/api/v1/schema/").content.decode()
    for path in ("/api/v1/dashboards/count-changes/", "/api/v1/dashboards/publications/",
                 "/api/v1/dashboards/publications/compare/"):
        assert path in schema


# --- Exports ----------------------------------------------------------------------------------------------


def test_changes_csv_export_content_and_audit_row(client, personas, territory, count_data):
    client.force_login(personas.registrar)
    response = client.get(URL + "export/", {"period": "Q2-2025", "table": "changes", "format": "csv"})
    assert response.status_code == 200
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert len(rows) == 1 + 3
    assert {int(r[1]) for r in rows[1:]} == {count_data.crimes[n].pk for n in ("a1", "b1", "c1")}
    event = AuditEvent.objects.get(action="export", object_type="dashboards.count_changes")
    assert event.actor == personas.registrar and event.region_id == territory.region_a.pk
    assert event.details == {"table": "changes", "format": "csv", "period": "Q2-2025", "level": "region",
                             "rows": 3}


def test_units_xlsx_export_has_figures_and_total(client, personas, territory, count_data):
    client.force_login(personas.region_officer)
    response = client.get(URL + "export/", {"period": "Q2-2025", "table": "units", "format": "xlsx"})
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    by_code = {r[0]: r for r in rows[1:]}
    assert by_code[territory.district_a1.code][2:6] == (3, 1, 25.0, 6)
    assert rows[-1][2:4] == (4, 2)
    assert AuditEvent.objects.filter(action="export", object_type="dashboards.count_changes",
                                     details__format="xlsx").count() == 1


def test_export_cells_are_spreadsheet_safe(client, personas, territory, count_data):
    from incidents.change_requests import change_request_create, change_request_decide

    request = change_request_create(by=personas.district_official, incident=count_data.crimes["a2"],
                                    kind="deregister", reason_code="duplicate", reason="=HYPERLINK(\"x\")")
    change_request_decide(by=personas.registrar, request=request, approve=True)
    client.force_login(personas.registrar)
    body = client.get(URL + "export/", {"period": "Q2-2025", "table": "changes", "format": "csv"}).content
    assert "'=HYPERLINK" in body.decode("utf-8-sig")


def test_export_unknown_table_is_400(client, personas):
    client.force_login(personas.region_officer)
    assert client.get(URL + "export/", {"table": "secrets", "format": "csv"}).status_code == 400
