"""Numbers and moments written for people: the reader's locale conventions and Tashkent time.

One helper for every place Python writes a figure or a time into text (a tile, a note, a tooltip built on the
server): f"{x:.2f}" would write "0.09" on a page whose template writes "0,11". The same rules for scripts live
in static/js/app.js (`MS.number`), which reads the page's <html lang>.

Machine formats stay what they are: JSON, CSV cells, URLs and <time datetime> attributes keep dots and ISO.
"""

from __future__ import annotations

import datetime
from decimal import ROUND_HALF_UP, Decimal

from django.utils import formats, timezone

from .dates import TASHKENT

EMPTY = "—"


def number(value, digits: int = 0) -> str:
    """`value` rounded to `digits` decimals, with the locale's decimal mark and thousands grouping
    ("1 234,5" in uz/ru, "1,234.5" in en); "—" for None."""
    if value is None:
        return EMPTY
    # Half up, from the shortest decimal text of the value (12.25 -> 12.3), as a reader and JS's toFixed round.
    value = Decimal(str(value)).quantize(Decimal(1).scaleb(-digits), rounding=ROUND_HALF_UP)
    return formats.number_format(value, digits, use_l10n=True, force_grouping=True)


def percent(value, digits: int = 1) -> str:
    """A share already in percent (12.5 -> "12,5%")."""
    return EMPTY if value is None else f"{number(value, digits)}%"


def signed(value, digits: int = 0) -> str:
    """A change with its sign: "+3", "−1,5" (a real minus sign), "±0"."""
    if value is None:
        return ""
    sign = "+" if value > 0 else ("−" if value < 0 else "±")
    return sign + number(abs(value), digits)


def moment(value: datetime.datetime | None, *, seconds: bool = False) -> str:
    """An aware moment in Tashkent time, written the locale's short way ("06.12.2026 21:05")."""
    if value is None:
        return EMPTY
    local = timezone.localtime(value, TASHKENT)
    text = formats.date_format(local, "SHORT_DATETIME_FORMAT", use_l10n=True)
    return text + local.strftime(":%S") if seconds else text


def day(value: datetime.date | datetime.datetime | None) -> str:
    """A calendar day, written the locale's short way ("06.12.2026"); a moment gives its Tashkent day."""
    if value is None:
        return EMPTY
    if isinstance(value, datetime.datetime):
        value = timezone.localtime(value, TASHKENT).date()
    return formats.date_format(value, "SHORT_DATE_FORMAT", use_l10n=True)
