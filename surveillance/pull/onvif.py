"""ONVIF PullPoint driver: one camera (or NVR) that speaks ONVIF Profile S/T events, pulled by `ingest_pull`.

The SOAP is the maintained client's (onvif-zeep-async): GetServices finds the event service, then
CreatePullPointSubscription, a PullMessages long poll in a loop, Renew before the subscription's termination
time, and Unsubscribe on the way out. Every request carries a WS-Security UsernameToken (password digest);
`adjust_time` first reads the camera's clock (GetSystemDateAndTime, unauthenticated) so a camera whose clock is
off still accepts the digest's timestamp. The addresses the device advertises (service XAddrs, the
subscription's) are rewritten to the configured host and port: the platform reaches a camera through the address
it was given, often a port forward, never the camera's own LAN address.

Each NotificationMessage becomes one `sink.event` with the JSON the ONVIF adapter reads
(`surveillance/vendors/onvif.py`), including the onvif-parsers reading of the message. The driver remembers
when each true state began (per device, across reconnects of this process), so the false that ends it names
the same start and merges into the same alert; after a reconnect the camera reports the current states again
(PropertyOperation Initialized), and a state still true keeps its first start.

The contract with the runner is surveillance/pull/base.py's: `run(device, sink)` streams until the connection
ends (returns or raises) and never reconnects itself.
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime
import json
import logging
from urllib.parse import urlsplit

import onvif_parsers
from lxml import etree
from onvif import ONVIFCamera
from onvif.exceptions import ONVIFError
from onvif.util import normalize_url, replace_host_port
from zeep.exceptions import Fault, TransportError

from ..errors import PayloadError
from ..vendors import onvif as adapter

logger = logging.getLogger(__name__)

PULLPOINT = "http://www.onvif.org/ver10/events/wsdl/PullPointSubscription"
# Asked for per subscription; cameras may grant less (the answer's TerminationTime is what counts).
SUBSCRIPTION_SECONDS = 300
# Renew with a fifth of the granted time left, and never less than RENEW_MARGIN seconds (or half of a very
# short grant): time for a slow answer on a busy network.
RENEW_LEFT = 0.2
RENEW_MARGIN = 5.0
# The long poll: the camera answers as soon as it has messages, or after this many seconds with none (below
# the client's 90 s read timeout, and short enough that a silently dead connection is noticed soon).
PULL_SECONDS = 20
MESSAGE_LIMIT = 100
UNSUBSCRIBE_SECONDS = 5
# The XML of ElementItems (analytics objects, shapes) is kept, within bounds.
ELEMENT_MAX_CHARS = 4000

# device id (PullDevice pk) -> (topic, source key) -> ISO start of a state seen true and not yet false.
_open_states: dict[int, dict[tuple[str, str], str]] = {}


class _AuthRefused(Exception):
    pass


def _is_auth_refusal(exc: BaseException) -> bool:
    if isinstance(exc, TransportError) and exc.status_code == 401:
        return True
    if isinstance(exc, Fault):
        words = " ".join([str(exc.message or ""), *[str(s) for s in (exc.subcodes or [])]]).lower()
        return "notauthorized" in words or "not authorized" in words or "failedauthentication" in words
    return False


def _items(item_list) -> dict[str, str]:
    if item_list is None:
        return {}
    return {str(i.Name): str(i.Value) for i in (getattr(item_list, "SimpleItem", None) or []) if i.Name}


def _elements(item_list) -> dict[str, str]:
    elements = {}
    for item in getattr(item_list, "ElementItem", None) or []:
        value = getattr(item, "_value_1", None)
        text = etree.tostring(value, encoding="unicode") if isinstance(value, etree._Element) else str(value)
        elements[str(getattr(item, "Name", "") or "")] = text[:ELEMENT_MAX_CHARS]
    return elements


def _xml_items(content: etree._Element, part: str) -> dict[str, str]:
    return {str(i.get("Name")): str(i.get("Value", "")) for i in content.xpath(
        f"./*[local-name()='{part}']/*[local-name()='SimpleItem']") if i.get("Name")}


def _read(content) -> tuple[object, str, dict[str, str], dict[str, str], dict[str, str]]:
    """UtcTime, PropertyOperation, Source items, Data items and element items of a message's content. zeep types
    a standard tt:Message; a vendor's own element (or one zeep could not type) arrives as XML and is read as such."""
    if isinstance(content, etree._Element):
        return (content.get("UtcTime"), content.get("PropertyOperation") or "Changed",
                _xml_items(content, "Source"), _xml_items(content, "Data"), {})
    return (getattr(content, "UtcTime", None), str(getattr(content, "PropertyOperation", None) or "Changed"),
            _items(getattr(content, "Source", None)), _items(getattr(content, "Data", None)),
            {**_elements(getattr(content, "Source", None)), **_elements(getattr(content, "Data", None))})


def _utc(value) -> datetime.datetime:
    if isinstance(value, str):
        with contextlib.suppress(ValueError):
            value = datetime.datetime.fromisoformat(value.strip())
    if isinstance(value, datetime.datetime):
        return value if value.tzinfo is not None else value.replace(tzinfo=datetime.UTC)
    return datetime.datetime.now(datetime.UTC)  # a message without a readable time: when it reached us


async def _entities(topic: str, uid: str, message) -> list[dict]:
    """onvif-parsers' reading of the message (name, class, value), or none for a topic it does not know."""
    try:
        entities = await onvif_parsers.parse(topic, uid, message)
    except (onvif_parsers.errors.UnknownTopicError, AttributeError, KeyError, IndexError, TypeError):
        return []
    return [{"name": e.name, "platform": e.platform, "device_class": e.device_class,
             "value": e.value if isinstance(e.value, bool | int | float | str) else None} for e in entities]


