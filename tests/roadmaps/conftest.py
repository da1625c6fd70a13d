import datetime
from dataclasses import dataclass

import pytest

from accounts.models import Role, User
from roadmaps import services
from roadmaps.models import Roadmap
from tests.factories import UserFactory
from tests.shared_rows import SHARED

YEAR = 2026


@dataclass
class Roadmaps:
    district_a1: Roadmap  # district A1's roadmap, a draft
    mahalla_a1a: Roadmap  # mahalla A1a's roadmap, a draft
    mahalla_a2a: Roadmap  # another district of the same region
    region_a: Roadmap
    mahalla_b1a: Roadmap  # the outsider's


@pytest.fixture
def second_official(territory):
    """A second district official of A1: mahalla roadmaps are approved by someone other than their submitter."""
    return UserFactory(username="district-2", role=Role.DISTRICT, district=territory.district_a1)


@pytest.fixture
def roadmaps(personas, territory, request) -> Roadmaps:
    """Written once per test process, beneath the tests that ask for it (tests/shared_rows.py)."""
    return SHARED.get(request, "roadmaps")


@SHARED.layer("roadmaps", on=("territory", "personas"))
def build_roadmaps(territory, personas) -> Roadmaps:
    a2_official = UserFactory(username="district-a2", role=Role.DISTRICT, district=territory.district_a2)

    def make(territory_unit, by):
        roadmap = services.roadmap_create(by=by, territory=territory_unit, year=YEAR)
        services.item_create(by=by, roadmap=roadmap, focus_area="outreach", title="Huquqiy savodxonlik darslari",
                             deadline=datetime.date(YEAR, 6, 30))
        return roadmap

    return Roadmaps(
        district_a1=make(territory.district_a1, personas.district_official),
        mahalla_a1a=make(territory.mahalla_a1a, personas.district_official),
        mahalla_a2a=make(territory.mahalla_a2a, a2_official),
        region_a=make(territory.region_a, personas.region_officer),
        mahalla_b1a=make(territory.mahalla_b1a, personas.outsider),
    )


def fresh(user):
    """The user as a new request sees it (User.scope is cached on the instance)."""
    return User.objects.get(pk=user.pk)
