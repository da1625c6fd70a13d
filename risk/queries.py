"""Scoped reads the risk pages, the API and the exports need: the ranking of a week for the user's territory, its
hot spots (also as a GeoJSON layer), and the backtest that decides which ranking is shown.

Every read of scores starts from the user's territory (`mahallas.scope`): a mahalla outside it is not in any
answer. The computation (scores, hot spots, backtests) is written by `risk.scoring`, `risk.hotspots` and
`risk.backtest`; this module only reads what they stored.
"""

from __future__ import annotations

import datetime
import math
import statistics
from dataclasses import dataclass, field

from django.db import connection
from django.db.models import Max, QuerySet
from django.urls import reverse
from django.utils.translation import gettext as _

from core import formats
from mahallas.models import name_field
from mahallas.scope import scope_of

from .models import Backtest, HotSpot, RankedBy, RiskScore, SpotKind

ALL_GROUPS = "all"
SIGNIFICANT = (SpotKind.HOT, SpotKind.COLD)
# The hit-rate thresholds of the backtest: the share of crimes in the top 5 / 10 / 20 % of mahallas.
TOPS = ("5", "10", "20")


def latest_week() -> datetime.date | None:
    """The newest week scored (scores are computed for the whole country at once)."""
    return RiskScore.objects.aggregate(week=Max("week"))["week"]


def parse_week(value: str | None) -> datetime.date | None:
    """A week named by a date ("2026-03-02") or an ISO week ("2026-W10"), as its Monday; None when unreadable."""
    text = (value or "").strip()
    if not text:
        return None
    try:
        if "W" in text.upper():
            year, week = text.upper().split("-W")
            return datetime.date.fromisocalendar(int(year), int(week), 1)
        day = datetime.date.fromisoformat(text)
    except ValueError:
        return None
    return day - datetime.timedelta(days=day.weekday())


def backtest_for(week: datetime.date | None) -> Backtest | None:
    """The backtest in force for a week's ranking: the newest computed for that week or before it."""
    if week is None:
        return None
    return Backtest.objects.filter(week__lte=week).order_by("-week", "-id").first()


def ranked_by(backtest: Backtest | None) -> str:
    """Backtest before trust: without a backtest, or where the model did not beat the count baseline, the
    mahallas are ranked by the baseline (last 12 weeks' count)."""
    if backtest is None or not backtest.beats_count_baseline:
        return RankedBy.COUNT
    return backtest.ranked_by or RankedBy.MODEL


def scores_for(user, week: datetime.date | None, *, region_id: int | None = None,
               district_id: int | None = None, mahalla_ids=None) -> QuerySet:
    """The week's scores of the mahallas the user may see."""
    if week is None:
        return RiskScore.objects.none()
    qs = scope_of(user).apply(RiskScore.objects.filter(week=week), "mahalla")
    if region_id:
        qs = qs.filter(mahalla__district__region_id=region_id)
    if district_id:
        qs = qs.filter(mahalla__district_id=district_id)
    if mahalla_ids is not None:
        qs = qs.filter(mahalla_id__in=list(mahalla_ids))
    return (qs.select_related("mahalla", "mahalla__district")
            .defer("mahalla__boundary", "mahalla__district__boundary"))


def ordered(qs: QuerySet, by: str) -> QuerySet:
    # Ties as risk.ranking breaks them: the other measure, then the mahalla.
    if by == RankedBy.COUNT:
        return qs.order_by("-baseline_count", "-score", "mahalla_id")
    return qs.order_by("-score", "-baseline_count", "mahalla_id")


def ranking_value(score: RiskScore, by: str) -> float:
    """The figure a mahalla is ranked on: the model's expected crimes, or the baseline's count."""
    return float(score.baseline_count if by == RankedBy.COUNT else score.score)


