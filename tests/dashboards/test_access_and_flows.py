"""Scoping, API, exports and their audit rows, the public page, refresh of the pre-aggregates, query counts."""

import csv
import datetime
import io
import json

import pytest
from django.core.cache import cache
from django.db import connection
from openpyxl import load_workbook

from audit.models import AuditEvent
from dashboards import selectors
from dashboards.models import DailyDistrictStats, DailyMahallaStats, DirtyMahalla
from dashboards.periods import period_parse
from dashboards.stats import stats_refresh_dirty, stats_sweep
from incidents.models import Incident, IncidentCategory
from incidents.signals import incident_changed

pytestmark = pytest.mark.django_db

PERIOD = "period=Q2-2025"


# --- Scoping -----------------------------------------------------------------------------------------


def test_national_dashboard_as_national_shows_regions_table(client_for, personas, territory, seeded):
    response = client_for(personas.national).get(f"/dashboards/?{PERIOD}")
    assert response.status_code == 200
    html = response.content.decode()
    assert f"/dashboards/regions/{territory.region_a.pk}/?period=Q2-2025" in html
    assert f"/dashboards/regions/{territory.region_b.pk}/?period=Q2-2025" in html
    assert 'data-tile="crimes"' in html and "<svg" in html and "data-dashboard-map-url" in html


def test_dashboard_home_as_region_officer_redirects_to_their_region(client_for, personas, territory):
    response = client_for(personas.region_officer).get(f"/dashboards/?{PERIOD}")
    assert response.status_code == 302
    assert response["Location"] == f"/dashboards/regions/{territory.region_a.pk}/?{PERIOD}"


def test_region_dashboard_as_region_officer_lists_only_their_districts(client_for, personas, territory, seeded):
    html = client_for(personas.region_officer).get(
        f"/dashboards/regions/{territory.region_a.pk}/?{PERIOD}").content.decode()
    assert f"/dashboards/districts/{territory.district_a1.pk}/" in html
    assert f"/dashboards/districts/{territory.district_b1.pk}/" not in html
    assert "Janubiy tumani" not in html


@pytest.mark.parametrize(("persona", "url"), [
    ("region_officer", "/dashboards/regions/{region_b}/"),
    ("region_officer", "/dashboards/districts/{district_b1}/"),
    ("district_official", "/dashboards/regions/{region_a}/"),
    ("district_official", "/dashboards/districts/{district_a2}/"),
    ("outsider", "/dashboards/districts/{district_a1}/"),
    ("region_officer", "/dashboards/regions/999999/"),
    ("inspector", "/dashboards/"),
    ("social_worker", "/dashboards/districts/{district_a1}/"),
    ("operator", "/dashboards/districts/{district_a1}/"),
    ("nobody", "/dashboards/"),
    ("region_officer", "/api/v1/dashboards/tiles/?region={region_b}"),
    ("outsider", "/api/v1/dashboards/table/?district={district_a1}"),
    ("district_official", "/api/v1/dashboards/map/?region={region_a}"),
    ("outsider", "/dashboards/export/?district={district_a1}&table=units&format=csv"),
    ("outsider", "/dashboards/report/?district={district_a1}"),
])
def test_dashboard_outside_scope_returns_404(client_for, personas, territory, persona, url):
    url = url.format(region_a=territory.region_a.pk, region_b=territory.region_b.pk,
                     district_a1=territory.district_a1.pk, district_a2=territory.district_a2.pk,
                     district_b1=territory.district_b1.pk)
    assert client_for(getattr(personas, persona)).get(url).status_code == 404


def test_dashboard_as_anonymous_redirects_to_login(client):
    response = client.get("/dashboards/")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    assert client.get("/api/v1/dashboards/tiles/").status_code in (401, 403)


def test_district_dashboard_as_district_official_shows_only_their_mahallas(client_for, personas, territory, seeded):
    html = client_for(personas.district_official).get(
        f"/dashboards/districts/{territory.district_a1.pk}/?{PERIOD}").content.decode()
    assert f"/territories/mahallas/{territory.mahalla_a1a.pk}/" in html
    assert f"/territories/mahallas/{territory.mahalla_a2a.pk}/" not in html


# --- API -----------------------------------------------------------------------------------------------


def test_api_endpoints_as_region_officer_answer_for_their_region(client_for, personas, territory, seeded):
    c = client_for(personas.region_officer)
    tiles = c.get(f"/api/v1/dashboards/tiles/?{PERIOD}").json()
    assert tiles["level"] == "region" and tiles["territory"]["id"] == territory.region_a.pk
    assert {t["key"] for t in tiles["tiles"]} >= {"crimes", "green", "alert_confirmation", "roadmap_overdue"}
    table = c.get(f"/api/v1/dashboards/table/?{PERIOD}").json()
    assert [r["id"] for r in table["results"]] == [territory.district_a1.pk, territory.district_a2.pk]
    assert table["unit_level"] == "district" and table["count"] == 2
    assert len(c.get(f"/api/v1/dashboards/trend/?{PERIOD}").json()["months"]) == 12
    assert c.get(f"/api/v1/dashboards/categories/?{PERIOD}").json()["categories"]
    assert c.get(f"/api/v1/dashboards/ranking/?{PERIOD}").json()["ranking"]
    layer = json.loads(c.get(f"/api/v1/dashboards/map/?{PERIOD}&zoom=8").content)
    ids = {f["id"] for f in layer["features"]}
    assert ids == {territory.mahalla_a1a.pk, territory.mahalla_a1b.pk, territory.mahalla_a2a.pk}
    colour = {f["id"]: f["properties"]["colour"] for f in layer["features"]}
    assert colour[territory.mahalla_a1a.pk] == "red"
    assert all(f["properties"]["url"].startswith("/territories/mahallas/") for f in layer["features"])


