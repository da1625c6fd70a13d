"""The dashboard's tiles: each headline figure of the period beside the same figure of the comparison period
(`Period.comparison`)."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db.models import Count, Q, Sum
from django.utils.translation import gettext as _

from accounts.models import Assignment, Role
from core import dates, formats
from core.periods import Period
from roadmaps.selectors import territory_progress

from ..stats import COUNTERS
from .access import Scope, visible_mahallas
from .colours import ZoneCounts, zone_counts
from .sums import DISTRICT_STATS, pct, range_sums


@dataclass
class Tile:
    key: str
    label: str
    value: float | None
    previous: float | None = None
    kind: str = "count"  # count | percent | ratio
    note: str = ""
    available: bool = True
    unavailable_text: str = ""
    # Whether a rise is bad news (crimes) or good news (coverage): colours the change.
    rise_is_bad: bool | None = True

    @property
    def change(self) -> float | None:
        if self.value is None or self.previous is None:
            return None
        return self.value - self.previous

    @property
    def change_pct(self) -> float | None:
        if self.kind != "count" or self.change is None or not self.previous:
            return None
        return self.change / self.previous * 100

    @property
    def trend(self) -> str:
        change = self.change
        if change is None or abs(change) < 1e-9:
            return "same"
        if self.rise_is_bad is None:
            return "neutral"
        return "worse" if (change > 0) == self.rise_is_bad else "better"

    @staticmethod
    def _fmt(value, kind) -> str:
        if value is None:
            return "—"
        if kind == "percent":
            return formats.percent(value, 1)
        if kind == "ratio":
            return formats.number(value, 1)
        return formats.number(int(value))

    @property
    def display(self) -> str:
        return self._fmt(self.value, self.kind)

    @property
    def previous_display(self) -> str:
        return self._fmt(self.previous, self.kind)

    @property
    def change_display(self) -> str:
        change = self.change
        if change is None:
            return ""
        sign = "+" if change > 0 else ("−" if change < 0 else "±")
        if self.kind == "percent":
            return _("%(sign)s%(n)s pp") % {"sign": sign, "n": formats.number(abs(change), 1)}
        if self.kind == "ratio":
            return sign + formats.number(abs(change), 1)
        text = sign + formats.number(int(abs(change)))
        if self.change_pct is not None:
            text += f" ({sign}{formats.percent(abs(self.change_pct), 0)})"
        return text

    def as_dict(self) -> dict:
        return {"key": self.key, "label": str(self.label), "value": self.value, "previous": self.previous,
                "change": self.change, "kind": self.kind, "available": self.available, "note": str(self.note),
                "display": self.display if self.available else str(self.unavailable_text)}


def _sums(scope: Scope, period: Period, previous: Period, today) -> tuple[dict, dict]:
    """Both periods' counters over the per-district rows."""
    row = range_sums(DISTRICT_STATS, scope.stats_filter,
                     {"c": (period.start, period.effective_end(today), COUNTERS),
                      "p": (previous.start, previous.end, COUNTERS)})[None]
    return ({n: row[f"c_{n}"] for n in COUNTERS}, {n: row[f"p_{n}"] for n in COUNTERS})


def _coverage(user, scope: Scope, days: list[datetime.date]) -> dict:
    """Mahallas of the scope and, for each day, how many had an active inspector / social worker."""
    mahallas = visible_mahallas(user, scope)
    result = mahallas.aggregate(mahallas=Count("id"), population=Sum("population", default=0))
    # Counted from the assignments (thousands) rather than probed per mahalla (9,000 lookups per day and role).
    aggregates = {}
    for i, day in enumerate(days):
        active = Q(pk__in=Assignment.objects.active(day).values("pk"))
        aggregates[f"insp{i}"] = Count("mahalla_id", distinct=True, filter=active & Q(role=Role.INSPECTOR))
        aggregates[f"soc{i}"] = Count("mahalla_id", distinct=True, filter=active & Q(role=Role.SOCIAL_WORKER))
    result.update(Assignment.objects.visible_to(user).filter(mahalla__in=mahallas.values("pk"))
                  .aggregate(**aggregates))
    return result


def _roadmap_tiles(user, scope: Scope, period: Period, today) -> list[Tile]:
    year = (period.effective_end(today) - datetime.timedelta(days=1)).year
    progress = territory_progress(user, scope.territory, year=year, today=today, kpis=False)
    note = _("roadmaps of %(year)s in force") % {"year": year}
    return [
        Tile("roadmap_completion", _("Roadmap completion"), progress.completion, kind="percent", note=note,
             rise_is_bad=False),
        Tile("roadmap_overdue", _("Overdue roadmap measures"), progress.overdue,
             note=_("of %(n)s measures, as of today") % {"n": progress.items}),
    ]


