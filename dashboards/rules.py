"""Who may see which dashboard (registered in DashboardsConfig.ready; see accounts.capabilities)."""

from accounts.capabilities import role_of, rule
from accounts.models import Role
from mahallas.models import District, Region
from mahallas.scope import ScopeLevel, scope_of

DASHBOARD_ROLES = (Role.NATIONAL, Role.ADMIN, Role.REGIONAL, Role.DISTRICT)
DASHBOARD_LEVELS = (ScopeLevel.NATIONAL, ScopeLevel.REGION, ScopeLevel.DISTRICT)


@rule("dashboards.view")
def view(user, obj=None) -> bool:
    """See the dashboards (of one's own territory and below)."""
    return role_of(user) in DASHBOARD_ROLES and scope_of(user).level in DASHBOARD_LEVELS


@rule("dashboards.view_territory")
def view_territory(user, territory=None) -> bool:
    """See the dashboard of this region or district; `None`: of the whole country. A district official
    "sees" their region in the territory tree, but not the region's figures."""
    if not view(user):
        return False
    level = scope_of(user).level
    if territory is None:
        return level == ScopeLevel.NATIONAL
    if isinstance(territory, Region):
        return (level in (ScopeLevel.NATIONAL, ScopeLevel.REGION)
                and Region.objects.visible_to(user).filter(pk=territory.pk).exists())
    if isinstance(territory, District):
        return District.objects.visible_to(user).filter(pk=territory.pk).exists()
    return False


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
