"""Who may do what, in one place: a registry of named rules.

Each app registers its rules in `<app>/rules.py` (imported by its AppConfig.ready()) with `@rule("app.action")`;
every caller (services, views, API views, forms, selectors, panels, template tags, templates through
`{% can %}`) asks `can(user, "app.action", obj)`, so the HTML pages, the API and scripts share one answer.
The table in tests/test_capabilities.py lists every rule for every role.

A rule is `fn(user, obj=None) -> bool`; it reads the user's role only through `role_of` and territory only
through `visible_to` / `scope_of`. Rules whose object is optional document what `obj=None` means
(usually "anywhere at all", for menus and buttons).
"""

from __future__ import annotations

from collections.abc import Callable

Rule = Callable[..., bool]

_RULES: dict[str, Rule] = {}


def _is_active(user) -> bool:
    return bool(getattr(user, "is_authenticated", False) and getattr(user, "is_active", False))


def rule(name: str) -> Callable[[Rule], Rule]:
    """Register `fn(user, obj=None) -> bool` under a dotted name; a name taken twice is a bug, not an override."""
    app, dot, action = name.partition(".")
    if not (app and dot and action):
        raise ValueError(f"A capability is named “app.action”, not {name!r}.")

    def register(fn: Rule) -> Rule:
        if name in _RULES:
            raise ValueError(f"Capability {name!r} is already registered by {_RULES[name].__module__}.")
        _RULES[name] = fn
        return fn

    return register


def can(user, name: str, obj=None) -> bool:
    """May `user` do `name` (to `obj`)? An unknown name raises KeyError: a typo must fail loudly."""
    try:
        fn = _RULES[name]
    except KeyError:
        raise KeyError(f"Unknown capability {name!r}.") from None
    if not _is_active(user):
        return False
    return bool(fn(user, obj))


def role_of(user) -> str:
    """The one place a rule reads a role: "" for anonymous and inactive users."""
    return (getattr(user, "role", "") or "") if _is_active(user) else ""


def capability_names() -> list[str]:
    return sorted(_RULES)
