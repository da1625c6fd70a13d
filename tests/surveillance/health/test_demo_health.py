"""The demo gives the camera health page and the uptime tile something to show."""

import pytest

from surveillance.demo import demo_cameras_load
from surveillance.health import district_health
from surveillance.uptime import camera_uptime
from tests.incidents.factories import ensure_incident_categories

pytestmark = pytest.mark.django_db


def test_demo_cameras_have_a_health_history(personas, territory):
    ensure_incident_categories()
    demo_cameras_load(operator=personas.operator, alerts=40)
    rows = district_health(user=personas.operator, district_id=territory.district_a1.pk)
    problems = sorted(p for h in rows for p in h.problems)
    assert problems == ["offline", "tamper"]
    assert all(h.usual_rate is not None for h in rows)  # registered a month ago: past "learning"
    share = camera_uptime(user=personas.operator, district_ids=[territory.district_a1.pk])[
        territory.district_a1.pk].share
    assert 0.5 < share < 1
