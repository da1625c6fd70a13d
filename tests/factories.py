"""factory_boy factories shared by every app's tests. Boundaries are small squares around a given point.

They write rows through the ORM for a test's set-up (no audit, no notifications, no doorbells); a test of a rule
calls the service that enforces it. Field-work rows: tests/incidents/factories.py.
"""

import datetime

import factory
from django.contrib.gis.geos import MultiPolygon, Point, Polygon
from django.db.models import Max
from django.utils import timezone

from accounts.models import Assignment, Role, User
from mahallas.models import District, Mahalla, Region
from roadmaps.models import Roadmap, RoadmapItem
from surveillance.models import Alert, Camera
from zones.models import Policy


def earlier_today(**delta) -> datetime.datetime:
    """A moment `delta` ago, but never before midnight in Tashkent: a row made "a little while ago" belongs to
    today's day and week whenever the suite runs (at 00:30 on a Monday, two hours ago is last week)."""
    from core.dates import midnight, today

    return max(timezone.now() - datetime.timedelta(**delta), midnight(today()))


def square(lon: float, lat: float, half: float) -> MultiPolygon:
    return MultiPolygon(Polygon.from_bbox((lon - half, lat - half, lon + half, lat + half)), srid=4326)


class RegionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Region
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"17{n:05d}")
    name_uz = factory.Sequence(lambda n: f"Viloyat {n}")
    name_ru = factory.LazyAttribute(lambda o: f"{o.name_uz} (ru)")
    name_en = factory.LazyAttribute(lambda o: f"{o.name_uz} (en)")
    boundary = factory.LazyFunction(lambda: square(64.0, 41.0, 1.0))


class DistrictFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = District
        django_get_or_create = ("code",)

    region = factory.SubFactory(RegionFactory)
    code = factory.Sequence(lambda n: f"18{n:05d}")
    name_uz = factory.Sequence(lambda n: f"Tuman {n}")
    name_ru = factory.LazyAttribute(lambda o: f"{o.name_uz} (ru)")
    name_en = factory.LazyAttribute(lambda o: f"{o.name_uz} (en)")
    boundary = factory.LazyFunction(lambda: square(64.0, 41.0, 0.3))


class MahallaFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Mahalla
        django_get_or_create = ("code",)

    district = factory.SubFactory(DistrictFactory)
    code = factory.Sequence(lambda n: f"{19000000 + n}")
    name_uz = factory.Sequence(lambda n: f"Mahalla {n} MFY")
    name_ru = factory.LazyAttribute(lambda o: f"{o.name_uz} (ru)")
    name_en = factory.LazyAttribute(lambda o: f"{o.name_uz} (en)")
    population = 4000
    households = 900
    boundary = factory.LazyFunction(lambda: square(64.0, 41.0, 0.02))


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ("username",)

    username = factory.Sequence(lambda n: f"user{n}")
    first_name = "Test"
    last_name = factory.Sequence(lambda n: f"User{n}")
    role = Role.NATIONAL
    # Hashed before the row is written: one INSERT per user (every test makes ten personas).
    password = factory.django.Password("Xk7#persona-pass")


class AssignmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Assignment

    user = factory.SubFactory(UserFactory, role=Role.INSPECTOR)
    mahalla = factory.SubFactory(MahallaFactory)
    role = factory.LazyAttribute(lambda o: o.user.role)


class CameraFactory(factory.django.DjangoModelFactory):
    """A camera of `mahalla` (its district follows), or of a district with no mahalla matched."""

    class Meta:
        model = Camera

    vendor = Camera.Vendor.GENERIC
    device_id = factory.Sequence(lambda n: f"CAM-{n:05d}")
    name = factory.Sequence(lambda n: f"Kamera {n}")
    mahalla = None
    district = factory.LazyAttribute(lambda o: o.mahalla.district if o.mahalla else DistrictFactory())
    location = factory.LazyAttribute(lambda o: o.mahalla.boundary.centroid if o.mahalla else Point(64.0, 41.0,
                                                                                                   srid=4326))


class AlertFactory(factory.django.DjangoModelFactory):
    """A processed alert from `camera` (its mahalla and district follow), waiting in the review queue."""

    class Meta:
        model = Alert

    camera = factory.SubFactory(CameraFactory)
    vendor = factory.LazyAttribute(lambda o: o.camera.vendor if o.camera else Camera.Vendor.GENERIC)
    natural_key = factory.Sequence(lambda n: f"test:{n}")
    device_id = factory.LazyAttribute(lambda o: o.camera.device_id if o.camera else "UNREGISTERED")
    event_type = "fight"
    label = "fight"
    confidence = 0.9
    started_at = factory.LazyFunction(lambda: earlier_today(minutes=10))
    mahalla = factory.LazyAttribute(lambda o: o.camera.mahalla if o.camera else None)
    district = factory.LazyAttribute(lambda o: o.camera.district if o.camera else None)
    status = Alert.Status.ROUTED
    processed_at = factory.LazyAttribute(lambda o: o.started_at)


class RoadmapFactory(factory.django.DjangoModelFactory):
    """A draft roadmap of `territory`: a Region, District or Mahalla (a new district unless given)."""

    class Meta:
        model = Roadmap
        exclude = ("territory",)

    territory = factory.SubFactory(DistrictFactory)
    region = factory.LazyAttribute(lambda o: o.territory if isinstance(o.territory, Region) else None)
    district = factory.LazyAttribute(lambda o: o.territory if isinstance(o.territory, District) else None)
    mahalla = factory.LazyAttribute(lambda o: o.territory if isinstance(o.territory, Mahalla) else None)
    year = factory.LazyFunction(lambda: timezone.localdate().year)
    created_by = factory.SubFactory(UserFactory)


class RoadmapItemFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = RoadmapItem

    roadmap = factory.SubFactory(RoadmapFactory)
    position = factory.Sequence(lambda n: n)
    focus_area = "outreach"
    title = factory.Sequence(lambda n: f"Tadbir {n}")
    deadline = factory.LazyAttribute(lambda o: datetime.date(o.roadmap.year, 6, 30))


class PolicyFactory(factory.django.DjangoModelFactory):
    """The next version of the zone-status rules (a new row is how the rules change: see zones.models.Policy)."""

    class Meta:
        model = Policy

    version = factory.LazyFunction(lambda: (Policy.objects.aggregate(v=Max("version"))["v"] or 0) + 1)
    green_max_crimes = 0
    red_min_crimes = 3
    red_rate_top_percent = 0
    note = "test"