def test_api_with_a_bad_period_names_the_field(client_for, personas):
    client = client_for(personas.national)
    response = client.get("/api/v1/dashboards/tiles/?period=Q9-2025")
    assert response.status_code == 400
    assert "period" in json.dumps(response.json())
    response = client.get("/api/v1/dashboards/tiles/?period=custom&from=2025-05-01")
    assert response.status_code == 400 and "to" in json.dumps(response.json())


# --- Exports and audit -------------------------------------------------------------------------------


def test_csv_export_as_region_officer_holds_their_districts_and_is_audited(client_for, personas, territory, seeded):
    c = client_for(personas.region_officer)
    response = c.get(f"/dashboards/export/?region={territory.region_a.pk}&table=units&format=csv&{PERIOD}")
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    table = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    names = [row[1] for row in table[1:]]
    assert names[:2] == [territory.district_a1.name, territory.district_a2.name] and len(names) == 3  # + total
    scope = selectors.dashboard_scope(personas.region_officer, region_id=territory.region_a.pk)
    rows = selectors.unit_rows(personas.region_officer, scope, period_parse("Q2-2025"))
    assert [int(row[4]) for row in table[1:3]] == [r.crimes for r in rows]
    event = AuditEvent.objects.get(action="export", actor=personas.region_officer)
    assert event.details["table"] == "units" and event.details["format"] == "csv"
    assert event.region_id == territory.region_a.pk


@pytest.mark.parametrize("table", ["units", "categories", "trend", "ranking"])
def test_xlsx_export_of_every_table_as_national(client_for, personas, seeded, table):
    response = client_for(personas.national).get(f"/dashboards/export/?table={table}&format=xlsx&{PERIOD}")
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content)).active
    values = list(sheet.values)
    assert len(values) >= 2 and all(h for h in values[0])
    assert AuditEvent.objects.filter(action="export", details__table=table, details__format="xlsx").count() == 1


def test_report_page_as_district_official_is_printable_and_audited(client_for, personas, territory, seeded):
    response = client_for(personas.district_official).get(
        f"/dashboards/report/?district={territory.district_a1.pk}&{PERIOD}")
    html = response.content.decode()
    assert response.status_code == 200
    assert "data-print" in html and "js/dashboard.js" in html and "onclick" not in html
    assert 'role="img"' in html and "<title" in html and "<desc" in html
    assert AuditEvent.objects.filter(action="export", object_type="dashboards.report").count() == 1


# --- Public page -------------------------------------------------------------------------------------


def test_public_page_shows_colours_and_crimes_and_no_personal_data(client, personas, territory, seeded):
    response = client.get("/open/?period=Q2-2025&crimes=H1-2025")
    html = response.content.decode()
    assert response.status_code == 200
    assert "data-public-crimes" in html
    for secret in ("inspector", "social", personas.district_official.last_name, "false positive"):
        assert secret not in html
    layer = json.loads(client.get("/open/map/?period=Q2-2025&zoom=8").content)
    assert len(layer["features"]) == 4
    for feature in layer["features"]:
        assert set(feature["properties"]) == {"id", "name", "colour", "url", "lon", "lat"}
        assert feature["properties"]["url"] is None


def test_public_page_is_rate_limited_by_ip(client, settings):
    from dashboards import views

    for _ in range(views.PUBLIC_RATE_PER_MINUTE):
        assert client.get("/open/map/?zoom=5", REMOTE_ADDR="10.1.1.1").status_code == 200
    assert client.get("/open/map/?zoom=5", REMOTE_ADDR="10.1.1.1").status_code == 429
    assert client.get("/open/map/?zoom=5", REMOTE_ADDR="10.1.1.2").status_code == 200


# --- Refresh of the pre-aggregates -------------------------------------------------------------------


def _registered_q2(mahalla) -> int:
    return sum(DailyMahallaStats.objects.filter(mahalla_id=mahalla.pk, day__gte=datetime.date(2025, 4, 1),
                                                day__lt=datetime.date(2025, 7, 1)).values_list("crimes", flat=True))


