"""ONVIF events (Profile S/T cameras, any vendor), pulled from the camera's PullPoint by the pull process
(`surveillance/pull/onvif.py`), one stored raw event per ONVIF NotificationMessage.

The body is the driver's JSON reading of one message, nothing lost: the device it came from (the PullDevice's
device id), the topic, the message's UtcTime and PropertyOperation, its Source and Data items (name -> value as
sent), the onvif-parsers reading of it (`entities`), and, when the driver saw the state begin, `started_at`.

ONVIF events are mostly properties that turn true and false (IsMotion, IsTamper, IsInside, State, active). An
alert starts on true; the false that follows merges into it and sets its end: the natural key is device + topic +
source + start time, and the driver, which saw the true, puts that start time into the false's body (an ONVIF
message does not repeat it). A false whose start the driver never saw (PropertyOperation Initialized: the state
when the subscription began; or a pull process restarted mid-event) says only that the camera is alive, like a
heartbeat. Events without a state (LineDetector/Crossed carries an ObjectId) are alerts that start and end at
their UtcTime. A key too long for its column is hashed, never cut.

The natural key holds the device's UtcTime, so a camera's clock drift changes no key: the same message delivered
twice (a PullMessages answer repeated after a lost response) has the same time and is stored once.

Channel: ONVIF names a video source by a token, not a number. The channel is the number the token ends with
(VideoSource_2 -> 2, VideoSourceToken_3 -> 3, Axis "1" -> 1); a token without a number, or numbered 0 (the first
source of devices that count from 0: Reolink "000", Axis "Source 0"), is channel 1. A camera is registered with
that number (a single-sensor camera: 1).
"""

from __future__ import annotations

import hashlib
import re

from django.utils.translation import gettext as _

from accounts import parsers as bounded_json

from ..errors import PayloadError
from . import NormalisedAlert, media_type, parse_time

VENDOR = "onvif"
CONTENT_TYPES = ("application/json",)
CONTENT_TYPE = "application/json"
OPERATIONS = ("Initialized", "Changed", "Deleted")
# Keys are stored in 255 characters, the integration's prefix included (vendors.parse).
KEY_MAX = 230

# Topic families by their last segments (namespace prefixes dropped, lower case), most specific first. The
# onvif-parsers reading (device_class) classifies what is not listed; these are the topics whose meaning for
# the platform (a line crossed versus someone inside a field) onvif-parsers does not tell apart.
_TOPICS: tuple[tuple[str, str], ...] = (
    ("linedetector/crossed", "linedetection"),
    ("linedetector/crossing", "linedetection"),
    ("cellmotiondetector/linecross", "linedetection"),
    ("linecrossdetector/linecross", "linedetection"),
    ("fielddetector/objectsinside", "fielddetection"),
    ("cellmotiondetector/intrusion", "fielddetection"),
    ("tamperdetector/tamper", "tamper"),
    ("cellmotiondetector/tamper", "tamper"),
    ("videosource/globalscenechange", "tamper"),
    ("videosource/imagetooblurry", "tamper"),
    ("videosource/imagetoodark", "tamper"),
    ("videosource/imagetoobright", "tamper"),
    ("cellmotiondetector/motion", "motion"),
    ("motionregiondetector/motion", "motion"),
    ("videosource/motionalarm", "motion"),
    ("motiondetector/detection", "motion"),
    ("objectdetection/object", "objectdetection"),
    ("cameraapplicationplatform/objectanalytics", "objectdetection"),
    ("myruledetector/peopledetect", "objectdetection"),
    ("myruledetector/vehicledetect", "objectdetection"),
    ("myruledetector/facedetect", "objectdetection"),
    ("myruledetector/dogcatdetect", "objectdetection"),
    ("peopledetector/people", "objectdetection"),
    ("ruleengine/objectanalytics", "objectdetection"),
)
# onvif-parsers' device classes (Home Assistant's) for topics not listed above.
_DEVICE_CLASSES = {"motion": "motion", "occupancy": "objectdetection", "problem": "tamper", "tamper": "tamper"}
# What an object-detection entity's name or topic says was seen.
_OBJECT_WORDS = (("person", "person"), ("people", "person"), ("human", "person"), ("face", "face"),
                 ("vehicle", "vehicle"), ("car", "car"), ("pet", "animal"), ("dogcat", "animal"),
                 ("animal", "animal"))
_TRUE = frozenset({"true", "1", "on", "active"})
_FALSE = frozenset({"false", "0", "off", "inactive"})
# Source items that name the video source, in order of preference.
_SOURCE_TOKENS = ("VideoSourceConfigurationToken", "VideoSourceToken", "VideoSource", "Source", "channel")
_TRAILING_NUMBER = re.compile(r"(\d+)$")
_PREFIX = re.compile(r"[A-Za-z0-9_]+:")


