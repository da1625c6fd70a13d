from django.contrib.auth.signals import user_logged_in, user_login_failed
from django.dispatch import receiver

from .lockout import login_failure_record
from .models import LoginFailure


@receiver(user_login_failed, dispatch_uid="accounts.count_login_failure")
def count_login_failure(sender, credentials, request=None, **kwargs):
    from audit.net import client_ip

    username = credentials.get("username") or ""
    locked = login_failure_record(username=username, ip=client_ip(request) if request else None)
    if locked is not None:
        from audit.changes import diff, snapshot
        from audit.services import audit_record

        # The account was unlocked a moment ago: login_failure_record only locks an unlocked account.
        audit_record(action="account_locked", actor=locked, request=request, obj=locked,
                     outcome="success", details={"reason": "too many failed sign-ins"},
                     changes=diff({"locked_at": None}, snapshot(locked, ["locked_at"])))


@receiver(user_logged_in, dispatch_uid="accounts.reset_login_failures")
def reset_login_failures(sender, request, user, **kwargs):
    # The rule counts failures in a row: a successful sign-in starts the count again.
    LoginFailure.objects.filter(username=user.username.lower()).delete()
