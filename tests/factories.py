"""factory_boy factories shared by every app's tests. Boundaries are small squares around a given point."""

import factory
from django.contrib.gis.geos import MultiPolygon, Polygon

from accounts.models import Assignment, Role, User
from mahallas.models import District, Mahalla, Region


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
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    first_name = "Test"
    last_name = factory.Sequence(lambda n: f"User{n}")
    role = Role.NATIONAL
    password = factory.PostGenerationMethodCall("set_password", "Xk7#persona-pass")

    @factory.post_generation
    def _save(obj, create, extracted, **kwargs):  # noqa: N805 - factory_boy hook signature
        if create:
            obj.save()


class AssignmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Assignment

    user = factory.SubFactory(UserFactory, role=Role.INSPECTOR)
    mahalla = factory.SubFactory(MahallaFactory)
    role = factory.LazyAttribute(lambda o: o.user.role)
