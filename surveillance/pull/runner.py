"""The pull process (`manage.py ingest_pull`): one asyncio loop holding one event stream per enabled PullDevice.

Shape. Each device has a task that runs its vendor's driver (surveillance/pull/<vendor>.py, see base) and, when
the stream ends, reconnects with exponential backoff and full jitter (1 s doubling to a minute; five minutes for
refused credentials, which a retry will not fix and which can lock the device's account). Drivers put messages
into one bounded queue; PULL_WRITERS writers take them in batches (up to 2,000) and store each batch in a
thread of the writers' pool through `raw_events_store_batch`: the push endpoints' path (natural key, ON CONFLICT
DO NOTHING, doorbell on commit), so a device both pushing and pulled stores each event once. All database work
happens in that pool, never in the event loop (Django's ORM is synchronous; each thread is one connection);
several writers overlap their round trips, and batches need no order between them. The device list is re-read
every PULL_RELOAD_SECONDS: new devices are connected, changed ones reconnected, disabled or deleted ones dropped.
A held stream is its device's heartbeat: the cameras of a device streaming are marked seen at every touch.

State. A device's state (PullDevice.State) is written as soon as it changes (within the writer's quarter-second
tick), with the reason; while the process lives it touches `state_checked_at` of every device it holds every
TOUCH_SECONDS, so pages can disbelieve a state older than a minute (the process may have died). When a stream
goes down, the device's cameras are marked offline at once, not after CAMERA_OFFLINE_AFTER_SECONDS.

When PostgreSQL goes away (or restarts), each batch being written stays in memory and is retried with backoff
(up to 10 s apart) until it commits; meanwhile drivers keep filling the queue up to PULL_BUFFER_EVENTS, then
block in `sink.event`, so they stop reading their sockets and TCP pushes back to the devices. Nothing taken off a stream
is dropped while the process lives. These protocols have no acknowledgement and no replay, though: what a
device emits while we do not read is up to the device (it buffers a little, then may drop the connection, and
the reconnect starts from now), and a process killed while the database is away loses what it held in memory
(at most the buffer). When Redis goes away nothing changes here: events are stored, the doorbell is skipped
(robustly, after the commit), and the periodic sweep hands them to a worker once Redis is back.
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime
import importlib
import logging
import random
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

from django.conf import settings
from django.db import close_old_connections, connection, transaction
from django.utils import timezone

from ..credentials import decrypt
from ..models import Camera, Integration, PullDevice, StreamState
from ..services.cameras import cameras_seen
from ..services.ingest import Pulled, raw_events_store_batch
from ..services.integrations import speaks_for
from ..services.outages import cameras_stream_down
from .base import AuthFailed, DeviceConfig

log = logging.getLogger(__name__)

TOUCH_SECONDS = 20
TICK_SECONDS = 0.25
STOP_SECONDS = 20
LAST_EVENT_SECONDS = 10
DOWN = (StreamState.OFFLINE, StreamState.AUTH_FAILED)


def driver(vendor: str):
    """The vendor's driver module, imported when a device of that vendor first needs it."""
    return importlib.import_module(f"surveillance.pull.{vendor}")


def backoff(attempt: int, *, cap: float) -> float:
    """Full jitter: streams dropped together (a switch restarted) do not all come back in the same second."""
    return random.uniform(0, min(cap, 2.0 ** attempt))  # noqa: S311 - spreading retries, not a secret


Change = tuple[str, str, datetime.datetime]  # (state, error, at)


def _pending(pending: list[Change], change: Change) -> list[Change]:
    """The state changes of one device still to write: the latest, after the first drop since the last write.
    A stream that drops and is back before the writer's next tick still has its drop written, so its cameras'
    outage is on record; the states in between add nothing a reader needs."""
    first_drop = next((c for c in pending if c[0] in DOWN), None)
    return [first_drop, change] if first_drop is not None else [change]


def base_url(scheme: str, host: str, port: int) -> str:
    host = f"[{host}]" if ":" in host and not host.startswith("[") else host
    return f"{scheme}://{host}:{port}"


