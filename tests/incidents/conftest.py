from dataclasses import dataclass

import pytest

from accounts.models import Role, User
from tests.factories import AssignmentFactory, UserFactory


@dataclass
class FieldStaff:
    inspector_b: object  # inspector of A1b: same district as the persona inspector, another mahalla
    social_worker_2: object  # a second (non-primary) social worker of A1a
    region_b_officer: object


@pytest.fixture
def staff(personas, territory) -> FieldStaff:
    inspector_b = UserFactory(username="inspector-b", role=Role.INSPECTOR)
    AssignmentFactory(user=inspector_b, mahalla=territory.mahalla_a1b)
    social_2 = UserFactory(username="social-2", role=Role.SOCIAL_WORKER)
    AssignmentFactory(user=social_2, mahalla=territory.mahalla_a1a, is_primary=False)
    return FieldStaff(inspector_b=inspector_b, social_worker_2=social_2,
                      region_b_officer=UserFactory(username="region-b", role=Role.REGIONAL,
                                                   region=territory.region_b))


def fresh(user):
    """The user as a new request sees it (User.scope is cached on the instance)."""
    return User.objects.get(pk=user.pk)
