"""The audit page and its CSV speak the reader's language: Tashkent time in the locale's format, role and action
labels instead of codes; the CSV keeps every code column and puts a label column beside it."""

import csv
import datetime
import html
import io
import re

import pytest
from django.urls import reverse
from django.utils import translation

from accounts.models import Role
from audit.models import AuditEvent
from audit.services import audit_record
from core.dates import TASHKENT

pytestmark = pytest.mark.django_db

LIST = reverse("audit:list")
EXPORT = reverse("audit:export")


@pytest.fixture
def inspector_view(personas, territory):
    return audit_record(action=AuditEvent.Action.VIEW, actor=personas.inspector, obj=territory.mahalla_a1a)


def _as(client, personas, language):
    client.force_login(personas.national)
    client.cookies["django_language"] = language
    return client


@pytest.mark.parametrize("language", ["uz", "ru", "en"])
def test_audit_list_in_language_shows_tashkent_time_and_role_label(client, personas, inspector_view, language):
    # given an event recorded by the database clock (UTC)
    local = inspector_view.occurred_at.astimezone(TASHKENT)

    # when the national analyst opens the trail in a language
    page = html.unescape(_as(client, personas, language).get(LIST, {"user": "inspector"}).content.decode())

    # then its time is Tashkent's, day first, to the second; the role and action are labels, not codes
    assert local.strftime("%d.%m.%Y %H:%M:%S") in page
    assert inspector_view.occurred_at_utc in page  # the exact instant stays in the <time datetime>
    assert not re.search(r">\s*\d{4}-\d\d-\d\dT", page), "an ISO time is shown as text"
    with translation.override(language):
        assert str(Role.INSPECTOR.label) in page
        assert str(AuditEvent.Action.VIEW.label) in page
    assert page.count(">inspector<") == 1  # the username; the role cell shows its label


def test_audit_list_in_russian_names_role_in_russian(client, personas, inspector_view):
    page = html.unescape(_as(client, personas, "ru").get(LIST, {"user": "inspector"}).content.decode())

    assert "Инспектор профилактики" in page
    assert "Время (Ташкент)" in page and "Время ташкентское (UTC+5)" in page


def test_audit_csv_in_russian_has_label_columns_beside_codes(client, personas, inspector_view):
    response = _as(client, personas, "ru").get(EXPORT, {"user": "inspector", "action": "view"})

    body = b"".join(response.streaming_content).decode("utf-8")
    assert body.startswith("\ufeff")  # spreadsheet programs read the Cyrillic labels as UTF-8
    rows = list(csv.reader(io.StringIO(body.lstrip("\ufeff"))))
    header, row = rows[0], dict(zip(rows[0], rows[1], strict=True))
    assert header[:6] == ["occurred_at_utc", "Время (Ташкент)", "username", "role", "Роль", "ip"]
    assert header[6:10] == ["action", "Действие", "outcome", "Результат"]
    assert (row["role"], row["Роль"]) == ("inspector", "Инспектор профилактики")
    assert row["action"] == "view" and row["Действие"] != "view"
    local = datetime.datetime.fromisoformat(row["occurred_at_utc"]).astimezone(TASHKENT)
    assert row["Время (Ташкент)"] == local.strftime("%d.%m.%Y %H:%M:%S")


def test_role_label_of_a_role_that_no_longer_exists_is_its_code():
    assert AuditEvent(actor_role="retired_role").actor_role_label == "retired_role"
    assert AuditEvent(actor_role="").actor_role_label == ""
