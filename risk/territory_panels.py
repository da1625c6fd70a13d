"""The risk section of a mahalla's page (registered in RiskConfig.ready through territories.panels): where the
mahalla stands in its district's ranking this week, why, and whether it is a hot or cold spot."""

from __future__ import annotations

from accounts.capabilities import can

from . import queries, visits
from .models import RankedBy


def mahalla_panel(request, mahalla):
    user = request.user
    if not (can(user, "risk.view_ranking") or can(user, "risk.view_visit_plan")):
        return None
    week = visits.score_week(visits.week_bounds()[1])
    score = queries.scores_for(user, week, mahalla_ids=[mahalla.pk]).first()
    if score is None:
        return None
    by = queries.ranked_by(queries.backtest_for(week))
    position, total = visits.district_position(score, by)
    hot = queries.hot_spot_kinds(user, queries.hot_spot_week(week), mahalla_ids=[mahalla.pk]).get(mahalla.pk, "")
    return {
        "template": "risk/_mahalla_panel.html", "score": score, "by_count": by == RankedBy.COUNT,
        "position": position, "total": total, "high_risk": position <= visits.high_risk_count(total), "hot": hot,
        "words": queries.words(score), "may_rank": can(user, "risk.view_ranking"),
    }
