"""Who may do what with zone statuses (registered in ZonesConfig.ready; see accounts.capabilities)."""

from accounts.capabilities import role_of, rule
from accounts.models import Role


@rule("zones.edit_policy")
def edit_policy(user, obj=None) -> bool:
    """The thresholds decide every mahalla's colour in the country, so only national administrators set them."""
    return role_of(user) in (Role.ADMIN, Role.NATIONAL)
