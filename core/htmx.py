"""One way to answer a page that HTMX may ask for in part."""

from django.shortcuts import render
from django.utils.cache import patch_vary_headers


def is_fragment(request) -> bool:
    # A history-restore request (the back button after HTMX's cache is gone) needs the whole page.
    return bool(getattr(request, "htmx", False)) and not request.htmx.history_restore_request


def render_page(request, template: str, context: dict, *, fragment: str | None = None, status: int = 200):
    """`template`, or `fragment` when HTMX asks for a part; caches must keep the two answers apart (Vary)."""
    chosen = fragment if fragment and is_fragment(request) else template
    response = render(request, chosen, context, status=status)
    patch_vary_headers(response, ["HX-Request"])
    return response
