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
