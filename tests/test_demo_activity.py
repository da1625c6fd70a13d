"""`load_demo_activity`: the demo's incidents, field work, cameras and alerts, loaded once, with every zone status
and the dashboards' statistics computed from them."""

from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.test import override_settings

from accounts.models import User
from core import dates
from dashboards.models import DailyMahallaStats
from incidents.models import FieldVisit, Incident, SupportCase
from mahallas.models import Mahalla
from roadmaps.models import Roadmap
from surveillance.models import Alert, Camera
from tests.incidents.factories import ensure_incident_categories
from zones.models import MahallaStatus

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo():
    ensure_incident_categories()
    with override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"]):
        call_command("load_demo", "--mahallas", "60", stdout=StringIO())


def test_load_demo_activity_fills_every_section_and_computes_the_statuses(demo):
    out = StringIO()
    call_command("load_demo_activity", stdout=out)

    operator = User.objects.get(username="demo_operator")
    district_mahallas = Mahalla.objects.filter(district_id=operator.district_id)
    assert Incident.objects.count() > 100
    assert Incident.objects.filter(category__is_cyber=True).count() > Incident.objects.count() * 0.3
    assert Incident.objects.filter(category__is_cyber=True, location__isnull=False).count() == 0
    assert FieldVisit.objects.filter(mahalla__in=district_mahallas).exists()
    assert SupportCase.objects.filter(mahalla__in=district_mahallas).exists()
    assert Camera.objects.count() == district_mahallas.count()
    statuses = {s.status for s in Alert.objects.only("status")}
    assert {"routed", "dismissed", "confirmed"} <= statuses
    assert Incident.objects.filter(source="camera_alert").count() == Alert.objects.filter(status="confirmed").count()
    # every mahalla has a current status, and the demo is not all one colour
    current = MahallaStatus.objects.filter(period="current")
    assert current.count() == Mahalla.objects.count()
    assert current.values("colour").distinct().count() == 3
    assert DailyMahallaStats.objects.exists()
    this_year = dates.today().year
    roadmap = Roadmap.objects.get(district_id=operator.district_id, year=this_year)
    assert roadmap.status == "approved" and roadmap.items.filter(status="done").exists()
    # What the home pages open with: next year's plan waiting for the region, follow-ups due and overdue.
    waiting = Roadmap.objects.get(district_id=operator.district_id, year=this_year + 1)
    assert waiting.status == "submitted" and waiting.items.count() == 3
    follow_ups = FieldVisit.objects.filter(mahalla__in=district_mahallas, follow_up_on__isnull=False)
    assert follow_ups.filter(follow_up_on__lt=dates.today()).exists()
    assert follow_ups.filter(follow_up_on__gte=dates.today()).exists()
    assert "incidents" in out.getvalue()


def test_load_demo_activity_twice_adds_nothing(demo):
    call_command("load_demo_activity", stdout=StringIO())
    counts = (Incident.objects.count(), Alert.objects.count(), FieldVisit.objects.count())

    out = StringIO()
    call_command("load_demo_activity", stdout=out)

    assert (Incident.objects.count(), Alert.objects.count(), FieldVisit.objects.count()) == counts
    assert "Skipped" in out.getvalue()


def test_load_demo_activity_without_the_demo_users_says_so(db):
    with pytest.raises(CommandError, match="load_demo"):
        call_command("load_demo_activity", stdout=StringIO())
