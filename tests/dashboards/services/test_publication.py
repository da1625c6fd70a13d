"""Published figures: who publishes, the frozen snapshot (append-only), versions, and "as published vs now"
explained by the changes made after publication."""

import datetime

import pytest
from django.db import DatabaseError, connection, transaction

from audit.models import AuditEvent
from dashboards.count_report import report_scope
from dashboards.models import FigurePublication, PublishedMahallaFigure
from dashboards.publication import PublicationError, figures_publish
from dashboards.publication_selectors import publication_comparison
from incidents.change_requests import change_request_create, change_request_decide
from zones.models import MahallaStatus
from zones.recompute import policy_current

from ..conftest import _crime, at

pytestmark = pytest.mark.django_db

H1 = ("H1-2025", at(2025, 1, 1, 0, 0), at(2025, 7, 1, 0, 0))
API = "/api/v1/dashboards/publications/"
COMPARE = "/dashboards/published/compare/"


def independent_snapshot() -> dict:
    """mahalla id -> (counted crimes of H1 2025, {category group id: n}) by plain SQL."""
    with connection.cursor() as cursor:
        cursor.execute("""SELECT i.mahalla_id, coalesce(c.parent_id, c.id), count(*) FROM incidents_incident i
                          JOIN incidents_incidentcategory c ON c.id = i.category_id
                          WHERE i.legal_kind = 'crime' AND i.registered_at IS NOT NULL
                            AND i.occurred_at >= %s AND i.occurred_at < %s GROUP BY 1, 2""", [H1[1], H1[2]])
        found: dict = {}
        for mahalla, group, n in cursor.fetchall():
            total, groups = found.get(mahalla, (0, {}))
            found[mahalla] = (total + n, {**groups, str(group): n})
    return found


def deregister(personas, incident, reason_code="unfounded"):
    request = change_request_create(by=personas.district_official, incident=incident, kind="deregister",
                                    reason_code=reason_code, reason="Found later")
    return change_request_decide(by=personas.registrar, request=request, approve=True)


# --- Publishing -------------------------------------------------------------------------------------------


def test_publish_freezes_every_mahalla_matching_independent_sql(personas, territory, count_data):
    # given a zone colour computed for one mahalla
    MahallaStatus.objects.create(mahalla=territory.mahalla_a1a, period="H1-2025", colour="red",
                                 policy=policy_current(), colour_since=at(2025, 7, 1), computed_at=at(2025, 7, 1))
    # when the ministry publishes H1 2025
    publication = figures_publish(by=personas.national, period="H1-2025", note="Half-year bulletin")
    # then every mahalla has a row, with the counts plain SQL finds
    figures = {f.mahalla_id: f for f in PublishedMahallaFigure.objects.filter(publication=publication)}
    assert set(figures) == {territory.mahalla_a1a.pk, territory.mahalla_a1b.pk, territory.mahalla_a2a.pk,
                            territory.mahalla_b1a.pk}
    expected = independent_snapshot()
    for mahalla_id, figure in figures.items():
        total, groups = expected.get(mahalla_id, (0, {}))
        assert (figure.crimes, figure.by_group) == (total, groups)
    assert figures[territory.mahalla_a1a.pk].crimes == 2  # a2 and a3; a1 de-registered, q3 is July
    assert figures[territory.mahalla_a1a.pk].colour == "red" and figures[territory.mahalla_a2a.pk].colour == ""
    assert (publication.period, publication.version, publication.note) == ("H1-2025", 1, "Half-year bulletin")
    assert (publication.starts, publication.ends) == (H1[1], H1[2])
    event = AuditEvent.objects.get(object_type="dashboards.figurepublication", action="create")
    assert event.actor == personas.national and event.details["crimes"] == sum(f.crimes for f in figures.values())


def test_publishing_again_adds_a_version_and_keeps_the_first(personas, count_data):
    first = figures_publish(by=personas.national, period="H1-2025")
    deregister(personas, count_data.crimes["a2"])
    second = figures_publish(by=personas.national, period="H1-2025")
    assert (first.version, second.version) == (1, 2)
    totals = {p.version: sum(PublishedMahallaFigure.objects.filter(publication=p).values_list("crimes", flat=True))
              for p in (first, second)}
    assert totals == {1: 5, 2: 4}


@pytest.mark.parametrize("persona", ["region_officer", "registrar", "district_official", "admin", "inspector"])
def test_publish_by_anyone_but_national_is_refused(personas, persona):
    with pytest.raises(PublicationError):
        figures_publish(by=getattr(personas, persona), period="H1-2025")
    assert not FigurePublication.objects.exists()


@pytest.mark.parametrize(("period", "field"), [("Q9-2025", "period"), ("current", "period"), ("2999", "period"),
                                               ("", "period")])
def test_publish_rejects_bad_periods_naming_the_field(client, personas, period, field):
    client.force_login(personas.national)
    response = client.post(API, {"period": period}, content_type="application/json")
    assert response.status_code == 400 and field in response.json()["errors"]


