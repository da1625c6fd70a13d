"""The audit trail is tamper-evident: each row's hash is chained to the previous one by the database, and
`audit_verify` names the first row that was edited, deleted or slipped in, even by a database superuser who
switched the triggers off."""

import io
import re

import pytest
from django.core.management import call_command
from django.db import connection

from audit.chain import EVENT_CANONICAL, row_hash_sql
from audit.models import AuditEvent, FieldChange
from audit.services import audit_record

pytestmark = pytest.mark.django_db

Action = AuditEvent.Action


@pytest.fixture
def trail(personas):
    """Four events, two of them with field changes."""
    events = [audit_record(action=Action.VIEW, actor=personas.national, obj=personas.district_official)]
    events.append(audit_record(action=Action.CHANGE, actor=personas.admin, obj=personas.inspector,
                               changes={"role": ("inspector", "social_worker"), "phone": ("1", "2")}))
    events.append(audit_record(action=Action.LOGIN_OK, actor=personas.inspector))
    events.append(audit_record(action=Action.CHANGE, actor=personas.admin, obj=personas.operator,
                               changes={"is_active": (True, False)}))
    return events


def verify() -> tuple[int, str]:
    out = io.StringIO()
    try:
        call_command("audit_verify", stdout=out)
    except SystemExit as exit_:
        return exit_.code, out.getvalue()
    return 0, out.getvalue()


def as_superuser_without_triggers(sql: str, params=()) -> None:
    """What a database superuser can do: switch every user trigger off for the session and write."""
    with connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        cursor.execute("SET LOCAL session_replication_role = replica")
        cursor.execute(sql, params)
        cursor.execute("SET LOCAL session_replication_role = origin")


def test_rows_are_numbered_without_gaps_and_hashed_by_the_database(trail):
    events = list(AuditEvent.objects.order_by("chain_seq").values_list("chain_seq", "row_hash"))
    changes = list(FieldChange.objects.order_by("chain_seq").values_list("chain_seq", "row_hash"))

    assert [seq for seq, _ in events] == list(range(1, len(events) + 1))
    assert [seq for seq, _ in changes] == [1, 2, 3]
    assert all(re.fullmatch(r"[0-9a-f]{64}", digest) for _, digest in events + changes)
    assert len({digest for _, digest in events}) == len(events)


def test_application_cannot_choose_its_own_chain_values(personas):
    event = AuditEvent.objects.create(action=Action.VIEW, chain_seq=999, row_hash="0" * 64)

    event.refresh_from_db()
    assert event.chain_seq == 1 and event.row_hash != "0" * 64


def test_intact_trail_verifies_and_prints_its_heads(trail):
    code, out = verify()

    assert code == 0, out
    head = AuditEvent.objects.order_by("-chain_seq").first()
    assert f"OK audit_auditevent:{head.chain_seq}:{head.row_hash}" in out
    assert "OK audit_fieldchange:3:" in out


def test_edited_event_is_reported_at_that_row(trail):
    victim = trail[1]
    as_superuser_without_triggers("UPDATE audit_auditevent SET actor_username = 'nobody' WHERE id = %s",
                                  [victim.pk])

    code, out = verify()

    assert code == 1
    assert f"BROKEN audit_auditevent id={victim.pk} chain_seq=2" in out


def test_edited_and_rehashed_event_is_reported_at_the_next_row(trail):
    victim = trail[1]
    as_superuser_without_triggers("UPDATE audit_auditevent SET action = 'view' WHERE id = %s", [victim.pk])
    # The forger also recomputes the edited row's own hash (the formula is no secret).
    rehash = row_hash_sql(EVENT_CANONICAL.format(r="r"),
                          "(SELECT row_hash FROM audit_auditevent WHERE chain_seq = 1)")
    as_superuser_without_triggers(f"UPDATE audit_auditevent r SET row_hash = {rehash} WHERE id = %s",  # noqa: S608
                                  [victim.pk])

    code, out = verify()

    assert code == 1
    assert f"BROKEN audit_auditevent id={trail[2].pk} chain_seq=3" in out


def test_deleted_event_is_reported_as_missing(trail):
    as_superuser_without_triggers("DELETE FROM audit_auditevent WHERE id = %s", [trail[2].pk])

    code, out = verify()

    assert code == 1
    assert f"BROKEN audit_auditevent id={trail[3].pk} chain_seq=4: rows 3..3 are missing (deleted)" in out


def test_edited_field_change_is_reported(trail):
    change = FieldChange.objects.get(field="role")
    as_superuser_without_triggers("UPDATE audit_fieldchange SET new_value = '\"national\"' WHERE id = %s",
                                  [change.pk])

    code, out = verify()

    assert code == 1
    assert f"BROKEN audit_fieldchange id={change.pk}" in out
    assert "OK audit_auditevent" in out


def test_row_slipped_in_with_triggers_off_is_reported(trail):
    as_superuser_without_triggers(
        "INSERT INTO audit_auditevent (occurred_at, actor_username, actor_role, user_agent, action, outcome, "
        "object_type, object_id, object_repr, details, row_hash) "
        "VALUES (now(), 'ghost', '', '', 'view', 'success', '', '', '', '{}', '')")

    code, out = verify()

    assert code == 1 and "not chained" in out


def test_removed_newest_rows_are_caught_by_an_expected_head(trail):
    code, out = verify()
    head = re.search(r"OK (audit_auditevent:\d+:[0-9a-f]{64})", out).group(1)
    as_superuser_without_triggers("DELETE FROM audit_auditevent WHERE id = %s", [trail[3].pk])

    assert verify()[0] == 0  # the chain alone cannot see its tail cut off ...
    with pytest.raises(SystemExit) as exit_:
        call_command("audit_verify", expect_head=[head], stdout=io.StringIO())
    assert exit_.value.code == 1  # ... the head kept elsewhere does