def hot_spot_kinds(user, week: datetime.date | None, *, mahalla_ids=None,
                   group: str = ALL_GROUPS) -> dict[int, str]:
    """Mahalla id -> "hot" / "cold" for the week's significant spots the user may see."""
    if week is None:
        return {}
    qs = scope_of(user).apply(HotSpot.objects.filter(week=week, category_group=group, kind__in=SIGNIFICANT),
                              "mahalla")
    if mahalla_ids is not None:
        qs = qs.filter(mahalla_id__in=list(mahalla_ids))
    return dict(qs.values_list("mahalla_id", "kind"))


def hot_spots_for(user, week: datetime.date | None, *, group: str = ALL_GROUPS,
                  significant_only: bool = True) -> QuerySet:
    if week is None:
        return HotSpot.objects.none()
    qs = scope_of(user).apply(HotSpot.objects.filter(week=week, category_group=group), "mahalla")
    if significant_only:
        qs = qs.filter(kind__in=SIGNIFICANT)
    return (qs.select_related("mahalla", "mahalla__district")
            .defer("mahalla__boundary", "mahalla__district__boundary").order_by("-z_score", "mahalla_id"))


def hot_spot_week(week: datetime.date | None) -> datetime.date | None:
    """The newest week with hot spots up to `week` (hot spots may be computed apart from the scores)."""
    qs = HotSpot.objects.all() if week is None else HotSpot.objects.filter(week__lte=week)
    return qs.aggregate(week=Max("week"))["week"]


# --- words -------------------------------------------------------------------------------------------------

def _explainer():
    """`risk.selectors.explain` (the computation knows its components) and, where it has one, its batch helper
    `group_names`; (None, None) until those exist, and the raw components are listed instead."""
    try:
        from . import selectors
    except ImportError:
        return None, None
    return getattr(selectors, "explain", None), getattr(selectors, "group_names", None)


def words(score: RiskScore) -> list[str]:
    """Why the mahalla ranks where it does, in sentences."""
    return words_many([score])[0]


def words_many(scores: list[RiskScore]) -> list[list[str]]:
    """The sentences of many scores, the category names read once for all of them (not once per score)."""
    explain, group_names = _explainer()
    if explain is None:
        return [raw_components(s.components) for s in scores]
    if group_names is None:
        return [[str(line) for line in explain(s)] for s in scores]
    codes = {g.get("code") for s in scores if isinstance(s.components, dict)
             for g in s.components.get("groups", []) if isinstance(g, dict)}
    names = group_names(c for c in codes if c)
    return [[str(line) for line in explain(s, names)] for s in scores]


def raw_components(components) -> list[str]:
    if not isinstance(components, dict):
        return []
    lines = []
    for key, value in sorted(components.items()):
        if isinstance(value, bool) or value is None:
            continue
        if isinstance(value, int | float):
            lines.append(f"{key.replace('_', ' ')}: {formats.number(value, 2 if isinstance(value, float) else 0)}")
        elif isinstance(value, str):
            lines.append(f"{key.replace('_', ' ')}: {value}")
    return lines


# --- the ranking -------------------------------------------------------------------------------------------

@dataclass
class RankRow:
    position: int
    score: RiskScore
    value: float
    hot: str = ""
    words: list[str] = field(default_factory=list)

    @property
    def mahalla(self):
        return self.score.mahalla


def rank_rows(user, scores: list[RiskScore], *, by: str, week, first_position: int = 1,
              with_words: bool = True) -> list[RankRow]:
    """The rows of one page of a ranking (scores already in order), with hot-spot marks and words."""
    kinds = hot_spot_kinds(user, hot_spot_week(week), mahalla_ids=[s.mahalla_id for s in scores])
    sentences = words_many(scores) if with_words else [[] for _s in scores]
    return [RankRow(position=first_position + i, score=s, value=ranking_value(s, by),
                    hot=kinds.get(s.mahalla_id, ""), words=sentences[i])
            for i, s in enumerate(scores)]


