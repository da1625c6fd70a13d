"""Incident exports written for people: headers and labels in the reader's language, a code column beside each
label; XLSX cells are real dates (Tashkent time) and numbers, CSV cells ISO dates and dot decimals."""

import csv
import datetime
import io
from decimal import Decimal

import pytest
from openpyxl import load_workbook
from rest_framework.test import APIClient

from core.dates import TASHKENT
from tests.incidents.factories import IncidentFactory

pytestmark = pytest.mark.django_db

EXPORT = "/api/v1/incidents/export/"
OCCURRED = datetime.datetime(2026, 3, 1, 20, 30, tzinfo=datetime.UTC)  # 2 March, 01:30 in Tashkent


@pytest.fixture
def incident(personas, territory):
    return IncidentFactory(mahalla=territory.mahalla_a1a, created_by=personas.inspector, occurred_at=OCCURRED,
                           financial_loss=Decimal("1250000.50"))


def _client(user, language):
    client = APIClient()
    client.force_login(user)
    client.cookies["django_language"] = language
    return client


def test_incident_xlsx_in_russian_has_labels_codes_real_dates_and_numbers(personas, incident):
    response = _client(personas.district_official, "ru").get(EXPORT + "xlsx/")

    sheet = load_workbook(io.BytesIO(response.content)).active
    header = [c.value for c in sheet[1]]
    row = dict(zip(header, sheet[2], strict=True))
    assert header[5:13] == ["категория (код)", "категория", "правовой вид (код)", "правовой вид",
                            "источник (код)", "источник", "статус (код)", "статус"]
    assert (row["категория (код)"].value, row["категория"].value) == ("theft", "Кража")
    assert (row["статус (код)"].value, row["статус"].value) == ("reported", "поступило")
    occurred = row["время события"]
    assert occurred.is_date and occurred.value == OCCURRED.astimezone(TASHKENT).replace(tzinfo=None)
    assert occurred.number_format == "DD.MM.YYYY HH:MM"
    assert row["материальный ущерб (сум)"].data_type == "n" and row["материальный ущерб (сум)"].value == 1250000.5


def test_incident_csv_in_uzbek_keeps_iso_dates_and_dot_decimals_with_label_columns(personas, incident):
    response = _client(personas.district_official, "uz").get(EXPORT + "csv/")

    body = b"".join(response.streaming_content).decode("utf-8-sig")
    header, row = list(csv.reader(io.StringIO(body)))[:2]
    assert header[5] == "toifa (kod)"
    assert row[3] == "2026-03-02T01:30:00+05:00"
    assert "1250000.5" in row
    assert row[5] == "theft" and row[6] not in ("", "theft")
