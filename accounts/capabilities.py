"""Who may do what: one registry of named capabilities (placeholder of the lead; the registry branch replaces
this file with the full version)."""

from collections.abc import Callable

_RULES: dict[str, Callable] = {}


def role_of(user) -> str:
    if not getattr(user, "is_authenticated", False) or not getattr(user, "is_active", False):
        return ""
    return getattr(user, "role", "") or ""


def rule(name: str):
    def register(fn):
        if name in _RULES:
            raise ValueError(f"capability {name!r} is registered twice")
        _RULES[name] = fn
        return fn
    return register


def can(user, name: str, obj=None) -> bool:
    check = _RULES[name]
    if not role_of(user):
        return False
    return bool(check(user, obj))


def capability_names() -> list[str]:
    return sorted(_RULES)
