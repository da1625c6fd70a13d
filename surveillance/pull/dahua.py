"""Dahua event stream: GET /cgi-bin/eventManager.cgi?action=attach&codes=[All]&heartbeat=5, digest auth.

The device answers `multipart/x-mixed-replace; boundary=myboundary` and never ends: each part is text,
`Code=VideoMotion;action=Start;index=0` optionally followed by `;data={...JSON...}`, or `Heartbeat` every
`heartbeat` seconds. A part may hold several such blocks, one per line. `index` is the channel counted from 0.

Dahua blocks do not name the device, nor carry a reliable time, so the driver wraps each block in a small JSON
envelope that the Dahua adapter (vendors.dahua) reads:

    {"device_id": "<PullDevice.device_id>", "received_at": "<ISO 8601, this process's clock>",
     "started_at": "<when this event's Start was received>", "block": "Code=...;action=...;index=...;data=..."}

`started_at` is what turns a Start and its Stop into one alert: the Stop carries the time of its Start (the
driver remembers open events per code and channel for the life of the stream), so both have the same natural
key and the Stop only sets the end time. A Stop whose Start was before a reconnect carries its own time.
"""

from __future__ import annotations

import datetime
import json
import re

import httpx

from ..models import StreamState
from .base import DeviceConfig, EventSink
from .http import check, client
from .multipart import MultipartReader, boundary_of

PATH = "/cgi-bin/eventManager.cgi?action=attach&codes=[All]&heartbeat=5"
CONTENT_TYPE = "application/json"
_BLOCKS = re.compile(r"(?m)^(?=Code=)")
_HEAD = re.compile(r"Code=([^;\s]+);action=([^;\s]+);index=(\d+)")


def blocks(text: str) -> list[str]:
    return [b.strip() for b in _BLOCKS.split(text) if b.strip().startswith("Code=")]


class Envelopes:
    """Turns the blocks of one stream into envelopes, remembering when each open event started."""

    def __init__(self, device_id: str):
        self.device_id = device_id
        self.open: dict[tuple[str, str], str] = {}

    def wrap(self, block: str, now: datetime.datetime | None = None) -> bytes | None:
        head = _HEAD.match(block)
        if head is None:
            return None
        code, action, index = head.groups()
        received = (now or datetime.datetime.now(datetime.UTC)).isoformat(timespec="milliseconds")
        key = (code, index)
        if action == "Start":
            started = self.open.setdefault(key, received)
        elif action == "Stop":
            started = self.open.pop(key, received)
        else:  # Pulse and the like: an instant
            started = received
        return json.dumps({"device_id": self.device_id, "received_at": received, "started_at": started,
                           "block": block}, separators=(",", ":")).encode()


async def run(device: DeviceConfig, sink: EventSink) -> None:
    auth = httpx.DigestAuth(device.username, device.password)
    async with client().stream("GET", device.base_url + PATH, auth=auth) as response:
        content_type = check(response)
        await sink.state(StreamState.ONLINE)
        reader = MultipartReader(response.aiter_raw(), boundary_of(content_type))
        envelopes = Envelopes(device.device_id)
        async for part in reader.parts():
            for block in blocks(part.body.decode("utf-8", "replace")):
                body = envelopes.wrap(block)
                if body is not None:
                    await sink.event(body, CONTENT_TYPE)

