"""Camera vendors are plug-ins: each module turns its vendor's payload into `NormalisedAlert`s. Nothing outside
this package knows a vendor's format.

An adapter module has `VENDOR` (a `Vendor` value), `CONTENT_TYPES` (what its endpoint accepts) and
`parse(body, content_type) -> list[NormalisedAlert]`, raising `PayloadError` for anything it cannot read.
Callers go through `parse` here, never an adapter's own: it puts the integration into every key, in one place
for every vendor. The same `parse` runs at ingest (to validate and find the natural keys, before anything is
stored) and in the worker (on the stored raw body).
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from types import ModuleType

from django.utils import timezone
from django.utils.translation import gettext as _

from ..errors import PayloadError


@dataclass(frozen=True)
class Picture:
    name: str
    content_type: str
    data: bytes


@dataclass
class NormalisedAlert:
    vendor: str
    # The event's identity at its source: alerts merge on it (a Frigate update, a Hikvision resend).
    natural_key: str
    # One message's identity: raw events are stored once per message key.
    message_key: str
    # The device as the event names it; cameras are registered under it or under one of `device_aliases`, the
    # device's other identities in the same event (a Hikvision serial number or IP address beside its MAC).
    device_id: str
    channel: int
    event_type: str
    started_at: datetime.datetime
    label: str = ""
    confidence: float | None = None
    ended_at: datetime.datetime | None = None
    zones: list[str] = field(default_factory=list)
    device_ip: str = ""
    device_name: str = ""
    pictures: list[Picture] = field(default_factory=list)
    is_heartbeat: bool = False
    device_aliases: tuple[str, ...] = ()
    # The device's own channel number when it differs from `channel` (an NVR's channelID 34 for its D2).
    source_channel: int | None = None
    # ANPR: the number plate read, upper case without spaces; personal data (see Alert.plate).
    plate: str = ""
    # What to store as the raw event: the whole body, or one item of a batch.
    raw: bytes = b""
    raw_content_type: str = ""

    @property
    def identities(self) -> tuple[str, ...]:
        """Every name of the device, the strongest first."""
        return (self.device_id, *self.device_aliases)


def adapter(vendor: str) -> ModuleType:
    from . import dahua, frigate, generic, hikvision, onvif

    return {m.VENDOR: m for m in (hikvision, frigate, generic, dahua, onvif)}[vendor]


def parse(vendor: str, body: bytes, content_type: str, *, integration_id: int | None) -> list[NormalisedAlert]:
    """The adapter's messages with the integration in their keys. A vendor's own ids (a Hikvision MAC and time, a
    Frigate event id, a client's event_id) say nothing about who sent them: without the integration, one leaked
    token could send another integration's next event ids first and have the real ones dropped as duplicates."""
    messages = adapter(vendor).parse(body, content_type)
    namespace = f"{integration_id or 0}:"
    for message in messages:
        message.natural_key = namespace + message.natural_key
        message.message_key = namespace + message.message_key
    return messages


def media_type(content_type: str) -> str:
    return (content_type or "").split(";")[0].strip().lower()


def parse_time(value, field_name: str, *, naive_is_local: bool = False) -> datetime.datetime:
    """ISO 8601 text or Unix seconds to an aware datetime."""
    if isinstance(value, int | float) and not isinstance(value, bool):
        try:
            return datetime.datetime.fromtimestamp(float(value), tz=datetime.UTC)
        except (OverflowError, OSError, ValueError):
            raise PayloadError(field_name, _("Not a valid time.")) from None
    if not isinstance(value, str) or not value.strip():
        raise PayloadError(field_name, _("A time is required (ISO 8601 with a UTC offset)."))
    try:
        parsed = datetime.datetime.fromisoformat(value.strip())
    except ValueError:
        raise PayloadError(field_name, _("Not a valid ISO 8601 time.")) from None
    if parsed.tzinfo is None:
        if not naive_is_local:
            raise PayloadError(field_name, _("The time must include a UTC offset."))
        # Cameras keep local time; a camera that omits the offset is in the server's zone (Asia/Tashkent).
        parsed = timezone.make_aware(parsed)
    return parsed


def clean_confidence(value, field_name: str) -> float | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise PayloadError(field_name, _("Confidence must be a number from 0 to 1."))
    value = float(value)
    if not 0 <= value <= 1:
        raise PayloadError(field_name, _("Confidence must be a number from 0 to 1."))
    return value
