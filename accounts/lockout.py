"""Account lockout: 5 failed sign-ins within 15 minutes lock the account until an administrator unlocks it.

Failures are counted per typed username (lower-cased), existing or not, so the login page behaves the
same for both and reveals nothing about which usernames exist.
"""

from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from .models import LoginFailure, User


def _window_start():
    return timezone.now() - timedelta(seconds=settings.LOCKOUT_WINDOW_SECONDS)


def _norm(username: str) -> str:
    return (username or "").strip().lower()[:150]


def recent_failures(username: str) -> int:
    return LoginFailure.objects.filter(username=_norm(username), at__gte=_window_start()).count()


def is_locked_out(username: str) -> bool:
    """True when sign-in with this username is refused, whether or not the account exists."""
    name = _norm(username)
    if not name:
        return False
    if User.objects.filter(username__iexact=name, locked_at__isnull=False).exists():
        return True
    return recent_failures(name) >= settings.LOCKOUT_THRESHOLD


@transaction.atomic
def login_failure_record(*, username: str, ip: str | None) -> User | None:
    """Count a failure; returns the user if this failure locked their account just now."""
    name = _norm(username)
    if not name:
        return None
    LoginFailure.objects.create(username=name, ip=ip)
    if recent_failures(name) < settings.LOCKOUT_THRESHOLD:
        return None
    user = User.objects.select_for_update().filter(username__iexact=name, locked_at__isnull=True).first()
    if user is None:
        return None
    user.locked_at = timezone.now()
    user.save(update_fields=["locked_at"])
    return user


@transaction.atomic
def account_unlock(*, user: User) -> None:
    User.objects.filter(pk=user.pk).update(locked_at=None)
    LoginFailure.objects.filter(username=_norm(user.username)).delete()
    user.locked_at = None
