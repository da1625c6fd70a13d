"""The database, not the application, keeps the audit trail append-only and dates its rows."""

import datetime
import re

import pytest
from django.db import DatabaseError, connection, transaction

from audit.models import AuditEvent
from audit.services import audit_record

pytestmark = pytest.mark.django_db

REFUSED = "append-only"


@pytest.fixture
def event(personas):
    return audit_record(action=AuditEvent.Action.VIEW, actor=personas.national,
                        obj=personas.district_official)


def test_update_through_orm_queryset_is_refused(event):
    with pytest.raises(DatabaseError, match=REFUSED), transaction.atomic():
        AuditEvent.objects.filter(pk=event.pk).update(action=AuditEvent.Action.DELETE)


def test_save_of_existing_row_is_refused(event):
    event.actor_username = "someone-else"
    with pytest.raises(DatabaseError, match=REFUSED), transaction.atomic():
        event.save()


def test_delete_through_orm_is_refused(event):
    with pytest.raises(DatabaseError, match=REFUSED), transaction.atomic():
        event.delete()
    with pytest.raises(DatabaseError, match=REFUSED), transaction.atomic():
        AuditEvent.objects.all().delete()
    assert AuditEvent.objects.filter(pk=event.pk).exists()


@pytest.mark.parametrize("sql", [
    "UPDATE audit_auditevent SET action = 'view'",
    "UPDATE audit_auditevent SET occurred_at = now() - interval '2 years'",
    "DELETE FROM audit_auditevent",
    # A plain TRUNCATE is already refused by the change store's foreign key; CASCADE reaches the trigger.
    "TRUNCATE audit_auditevent CASCADE",
])
def test_raw_sql_changes_are_refused(event, sql):
    with pytest.raises(DatabaseError, match=REFUSED), transaction.atomic(), connection.cursor() as cursor:
        # The test's own inserts leave deferred foreign-key checks that TRUNCATE would trip over first.
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        # Test connections opt in to TRUNCATE for the flush between tests (root conftest); the app never does.
        cursor.execute("SET LOCAL audit.allow_truncate = 'off'")
        cursor.execute(sql)
    assert AuditEvent.objects.filter(pk=event.pk, action=AuditEvent.Action.VIEW).exists()


def test_user_with_history_cannot_be_deleted(event, personas):
    from django.db.models import ProtectedError

    with pytest.raises(ProtectedError), transaction.atomic():
        personas.national.delete()
    with pytest.raises(DatabaseError, match="audit_auditevent"), transaction.atomic(), \
            connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        cursor.execute("DELETE FROM accounts_user WHERE id = %s", [personas.national.pk])


def test_insert_cannot_backdate_an_event(personas):
    backdated = datetime.datetime(2020, 1, 1, tzinfo=datetime.UTC)

    event = AuditEvent.objects.create(action=AuditEvent.Action.VIEW, occurred_at=backdated)

    event.refresh_from_db()
    assert event.occurred_at > backdated + datetime.timedelta(days=365)


def test_occurred_at_is_utc_timestamptz_with_at_least_millisecond_precision(personas):
    with connection.cursor() as cursor:
        cursor.execute("SELECT data_type, datetime_precision FROM information_schema.columns "
                       "WHERE table_name = 'audit_auditevent' AND column_name = 'occurred_at'")
        data_type, precision = cursor.fetchone()
    assert data_type == "timestamp with time zone"
    assert precision >= 3

    first = audit_record(action=AuditEvent.Action.VIEW, actor=personas.national)
    second = audit_record(action=AuditEvent.Action.VIEW, actor=personas.national)

    # clock_timestamp(), not now(): two events in one transaction still get their own instants.
    assert first.occurred_at < second.occurred_at
    assert first.occurred_at.utcoffset() == datetime.timedelta(0)
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}\+00:00", first.occurred_at_utc)
    first.refresh_from_db()
    assert first.occurred_at_utc == AuditEvent.objects.get(pk=first.pk).occurred_at_utc
