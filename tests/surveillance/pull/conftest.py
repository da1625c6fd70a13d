"""Pull fixtures: a device credential key, simulated devices on a loop of their own, pulled devices registered
through the service, and the real runner in a thread (its own event loop, its own database connection)."""

import asyncio
import threading

import pytest
from cryptography.fernet import Fernet

from surveillance.models import PullDevice
from surveillance.pull.runner import Runner
from surveillance.services.pull_devices import pull_device_create
from tests.surveillance.simulators.devices import SimulatorThread

KEY = Fernet.generate_key().decode()


@pytest.fixture(autouse=True)
def _credential_key(settings):
    settings.DEVICE_CREDENTIAL_KEYS = [KEY]


@pytest.fixture
def sims():
    thread = SimulatorThread()
    yield thread
    for device in getattr(thread, "started", []):
        thread.call(device.stop)
    thread.close()


@pytest.fixture
def start(sims):
    sims.started = []

    def make(device):
        sims.start(device)
        sims.started.append(device)
        return device

    return make


@pytest.fixture
def register(site, personas):
    def make(device, *, vendor: str, device_id: str, password: str | None = None, **extra) -> PullDevice:
        return pull_device_create(by=personas.operator, integration=site.integration, vendor=vendor,
                                  name=f"{vendor} {device_id}", device_id=device_id, host="127.0.0.1",
                                  port=device.port, username=device.username,
                                  password=password or device.password, **extra)

    return make


class RunnerThread:
    """The real Runner, as `manage.py ingest_pull` runs it, in a thread with its own loop."""

    def __init__(self, **kwargs):
        kwargs.setdefault("reload_seconds", 0.5)
        kwargs.setdefault("backoff_cap", 0.5)
        kwargs.setdefault("auth_backoff_cap", 0.5)
        self.runner = None
        self.kwargs = kwargs
        self.ready = threading.Event()
        self.thread = threading.Thread(target=self._main, daemon=True, name="pull-runner")

    def _main(self):
        async def main():
            self.loop = asyncio.get_running_loop()
            self.stop_event = asyncio.Event()
            self.runner = Runner(**self.kwargs)
            self.ready.set()
            await self.runner.run(self.stop_event)

        asyncio.run(main())

    def start(self) -> "RunnerThread":
        self.thread.start()
        self.ready.wait(10)
        return self

    def stop(self) -> None:
        if self.thread.is_alive():
            self.loop.call_soon_threadsafe(self.stop_event.set)
            self.thread.join(30)


@pytest.fixture
def runner():
    started = []

    def make(**kwargs) -> RunnerThread:
        r = RunnerThread(**kwargs).start()
        started.append(r)
        return r

    yield make
    for r in started:
        r.stop()
