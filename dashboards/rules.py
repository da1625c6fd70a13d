"""Capabilities of the dashboards app, in the capability registry (imported by DashboardsConfig.ready)."""

from accounts.capabilities import role_of, rule
from accounts.models import Role
from mahallas.scope import ScopeLevel, scope_of

# Who reads the count-changes report and the published-versus-now comparison: the staff who answer for a
# territory's figures, and the registrars who keep the register.
COUNT_REPORT_ROLES = (Role.NATIONAL, Role.REGIONAL, Role.REGISTRAR, Role.DISTRICT)


@rule("dashboards.view_count_report")
def view_count_report(user, obj=None) -> bool:
    return role_of(user) in COUNT_REPORT_ROLES and scope_of(user).level in (
        ScopeLevel.NATIONAL, ScopeLevel.REGION, ScopeLevel.DISTRICT)


@rule("dashboards.publish_figures")
def publish_figures(user, obj=None) -> bool:
    """The official figures of the country are published by the ministry alone."""
    return role_of(user) == Role.NATIONAL and scope_of(user).level == ScopeLevel.NATIONAL
