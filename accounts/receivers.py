from django.contrib.auth.signals import user_logged_in, user_login_failed
from django.db.models.signals import post_save, pre_save
from django.dispatch import receiver

from .lockout import login_failure_record
from .models import LoginFailure, User
from .sessions import sessions_end


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
