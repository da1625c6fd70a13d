"""Hikvision ISAPI alert stream: GET /ISAPI/Event/notification/alertStream with digest authentication.

The device answers `multipart/mixed; boundary=...` and never ends the body: one part per event, each an
`EventNotificationAlert` XML document (Content-Length given by most firmwares, missing on some), smart events
optionally followed by their JPEG pictures as further parts. While nothing happens the device sends a
keep-alive every few seconds: an alert of eventType `videoloss`, eventState `inactive`, channel 0 (or none).

Each alert goes to the sink as the push endpoint would receive it, so the same adapter reads it and a device
that both pushes and is pulled stores each event once (same integration, same natural key): alone as
application/xml, or with its pictures as multipart/form-data. Keep-alives are not events: they only keep the
read timeout from firing.
"""

from __future__ import annotations

import asyncio
import re
import uuid

import httpx

from ..models import StreamState
from .base import DeviceConfig, EventSink
from .http import check, client
from .multipart import MultipartReader, Part, boundary_of

PATH = "/ISAPI/Event/notification/alertStream"
# Pictures arrive right behind their alert; an alert waits this long for more of them before it is sent.
PICTURE_WAIT_SECONDS = 0.3
_TYPE = re.compile(rb"<eventType>\s*([^<\s]+)\s*</eventType>", re.IGNORECASE)
_STATE = re.compile(rb"<eventState>\s*([^<\s]+)\s*</eventState>", re.IGNORECASE)
_CHANNEL = re.compile(rb"<(?:channelID|dynChannelID)>\s*(\d+)\s*</", re.IGNORECASE)


def is_keepalive(xml: bytes) -> bool:
    kind, state, channel = _TYPE.search(xml), _STATE.search(xml), _CHANNEL.search(xml)
    return (kind is not None and kind.group(1).lower() == b"videoloss"
            and state is not None and state.group(1).lower() == b"inactive"
            and (channel is None or channel.group(1) == b"0"))


def is_alert(part: Part) -> bool:
    kind = part.content_type.lower()
    return ("xml" in kind or kind.startswith("text/plain") or not kind) and b"EventNotificationAlert" in part.body


def form_data(xml: bytes, pictures: list[Part]) -> tuple[bytes, str]:
    """The alert and its pictures as the device would push them (what vendors.hikvision reads)."""
    boundary = uuid.uuid4().hex
    chunks = [f'--{boundary}\r\nContent-Disposition: form-data; name="alert"\r\n'
              "Content-Type: application/xml\r\n\r\n".encode(), xml, b"\r\n"]
    for i, picture in enumerate(pictures):
        kind = picture.content_type.split(";")[0].strip() or "image/jpeg"
        chunks += [f'--{boundary}\r\nContent-Disposition: form-data; name="picture{i}"; '
                   f'filename="picture{i}.jpg"\r\nContent-Type: {kind}\r\n\r\n'.encode(), picture.body, b"\r\n"]
    chunks.append(f"--{boundary}--\r\n".encode())
    return b"".join(chunks), f"multipart/form-data; boundary={boundary}"


async def run(device: DeviceConfig, sink: EventSink) -> None:
    auth = httpx.DigestAuth(device.username, device.password)
    async with client().stream("GET", device.base_url + PATH, auth=auth) as response:
        content_type = check(response)
        await sink.state(StreamState.ONLINE)
        reader = MultipartReader(response.aiter_raw(), boundary_of(content_type))
        await _stream(reader, sink)


async def _stream(reader: MultipartReader, sink: EventSink) -> None:
    parts = aiter(reader.parts())
    pending: tuple[bytes, list[Part]] | None = None

    async def flush():
        nonlocal pending
        if pending is not None:
            xml, pictures = pending
            pending = None
            if pictures:
                await sink.event(*form_data(xml, pictures))
            else:
                await sink.event(xml, "application/xml")

    following: asyncio.Future | None = None
    try:
        while True:
            following = asyncio.ensure_future(anext(parts))
            if pending is not None:
                # An alert waits briefly for its pictures; the read itself is never cancelled (that would
                # break the stream), it is only waited for in two steps.
                done, _ = await asyncio.wait({following}, timeout=PICTURE_WAIT_SECONDS)
                if not done:
                    await flush()
            try:
                part = await following
            except StopAsyncIteration:
                break
            if part.content_type.lower().startswith("image/"):
                if pending is not None and len(pending[1]) < 5:
                    pending[1].append(part)
                continue
            await flush()
            if is_alert(part) and not is_keepalive(part.body):
                pending = (part.body, [])
    finally:
        if following is not None and not following.done():
            following.cancel()
        # What was complete is delivered even when the stream broke right after it.
        await flush()
