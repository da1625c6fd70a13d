"""Where to go this week: the visit plans built from the risk ranking.

A field worker (inspector, social worker) gets their assigned mahallas in the order of the week's ranking, with
the time since their own last visit there, the follow-ups of their visits and the support-case reviews falling
due this week; a mahalla is "done" as soon as they log a visit there this week (computed from the visits, never
ticked by hand). A district official gets the district's ranking with the mahallas that have no inspector or no
visit in the last 30 days marked, and the high-risk ones offered as a roadmap measure.

All reads start from `visible_to(user)` or the user's scope; nothing here writes.
"""

from __future__ import annotations

import datetime
import math
from dataclasses import dataclass, field

from django.db.models import Count, Max

from accounts.capabilities import can
from core import dates
from incidents.models import FieldVisit, SupportCase
from incidents.selectors.coverage import COVERAGE_WINDOW_DAYS, coverage
from incidents.selectors.due import follow_ups_due
from mahallas.models import Mahalla
from mahallas.scope import ScopeLevel, scope_of

from . import queries
from .models import Backtest, RankedBy, RiskScore

# The top share of a district's ranking counted as high risk: where a roadmap measure is offered.
HIGH_RISK_SHARE = 0.2


def week_bounds(today: datetime.date | None = None) -> tuple[datetime.date, datetime.date]:
    """Monday and Sunday of the Tashkent week holding `today`."""
    today = today or dates.today()
    start = today - datetime.timedelta(days=today.weekday())
    return start, start + datetime.timedelta(days=6)


def score_week(end: datetime.date) -> datetime.date | None:
    """The newest scored week that has begun by `end` (a plan never reads a future week's scores)."""
    return RiskScore.objects.filter(week__lte=end).aggregate(week=Max("week"))["week"]


def high_risk_count(total: int) -> int:
    return max(1, math.ceil(total * HIGH_RISK_SHARE)) if total else 0


@dataclass
class PlanItem:
    mahalla: Mahalla
    score: RiskScore | None
    value: float | None
    hot: str
    last_visit: datetime.datetime | None
    follow_ups: int
    reviews: int
    visits_this_week: int
    words: list[str] = field(default_factory=list)
    position: int = 0

    days_since: int | None = None

    @property
    def done(self) -> bool:
        return self.visits_this_week > 0

    def days_since_visit(self, today: datetime.date) -> int | None:
        return None if self.last_visit is None else (today - dates.local_date(self.last_visit)).days


@dataclass
class VisitPlan:
    start: datetime.date
    end: datetime.date
    today: datetime.date
    week: datetime.date | None
    ranked_by: str
    backtest: Backtest | None
    items: list[PlanItem]

    @property
    def done_count(self) -> int:
        return sum(1 for item in self.items if item.done)


def _counts(qs, key: str = "mahalla_id") -> dict[int, int]:
    return {row[key]: row["n"] for row in qs.order_by().values(key).annotate(n=Count("*"))}


def field_plan(user, today: datetime.date | None = None) -> VisitPlan:
    """The plan of an inspector or a social worker for the week holding `today`."""
    today = today or dates.today()
    start, end = week_bounds(today)
    mahallas = list(Mahalla.objects.visible_to(user).defer("boundary").select_related("district")
                    .defer("district__boundary").order_by("name_uz", "id"))
    ids = [m.pk for m in mahallas]
    week = score_week(end)
    backtest = queries.backtest_for(week)
    by = queries.ranked_by(backtest)
    scores = {s.mahalla_id: s for s in queries.scores_for(user, week, mahalla_ids=ids)}
    hot = queries.hot_spot_kinds(user, queries.hot_spot_week(week), mahalla_ids=ids)
    mine = FieldVisit.objects.visible_to(user).filter(by=user, mahalla_id__in=ids)
    last = dict(mine.order_by().values("mahalla_id").annotate(last=Max("visited_at")).values_list("mahalla_id",
                                                                                                  "last"))
    this_week = _counts(mine.filter(visited_at__gte=dates.midnight(start),
                                    visited_at__lt=dates.midnight(end + datetime.timedelta(days=1))))
    # Follow-ups falling due by Sunday are part of this week's plan, not only those due today.
    follow_ups = _counts(follow_ups_due(user=user, today=today, ahead=(end - today).days))
    # Reviews falling due by Sunday that the user may carry out (as on the home page's due list: a social worker's
    # own cases; an inspector reads the cases of their mahallas but does not review them).
    reviews: dict[int, int] = {}
    for case in (SupportCase.objects.visible_to(user).exclude(status=SupportCase.Status.CLOSED)
                 .filter(next_review_on__lte=end, mahalla_id__in=ids).select_related("mahalla")
                 .defer("mahalla__boundary")):
        if can(user, "incidents.edit_case", case):
            reviews[case.mahalla_id] = reviews.get(case.mahalla_id, 0) + 1
    sentences = dict(zip(scores, queries.words_many(list(scores.values())), strict=True))
    items = []
    for mahalla in mahallas:
        score = scores.get(mahalla.pk)
        items.append(PlanItem(
            mahalla=mahalla, score=score, value=queries.ranking_value(score, by) if score else None,
            hot=hot.get(mahalla.pk, ""), last_visit=last.get(mahalla.pk), follow_ups=follow_ups.get(mahalla.pk, 0),
            reviews=reviews.get(mahalla.pk, 0), visits_this_week=this_week.get(mahalla.pk, 0),
            words=sentences.get(mahalla.pk, [])))
    for item in items:
        item.days_since = item.days_since_visit(today)
    _order(items, today)
    return VisitPlan(start=start, end=end, today=today, week=week, ranked_by=by, backtest=backtest, items=items)


