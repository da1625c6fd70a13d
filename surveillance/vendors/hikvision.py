"""Hikvision ISAPI alarm push: `EventNotificationAlert` XML posted to the configured "HTTP host", either alone
(application/xml) or as one part of multipart/form-data next to JPEG pictures. Every shape the camera and NVR
families send is read the same way: element names without their namespace (ISAPI's hikvision.com/ver10 and
ver20, isapi.com, std-cgi.com, or the PSIA `urn:psialliance-org` of older NVR firmware), wherever they sit.

**The device** is named by the first of its identities it sends (`device_id`), the others travel along as
`device_aliases` so a camera registered under any of them is found:

* its MAC address (`macAddress`), lower case with colons: ``44:19:b6:0a:1b:2c``;
* else its serial number (`serialNumber`, in `Extensions` on PSIA NVRs), upper case, spaces removed:
  ``DS-7608NXI-I0/0P/S0000000000CCRRJ00000000WCVU``;
* else the IP address it reports (`ipAddress`), in its shortest form: ``10.20.1.64``. Private addresses repeat
  across districts, so this one means something only together with the integration that sent the event: the
  natural key is prefixed with the integration (vendors.parse) and cameras are matched within the
  integration's district (processing). Cameras belong to a district, not to an integration: two networks of
  one district that reuse an address must register those devices by MAC or serial number instead.

**The camera** is device + channel. An NVR numbers its IP channels twice: `channelID` from 33 (its device
channel) and `dynChannelID` from 1 (the D1, D2, ... its screen shows). `channel` is dynChannelID when sent, else
channelID; `source_channel` keeps channelID when it differs. An alarm input (IO alarm) names its port in
`inputIOPortID` / `dynInputIOPortID`, which becomes the zone ``io<port>``; a camera's input comes with the
camera's channel, an NVR's own inputs with none: those are channel 0, the device itself (where NVRs send their
"all channels" heartbeat), never a camera's D1.

**The natural key** is device_id + channelID + eventType + dateTime + activePostCount (+ the IO port). dateTime
is the device's clock, kept as the text it sent, never the instant parsed from it: a resend after a failed post
carries the identical body, so the identical text and count, and is recognised whatever the clock says by then,
even if the device was corrected meanwhile. A clock correction between two events changes only their times
(`started_at` is the device's time, trusted as sent); the events stay distinct since their dateTime text or
activePostCount (which grows with every post of an event type) differ. Two events would be taken for one only
if a device set back its clock, restarted its count, and posted the same event type on the same channel at the
same second as before: a loss we accept rather than storing every resend twice.

Heartbeats say the device is alive and never become alerts: eventType `heartBeat`, and the idle `videoloss`
with eventState inactive and activePostCount 0 that cameras and NVRs repeat every few seconds on the alert
stream (NVRs with channelID 0, "all channels").
"""

from __future__ import annotations

import ipaddress
import re
from email import policy
from email.parser import BytesParser
from xml.etree.ElementTree import ParseError

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import fromstring
from django.conf import settings
from django.utils.translation import gettext as _

from ..errors import PayloadError
from . import NormalisedAlert, Picture, media_type, parse_time

VENDOR = "hikvision"
XML_TYPES = ("application/xml", "text/xml")
CONTENT_TYPES = (*XML_TYPES, "multipart/form-data")
PICTURE_MAGIC = {"image/jpeg": b"\xff\xd8\xff", "image/png": b"\x89PNG\r\n\x1a\n"}
_HEX = re.compile(r"[^0-9a-f]")
# A MAC as people write it: 44:19:b6:0a:1b:2c, 44-19-B6-0A-1B-2C, 4419.b60a.1b2c or 4419b60a1b2c.
_MAC_SHAPE = re.compile(r"^(?:[0-9a-f]{2}([:-])(?:[0-9a-f]{2}\1){4}[0-9a-f]{2}|[0-9a-f]{4}(?:\.[0-9a-f]{4}){2}"
                        r"|[0-9a-f]{12})$", re.IGNORECASE)
# Hikvision serials: model, date and serial run together (DS-2CD2443G0-IW20190101AAWRE12345678), with "/" on
# NVRs (DS-7608NXI-I0/0P/S0000000000CCRRJ00000000WCVU); the short form on the sticker has 9 characters. A digit
# somewhere: a word typed into the field ("NOT-A-MAC") is no serial.
_SERIAL_SHAPE = re.compile(r"^(?=.*\d)[A-Z0-9][A-Z0-9/_.\-]{8,63}$")
# A UTC offset with a one-digit hour, as some firmware writes it (2016-12-24T18:59:49-8:00).
_SHORT_OFFSET = re.compile(r"([+-])(\d)(:?\d\d)$")
# ANPR that read nothing says so in words.
_NO_PLATE = {"", "unknown", "none", "null", "0"}
_MAX_CHANNEL = 100_000  # the bound of the generic adapter; the column would overflow past 2**31


