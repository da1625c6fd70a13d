"""Sections that higher apps add to the territory pages (national, region, district, mahalla).

The territory pages (the `territories` app) sit below `incidents`, `zones` or `dashboards`, so they cannot
import them. Instead each higher app registers a panel in its AppConfig.ready():

    from territories.panels import register_panel
    register_panel("mahalla", zone_status_panel, order=10)

A panel is a callable `(request, territory) -> dict | None`; the dict holds `template` (rendered with the
page's context plus the dict) and any context it needs. None means "nothing to show here" (e.g. the user
may not see that kind of data). Panels must start their queries from `visible_to(request.user)`.
"""

from collections.abc import Callable
from dataclasses import dataclass

LEVELS = ("national", "region", "district", "mahalla")


@dataclass(frozen=True)
class Panel:
    level: str
    build: Callable
    order: int


_registry: dict[str, list[Panel]] = {level: [] for level in LEVELS}


def register_panel(level: str, build: Callable, *, order: int = 100) -> None:
    if level not in _registry:
        raise ValueError(f"unknown territory level {level!r}; expected one of {LEVELS}")
    panels = [p for p in _registry[level] if p.build is not build]
    panels.append(Panel(level, build, order))
    _registry[level] = sorted(panels, key=lambda p: p.order)


def panels_for(level: str, request, territory) -> list[dict]:
    """The panels to render on one page, in order; each a dict with at least `template`."""
    rendered = []
    for panel in _registry[level]:
        result = panel.build(request, territory)
        if result:
            rendered.append(result)
    return rendered
