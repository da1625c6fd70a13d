"""In-app notifications: higher apps call notify(); users read them at /accounts/notifications/."""

from collections.abc import Iterable

from django.db import transaction
from django.utils import timezone

from .models import Notification, Role, User


def notify(*, users: Iterable[User], kind: str, title: str, body: str = "", url: str = "") -> int:
    rows = [Notification(user=u, kind=kind, title=title[:200], body=body, url=url[:300]) for u in users]
    Notification.objects.bulk_create(rows)
    return len(rows)


def district_officials(district_id: int):
    """Active district officials of a district: who hears about its mahallas."""
    return User.objects.filter(is_active=True, role=Role.DISTRICT, district_id=district_id)


def unread_count(user) -> int:
    if not getattr(user, "is_authenticated", False):
        return 0
    return Notification.objects.filter(user=user, read_at__isnull=True).count()


@transaction.atomic
def notifications_mark_read(*, user, ids: Iterable[int] | None = None) -> int:
    qs = Notification.objects.filter(user=user, read_at__isnull=True)
    if ids is not None:
        qs = qs.filter(id__in=list(ids))
    return qs.update(read_at=timezone.now())
