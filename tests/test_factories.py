"""The shared factories make rows the database accepts, placed where their defaults say."""

import pytest

from surveillance.models import Alert
from tests.factories import (
    AlertFactory,
    CameraFactory,
    PolicyFactory,
    RoadmapFactory,
    RoadmapItemFactory,
)
from zones.models import Policy

pytestmark = pytest.mark.django_db


def test_camera_and_alert_follow_the_mahalla(territory):
    camera = CameraFactory(mahalla=territory.mahalla_a1a)
    alert = AlertFactory(camera=camera)

    assert camera.district == territory.district_a1
    assert territory.mahalla_a1a.boundary.contains(camera.location)
    assert (alert.mahalla, alert.district, alert.status) == (territory.mahalla_a1a, territory.district_a1,
                                                           Alert.Status.ROUTED)


def test_roadmap_of_each_territory_level_with_items(territory):
    for unit in (territory.region_a, territory.district_a1, territory.mahalla_a1a):
        roadmap = RoadmapFactory(territory=unit)
        RoadmapItemFactory.create_batch(2, roadmap=roadmap)

        assert roadmap.territory == unit and roadmap.items.count() == 2


def test_policy_is_the_next_version():
    first, second = PolicyFactory(), PolicyFactory()

    assert second.version == first.version + 1 == Policy.objects.order_by("-version").first().version
