"""API tokens (django-rest-knox): issue, list, revoke; every step is in the audit trail.

Knox keeps only a SHA-512 digest of each token, so a copy of the database or a backup gives no usable
token. A token is named by its first characters (`token_key`, the lookup prefix knox stores anyway);
the rest of the token is never stored.
"""

from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from knox.models import AuthToken

from .capabilities import can
from .models import User

# Owner and administrator see this many characters of a token, enough to tell two tokens apart.
SHOWN_PREFIX_CHARS = 8


class ApiTokenError(Exception):
    """A token operation the caller may not do, or on a token that does not exist."""


def token_ttl() -> timedelta:
    return timedelta(days=settings.API_TOKEN_DAYS)


def api_tokens_of(*, user: User):
    """The user's tokens that still work, newest first (expired ones are skipped, not listed)."""
    return (AuthToken.objects.filter(user=user, expiry__gt=timezone.now())
            .only("token_key", "created", "expiry", "user_id").order_by("-created"))


def shown_prefix(token: AuthToken) -> str:
    return token.token_key[:SHOWN_PREFIX_CHARS]


@transaction.atomic
def api_token_issue(*, user: User, request=None) -> tuple[AuthToken, str]:
    """A new token for `user`; the clear text is returned once and never stored."""
    from audit.services import audit_record

    instance, token = AuthToken.objects.create(user=user, expiry=token_ttl())
    audit_record(action="api_token_issued", actor=user, request=request, obj=user,
                 details={"prefix": shown_prefix(instance), "expires": instance.expiry.isoformat()})
    return instance, token


def _target_user(*, actor: User, user_id: int | None) -> User:
    if user_id is None or user_id == actor.pk:
        return actor
    if not can(actor, "accounts.manage_api_tokens"):
        raise ApiTokenError("forbidden")
    target = User.objects.filter(pk=user_id).first()
    if target is None:
        raise ApiTokenError("not_found")
    return target


def api_tokens_for(*, actor: User, user_id: int | None = None):
    """Tokens the actor may see: their own, or (administrators) those of the user `user_id`."""
    return api_tokens_of(user=_target_user(actor=actor, user_id=user_id))


@transaction.atomic
def api_token_revoke(*, actor: User, prefix: str, user_id: int | None = None, request=None) -> int:
    """Revoke the tokens of one user whose key starts with `prefix` (owner, or an administrator)."""
    from audit.services import audit_record

    owner = _target_user(actor=actor, user_id=user_id)
    prefix = (prefix or "")[:SHOWN_PREFIX_CHARS]
    if len(prefix) < SHOWN_PREFIX_CHARS:
        raise ApiTokenError("not_found")
    tokens = AuthToken.objects.filter(user=owner, token_key__startswith=prefix)
    count, _ = tokens.delete()
    if not count:
        raise ApiTokenError("not_found")
    audit_record(action="api_token_revoked", actor=actor, request=request, obj=owner,
                 details={"prefix": prefix, "reason": "revoked by owner" if owner == actor
                          else "revoked by an administrator"})
    return count


@transaction.atomic
def api_tokens_revoke_all(*, user: User, reason: str) -> int:
    """Revoke every token of `user` (password changed, account locked or deactivated)."""
    from audit.services import audit_record

    count, _ = AuthToken.objects.filter(user=user).delete()
    if count:
        audit_record(action="api_token_revoked", obj=user, details={"reason": reason, "count": count})
    return count
