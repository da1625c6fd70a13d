"""Helpers of the device-health tests: alerts at chosen times, a pulled device for a camera, clocks."""

import datetime

from django.utils import timezone

from surveillance.models import Alert, Camera, PullDevice


def ago(**delta) -> datetime.datetime:
    return timezone.now() - datetime.timedelta(**delta)


_sequence = iter(range(10**9))


def alerts_at(camera: Camera, times, event_type: str = "vmd") -> None:
    """Alerts of `camera` started at each of `times`, in one INSERT."""
    Alert.objects.bulk_create([
        Alert(vendor=camera.vendor, natural_key=f"health:{next(_sequence)}", camera=camera,
              device_id=camera.device_id, event_type=event_type, started_at=t, mahalla_id=camera.mahalla_id,
              district_id=camera.district_id, status=Alert.Status.ROUTED) for t in times])


def steady(camera: Camera, *, per_day: int, days: range, now=None) -> None:
    """`per_day` alerts spread over each of the given days ago (1 = the 24 hours before the last 24)."""
    now = now or timezone.now()
    step = datetime.timedelta(days=1) / per_day
    alerts_at(camera, [now - datetime.timedelta(days=d) - step * i - datetime.timedelta(minutes=1)
                       for d in days for i in range(per_day)])


def registered_days_ago(camera: Camera, days: int) -> None:
    Camera.objects.filter(pk=camera.pk).update(created_at=ago(days=days))
    camera.refresh_from_db()


def pull_device(integration, camera: Camera, *, state="online", checked_seconds_ago: float | None = 5):
    checked = None if checked_seconds_ago is None else ago(seconds=checked_seconds_ago)
    return PullDevice.objects.create(
        integration=integration, vendor=camera.vendor, name=f"NVR {camera.device_id}", device_id=camera.device_id,
        host="192.0.2.10", username="admin", password_encrypted=b"x", state=state, state_changed_at=checked,
        state_checked_at=checked)