# --- the backtest table ------------------------------------------------------------------------------------

def _labels() -> dict[str, str]:
    return {"model": _("risk model"), "count": _("last 12 weeks' count"), "kde": _("kernel density")}


def _stat(value) -> tuple[float | None, float | None]:
    """(mean, spread) of a stored figure: a number, {"mean", "sd"} (or std/spread), or the weekly values."""
    if isinstance(value, bool) or value is None:
        return None, None
    if isinstance(value, int | float):
        return float(value), None
    if isinstance(value, dict):
        mean = next((value[k] for k in ("mean", "value") if isinstance(value.get(k), int | float)), None)
        spread = next((value[k] for k in ("sd", "std", "spread", "stdev") if isinstance(value.get(k), int | float)),
                      None)
        if mean is None and isinstance(value.get("weekly"), list):
            return _stat(value["weekly"])
        return mean, spread
    if isinstance(value, list):
        numbers = [float(v) for v in value if isinstance(v, int | float) and not isinstance(v, bool)]
        if not numbers:
            return None, None
        return statistics.fmean(numbers), statistics.stdev(numbers) if len(numbers) > 1 else None
    return None, None


def _at_top(block, top: str):
    if not isinstance(block, dict):
        return None
    for key in (top, f"top{top}", f"top_{top}", f"{top}%", f"hit_rate_{top}", f"pai_{top}"):
        if key in block:
            return block[key]
    return None


def _as_percent(value: float | None) -> float | None:
    # Hit rates are stored as shares (0..1); a reader sees percent.
    return None if value is None or math.isnan(value) else value * 100


@dataclass
class BacktestRow:
    key: str
    label: str
    hit: list[tuple[float | None, float | None]]
    pai: list[tuple[float | None, float | None]]

    @property
    def hit_cells(self) -> list[dict]:
        return [{"top": t, "mean": m, "spread": s} for t, (m, s) in zip(TOPS, self.hit, strict=True)]

    @property
    def pai_cells(self) -> list[dict]:
        return [{"top": t, "mean": m, "spread": s} for t, (m, s) in zip(TOPS, self.pai, strict=True)]


def _method_stats(method: dict, measure: str, top: str) -> tuple[float | None, float | None]:
    """(mean, spread) of one measure ("hit" or "pai") at one top share, from the shapes a backtest stores:
    {"mean": {"hit": {"5": m}}, "sd": {"hit": {"5": s}}} (risk.backtest), else the weekly values {"hit": {"5": [...]}},
    else {"hit_rate": {"5": {"mean", "sd"}}}."""
    means, spreads = method.get("mean"), method.get("sd")
    if isinstance(means, dict) and isinstance(means.get(measure), dict):
        mean, _none = _stat(_at_top(means[measure], top))
        spread = None
        if isinstance(spreads, dict) and isinstance(spreads.get(measure), dict):
            spread, _none = _stat(_at_top(spreads[measure], top))
        return mean, spread
    aliases = ("hit", "hit_rate", "hit_rates") if measure == "hit" else ("pai",)
    block = next((method[k] for k in aliases if isinstance(method.get(k), dict)), None)
    return _stat(_at_top(block, top))


def backtest_table(backtest: Backtest | None) -> list[BacktestRow]:
    """One row per method (the model first, then the baselines): mean hit rate (in percent) and predictive
    accuracy index at the top 5 / 10 / 20 % of mahallas, each with its spread (standard deviation) across the
    weeks tested."""
    if backtest is None or not isinstance(backtest.results, dict):
        return []
    methods = backtest.results.get("methods", backtest.results)
    if not isinstance(methods, dict):
        return []
    labels = _labels()
    keys = [k for k in labels if k in methods] + sorted(k for k in methods if k not in labels)
    rows = []
    for key in keys:
        method = methods[key]
        if not isinstance(method, dict):
            continue
        hit = []
        for top in TOPS:
            mean, spread = _method_stats(method, "hit", top)
            hit.append((_as_percent(mean), _as_percent(spread)))
        pai = [_method_stats(method, "pai", top) for top in TOPS]
        rows.append(BacktestRow(key=key, label=labels.get(key, key.replace("_", " ")), hit=hit, pai=pai))
    return rows


