"""Our own JSON alert format, for analytics servers that can be configured to post JSON (documented in the
OpenAPI schema by `serializers.GenericAlertSerializer`; kept in step by a test).

One alert is an object; a batch is `{"alerts": [...]}` of up to SURVEILLANCE_BATCH_MAX alerts. Every item is
checked before anything is stored: one bad item refuses the whole request, naming it (`alerts[3].started_at`).
The natural key is the client's `event_id` (vendors.parse puts it within its integration).

Validation is hand-written rather than a DRF serializer: a 1,000-alert batch is checked in a few milliseconds
instead of a few hundred.
"""

from __future__ import annotations

import base64
import binascii
import json

from django.conf import settings
from django.utils.translation import gettext as _

from accounts import parsers as bounded_json

from ..errors import PayloadError
from . import NormalisedAlert, Picture, clean_confidence, media_type, parse_time

VENDOR = "generic"
CONTENT_TYPES = ("application/json",)
PICTURE_MAGIC = {"image/jpeg": b"\xff\xd8\xff", "image/png": b"\x89PNG\r\n\x1a\n"}
FIELDS = {"event_id", "device_id", "channel", "event_type", "label", "confidence", "started_at", "ended_at",
          "zone", "device_name", "pictures"}


def _string(item: dict, key: str, where: str, *, required: bool, max_length: int) -> str:
    value = item.get(key)
    if value is None or value == "":
        if required:
            raise PayloadError(f"{where}{key}", _("This field is required."))
        return ""
    if not isinstance(value, str):
        raise PayloadError(f"{where}{key}", _("Expected text."))
    value = value.strip()
    if len(value) > max_length:
        raise PayloadError(f"{where}{key}", _("At most %(n)d characters.") % {"n": max_length})
    return value


def _pictures(value, where: str) -> list[Picture]:
    if value is None:
        return []
    if not isinstance(value, list) or len(value) > 5:
        raise PayloadError(f"{where}pictures", _("Expected a list of at most 5 pictures."))
    pictures = []
    for i, picture in enumerate(value):
        at = f"{where}pictures[{i}]"
        if not isinstance(picture, dict):
            raise PayloadError(at, _("Expected an object."))
        ctype = picture.get("content_type")
        try:
            data = base64.b64decode(picture.get("data") or "", validate=True)
        except (binascii.Error, TypeError, ValueError):
            raise PayloadError(f"{at}.data", _("Not valid base64.")) from None
        magic = PICTURE_MAGIC.get(ctype)
        if magic is None or not data.startswith(magic):
            raise PayloadError(at, _("Pictures must be JPEG or PNG files."))
        if len(data) > settings.SURVEILLANCE_PICTURE_MAX_BYTES:
            raise PayloadError(at, _("This picture is too large."))
        pictures.append(Picture(name=f"picture{i}", content_type=ctype, data=data))
    return pictures


def _item(item, where: str, raw: bytes | None) -> NormalisedAlert:
    if not isinstance(item, dict):
        raise PayloadError(where.rstrip(".") or "body", _("Expected a JSON object."))
    unknown = set(item) - FIELDS
    if unknown:
        raise PayloadError(f"{where}{sorted(unknown)[0]}", _("Unknown field."))
    event_id = _string(item, "event_id", where, required=True, max_length=100)
    channel = item.get("channel", 1)
    if isinstance(channel, bool) or not isinstance(channel, int) or not 0 <= channel <= 100_000:
        raise PayloadError(f"{where}channel", _("Expected a whole number."))
    ended = item.get("ended_at")
    zone = _string(item, "zone", where, required=False, max_length=64)
    return NormalisedAlert(
        vendor=VENDOR, natural_key=event_id, message_key=event_id,
        device_id=_string(item, "device_id", where, required=True, max_length=64), channel=channel,
        event_type=_string(item, "event_type", where, required=True, max_length=64).lower(),
        label=_string(item, "label", where, required=False, max_length=64).lower(),
        confidence=clean_confidence(item.get("confidence"), f"{where}confidence"),
        started_at=parse_time(item.get("started_at"), f"{where}started_at"),
        ended_at=parse_time(ended, f"{where}ended_at") if ended is not None else None,
        zones=[zone] if zone else [],
        device_name=_string(item, "device_name", where, required=False, max_length=200),
        pictures=_pictures(item.get("pictures"), where),
        raw=raw if raw is not None else json.dumps(item, separators=(",", ":")).encode(),
        raw_content_type="application/json",
    )


def parse(body: bytes, content_type: str = "application/json") -> list[NormalisedAlert]:
    if media_type(content_type) not in CONTENT_TYPES:
        raise PayloadError("content_type", _("Send application/json."))
    try:
        payload = bounded_json.loads(body)
    except bounded_json.JSONTooDeep as exc:
        raise PayloadError("body", str(exc)) from None
    except (ValueError, UnicodeDecodeError):
        raise PayloadError("body", _("Malformed JSON.")) from None
    if isinstance(payload, dict) and "alerts" in payload:
        items = payload["alerts"]
        limit = settings.SURVEILLANCE_BATCH_MAX
        if not isinstance(items, list) or not items:
            raise PayloadError("alerts", _("Expected a non-empty list of alerts."))
        if len(items) > limit:
            raise PayloadError("alerts", _("At most %(n)d alerts per request.") % {"n": limit})
        alerts = [_item(item, f"alerts[{i}].", None) for i, item in enumerate(items)]
    else:
        alerts = [_item(payload, "", body)]
    keys = [a.natural_key for a in alerts]
    if len(set(keys)) != len(keys):
        raise PayloadError("alerts", _("The same event_id appears twice in this batch."))
    return alerts
