"""Labels for the choice lists kept in array columns (visit topics, case actions)."""

from django import template

from incidents.models import CaseAction, VisitTopic

register = template.Library()


def _labels(values, choices) -> list[str]:
    labels = dict(choices)
    return [str(labels.get(v, v)) for v in values or ()]


@register.filter
def topic_labels(values) -> list[str]:
    return _labels(values, VisitTopic.choices)


@register.filter
def action_labels(values) -> list[str]:
    return _labels(values, CaseAction.choices)


@register.simple_tag(takes_context=True)
def fieldwork_sections(context) -> list[dict]:
    """The section menu of the field-work pages, for the signed-in user's role."""
    from django.urls import reverse
    from django.utils.translation import gettext as _

    from accounts.capabilities import can

    request = context.get("request")
    user = getattr(request, "user", None)
    field_work = can(user, "incidents.view_field_work")
    items = []
    if field_work:
        label = _("My visits") if can(user, "incidents.log_visit") else _("Visits")
        items.append((label, reverse("incidents:visit-list")))
    items.append((_("Incidents"), reverse("incidents:list")))
    if field_work:
        items.append((_("Support cases"), reverse("incidents:case-list")))
    if can(user, "incidents.view_coverage"):
        items.append((_("Coverage"), reverse("incidents:coverage")))
    path = request.path if request else ""
    current = max((url for _label, url in items if path.startswith(url)), key=len, default=None)
    return [{"label": label, "url": url, "current": url == current} for label, url in items]