@dataclass
class Stats:
    stored: int = 0
    duplicates: int = 0
    refused: int = 0
    heartbeats: int = 0
    batches: int = 0
    failures: int = 0


class _Sink:
    def __init__(self, runner: Runner, config: DeviceConfig):
        self.runner, self.config = runner, config

    async def event(self, body: bytes, content_type: str) -> None:
        c = self.config
        await self.runner.queue.put(Pulled(vendor=c.vendor, body=body, content_type=content_type,
                                           integration_id=c.integration_id, device=c.id))

    async def state(self, state: str, error: str = "") -> None:
        self.runner.set_state(self.config.id, state, error)


class Runner:
    def __init__(self, *, reload_seconds: float | None = None, buffer: int | None = None, batch_size: int = 2000,
                 writers: int | None = None, backoff_cap: float = 60.0, auth_backoff_cap: float = 300.0,
                 shard: tuple[int, int] = (0, 1), touch_seconds: float = TOUCH_SECONDS):
        self.reload_seconds = reload_seconds or settings.PULL_RELOAD_SECONDS
        self.queue: asyncio.Queue[Pulled] = asyncio.Queue(maxsize=buffer or settings.PULL_BUFFER_EVENTS)
        self.batch_size = batch_size
        self.backoff_cap, self.auth_backoff_cap = backoff_cap, auth_backoff_cap
        self.shard = shard
        self.touch_seconds = touch_seconds
        self.devices: dict[int, tuple[DeviceConfig, asyncio.Task]] = {}
        self.states: dict[int, str] = {}
        self.changes: dict[int, list[Change]] = {}
        self.stats = Stats()
        # One thread, one connection per writer (and one for reading the device list).
        self.writers = writers or settings.PULL_WRITERS
        self.db = ThreadPoolExecutor(self.writers + 1, thread_name_prefix="pull-db")
        self._lock = threading.Lock()
        self._stopping = False
        self._event_written: dict[int, float] = {}

    # --- the device tasks ------------------------------------------------------------------------------

    def set_state(self, device: int, state: str, error: str = "") -> None:
        if self.states.get(device) != state:
            self.states[device] = state
            self.changes[device] = _pending(self.changes.get(device, []), (state, error, timezone.now()))

    async def _hold(self, config: DeviceConfig) -> None:
        run = driver(config.vendor).run
        sink = _Sink(self, config)
        attempt = 0
        while True:
            if self.states.get(config.id) not in DOWN:
                self.set_state(config.id, StreamState.CONNECTING)
            began = time.monotonic()
            cap = self.backoff_cap
            try:
                await run(config, sink)
                error = "the device ended the stream"
            except asyncio.CancelledError:
                raise
            except AuthFailed as exc:
                error, cap = str(exc), self.auth_backoff_cap
                self.set_state(config.id, StreamState.AUTH_FAILED, error)
            except Exception as exc:  # any failure of one stream is that stream's, never the process's
                error = f"{type(exc).__name__}: {exc}".strip().rstrip(":")
            if self.states.get(config.id) == StreamState.AUTH_FAILED:
                cap = self.auth_backoff_cap
            else:
                self.set_state(config.id, StreamState.OFFLINE, error)
            log.info("stream of device %s (%s) ended: %s", config.id, config.base_url, error)
            # A stream that held for a while was healthy: start the backoff over.
            attempt = 0 if time.monotonic() - began > 60 else attempt + 1
            await asyncio.sleep(backoff(attempt, cap=cap))

    def _start(self, config: DeviceConfig) -> None:
        task = asyncio.create_task(self._hold(config), name=f"pull-{config.id}")
        self.devices[config.id] = (config, task)

    async def _drop(self, device: int) -> None:
        _, task = self.devices.pop(device)
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError, Exception):
            await task
        # A state the stream left behind must not overwrite what made us drop it (disabled, changed).
        self.changes.pop(device, None)
        self.states.pop(device, None)

    # --- the device list --------------------------------------------------------------------------------

    def _load(self) -> tuple[dict[int, DeviceConfig], dict[int, str]]:
        """(enabled devices of this shard, errors of those that cannot be held); marks disabled ones."""
        close_old_connections()
        index, count = self.shard
        configs, errors = {}, {}
        rows = (PullDevice.objects.filter(enabled=True, integration__revoked_at__isnull=True)
                .select_related("integration").order_by("id"))
        for device in rows:
            if device.pk % count != index:
                continue
            if not device.integration.is_assigned:
                errors[device.pk] = "its integration belongs to no district"
                continue
            try:
                password = decrypt(device.password_encrypted)
            except Exception as exc:  # a key dropped before rotating: say so on the device's page
                errors[device.pk] = str(exc)
                continue
            configs[device.pk] = DeviceConfig(
                id=device.pk, vendor=device.vendor, device_id=device.device_id,
                base_url=base_url(device.scheme, device.host, device.port), username=device.username,
                password=password, integration_id=device.integration_id)
        disabled = [pk for pk in PullDevice.objects.filter(enabled=False).exclude(state=StreamState.DISABLED)
                    .values_list("id", flat=True) if pk % count == index]
        if disabled:
            now = timezone.now()
            PullDevice.objects.filter(pk__in=disabled).update(state=StreamState.DISABLED, state_changed_at=now,
                                                              state_checked_at=now, last_error="")
        return configs, errors

    async def reload(self) -> None:
        configs, errors = await self._in_db(self._load)
        for device in list(self.devices):
            if configs.get(device) != self.devices[device][0]:
                await self._drop(device)
        for device, config in configs.items():
            if device not in self.devices:
                self._start(config)
        for device, error in errors.items():
            self.set_state(device, StreamState.AUTH_FAILED, error)

    # --- the writer -------------------------------------------------------------------------------------

    async def _in_db(self, call, *args):
        return await asyncio.get_running_loop().run_in_executor(self.db, self._guarded, call, *args)

    @staticmethod
    def _guarded(call, *args):
        try:
            return call(*args)
        except Exception:
            connection.close()  # this thread's connection, perhaps broken: the next call opens a new one
            raise

    async def _take(self) -> list[Pulled]:
        items: list[Pulled] = []
        try:
            items.append(await asyncio.wait_for(self.queue.get(), TICK_SECONDS))
        except TimeoutError:
            return items
        while len(items) < self.batch_size:
            try:
                items.append(self.queue.get_nowait())
            except asyncio.QueueEmpty:
                break
        return items

    def _write(self, batch: list[Pulled], changes: dict, touch: list[int]) -> None:
        close_old_connections()
        now = timezone.now()
        if batch:
            integrations = {i.pk: i for i in Integration.objects.filter(pk__in={m.integration_id for m in batch})}
            result = raw_events_store_batch(messages=batch, integrations=integrations)
            with self._lock:
                self.stats.stored += result.accepted
                self.stats.duplicates += result.duplicates
                self.stats.refused += result.refused
                self.stats.heartbeats += result.heartbeats
                self.stats.batches += 1
            # A device's last event is written at most every LAST_EVENT_SECONDS: with hundreds of busy devices,
            # updating each one's row for every batch cost more than storing the events themselves.
            due = [d for d in result.devices
                   if time.monotonic() - self._event_written.get(d, -1e9) > LAST_EVENT_SECONDS]
            if due:
                PullDevice.objects.filter(pk__in=due).update(last_event_at=now)
                self._event_written.update(dict.fromkeys(due, time.monotonic()))
        for device, pending in changes.items():
            for state, error, at in pending:
                with transaction.atomic():  # a page never sees the stream down and its cameras still online
                    PullDevice.objects.filter(pk=device).update(state=state, state_changed_at=at,
                                                                state_checked_at=now, last_error=error[:500])
                    if state in DOWN:
                        self._cameras_down(device)
        if touch:
            PullDevice.objects.filter(pk__in=touch).update(state_checked_at=now)
            self._cameras_alive([c for c in (self.devices.get(d, (None,))[0] for d in touch)
                                 if c is not None and self.states.get(c.id) == StreamState.ONLINE])

    @staticmethod
    def _cameras_alive(configs: list[DeviceConfig]) -> None:
        """A stream that is up is the device's heartbeat (Hikvision's keep-alive is channel 0, the device itself;
        Dahua's is `Heartbeat`): its cameras are online, as a pushed heartbeat would say (cameras_seen)."""
        groups: dict[tuple[str, int], set[str]] = {}
        for c in configs:
            groups.setdefault((c.vendor, c.integration_id), set()).add(c.device_id)
        integrations = Integration.objects.in_bulk({i for _, i in groups})
        for (vendor, integration_id), device_ids in groups.items():
            if integration_id in integrations:
                cameras_seen(vendor=vendor, device_ids=device_ids, integration=integrations[integration_id])

    @staticmethod
    def _cameras_down(device: int) -> None:
        row = PullDevice.objects.filter(pk=device).select_related("integration").first()
        if row is None:
            return
        scope = speaks_for(row.integration.district_id, row.integration.is_national)
        if scope is not None:
            cameras_stream_down(Camera.objects.filter(scope, vendor=row.vendor, device_id__iexact=row.device_id))

    def _keep_for_retry(self, changes: dict[int, list[Change]]) -> None:
        """Puts back state changes whose write failed, before any that came while it was being tried."""
        for device, pending in changes.items():
            for change in self.changes.get(device, []):
                pending = _pending(pending, change)
            self.changes[device] = pending

    async def _writer(self, lead: bool) -> None:
        """Store batches; the lead writer also writes state changes and the periodic touch. Several writers
        (PULL_WRITERS) overlap their database round trips; events need no order between them (natural keys,
        and a Dahua Stop merges into its alert whichever is stored first)."""
        batch: list[Pulled] = []
        last_touch, failures = 0.0, 0
        while True:
            if not batch:
                if self._stopping and self.queue.empty() and not (lead and self.changes):
                    return
                batch = await self._take()
            changes, touch = {}, []
            if lead:
                changes, self.changes = self.changes, {}
                if time.monotonic() - last_touch >= self.touch_seconds:
                    touch = list(self.devices)
            if not (batch or changes or touch):
                continue
            try:
                await self._in_db(self._write, batch, changes, touch)
            except Exception:
                # The database is away (or refused the batch): keep everything and try again; the queue
                # behind fills up to its bound, then the streams wait (see the module docstring).
                self.stats.failures += 1
                failures += 1
                log.exception("storing %d pulled events failed; retrying", len(batch))
                self._keep_for_retry(changes)
                await asyncio.sleep(min(10.0, 0.5 * 2 ** min(failures, 5)))
                continue
            failures = 0
            batch = []
            if touch:
                last_touch = time.monotonic()

    # --- the process ------------------------------------------------------------------------------------

    async def run(self, stop: asyncio.Event) -> None:
        writers = {asyncio.create_task(self._writer(lead=i == 0), name=f"pull-writer-{i}")
                   for i in range(self.writers)}
        try:
            while not stop.is_set():
                try:
                    await self.reload()
                except Exception:
                    log.exception("reading the pulled devices failed; keeping the streams held")
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(stop.wait(), self.reload_seconds)
        finally:
            for device in list(self.devices):
                await self._drop(device)
                self.set_state(device, StreamState.OFFLINE, "the pull process stopped")
            self._stopping = True
            # The writer stores what is left; with the database away it cannot, and the process must still end.
            _, pending = await asyncio.wait(writers, timeout=STOP_SECONDS)
            for writer in pending:
                writer.cancel()
            if pending:
                log.error("stopped with %d pulled events not stored: the database did not answer",
                          self.queue.qsize())
            from .http import close

            await close()
            self.db.shutdown(wait=True)
