"""Sign-in, sign-out and failed sign-in, recorded from django.contrib.auth's signals."""

from django.contrib.auth import get_user_model
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver

from .models import AuditEvent
from .services import audit_record


@receiver(user_logged_in, dispatch_uid="audit.login_ok")
def record_login(sender, request, user, **kwargs):
    audit_record(action=AuditEvent.Action.LOGIN_OK, actor=user, request=request)


@receiver(user_logged_out, dispatch_uid="audit.logout")
def record_logout(sender, request, user, **kwargs):
    if user is not None:
        audit_record(action=AuditEvent.Action.LOGOUT, actor=user, request=request)


@receiver(user_login_failed, dispatch_uid="audit.login_failed")
def record_login_failed(sender, credentials, request=None, **kwargs):
    # `credentials` is already cleansed by Django; only the username is kept, never anything else.
    user_model = get_user_model()
    username = str(credentials.get(user_model.USERNAME_FIELD) or credentials.get("username") or "")[:150]
    actor = None
    if username:
        lookup = {f"{user_model.USERNAME_FIELD}__iexact": username}
        actor = user_model._default_manager.filter(**lookup).first()
    audit_record(action=AuditEvent.Action.LOGIN_FAILED, actor=actor, actor_username=username, request=request,
                 outcome=AuditEvent.Outcome.FAILED, details={"username": username})
