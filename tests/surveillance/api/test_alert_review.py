"""The alert API (issue 16): codes stay in the code fields, words in the display fields (in the request's
language); dismiss takes a reason code; the false-positive rates count dismissals by reason code."""

import pytest
from rest_framework.test import APIClient

from surveillance.models import Alert
from tests.surveillance.conftest import ALERTS
from tests.surveillance.review_support import alerts_stored, camera_categories

pytestmark = pytest.mark.django_db


@pytest.fixture
def alerts(site):
    camera_categories()
    return alerts_stored(site, {"key": "fight", "event_type": "fight", "label": "fight", "minutes_ago": 20},
                         {"key": "intrusion", "event_type": "intrusion", "label": "person", "minutes_ago": 10},
                         {"key": "odd", "event_type": "hat_missing", "minutes_ago": 3})


@pytest.fixture
def api(personas):
    def client_for(name: str, language: str = "en") -> APIClient:
        client = APIClient(HTTP_ACCEPT_LANGUAGE=language)
        client.force_login(getattr(personas, name))
        return client
    return client_for


@pytest.mark.parametrize(("language", "expected"), [
    ("en", {"fight": ("fight", "", "Fight"), "intrusion": ("intrusion", "person", "Intrusion · person"),
            "hat_missing": ("Other event (hat_missing)", "", "Other event (hat_missing)")}),
    ("ru", {"fight": ("драка", "", "Драка"), "intrusion": ("вторжение", "человек", "Вторжение · человек"),
            "hat_missing": ("Другое событие (hat_missing)", "", "Другое событие (hat_missing)")}),
])
def test_alert_list_keeps_codes_and_adds_words(api, alerts, language, expected, settings):
    settings.LANGUAGE_CODE = language
    rows = api("operator", language).get(ALERTS).json()["results"]
    by_type = {row["event_type"]: row for row in rows}
    assert by_type["fight"]["label"] == "fight" and by_type["intrusion"]["label"] == "person"  # the codes
    got = {code: (row["event_type_display"], row["label_display"], row["title"]) for code, row in by_type.items()}
    assert got == expected


def test_dismiss_with_a_reason_code_through_the_api(api, alerts):
    client = api("operator")
    response = client.post(f"{ALERTS}{alerts['intrusion'].pk}/dismiss/", {"dismiss_code": "duplicate"}, format="json")
    assert response.status_code == 200, response.json()
    assert response.json()["dismiss_code"] == "duplicate" and response.json()["dismiss_reason"] == ""

    bad = client.post(f"{ALERTS}{alerts['odd'].pk}/dismiss/", {"dismiss_code": "sunspots"}, format="json")
    other = client.post(f"{ALERTS}{alerts['odd'].pk}/dismiss/", {"dismiss_code": "other"}, format="json")
    assert bad.status_code == 400 and "dismiss_code" in bad.json()["errors"]
    assert other.status_code == 400 and "reason" in other.json()["errors"]
    legacy = client.post(f"{ALERTS}{alerts['odd'].pk}/dismiss/", {"reason": "a bird"}, format="json")
    assert legacy.status_code == 200 and legacy.json()["dismiss_code"] == "other"


def test_false_positive_rates_count_by_reason_code(api, alerts):
    client = api("operator")
    client.post(f"{ALERTS}{alerts['intrusion'].pk}/dismiss/", {"dismiss_code": "duplicate"}, format="json")
    client.post(f"{ALERTS}{alerts['odd'].pk}/dismiss/", {"dismiss_code": "duplicate", "reason": "same as #1"},
                format="json")
    client.post(f"{ALERTS}{alerts['fight'].pk}/dismiss/", {"dismiss_code": "test"}, format="json")

    body = client.get(f"{ALERTS}false-positive-rates/").json()

    assert body["by_reason"] == [
        {"code": "duplicate", "label": "Duplicate of another alert", "dismissed": 2, "share": 0.6667},
        {"code": "test", "label": "Test or maintenance of the camera", "dismissed": 1, "share": 0.3333}]
    assert Alert.objects.filter(dismiss_code="duplicate").count() == 2
