"""Account lockout: 5 failed sign-ins within 15 minutes lock the account for 15 minutes.

The lock releases itself (LOCKOUT_DURATION_SECONDS), so five wrong passwords typed by anyone cannot keep
an official out until an administrator acts; an administrator can release it earlier (the locked-accounts
page, the admin action or `manage.py unlock_account`). Failures before a lock do not count after it ends.

Failures are counted per typed username (lower-cased), existing or not, so the login page behaves the
same for both and reveals nothing about which usernames exist.
"""

from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from .models import LoginFailure, User


def _window_start() -> datetime:
    return timezone.now() - timedelta(seconds=settings.LOCKOUT_WINDOW_SECONDS)


def lock_cutoff() -> datetime:
    """Locks set before this moment have released themselves."""
    return timezone.now() - timedelta(seconds=settings.LOCKOUT_DURATION_SECONDS)


def lock_in_force(user) -> bool:
    locked_at = getattr(user, "locked_at", None)
    return locked_at is not None and locked_at > lock_cutoff()


def lock_ends_at(user) -> datetime | None:
    if not lock_in_force(user):
        return None
    return user.locked_at + timedelta(seconds=settings.LOCKOUT_DURATION_SECONDS)


def _norm(username: str) -> str:
    return (username or "").strip().lower()[:150]


def recent_failures(username: str, *, after: datetime | None = None) -> int:
    since = _window_start()
    if after is not None and after > since:
        since = after
    return LoginFailure.objects.filter(username=_norm(username), at__gt=since).count()


def _last_lock(name: str) -> datetime | None:
    return User.objects.filter(username__iexact=name).values_list("locked_at", flat=True).first()


def is_locked_out(username: str) -> bool:
    """True when sign-in with this username is refused, whether or not the account exists."""
    name = _norm(username)
    if not name:
        return False
    last_lock = _last_lock(name)
    if last_lock is not None and last_lock > lock_cutoff():
        return True
    return recent_failures(name, after=last_lock) >= settings.LOCKOUT_THRESHOLD


@transaction.atomic
def login_failure_record(*, username: str, ip: str | None) -> User | None:
    """Count a failure; returns the user if this failure locked their account just now."""
    name = _norm(username)
    if not name:
        return None
    LoginFailure.objects.create(username=name, ip=ip)
    user = User.objects.select_for_update().filter(username__iexact=name).first()
    if user is None or lock_in_force(user):
        return None
    if recent_failures(name, after=user.locked_at) < settings.LOCKOUT_THRESHOLD:
        return None
    user.locked_at = timezone.now()
    user.save(update_fields=["locked_at"])
    return user


def locked_users():
    """Accounts whose lock is in force, the most recent first (the administrators' list)."""
    return User.objects.filter(locked_at__gt=lock_cutoff()).order_by("-locked_at")


@transaction.atomic
def account_unlock(*, user: User, actor: User | None = None, request=None, via: str = "") -> bool:
    """Release a lock and forget the failures behind it; audited. False when there was nothing to release."""
    from audit.changes import diff, snapshot
    from audit.services import audit_record

    from .signin_throttle import signin_throttle_clear

    user = User.objects.select_for_update().get(pk=user.pk)
    failures = LoginFailure.objects.filter(username=_norm(user.username))
    was_locked = lock_in_force(user) or failures.exists()
    before = snapshot(user, ["locked_at"])
    User.objects.filter(pk=user.pk).update(locked_at=None)
    failures.delete()
    signin_throttle_clear(username=user.username)
    user.locked_at = None
    audit_record(action="account_unlocked", actor=actor, request=request, obj=user,
                 details={"via": via} if via else None, changes=diff(before, snapshot(user, ["locked_at"])))
    return was_locked
