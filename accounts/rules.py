"""Who may do what in accounts (registered in AccountsConfig.ready; see accounts.capabilities)."""

from .capabilities import role_of, rule
from .models import Role


@rule("accounts.use_admin")
def use_admin(user, obj=None) -> bool:
    """The admin edits every account and territory, so only the administrator role enters it; `is_staff`
    alone is not enough (a ministry analyst flagged as staff by mistake is still refused)."""
    return role_of(user) == Role.ADMIN and user.is_staff


@rule("accounts.manage_api_tokens")
def manage_api_tokens(user, obj=None) -> bool:
    """List and revoke any user's API tokens; everyone manages their own without this."""
    return role_of(user) == Role.ADMIN


@rule("accounts.unlock_accounts")
def unlock_accounts(user, obj=None) -> bool:
    """See the locked accounts and release a lock before it ends by itself."""
    return role_of(user) == Role.ADMIN
