"""Excel round-trip: a roadmap as an official files it (XLSX), a blank import template, and the import parser.

The import validates every row first and reports every problem (row number, column, message); the caller imports
only a file without a single error, in one transaction (services.items_import). Text cells written out that start
with = + - @ get a leading quote so a spreadsheet never runs them as formulas.
"""

from __future__ import annotations

import datetime
import io
import zipfile
from dataclasses import dataclass

from django.utils import timezone, translation
from django.utils.formats import get_format
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from openpyxl import Workbook, load_workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from core.dates import date_or_text, today
from core.spreadsheets import plain_number, safe_cell

from .errors import RoadmapError
from .models import FocusArea, ItemStatus, Roadmap
from .services.values import clean_decimal, clean_item_data

MAX_IMPORT_BYTES = 2 * 1024 * 1024
MAX_IMPORT_ROWS = 300
# An XLSX is a zip: 2 MB of it can unpack to gigabytes. 300 rows of text need well under a megabyte.
MAX_UNPACKED_BYTES = 32 * 1024 * 1024
MAX_SHARED_STRINGS_BYTES = 8 * 1024 * 1024
MAX_ARCHIVE_MEMBERS = 500
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

THIN = Side(style="thin", color="999999")
BORDER = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
HEADER_FILL = PatternFill("solid", fgColor="DCE6F0")
WRAP = Alignment(wrap_text=True, vertical="top")


def _figure(value) -> str:
    """A KPI figure inside text for people: no trailing zeros, the reader's decimal mark ("2,5" in uz and ru)."""
    return plain_number(value).replace(".", get_format("DECIMAL_SEPARATOR"))


def kpi_text(kpi) -> str:
    actual = _figure(kpi.actual) if kpi.actual is not None else "—"
    unit = f" {kpi.unit}" if kpi.unit else ""
    return f"{kpi.indicator}: {actual} / {_figure(kpi.target)}{unit}"


def _width(sheet, widths):
    for index, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width


def roadmap_xlsx(roadmap: Roadmap, items, progress) -> bytes:
    """The roadmap as one sheet: a header naming territory, year, status and approver, then the measures."""
    wb = Workbook()
    ws = wb.active
    ws.title = _("Roadmap")[:31]
    columns = [pgettext("row number", "No"), _("Focus area"), _("Measure"), _("Responsible"), _("Start"),
               _("Deadline"), _("Status"), _("Progress, %"), _("KPIs")]
    _width(ws, [5, 22, 48, 28, 11, 11, 13, 10, 40])
    ws.append([_("Crime prevention roadmap for %(year)s") % {"year": roadmap.year}])
    ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(columns))
    ws["A1"].font = Font(bold=True, size=14)
    ws["A1"].alignment = Alignment(horizontal="center")
    approver = ""
    if roadmap.approved_by_id:
        approver = (f"{roadmap.approved_by.get_full_name() or roadmap.approved_by.get_username()}, "
                    f"{timezone.localtime(roadmap.approved_at):%d.%m.%Y}")
    header = [
        (_("Territory"), str(roadmap.territory)),
        (_("Year"), roadmap.year),
        (_("Status"), f"{roadmap.get_status_display()} · " + _("revision %(n)s") % {"n": roadmap.revision}),
        (_("Approved by"), approver or "—"),
    ]
    if roadmap.senior_official_name:
        header.append((_("Senior official"), f"{roadmap.senior_official_name}, {roadmap.senior_official_post}"
                       .strip(", ")))
        header.append((_("Review frequency"), roadmap.get_review_frequency_display()))
    for label, value in header:
        ws.append([None, label, safe_cell(value)])
        ws.cell(row=ws.max_row, column=2).font = Font(bold=True)
    ws.append([])
    ws.append(columns)
    header_row = ws.max_row
    for cell in ws[header_row]:
        cell.font = Font(bold=True)
        cell.fill = HEADER_FILL
        cell.border = BORDER
        cell.alignment = Alignment(wrap_text=True, vertical="center", horizontal="center")
    for number, item in enumerate(items, start=1):
        responsible = ", ".join(x for x in (item.responsible_organisation, item.responsible_person) if x)
        ws.append([number, item.get_focus_area_display(), safe_cell(item.title), safe_cell(responsible), item.start_on,
                   item.deadline, item.get_status_display(), item.progress,
                   safe_cell("\n".join(kpi_text(k) for k in item.kpis.all()))])
        for cell in ws[ws.max_row]:
            cell.border = BORDER
            cell.alignment = WRAP
        for column in (5, 6):
            ws.cell(row=ws.max_row, column=column).number_format = "DD.MM.YYYY"
    ws.append([])
    # A real percentage (a number shown as "65%"), not text.
    ws.append([None, _("Completion"), "—" if progress.completion_pct is None else progress.completion_pct / 100])
    ws.cell(row=ws.max_row, column=3).number_format = "0%"
    ws.append([None, _("Overdue measures"), progress.overdue])
    ws.append([None, _("KPIs behind target"), progress.kpis_behind])
    ws.freeze_panes = ws.cell(row=header_row + 1, column=1)
    ws.print_title_rows = f"{header_row}:{header_row}"
    ws.page_setup.orientation = "landscape"
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


