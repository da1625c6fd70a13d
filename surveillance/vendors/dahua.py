"""Dahua events, as the pull process's Dahua driver (surveillance/pull/dahua.py) stores them: a JSON envelope
around one block of the device's event stream, since the block itself names neither the device nor a time:

    {"device_id": "NVR-7", "received_at": "2026-12-06T18:00:05.120+00:00",
     "started_at": "2026-12-06T18:00:01.004+00:00",
     "block": "Code=CrossLineDetection;action=Stop;index=3;data={\"Object\": {\"ObjectType\": \"Human\"}}"}

The natural key is device + code + channel + started_at: a Start and its Stop carry the same started_at (the
driver remembers it), so they merge into one alert whose Stop sets the end time (processing's upsert keeps the
latest ended_at). Channels are Dahua's `index` + 1, as the device's own pages number them. Times are the pull
process's clock, not the device's: Dahua clocks drift and the block rarely carries a time of its own.
"""

from __future__ import annotations

import json
import re

from django.utils.translation import gettext as _

from accounts import parsers as bounded_json

from ..errors import PayloadError
from . import NormalisedAlert, media_type, parse_time

VENDOR = "dahua"
CONTENT_TYPES = ("application/json",)
_HEAD = re.compile(r"Code=([^;\s]+);action=([^;\s]+);index=(\d+)")
# Dahua codes named like the Hikvision event types districts already filter on; others are kept, lower case.
EVENT_TYPES = {
    "videomotion": "vmd", "crosslinedetection": "linedetection", "crossregiondetection": "fielddetection",
    "videoblind": "tamperdetection", "videoloss": "videoloss", "alarmlocal": "io",
    "smartmotionhuman": "humandetection", "smartmotionvehicle": "vehicledetection",
    "facedetection": "facedetection", "trafficjunction": "anpr", "leftdetection": "unattendedbaggage",
    "takenawaydetection": "attendedbaggage", "wanderdetection": "loitering",
}


def _data(block: str) -> dict:
    _, sep, text = block.partition(";data=")
    if not sep or not text.strip():
        return {}
    try:
        data = bounded_json.loads(text.strip().encode())
    except (ValueError, UnicodeDecodeError, bounded_json.JSONTooDeep):
        return {}  # the data is a bonus: code, action and channel are what the alert needs
    return data if isinstance(data, dict) else {}


def _label(data: dict, event_type: str) -> str:
    obj = data.get("Object")
    if isinstance(obj, dict) and isinstance(obj.get("ObjectType"), str):
        return obj["ObjectType"].lower()[:64]
    return event_type


def parse(body: bytes, content_type: str = "application/json") -> list[NormalisedAlert]:
    if media_type(content_type) not in CONTENT_TYPES:
        raise PayloadError("content_type", _("Send application/json."))
    try:
        envelope = bounded_json.loads(body)
    except bounded_json.JSONTooDeep as exc:
        raise PayloadError("body", str(exc)) from None
    except (ValueError, UnicodeDecodeError):
        raise PayloadError("body", _("Malformed JSON.")) from None
    if not isinstance(envelope, dict):
        raise PayloadError("body", _("Expected a JSON object."))
    device_id = envelope.get("device_id")
    if not isinstance(device_id, str) or not device_id.strip() or len(device_id) > 64:
        raise PayloadError("device_id", _("This field is required."))
    block = envelope.get("block")
    head = _HEAD.match(block) if isinstance(block, str) else None
    if head is None:
        raise PayloadError("block", _("Expected Code=...;action=...;index=..."))
    code, action, index = head.groups()
    received_at = parse_time(envelope.get("received_at"), "received_at")
    started_text = envelope.get("started_at")
    started_at = parse_time(started_text, "started_at")
    channel = int(index) + 1
    if channel > 100_000:
        raise PayloadError("block", _("Expected a whole number."))
    event_type = EVENT_TYPES.get(code.lower(), code.lower())[:64]
    data = _data(block)
    key = f"{device_id.strip()}|{code}|{channel}|{started_text}"
    zones = [str(data["Name"])[:64]] if isinstance(data.get("Name"), str) and data["Name"] else []
    return [NormalisedAlert(
        vendor=VENDOR, natural_key=key, message_key=f"{key}|{action}|{envelope.get('received_at')}",
        device_id=device_id.strip(), channel=channel, event_type=event_type, started_at=started_at,
        label=_label(data, event_type), ended_at=None if action == "Start" else received_at, zones=zones,
        raw=body, raw_content_type="application/json",
    )]


def envelope(device_id: str, block: str, *, received_at: str, started_at: str) -> bytes:
    """An envelope as the driver writes it (tests and fixtures)."""
    return json.dumps({"device_id": device_id, "received_at": received_at, "started_at": started_at,
                       "block": block}, separators=(",", ":")).encode()