def _order(items: list[PlanItem], today: datetime.date) -> None:
    """What is left to do first; then the riskiest; then what has waited longest for a visit (never visited
    first). Positions follow the risk alone, so a ticked mahalla keeps its number."""
    by_risk = sorted(items, key=lambda i: (i.value is None, -(i.value or 0.0), i.mahalla.name_uz))
    for position, item in enumerate(by_risk, start=1):
        item.position = position

    def waited(item: PlanItem) -> int:
        days = item.days_since_visit(today)
        return -10**6 if days is None else -days

    items.sort(key=lambda i: (i.done, i.value is None, -(i.value or 0.0), waited(i), i.mahalla.name_uz))


# --- a district official's plan ----------------------------------------------------------------------------

@dataclass
class DistrictRow:
    position: int
    score: RiskScore
    value: float
    hot: str
    has_inspector: bool
    visits_30d: int
    high_risk: bool
    may_add_measure: bool
    words: list[str] = field(default_factory=list)

    @property
    def mahalla(self):
        return self.score.mahalla

    @property
    def no_recent_visit(self) -> bool:
        return self.visits_30d == 0

    @property
    def highlighted(self) -> bool:
        return not self.has_inspector or self.no_recent_visit


@dataclass
class DistrictPlan:
    district_id: int
    start: datetime.date
    end: datetime.date
    week: datetime.date | None
    ranked_by: str
    backtest: Backtest | None
    rows: list[DistrictRow]
    window_days: int = COVERAGE_WINDOW_DAYS

    @property
    def highlighted_count(self) -> int:
        return sum(1 for row in self.rows if row.highlighted)


def district_plan(user, today: datetime.date | None = None) -> DistrictPlan | None:
    """The district official's district ranked for the week; None for a user without one district."""
    scope = scope_of(user)
    if scope.level != ScopeLevel.DISTRICT:
        return None
    today = today or dates.today()
    start, end = week_bounds(today)
    week = score_week(end)
    backtest = queries.backtest_for(week)
    by = queries.ranked_by(backtest)
    scores = list(queries.ordered(queries.scores_for(user, week, district_id=scope.district_id), by))
    cover = {m.pk: m for m in coverage(user=user, district_id=scope.district_id)}
    hot = queries.hot_spot_kinds(user, queries.hot_spot_week(week), mahalla_ids=[s.mahalla_id for s in scores])
    high = high_risk_count(len(scores))
    sentences = queries.words_many(scores)
    rows = []
    for position, score in enumerate(scores, start=1):
        covered = cover.get(score.mahalla_id)
        rows.append(DistrictRow(
            position=position, score=score, value=queries.ranking_value(score, by), hot=hot.get(score.mahalla_id, ""),
            has_inspector=bool(covered and covered.has_inspector), visits_30d=covered.visits_30d if covered else 0,
            high_risk=position <= high, may_add_measure=position <= high and can(user, "risk.add_measure",
                                                                                   score.mahalla),
            words=sentences[position - 1]))
    return DistrictPlan(district_id=scope.district_id, start=start, end=end, week=week, ranked_by=by,
                        backtest=backtest, rows=rows)


def district_position(score: RiskScore, by: str) -> tuple[int, int]:
    """(position, mahallas) of a score in its district's ranking of its week, by the ranking in force."""
    peers = RiskScore.objects.filter(week=score.week, mahalla__district_id=score.mahalla.district_id)
    value = queries.ranking_value(score, by)
    field_name = "baseline_count" if by == RankedBy.COUNT else "score"
    ahead = peers.filter(**{f"{field_name}__gt": value}).count()
    return ahead + 1, peers.count()