# --- import -----------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Column:
    field: str
    label: str


def import_columns() -> list[Column]:
    return [
        Column("focus_area", _("Focus area")),
        Column("title", _("Measure")),
        Column("description", _("Description")),
        Column("responsible_organisation", _("Responsible organisation")),
        Column("responsible_person", _("Responsible person")),
        Column("start_on", _("Start")),
        Column("deadline", _("Deadline")),
        Column("status", _("Status")),
        Column("progress", _("Progress, %")),
        Column("kpi_indicator", _("KPI indicator")),
        Column("kpi_unit", _("KPI unit")),
        Column("kpi_baseline", _("KPI baseline")),
        Column("kpi_target", _("KPI target")),
    ]


def blank_template() -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.title = _("Measures")[:31]
    columns = import_columns()
    ws.append([c.label for c in columns])
    for cell in ws[1]:
        cell.font = Font(bold=True)
        cell.fill = HEADER_FILL
        cell.alignment = Alignment(wrap_text=True, vertical="center")
    _width(ws, [26, 48, 40, 28, 24, 12, 12, 14, 11, 30, 10, 12, 12])
    lists = wb.create_sheet(_("Lists")[:31])
    lists.append([_("Focus area"), _("Status")])
    focus, status = list(FocusArea.labels), list(ItemStatus.labels)
    for index in range(max(len(focus), len(status))):
        lists.append([str(focus[index]) if index < len(focus) else None,
                      str(status[index]) if index < len(status) else None])
    for ref, column, count in (("A2:A1000", "A", len(focus)), ("H2:H1000", "B", len(status))):
        rule = DataValidation(type="list", formula1=f"='{lists.title}'!${column}$2:${column}${count + 1}",
                              allow_blank=True)
        ws.add_data_validation(rule)
        rule.add(ref)
    example_start = datetime.date(today().year, 2, 1)
    ws.append([str(FocusArea.OUTREACH.label), _("Example: legal-literacy sessions on card fraud in schools"), "",
               _("District department of internal affairs"), "", example_start,
               example_start + datetime.timedelta(days=120), str(ItemStatus.PLANNED.label), 0,
               _("sessions held"), pgettext("KPI unit", "sessions"), 0, 12])
    for column in (6, 7):
        ws.cell(row=2, column=column).number_format = "YYYY-MM-DD"
    ws.freeze_panes = "A2"
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def _choice_lookup(choices) -> dict[str, str]:
    """Value by code or by label in any interface language, case-insensitive."""
    lookup = {}
    for code, _label in choices.choices:
        lookup[code.lower()] = code
    for language in ("uz", "ru", "en"):
        with translation.override(language):
            for code, label in choices.choices:
                lookup[str(label).strip().lower()] = code
    return lookup


def _cell_date(value):
    text = date_or_text(value)
    if not isinstance(text, str):
        return text
    for fmt in ("%Y-%m-%d", "%d.%m.%Y", "%d/%m/%Y"):
        try:
            return datetime.datetime.strptime(text, fmt).date()  # noqa: DTZ007 - a calendar date, no time
        except ValueError:
            continue
    return text  # left as text: clean_item_data reports it as an invalid date


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


@dataclass
class ImportResult:
    rows: list[dict]
    errors: list[dict]


