"""The platform's own broker (scripts/broker.sh, the same ACL as docker/mosquitto/): no anonymous client, the
consumer reads every NVR's events, and an NVR publishes only under its own name."""

import socket
import subprocess
from pathlib import Path

import paho.mqtt.client as mqtt
import pytest

from tests.celery_support import wait_for
from tests.mqtt_support import SYSTEM_PATH, require_mosquitto_installed

ROOT = Path(__file__).resolve().parents[3]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def broker(tmp_path):
    require_mosquitto_installed()
    port = _free_port()
    process = subprocess.Popen(["bash", str(ROOT / "scripts" / "broker.sh")], cwd=ROOT,
                               env={"PATH": SYSTEM_PATH, "MQTT_DIR": str(tmp_path), "MQTT_PORT": str(port)},
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    wait_for(lambda: _listening(port), 10)
    # A second NVR account, as an operator adds one.
    subprocess.run(["mosquitto_passwd", "-b", str(tmp_path / "passwd"), "nvr-a", "secret-a"], check=True)
    process.send_signal(1)  # SIGHUP: Mosquitto re-reads its password file
    wait_for(lambda: _signs_in(port, "nvr-a", "secret-a"), 10)
    yield port, (tmp_path / "ingest.password").read_text().strip()
    process.terminate()
    process.wait(5)


def _listening(port) -> bool:
    with socket.socket() as s:
        return s.connect_ex(("127.0.0.1", port)) == 0


def _signs_in(port, user, password) -> bool:
    client, rc = _client(port, user, password)
    _close(client)
    return not rc.is_failure


def _close(client) -> None:
    # Disconnect first: the network thread then ends at once, instead of at its next one-second wake-up.
    client.disconnect()
    client.loop_stop()


def _client(port, user=None, password=None):
    client = mqtt.Client(mqtt.CallbackAPIVersion.VERSION2, client_id="")
    if user:
        client.username_pw_set(user, password)
    result = {}
    client.on_connect = lambda c, u, f, rc, p: result.setdefault("rc", rc)
    client.connect("127.0.0.1", port)
    client.loop_start()
    wait_for(lambda: "rc" in result, 5)
    return client, result["rc"]


def test_anonymous_clients_are_refused(broker):
    port, _ = broker
    client, rc = _client(port)
    _close(client)
    assert rc is not None and rc.is_failure


def test_an_nvr_publishes_only_under_its_own_name(broker):
    port, ingest_password = broker
    received = []
    consumer, rc = _client(port, "ingest", ingest_password)
    assert not rc.is_failure
    consumer.on_message = lambda c, u, m: received.append(m.topic)
    subscribed = []
    consumer.on_subscribe = lambda *args: subscribed.append(True)
    consumer.subscribe("frigate/+/events", qos=1)
    wait_for(lambda: subscribed, 5)
    nvr, rc = _client(port, "nvr-a", "secret-a")
    assert not rc.is_failure
    nvr.publish("frigate/nvr-b/events", b"{}", qos=1).wait_for_publish(2)
    nvr.publish("frigate/nvr-a/events", b"{}", qos=1).wait_for_publish(2)
    # One publisher's messages reach a subscriber in order: had the first passed the ACL, it would be in first.
    wait_for(lambda: received, 5)
    _close(nvr)
    _close(consumer)
    assert received == ["frigate/nvr-a/events"]
