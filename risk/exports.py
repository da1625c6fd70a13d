"""CSV and XLSX files of the risk ranking: the rows the page shows, for the whole of the user's territory. Cells
go through core.sheet_cells (real numbers and dates in XLSX, safe text against CSV injection); the view audits
each download."""

from __future__ import annotations

import csv
import io

from django.http import HttpResponse
from django.utils.translation import gettext as _
from openpyxl import Workbook

from core.numbers import rounded
from core.sheet_cells import choice_label, code_title, csv_value, xlsx_row
from core.spreadsheets import safe_cell

from .models import RankedBy, SpotKind

FORMATS = ("csv", "xlsx")


def ranking_rows(rows, *, by: str) -> tuple[list, list[list]]:
    header = [_("position"), _("week (Monday)"), _("code"), _("mahalla"), _("district"), _("risk score"),
              _("crimes in the last 12 weeks"), _("cybercrime risk"), _("national rank"), _("rank in district"),
              code_title(_("hot spot")), _("hot spot"), code_title(_("ranking used")), _("ranking used"),
              _("why")]
    cells = []
    for row in rows:
        score = row.score
        cells.append([
            row.position, score.week, score.mahalla.code, score.mahalla.name, score.mahalla.district.name,
            rounded(score.score, 3), score.baseline_count, rounded(score.cyber_score, 3), score.rank_national,
            score.rank_district, row.hot, choice_label(SpotKind, row.hot) if row.hot else "",
            by, choice_label(RankedBy, by), "; ".join(row.words)])
    return header, cells


def export_response(*, fmt: str, filename: str, header: list, rows: list[list]) -> HttpResponse:
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
        sheet = workbook.create_sheet(title="ranking")
        sheet.append([safe_cell(str(h)) for h in header])
        for row in rows:
            sheet.append(xlsx_row(sheet, row))
        out = io.BytesIO()
        workbook.save(out)
        response = HttpResponse(
            out.getvalue(), content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    response["Content-Disposition"] = f'attachment; filename="{filename}.{fmt}"'
    return response
