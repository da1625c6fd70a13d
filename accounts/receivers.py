from django.conf import settings
from django.contrib.auth.signals import user_logged_in, user_login_failed
from django.db.models.signals import post_save, pre_save
from django.dispatch import receiver
from django.utils.translation import gettext as _
from knox.signals import token_expired

from .lockout import login_failure_record
from .models import LoginFailure, User
from .sessions import sessions_end
from .signin_throttle import signin_failure_count


@receiver(user_login_failed, dispatch_uid="accounts.count_login_failure")
def count_login_failure(sender, credentials, request=None, **kwargs):
    from audit.net import client_ip

    username = credentials.get("username") or ""
    ip = client_ip(request) if request else None
    signin_failure_count(ip=ip, username=username)
    locked = login_failure_record(username=username, ip=ip)
    if locked is not None:
        from audit.changes import diff, snapshot
        from audit.services import audit_record

        from .notifications import notify

        # The lock was not in force a moment ago: login_failure_record only locks an account without one.
        audit_record(action="account_locked", actor=locked, request=request, obj=locked,
                     outcome="success", details={"reason": "too many failed sign-ins"},
                     changes=diff({"locked_at": None}, snapshot(locked, ["locked_at"])))
        # The owner learns of it at their next sign-in: if it was not them, they tell their administrator.
        notify(users=[locked], kind="account_locked",
               title=_("Your account was locked after too many failed sign-ins"),
               body=_("It unlocks itself after %(minutes)d minutes, or earlier when an administrator unlocks "
                      "it. If you did not type these passwords, tell your administrator.")
               % {"minutes": settings.LOCKOUT_DURATION_SECONDS // 60})


@receiver(user_logged_in, dispatch_uid="accounts.reset_login_failures")
def reset_login_failures(sender, request, user, **kwargs):
    # The rule counts failures in a row: a successful sign-in starts the count again.
    LoginFailure.objects.filter(username=user.username.lower()).delete()


# What, when it changes on an account, ends all of its sessions: the person signs in again under the new terms
# rather than keep a session opened under the old ones (a stolen session of a locked account dies with it).
_SESSION_FIELDS = ("locked_at", "is_active", "role", "region", "district", "is_superuser", "is_staff")


@receiver(pre_save, sender=User, dispatch_uid="accounts.remember_session_terms")
def remember_session_terms(sender, instance, update_fields=None, raw=False, **kwargs):
    if raw or instance.pk is None:
        return
    if update_fields is not None and not set(update_fields) & {*_SESSION_FIELDS, "region_id",
                                                                       "district_id"}:
        return  # e.g. the last_login stamp of every sign-in: no extra query
    instance._session_terms = (User._base_manager.filter(pk=instance.pk)
                               .values("locked_at", "is_active", "role", "region_id", "district_id",
                                       "is_superuser", "is_staff").first())


def _ends_sessions(before: dict, user: User) -> bool:
    if before["locked_at"] is None and user.locked_at is not None:
        return True
    if before["is_active"] and not user.is_active:
        return True
    return any(before[key] != getattr(user, key)
               for key in ("role", "region_id", "district_id", "is_superuser", "is_staff"))


@receiver(post_save, sender=User, dispatch_uid="accounts.end_sessions_on_new_terms")
def end_sessions_on_new_terms(sender, instance, created, raw=False, **kwargs):
    before = instance.__dict__.pop("_session_terms", None)
    if raw or created or before is None:
        return
    if _ends_sessions(before, instance):
        sessions_end(user_id=instance.pk)


# --- API tokens end with the password, the lock or the account -----------------------------------------

_TOKEN_ENDING_FIELDS = ("password", "locked_at", "is_active")


@receiver(pre_save, sender=User, dispatch_uid="accounts.remember_token_ending_fields")
def remember_token_ending_fields(sender, instance, raw=False, update_fields=None, **kwargs):
    if raw or instance.pk is None:
        return
    if update_fields is not None and not set(update_fields) & set(_TOKEN_ENDING_FIELDS):
        return
    instance._before_token_fields = (User.objects.filter(pk=instance.pk)
                                     .values(*_TOKEN_ENDING_FIELDS).first())


def _token_ending_reason(before: dict | None, user: User) -> str:
    if not before:
        return ""
    if before["password"] != user.password:
        return "password changed"
    if user.locked_at is not None and before["locked_at"] != user.locked_at:
        return "account locked"
    if before["is_active"] and not user.is_active:
        return "account deactivated"
    return ""


@receiver(post_save, sender=User, dispatch_uid="accounts.revoke_tokens_on_account_change")
def revoke_tokens_on_account_change(sender, instance, created, raw=False, **kwargs):
    before = instance.__dict__.pop("_before_token_fields", None)
    reason = "" if raw or created else _token_ending_reason(before, instance)
    if reason:
        from .api_tokens import api_tokens_revoke_all

        # In the caller's transaction when it has one: a rolled-back change keeps the tokens.
        api_tokens_revoke_all(user=instance, reason=reason)


@receiver(token_expired, dispatch_uid="accounts.audit_expired_token")
def audit_expired_token(sender, username, source, **kwargs):
    if source != "auth_token":
        return  # another of the user's tokens swept in passing, not a use that was refused
    from audit.services import audit_record

    audit_record(action="api_token_refused", outcome="denied", actor_username=username,
                 details={"reason": "expired"})
