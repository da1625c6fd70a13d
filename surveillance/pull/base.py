"""The contract between the pull runner and a vendor driver (surveillance/pull/<vendor>.py).

A driver module exposes `async def run(device: DeviceConfig, sink: EventSink) -> None`: it opens one event
stream to the device and streams until the connection ends, returning or raising. It never reconnects, never
touches the database: the runner reconnects with backoff, keeps the device's state and stores the events. For
each vendor message it awaits `sink.event(body, content_type)` with a body that
`surveillance.vendors.adapter(device.vendor).parse` reads; the await may block while the runner's buffer is
full (the database is away), which is how the driver stops reading the socket instead of piling up memory.
It reports the stream's state with `sink.state(...)` (a `PullDevice.State` value): ONLINE once the stream is
open; AUTH_FAILED (then return or raise `AuthFailed`) when the device refuses the credentials. The runner itself
sets CONNECTING before each attempt and OFFLINE when `run` ends.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Protocol


@dataclass(frozen=True)
class DeviceConfig:
    id: int
    vendor: str
    device_id: str
    base_url: str
    username: str
    password: str = field(repr=False)
    integration_id: int


class EventSink(Protocol):
    async def event(self, body: bytes, content_type: str) -> None:
        """One vendor message, parseable by vendors.adapter(vendor).parse."""

    async def state(self, state: str, error: str = "") -> None:
        """A PullDevice.State value, with the reason when it is not ONLINE."""


class AuthFailed(Exception):
    """The device refused the user name and password (the runner retries such a device only slowly)."""


class StreamError(Exception):
    """The device answered something that is not its event stream (an HTTP error, a wrong content type)."""


# What a driver sends as its request's User-Agent: device logs then say who holds the stream.
USER_AGENT = "mahalla-safety-pull/1"
