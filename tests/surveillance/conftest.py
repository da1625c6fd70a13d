"""Surveillance fixtures: an integration of district A1, cameras on the shared territory (tests/conftest.py),
payload fixtures, and helpers to post as an integration and to process what was stored."""

import os
import uuid
from dataclasses import dataclass
from pathlib import Path

import pytest

from surveillance.models import Camera, RawEvent
from surveillance.services import camera_create, integration_create, raw_events_process
from tests.celery_support import broker
from tests.incidents.factories import ensure_incident_categories

PAYLOADS = Path(__file__).parent / "payloads"
# A Redis database of its own: tests FLUSHDB it, which must never touch anything else.
# TEST_REDIS_BASE lets two checkouts run their suites side by side on one Redis.
TEST_REDIS_URL = f"{os.environ.get('TEST_REDIS_BASE', 'redis://127.0.0.1:6379')}/15"
MULTIPART_TYPE = "multipart/form-data; boundary=MIME_boundary"

ALERTS = "/api/v1/surveillance/alerts/"
HIKVISION = "/api/v1/surveillance/hikvision/"
FRIGATE = "/api/v1/surveillance/frigate/"


def payload(name: str) -> bytes:
    return (PAYLOADS / name).read_bytes()


@pytest.fixture(autouse=True)
def _in_english(in_english):
    """The assertions here read API and form messages in English."""


@pytest.fixture(autouse=True)
def _celery_on_test_redis():
    with broker(TEST_REDIS_URL):
        yield


@pytest.fixture(autouse=True)
def _isolated(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")
    # Throttle buckets live in the real Redis: a key prefix per test keeps tests apart.
    settings.CACHES = {"default": {**settings.CACHES["default"], "KEY_PREFIX": f"test-{uuid.uuid4().hex}",
                                   "LOCATION": TEST_REDIS_URL}}


@dataclass
class Site:
    integration: object
    token: str
    street: Camera  # Hikvision, A1a, channel 1
    entrance: Camera  # Hikvision, A1b, channel 2, face recognition
    frigate: Camera  # Frigate "bozor_gate", A1a
    generic: Camera  # our JSON, A1a


@pytest.fixture
def site(personas, territory) -> Site:
    ensure_incident_categories()
    integration, token = integration_create(name="nvr-a1", district=territory.district_a1)
    by = personas.operator
    return Site(
        integration=integration, token=token,
        street=camera_create(by=by, vendor="hikvision", device_id="44:19:B6:0A:1B:2C", channel=1,
                             name="Bozor ko'chasi 01", location=(63.65, 41.0)),
        entrance=camera_create(by=by, vendor="hikvision", device_id="44-19-b6-0a-1b-2d", channel=2,
                               name="Mahalla kirishi", location=(63.75, 41.0), installation_kind="entrance_face"),
        frigate=camera_create(by=by, vendor="frigate", device_id="bozor_gate", name="Bozor darvozasi",
                              location=(63.66, 41.01)),
        generic=camera_create(by=by, vendor="generic", device_id="AI-SRV7-CAM12", name="Maktab 14 hovlisi",
                              location=(63.64, 40.99), installation_kind="school"),
    )


@pytest.fixture
def integration_client(site, client_for):
    """A client that posts as an integration: the site's token unless another is given."""
    return lambda token=None, **extra: client_for(token=token or site.token, **extra)


def post_raw(client, path: str, body: bytes, content_type: str):
    return client.generic("POST", path, body, content_type=content_type)


def process_all() -> int:
    total = 0
    while True:
        result = raw_events_process(fill_to=1000)
        total += result.processed + result.failed
        if not result.claimed:
            return total


def raw_count() -> int:
    return RawEvent.objects.count()