@dataclass
class Difference:
    """The model's weekly hit rate minus the count baseline's, at one top share: the rule "beats" is read on."""

    top: str
    mean: float | None
    low: float | None
    high: float | None
    weeks: int | None


def backtest_difference(backtest: Backtest | None) -> Difference | None:
    """`results["difference"]` in percentage points: mean and 95% interval of the weekly differences."""
    if backtest is None or not isinstance(backtest.results, dict):
        return None
    d = backtest.results.get("difference")
    if not isinstance(d, dict):
        return None
    interval = d.get("ci95") if isinstance(d.get("ci95"), list | tuple) and len(d.get("ci95")) == 2 else [None, None]
    mean, _none = _stat(d.get("mean"))
    low, _none = _stat(interval[0])
    high, _none = _stat(interval[1])
    weeks = d.get("weeks") if isinstance(d.get("weeks"), int) else None
    return Difference(top=str(d.get("top", "10")), mean=_as_percent(mean), low=_as_percent(low),
                      high=_as_percent(high), weeks=weeks)


# --- the hot-spot map layer --------------------------------------------------------------------------------

def _mahalla_url_sql() -> tuple[str, list]:
    """SQL building each feature's page URL from one reversed URL (no Python per feature)."""
    sentinel = 987654321
    prefix, _found, suffix = reverse("territories:mahalla", args=[sentinel]).partition(str(sentinel))
    return "(%s || m.id::text || %s)", [prefix, suffix]


def hot_spots_geojson(user, week: datetime.date | None, *, group: str = ALL_GROUPS, region_id: int | None = None,
                      district_id: int | None = None, tolerance: float = 0.0005) -> str:
    """A FeatureCollection of the week's significant hot and cold spots the user may see: each mahalla's outline
    (simplified by `tolerance` degrees) with kind, z-score, p-value, name and link. One statement."""
    if week is None:
        return '{"type": "FeatureCollection", "features": []}'
    inner = (scope_of(user).apply(HotSpot.objects.filter(week=week, category_group=group, kind__in=SIGNIFICANT),
                                  "mahalla"))
    if region_id:
        inner = inner.filter(mahalla__district__region_id=region_id)
    if district_id:
        inner = inner.filter(mahalla__district_id=district_id)
    inner = inner.values("mahalla_id", "kind", "z_score", "p_value")
    inner_sql, inner_params = inner.query.sql_with_params()
    url_sql, url_params = _mahalla_url_sql()
    name = name_field()  # a column name from a fixed list, never user input
    sql = f"""
        SELECT json_build_object('type', 'FeatureCollection', 'features', coalesce(json_agg(json_build_object(
            'type', 'Feature', 'id', m.id,
            'geometry', ST_AsGeoJSON(ST_SimplifyPreserveTopology(m.boundary, %s), 5)::json,
            'properties', json_build_object(
                'id', m.id, 'name', coalesce(nullif(m.{name}, ''), m.name_uz), 'kind', h.kind,
                'z', round(h.z_score::numeric, 2), 'p', round(h.p_value::numeric, 4), 'url', {url_sql})
        ) ORDER BY m.id), '[]'::json))::text
        FROM ({inner_sql}) AS h JOIN mahallas_mahalla m ON m.id = h.mahalla_id
        WHERE m.boundary IS NOT NULL
    """  # noqa: S608 - the interpolated pieces are built here from constants; values go in params
    with connection.cursor() as cursor:
        cursor.execute(sql, [tolerance, *url_params, *inner_params])
        return cursor.fetchone()[0]
