"""API token authentication: knox's hashed tokens, refusing locked accounts, with refused uses audited."""

from django.utils.translation import gettext_lazy as _
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from knox.auth import TokenAuthentication
from knox.settings import CONSTANTS
from rest_framework import exceptions

from .lockout import lock_in_force


class AuditedTokenAuthentication(TokenAuthentication):
    """`Authorization: Token <token>`; a refused token is written to the audit trail with its reason."""

    def authenticate_credentials(self, token):
        try:
            return super().authenticate_credentials(token)
        except exceptions.AuthenticationFailed as exc:
            self._audit_refused(token, str(exc.detail))
            raise

    def validate_user(self, auth_token):
        # A lock is meant to stop the person at the keyboard and a script with their token alike; the
        # tokens are revoked when the lock is set (accounts.receivers), this covers a lock set by .update().
        if lock_in_force(auth_token.user):
            raise exceptions.AuthenticationFailed(_("This account is locked."))
        return super().validate_user(auth_token)

    def _audit_refused(self, token, reason: str) -> None:
        from knox.models import AuthToken

        from audit.services import audit_record

        text = token.decode("utf-8", "replace") if isinstance(token, bytes) else str(token)
        key = text[:CONSTANTS.TOKEN_KEY_LENGTH]
        owner = AuthToken.objects.filter(token_key=key).select_related("user").first() if key else None
        audit_record(action="api_token_refused", outcome="denied", actor=None,
                     obj=owner.user if owner else None, actor_username=owner.user.username if owner else "",
                     details={"reason": reason, "prefix": key[:8]})


class AuditedTokenScheme(OpenApiAuthenticationExtension):
    target_class = "accounts.authentication.AuditedTokenAuthentication"
    name = "tokenAuth"

    def get_security_definition(self, auto_schema):
        return {"type": "apiKey", "in": "header", "name": "Authorization",
                "description": "`Token <token>`, issued by POST /api/v1/auth/token/; it expires after "
                               "API_TOKEN_DAYS days (30 unless configured)."}
