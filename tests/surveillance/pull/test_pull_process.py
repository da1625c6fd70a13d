"""End to end: the real `manage.py ingest_pull` process and a real Celery worker (subprocesses) against simulated
Hikvision and Dahua NVRs over real sockets; alerts are produced, also after the devices drop and come back."""

import os
import signal
import subprocess
import sys

import pytest
import redis
from django.db import connection

from surveillance.models import Alert, PullDevice, RawEvent
from surveillance.services import camera_create
from tests.celery_support import ROOT, Worker, wait_for
from tests.surveillance.simulators.devices import Dahua, Hikvision

from ..conftest import TEST_REDIS_URL
from .conftest import KEY

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]


class PullProcess:
    def __init__(self, log, settings):
        db = connection.settings_dict
        self.log = log
        self.env = {
            **os.environ,
            "DATABASE_URL": f"postgis://{db['USER']}:{db['PASSWORD'] or ''}@{db['HOST']}:{db['PORT'] or 5432}/"
                            f"{db['NAME']}",
            "CELERY_BROKER_URL": TEST_REDIS_URL, "REDIS_URL": TEST_REDIS_URL,
            "CACHE_KEY_PREFIX": settings.CACHES["default"]["KEY_PREFIX"],
            "DEVICE_CREDENTIAL_KEYS": KEY, "PULL_RELOAD_SECONDS": "1", "PULL_READ_TIMEOUT_SECONDS": "5",
        }
        self.process = subprocess.Popen([sys.executable, "manage.py", "ingest_pull"], env=self.env, cwd=ROOT,
                                        stdout=log.open("ab"), stderr=subprocess.STDOUT)

    def stop(self) -> int:
        self.process.send_signal(signal.SIGTERM)
        return self.process.wait(30)


@pytest.fixture
def flushed():
    client = redis.Redis.from_url(TEST_REDIS_URL)
    client.flushdb()
    yield
    client.flushdb()


def test_pulled_events_become_alerts_end_to_end_and_after_devices_come_back(
        site, personas, settings, tmp_path, start, register, sims, flushed):
    dahua_camera = camera_create(by=personas.operator, vendor="dahua", device_id="NVR-7", channel=1,
                                 name="Dahua 1", location=(63.65, 41.0))
    hik = start(Hikvision(mac="44:19:b6:0a:1b:2c", keepalive_seconds=0.5))
    dahua = start(Dahua(keepalive_seconds=0.5))
    hik_device = register(hik, vendor="hikvision", device_id="44:19:b6:0a:1b:2c")
    dahua_device = register(dahua, vendor="dahua", device_id="NVR-7")
    worker = Worker(tmp_path / "worker.log", TEST_REDIS_URL, MEDIA_ROOT=settings.MEDIA_ROOT,
                    CACHE_KEY_PREFIX=settings.CACHES["default"]["KEY_PREFIX"]).start()
    pull = PullProcess(tmp_path / "pull.log", settings)
    try:
        def online():
            return set(PullDevice.objects.values_list("state", flat=True)) == {"online"}

        wait_for(online, 60, pull.log)
        sims.call(hik.emit, channel=1)
        sims.call(dahua.emit, index=0, action="Start")
        sims.call(dahua.emit, index=0, action="Stop")
        wait_for(lambda: Alert.objects.filter(ended_at__isnull=False, camera=dahua_camera).exists()
                 and Alert.objects.filter(camera=site.street).exists(), 60, worker.log)
        assert Alert.objects.count() == 2

        # Both devices drop (a cut in the middle of a part) and nobody answers at their address for a while.
        ports = {hik: hik.port, dahua: dahua.port}
        for device in (hik, dahua):
            sims.call(device.stop, mid_part=True)
        wait_for(lambda: set(PullDevice.objects.values_list("state", flat=True)) == {"offline"}, 60, pull.log)
        for device in (hik, dahua):
            sims.call(device.start, ports[device])
        wait_for(online, 90, pull.log)
        sims.call(hik.emit, channel=1)
        sims.call(dahua.emit, index=0, action="Start")
        sims.call(dahua.emit, index=0, action="Stop")
        wait_for(lambda: Alert.objects.filter(camera=site.street).count() == 2
                 and Alert.objects.filter(camera=dahua_camera, ended_at__isnull=False).count() == 2, 60, worker.log)
        wait_for(lambda: not RawEvent.objects.filter(processed_at__isnull=True).exists(), 60, worker.log)
        assert RawEvent.objects.count() == 6 and Alert.objects.count() == 4
        assert PullDevice.objects.get(pk=hik_device.pk).last_event_at is not None
        assert PullDevice.objects.get(pk=dahua_device.pk).last_error == ""
    finally:
        code = pull.stop()
        worker.stop()
    assert code == 0
    assert b"Stopped: 6 stored" in pull.log.read_bytes()
