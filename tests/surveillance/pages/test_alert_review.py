"""Alert review pages (issue 16): the header and the next alert after a decision, dismiss reasons on the page,
the queue and the false-positive page, labels in Russian and Uzbek, and the administrators' category table."""

import re

import pytest
from django.urls import reverse

from audit.models import AuditEvent
from incidents.models import IncidentCategory
from surveillance import services
from surveillance.models import Alert, AlertCategoryRule
from tests.surveillance.review_support import alerts_stored, camera_categories

pytestmark = pytest.mark.django_db


@pytest.fixture
def alerts(site):
    camera_categories()
    return alerts_stored(site, {"key": "weapon", "event_type": "weapon", "label": "weapon", "minutes_ago": 30},
                         {"key": "intrusion", "event_type": "intrusion", "label": "person", "minutes_ago": 10},
                         {"key": "intrusion2", "event_type": "intrusion", "label": "person", "minutes_ago": 8},
                         {"key": "loitering", "event_type": "loitering", "label": "person", "minutes_ago": 5})


def url(name, alert, query=""):
    return reverse(f"surveillance:{name}", args=[alert.pk]) + (f"?{query}" if query else "")


def header(html: str) -> str:
    return re.search(r'<header class="page-header sv-detail-header" id="alert-header".*?</header>', html, re.S)[0]


def test_after_a_decision_the_header_shows_the_new_status_and_the_next_alert(client, personas, alerts):
    client.force_login(personas.operator)
    page = client.get(url("alert", alerts["intrusion"], "event_type=intrusion")).content.decode()
    assert "In review queue" in header(page) and 'name="queue" value="event_type=intrusion"' in page

    response = client.post(url("alert-dismiss", alerts["intrusion"]),
                           {"dismiss_code": "shadow", "reason": "", "queue": "event_type=intrusion"},
                           HTTP_HX_REQUEST="true")

    html = response.content.decode()
    top = header(html)
    assert 'hx-swap-oob="true"' in top and "Dismissed (false positive)" in top
    assert "In review queue" not in top
    next_link = url("alert", alerts["intrusion2"], "event_type=intrusion")
    assert f'href="{next_link}"' in top and "1 alert waits for review" in top
    # the review panel's notice offers the same next alert
    assert html.count(f'href="{next_link}"') == 2


def test_without_htmx_a_decision_returns_to_the_page_with_the_queue_filters(client, personas, alerts):
    client.force_login(personas.operator)
    response = client.post(url("alert-dismiss", alerts["loitering"]),
                           {"dismiss_code": "animal", "queue": "event_type=loitering&page=3"})
    assert response.status_code == 302 and response["Location"] == url("alert", alerts["loitering"],
                                                                          "event_type=loitering")
    html = client.get(response["Location"]).content.decode()
    assert "No other alert waits for review." in header(html)
    assert "False positive: animal" in html  # "Dismissed because", in words


def test_next_alert_button_goes_down_the_queue(client, personas, alerts):
    client.force_login(personas.operator)
    top = header(client.get(url("alert", alerts["weapon"])).content.decode())
    # urgent first, then newest: weapon (urgent), loitering, intrusion2, intrusion
    assert f'href="{url("alert", alerts["loitering"])}"' in top and "3 alerts wait for review" in top


def test_queue_rows_carry_the_filters_to_the_alert_page(client, personas, alerts):
    client.force_login(personas.operator)
    html = client.get(reverse("surveillance:alerts"), {"event_type": "intrusion"}).content.decode()
    assert f'href="{url("alert", alerts["intrusion"], "event_type=intrusion")}"' in html


def test_dismiss_reasons_are_offered_stored_and_counted(client, personas, alerts):
    client.force_login(personas.operator)
    page = client.get(url("alert", alerts["loitering"])).content.decode()
    assert 'value="weather"' in page and "False positive: rain, snow, wind or fog" in page
    queue = client.get(reverse("surveillance:alerts")).content.decode()
    assert f'id="dismiss-code-{alerts["loitering"].pk}"' in queue and 'value="duplicate"' in queue

    client.post(url("alert-dismiss", alerts["loitering"]), {"dismiss_code": "weather", "reason": "heavy snow"},
                HTTP_HX_REQUEST="true")
    client.post(url("alert-dismiss", alerts["intrusion"]), {"from": "queue", "dismiss_code": "weather", "reason": ""},
                HTTP_HX_REQUEST="true")
    refused = client.post(url("alert-dismiss", alerts["intrusion2"]), {"dismiss_code": "other", "reason": ""},
                          HTTP_HX_REQUEST="true")

    stored = dict(Alert.objects.filter(status="dismissed").values_list("pk", "dismiss_code"))
    assert stored == {alerts["loitering"].pk: "weather", alerts["intrusion"].pk: "weather"}
    assert Alert.objects.get(pk=alerts["loitering"].pk).dismiss_reason == "heavy snow"
    assert "Say why this is a false positive." in refused.content.decode()
    rates = client.get(reverse("surveillance:false-positives")).content.decode()
    section = rates[rates.index('id="by-reason-heading"'):]
    assert re.search(r"False positive: rain, snow, wind or fog</td><td class=\"num\">2</td>", section)


@pytest.mark.parametrize(("language", "words", "codes"), [
    ("ru", ["Вторжение · человек", "Оружие"], [">intrusion<", ">weapon<", "Intrusion"]),
    ("uz", ["Ruxsatsiz kirish · odam", "Qurol"], [">intrusion<", ">weapon<", "Intrusion · odam"]),
])
def test_queue_and_alert_page_show_event_types_in_the_language(client, personas, alerts, language, words, codes):
    client.force_login(personas.operator)
    client.post(reverse("set_language"), {"language": language})
    queue = client.get(reverse("surveillance:alerts")).content.decode()
    page = client.get(url("alert", alerts["intrusion"])).content.decode()
    assert f'<html lang="{language}">' in queue
    for text in words:
        assert text in queue
    assert words[0] in header(page)
    for code in codes:
        assert code not in queue
        assert code not in header(page)


def test_confirm_form_proposes_the_weapon_category(client, personas, alerts):
    client.force_login(personas.operator)
    html = client.get(url("alert", alerts["weapon"])).content.decode()
    option = IncidentCategory.objects.get(code="weapons-carrying")
    assert re.search(rf'<option value="{option.code}" selected>', html)


def test_an_administrator_edits_the_alert_type_table_in_the_audited_admin(client, personas, alerts):
    client.force_login(personas.admin)
    add = reverse("admin:surveillance_alertcategoryrule_add")
    assert client.get(reverse("admin:surveillance_alertcategoryrule_changelist")).status_code == 200

    response = client.post(add, {"event_type": "Loitering", "object_label": "person",
                                 "category": IncidentCategory.objects.get(code="theft-break-in").pk})

    assert response.status_code == 302
    rule = AlertCategoryRule.objects.get(event_type="loitering", object_label="person")
    assert AuditEvent.objects.filter(object_id=str(rule.pk), details__via="admin").exists()
    client.force_login(personas.operator)
    html = client.get(url("alert", alerts["loitering"])).content.decode()
    assert re.search(r'<option value="theft-break-in" selected>', html)
    incident = services.alert_confirm(by=personas.operator, alert=alerts["loitering"]).incident
    assert incident.category.code == "theft-break-in"