def _zone_tiles(zones: ZoneCounts) -> list[Tile]:
    current = zones.total(0)
    before = zones.total(1) if zones.has_previous else None
    computed = current.green + current.yellow + current.red
    note = _("zone status %(period)s") % {"period": zones.label}
    if zones.previous_label:
        note = _("zone status %(period)s; before: all of %(previous)s") % {"period": zones.label,
                                                                          "previous": zones.previous_label}
    missing = _("not computed for %(period)s") % {"period": zones.label}
    prev_ok = before is not None and (before.green + before.yellow + before.red) > 0
    green_share = current.share("green") * 100 if current.mahallas else None
    return [
        Tile("green", _("Green mahallas"), current.green, before.green if prev_ok else None, rise_is_bad=False,
             note=(_("%(share)s of %(n)s mahallas · %(when)s")
                   % {"share": formats.percent(green_share or 0), "n": formats.number(current.mahallas),
                      "when": zones.label}),
             available=computed > 0, unavailable_text=missing),
        Tile("green_share", _("Green share"), green_share,
             before.share("green") * 100 if prev_ok else None, kind="percent", rise_is_bad=False, note=note,
             available=computed > 0, unavailable_text=missing),
        Tile("yellow", _("Yellow mahallas"), current.yellow, before.yellow if prev_ok else None, note=note,
             available=computed > 0, unavailable_text=missing),
        Tile("red", _("Red mahallas"), current.red, before.red if prev_ok else None, note=note,
             available=computed > 0, unavailable_text=missing),
    ]


def dashboard_tiles(user, scope: Scope, period: Period, *, today: datetime.date | None = None,
          zones: ZoneCounts | None = None) -> list[Tile]:
    today = today or dates.today()
    zones = zones or zone_counts(user, scope, period, today)
    previous = period.comparison(today)
    cur, prev = _sums(scope, period, previous, today)
    last_day = period.effective_end(today) - datetime.timedelta(days=1)
    cover = _coverage(user, scope, [max(last_day, period.start), max(previous.end - datetime.timedelta(days=1),
                                                                     previous.start)])
    mahallas = cover["mahallas"]
    result = [
        Tile("crimes", _("Registered crimes"), cur["crimes"], prev["crimes"],
             note=_("%(rate)s per 1,000 residents") % {
                 "rate": formats.number(cur["crimes"] * 1000 / cover["population"], 2)
                 if cover["population"] else "—"}),
        *_zone_tiles(zones),
        Tile("cyber_share", _("Cybercrime share"), pct(cur["cyber"], cur["crimes"]),
             pct(prev["cyber"], prev["crimes"]), kind="percent",
             note=_("%(n)s cybercrimes") % {"n": cur["cyber"]}),
        Tile("bank_card_share", _("Bank-card share of cybercrime"), pct(cur["bank_card"], cur["cyber"]),
             pct(prev["bank_card"], prev["cyber"]), kind="percent",
             note=_("%(n)s bank-card cybercrimes") % {"n": cur["bank_card"]}),
        Tile("drug", _("Drug crimes"), cur["drug"], prev["drug"]),
        Tile("minor", _("Crimes involving minors"), cur["minor"], prev["minor"]),
        Tile("youth", _("Crimes involving youth"), cur["youth"], prev["youth"]),
        Tile("woman", _("Crimes against women"), cur["woman"], prev["woman"]),
        Tile("alerts", _("Camera alerts"), cur["alerts"], prev["alerts"], rise_is_bad=None,
             note=_("%(n)s confirmed, %(d)s dismissed") % {"n": cur["alerts_confirmed"],
                                                           "d": cur["alerts_dismissed"]}),
        Tile("alert_confirmation", _("Alert confirmation rate"),
             pct(cur["alerts_confirmed"], cur["alerts_confirmed"] + cur["alerts_dismissed"]),
             pct(prev["alerts_confirmed"], prev["alerts_confirmed"] + prev["alerts_dismissed"]),
             kind="percent", rise_is_bad=None, note=_("confirmed of reviewed (confirmed + dismissed)")),
        Tile("inspector_coverage", _("Inspector coverage"), pct(cover["insp0"], mahallas),
             pct(cover["insp1"], mahallas), kind="percent", rise_is_bad=False,
             note=_("%(n)s of %(total)s mahallas on %(day)s") % {"n": cover["insp0"], "total": mahallas,
                                                                  "day": formats.day(last_day)}),
        Tile("social_worker_coverage", _("Social-worker coverage"), pct(cover["soc0"], mahallas),
             pct(cover["soc1"], mahallas), kind="percent", rise_is_bad=False,
             note=_("%(n)s of %(total)s mahallas on %(day)s") % {"n": cover["soc0"], "total": mahallas,
                                                                  "day": formats.day(last_day)}),
        Tile("visits_per_mahalla", _("Field visits per mahalla"),
             cur["visits"] / mahallas if mahallas else None, prev["visits"] / mahallas if mahallas else None,
             kind="ratio", rise_is_bad=False, note=_("%(n)s visits") % {"n": cur["visits"]}),
        *_roadmap_tiles(user, scope, period, today),
    ]
    return result