async def message_body(device, message) -> bytes:
    """One NotificationMessage (zeep object) as the adapter's JSON; remembers the starts of true states."""
    topic = str(message.Topic._value_1 or "").strip()
    utc_time, operation, source, data, elements = _read(message.Message._value_1)
    body = {"device_id": device.device_id, "topic": topic, "utc_time": _utc(utc_time).isoformat(),
            "operation": operation, "source": source, "data": data, "elements": elements,
            "entities": await _entities(topic, device.device_id, message)}
    if not topic:
        raise ValueError("a message without a topic")
    state = adapter.state_of(data)
    if state is not None:
        key = (topic, adapter.source_key(source))
        opened = _open_states.setdefault(device.id, {})
        if state and operation != "Deleted":
            body["started_at"] = opened.setdefault(key, body["utc_time"])
        elif key in opened:
            body["started_at"] = opened.pop(key)
    encoded = json.dumps(body, separators=(",", ":")).encode()
    adapter.parse(encoded)  # what the store would refuse (an over-long topic or item) is refused here, by name
    return encoded


def _address(device) -> tuple[str, str, int]:
    url = urlsplit(device.base_url)
    scheme = url.scheme or "http"
    return scheme, url.hostname or "", url.port or (443 if scheme == "https" else 80)


def _renew_in(granted: float) -> float:
    return granted - max(granted * RENEW_LEFT, min(RENEW_MARGIN, granted / 2))


def _granted_seconds(answer, asked: float) -> float:
    """How long the camera keeps the subscription, by its own clock (CurrentTime to TerminationTime)."""
    current, termination = getattr(answer, "CurrentTime", None), getattr(answer, "TerminationTime", None)
    if isinstance(current, datetime.datetime) and isinstance(termination, datetime.datetime) \
            and (current.tzinfo is None) == (termination.tzinfo is None):
        return max((termination - current).total_seconds(), 1.0)
    return asked


async def run(device, sink, *, subscription_seconds: float = SUBSCRIPTION_SECONDS,
              pull_seconds: float = PULL_SECONDS) -> None:
    """Subscribe and pull until the camera goes away (raises) or refuses the credentials (returns after
    reporting auth_failed). `device` is a pull.base.DeviceConfig, `sink` a pull.base.EventSink."""
    scheme, host, port = _address(device)
    literal = f"[{host}]" if ":" in host else host  # an IPv6 address
    camera = ONVIFCamera(f"{scheme}://{literal}", port, device.username, device.password, no_cache=True,
                         adjust_time=True)

    def reachable(url: str) -> str:
        return replace_host_port(normalize_url(url), host, port)

    subscription = None
    loop = asyncio.get_running_loop()
    try:
        try:
            await camera.update_xaddrs()
            camera.xaddrs = {namespace: reachable(url) for namespace, url in camera.xaddrs.items()}
            events = await camera.create_events_service()
            asked = datetime.timedelta(seconds=subscription_seconds)
            created = await events.CreatePullPointSubscription(
                {"InitialTerminationTime": camera.get_next_termination_time(asked)})
        except (Fault, TransportError, ONVIFError) as exc:
            if _is_auth_refusal(exc) or _is_auth_refusal(exc.__cause__ or exc):
                raise _AuthRefused(str(exc)) from exc
            raise
        camera.xaddrs[PULLPOINT] = reachable(created.SubscriptionReference.Address._value_1)
        subscription = await camera.create_subscription_service("PullPointSubscription")
        pullpoint = await camera.create_pullpoint_service()
        granted = _granted_seconds(created, subscription_seconds)
        if camera.has_broken_relative_time(asked, created.CurrentTime, created.TerminationTime):
            renewed = await subscription.Renew(camera.get_next_termination_time(asked))
            granted = _granted_seconds(renewed, subscription_seconds)
        renew_at = loop.time() + _renew_in(granted)
        await sink.state("online")
        # Some cameras send the current states only when asked; those that send them anyway answer twice,
        # which the open-state memory and the natural keys make harmless.
        with contextlib.suppress(Fault, TransportError, ONVIFError, TypeError):
            await pullpoint.SetSynchronizationPoint()
        while True:
            # The poll's Timeout is whole seconds: with less than one left before the renewal, renew now.
            if renew_at - loop.time() < 1:
                renewed = await subscription.Renew(camera.get_next_termination_time(asked))
                renew_at = loop.time() + _renew_in(_granted_seconds(renewed, subscription_seconds))
            wait = max(1, int(min(pull_seconds, renew_at - loop.time())))
            answer = await pullpoint.PullMessages(
                {"MessageLimit": MESSAGE_LIMIT, "Timeout": datetime.timedelta(seconds=wait)})
            for message in getattr(answer, "NotificationMessage", None) or []:
                try:
                    body = await message_body(device, message)
                except (AttributeError, TypeError, ValueError, PayloadError):
                    # One message of a shape nobody foresaw must not end the stream (and, reconnecting, be
                    # fetched again and again): it is logged and skipped.
                    logger.warning("ONVIF device %s: unreadable message skipped", device.device_id, exc_info=True)
                    continue
                await sink.event(body, adapter.CONTENT_TYPE)
    except _AuthRefused as exc:
        await sink.state("auth_failed", str(exc)[:500])
        subscription = None
    finally:
        try:
            if subscription is not None:
                # A courtesy: the camera frees the subscription now rather than at its termination time. A
                # camera that went away does not answer, or answers nonsense; neither may hold the runner up
                # or hide why the stream ended.
                with contextlib.suppress(Exception):
                    await asyncio.wait_for(subscription.Unsubscribe(), UNSUBSCRIBE_SECONDS)
        finally:
            await camera.close()
