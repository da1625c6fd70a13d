"""manage.py ingest_mqtt: store Frigate events from the MQTT broker (MQTT_URL, default mqtt://127.0.0.1:1883)."""

import signal
import threading

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from surveillance.errors import IntegrationUnassigned
from surveillance.models import Integration
from surveillance.mqtt import FrigateConsumer


class Command(BaseCommand):
    help = "Consume Frigate events from MQTT (QoS 1, persistent session) and store them like the HTTP endpoint."

    def add_arguments(self, parser):
        parser.add_argument("--topic", default=None, help="Default: MQTT_TOPIC or frigate/events.")
        parser.add_argument("--client-id", default=None, help="Default: MQTT_CLIENT_ID. Keep it fixed: the broker "
                                                               "keeps the session of this id.")
        parser.add_argument("--integration", default=None,
                            help="Default: MQTT_INTEGRATION. The integration these events belong to (required): they "
                                 "match only the cameras of its district, and its district gets alerts from "
                                 "unregistered cameras.")

    def handle(self, *args, topic, client_id, integration, **options):
        integration = integration or settings.MQTT_INTEGRATION
        if not integration:
            raise CommandError("Name the integration these events belong to: --integration or MQTT_INTEGRATION.")
        owner = Integration.objects.active().filter(name=integration).select_related("district").first()
        if owner is None:
            raise CommandError(f"No active integration named {integration}.")
        if not owner.is_assigned:
            raise CommandError(str(IntegrationUnassigned(owner).message))
        consumer = FrigateConsumer(url=settings.MQTT_URL, topic=topic or settings.MQTT_TOPIC,
                                   client_id=client_id or settings.MQTT_CLIENT_ID, integration=owner)
        stop = threading.Event()
        for sig in (signal.SIGTERM, signal.SIGINT):
            signal.signal(sig, lambda *_: stop.set())
        self.stdout.write(f"Consuming {consumer.topic} from {consumer.host}:{consumer.port}")
        consumer.run(stop)
        self.stdout.write(f"Stopped: {consumer.stored} stored, {consumer.duplicates} duplicates, "
                          f"{consumer.refused} refused.")
