"""Sections of the territory pages (registered in IncidentsConfig.ready): recent incidents and visits on a
mahalla page, and links to coverage and the lists on district and region pages. Every query starts from
`visible_to(request.user)`; the district panel counts the reports waiting too long for a decision."""

from django.urls import reverse
from django.utils.http import urlencode

from accounts.capabilities import can

from . import selectors

RECENT = 5


def mahalla_panel(request, mahalla):
    user = request.user
    incidents = list(selectors.incident_list(user=user).filter(mahalla=mahalla)[:RECENT])
    visits = list(selectors.field_visit_list(user=user).filter(mahalla=mahalla)[:RECENT])
    return {"template": "incidents/_mahalla_panel.html", "incidents": incidents, "visits": visits,
            "mahalla_id": mahalla.pk,
            "can_log": can(user, "incidents.log_visit", mahalla.pk)}


def district_panel(request, district):
    if not can(request.user, "incidents.view_coverage"):
        return None
    base = f"{reverse('incidents:list')}?{urlencode({'district': district.pk})}"
    return {"template": "incidents/_district_panel.html",
            "overdue": selectors.incident_list(user=request.user).filter(
                mahalla__district=district).decision_overdue().count(),
            "overdue_url": f"{base}&decision_overdue=true",
            "coverage_url": reverse("incidents:coverage-district", args=[district.pk]),
            "incidents_url": f"{reverse('incidents:list')}?{urlencode({'district': district.pk})}",
            "visits_url": f"{reverse('incidents:visit-list')}?{urlencode({'district': district.pk})}"}


def region_panel(request, region):
    if not can(request.user, "incidents.view_coverage"):
        return None
    return {"template": "incidents/_district_panel.html",
            "coverage_url": reverse("incidents:coverage-region", args=[region.pk]),
            "incidents_url": f"{reverse('incidents:list')}?{urlencode({'region': region.pk})}",
            "visits_url": None}

