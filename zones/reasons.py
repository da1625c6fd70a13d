"""The plain-words reason for a colour, rendered from the stored inputs in the reader's language:

    "2 registered crimes (1 theft, 1 bank-card fraud); 0.5 per 1,000 residents — yellow"

Nothing here is stored: a Russian reader and an Uzbek reader see the same status explained in their language.
"""

from __future__ import annotations

from decimal import Decimal

from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from incidents.models import IncidentCategory

from .breakdown import counts_of
from .models import Colour


def category_names() -> dict[str, str]:
    """Category code -> name in the active language (one query; pass it to `reason` when rendering lists)."""
    return {c.code: c.name for c in IncidentCategory.objects.only("code", "name_uz", "name_ru", "name_en")}


def _number(value) -> str:
    """At most two decimals, no trailing zeros, in the reader's number format: 0.5, 1.25, 3."""
    d = Decimal(value).quantize(Decimal("0.01"))
    places = next(n for n in (0, 1, 2) if d == d.quantize(Decimal(1).scaleb(-n)))
    return number_format(d, decimal_pos=places)


def crimes_phrase(total: int, counts: dict | None, names: dict[str, str]) -> str:
    """`counts` None: the breakdown is not known (see zones.breakdown), so only the total is said."""
    if not total:
        return _("no registered crimes")
    head = ngettext("%(n)s registered crime", "%(n)s registered crimes", total) % {"n": total}
    if not counts:
        return head
    parts = sorted(counts.items(), key=lambda kv: (-kv[1], names.get(kv[0], kv[0])))
    # Translators: one category's count inside the reason, e.g. "1 theft"; a language whose nouns must agree
    # with the number may write "%(category)s: %(n)s" instead.
    detail = ", ".join(_("%(n)s %(category)s") % {"n": n, "category": names.get(code, code).lower()}
                       for code, n in parts)
    return f"{head} ({detail})"


def rate_phrase(rate, population: int) -> str:
    if rate is None or not population:
        return _("population unknown, no rate")
    return _("%(rate)s per 1,000 residents") % {"rate": _number(rate)}


def colour_label(colour: str) -> str:
    return Colour(colour).label if colour in Colour.values else colour


def why_phrase(*, colour: str, total: int, rate, rate_threshold, policy) -> str:
    """Which rule decided: only said for red, where it matters which threshold was reached."""
    if colour != Colour.RED or policy is None:
        return ""
    if total >= policy.red_min_crimes:
        return ngettext("at least %(n)s registered crime", "at least %(n)s registered crimes",
                        policy.red_min_crimes) % {"n": policy.red_min_crimes}
    return _("rate in the national top %(top)s%% (from %(threshold)s per 1,000)") % {
        "top": _number(policy.red_rate_top_percent), "threshold": _number(rate_threshold)}


def reason(row, names: dict[str, str] | None = None) -> str:
    """For a MahallaStatus or a ColourChange (both hold the inputs; `row.policy` should be selected). For a list
    of statuses, `breakdown.attach` them first: one query instead of one per row."""
    names = category_names() if names is None else names
    colour = row.colour
    text = f"{crimes_phrase(row.total, counts_of(row), names)}; {rate_phrase(row.rate, row.population)} — " \
           f"{colour_label(colour)}"
    why = why_phrase(colour=colour, total=row.total, rate=row.rate, rate_threshold=row.rate_threshold,
                     policy=getattr(row, "policy", None))
    return f"{text} ({why})" if why else text


FLAGS = (
    ("flag_urgent_alerts", "urgent_alerts"),
    ("flag_overdue_roadmap", "overdue_roadmap"),
    ("flag_no_inspector", "no_inspector"),
    ("flag_no_social_worker", "no_social_worker"),
)


def flag_text(code: str) -> str:
    return {
        "urgent_alerts": _("Unreviewed urgent camera alerts"),
        "overdue_roadmap": _("Overdue roadmap items"),
        "no_inspector": _("No active prevention inspector"),
        "no_social_worker": _("No active social worker"),
    }[code]


def raised_flags(row) -> list[str]:
    return [code for attr, code in FLAGS if getattr(row, attr, None)]


def flag_labels(row) -> list[str]:
    return [flag_text(code) for code in raised_flags(row)]