def topic_kind(topic: str, entities: list[dict] | None = None) -> str:
    """The normalised event type of a topic ("" for topics that are no alert: day/night, PTZ, I/O state)."""
    plain = _PREFIX.sub("", topic).lower()
    for suffix, kind in _TOPICS:
        if suffix in plain:
            return kind
    for entity in entities or ():
        kind = _DEVICE_CLASSES.get(str(entity.get("device_class") or ""))
        if kind and entity.get("platform") == "binary_sensor":
            return kind
    return ""


def state_of(data: dict[str, str]) -> bool | None:
    """The property's state from its Data items: the first item that reads as a boolean, else None (an event
    without a state). Vendors spell it true/false (the standard) or 1/0 (Axis). Object detection (Ajax) lists
    the classes seen now instead: some while it lasts, none when it ends."""
    if "ClassTypes" in data:
        return bool(data["ClassTypes"].strip())
    for value in data.values():
        text = str(value).strip().lower()
        if text in _TRUE:
            return True
        if text in _FALSE:
            return False
    return None


def source_key(source: dict[str, str]) -> str:
    """The event's source in a stable form: what, together with device and topic, names one property."""
    return ",".join(f"{k}={v}" for k, v in sorted(source.items()))


def channel_of(source: dict[str, str]) -> int:
    for name in _SOURCE_TOKENS:
        token = source.get(name)
        if token:
            match = _TRAILING_NUMBER.search(token.strip())
            number = int(match.group(1)) if match else 0
            return number if 1 <= number <= 100_000 else 1
    return 1


def _labels(topic: str, data: dict[str, str], entities: list[dict]) -> list[str]:
    seen = [str(e.get("name") or "") for e in entities if e.get("value") is True]
    seen += [data.get("ClassTypes", ""), data.get("ObjectType", ""), data.get("Class", ""), topic.rsplit("/", 1)[-1]]
    labels = []
    for text in seen:
        plain = text.lower()
        labels += [label for word, label in _OBJECT_WORDS if word in plain and label not in labels]
    return labels


def _items(message: dict, key: str) -> dict[str, str]:
    items = message.get(key, {})
    if items is None:
        return {}
    if not isinstance(items, dict) or len(items) > 32 or not all(
            isinstance(k, str) and isinstance(v, str) and len(k) <= 100 and len(v) <= 1000 for k, v in items.items()):
        raise PayloadError(key, _("Expected an object of text values."))
    return items


def _text(message: dict, key: str, max_length: int) -> str:
    value = message.get(key)
    if not isinstance(value, str) or not value.strip():
        raise PayloadError(key, _("This field is required."))
    if len(value) > max_length:
        raise PayloadError(key, _("At most %(n)d characters.") % {"n": max_length})
    return value.strip()


def _bounded(device_id: str, key: str) -> str:
    """A key that fits: a long one is hashed, never cut (cutting could drop the start time or the state and
    make two events, or the start and the end of one, the same)."""
    if len(key) <= KEY_MAX:
        return key
    return f"{device_id}|sha256:{hashlib.sha256(key.encode()).hexdigest()}"


def parse(body: bytes, content_type: str = CONTENT_TYPE) -> list[NormalisedAlert]:
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
    device_id = _text(message, "device_id", 64)
    topic = _text(message, "topic", 255)
    at = parse_time(message.get("utc_time"), "utc_time")
    operation = message.get("operation") or "Changed"
    if operation not in OPERATIONS:
        raise PayloadError("operation", _("Expected Initialized, Changed or Deleted."))
    source, data = _items(message, "source"), _items(message, "data")
    entities = message.get("entities") or []
    if not isinstance(entities, list) or not all(isinstance(e, dict) for e in entities):
        raise PayloadError("entities", _("Expected a list of objects."))
    started = message.get("started_at")
    started_at = parse_time(started, "started_at") if started is not None else None

    kind = topic_kind(topic, entities)
    state = state_of(data)
    ended_at = None
    if state is None:
        started_at, ended_at = at, at  # a moment, not a state (a line crossed)
    elif state and operation != "Deleted":
        started_at = started_at or at
    elif started_at is not None:
        ended_at = at
    labels = _labels(topic, data, entities) if kind == "objectdetection" else []
    alive = not kind or started_at is None  # nothing to report, or the end of an event begun before we listened
    start = started_at or at
    natural_key = _bounded(device_id, f"{device_id}|{topic}|{source_key(source)}|{start.isoformat()}")
    return [NormalisedAlert(
        vendor=VENDOR, natural_key=natural_key,
        message_key=_bounded(device_id, f"{natural_key}|{state}|{operation}|{at.isoformat()}"), device_id=device_id,
        channel=channel_of(source), event_type=kind or "other", label=(labels[0] if labels else kind)[:64],
        started_at=start, ended_at=ended_at,
        zones=[source["Rule"][:64]] if source.get("Rule") else [],
        is_heartbeat=alive, raw=body, raw_content_type=CONTENT_TYPE,
    )]
