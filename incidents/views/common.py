"""Query-string helpers the list pages share."""

from __future__ import annotations

from django.utils.http import urlencode

from accounts.capabilities import can

PAGING_PARAMS = ("before", "after", "page")


def filter_query(params) -> str:
    """The list's filters as a query string, without paging: for export links and paging links."""
    kept = [(k, v) for k in params for v in params.getlist(k) if k not in PAGING_PARAMS and v != ""]
    return urlencode(kept)


def has_filters(params, names) -> bool:
    return any(params.get(name) for name in names)


def is_field_worker(user) -> bool:
    """Field workers log visits (and their visit list starts at their own)."""
    return can(user, "incidents.log_visit")
