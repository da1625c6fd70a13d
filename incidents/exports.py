"""CSV (streamed) and XLSX (openpyxl write-only) files of list querysets.

Every text cell goes through core.spreadsheets.safe_cell: descriptions and addresses are typed by the public's
reports, and a spreadsheet would run one that looks like a formula (CSV injection). Headers and labels are in the
reader's language, each coded field keeps a code column beside its label; XLSX cells are real dates and numbers
(Tashkent time), CSV cells ISO dates and dot decimals (core.sheet_cells).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterable

from django.http import HttpResponse, StreamingHttpResponse
from django.utils import translation
from django.utils.translation import gettext_lazy as _
from openpyxl import Workbook

from accounts.capabilities import can
from core.sheet_cells import choice_label, coded_columns, csv_value, xlsx_row

from .models import FieldVisit, Incident, SupportCase

XLSX_MAX_ROWS = 100_000
CSV_CHUNK = 2000

Column = tuple[str, Callable]

INCIDENT_COLUMNS: list[Column] = [
    (_("id"), lambda o: o.pk),
    (_("mahalla code"), lambda o: o.mahalla.code),
    (_("mahalla"), lambda o: o.mahalla.name),
    (_("occurred at"), lambda o: o.occurred_at),
    (_("reported at"), lambda o: o.reported_at),
    *coded_columns(_("category"), lambda o: o.category.code, lambda o: o.category.name),
    *coded_columns(_("legal kind"), lambda o: o.legal_kind, lambda o: choice_label(Incident.LegalKind, o.legal_kind)),
    *coded_columns(_("source"), lambda o: o.source, lambda o: choice_label(Incident.Source, o.source)),
    *coded_columns(_("status"), lambda o: o.status, lambda o: choice_label(Incident.Status, o.status)),
    (_("minor involved"), lambda o: o.minor_involved),
    (_("youth involved"), lambda o: o.youth_involved),
    (_("woman victim"), lambda o: o.woman_victim),
    (_("financial loss (UZS)"), lambda o: o.financial_loss),
    (_("description"), lambda o: o.description),
    (_("created by"), lambda o: o.created_by.get_username()),
]

VISIT_COLUMNS: list[Column] = [
    (_("id"), lambda o: o.pk),
    (_("mahalla code"), lambda o: o.mahalla.code),
    (_("mahalla"), lambda o: o.mahalla.name),
    (_("by"), lambda o: o.by.get_username()),
    *coded_columns(_("kind"), lambda o: o.kind, lambda o: choice_label(FieldVisit.Kind, o.kind)),
    (_("visited at"), lambda o: o.visited_at),
    (_("address or household"), lambda o: o.address_or_household),
    (_("people reached"), lambda o: o.people_reached),
    *coded_columns(_("topics"), lambda o: " ".join(o.topics),
                   lambda o: "; ".join(choice_label(FieldVisit.Topic, t) for t in o.topics)),
    (_("outcome"), lambda o: o.outcome),
    (_("follow up on"), lambda o: o.follow_up_on),
]

CASE_COLUMNS: list[Column] = [
    (_("id"), lambda o: o.pk),
    (_("mahalla code"), lambda o: o.mahalla.code),
    (_("mahalla"), lambda o: o.mahalla.name),
    *coded_columns(_("category"), lambda o: o.category, lambda o: choice_label(SupportCase.Category, o.category)),
    *coded_columns(_("status"), lambda o: o.status, lambda o: choice_label(SupportCase.Status, o.status)),
    (_("person or household"), lambda o: o.subject_name),
    (_("age"), lambda o: o.subject_age),
    (_("address"), lambda o: o.subject_address),
    (_("needs"), lambda o: o.needs),
    *coded_columns(_("actions"), lambda o: " ".join(o.actions),
                   lambda o: "; ".join(choice_label(SupportCase.Action, a) for a in o.actions)),
    (_("social worker"), lambda o: o.social_worker.get_username()),
    (_("next review on"), lambda o: o.next_review_on),
    (_("review overdue"), lambda o: getattr(o, "is_overdue", False)),
]

COLUMNS = {Incident: INCIDENT_COLUMNS, FieldVisit: VISIT_COLUMNS, SupportCase: CASE_COLUMNS}
# What a visit's household told the inspector: exported only to those who may read it on the page.
HOUSEHOLD_COLUMNS = {str(_("address or household")), str(_("outcome"))}


def columns_for(model, user) -> list[Column]:
    columns = COLUMNS[model]
    if model is FieldVisit and not can(user, "incidents.read_household_details"):
        return [c for c in columns if str(c[0]) not in HOUSEHOLD_COLUMNS]
    return columns


def _rows(queryset, columns: list[Column], cell: Callable) -> Iterable[list]:
    yield [str(title) for title, _get in columns]
    for obj in queryset.iterator(chunk_size=CSV_CHUNK):
        yield [cell(get(obj)) for _title, get in columns]


class _Echo:
    def write(self, value):
        return value


def csv_response(queryset, filename: str, *, user) -> StreamingHttpResponse:
    writer = csv.writer(_Echo())
    columns = columns_for(queryset.model, user)

    language = translation.get_language()

    def stream():
        # The file streams after the view has returned: headers and labels in the language of the request.
        with translation.override(language):
            yield "\ufeff"  # a BOM, so spreadsheet programs read Uzbek and Russian text as UTF-8
            for row in _rows(queryset, columns, csv_value):
                yield writer.writerow(row)

    response = StreamingHttpResponse(stream(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}.csv"'
    response["Cache-Control"] = "no-store"
    return response


def xlsx_response(queryset, filename: str, *, user) -> HttpResponse:
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=filename[:31])
    for row in _rows(queryset, columns_for(queryset.model, user), lambda value: value):
        sheet.append(xlsx_row(sheet, row))
    buffer = io.BytesIO()
    workbook.save(buffer)
    response = HttpResponse(buffer.getvalue(),
                            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    response["Content-Disposition"] = f'attachment; filename="{filename}.xlsx"'
    response["Cache-Control"] = "no-store"
    return response
