"""`{% load ms_formats %}`: core.formats in templates, so a page writes figures and times as its Python does."""

from django import template

from core import formats

register = template.Library()


@register.filter
def number(value, digits=0):
    """{{ rate|number:2 }} -> "0,09" in uz/ru, "0.09" in en; "—" for None."""
    try:
        return formats.number(value, int(digits))
    except (TypeError, ValueError):
        return value


@register.filter
def moment(value, seconds=""):
    """{{ event.occurred_at|moment }} -> "06.12.2026 21:05" in Tashkent time; |moment:"s" adds the seconds."""
    return formats.moment(value, seconds=bool(seconds))


@register.filter
def day(value):
    """{{ visit.follow_up_on|day }} -> "06.12.2026"."""
    return formats.day(value)
