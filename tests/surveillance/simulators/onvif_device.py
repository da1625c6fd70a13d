"""A simulated ONVIF Profile S/T camera: the device and event services a PullPoint client needs, over a real
HTTP socket, answering SOAP 1.2 the way cameras do (the envelopes below follow what Hikvision, Axis and Dahua
firmwares answer; the event messages are the recorded shapes in tests/surveillance/payloads/onvif/).

Served: GetSystemDateAndTime (unauthenticated, as the standard allows), GetServices, GetCapabilities,
GetDeviceInformation, CreatePullPointSubscription, PullMessages (long poll: answers as soon as a message is queued
or the request's Timeout passes), Renew, SetSynchronizationPoint, Unsubscribe. Every other request must carry a
WS-Security UsernameToken whose digest (Base64(SHA-1(nonce + created + password))) matches, else a SOAP
NotAuthorized fault, as a camera answers. A subscription not renewed before its termination time is gone (a
ResourceUnknown fault); `drop()` closes the listening socket and every open connection, and `come_back()` listens
again on the same port with every subscription forgotten, like a camera that rebooted.

Runs its own asyncio loop in a thread, so synchronous tests and another process's clients can reach it alike.
"""

from __future__ import annotations

import asyncio
import base64
import contextlib
import datetime
import hashlib
import re
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

from aiohttp import web
from lxml import etree

FIXTURES = Path(__file__).resolve().parents[1] / "payloads" / "onvif"
NS = {
    "s": "http://www.w3.org/2003/05/soap-envelope",
    "wsse": "http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-secext-1.0.xsd",
    "wsu": "http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-utility-1.0.xsd",
    "tev": "http://www.onvif.org/ver10/events/wsdl",
}
ENVELOPE = ('<?xml version="1.0" encoding="UTF-8"?><s:Envelope xmlns:s="http://www.w3.org/2003/05/soap-envelope" '
            'xmlns:tds="http://www.onvif.org/ver10/device/wsdl" xmlns:tev="http://www.onvif.org/ver10/events/wsdl" '
            'xmlns:tt="http://www.onvif.org/ver10/schema" xmlns:wsnt="http://docs.oasis-open.org/wsn/b-2" '
            'xmlns:wsa5="http://www.w3.org/2005/08/addressing" xmlns:ter="http://www.onvif.org/ver10/error" '
            'xmlns:wsrf-rw="http://docs.oasis-open.org/wsrf/rw-2">'
            "<s:Body>{body}</s:Body></s:Envelope>")
_UTC_TIME = re.compile(rb'UtcTime="[^"]*"')
TOKEN_WINDOW = datetime.timedelta(minutes=5)


def fixture(name: str) -> bytes:
    return (FIXTURES / name).read_bytes()


