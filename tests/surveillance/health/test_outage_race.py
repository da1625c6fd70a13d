"""The minute check and processing at the same moment: a camera heard while the check runs is not marked
offline (the check locks the rows it changes and re-reads one another transaction has just updated)."""

import threading

import pytest
from django.db import connection, transaction
from django.utils import timezone

from surveillance.models import Camera, CameraOutage
from surveillance.services.outages import cameras_heard, cameras_mark_offline

from .support import ago

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_camera_heard_during_the_minute_check_stays_online(site, settings):
    settings.CAMERA_OFFLINE_AFTER_SECONDS = 600
    Camera.objects.filter(pk=site.generic.pk).update(status="online", last_seen_at=ago(seconds=900))
    heard, release, result = threading.Event(), threading.Event(), {}

    def processing():
        try:
            with transaction.atomic():
                cameras_heard(latest={site.generic.pk: timezone.now()})
                heard.set()
                release.wait(10)
        finally:
            connection.close()

    def minute_check():
        try:
            result["offline"] = cameras_mark_offline()
        finally:
            connection.close()

    worker = threading.Thread(target=processing)
    worker.start()
    assert heard.wait(10)
    check = threading.Thread(target=minute_check)
    check.start()
    check.join(1)
    assert check.is_alive()  # waiting for the processing transaction's lock on the camera row
    release.set()
    worker.join(10)
    check.join(10)

    assert result["offline"] == 0
    assert Camera.objects.get(pk=site.generic.pk).status == "online"
    assert not CameraOutage.objects.filter(camera=site.generic).exists()
