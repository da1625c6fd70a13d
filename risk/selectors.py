"""Reads of the risk tables for pages, API and exports. Scores and hot spots are figures about places (mahallas),
never about people; the caller restricts the mahallas to the user's territory (mahallas.scope) and passes them in.
"""

from __future__ import annotations

import math

from django.db.models import QuerySet
from django.utils import formats
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from incidents.models import IncidentCategory

from .models import Backtest, HotSpot, RankedBy, RiskScore, SpotKind

RISING = 1.5  # "times its usual rate" is said from this ratio on


def latest_week():
    """The Monday of the latest week with scores (None before the first run)."""
    return RiskScore.objects.order_by("-week").values_list("week", flat=True).first()


def ranking(mahallas: QuerySet, week=None) -> QuerySet:
    """The scores of `week` (default: the latest) of the given mahallas, highest risk first (the order the backtest
    allows: ranking.py)."""
    week = week or latest_week()
    if week is None:
        return RiskScore.objects.none()
    return (RiskScore.objects.filter(week=week, mahalla__in=mahallas.values("pk"))
            .select_related("mahalla", "mahalla__district").defer("mahalla__boundary", "mahalla__district__boundary")
            .order_by("rank_national"))


def hot_spots(mahallas: QuerySet, week=None, *, category_group: str = "all", significant_only: bool = True):
    """The hot spots of `week` (default: the latest computed) among the given mahallas."""
    if week is None:
        week = HotSpot.objects.filter(category_group=category_group).order_by("-week") \
            .values_list("week", flat=True).first()
    if week is None:
        return HotSpot.objects.none()
    spots = HotSpot.objects.filter(week=week, category_group=category_group, mahalla__in=mahallas.values("pk"))
    if significant_only:
        spots = spots.exclude(kind=SpotKind.NONE)
    return spots.select_related("mahalla").defer("mahalla__boundary").order_by("-z_score")


def latest_backtest(week=None) -> Backtest | None:
    backtests = Backtest.objects.all()
    if week is not None:
        backtests = backtests.filter(week__lte=week)
    return backtests.order_by("-week").first()


def group_names(codes) -> dict[str, str]:
    return {c.code: c.name for c in IncidentCategory.objects.filter(code__in=set(codes))}


def _number(value: float) -> str:
    return formats.number_format(round(value, 1), 1)


def explain(score: RiskScore, names: dict[str, str] | None = None) -> list[str]:
    """Why the mahalla ranks where it does, in words of the active language, from the stored components.
    `names` (group_names) saves a query per score when explaining a list."""
    c = score.components or {}
    crimes = c.get("crimes", {})
    groups = c.get("groups", [])
    if names is None:
        names = group_names(g["code"] for g in groups)
    lines = []
    if not crimes.get("52") and not crimes.get("4"):
        lines.append(_("No counted crimes in the last 52 weeks."))
    else:
        lines.append(_("%(n)s counted crimes in the last 4 weeks; usual: %(usual)s per 4 weeks.") % {
            "n": crimes.get("4", 0), "usual": _number(c.get("usual_4w", 0.0))})
    for group in groups:
        name = names.get(group["code"], group["code"])
        ratio = group.get("ratio")
        if ratio is not None and ratio >= RISING and group["crimes_4w"] >= 2:
            lines.append(_("%(group)s: %(n)s in the last 4 weeks, %(ratio)s times its usual rate.") % {
                "group": name, "n": group["crimes_4w"], "ratio": _number(ratio)})
        else:
            lines.append(_("%(group)s: %(n)s in the last 4 weeks.") % {"group": name, "n": group["crimes_4w"]})
    trend = c.get("trend", 0.0)
    if crimes.get("4", 0) >= 2 and trend >= math.log(RISING):
        lines.append(_("Rising: the last 4 weeks run at %(ratio)s times the year's rate.") % {
            "ratio": _number(math.exp(trend))})
    if c.get("hot_spot") == SpotKind.HOT:
        lines.append(_("The mahalla itself is a statistically significant hot spot."))
    hot = c.get("neighbours", {}).get("hot", 0)
    if hot:
        lines.append(ngettext("%(n)s neighbouring mahalla is a hot spot.",
                              "%(n)s neighbouring mahallas are hot spots.", hot) % {"n": hot})
    near = c.get("near_repeat_2w", 0)
    if near >= 2:
        lines.append(ngettext("%(n)s crime in the last 2 weeks here or next door (near-repeat).",
                              "%(n)s crimes in the last 2 weeks here or next door (near-repeat).", near) % {"n": near})
    alerts = c.get("alerts_4w", 0)
    if alerts:
        lines.append(ngettext("%(n)s confirmed camera alert in the last 4 weeks.",
                              "%(n)s confirmed camera alerts in the last 4 weeks.", alerts) % {"n": alerts})
    cyber = c.get("cyber", {}).get("crimes_4w", 0)
    if cyber:
        lines.append(_("Cybercrime (counted where the victims live, not in this ranking): %(n)s in the last 4 "
                       "weeks.") % {"n": cyber})
    if c.get("ranked_by") == RankedBy.COUNT:
        lines.append(_("Ranked by the last 12 weeks' count: the model has not beaten it in the backtest."))
    return lines
