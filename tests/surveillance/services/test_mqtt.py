"""The MQTT consumer against the real Mosquitto on 127.0.0.1:1883: QoS 1, persistent session, acknowledged
only after the commit, and a message redelivered after a consumer died before acknowledging is stored once."""

import json
import os
import subprocess
import sys
import threading
import time
import uuid
from pathlib import Path

import paho.mqtt.client as mqtt
import pytest
from django.db import connection, connections
from paho.mqtt.enums import CallbackAPIVersion

from surveillance.models import RawEvent
from surveillance.mqtt import FrigateConsumer
from tests.mqtt_support import require_mosquitto_running

from ..conftest import TEST_REDIS_URL, payload

pytestmark = [pytest.mark.django_db(transaction=True)]
BROKER = "mqtt://127.0.0.1:1883"
ROOT = Path(__file__).resolve().parents[3]


@pytest.fixture(autouse=True)
def _mosquitto():
    require_mosquitto_running()


def publish(topic: str, body: bytes) -> None:
    client = mqtt.Client(callback_api_version=CallbackAPIVersion.VERSION2, client_id=f"pub-{uuid.uuid4().hex[:8]}",
                         protocol=mqtt.MQTTv311)
    client.connect("127.0.0.1", 1883)
    client.loop_start()
    info = client.publish(topic, body, qos=1)
    info.wait_for_publish(timeout=5)
    assert info.is_published()
    # Disconnect first: the network thread then ends at once, instead of at its next one-second wake-up.
    client.disconnect()
    client.loop_stop()


def forget_session(client_id: str) -> None:
    client = mqtt.Client(callback_api_version=CallbackAPIVersion.VERSION2, client_id=client_id, clean_session=True,
                         protocol=mqtt.MQTTv311)
    client.connect("127.0.0.1", 1883)
    client.disconnect()


class Running:
    """A consumer in a thread, as `manage.py ingest_mqtt` runs it."""

    def __init__(self, topic: str, client_id: str, integration):
        self.consumer = FrigateConsumer(url=BROKER, topic=topic, client_id=client_id, integration=integration)
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self._run, daemon=True)

    def _run(self):
        try:
            self.consumer.run(self.stop)
        finally:
            connections.close_all()

    def __enter__(self):
        self.thread.start()
        assert self.consumer.subscribed.wait(10), "consumer did not subscribe"
        return self.consumer

    def __exit__(self, *exc):
        self.stop.set()
        self.thread.join(10)


def wait_for(condition, timeout: float = 30.0) -> bool:  # a limit: it returns as soon as the condition holds
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.05)
    return condition()


def nothing_more_arrives(consumer, topic: str) -> tuple[int, int]:
    """(stored, duplicates) of everything that reached `consumer` before a marker published now. One topic at QoS 1
    keeps its order, and a redelivery is sent on connecting, so once the marker is in nothing older is on its way."""
    marker = json.loads(payload("frigate_new.json"))
    marker["before"]["id"] = marker["after"]["id"] = f"marker-{uuid.uuid4().hex}"
    before = consumer.stored
    publish(topic, json.dumps(marker).encode())
    assert wait_for(lambda: consumer.stored > before)
    return consumer.stored - 1, consumer.duplicates


@pytest.fixture
def names():
    run = uuid.uuid4().hex[:10]
    client_id = f"ms-test-{run}"
    yield f"test/{run}/frigate/events", client_id
    forget_session(client_id)


def test_consumer_stores_a_published_event(names, site):
    topic, client_id = names
    with Running(topic, client_id, site.integration) as consumer:
        publish(topic, payload("frigate_new.json"))
        assert wait_for(lambda: consumer.stored == 1)
    raw = RawEvent.objects.get()
    assert raw.vendor == "frigate" and bytes(raw.body) == payload("frigate_new.json")


def test_bad_message_is_acknowledged_and_not_stored(names, site):
    topic, client_id = names
    with Running(topic, client_id, site.integration) as consumer:
        publish(topic, b"{not json")
        publish(topic, payload("frigate_new.json"))
        assert wait_for(lambda: consumer.stored == 1)
        assert consumer.refused == 1
    assert RawEvent.objects.count() == 1


def test_persistent_session_keeps_messages_while_consumer_is_down(names, site):
    topic, client_id = names
    with Running(topic, client_id, site.integration):
        pass  # creates the session and its subscription
    publish(topic, payload("frigate_update.json"))  # nobody connected: the broker queues it
    with Running(topic, client_id, site.integration) as consumer:
        assert wait_for(lambda: consumer.stored == 1)
    assert RawEvent.objects.count() == 1


DYING_CONSUMER = """
import os, sys
import django
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mahalla_safety.settings")
django.setup()
from surveillance.models import Integration
from surveillance.mqtt import FrigateConsumer

class DiesBeforeAck(FrigateConsumer):
    def _ack(self, message):
        os._exit(3)  # the commit is done; the acknowledgement never leaves

DiesBeforeAck(url="mqtt://127.0.0.1:1883", topic=sys.argv[1], client_id=sys.argv[2],
              integration=Integration.objects.get(pk=sys.argv[3])).run()
"""


def test_consumer_killed_before_ack_gets_the_message_again_and_stores_it_once(names, site):
    topic, client_id = names
    with Running(topic, client_id, site.integration):
        pass
    publish(topic, payload("frigate_end.json"))
    db = connection.settings_dict
    env = {**os.environ, "CELERY_BROKER_URL": TEST_REDIS_URL, "REDIS_URL": TEST_REDIS_URL,
           "DATABASE_URL": f"postgis://{db['USER']}:{db['PASSWORD'] or ''}@{db['HOST']}:{db['PORT'] or 5432}/"
                           f"{db['NAME']}"}

    dying = subprocess.run([sys.executable, "-c", DYING_CONSUMER, topic, client_id, str(site.integration.pk)],
                           env=env, cwd=ROOT, timeout=60, capture_output=True)

    assert dying.returncode == 3, dying.stderr.decode()[-2000:]
    assert RawEvent.objects.count() == 1  # committed before it died
    with Running(topic, client_id, site.integration) as consumer:
        assert wait_for(lambda: consumer.duplicates == 1)  # redelivered by the broker, stored once
    assert RawEvent.objects.count() == 1
    with Running(topic, client_id, site.integration) as consumer:
        assert nothing_more_arrives(consumer, topic) == (0, 0)  # acknowledged: not delivered again


def test_consumer_stores_while_redis_is_down(names, site, settings):
    """The consumer shares the HTTP path's Redis uses (the doorbell): with Redis unreachable (cache and broker
    pointed at a closed port) every message is still committed and acknowledged, for the sweep to process."""
    from core import enqueue
    from tests.celery_support import broker

    settings.CACHES = {"default": {**settings.CACHES["default"], "LOCATION": "redis://127.0.0.1:1/0"}}
    topic, client_id = names
    try:
        with broker("redis://127.0.0.1:1/0"), Running(topic, client_id, site.integration) as consumer:
            for name in ("frigate_new.json", "frigate_update.json", "frigate_end.json"):
                publish(topic, payload(name))
            assert wait_for(lambda: consumer.stored == 3)
    finally:
        enqueue.broker.reset()
    assert RawEvent.objects.filter(processed_at__isnull=True).count() == 3
    with Running(topic, client_id, site.integration) as consumer:
        assert nothing_more_arrives(consumer, topic) == (0, 0)  # all were acknowledged
