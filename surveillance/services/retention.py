"""Retention: pictures, ANPR plates and raw payloads of alerts are personal data kept only as long as needed;
what an incident holds as evidence stays with it.
"""

from __future__ import annotations

import datetime
import logging

from django.conf import settings
from django.db.models import Q
from django.utils import timezone

from ..models import Alert, AlertPicture, RawEvent
from ..storage import private_storage

log = logging.getLogger(__name__)


def alert_media_purge(*, now: datetime.datetime | None = None, limit: int = 5000) -> tuple[int, int]:
    """Delete pictures and raw payloads, and erase the ANPR plates, of alerts older than ALERT_RETENTION_DAYS
    that no incident holds as evidence. Bounded: at most `limit` of each per call. Returns (pictures deleted,
    raw events deleted); the plates erased are logged."""
    cutoff = (now or timezone.now()) - datetime.timedelta(days=settings.ALERT_RETENTION_DAYS)
    pictures = list(AlertPicture.objects.filter(alert__started_at__lt=cutoff, alert__incident__isnull=True)
                    .values_list("id", "file")[:limit])
    for _pk, name in pictures:
        try:
            private_storage().delete(name)
        except OSError:
            log.warning("could not delete alert picture %s", name)
    AlertPicture.objects.filter(pk__in=[pk for pk, _name in pictures]).delete()
    raw_ids = list(RawEvent.objects.filter(received_at__lt=cutoff, processed_at__isnull=False)
                   .filter(Q(alert__isnull=True) | Q(alert__incident__isnull=True))
                   .values_list("id", flat=True)[:limit])
    RawEvent.objects.filter(pk__in=raw_ids).delete()
    plates = alert_plates_purge(cutoff=cutoff, limit=limit)
    if plates:
        log.info("erased the number plates of %d alerts past retention", plates)
    return len(pictures), len(raw_ids)


def alert_plates_purge(*, cutoff: datetime.datetime, limit: int = 5000) -> int:
    """Erase the plates of alerts started before `cutoff` that no incident holds; at most `limit` per call."""
    ids = list(Alert.objects.filter(started_at__lt=cutoff, incident__isnull=True).exclude(plate="")
               .values_list("id", flat=True)[:limit])
    return Alert.objects.filter(pk__in=ids).update(plate="")
