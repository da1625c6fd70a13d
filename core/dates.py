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
