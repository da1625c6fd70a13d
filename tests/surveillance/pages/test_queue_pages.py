"""The review queue page and its polling fragment, per persona; the unknown-cameras tab; the menu entry."""

import re

import pytest
from django.urls import reverse
from django.utils.html import escape

from surveillance import services
from surveillance.models import Alert

pytestmark = pytest.mark.django_db

QUEUE = "/alerts/"


def shown(response) -> list[int]:
    """Alert ids in the order the page lists them."""
    return [int(pk) for pk in re.findall(r'id="alert-(\d+)"', response.content.decode())]


@pytest.mark.parametrize(("persona", "expected"), [
    ("operator", {"urgent", "plain", "a1b"}),
    ("district_official", {"urgent", "plain", "a1b"}),
    ("region_officer", {"urgent", "plain", "a1b"}),
    ("national", {"urgent", "plain", "a1b", "b1"}),
    ("inspector", {"urgent", "plain"}),  # the mahalla they are assigned to
    ("social_worker", {"urgent", "plain"}),  # what visible_to gives field roles, without review actions
    ("outsider", {"b1"}),
    ("nobody", set()),
])
def test_queue_as_persona_lists_only_visible_alerts(client_for, queue, persona, expected):
    response = client_for(persona).get(QUEUE)
    assert response.status_code == 200
    assert set(shown(response)) == {getattr(queue, name).pk for name in expected}


def test_queue_puts_urgent_first_then_newest(client_for, queue):
    ids = shown(client_for("operator").get(QUEUE))
    assert ids[0] == queue.urgent.pk  # 30 minutes old, but urgent
    assert ids.index(queue.a1b.pk) < ids.index(queue.plain.pk)


def test_queue_rows_show_camera_mahalla_confidence_and_urgent_badge(client_for, queue):
    html = client_for("operator").get(QUEUE).content.decode()
    assert "Maktab 14 hovlisi" in html and "91%" in html and "Urgent" in html
    assert escape(queue.urgent.mahalla.name) in html


def test_queue_default_hides_decided_alerts_and_status_all_shows_them(client_for, queue, personas):
    services.alert_dismiss(by=personas.operator, alert=queue.plain, reason="a shadow")
    client = client_for("operator")
    assert queue.plain.pk not in shown(client.get(QUEUE))
    assert queue.plain.pk in shown(client.get(QUEUE, {"status": "all"}))
    assert shown(client.get(QUEUE, {"status": "dismissed"})) == [queue.plain.pk]


def test_queue_filters(client_for, queue):
    client = client_for("operator")
    assert shown(client.get(QUEUE, {"urgent": "on"})) == [queue.urgent.pk]
    assert set(shown(client.get(QUEUE, {"camera": queue.urgent.camera_id}))) == {queue.urgent.pk, queue.plain.pk}
    assert shown(client.get(QUEUE, {"event_type": "vmd"})) == [queue.a1b.pk]
    assert shown(client.get(QUEUE, {"mahalla": queue.a1b.mahalla_id})) == [queue.a1b.pk]
    assert shown(client.get(QUEUE, {"date_from": "2020-01-01", "date_to": "2020-01-02"})) == []


def test_queue_pictures_are_served_by_the_access_checked_view(client_for, queue):
    html = client_for("operator").get(QUEUE).content.decode()
    picture = queue.urgent.pictures.get()
    assert reverse("api:surveillance:alert-picture", args=[queue.urgent.pk, picture.pk]) in html
    assert picture.file.name not in html and "/media/" not in html


def test_queue_query_count_does_not_grow_with_rows(client_for, queue, site, django_assert_max_num_queries):
    from .conftest import PICTURE, at, process_all, store

    client = client_for("operator")
    with django_assert_max_num_queries(16):
        client.get(QUEUE)
    for n in range(15):
        store(site, event_id=f"more-{n}", device_id="AI-SRV7-CAM12", event_type=f"type{n}", started_at=at(60 + n),
              pictures=PICTURE)
    process_all()
    with django_assert_max_num_queries(16):
        response = client.get(QUEUE)
    assert len(shown(response)) == 18


def test_polling_fragment_returns_only_rows_and_204_when_nothing_changed(client_for, queue):
    client = client_for("operator")
    response = client.get(QUEUE, {"status": "review"}, HTTP_HX_REQUEST="true")
    html = response.content.decode()
    assert response.status_code == 200
    assert "<html" not in html and "<form" not in html.split('class="sv-alerts"')[0]
    assert f'id="alert-{queue.urgent.pk}"' in html and 'id="alert-points"' in html
    seen = re.search(r'name="seen" value="([0-9a-f]+)"', html).group(1)

    unchanged = client.get(QUEUE, {"status": "review", "seen": seen}, HTTP_HX_REQUEST="true")
    assert unchanged.status_code == 204

    Alert.objects.filter(pk=queue.plain.pk).update(status="escalated")
    changed = client.get(QUEUE, {"status": "review", "seen": seen}, HTTP_HX_REQUEST="true")
    assert changed.status_code == 200 and queue.plain.pk not in shown(changed)


def test_queue_page_polls_every_10_seconds_with_the_filters(client_for, queue):
    html = client_for("operator").get(QUEUE).content.decode()
    assert 'hx-trigger="every 10s"' in html and 'hx-include="#alert-filters, #alert-state"' in html
    assert "<script>" not in html and " style=" not in html and "onclick" not in html


def test_unknown_cameras_tab_for_operators(client_for, queue):
    response = client_for("operator").get(reverse("surveillance:unmatched"))
    assert response.status_code == 200
    assert shown(response) == [queue.unmatched.pk]
    assert "NOT-REGISTERED" in response.content.decode()
    assert "device_id=NOT-REGISTERED" in response.content.decode()  # the "Register" link


@pytest.mark.parametrize("persona", ["inspector", "social_worker", "region_officer", "nobody"])
def test_unknown_cameras_tab_as_non_camera_role_returns_404(client_for, queue, persona):
    assert client_for(persona).get(reverse("surveillance:unmatched")).status_code == 404


def test_queue_as_anonymous_redirects_to_login(client, queue):
    response = client.get(QUEUE)
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


@pytest.mark.parametrize(("persona", "has_entry"), [
    ("operator", True), ("inspector", True), ("district_official", True), ("social_worker", False)])
def test_menu_alerts_entry(client_for, territory, persona, has_entry):
    html = client_for(persona).get(reverse("territories:home")).content.decode()
    assert ('href="/alerts/" data-nav-link' in html) is has_entry


def test_district_page_loads_the_cameras_and_alerts_panel(client_for, queue, territory):
    panel = reverse("surveillance:territory-panel", args=["district", territory.district_a1.pk])
    client = client_for("operator")
    assert panel in client.get(reverse("territories:district", args=[territory.district_a1.pk])).content.decode()
    html = client.get(panel, HTTP_HX_REQUEST="true").content.decode()
    assert "Cameras and alerts" in html and "<html" not in html


@pytest.mark.parametrize(("persona", "level", "status", "shown"), [
    ("inspector", "mahalla", 200, True), ("inspector", "district", 200, True),  # their mahalla's cameras
    ("outsider", "district", 404, False), ("social_worker", "mahalla", 200, False),
])
def test_territory_panel_as_persona(client_for, queue, territory, persona, level, status, shown):
    pk = territory.mahalla_a1a.pk if level == "mahalla" else territory.district_a1.pk
    response = client_for(persona).get(reverse("surveillance:territory-panel", args=[level, pk]))
    assert response.status_code == status
    assert ("Cameras and alerts" in response.content.decode()) is shown
