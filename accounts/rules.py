"""Who may do what in accounts (registered in AccountsConfig.ready; see accounts.capabilities)."""

from .capabilities import role_of, rule
from .models import Role


@rule("accounts.use_admin")
def use_admin(user, obj=None) -> bool:
    """The admin edits every account and territory, so only the administrator role enters it; `is_staff`
    alone is not enough (a ministry analyst flagged as staff by mistake is still refused)."""
    return role_of(user) == Role.ADMIN and user.is_staff
