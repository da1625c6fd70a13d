"""A minimal HTTP/1.1 transport for httpx, on plain asyncio streams, for never-ending event streams.

Why not httpx's own (httpcore on anyio): it pauses and resumes the socket's reader on every chunk it receives, two
epoll system calls per event, which profiling of 100 streams showed to be most of the pull process's CPU. An event
stream needs none of what that transport offers (pooling, HTTP/2, proxies): one GET per connection, a response
read until the device closes it. This transport does exactly that, and everything above it stays httpx: the
client API, `httpx.DigestAuth` answering the device's challenge, the exceptions (`ReadTimeout`, `ConnectError`).

Each request gets a connection of its own (the digest retry too: devices accept that). Bodies are read by
Content-Length, chunked, or to the end of the connection (what both vendors' streams do).
"""

from __future__ import annotations

import asyncio
import ssl

import httpx

CHUNK = 64 * 1024
MAX_HEAD = 64 * 1024


class _Body(httpx.AsyncByteStream):
    def __init__(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter, *, length: int | None,
                 chunked: bool, read_timeout: float | None):
        self.reader, self.writer = reader, writer
        self.length, self.chunked, self.read_timeout = length, chunked, read_timeout

    async def _read(self, call):
        try:
            return await asyncio.wait_for(call, self.read_timeout)
        except TimeoutError:
            raise httpx.ReadTimeout("the device sent nothing within the read timeout") from None
        except (ConnectionError, OSError) as exc:
            raise httpx.ReadError(str(exc) or type(exc).__name__) from exc

    async def __aiter__(self):
        if self.chunked:
            while True:
                size_line = await self._read(self.reader.readline())
                size = int(size_line.split(b";")[0].strip() or b"0", 16)
                if size == 0:
                    return
                data = await self._read(self.reader.readexactly(size + 2))
                yield data[:-2]
        left = self.length
        while left is None or left > 0:
            data = await self._read(self.reader.read(CHUNK if left is None else min(CHUNK, left)))
            if not data:
                return
            if left is not None:
                left -= len(data)
            yield data

    async def aclose(self) -> None:
        self.writer.close()


class StreamTransport(httpx.AsyncBaseTransport):
    def __init__(self, *, connect_timeout: float = 10.0, read_timeout: float | None = 30.0, verify: bool = True):
        self.connect_timeout, self.read_timeout = connect_timeout, read_timeout
        self.ssl = ssl.create_default_context() if verify else _unverified()

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        url = request.url
        https = url.scheme == "https"
        port = url.port or (443 if https else 80)
        try:
            reader, writer = await asyncio.wait_for(
                asyncio.open_connection(url.host, port, ssl=self.ssl if https else None, limit=MAX_HEAD),
                self.connect_timeout)
        except TimeoutError:
            raise httpx.ConnectTimeout(f"no connection to {url.host}:{port} within the timeout") from None
        except OSError as exc:
            raise httpx.ConnectError(str(exc) or type(exc).__name__) from exc
        target = url.raw_path.decode("ascii")
        head = [f"{request.method} {target} HTTP/1.1", f"Host: {url.netloc.decode('ascii')}"]
        head += [f"{k}: {v}" for k, v in request.headers.items() if k.lower() not in ("host", "connection")]
        head.append("Connection: close")
        body = request.content if request.method not in ("GET", "HEAD") else b""
        writer.write(("\r\n".join(head) + "\r\n\r\n").encode("latin-1") + body)
        try:
            await writer.drain()
            raw = await asyncio.wait_for(reader.readuntil(b"\r\n\r\n"), self.read_timeout)
        except TimeoutError:
            writer.close()
            raise httpx.ReadTimeout("the device did not answer within the read timeout") from None
        except (asyncio.IncompleteReadError, asyncio.LimitOverrunError, OSError) as exc:
            writer.close()
            raise httpx.RemoteProtocolError(f"no valid HTTP answer: {type(exc).__name__}") from exc
        lines = raw.decode("latin-1").split("\r\n")
        try:
            version, status, *_ = lines[0].split(" ", 2)
            status = int(status)
        except ValueError:
            writer.close()
            raise httpx.RemoteProtocolError(f"not an HTTP status line: {lines[0][:80]!r}") from None
        headers = [(k.strip(), v.strip()) for k, _, v in (line.partition(":") for line in lines[1:] if line)]
        names = {k.lower(): v for k, v in headers}
        length = names.get("content-length")
        chunked = "chunked" in names.get("transfer-encoding", "").lower()
        stream = _Body(reader, writer, length=int(length) if (length or "").isdigit() and not chunked else None,
                       chunked=chunked, read_timeout=self.read_timeout)
        return httpx.Response(status, headers=headers, stream=stream, extensions={"http_version": version.encode()})


def _unverified() -> ssl.SSLContext:
    context = ssl.create_default_context()
    context.check_hostname = False
    context.verify_mode = ssl.CERT_NONE
    return context
