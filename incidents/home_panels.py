"""Home panels of field work (registered in IncidentsConfig.ready through territories.home): the field staff's
big buttons and their due list, and the decisions waiting for an official. Reads start from `visible_to`;
what the user may do with each row is asked of `can(...)`."""

from __future__ import annotations

from django.urls import reverse
from django.utils.http import urlencode

from accounts.capabilities import can
from core import dates
from mahallas.models import Mahalla

from . import selectors
from .selectors.due import case_reviews_overdue, follow_ups_due, reports_awaiting_decision

SHOWN = 5
# Rows read to find those the user may act on (a social worker acts on the reports they made).
SCANNED = 200


def actions_panel(request):
    """"Log a visit" and "Report an incident" as big buttons, on the page itself rather than in the menu."""
    user = request.user
    if not Mahalla.objects.visible_to(user).exists():
        return None
    actions = []
    if can(user, "incidents.log_visit"):
        actions.append({"key": "visit", "url": reverse("incidents:visit-create"), "primary": True})
    if can(user, "incidents.record_incident"):
        actions.append({"key": "incident", "url": reverse("incidents:create"), "primary": True})
    if can(user, "incidents.open_case"):
        actions.append({"key": "case", "url": reverse("incidents:case-create"), "primary": False})
    if not actions:
        return None
    return {"template": "incidents/_home_actions.html", "actions": actions, "wide": True}


def _mine(rows, user, capability: str) -> list:
    return [row for row in rows if can(user, capability, row)]


def due_panel(request):
    """Follow-ups of the user's visits, overdue case reviews and undecided reports the user may act on."""
    user = request.user
    today = dates.today()
    follow_ups = list(follow_ups_due(user=user, today=today)[:SCANNED])
    cases = _mine(case_reviews_overdue(user=user, today=today)[:SCANNED], user, "incidents.edit_case")
    reports = _mine(reports_awaiting_decision(user=user)[:SCANNED], user, "incidents.edit_incident")
    return {
        "template": "incidents/_home_due.html", "today": today,
        "follow_ups": follow_ups[:SHOWN], "follow_up_count": len(follow_ups),
        "follow_ups_overdue": sum(1 for v in follow_ups if v.follow_up_on < today),
        "cases": cases[:SHOWN], "case_count": len(cases),
        "reports": reports[:SHOWN], "report_count": len(reports),
        "visits_url": f"{reverse('incidents:visit-list')}?{urlencode({'mine': 'true'})}",
        "cases_url": reverse("incidents:case-list"),
        "nothing": not (follow_ups or cases or reports),
    }


def decisions_panel(request):
    """For officials: the change requests waiting for their decision and the reports waiting too long for one."""
    user = request.user
    may_decide, may_follow = can(user, "incidents.decide_change_requests"), can(user, "incidents.view_coverage")
    if not (may_decide or may_follow):
        return None
    to_decide = selectors.change_request_list(user=user, to_decide=True)
    request_count = to_decide.count() if may_decide else 0
    return {
        "template": "incidents/_home_decisions.html",
        "may_decide": may_decide, "requests": list(to_decide[:SHOWN]) if request_count else [],
        "request_count": request_count,
        "requests_url": f"{reverse('incidents:change_requests')}?{urlencode({'tab': 'to_decide'})}",
        "may_follow": may_follow,
        "overdue": selectors.incident_list(user=user).decision_overdue().count() if may_follow else 0,
        "overdue_url": f"{reverse('incidents:list')}?{urlencode({'decision_overdue': 'true'})}",
    }
