"""The shared rows (tests/shared_rows.py) never leak: each test below passes alone, and in this order each also
runs right after a test that left the shared rows open, changed them or broke the connection under them."""

import pytest
from django.db import connection, transaction

from accounts.models import User
from mahallas.models import Mahalla, Region

from .shared_rows import SHARED

# In the order written, on one process (`make test-fast` would otherwise spread them).
pytestmark = pytest.mark.xdist_group("shared_rows")


def test_a_test_on_the_personas_changes_them_in_the_database_and_in_memory(personas, territory):
    assert [entry.name for entry in SHARED.stack] == ["territory", "personas"]
    Mahalla.objects.filter(pk=territory.mahalla_a1a.pk).update(name_uz="O'zgargan")
    territory.mahalla_a1a.name_uz = "O'zgargan"
    personas.inspector.first_name = "Changed"
    User.objects.filter(pk=personas.inspector.pk).update(first_name="Changed")
    User.objects.create(username="extra")
    # the copies handed to one test share their objects, as rows built in the test did
    assert personas.district_official.district is territory.district_a1


def test_the_next_test_on_them_sees_neither_change(personas, territory):
    assert territory.mahalla_a1a.name_uz == Mahalla.objects.get(pk=territory.mahalla_a1a.pk).name_uz != "O'zgargan"
    assert personas.inspector.first_name == User.objects.get(pk=personas.inspector.pk).first_name != "Changed"
    assert not User.objects.filter(username="extra").exists()


def test_a_test_on_the_territory_alone_sees_no_personas(territory):
    assert [entry.name for entry in SHARED.stack] == ["territory"]
    assert Region.objects.count() == 2 and not User.objects.exists()


def test_a_test_asking_for_none_sees_no_shared_row(db):
    assert SHARED.stack == []
    assert not Region.objects.exists() and not User.objects.exists()


def test_a_test_that_breaks_its_connection_under_the_shared_rows(personas):
    connection.close()  # inside the test's transaction: Django drops the connection when the test ends


def test_the_next_test_gets_them_anew_on_a_new_connection(personas, territory):
    assert connection.is_usable() and User.objects.filter(pk=personas.national.pk).exists()
    assert Mahalla.objects.count() == 4


@pytest.mark.django_db(transaction=True)
def test_a_transactional_test_starts_with_none_and_commits(territory):
    assert not connection.in_atomic_block and SHARED.stack == []
    with transaction.atomic():
        Mahalla.objects.filter(pk=territory.mahalla_a1a.pk).update(name_uz="Committed")
    assert Mahalla.objects.get(pk=territory.mahalla_a1a.pk).name_uz == "Committed"


def test_after_it_the_shared_rows_are_written_again_as_they_were(territory):
    assert Region.objects.count() == 2
    assert Mahalla.objects.get(pk=territory.mahalla_a1a.pk).name_uz == "Bog'ishamol MFY"
