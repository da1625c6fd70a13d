"""An incremental reader of the never-ending multipart streams cameras send (multipart/mixed,
multipart/x-mixed-replace): parts are yielded as they complete, from chunks as they arrive.

Devices are loose with the format, so the reader is too: a boundary parameter given with or without the
leading "--" (Dahua sends `boundary=myboundary`, some firmwares `boundary=--myboundary`), CRLF or bare LF line
ends, parts with a Content-Length (read that many bytes, so an event is yielded as soon as it is complete) or
without (read up to the next delimiter). Dahua firmwares are known to miscount Content-Length (see the public
captures noted in tests/surveillance/simulators): a length too long is cut at the next delimiter; too short, the
part ends early and the tail is skipped (its JSON `data` is then lost, never its Code, action and index).
What it is strict about is size: a header block or a part larger than the bounds ends the stream with
`StreamFormatError`, so a broken device cannot make the process hold unbounded memory. A stream that stops in
the middle of a part yields nothing for that part: the reader simply ends (`incomplete` says so).
"""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from dataclasses import dataclass

MAX_HEADER_BYTES = 16 * 1024
MAX_PART_BYTES = 4 * 1024 * 1024
_BOUNDARY = re.compile(r'boundary="?([^";]+)"?', re.IGNORECASE)


class StreamFormatError(Exception):
    """The stream is not multipart as announced, or a part exceeds the bounds."""


@dataclass
class Part:
    headers: dict[str, str]
    body: bytes

    @property
    def content_type(self) -> str:
        return self.headers.get("content-type", "")


def boundary_of(content_type: str) -> bytes:
    match = _BOUNDARY.search(content_type or "")
    if not match:
        raise StreamFormatError(f"no multipart boundary in {content_type!r}")
    value = match.group(1).strip()
    return value.encode("latin-1")


def _headers(block: bytes) -> dict[str, str]:
    headers = {}
    for line in block.decode("latin-1").splitlines():
        name, sep, value = line.partition(":")
        if sep:
            headers[name.strip().lower()] = value.strip()
    return headers


class MultipartReader:
    def __init__(self, chunks: AsyncIterator[bytes], boundary: bytes):
        self._chunks = chunks
        # Both spellings of the delimiter: `--` + boundary is the standard; a boundary announced with its
        # dashes already ("--myboundary") is then also found as itself.
        self._delimiter = boundary if boundary.startswith(b"--") else b"--" + boundary
        self._buffer = bytearray()
        self._tail_bytes = frozenset(b"\r\n" + self._delimiter)
        self._ended = False
        self.incomplete = False

    async def _fill(self) -> bool:
        if self._ended:
            return False
        try:
            chunk = await anext(self._chunks)
        except StopAsyncIteration:
            self._ended = True
            return False
        self._buffer += chunk
        return True

    async def _find(self, needle: bytes, start: int = 0, limit: int = MAX_PART_BYTES) -> int:
        while True:
            at = self._buffer.find(needle, start)
            if at >= 0:
                return at
            if len(self._buffer) > limit:
                raise StreamFormatError("a part or header block exceeds the size bound")
            start = max(0, len(self._buffer) - len(needle))
            if not await self._fill():
                return -1

    async def _line_end(self) -> int:
        """Consume up to and including the end of the current line; -1 if the stream ended first."""
        at = await self._find(b"\n", 0, MAX_HEADER_BYTES)
        if at < 0:
            return -1
        del self._buffer[:at + 1]
        return at

    async def parts(self) -> AsyncIterator[Part]:
        while True:
            at = await self._find(self._delimiter, 0, MAX_PART_BYTES)
            if at < 0:
                self.incomplete = bool(self._buffer.strip())
                return
            del self._buffer[:at + len(self._delimiter)]
            while len(self._buffer) < 2 and await self._fill():
                pass
            if self._buffer[:2] == b"--":  # the closing delimiter: the device ended the stream cleanly
                return
            if await self._line_end() < 0:
                self.incomplete = True
                return
            part = await self._part()
            if part is None:
                self.incomplete = True
                return
            yield part

    def _delimiter_begins(self, body: bytes) -> int:
        """Where the body's end is the beginning of the next delimiter (a length too long by a few bytes), or -1."""
        if not body or body[-1] not in self._tail_bytes:  # the usual case, settled at once
            return -1
        for start in (b"\r\n" + self._delimiter, b"\n" + self._delimiter):
            for size in range(min(len(start), len(body)), 0, -1):
                if body.endswith(start[:size]):
                    return len(body) - size
        return -1

    async def _part(self) -> Part | None:
        # The header block ends at the first empty line (CRLF CRLF, or LF LF from lax firmwares).
        while True:
            crlf = self._buffer.find(b"\r\n\r\n")
            lf = self._buffer.find(b"\n\n")
            ends = [(i, n) for i, n in ((crlf, 4), (lf, 2)) if i >= 0]
            if self._buffer[:2] == b"\r\n":
                ends.append((0, 2))
            elif self._buffer[:1] == b"\n":
                ends.append((0, 1))
            if ends:
                at, size = min(ends)
                break
            if len(self._buffer) > MAX_HEADER_BYTES:
                raise StreamFormatError("a part's header block exceeds the size bound")
            if not await self._fill():
                return None
        headers = _headers(bytes(self._buffer[:at]))
        del self._buffer[:at + size]
        length = headers.get("content-length", "")
        if length.isdigit():
            n = int(length)
            if n > MAX_PART_BYTES:
                raise StreamFormatError("a part exceeds the size bound")
            while len(self._buffer) < n:
                if not await self._fill():
                    return None
            body = bytes(self._buffer[:n])
            # A length too long (Dahua firmwares miscount) would swallow the next part: stop at its delimiter.
            # A length too short leaves a tail before the next delimiter, which the next search skips.
            cut = body.find(self._delimiter)
            if cut < 0:
                cut = self._delimiter_begins(body)
            if cut >= 0:
                body = _strip_line_end(body[:cut])
                n = cut
            del self._buffer[:n]
            return Part(headers, body)
        # No length: the body runs up to the line break before the next delimiter.
        at = await self._find(self._delimiter, 0, MAX_PART_BYTES)
        if at < 0:
            return None
        body = _strip_line_end(bytes(self._buffer[:at]))
        del self._buffer[:at]
        return Part(headers, body)


def _strip_line_end(body: bytes) -> bytes:
    if body.endswith(b"\r\n"):
        return body[:-2]
    if body.endswith(b"\n"):
        return body[:-1]
    return body
