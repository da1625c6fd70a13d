"""CSV and XLSX files of the risk ranking: the rows the page shows, for the whole of the user's territory. Cells
go through core.sheet_cells (real numbers and dates in XLSX, safe text against CSV injection); the view audits
each download."""

from __future__ import annotations

from django.utils.translation import gettext as _

from core.numbers import rounded
from core.sheet_cells import choice_label, code_title

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