def test_incident_change_signal_marks_mahalla_and_refresh_updates_tiles(client, personas, territory, seeded):
    # given: the dashboard was read (and cached)
    scope = selectors.dashboard_scope(personas.national)
    before = selectors.dashboard_data(personas.national, scope, period_parse("Q2-2025")).tiles[0].value
    incident = Incident.objects.filter(mahalla=territory.mahalla_b1a, status="reported").first()
    Incident.objects.filter(pk=incident.pk).update(status="registered", legal_kind="crime",
                                                   registered_at=datetime.datetime(2025, 5, 5, 12, tzinfo=datetime.UTC),
                                                   occurred_at=datetime.datetime(2025, 5, 5, 10, tzinfo=datetime.UTC))
    # when: incidents' signal, then the task's function
    incident_changed.send(sender=Incident, incident_id=incident.pk, mahalla_ids=frozenset({incident.mahalla_id}))
    assert DirtyMahalla.objects.filter(mahalla_id=territory.mahalla_b1a.pk).exists()
    assert stats_refresh_dirty() == 1
    # then: the new version is seen, not the cached figure
    after = selectors.dashboard_data(personas.national, scope, period_parse("Q2-2025")).tiles[0].value
    assert after == before + 1
    assert not DirtyMahalla.objects.exists()


def test_sweep_finds_rows_changed_without_a_signal(personas, territory, seeded):
    theft = IncidentCategory.objects.get(code="theft")
    before = _registered_q2(territory.mahalla_a2a)
    Incident.objects.create(mahalla=territory.mahalla_a2a,
                            occurred_at=datetime.datetime(2025, 5, 2, tzinfo=datetime.UTC),
                            reported_at=datetime.datetime(2025, 5, 3, tzinfo=datetime.UTC), category=theft,
                            status="registered", registered_at=datetime.datetime(2025, 5, 3, tzinfo=datetime.UTC),
                            created_by=personas.inspector)
    assert _registered_q2(territory.mahalla_a2a) == before  # nothing told the dashboards yet
    stats_sweep()
    assert _registered_q2(territory.mahalla_a2a) == before + 1
    district_total = sum(DailyDistrictStats.objects.filter(
        district_id=territory.district_a2.pk, day__gte=datetime.date(2025, 4, 1),
        day__lt=datetime.date(2025, 7, 1)).values_list("crimes", flat=True))
    assert district_total == _registered_q2(territory.mahalla_a2a)


def test_deleting_an_incident_marks_its_mahalla(django_capture_on_commit_callbacks, territory, seeded):
    incident = Incident.objects.filter(mahalla=territory.mahalla_a1b).first()
    with django_capture_on_commit_callbacks(execute=True):
        incident.transitions.all().delete()
        incident.delete()
    assert DirtyMahalla.objects.filter(mahalla_id=territory.mahalla_a1b.pk).exists()


def test_rebuild_command_equals_incremental_refresh(territory, seeded):
    from django.core.management import call_command

    def snapshot():
        with connection.cursor() as cursor:
            cursor.execute("SELECT mahalla_id, day, crimes, cyber, bank_card, drug, minor, youth, woman, alerts, "
                           "alerts_confirmed, alerts_dismissed, visits FROM dashboards_dailymahallastats "
                           "ORDER BY 1, 2")
            daily = cursor.fetchall()
            cursor.execute("SELECT mahalla_id, month, crimes, alerts, alerts_confirmed, visits "
                           "FROM dashboards_monthlymahallastats ORDER BY 1, 2")
            monthly = cursor.fetchall()
            cursor.execute("SELECT district_id, month, category_id, crimes FROM dashboards_monthlydistrictcategory "
                           "ORDER BY 1, 2, 3")
            return daily, monthly, cursor.fetchall()

    from dashboards.stats import stats_refresh

    stats_refresh([territory.mahalla_a1a.pk, territory.mahalla_b1a.pk])
    incremental = snapshot()
    call_command("dashboards_rebuild", stdout=io.StringIO())
    assert snapshot() == incremental


# --- Query counts ------------------------------------------------------------------------------------


def test_national_dashboard_query_count_is_bounded(client_for, personas, seeded, django_assert_max_num_queries):
    c = client_for(personas.national)
    cache.clear()
    with django_assert_max_num_queries(32):
        assert c.get(f"/dashboards/?{PERIOD}").status_code == 200
    with django_assert_max_num_queries(12):  # cached figures: session, user, 2FA, cache token
        assert c.get(f"/dashboards/?{PERIOD}").status_code == 200


def test_district_dashboard_query_count_does_not_grow_with_mahallas(client_for, personas, territory, seeded,
                                                                     django_assert_max_num_queries):
    from tests.factories import MahallaFactory

    added = [MahallaFactory(district=territory.district_a1, code=f"1799{i:04d}") for i in range(20)]
    c = client_for(personas.district_official)
    with django_assert_max_num_queries(32):
        response = c.get(f"/dashboards/districts/{territory.district_a1.pk}/?{PERIOD}")
    assert response.status_code == 200
    # The answer, not only its cost: every mahalla of the district is a row of its table.
    codes = {row.code for row in response.context["data"].rows}
    assert codes == {m.code for m in [*added, territory.mahalla_a1a, territory.mahalla_a1b]}
