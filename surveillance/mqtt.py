"""The MQTT consumer of Frigate events (`manage.py ingest_mqtt`).

Frigate publishes to a broker, not over HTTP. We subscribe with QoS 1 and a persistent session (MQTT 3.1.1,
clean_session=False, a fixed client id), so the broker keeps queuing messages while we are down. Each message is
stored through exactly the same service as the HTTP endpoint, and acknowledged (manual ack) only after the
commit: a consumer killed between the two gets the message again from the broker, and the natural key stores
it once. A message that can never be stored (malformed) is acknowledged and logged, or it would come back
forever. Any other failure (the database is down) drops the connection without acknowledging, then
reconnects with backoff: the broker redelivers whatever was not acknowledged.

Events are stored as the named integration's, so they match only the cameras of its district: whoever can
publish to the broker speaks for that district alone (the broker's own users and ACL decide who can).
"""

from __future__ import annotations

import contextlib
import logging
import threading
import time
from urllib.parse import unquote, urlparse

import paho.mqtt.client as mqtt
from django.db import close_old_connections
from paho.mqtt.enums import CallbackAPIVersion

from .errors import PayloadError
from .models import Integration, Vendor
from .services.ingest import raw_events_store

log = logging.getLogger(__name__)


class FrigateConsumer:
    def __init__(self, *, url: str, topic: str, client_id: str, integration: Integration):
        self.topic = topic
        self.integration = integration
        self.stored = self.duplicates = self.refused = 0
        parsed = urlparse(url)
        if parsed.scheme not in ("mqtt", "mqtts"):
            raise ValueError("MQTT_URL must start with mqtt:// or mqtts://")
        self.host = parsed.hostname or "127.0.0.1"
        self.port = parsed.port or (8883 if parsed.scheme == "mqtts" else 1883)
        self.client = mqtt.Client(callback_api_version=CallbackAPIVersion.VERSION2, client_id=client_id,
                                  clean_session=False, protocol=mqtt.MQTTv311, manual_ack=True)
        if parsed.username:
            self.client.username_pw_set(unquote(parsed.username), unquote(parsed.password or ""))
        if parsed.scheme == "mqtts":
            self.client.tls_set()
        self.client.on_connect = self._on_connect
        self.client.on_message = self._on_message
        self.subscribed = threading.Event()

    def _on_connect(self, client, userdata, flags, reason_code, properties):
        if reason_code.is_failure:
            log.warning("MQTT connection refused: %s", reason_code)
            return
        log.info("connected to MQTT %s:%s (session present: %s)", self.host, self.port, flags.session_present)
        client.subscribe(self.topic, qos=1)
        self.subscribed.set()

    def _on_message(self, client, userdata, message):
        try:
            result = raw_events_store(vendor=Vendor.FRIGATE, body=message.payload,
                                      content_type="application/json", integration=self.integration)
        except PayloadError as exc:
            self.refused += 1
            log.warning("refused MQTT message on %s: %s", message.topic, exc)
        else:
            self.stored += result.accepted
            self.duplicates += result.duplicates
        self._ack(message)

    def _ack(self, message) -> None:
        self.client.ack(message.mid, message.qos)

    def run(self, stop: threading.Event | None = None) -> None:
        stop = stop or threading.Event()
        backoff = 1.0
        connected = False
        while not stop.is_set():
            try:
                if not connected:
                    self.client.connect(self.host, self.port, keepalive=30)
                    connected = True
                rc = self.client.loop(timeout=0.5)
                if rc != mqtt.MQTT_ERR_SUCCESS:
                    raise ConnectionError(mqtt.error_string(rc))
                backoff = 1.0
            except Exception:
                # The message being handled stays unacknowledged; the broker sends it again after reconnecting.
                log.exception("MQTT consumer failed; reconnecting in %.0f s", backoff)
                close_old_connections()
                self.subscribed.clear()
                with contextlib.suppress(Exception):  # already broken; reconnecting is the remedy
                    self.client.disconnect()
                connected = False
                stop.wait(backoff)
                backoff = min(backoff * 2, 30.0)
        self.client.disconnect()
        time.sleep(0.05)
