"""One click from a high-risk mahalla to a measure in its roadmap: the district official's answer to the ranking.

The measure goes into the mahalla's roadmap of the current year through `roadmaps.services` (a draft is started
where the mahalla has none; a submitted or approved roadmap refuses new measures, as it does on the roadmap
pages), in one transaction, audited with the risk figures it answers.
"""

from __future__ import annotations

import datetime

from django.db import transaction
from django.utils.translation import gettext as _

from accounts.capabilities import can
from audit.models import AuditEvent
from audit.services import audit_record
from core import dates
from core.errors import DomainError
from mahallas.models import Mahalla
from roadmaps.models import FocusArea, RoadmapItem
from roadmaps.services import items_create_for_mahallas

from . import queries
from .models import RiskScore
from .visits import district_position, high_risk_count, score_week, week_bounds

# The measure runs over the score's horizon: the 4 weeks the ranking forecasts.
MEASURE_DAYS = 28


class RiskMeasureError(DomainError):
    pass


def measure_title(week: datetime.date) -> str:
    return _("Targeted prevention visits in a high-risk mahalla (risk ranking of the week of %(week)s)") % {
        "week": week.strftime("%d.%m.%Y")}


@transaction.atomic
def measure_add(*, by, mahalla: Mahalla, today: datetime.date | None = None) -> RoadmapItem:
    """Add the prevention measure for `mahalla` from its latest risk score; refused unless the caller writes the
    mahalla's roadmap and the mahalla is among the high-risk share of its district."""
    if not can(by, "risk.add_measure", mahalla):
        raise RiskMeasureError("mahalla", _("You may add measures only to the roadmaps of your district's "
                                            "mahallas."))
    today = today or dates.today()
    # The week the district's plan shows (never a week not begun yet).
    week = score_week(week_bounds(today)[1])
    score = (RiskScore.objects.select_related("mahalla").filter(mahalla=mahalla, week=week).first()
             if week else None)
    if score is None:
        raise RiskMeasureError("mahalla", _("This mahalla has no risk score yet."))
    by_ranking = queries.ranked_by(queries.backtest_for(week))
    position, total = district_position(score, by_ranking)
    if position > high_risk_count(total):
        raise RiskMeasureError("mahalla", _("Only the highest-risk mahallas of the district (the top %(n)d) get a "
                                            "measure from the ranking.") % {"n": high_risk_count(total)})
    title = measure_title(week)
    if RoadmapItem.objects.filter(roadmap__mahalla=mahalla, roadmap__year=today.year, title=title).exists():
        raise RiskMeasureError("mahalla", _("This mahalla's roadmap already has the measure of this week's "
                                            "ranking."))
    description = "\n".join(queries.words(score))
    [item] = items_create_for_mahallas(
        by=by, district=mahalla.district, year=today.year, mahallas=[mahalla], focus_area=FocusArea.OUTREACH,
        title=title, description=description,
        responsible_organisation=_("District prevention inspectorate"), start_on=today,
        deadline=today + datetime.timedelta(days=MEASURE_DAYS))
    audit_record(action=AuditEvent.Action.CREATE, actor=by, obj=item, territory=mahalla,
                 details={"from": "risk", "week": week.isoformat(), "position_in_district": position,
                          "ranked_by": by_ranking, "score": round(score.score, 3),
                          "baseline_count": score.baseline_count})
    return item
