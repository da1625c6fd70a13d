"""The home page's panels, keyed by role: each answers part of "what needs me today" for one kind of user.

The territory panels (territories.panels) are keyed by territory level; the home page is the user's own, so
its panels are keyed by role. Higher apps register theirs in AppConfig.ready(), in `<app>/home_panels.py`:

    from territories.home import register_home_panel
    register_home_panel((Role.INSPECTOR, Role.SOCIAL_WORKER), due_panel, order=10)

A home panel is a callable `(request) -> dict | None`, like a territory panel: the dict holds `template`
(rendered with the page's context plus `panel`), optionally `assets` (a template for the page's <head>, e.g.
map scripts) and `wide` (spans the whole row). None means "nothing for this user". Reads start from
`visible_to(request.user)`; what the user may do is asked of `can(...)`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django.urls import reverse
from django.utils.translation import gettext as _

from accounts.models import Role
from core.periods import Period, default_period
from mahallas.models import District, Region
from mahallas.scope import ScopeLevel, scope_of


@dataclass(frozen=True)
class HomePanel:
    build: Callable
    order: int


_registry: dict[str, list[HomePanel]] = {role: [] for role in Role.values}


def register_home_panel(roles: str | Iterable[str], build: Callable, *, order: int = 100) -> None:
    for role in [roles] if isinstance(roles, str) else list(roles):
        if role not in _registry:
            raise ValueError(f"unknown role {role!r}; expected one of {sorted(_registry)}")
        panels = [p for p in _registry[role] if p.build is not build]
        panels.append(HomePanel(build, order))
        _registry[role] = sorted(panels, key=lambda p: p.order)


def has_home_panels(user) -> bool:
    return bool(_registry.get(getattr(user, "role", "") or "", []))


def home_panels_for(request) -> list[dict]:
    """The panels of the user's role that have something to show, in order."""
    rendered = []
    for panel in _registry.get(getattr(request.user, "role", "") or "", []):
        result = panel.build(request)
        if result:
            rendered.append(result)
    return rendered


def home_period(today=None) -> Period:
    """The period the home page's figures are of: the one every page opens with (core.periods)."""
    return default_period(today)


@dataclass(frozen=True)
class TerritoryLink:
    url: str
    name: str


def territory_link(user) -> TerritoryLink | None:
    """The territory page of the user's whole scope (None: the user has no territory)."""
    scope = scope_of(user)
    if scope.level == ScopeLevel.NATIONAL:
        return TerritoryLink(reverse("territories:home"), _("Uzbekistan"))
    if scope.level == ScopeLevel.REGION:
        region = Region.objects.visible_to(user).defer("boundary").filter(pk=scope.region_id).first()
        return TerritoryLink(reverse("territories:region", args=[region.pk]), region.name) if region else None
    if scope.level == ScopeLevel.DISTRICT:
        district = District.objects.visible_to(user).defer("boundary").filter(pk=scope.district_id).first()
        return (TerritoryLink(reverse("territories:district", args=[district.pk]), district.name)
                if district else None)
    if scope.level == ScopeLevel.MAHALLAS:
        return TerritoryLink(reverse("territories:mine"), _("My mahallas"))
    return None