def normalise_mac(value: str) -> str:
    digits = _HEX.sub("", (value or "").lower())
    if len(digits) != 12:
        raise PayloadError("macAddress", _("Not a MAC address."))
    return ":".join(digits[i:i + 2] for i in range(0, 12, 2))


def normalise_serial(value: str) -> str:
    serial = re.sub(r"\s+", "", value or "").upper()
    if not _SERIAL_SHAPE.match(serial):
        raise PayloadError("serialNumber", _("Not a serial number."))
    return serial


def normalise_ip(value: str) -> str:
    try:
        address = ipaddress.ip_address((value or "").strip())
    except ValueError:
        raise PayloadError("ipAddress", _("Not an IP address.")) from None
    # An IPv4 address written as IPv6 (::ffff:10.20.1.64) is the same device as 10.20.1.64.
    mapped = getattr(address, "ipv4_mapped", None)
    return (mapped or address).compressed


def device_id_normalise(value: str) -> str:
    """What an operator types to register a Hikvision device, as events name it: a MAC address, else an IP
    address, else a serial number (see the module docstring). Raises PayloadError naming the field."""
    value = (value or "").strip()
    if _MAC_SHAPE.match(value):
        return normalise_mac(value)
    try:
        return normalise_ip(value)
    except PayloadError:
        pass
    return normalise_serial(value)


def _split_multipart(body: bytes, content_type: str) -> tuple[bytes, list[Picture]]:
    if "boundary=" not in content_type:
        raise PayloadError("body", _("A multipart body needs a boundary."))
    message = BytesParser(policy=policy.HTTP).parsebytes(
        b"Content-Type: " + content_type.encode("latin-1") + b"\r\n\r\n" + body)
    if not message.is_multipart():
        raise PayloadError("body", _("The multipart body could not be read."))
    xml, pictures = None, []
    for index, part in enumerate(message.iter_parts()):
        data = part.get_payload(decode=True) or b""
        ctype = part.get_content_type()
        name = part.get_filename() or part.get_param("name", header="content-disposition") or f"part{index}"
        if ctype in XML_TYPES or (ctype == "text/plain" and data.lstrip().startswith(b"<")):
            if xml is not None:
                raise PayloadError(name, _("Only one EventNotificationAlert per request."))
            xml = data
        elif ctype.startswith("image/"):
            magic = PICTURE_MAGIC.get(ctype)
            if magic is None or not data.startswith(magic):
                raise PayloadError(name, _("Pictures must be JPEG or PNG files."))
            if len(data) > settings.SURVEILLANCE_PICTURE_MAX_BYTES:
                raise PayloadError(name, _("This picture is too large."))
            pictures.append(Picture(name=str(name)[:100], content_type=ctype, data=data))
    if xml is None:
        raise PayloadError("body", _("The multipart body has no EventNotificationAlert XML part."))
    return xml, pictures


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def _fields(xml: bytes) -> dict[str, object]:
    """The document's elements by local name: the first of each name, searched depth-first (top-level fields
    come first; `serialNumber` sits in Extensions, `licensePlate` in ANPR), plus the lists that repeat."""
    try:
        root = fromstring(xml, forbid_dtd=True, forbid_entities=True, forbid_external=True)
    except DefusedXmlException:
        raise PayloadError("body", _("XML with a DTD or entities is refused.")) from None
    except (ParseError, ValueError):
        raise PayloadError("body", _("Malformed XML.")) from None
    if _local(root.tag) != "EventNotificationAlert":
        raise PayloadError("body", _("Expected an EventNotificationAlert document."))
    fields: dict[str, object] = {_local(child.tag): (child.text or "").strip() for child in root}
    regions: list[str] = []
    targets: list[str] = []
    for element in root.iter():
        tag = _local(element.tag)
        text = (element.text or "").strip()
        if tag == "regionID" and text:
            regions.append(f"region{text}")
        elif tag in ("detectionTarget", "targetType") and text:
            targets.append(text.lower())
        elif tag in ("serialNumber", "licensePlate", "originalLicensePlate", "confidenceLevel", "relationEvent",
                     "inputIOPortID", "dynInputIOPortID") and tag not in fields:
            fields[tag] = text
    fields["regions"] = regions
    fields["targets"] = targets
    return fields


