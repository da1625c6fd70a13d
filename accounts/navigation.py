from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext_lazy as _

# (label, url name, roles that see it; None = every signed-in user). Later apps add their entries here.
MENU = [
    (_("My mahallas"), "mahallas:mine", ("inspector", "social_worker")),
    (_("Log a visit"), "incidents:visit-create", ("inspector", "social_worker")),
    # One entry for field work; its pages (incidents, visits, cases, coverage) share a section menu.
    (_("Field work"), "incidents:visit-list", ("inspector", "social_worker")),
    (_("Field work"), "incidents:list", ("national", "regional", "registrar", "district", "operator")),
    (_("Change requests"), "incidents:change_requests", ("national", "regional", "registrar", "district")),
    (_("Dashboards"), "dashboards:home", ("national", "regional", "district", "admin")),
    # Registrars see no dashboards; the count-changes report is theirs too (staff reach it from the dashboards).
    (_("Count changes"), "dashboards:count-changes", ("registrar",)),
    (_("Territories"), "mahallas:home", None),
    (_("Alerts"), "surveillance:alerts", ("operator", "inspector", "district", "regional", "national")),
    (_("Crime-free"), "zones:crime-free", ("national", "regional", "district", "admin")),
    (_("Roadmaps"), "roadmaps:list", ("national", "regional", "district", "inspector", "social_worker")),
]


def menu_for(user):
    if user is None or not user.is_authenticated:
        return []
    items = []
    for label, url_name, roles in MENU:
        if roles is not None and user.role not in roles:
            continue
        try:
            items.append({"label": label, "url": reverse(url_name)})
        except NoReverseMatch:
            continue
    return items
