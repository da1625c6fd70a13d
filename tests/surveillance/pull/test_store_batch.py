"""The batched store the pull process writes through: one transaction for many devices' messages, on the push
path's keys, a message that cannot be read refused alone, a revoked integration's messages refused, heartbeats
marking cameras seen."""

import pytest

from surveillance.models import Camera, RawEvent
from surveillance.services.ingest import Pulled, raw_events_store_batch
from surveillance.services.integrations import integration_revoke
from surveillance.vendors.dahua import envelope

from ..conftest import payload

pytestmark = pytest.mark.django_db


def pulled(site, body: bytes, vendor: str = "hikvision", content_type: str = "application/xml", device: int = 1):
    return Pulled(vendor=vendor, body=body, content_type=content_type, integration_id=site.integration.pk,
                  device=device)


def test_a_batch_of_several_devices_is_stored_once_and_a_bad_message_alone_is_refused(site):
    dahua = envelope("NVR-7", "Code=VideoMotion;action=Start;index=0", received_at="2026-12-06T13:00:00+00:00",
                     started_at="2026-12-06T13:00:00+00:00")
    batch = [pulled(site, payload("hikvision_linedetection.xml"), device=1),
             pulled(site, b"<EventNotificationAlert><broken", device=1),
             pulled(site, dahua, vendor="dahua", content_type="application/json", device=2),
             pulled(site, payload("hikvision_linedetection.xml"), device=1),  # the same message twice
             pulled(site, payload("hikvision_heartbeat.xml"), device=3)]
    result = raw_events_store_batch(messages=batch, integrations={site.integration.pk: site.integration})
    assert (result.accepted, result.duplicates, result.refused, result.heartbeats) == (2, 1, 1, 1)
    assert result.devices == {1, 2, 3}
    assert RawEvent.objects.count() == 2
    assert Camera.objects.get(pk=site.street.pk).status == "online"  # the heartbeat's camera
    again = raw_events_store_batch(messages=batch[:1], integrations={site.integration.pk: site.integration})
    assert (again.accepted, again.duplicates) == (0, 1)


def test_messages_of_a_revoked_integration_are_refused(site):
    integration_revoke(integration=site.integration)
    site.integration.refresh_from_db()
    result = raw_events_store_batch(messages=[pulled(site, payload("hikvision_linedetection.xml"))],
                                    integrations={site.integration.pk: site.integration})
    assert (result.accepted, result.refused) == (0, 1) and not RawEvent.objects.exists()
