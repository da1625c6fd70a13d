"""Dashboard table exports written for people: labels in the reader's language with the code beside them, months
as real dates in XLSX, ISO in CSV."""

import csv
import io

import pytest
from openpyxl import load_workbook

from tests.dashboards.conftest import _local_cache, _no_doorbell, seeded  # noqa: F401 - shared fixtures

pytestmark = pytest.mark.django_db

URL = "/dashboards/export/"


def _as(client, user, language):
    client.force_login(user)
    client.cookies["django_language"] = language
    return client


def test_trend_xlsx_months_are_real_dates(client, personas, seeded):  # noqa: F811
    response = _as(client, personas.national, "ru").get(URL, {"table": "trend", "format": "xlsx",
                                                              "period": "Q2-2025"})

    sheet = load_workbook(io.BytesIO(response.content)).active
    header, first = [c.value for c in sheet[1]], sheet[2]
    assert header[0] == "месяц"
    assert first[0].is_date and first[0].value.day == 1 and first[0].number_format == "DD.MM.YYYY"
    assert all(isinstance(c.value, int) for c in first[1:])


def test_units_of_a_district_csv_in_russian_has_colour_code_and_label(client, personas, territory,
                                                                      seeded):  # noqa: F811
    response = _as(client, personas.district_official, "ru").get(
        URL, {"table": "units", "format": "csv", "period": "Q2-2025", "district": territory.district_a1.pk})

    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    header = rows[0]
    assert header[-2:] == ["цвет зоны (код)", "цвет зоны"]
    labels = {"green": "зелёный", "yellow": "жёлтый", "red": "красный", "": ""}
    for row in rows[1:-1]:  # the last row is the total
        assert row[-1] == labels[row[-2]], row
