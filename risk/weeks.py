"""Weeks of the risk model: a week is named by its Monday in Tashkent (UTC+5 all year, no daylight saving, so a
week is exactly 604,800 seconds and week indexes can be computed from epoch seconds in SQL)."""

from __future__ import annotations

import datetime
import re

from core import dates

WEEK = datetime.timedelta(days=7)
_ISO_WEEK = re.compile(r"^(\d{4})-W(\d{2})$")


def monday(day: datetime.date) -> datetime.date:
    return day - datetime.timedelta(days=day.weekday())


def current() -> datetime.date:
    """The week that began last Monday (Tashkent): the one the nightly run scores."""
    return monday(dates.today())


def start(week: datetime.date) -> datetime.datetime:
    """The aware moment the week begins (Monday 00:00 Tashkent)."""
    return dates.midnight(week)


def parse(text: str) -> datetime.date:
    """"2026-W10" (ISO week) or a date inside the week ("2026-03-04"): the week's Monday. ValueError otherwise."""
    text = (text or "").strip()
    match = _ISO_WEEK.match(text)
    if match:
        return datetime.date.fromisocalendar(int(match[1]), int(match[2]), 1)
    return monday(datetime.date.fromisoformat(text))


def label(week: datetime.date) -> str:
    year, number, _ = week.isocalendar()
    return f"{year}-W{number:02d}"