def at_time(message: bytes, when: datetime.datetime) -> bytes:
    """A recorded message re-stamped with another UtcTime (a new occurrence of the same event)."""
    stamp = when.astimezone(datetime.UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ").encode()
    return _UTC_TIME.sub(b'UtcTime="' + stamp + b'"', message, count=1)


def _iso(moment: datetime.datetime) -> str:
    return moment.astimezone(datetime.UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def _duration_seconds(text: str | None, default: float, now: datetime.datetime) -> float:
    """PT60S / PT1M / an absolute time, as clients send InitialTerminationTime and Timeout."""
    if not text:
        return default
    text = text.strip()
    match = re.fullmatch(r"PT(?:(\d+)H)?(?:(\d+)M)?(?:(\d+(?:\.\d+)?)S)?", text)
    if match:
        hours, minutes, seconds = (float(g or 0) for g in match.groups())
        return hours * 3600 + minutes * 60 + seconds
    moment = datetime.datetime.fromisoformat(text.replace("Z", "+00:00"))
    return (moment - now).total_seconds()


@dataclass
class Subscription:
    number: int
    terminates_at: float
    queue: list[bytes] = field(default_factory=list)
    wakeup: asyncio.Event = field(default_factory=asyncio.Event)


class OnvifDevice:
    def __init__(self, *, username: str = "admin", password: str = "Kamera-2026", port: int = 0,
                 initial: tuple[bytes, ...] = (), max_termination: float = 3600,
                 clock_offset: datetime.timedelta = datetime.timedelta(0), get_services: bool = True):
        self.username, self.password = username, password
        # Older firmwares know only GetCapabilities (ONVIF 1.x device management).
        self.get_services = get_services
        # The camera's clock is this far from the true time (cameras drift, or never had NTP). Like a camera,
        # it refuses a UsernameToken created more than TOKEN_WINDOW from its own clock.
        self.clock_offset = clock_offset
        self.port = port
        # What the device reports as the current state when a subscription starts (PropertyOperation Initialized).
        self.initial = list(initial)
        self.max_termination = max_termination
        self.subscriptions: dict[int, Subscription] = {}
        # (operation, monotonic time, subscription number or None): what clients asked, for tests to read.
        self.calls: list[tuple[str, float, int | None]] = []
        self.auth_failures = 0
        self.delivered = 0
        self._numbers = 0
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._loop.run_forever, daemon=True, name="onvif-sim")
        self._runner: web.AppRunner | None = None

    # -- lifecycle -------------------------------------------------------------------------------------------
    def start(self) -> OnvifDevice:
        self._thread.start()
        self._call(self._listen())
        return self

    def stop(self) -> None:
        self._call(self._close())
        self._call(self._cancel_the_rest())
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(5)

    def drop(self) -> None:
        """The camera goes away: the socket closes mid-poll and its subscriptions are lost."""
        self._call(self._close())

    def come_back(self) -> None:
        self._call(self._listen())

    def __enter__(self) -> OnvifDevice:
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()

    def now(self) -> datetime.datetime:
        return datetime.datetime.now(datetime.UTC) + self.clock_offset

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def push(self, *messages: bytes) -> None:
        """Queue NotificationMessages on every live subscription (a camera that sees something)."""
        def queue():
            for sub in self.subscriptions.values():
                sub.queue.extend(messages)
                sub.wakeup.set()
        self._loop.call_soon_threadsafe(queue)

    def operations(self, name: str) -> list[tuple[float, int | None]]:
        return [(at, number) for op, at, number in list(self.calls) if op == name]

    def _call(self, coroutine):
        return asyncio.run_coroutine_threadsafe(coroutine, self._loop).result(10)

    async def _listen(self) -> None:
        app = web.Application(client_max_size=64 * 1024)
        app.router.add_post("/onvif/device_service", self._device_service)
        app.router.add_post("/onvif/Events", self._events_service)
        app.router.add_post("/onvif/Subscription", self._subscription_service)
        self._runner = web.AppRunner(app, handle_signals=False, shutdown_timeout=0.1)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", self.port, reuse_address=True)
        await site.start()
        self.port = self._runner.addresses[0][1]

    async def _cancel_the_rest(self) -> None:
        tasks = [t for t in asyncio.all_tasks() if t is not asyncio.current_task()]
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)

    async def _close(self) -> None:
        for sub in self.subscriptions.values():
            sub.wakeup.set()  # pending long polls answer now rather than hold the shutdown
        self.subscriptions.clear()
        if self._runner is not None:
            runner, self._runner = self._runner, None
            await runner.cleanup()

    # -- SOAP ------------------------------------------------------------------------------------------------
    def _reply(self, body: str, status: int = 200) -> web.Response:
        return web.Response(body=ENVELOPE.format(body=body).encode(), status=status,
                            content_type="application/soap+xml", charset="utf-8")

    def _fault(self, code: str, subcode: str, reason: str, status: int = 400) -> web.Response:
        return self._reply(f"<s:Fault><s:Code><s:Value>s:{code}</s:Value><s:Subcode><s:Value>{subcode}</s:Value>"
                           f"</s:Subcode></s:Code><s:Reason><s:Text xml:lang=\"en\">{reason}</s:Text></s:Reason>"
                           "</s:Fault>", status)

    async def _read(self, request: web.Request) -> tuple[str, etree._Element, bool]:
        root = etree.fromstring(await request.read(), etree.XMLParser(resolve_entities=False, no_network=True))
        operation = root.find("s:Body", NS)[0]
        return etree.QName(operation).localname, operation, self._authenticated(root)

    def _authenticated(self, root: etree._Element) -> bool:
        token = root.find("s:Header/wsse:Security/wsse:UsernameToken", NS)
        if token is None:
            return False
        username = token.findtext("wsse:Username", namespaces=NS)
        password = token.find("wsse:Password", NS)
        nonce = token.findtext("wsse:Nonce", namespaces=NS) or ""
        created = token.findtext("wsu:Created", namespaces=NS) or ""
        if username != self.username or password is None or not password.get("Type", "").endswith("#PasswordDigest"):
            return False
        try:
            made = datetime.datetime.fromisoformat(created.strip().replace("Z", "+00:00"))
        except ValueError:
            return False
        if made.tzinfo is None or abs(made - self.now()) > TOKEN_WINDOW:
            return False
        expected = base64.b64encode(hashlib.sha1(  # noqa: S324 - the WS-Security UsernameToken profile's digest
            base64.b64decode(nonce) + created.encode() + self.password.encode()).digest()).decode()
        return (password.text or "").strip() == expected

    def _refused(self) -> web.Response:
        self.auth_failures += 1
        return self._fault("Sender", "ter:NotAuthorized", "Sender not Authorized", 400)

    async def _device_service(self, request: web.Request) -> web.Response:
        operation, _, authenticated = await self._read(request)
        self.calls.append((operation, time.monotonic(), None))
        now = self.now()
        if operation == "GetSystemDateAndTime":
            return self._reply(
                "<tds:GetSystemDateAndTimeResponse><tds:SystemDateAndTime><tt:DateTimeType>NTP</tt:DateTimeType>"
                "<tt:DaylightSavings>false</tt:DaylightSavings><tt:TimeZone><tt:TZ>UZT-5</tt:TZ></tt:TimeZone>"
                f"<tt:UTCDateTime><tt:Time><tt:Hour>{now.hour}</tt:Hour><tt:Minute>{now.minute}</tt:Minute>"
                f"<tt:Second>{now.second}</tt:Second></tt:Time><tt:Date><tt:Year>{now.year}</tt:Year>"
                f"<tt:Month>{now.month}</tt:Month><tt:Day>{now.day}</tt:Day></tt:Date></tt:UTCDateTime>"
                "</tds:SystemDateAndTime></tds:GetSystemDateAndTimeResponse>")
        if not authenticated:
            return self._refused()
        base = f"http://127.0.0.1:{self.port}/onvif"
        if operation == "GetServices" and self.get_services:
            services = [("http://www.onvif.org/ver10/device/wsdl", "device_service", 2, 60),
                        ("http://www.onvif.org/ver10/events/wsdl", "Events", 2, 60)]
            return self._reply("<tds:GetServicesResponse>" + "".join(
                f"<tds:Service><tds:Namespace>{ns}</tds:Namespace><tds:XAddr>{base}/{path}</tds:XAddr>"
                f"<tds:Version><tt:Major>{major}</tt:Major><tt:Minor>{minor}</tt:Minor></tds:Version></tds:Service>"
                for ns, path, major, minor in services) + "</tds:GetServicesResponse>")
        if operation == "GetCapabilities":
            return self._reply(
                "<tds:GetCapabilitiesResponse><tds:Capabilities>"
                f"<tt:Device><tt:XAddr>{base}/device_service</tt:XAddr></tt:Device>"
                f"<tt:Events><tt:XAddr>{base}/Events</tt:XAddr><tt:WSSubscriptionPolicySupport>true"
                "</tt:WSSubscriptionPolicySupport><tt:WSPullPointSupport>true</tt:WSPullPointSupport>"
                "<tt:WSPausableSubscriptionManagerInterfaceSupport>false"
                "</tt:WSPausableSubscriptionManagerInterfaceSupport></tt:Events>"
                "</tds:Capabilities></tds:GetCapabilitiesResponse>")
        if operation == "GetDeviceInformation":
            return self._reply(
                "<tds:GetDeviceInformationResponse><tds:Manufacturer>HIKVISION</tds:Manufacturer>"
                "<tds:Model>DS-2CD2143G2-IS</tds:Model><tds:FirmwareVersion>V5.7.3 build 220112</tds:FirmwareVersion>"
                "<tds:SerialNumber>DS-2CD2143G2-IS20220312AAWRJ12345678</tds:SerialNumber>"
                "<tds:HardwareId>88</tds:HardwareId></tds:GetDeviceInformationResponse>")
        return self._fault("Receiver", "ter:ActionNotSupported", "Optional Action Not Implemented")

    async def _events_service(self, request: web.Request) -> web.Response:
        operation, element, authenticated = await self._read(request)
        self.calls.append((operation, time.monotonic(), None))
        if not authenticated:
            return self._refused()
        if operation != "CreatePullPointSubscription":
            return self._fault("Receiver", "ter:ActionNotSupported", "Optional Action Not Implemented")
        seconds = min(_duration_seconds(element.findtext("tev:InitialTerminationTime", namespaces=NS), 60,
                                        self.now()),
                      self.max_termination)
        self._numbers += 1
        sub = Subscription(number=self._numbers, terminates_at=time.monotonic() + seconds,
                           queue=list(self.initial))
        self.subscriptions[sub.number] = sub
        now = self.now()
        return self._reply(
            "<tev:CreatePullPointSubscriptionResponse><tev:SubscriptionReference><wsa5:Address>"
            f"http://127.0.0.1:{self.port}/onvif/Subscription?Idx={sub.number}</wsa5:Address>"
            f"</tev:SubscriptionReference><wsnt:CurrentTime>{_iso(now)}</wsnt:CurrentTime><wsnt:TerminationTime>"
            f"{_iso(now + datetime.timedelta(seconds=seconds))}</wsnt:TerminationTime>"
            "</tev:CreatePullPointSubscriptionResponse>")

    def _live(self, number: int) -> Subscription | None:
        sub = self.subscriptions.get(number)
        if sub is not None and sub.terminates_at <= time.monotonic():
            del self.subscriptions[number]  # not renewed in time: the camera has let it go
            return None
        return sub

    async def _subscription_service(self, request: web.Request) -> web.Response:
        operation, element, authenticated = await self._read(request)
        number = int(request.query.get("Idx", "0") or 0)
        self.calls.append((operation, time.monotonic(), number))
        if not authenticated:
            return self._refused()
        sub = self._live(number)
        if sub is None:
            return self._fault("Receiver", "wsrf-rw:ResourceUnknownFault", "No such subscription")
        now = self.now()
        if operation == "PullMessages":
            timeout = min(_duration_seconds(element.findtext("tev:Timeout", namespaces=NS), 10, now), 60)
            limit = int(element.findtext("tev:MessageLimit", namespaces=NS) or 100)
            if not sub.queue:
                sub.wakeup.clear()
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(sub.wakeup.wait(), timeout)
            messages, sub.queue[:] = sub.queue[:limit], sub.queue[limit:]
            self.delivered += len(messages)
            left = max(sub.terminates_at - time.monotonic(), 0)
            return self._reply(
                f"<tev:PullMessagesResponse><tev:CurrentTime>{_iso(now)}</tev:CurrentTime><tev:TerminationTime>"
                f"{_iso(now + datetime.timedelta(seconds=left))}</tev:TerminationTime>"
                + "".join(m.decode() for m in messages) + "</tev:PullMessagesResponse>")
        if operation == "Renew":
            seconds = min(_duration_seconds(element.findtext("{http://docs.oasis-open.org/wsn/b-2}TerminationTime"),
                                            60, now), self.max_termination)
            sub.terminates_at = time.monotonic() + seconds
            return self._reply(
                f"<wsnt:RenewResponse><wsnt:TerminationTime>{_iso(now + datetime.timedelta(seconds=seconds))}"
                f"</wsnt:TerminationTime><wsnt:CurrentTime>{_iso(now)}</wsnt:CurrentTime></wsnt:RenewResponse>")
        if operation == "SetSynchronizationPoint":
            sub.queue[:0] = self.initial
            sub.wakeup.set()
            return self._reply("<tev:SetSynchronizationPointResponse/>")
        if operation == "Unsubscribe":
            del self.subscriptions[number]
            return self._reply("<wsnt:UnsubscribeResponse/>")
        return self._fault("Receiver", "ter:ActionNotSupported", "Optional Action Not Implemented")
