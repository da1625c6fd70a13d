"""The one HTTP client of the pull process, shared by every stream of every device.

One client, not one per device: an httpx client is heavy (its SSL context alone is a few hundred kilobytes),
and 500 streams must fit in a few hundred megabytes. Its transport is ours (transport.py: plain asyncio streams,
a fraction of the CPU per event of httpx's default one). Digest authentication is httpx's (DigestAuth answers the
device's 401 challenge, then streams), never hand-written.
"""

from __future__ import annotations

import asyncio

import httpx
from django.conf import settings

from .base import USER_AGENT, AuthFailed, StreamError
from .transport import StreamTransport

_clients: dict[int, httpx.AsyncClient] = {}


def client() -> httpx.AsyncClient:
    """The client of the running event loop (a client belongs to the loop it was made in)."""
    loop = id(asyncio.get_running_loop())
    if loop not in _clients:
        # read: a stream silent for this long is dead (devices send keep-alives every few seconds).
        transport = StreamTransport(connect_timeout=10.0, read_timeout=settings.PULL_READ_TIMEOUT_SECONDS,
                                    verify=settings.PULL_VERIFY_TLS)
        # identity: drivers read the raw bytes as they arrive, never a compressed stream.
        _clients[loop] = httpx.AsyncClient(transport=transport, follow_redirects=False,
                                           headers={"User-Agent": USER_AGENT, "Accept-Encoding": "identity"})
    return _clients[loop]


async def close() -> None:
    loop = id(asyncio.get_running_loop())
    if loop in _clients:
        await _clients.pop(loop).aclose()


def check(response: httpx.Response, expected: str = "multipart/") -> str:
    """The stream's content type, or the reason it is not a stream."""
    if response.status_code == 401:
        raise AuthFailed("the device refused the user name and password (HTTP 401)")
    if response.status_code != 200:
        raise StreamError(f"the device answered HTTP {response.status_code}")
    content_type = response.headers.get("content-type", "")
    if not content_type.lower().startswith(expected):
        raise StreamError(f"expected a {expected} stream, got {content_type or 'no content type'}")
    return content_type
