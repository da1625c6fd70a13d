"""Whether a camera's pulled event stream is up, as SQL expressions over Camera rows.

A camera belongs to a pulled device when an integration of the camera's district has a PullDevice with the
camera's vendor and device id (one stream per NVR serves all its channels). The pull process writes the stream's
state and touches `state_checked_at` while it holds the stream; a state not confirmed for STREAM_FRESH_SECONDS
is not believed (the process itself may have died), so the stream then counts as down.
"""

from __future__ import annotations

import datetime

from django.db.models import Exists, OuterRef, Subquery

from .models import PullDevice, StreamState

STREAM_FRESH_SECONDS = 60


def fresh_after(now: datetime.datetime) -> datetime.datetime:
    return now - datetime.timedelta(seconds=STREAM_FRESH_SECONDS)


def _devices_of_camera():
    return PullDevice.objects.filter(integration__district_id=OuterRef("district_id"), vendor=OuterRef("vendor"),
                                     device_id=OuterRef("device_id"), enabled=True)


def pulled() -> Exists:
    """The camera is on an enabled pulled device."""
    return Exists(_devices_of_camera())


def stream_up(now: datetime.datetime) -> Exists:
    """The camera's pulled stream is up and the pull process said so within the last minute."""
    return Exists(_devices_of_camera().filter(state=StreamState.ONLINE, state_checked_at__gte=fresh_after(now)))


def stream_annotations() -> dict:
    """The pulled device's state, when it was last confirmed, and its last error, for each camera (None when the
    camera is not pulled): correlated subqueries, so the camera list stays one query."""
    devices = _devices_of_camera().order_by("-state_checked_at", "id")
    return {"stream_state": Subquery(devices.values("state")[:1]),
            "stream_checked_at": Subquery(devices.values("state_checked_at")[:1]),
            "stream_error": Subquery(devices.values("last_error")[:1])}


def is_stream_up(state: str | None, checked_at: datetime.datetime | None, now: datetime.datetime) -> bool:
    """The same rule as `stream_up`, for values already read."""
    return state == StreamState.ONLINE and checked_at is not None and checked_at >= fresh_after(now)


__all__ = ["STREAM_FRESH_SECONDS", "fresh_after", "is_stream_up", "pulled", "stream_annotations",
           "stream_up"]
