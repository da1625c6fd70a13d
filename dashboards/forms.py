"""Parsing the period and the unit of a dashboard request (GET parameters shared by pages, exports and API)."""

from __future__ import annotations

import datetime

from django.utils.translation import gettext as _

from core.periods import Period, PeriodError

from .periods import period_default, period_parse


def parse_period(params) -> tuple[Period, str]:
    """(period, error message). `period` is a key ("2025-07", "Q3-2025", "H1-2025", "2025") or "custom" with
    `from` and `to` (ISO dates, both included). Nothing given: the current quarter."""
    key = (params.get("period") or "").strip()
    start, end = (params.get("from") or "").strip(), (params.get("to") or "").strip()
    try:
        if key == "custom" or (not key and start and end) or ".." in key:
            if ".." in key:
                return period_parse(key), ""
            try:
                a, b = datetime.date.fromisoformat(start), datetime.date.fromisoformat(end)
            except ValueError as exc:
                raise PeriodError(f"{start}..{end}") from exc
            return Period.between(a, b), ""
        if key:
            return period_parse(key), ""
    except PeriodError:
        return period_default(), _(
            "This period is not valid: choose one from the list, or give a start and an end date (the end not "
            "before the start, at most three years apart).")
    return period_default(), ""


def parse_int(value) -> int | None:
    try:
        number = int(value)
    except (TypeError, ValueError):
        return None
    return number if number > 0 else None
