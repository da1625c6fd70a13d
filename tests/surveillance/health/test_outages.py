"""Camera status history: every change to offline opens an outage, every change back closes it; a pulled
camera follows its stream; uptime is computed from the history."""

import datetime

import pytest
from django.utils import timezone

from surveillance.models import Camera, CameraOutage
from surveillance.services import cameras as camera_services
from surveillance.services.outages import cameras_heard
from surveillance.uptime import camera_uptime

from .support import ago, pull_device, registered_days_ago

pytestmark = pytest.mark.django_db


def _online(*cameras, seen):
    Camera.objects.filter(pk__in=[c.pk for c in cameras]).update(status="online", last_seen_at=seen)


def test_going_offline_opens_one_outage_and_a_heartbeat_closes_it(site, settings):
    settings.CAMERA_OFFLINE_AFTER_SECONDS = 600
    _online(site.street, site.entrance, site.generic, site.frigate, seen=ago(seconds=900))

    assert camera_services.cameras_mark_offline() == 4
    assert camera_services.cameras_mark_offline() == 0  # already offline: no second outage
    assert CameraOutage.objects.filter(ended_at__isnull=True).count() == 4
    assert set(CameraOutage.objects.values_list("cause", flat=True)) == {"silent"}

    assert camera_services.cameras_seen(vendor="hikvision", device_ids={"44:19:b6:0a:1b:2c"},
                                        integration=site.integration) == 1
    street = Camera.objects.get(pk=site.street.pk)
    assert street.status == "online" and street.last_heartbeat_at is not None
    closed = CameraOutage.objects.get(camera=site.street)
    assert closed.ended_at is not None and closed.ended_at >= closed.started_at
    assert CameraOutage.objects.filter(ended_at__isnull=True).count() == 3


def test_processed_alerts_close_the_outage_and_set_the_last_event(site, settings):
    settings.CAMERA_OFFLINE_AFTER_SECONDS = 600
    _online(site.generic, seen=ago(seconds=900))
    camera_services.cameras_mark_offline()
    event_time, ahead = ago(minutes=3), timezone.now() + datetime.timedelta(hours=2)

    assert cameras_heard(latest={site.generic.pk: event_time}) == 1
    generic = Camera.objects.get(pk=site.generic.pk)
    assert generic.status == "online" and generic.last_event_at == event_time
    assert not CameraOutage.objects.filter(camera=site.generic, ended_at__isnull=True).exists()
    # A device clock two hours ahead cannot push the last event into the future.
    cameras_heard(latest={site.generic.pk: ahead})
    assert Camera.objects.get(pk=site.generic.pk).last_event_at <= timezone.now()


def test_a_pulled_camera_follows_its_stream_within_a_minute(site):
    device = pull_device(site.integration, site.street, state="online", checked_seconds_ago=5)
    assert site.street.status == "offline"

    camera_services.cameras_mark_offline()  # the stream is up: online, though no event came yet
    assert Camera.objects.get(pk=site.street.pk).status == "online"

    # The pull process died: its last word is 61 seconds old, so the stream no longer counts as up.
    device.state_checked_at = ago(seconds=61)
    device.save(update_fields=["state_checked_at"])
    assert camera_services.cameras_mark_offline() == 1
    outage = CameraOutage.objects.get(camera=site.street)
    assert outage.cause == "stream" and outage.ended_at is None

    device.state, device.state_checked_at = "online", timezone.now()
    device.save(update_fields=["state", "state_checked_at"])
    camera_services.cameras_mark_offline()
    assert CameraOutage.objects.get(camera=site.street).ended_at is not None


def test_a_stopped_stream_is_down_even_when_recently_checked(site):
    pull_device(site.integration, site.street, state="offline", checked_seconds_ago=2)
    _online(site.street, seen=ago(minutes=5))
    assert camera_services.cameras_mark_offline() == 1
    assert Camera.objects.get(pk=site.street.pk).status == "offline"


def test_another_districts_pull_device_does_not_speak_for_a_camera(site, territory):
    from surveillance.services import integration_create

    other, _token = integration_create(name="nvr-b1", district=territory.district_b1)
    pull_device(other, site.street, state="online", checked_seconds_ago=1)
    camera_services.cameras_mark_offline()
    assert Camera.objects.get(pk=site.street.pk).status == "offline"


def test_uptime_is_the_online_share_of_camera_time(site, personas, territory):
    now = timezone.now()
    for camera in (site.street, site.entrance, site.frigate, site.generic):
        registered_days_ago(camera, 30)
    Camera.objects.update(status="online", last_seen_at=now)
    # Street: one closed day-long outage in the window and one from before it (not counted).
    CameraOutage.objects.create(camera=site.street, started_at=now - datetime.timedelta(days=3),
                                ended_at=now - datetime.timedelta(days=2))
    CameraOutage.objects.create(camera=site.street, started_at=now - datetime.timedelta(days=12),
                                ended_at=now - datetime.timedelta(days=10))
    # Entrance: offline for the last half day (open outage).
    CameraOutage.objects.create(camera=site.entrance, started_at=now - datetime.timedelta(hours=12))
    Camera.objects.filter(pk=site.entrance.pk).update(status="offline")
    # Generic: offline since before the history began, last seen 2 days ago (no outage row).
    Camera.objects.filter(pk=site.generic.pk).update(status="offline", last_seen_at=now - datetime.timedelta(days=2))

    uptime = camera_uptime(user=personas.operator, district_ids=[territory.district_a1.pk], now=now)
    got = uptime[territory.district_a1.pk]
    assert got.cameras == 4
    assert got.offline_seconds == pytest.approx((24 + 12 + 48) * 3600, rel=1e-6)
    assert got.share == pytest.approx(1 - (24 + 12 + 48) / (4 * 7 * 24), rel=1e-6)


def test_a_camera_registered_in_the_window_counts_from_its_registration(site, personas, territory):
    now = timezone.now()
    for camera in (site.entrance, site.frigate, site.generic):
        camera.delete()
    registered_days_ago(site.street, 2)
    Camera.objects.filter(pk=site.street.pk).update(status="offline", last_seen_at=None)  # never seen
    got = camera_uptime(user=personas.operator, district_ids=[territory.district_a1.pk], now=now)
    assert got[territory.district_a1.pk].share == pytest.approx(0.0, abs=1e-6)
    assert got[territory.district_a1.pk].camera_seconds == pytest.approx(2 * 86400, rel=1e-3)


def test_uptime_of_another_district_is_empty_for_its_outsider(site, personas, territory):
    assert camera_uptime(user=personas.outsider, district_ids=[territory.district_a1.pk]) == {}
    assert camera_uptime(user=personas.region_officer, district_ids=[territory.district_a1.pk]) != {}
