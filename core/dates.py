"""The platform's calendar is Tashkent's, whatever the server's or the database's time zone."""

import datetime
from zoneinfo import ZoneInfo

from django.utils import timezone

TASHKENT = ZoneInfo("Asia/Tashkent")


def today() -> datetime.date:
    return timezone.localtime(timezone.now(), TASHKENT).date()


def local_date(moment: datetime.datetime) -> datetime.date:
    """The Tashkent calendar day of an aware moment."""
    return timezone.localtime(moment, TASHKENT).date()


def midnight(day: datetime.date) -> datetime.datetime:
    return datetime.datetime(day.year, day.month, day.day, tzinfo=TASHKENT)


def date_or_text(value) -> datetime.date | str | None:
    """An input cell or field as a date when it already is one (a datetime gives its date), None when empty,
    else its text for the caller to parse in the formats it accepts."""
    if value in (None, ""):
        return None
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    return str(value).strip()
