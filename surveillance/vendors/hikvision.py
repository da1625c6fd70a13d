"""Hikvision ISAPI alarm push: `EventNotificationAlert` XML posted to the configured "HTTP host", either alone
(application/xml) or as one part of multipart/form-data next to JPEG pictures.

The natural key is MAC + channel + eventType + dateTime + activePostCount: a camera that resends after a
failed post sends exactly these again, while a long motion produces posts with a growing activePostCount.
Heartbeats (eventType heartBeat) say the camera is alive; they never become alerts.
"""

from __future__ import annotations

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


def normalise_mac(value: str) -> str:
    digits = _HEX.sub("", (value or "").lower())
    if len(digits) != 12:
        raise PayloadError("macAddress", _("Not a MAC address."))
    return ":".join(digits[i:i + 2] for i in range(0, 12, 2))


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


def _fields(xml: bytes) -> dict[str, object]:
    try:
        root = fromstring(xml, forbid_dtd=True, forbid_entities=True, forbid_external=True)
    except DefusedXmlException:
        raise PayloadError("body", _("XML with a DTD or entities is refused.")) from None
    except (ParseError, ValueError):
        raise PayloadError("body", _("Malformed XML.")) from None
    if root.tag.rsplit("}", 1)[-1] != "EventNotificationAlert":
        raise PayloadError("body", _("Expected an EventNotificationAlert document."))
    fields: dict[str, object] = {child.tag.rsplit("}", 1)[-1]: (child.text or "").strip() for child in root}
    regions: list[str] = []
    targets: list[str] = []
    for element in root.iter():
        tag = element.tag.rsplit("}", 1)[-1]
        text = (element.text or "").strip()
        if tag == "regionID" and text:
            regions.append(f"region{text}")
        elif tag == "detectionTarget" and text:
            targets.append(text.lower())
    fields["regions"] = regions
    fields["targets"] = targets
    return fields


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
    mac = normalise_mac(str(f.get("macAddress") or ""))
    try:
        channel = int(f.get("channelID") or f.get("dynChannelID") or 1)
    except ValueError:
        raise PayloadError("channelID", _("Not a number.")) from None
    if not 0 <= channel <= 100_000:  # the bound of the generic adapter; the column would overflow past 2**31
        raise PayloadError("channelID", _("Expected a whole number."))
    is_heartbeat = event_type.lower() == "heartbeat"
    date_text = str(f.get("dateTime") or "")
    started_at = parse_time(date_text, "dateTime", naive_is_local=True)
    try:
        post_count = int(f.get("activePostCount") or 0)
    except ValueError:
        raise PayloadError("activePostCount", _("Not a number.")) from None
    key = f"{mac}|{channel}|{event_type}|{date_text}|{post_count}"
    targets = f["targets"]
    return [NormalisedAlert(
        vendor=VENDOR, natural_key=key, message_key=key, device_id=mac, channel=channel,
        event_type=event_type.lower()[:64], started_at=started_at,
        label=(targets[0] if targets else event_type.lower())[:64],
        ended_at=started_at if str(f.get("eventState", "")).lower() == "inactive" and not is_heartbeat else None,
        zones=[z[:64] for z in dict.fromkeys(f["regions"])],
        device_ip=str(f.get("ipAddress") or "")[:64], device_name=str(f.get("channelName") or "")[:200],
        pictures=pictures, is_heartbeat=is_heartbeat, raw=body, raw_content_type=content_type,
    )]
