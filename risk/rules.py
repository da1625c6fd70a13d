"""Who may do what with risk scores and visit plans (registered in RiskConfig.ready; see accounts.capabilities).

Reads are scoped by `mahallas.scope` like every other read; these rules only say which pages and actions a role
has at all, and who may turn a high-risk mahalla into a roadmap measure.
"""

from accounts.capabilities import can, role_of, rule
from accounts.models import FIELD_ROLES, Role
from mahallas.models import Mahalla

# The staff who answer for a territory's prevention: the ranking of their territory's mahallas.
RANKING_ROLES = (Role.NATIONAL, Role.ADMIN, Role.REGIONAL, Role.DISTRICT)
# Who has a "where to go this week" plan: field staff their own mahallas, a district official the district's.
PLAN_ROLES = (*FIELD_ROLES, Role.DISTRICT)


@rule("risk.view_ranking")
def view_ranking(user, obj=None) -> bool:
    """The ranking, the backtest table, the hot-spot layer and their exports (of one's own territory)."""
    return role_of(user) in RANKING_ROLES


@rule("risk.view_visit_plan")
def view_visit_plan(user, obj=None) -> bool:
    return role_of(user) in PLAN_ROLES


@rule("risk.add_measure")
def add_measure(user, mahalla=None) -> bool:
    """Add a roadmap measure for a mahalla from its risk: whoever writes that mahalla's roadmap (a district
    official of its district); `None`: anywhere at all (the button column)."""
    if role_of(user) != Role.DISTRICT:
        return False
    if mahalla is None:
        return user.district_id is not None
    return isinstance(mahalla, Mahalla) and can(user, "roadmaps.write_territory", mahalla)
