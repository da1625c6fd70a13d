"""Cell values for exports written for people and kept readable by machines.

XLSX: real spreadsheet values — a moment is a date-time in Tashkent time (a spreadsheet has no time zones), a day
a date, an amount a number — so a reader can sort, filter and sum without reformatting. CSV: the machine forms
(ISO 8601 with the +05:00 offset, a dot decimal), since a CSV has no types and is read back by scripts.
Either way a code keeps its own column and its label in the reader's language stands beside it
(`coded_columns`). Text still goes through core.spreadsheets.safe_cell (CSV injection).
"""

from __future__ import annotations

import csv
import datetime
import io
from collections.abc import Callable
from decimal import Decimal

from django.http import HttpResponse
from django.utils import timezone
from django.utils.functional import lazy
from django.utils.translation import gettext
from openpyxl import Workbook

from .dates import TASHKENT
from .spreadsheets import plain_number, safe_cell


def xlsx_value(value):
    if isinstance(value, datetime.datetime):
        if timezone.is_aware(value):
            value = timezone.localtime(value, TASHKENT)
        return value.replace(tzinfo=None)
    if isinstance(value, (datetime.date, int, float, Decimal)) and not isinstance(value, bool):
        return value
    return safe_cell(value)


def csv_value(value):
    if isinstance(value, datetime.datetime):
        if timezone.is_aware(value):
            value = timezone.localtime(value, TASHKENT)
        return value.isoformat(timespec="seconds")
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return plain_number(value)
    return safe_cell(value)


def _code_title(title) -> str:
    return gettext("%(field)s (code)") % {"field": title}


# The header of a code column ("status (code)"). Lazy: column lists are built once at import, their headers
# are written in each reader's language.
code_title = lazy(_code_title, str)


def coded_columns(title, code: Callable, label: Callable) -> list[tuple]:
    """Two columns for one coded field: the code for machines and re-import, then its label for people."""
    return [(code_title(title), code), (title, label)]


def choice_label(choices, code) -> str:
    """The label of `code` in a TextChoices class, or the code itself when it is not (or no longer) a choice."""
    return str(dict(choices.choices).get(code, code)) if code else ""


XLSX_FORMATS = {datetime.datetime: "DD.MM.YYYY HH:MM", datetime.date: "DD.MM.YYYY"}


def xlsx_row(sheet, values) -> list:
    """A row for a write-only sheet: each value as `xlsx_value`, dates shown day first whatever the reader's
    spreadsheet settings (still real dates: sortable, and formatted as the reader likes)."""
    from openpyxl.cell import WriteOnlyCell

    row = []
    for value in values:
        value = xlsx_value(value)
        fmt = XLSX_FORMATS.get(type(value))
        if fmt is None:
            row.append(value)
            continue
        cell = WriteOnlyCell(sheet, value=value)
        cell.number_format = fmt
        row.append(cell)
    return row


def export_response(*, table: str, fmt: str, filename: str, header: list, rows: list[list]) -> HttpResponse:
    """A table as a CSV (with a byte-order mark) or XLSX download; `table` names the sheet."""
    if fmt == "csv":
        buffer = io.StringIO()
        # A byte-order mark: Excel opens UTF-8 CSV (Cyrillic names) correctly only with it.
        buffer.write("\ufeff")
        writer = csv.writer(buffer)
        writer.writerow([safe_cell(str(h)) for h in header])
        writer.writerows([[csv_value(v) for v in row] for row in rows])
        response = HttpResponse(buffer.getvalue(), content_type="text/csv; charset=utf-8")
    else:
        workbook = Workbook(write_only=True)
        sheet = workbook.create_sheet(title=table[:31])
        sheet.append([safe_cell(str(h)) for h in header])
        for row in rows:
            sheet.append(xlsx_row(sheet, row))
        out = io.BytesIO()
        workbook.save(out)
        response = HttpResponse(
            out.getvalue(), content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    response["Content-Disposition"] = f'attachment; filename="{filename}.{fmt}"'
    return response
