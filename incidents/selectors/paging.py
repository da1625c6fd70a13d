"""Keyset paging of the "newest first" lists (incidents, visits).

A page is found from the last row of the previous one (its time and id), so page 1 and page 10,000 cost the
same and no COUNT(*) runs over a big table. The cursor is "<microseconds since 1970>.<id>"."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db.models import Q

PAGE_SIZE = 25
EPOCH = datetime.datetime(1970, 1, 1, tzinfo=datetime.UTC)


@dataclass
class KeysetPage:
    """One page of a "newest first" list, with cursors to the next older and newer pages."""

    rows: list
    older: str | None
    newer: str | None


def _cursor(obj, field: str) -> str:
    micros = (getattr(obj, field) - EPOCH) // datetime.timedelta(microseconds=1)
    return f"{micros}.{obj.pk}"


def _parse_cursor(value: str | None):
    try:
        micros, pk = (value or "").split(".")
        return EPOCH + datetime.timedelta(microseconds=int(micros)), int(pk)
    except (ValueError, OverflowError):
        return None


def keyset_page(qs, params, *, field: str, size: int = PAGE_SIZE) -> KeysetPage:
    """The page of `qs` (newest `field` first) that the `before`/`after` cursor of `params` points at."""
    before, after = _parse_cursor(params.get("before")), _parse_cursor(params.get("after"))
    if after:
        at, pk = after
        chunk = list(qs.filter(**{f"{field}__gte": at}).filter(Q(**{f"{field}__gt": at}) | Q(pk__gt=pk))
                     .order_by(field, "pk")[:size + 1])
        rows = list(reversed(chunk[:size]))
        if rows:
            return KeysetPage(rows, _cursor(rows[-1], field), _cursor(rows[0], field) if len(chunk) > size else None)
    if before:
        at, pk = before
        qs = qs.filter(**{f"{field}__lte": at}).filter(Q(**{f"{field}__lt": at}) | Q(pk__lt=pk))
    chunk = list(qs.order_by(f"-{field}", "-pk")[:size + 1])
    rows = chunk[:size]
    older = _cursor(rows[-1], field) if len(chunk) > size else None
    newer = _cursor(rows[0], field) if before and rows else None
    return KeysetPage(rows, older, newer)
