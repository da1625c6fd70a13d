"""Running the ONVIF driver from synchronous tests: a device configuration and sinks of the tests' own that
satisfy the pull contract (surveillance/pull/base.py: DeviceConfig, EventSink), and a background thread that
keeps `run` going the way the pull runner does (run, and when it ends, run again after a pause)."""

from __future__ import annotations

import asyncio
import itertools
import threading
from dataclasses import dataclass, field

from asgiref.sync import sync_to_async
from django.db import connections

from surveillance.pull import onvif as driver
from surveillance.services import raw_events_store

_ids = itertools.count(10_000)


@dataclass(frozen=True)
class Device:
    id: int
    vendor: str
    device_id: str
    base_url: str
    username: str
    password: str
    integration_id: int


def device_for(sim, *, device_id: str = "onvif-cam-1", password: str | None = None, integration_id: int = 0):
    # A fresh id per device: the driver remembers open states per device id for the life of the process.
    return Device(id=next(_ids), vendor="onvif", device_id=device_id, base_url=sim.base_url,
                  username=sim.username, password=sim.password if password is None else password,
                  integration_id=integration_id)


@dataclass
class CapturingSink:
    events: list[bytes] = field(default_factory=list)
    states: list[tuple[str, str]] = field(default_factory=list)

    async def event(self, body: bytes, content_type: str) -> None:
        assert content_type == "application/json"
        self.events.append(body)

    async def state(self, state: str, error: str = "") -> None:
        self.states.append((state, error))


class StoringSink(CapturingSink):
    """Stores every event through the ingest service, as the pull runner does."""

    def __init__(self, integration):
        super().__init__()
        self.integration = integration
        self.results = []

    async def event(self, body: bytes, content_type: str) -> None:
        await super().event(body, content_type)
        self.results.append(await sync_to_async(raw_events_store)(
            vendor="onvif", body=body, content_type=content_type, integration=self.integration))


class Puller:
    """`driver.run(device, sink)` in a thread of its own, restarted after `pause` seconds whenever it ends."""

    def __init__(self, device, sink, *, pause: float = 0.3, **options):
        self.device, self.sink, self.pause, self.options = device, sink, pause, options
        self.ends: list[BaseException | None] = []
        self._loop = asyncio.new_event_loop()
        self._task: asyncio.Task | None = None
        self._thread = threading.Thread(target=self._main, daemon=True, name="onvif-puller")

    def _main(self) -> None:
        asyncio.set_event_loop(self._loop)
        self._task = self._loop.create_task(self._forever())
        try:
            self._loop.run_until_complete(self._task)
        except asyncio.CancelledError:
            pass
        finally:
            self._loop.run_until_complete(sync_to_async(connections.close_all)())
            self._loop.close()

    async def _forever(self) -> None:
        while True:
            try:
                await driver.run(self.device, self.sink, **self.options)
                self.ends.append(None)
            except asyncio.CancelledError:
                raise
            except Exception as exc:  # noqa: BLE001 - the runner's job: note it and connect again
                self.ends.append(exc)
            await self.sink.state("offline")
            await asyncio.sleep(self.pause)

    def __enter__(self) -> Puller:
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.stop()

    def stop(self) -> None:
        while self._task is None and self._thread.is_alive():
            threading.Event().wait(0.01)
        if self._task is not None:
            self._loop.call_soon_threadsafe(self._task.cancel)
        self._thread.join(15)
        assert not self._thread.is_alive(), "the driver did not stop when cancelled"
