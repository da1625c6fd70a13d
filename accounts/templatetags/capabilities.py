"""`{% can "incidents.edit_incident" incident as may_edit %}`: the registry's answer for the signed-in user."""

from django import template

from accounts import capabilities

register = template.Library()


@register.simple_tag(takes_context=True)
def can(context, name: str, obj=None) -> bool:
    request = context.get("request")
    user = getattr(request, "user", None) or context.get("user")
    return capabilities.can(user, name, obj)
