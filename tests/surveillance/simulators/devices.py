"""The simulated devices (see the package docstring). Each is an asyncio server; `SimulatorThread` runs many of
them in a loop of their own so a synchronous test (or the bench's simulator process) can drive them."""

from __future__ import annotations

import asyncio
import datetime
import hashlib
import itertools
import secrets
import threading

CRLF = b"\r\n"


def md5(text: str) -> str:
    return hashlib.md5(text.encode()).hexdigest()  # noqa: S324 - HTTP digest is defined on MD5


def _digest_fields(header: str) -> dict[str, str]:
    fields = {}
    for item in header.removeprefix("Digest ").split(","):
        name, _, value = item.strip().partition("=")
        fields[name.strip().lower()] = value.strip().strip('"')
    return fields


class Device:
    """One device: digest authentication, then a never-ending multipart stream with keep-alives."""

    path = "/"
    realm = "device"
    content_type = "multipart/mixed; boundary=boundary"
    boundary = b"boundary"

    def __init__(self, *, username: str = "admin", password: str = "Cam-pass-123", keepalive_seconds: float = 1.0,
                 chunked: bool = False):
        self.username, self.password = username, password
        # Some firmwares send the stream with Transfer-Encoding: chunked instead of reading to the close.
        self.chunked = chunked
        self.keepalive_seconds = keepalive_seconds
        self.streams: set[asyncio.StreamWriter] = set()
        self.nonces: set[str] = set()
        self.unauthorised = 0
        self.streams_opened = 0
        self.sent = 0
        self.server: asyncio.Server | None = None
        self.port = 0
        self._counter = itertools.count(1)

    # --- HTTP --------------------------------------------------------------------------------------------

    async def start(self, port: int = 0) -> int:
        self.server = await asyncio.start_server(self._connection, "127.0.0.1", port or self.port)
        self.port = self.server.sockets[0].getsockname()[1]
        return self.port

    async def stop(self, *, mid_part: bool = False) -> None:
        """The device goes away: no more connections, open streams cut (in the middle of a part if asked)."""
        if self.server is not None:
            self.server.close()
            self.server = None
        await self.drop(mid_part=mid_part)

    async def refuse_new(self) -> None:
        """No more connections; the streams already open stay open (and silent, if they were)."""
        if self.server is not None:
            self.server.close()
            self.server = None

    async def drop(self, *, mid_part: bool = False) -> None:
        """Cut every open stream, optionally in the middle of a part (a cable pulled, a device rebooting)."""
        for writer in list(self.streams):
            if mid_part:
                part = self.event_part()
                writer.write(part[: len(part) // 2])
                await writer.drain()
            writer.close()
        self.streams.clear()

    async def _connection(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            while True:  # keep-alive: the digest retry usually comes on the same connection
                head = await reader.readuntil(b"\r\n\r\n")
                lines = head.decode("latin-1").split("\r\n")
                method, target, _ = lines[0].split(" ", 2)
                headers = {k.strip().lower(): v.strip() for k, _, v in (line.partition(":") for line in lines[1:]) if k}
                if target != self.path:
                    writer.write(b"HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n")
                    await writer.drain()
                    continue
                if not self._authorised(method, target, headers.get("authorization", "")):
                    nonce = secrets.token_hex(16)
                    self.nonces.add(nonce)
                    body = b"<html><body>401 Unauthorized</body></html>"
                    writer.write(b"HTTP/1.1 401 Unauthorized\r\n" + self.challenge(nonce).encode()
                                 + b"\r\nContent-Type: text/html\r\nContent-Length: "
                                 + str(len(body)).encode() + b"\r\n\r\n" + body)
                    await writer.drain()
                    continue
                await self._stream(writer)
                return
        except (asyncio.IncompleteReadError, ConnectionError, ValueError):
            pass
        except asyncio.CancelledError:
            pass  # the simulator is shutting down: end quietly (asyncio's server callback reads the result)
        finally:
            self.streams.discard(writer)
            writer.close()

    def challenge(self, nonce: str) -> str:
        return f'WWW-Authenticate: Digest realm="{self.realm}", qop="auth", nonce="{nonce}", stale="FALSE"'

    def _authorised(self, method: str, target: str, header: str) -> bool:
        if not header.startswith("Digest "):
            return False
        f = _digest_fields(header)
        if f.get("nonce") not in self.nonces or f.get("username") != self.username or f.get("uri") != target:
            self.unauthorised += 1
            return False
        ha1 = md5(f"{self.username}:{self.realm}:{self.password}")
        ha2 = md5(f"{method}:{target}")
        expected = md5(f"{ha1}:{f['nonce']}:{f.get('nc')}:{f.get('cnonce')}:{f.get('qop')}:{ha2}")
        if not secrets.compare_digest(expected, f.get("response", "")):
            self.unauthorised += 1
            return False
        return True

    async def _stream(self, writer: asyncio.StreamWriter) -> None:
        writer.write(b"HTTP/1.1 200 OK\r\nMIME-Version: 1.0\r\nConnection: close\r\nContent-Type: "
                     + self.content_type.encode()
                     + (b"\r\nTransfer-Encoding: chunked" if self.chunked else b"") + b"\r\n\r\n")
        await writer.drain()
        self.streams.add(writer)
        self.streams_opened += 1
        while writer in self.streams and not writer.is_closing():
            await asyncio.sleep(self.keepalive_seconds)
            if writer in self.streams:
                writer.write(self._framed(self.keepalive_part()))
                await writer.drain()

    # --- events ------------------------------------------------------------------------------------------

    def part(self, body: bytes, content_type: str, *, length: bool = True) -> bytes:
        head = b"--" + self.boundary + CRLF + b"Content-Type: " + content_type.encode() + CRLF
        if length:
            head += b"Content-Length: " + str(len(body)).encode() + CRLF
        return head + CRLF + body + CRLF

    def write(self, data: bytes) -> int:
        """Send raw bytes to every open stream; returns how many streams got them."""
        for writer in list(self.streams):
            if writer.transport.is_closing():  # the client went away: forget it (asyncio would log every write)
                self.streams.discard(writer)
                continue
            writer.write(self._framed(data))
        return len(self.streams)

    def _framed(self, data: bytes) -> bytes:
        if not self.chunked:
            return data
        # Two chunks per write, cut mid-part: a reader that did not undo the chunking would see the sizes inside.
        half = len(data) // 2
        return b"".join(b"%x\r\n%s\r\n" % (len(piece), piece) for piece in (data[:half], data[half:]) if piece)

    def keepalive_part(self) -> bytes:
        raise NotImplementedError

    def event_part(self, **kwargs) -> bytes:
        raise NotImplementedError

    def emit(self, **kwargs) -> int:
        sent = self.write(self.event_part(**kwargs))
        self.sent += 1 if sent else 0
        return sent


ALERT = """<?xml version="1.0" encoding="UTF-8"?>
<EventNotificationAlert version="2.0" xmlns="http://www.hikvision.com/ver20/XMLSchema">
<ipAddress>{ip}</ipAddress>
<portNo>80</portNo>
<protocol>HTTP</protocol>
<macAddress>{mac}</macAddress>
<channelID>{channel}</channelID>
<dateTime>{time}</dateTime>
<activePostCount>{count}</activePostCount>
<eventType>{event_type}</eventType>
<eventState>{state}</eventState>
<eventDescription>{event_type} alarm</eventDescription>
<channelName>Camera {channel}</channelName>
</EventNotificationAlert>
"""
TASHKENT = datetime.timezone(datetime.timedelta(hours=5))


class Hikvision(Device):
    path = "/ISAPI/Event/notification/alertStream"
    realm = "IP Camera(F12345678)"
    content_type = "multipart/mixed; boundary=boundary"
    boundary = b"boundary"

    def __init__(self, *, mac: str = "44:19:b6:0a:1b:2c", ip: str = "10.20.1.64", with_length: bool = True,
                 **kwargs):
        super().__init__(**kwargs)
        self.mac, self.ip, self.with_length = mac, ip, with_length

    def alert(self, *, event_type: str = "linedetection", channel: int = 1, state: str = "active",
              count: int | None = None, at: datetime.datetime | None = None) -> bytes:
        at = at or datetime.datetime.now(TASHKENT)
        return ALERT.format(ip=self.ip, mac=self.mac, channel=channel, event_type=event_type, state=state,
                            time=at.isoformat(timespec="seconds"),
                            count=next(self._counter) if count is None else count).encode()

    def keepalive_part(self) -> bytes:
        return self.part(self.alert(event_type="videoloss", channel=0, state="inactive", count=0),
                         'application/xml; charset="UTF-8"', length=self.with_length)

    def event_part(self, *, picture: bytes | None = None, **kwargs) -> bytes:
        data = self.part(self.alert(**kwargs), 'application/xml; charset="UTF-8"', length=self.with_length)
        if picture is not None:
            data += self.part(picture, "image/jpeg")
        return data


class Dahua(Device):
    path = "/cgi-bin/eventManager.cgi?action=attach&codes=[All]&heartbeat=5"
    realm = "Login to 4L0B1234567"
    content_type = "multipart/x-mixed-replace; boundary=myboundary"
    boundary = b"myboundary"

    def __init__(self, *, miscount: int = 0, **kwargs):
        super().__init__(**kwargs)
        self.miscount = miscount  # added to every Content-Length, as some firmwares do

    def dahua_part(self, text: str) -> bytes:
        body = text.encode()
        return (b"--myboundary\r\nContent-Type: text/plain\r\nContent-Length: "
                + str(len(body) + self.miscount).encode() + b"\r\n\r\n" + body + b"\r\n")

    def keepalive_part(self) -> bytes:
        return self.dahua_part("Heartbeat")

    def event_part(self, *, code: str = "CrossLineDetection", action: str = "Start", index: int = 0,
                   object_type: str | None = "Human") -> bytes:
        text = f"Code={code};action={action};index={index}"
        if object_type:
            now = datetime.datetime.now(TASHKENT)
            text += (';data={\n\t"Class" : "Normal",\n\t"LocaleTime" : "' + now.strftime("%Y-%m-%d %H:%M:%S")
                     + '",\n\t"Name" : "Rule1",\n\t"Object" : {\n\t\t"ObjectType" : "' + object_type
                     + '"\n\t},\n\t"UTC" : ' + str(int(now.timestamp())) + "\n}\n")
        return self.dahua_part(text)


class SimulatorThread:
    """An event loop in a thread of its own, hosting devices for synchronous callers."""

    def __init__(self):
        self.loop = asyncio.new_event_loop()
        self.thread = threading.Thread(target=self.loop.run_forever, daemon=True, name="device-simulators")
        self.thread.start()

    def call(self, coroutine_or_function, *args, **kwargs):
        """Run a coroutine function or a plain function on the devices' loop and return its result."""
        async def invoke():
            result = coroutine_or_function(*args, **kwargs)
            if asyncio.iscoroutine(result):
                result = await result
            return result

        return asyncio.run_coroutine_threadsafe(invoke(), self.loop).result(30)

    def start(self, device: Device, port: int = 0) -> Device:
        self.call(device.start, port)
        return device

    def close(self) -> None:
        async def cancel_all():
            tasks = [t for t in asyncio.all_tasks() if t is not asyncio.current_task()]
            for task in tasks:
                task.cancel()
            await asyncio.gather(*tasks, return_exceptions=True)

        self.call(cancel_all)
        self.loop.call_soon_threadsafe(self.loop.stop)
        self.thread.join(10)