def _number(fields: dict, name: str, *, limit: int = _MAX_CHANNEL) -> int | None:
    text = str(fields.get(name) or "")
    if not text:
        return None
    try:
        value = int(text)
    except ValueError:
        raise PayloadError(name, _("Not a number.")) from None
    if not 0 <= value <= limit:
        raise PayloadError(name, _("Expected a whole number."))
    return value


def _identities(fields: dict) -> list[str]:
    """The device's identities, the strongest first (see the module docstring)."""
    found = []
    mac = str(fields.get("macAddress") or "")
    if mac:
        found.append(normalise_mac(mac))
    serial = str(fields.get("serialNumber") or "")
    if serial:
        found.append(normalise_serial(serial))
    ip = str(fields.get("ipAddress") or "")
    if ip:
        try:
            found.append(normalise_ip(ip))
        except PayloadError:
            if not found:  # the only name it gave, and unreadable
                raise
    if not found:
        raise PayloadError("macAddress", _("The device is not identified: send macAddress, serialNumber or "
                                           "ipAddress."))
    return found


def _plate(fields: dict) -> str:
    plate = re.sub(r"\s+", "", str(fields.get("licensePlate") or fields.get("originalLicensePlate") or ""))
    return "" if plate.lower() in _NO_PLATE else plate.upper()[:32]


def _confidence(fields: dict) -> float | None:
    """ANPR's confidenceLevel is a percentage; nothing else says how sure it is."""
    text = str(fields.get("confidenceLevel") or "")
    try:
        value = float(text) / 100
    except ValueError:
        return None
    return value if 0 <= value <= 1 else None


def _device_time(text: str):
    fixed = _SHORT_OFFSET.sub(lambda m: f"{m[1]}0{m[2]}{m[3]}", text.strip())
    return parse_time(fixed, "dateTime", naive_is_local=True)


def parse(body: bytes, content_type: str) -> list[NormalisedAlert]:
    kind = media_type(content_type)
    if kind == "multipart/form-data":
        xml, pictures = _split_multipart(body, content_type)
    elif kind in XML_TYPES:
        xml, pictures = body, []
    else:
        raise PayloadError("content_type", _("Send application/xml or multipart/form-data."))
    f = _fields(xml)
    event_type = str(f.get("eventType") or "")
    if not event_type:
        raise PayloadError("eventType", _("This field is required."))
    identities = _identities(f)
    device_channel, dyn_channel = _number(f, "channelID"), _number(f, "dynChannelID")
    io_port = _number(f, "dynInputIOPortID")
    io_port = io_port if io_port is not None else _number(f, "inputIOPortID")
    unnumbered = 0 if io_port is not None else 1
    channel = dyn_channel if dyn_channel is not None else device_channel if device_channel is not None else unnumbered
    source_channel = device_channel if device_channel is not None and device_channel != channel else None
    date_text = str(f.get("dateTime") or "")
    started_at = _device_time(date_text)
    # Counts every post of the event type since the device started: months of motion run past any channel bound.
    post_count = _number(f, "activePostCount", limit=2**63 - 1) or 0
    state = str(f.get("eventState", "")).lower()
    code = event_type.lower()
    is_heartbeat = code == "heartbeat" or (code == "videoloss" and state == "inactive" and post_count == 0)
    # The key's channel is the one the device numbers (channelID), as before dynChannelID was read.
    key_channel = device_channel if device_channel is not None else dyn_channel if dyn_channel is not None else 1
    key = f"{identities[0]}|{key_channel}|{event_type}|{date_text}|{post_count}"
    zones = list(f["regions"])
    if io_port is not None:
        key += f"|io{io_port}"  # an NVR's alarm inputs fire together, on no channel
        zones.append(f"io{io_port}")
    targets = f["targets"]
    # "duration": an event still going on; what goes on is its relationEvent (fielddetection, linedetection).
    shown_type = str(f.get("relationEvent") or "").lower() if code == "duration" else ""
    shown_type = shown_type or code
    plate = _plate(f) if code == "anpr" else ""
    return [NormalisedAlert(
        vendor=VENDOR, natural_key=key, message_key=key, device_id=identities[0],
        device_aliases=tuple(identities[1:]), channel=channel, source_channel=source_channel,
        event_type=shown_type[:64], started_at=started_at,
        label=(targets[0] if targets else "vehicle" if plate else shown_type)[:64],
        confidence=_confidence(f) if code == "anpr" else None, plate=plate,
        ended_at=started_at if state == "inactive" and not is_heartbeat else None,
        zones=[z[:64] for z in dict.fromkeys(zones)],
        device_ip=str(f.get("ipAddress") or "")[:64], device_name=str(f.get("channelName") or "")[:200],
        pictures=pictures, is_heartbeat=is_heartbeat, raw=body, raw_content_type=content_type,
    )]
