"""Frigate NVR events (`frigate/events` over MQTT, or the same JSON posted by a relay).

Each message is `{"type": "new"|"update"|"end", "before": {...}, "after": {...}}` about one tracked object;
`after.id` is the event's identity, so every message of one object merges into one alert, in whatever order
they arrive (see services: the merge keeps the earliest start, the latest end and the highest score).
A message is stored once per (id, type, content): a broker redelivery is the same bytes.
"""

from __future__ import annotations

import hashlib

from django.utils.translation import gettext as _

from accounts import parsers as bounded_json

from ..errors import PayloadError
from . import NormalisedAlert, clean_confidence, media_type, parse_time

VENDOR = "frigate"
CONTENT_TYPES = ("application/json",)
TYPES = ("new", "update", "end")
# Frigate cameras have no channels; they are registered with this one.
CHANNEL = 1


def _text(obj: dict, key: str, required: bool = True) -> str:
    value = obj.get(key)
    if value is None and not required:
        return ""
    if not isinstance(value, str) or not value.strip():
        raise PayloadError(f"after.{key}", _("This field is required."))
    return value.strip()


def parse(body: bytes, content_type: str = "application/json") -> list[NormalisedAlert]:
    if media_type(content_type) not in CONTENT_TYPES:
        raise PayloadError("content_type", _("Send application/json."))
    try:
        message = bounded_json.loads(body)
    except bounded_json.JSONTooDeep as exc:
        raise PayloadError("body", str(exc)) from None
    except (ValueError, UnicodeDecodeError):
        raise PayloadError("body", _("Malformed JSON.")) from None
    if not isinstance(message, dict):
        raise PayloadError("body", _("Expected a JSON object."))
    kind = message.get("type")
    if kind not in TYPES:
        raise PayloadError("type", _("Expected new, update or end."))
    after = message.get("after") if isinstance(message.get("after"), dict) else message.get("before")
    if not isinstance(after, dict):
        raise PayloadError("after", _("This field is required."))
    event_id = _text(after, "id")[:200]
    scores = [clean_confidence(after.get(k), f"after.{k}") for k in ("top_score", "score")]
    scores = [s for s in scores if s is not None]
    ended_at = after.get("end_time")
    zones = [z for key in ("entered_zones", "current_zones") if isinstance(after.get(key), list)
             for z in after[key] if isinstance(z, str)]
    digest = hashlib.sha256(body).hexdigest()[:16]
    label = _text(after, "label")[:64]
    return [NormalisedAlert(
        vendor=VENDOR, natural_key=event_id, message_key=f"{event_id}|{kind}|{digest}",
        device_id=_text(after, "camera")[:64], channel=CHANNEL, event_type=label, label=label,
        confidence=max(scores) if scores else None,
        started_at=parse_time(after.get("start_time"), "after.start_time"),
        ended_at=parse_time(ended_at, "after.end_time") if ended_at is not None else None,
        zones=[z[:64] for z in dict.fromkeys(zones)], device_name=_text(after, "camera")[:200],
        raw=body, raw_content_type="application/json",
    )]
