"""A small fleet with one camera of each health: working and pulled, offline, tampered with, never seen."""

import pytest

from surveillance.models import Camera

from .support import ago, alerts_at, pull_device


@pytest.fixture
def fleet(site):
    """Street: working, pulled, streaming. Entrance: offline. Frigate: video loss. Generic: never seen."""
    Camera.objects.filter(pk__in=[site.street.pk, site.frigate.pk]).update(status="online", last_seen_at=ago(minutes=1))
    Camera.objects.filter(pk=site.entrance.pk).update(last_seen_at=ago(hours=3))
    alerts_at(site.frigate, [ago(minutes=20)], event_type="videoloss")
    pull_device(site.integration, site.street, state="online", checked_seconds_ago=5)
    return site
