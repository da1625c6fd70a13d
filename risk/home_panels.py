"""Home panels of the visit plans (registered in RiskConfig.ready through territories.home): on a field worker's
phone, where to go this week; on a district official's home, the district's highest-risk mahallas and those
left without an inspector or a recent visit."""

from __future__ import annotations

from accounts.capabilities import can

from . import visits

SHOWN = 5


def plan_panel(request):
    """The first mahallas of the user's plan for this week, ticked when a visit there is logged."""
    if not can(request.user, "risk.view_visit_plan"):
        return None
    plan = visits.field_plan(request.user)
    if not plan.items:
        return None
    return {"template": "risk/_home_plan.html", "plan": plan, "items": plan.items[:SHOWN],
            "more": max(0, len(plan.items) - SHOWN), "wide": True}


def district_panel(request):
    plan = visits.district_plan(request.user) if can(request.user, "risk.view_visit_plan") else None
    if plan is None or not plan.rows:
        return None
    return {"template": "risk/_home_district.html", "plan": plan, "rows": plan.rows[:SHOWN],
            "highlighted": [r for r in plan.rows if r.highlighted][:SHOWN]}
