"""Per-camera health: events per hour against the camera's own usual rate (silent, flooding), tamper and
video loss, the pulled stream, never seen; in two queries whatever the number of cameras; scoped."""

import datetime

import pytest
from django.utils import timezone

from surveillance.health import camera_health, district_health, health_cameras, usual_rate
from surveillance.models import Camera
from tests.factories import CameraFactory

from .support import ago, alerts_at, pull_device, registered_days_ago, steady

pytestmark = pytest.mark.django_db


def _health(user, camera):
    return next(h for h in district_health(user=user, district_id=camera.district_id) if h.camera.pk == camera.pk)


def _ok(*cameras):
    Camera.objects.filter(pk__in=[c.pk for c in cameras]).update(status="online", last_seen_at=timezone.now())


def test_usual_rate_is_the_median_day_over_the_fortnight_it_existed():
    now = timezone.now()
    days = {1: (48,), 2: (0,), 3: (24,), 4: (24,), 5: (2400,)}  # one day of flood, one of silence
    assert usual_rate(days, now - datetime.timedelta(days=30), now) == 0.0  # 14 days, 10 of them empty
    assert usual_rate(days, now - datetime.timedelta(days=6, hours=1), now) == 1.0  # days 1..5: median 24/day
    assert usual_rate(days, now - datetime.timedelta(days=3, hours=1), now) is None  # 2 whole days: too few


def test_a_camera_that_usually_sends_and_now_sends_nothing_is_silent(site, personas):
    registered_days_ago(site.generic, 30)
    _ok(site.generic)
    steady(site.generic, per_day=48, days=range(1, 15))  # 2 an hour, nothing in the last 24 h

    h = _health(personas.operator, site.generic)
    assert h.usual_rate == pytest.approx(2.0)
    assert h.events_24h == 0
    assert h.problems == ["silent"] and h.level == "attention"


def test_a_quiet_camera_is_not_silent_before_its_usual_rate_says_so(site, personas):
    registered_days_ago(site.generic, 30)
    _ok(site.generic)
    steady(site.generic, per_day=48, days=range(1, 15))
    alerts_at(site.generic, [ago(hours=3)])  # 3 quiet hours at 2 an hour: 6 expected, not yet 10

    assert _health(personas.operator, site.generic).problems == []


def test_a_flooding_camera_is_flagged_against_its_own_rate(site, personas):
    registered_days_ago(site.generic, 30)
    registered_days_ago(site.frigate, 30)
    _ok(site.generic, site.frigate)
    steady(site.generic, per_day=24, days=range(1, 15))  # 1 an hour
    steady(site.frigate, per_day=24 * 8, days=range(1, 15))  # 8 an hour: 30 in an hour is under 5 times that
    alerts_at(site.generic, [ago(minutes=m + 1) for m in range(30)])
    alerts_at(site.frigate, [ago(minutes=m + 1) for m in range(30)])

    generic, frigate = _health(personas.operator, site.generic), _health(personas.operator, site.frigate)
    assert generic.events_last_hour == 30 and generic.problems == ["flooding"]
    assert frigate.problems == []


def test_tamper_and_video_loss_in_the_last_day_are_highlighted(site, personas):
    _ok(site.street, site.entrance, site.frigate)
    alerts_at(site.street, [ago(hours=2)], event_type="shelteralarm")
    alerts_at(site.entrance, [ago(hours=5)], event_type="videoloss")
    alerts_at(site.frigate, [ago(hours=30)], event_type="tamper")  # yesterday's: no longer flagged
    alerts_at(site.generic, [ago(hours=3)], event_type="defocus")
    _ok(site.generic)
    assert _health(personas.operator, site.generic).problems == ["tamper"]

    assert _health(personas.operator, site.street).problems == ["tamper"]
    entrance = _health(personas.operator, site.entrance)
    assert entrance.problems == ["tamper"] and entrance.tamper_24h == 1 and entrance.last_tamper_at is not None
    assert _health(personas.operator, site.frigate).problems == []


def test_never_seen_offline_and_a_stopped_stream(site, personas):
    Camera.objects.filter(pk=site.entrance.pk).update(last_seen_at=ago(hours=2))  # offline since
    _ok(site.street)
    device = pull_device(site.integration, site.street, state="online", checked_seconds_ago=10)

    assert _health(personas.operator, site.generic).problems == ["never_seen"]
    assert _health(personas.operator, site.entrance).problems == ["offline"]
    street = _health(personas.operator, site.street)
    assert street.pulled and street.stream_up and street.problems == []

    # A live stream counts before the minute check has marked the camera online.
    Camera.objects.filter(pk=site.street.pk).update(status="offline")
    assert _health(personas.operator, site.street).problems == []
    Camera.objects.filter(pk=site.street.pk).update(status="online")

    # The stream stopped: the pull process says so, or stops confirming; either way down within a minute.
    device.state = "offline"
    device.save(update_fields=["state"])
    assert _health(personas.operator, site.street).problems == ["stream_down"]
    device.state, device.state_checked_at = "online", ago(seconds=61)
    device.save(update_fields=["state", "state_checked_at"])
    street = _health(personas.operator, site.street)
    assert street.problems == ["stream_down"] and street.level == "down"


def test_needing_attention_comes_first(site, personas):
    _ok(site.street, site.frigate)
    alerts_at(site.frigate, [ago(hours=1)], event_type="tamper")
    rows = district_health(user=personas.operator, district_id=site.street.district_id)
    assert [h.level for h in rows] == ["down", "down", "attention", "ok"]
    attention = district_health(user=personas.operator, district_id=site.street.district_id, attention_only=True)
    assert {h.camera.pk for h in attention} == {site.entrance.pk, site.generic.pk, site.frigate.pk}


def test_two_queries_whatever_the_number_of_cameras(site, personas, territory, django_assert_num_queries):
    for camera in (site.street, site.generic):
        steady(camera, per_day=4, days=range(0, 15))
    pull_device(site.integration, site.street)
    with django_assert_num_queries(2):
        few = district_health(user=personas.operator, district_id=territory.district_a1.pk)
    CameraFactory.create_batch(25, mahalla=territory.mahalla_a1b)
    with django_assert_num_queries(2):
        many = district_health(user=personas.operator, district_id=territory.district_a1.pk)
    assert len(few) == 4 and len(many) == 29


def test_health_never_reaches_across_districts(site, personas, territory):
    other = CameraFactory(mahalla=territory.mahalla_b1a)
    alerts_at(other, [ago(hours=1)], event_type="tamper")
    assert district_health(user=personas.operator, district_id=territory.district_b1.pk) == []
    assert district_health(user=personas.outsider, district_id=territory.district_a1.pk) == []
    assert [h.camera.pk for h in district_health(user=personas.outsider, district_id=territory.district_b1.pk)] \
        == [other.pk]
    # The health of cameras read elsewhere is computed only for the cameras handed in.
    mine = camera_health(health_cameras(user=personas.operator))
    assert other.pk not in {h.camera.pk for h in mine}
