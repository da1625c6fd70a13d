from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext_lazy as _

from .capabilities import can

# (label, url name, the capability that shows it; None = every signed-in user). The capabilities are named,
# not imported: the apps above this one register them (accounts.capabilities).
MENU = [
    (_("My mahallas"), "territories:mine", "incidents.log_visit"),
    (_("Log a visit"), "incidents:visit-create", "incidents.log_visit"),
    (_("This week"), "risk:visit-plan", "risk.view_visit_plan"),
    # One entry for field work; its pages (incidents, visits, cases, coverage) share a section menu.
    (_("Field work"), "incidents:visit-list", "incidents.log_visit"),
    (_("Field work"), "incidents:list", "incidents.view_incidents"),
    (_("Change requests"), "incidents:change_requests", "incidents.decide_change_requests"),
    (_("Dashboards"), "dashboards:home", "dashboards.view"),
    (_("Count changes"), "dashboards:count-changes", "dashboards.view_count_report"),
    (_("Territories"), "territories:home", None),
    (_("Alerts"), "surveillance:alerts", "surveillance.view_cameras"),
    (_("Crime-free"), "zones:crime-free", "dashboards.view"),
    (_("Risk"), "risk:ranking", "risk.view_ranking"),
    (_("Roadmaps"), "roadmaps:list", "roadmaps.view_roadmaps"),
]


def menu_for(user):
    if user is None or not user.is_authenticated:
        return []
    items = []
    for label, url_name, capability in MENU:
        if capability is not None and not can(user, capability):
            continue
        try:
            items.append({"label": label, "url": reverse(url_name)})
        except NoReverseMatch:
            continue
    return items