def test_publish_api_as_region_officer_is_403_and_as_national_201(client, personas, count_data):
    client.force_login(personas.region_officer)
    assert client.post(API, {"period": "Q2-2025"}, content_type="application/json").status_code == 403
    client.force_login(personas.national)
    response = client.post(API, {"period": "Q2-2025", "note": "Quarter"}, content_type="application/json")
    assert response.status_code == 201
    assert response.json()["version"] == 1 and response.json()["period"] == "Q2-2025"
    assert client.get(API).json()["count"] == 1


def test_publish_page_form_as_national_and_refused_for_registrar(client, personas, count_data):
    client.force_login(personas.registrar)
    page = client.get("/dashboards/published/")
    assert page.status_code == 200 and 'name="note"' not in page.content.decode()
    assert client.post("/dashboards/published/", {"period": "H1-2025"}).status_code == 403
    client.force_login(personas.national)
    response = client.post("/dashboards/published/", {"period": "H1-2025", "note": "Bulletin"})
    assert response.status_code == 302
    assert FigurePublication.objects.get().note == "Bulletin"


def test_published_rows_refuse_update_and_delete(personas, count_data):
    publication = figures_publish(by=personas.national, period="H1-2025")
    for statement in ("UPDATE dashboards_publishedmahallafigure SET crimes = crimes + 1",
                      "DELETE FROM dashboards_publishedmahallafigure",
                      "UPDATE dashboards_figurepublication SET note = 'edited'",
                      "DELETE FROM dashboards_figurepublication"):
        with pytest.raises(DatabaseError, match="append-only"), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(statement)
    assert FigurePublication.objects.get(pk=publication.pk).note == ""


# --- As published vs now ----------------------------------------------------------------------------------


def test_later_deregistration_changes_now_not_the_snapshot_and_explains_the_difference(personas, territory,
                                                                                       count_data):
    # given H1 2025 published
    publication = figures_publish(by=personas.national, period="H1-2025")
    frozen = list(PublishedMahallaFigure.objects.filter(publication=publication).values_list("mahalla_id", "crimes"))
    # when a2 (A1a) is de-registered afterwards
    request = deregister(personas, count_data.crimes["a2"])
    # then the snapshot is unchanged
    assert list(PublishedMahallaFigure.objects.filter(publication=publication)
                .values_list("mahalla_id", "crimes")) == frozen
    # and for region A: published 4, now 3, the difference explained by that request
    comparison = publication_comparison(personas.region_officer, report_scope(personas.region_officer), publication)
    assert (comparison.total.published, comparison.total.now, comparison.total.difference) == (4, 3, -1)
    assert [(c.change.id, c.effect) for c in comparison.changes] == [(request.pk, -1)]
    assert (comparison.left, comparison.registered, comparison.moved_in, comparison.unexplained) == (1, 0, 0, 0)
    rows = {r.id: r for r in comparison.rows}
    assert (rows[territory.district_a1.pk].published, rows[territory.district_a1.pk].now) == (3, 2)
    assert rows[territory.district_a2.pk].difference == 0


def test_crime_registered_after_publication_is_listed_as_new(personas, territory, count_data):
    publication = figures_publish(by=personas.national, period="H1-2025")
    # a June crime registered only now (after publication), and a July one that is outside the period
    late = _crime(territory.mahalla_a2a, at(2025, 6, 15), personas.inspector,
                  registered_at=publication.published_at + datetime.timedelta(seconds=1))
    _crime(territory.mahalla_a2a, at(2025, 7, 15), personas.inspector,
           registered_at=publication.published_at + datetime.timedelta(seconds=1))
    comparison = publication_comparison(personas.national, report_scope(personas.national), publication)
    assert comparison.total.difference == 1
    assert [(e.incident_id, e.how) for e in comparison.entered] == [(late.pk, "registered")]
    assert comparison.unexplained == 0


def test_comparison_scope_outsider_sees_only_their_district(client, personas, territory, count_data):
    figures_publish(by=personas.national, period="H1-2025")
    deregister(personas, count_data.crimes["a2"])
    client.force_login(personas.outsider)
    data = client.get("/api/v1/dashboards/publications/compare/", {"period": "H1-2025"}).json()
    assert [u["id"] for u in data["units"]] == [territory.mahalla_b1a.pk]
    assert (data["published"], data["now"], data["changes"]) == (1, 1, [])
    assert client.get(COMPARE, {"period": "H1-2025", "region": territory.region_a.pk}).status_code == 404
    client.force_login(personas.inspector)
    assert client.get(COMPARE, {"period": "H1-2025"}).status_code == 404


def test_compare_page_shows_totals_and_the_explaining_request(client, personas, count_data):
    figures_publish(by=personas.national, period="H1-2025")
    request = deregister(personas, count_data.crimes["a2"])
    client.force_login(personas.region_officer)
    response = client.get(COMPARE, {"period": "H1-2025"})
    assert response.status_code == 200
    html = response.content.decode()
    assert f'href="/incidents/{request.incident_id}/"' in html and "\u22121" in html
    assert client.get(COMPARE, {"period": "Q1-2024"}).status_code == 404