def _check_unpacked_size(upload) -> None:
    """Refuse an archive whose members unpack to more than the limits, before openpyxl reads any of them.

    The sizes are the ones the archive declares; zipfile stops reading a member at its declared size (and fails
    its CRC check), so a member cannot unpack to more than it declares.
    """
    try:
        with zipfile.ZipFile(upload) as archive:
            members = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError):
        raise RoadmapError("file", _("This is not an Excel (.xlsx) file.")) from None
    finally:
        upload.seek(0)
    unpacked = sum(m.file_size for m in members)
    strings = sum(m.file_size for m in members if m.filename.lower().endswith("sharedstrings.xml"))
    if len(members) > MAX_ARCHIVE_MEMBERS or unpacked > MAX_UNPACKED_BYTES:
        raise RoadmapError("file", _("The workbook unpacks to more than %(mb)d MB: remove what the import does "
                                     "not need (other sheets, pictures) and try again.")
                           % {"mb": MAX_UNPACKED_BYTES // (1024 * 1024)})
    if strings > MAX_SHARED_STRINGS_BYTES:
        raise RoadmapError("file", _("The workbook holds more than %(mb)d MB of text: import at most %(n)d "
                                     "measures at a time.")
                           % {"mb": MAX_SHARED_STRINGS_BYTES // (1024 * 1024), "n": MAX_IMPORT_ROWS})


def parse_items(upload) -> ImportResult:
    """Every data row validated; `errors` holds {row, column, message} for each problem found."""
    if upload is None:
        raise RoadmapError("file", _("Choose a file."))
    if upload.size > MAX_IMPORT_BYTES:
        raise RoadmapError("file", _("The file is too large: at most %(mb)d MB.")
                           % {"mb": MAX_IMPORT_BYTES // (1024 * 1024)})
    _check_unpacked_size(upload)
    try:
        wb = load_workbook(upload, read_only=True, data_only=True)
    except Exception:  # openpyxl raises many kinds for a file that is not a workbook
        raise RoadmapError("file", _("This is not an Excel (.xlsx) file.")) from None
    ws = wb.worksheets[0]
    columns = import_columns()
    labels = {c.field: c.label for c in columns}
    focus_lookup, status_lookup = _choice_lookup(FocusArea), _choice_lookup(ItemStatus)
    result = ImportResult(rows=[], errors=[])
    data_rows = 0
    for number, values in enumerate(ws.iter_rows(min_row=2, max_col=len(columns), values_only=True), start=2):
        values = list(values) + [None] * (len(columns) - len(values))
        if all(v in (None, "") for v in values):
            continue
        data_rows += 1
        if data_rows > MAX_IMPORT_ROWS:
            wb.close()
            raise RoadmapError("file", _("At most %(n)d measures per import.") % {"n": MAX_IMPORT_ROWS})
        raw = {c.field: v for c, v in zip(columns, values, strict=True)}
        errors = []

        def error(field, message, _row=number, _errors=errors):
            _errors.append({"row": _row, "column": str(labels[field]), "message": str(message)})

        focus = _text(raw["focus_area"]).lower()
        status = _text(raw["status"]).lower()
        data = {
            "focus_area": focus_lookup.get(focus, focus or None),
            "title": _text(raw["title"]),
            "description": _text(raw["description"]),
            "responsible_organisation": _text(raw["responsible_organisation"]),
            "responsible_person": _text(raw["responsible_person"]),
            "start_on": _cell_date(raw["start_on"]),
            "deadline": _cell_date(raw["deadline"]),
            "status": status_lookup.get(status, status) if status else ItemStatus.PLANNED,
            "progress": _text(raw["progress"]) or 0,
        }
        cleaned = {}
        for field, value in data.items():
            if field in ("focus_area", "title", "deadline") and value in (None, ""):
                error(field, _("This field is required."))
                continue
            try:
                cleaned.update(clean_item_data({field: value}, partial=True))
            except RoadmapError as exc:
                error(exc.field, exc.message)
        if cleaned.get("start_on") and cleaned.get("deadline") and cleaned["deadline"] < cleaned["start_on"]:
            error("deadline", _("The deadline cannot be before the start."))
        kpi = None
        if any(raw[f] not in (None, "") for f in ("kpi_indicator", "kpi_unit", "kpi_baseline", "kpi_target")):
            indicator = _text(raw["kpi_indicator"])
            if not indicator:
                error("kpi_indicator", _("This field is required."))
            try:
                target = clean_decimal("kpi_target", raw["kpi_target"], required=True)
                baseline = clean_decimal("kpi_baseline", raw["kpi_baseline"])
            except RoadmapError as exc:
                error(exc.field, exc.message)
            else:
                kpi = {"indicator": indicator[:200], "unit": _text(raw["kpi_unit"])[:40], "target": target,
                       "baseline": baseline}
        if errors:
            result.errors.extend(errors)
        else:
            result.rows.append({**cleaned, "kpi": kpi})
    wb.close()
    if not result.rows and not result.errors:
        raise RoadmapError("file", _("The file has no measures below the header row."))
    return result
