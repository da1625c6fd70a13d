import pytest

from accounts.models import Assignment, User
from mahallas.models import District, Mahalla, Region


def codes(qs):
    return sorted(qs.values_list("code", flat=True))


@pytest.mark.django_db
class TestMahallaVisibleTo:
    def test_national_sees_all(self, personas):
        assert codes(Mahalla.objects.visible_to(personas.national)) == ["17010001", "17010002", "17010003", "17020001"]

    def test_region_officer_sees_own_region_only(self, personas):
        assert codes(Mahalla.objects.visible_to(personas.region_officer)) == ["17010001", "17010002", "17010003"]

    def test_district_official_sees_own_district_only(self, personas):
        assert codes(Mahalla.objects.visible_to(personas.district_official)) == ["17010001", "17010002"]

    def test_inspector_sees_assigned_mahalla_only(self, personas):
        assert codes(Mahalla.objects.visible_to(personas.inspector)) == ["17010001"]

    def test_outsider_sees_other_region_only(self, personas):
        assert codes(Mahalla.objects.visible_to(personas.outsider)) == ["17020001"]

    def test_user_without_role_sees_nothing(self, personas):
        assert not Mahalla.objects.visible_to(personas.nobody).exists()

    def test_anonymous_sees_nothing(self, personas):
        from django.contrib.auth.models import AnonymousUser

        assert not Mahalla.objects.visible_to(AnonymousUser()).exists()

    def test_inactive_user_sees_nothing(self, personas):
        personas.national.is_active = False
        personas.national.save()
        user = User.objects.get(pk=personas.national.pk)
        assert not Mahalla.objects.visible_to(user).exists()

    def test_ended_assignment_grants_nothing(self, personas, territory):
        import datetime

        Assignment.objects.filter(user=personas.inspector).update(
            starts_on=datetime.date(2020, 1, 1), ends_on=datetime.date(2020, 12, 31))
        user = User.objects.get(pk=personas.inspector.pk)
        assert not Mahalla.objects.visible_to(user).exists()


@pytest.mark.django_db
def test_regions_and_districts_cascade(personas):
    assert codes(Region.objects.visible_to(personas.district_official)) == ["1700001"]
    assert codes(District.objects.visible_to(personas.region_officer)) == ["1700101", "1700102"]
    assert codes(District.objects.visible_to(personas.inspector)) == ["1700101"]
    assert codes(Region.objects.visible_to(personas.outsider)) == ["1700002"]


@pytest.mark.django_db
def test_second_primary_inspector_overlapping_in_time_is_refused(personas, territory):
    from django.db import IntegrityError, transaction

    from tests.factories import AssignmentFactory, UserFactory

    other = UserFactory(username="inspector2", role="inspector")
    with pytest.raises(IntegrityError), transaction.atomic():
        AssignmentFactory(user=other, mahalla=territory.mahalla_a1a)
