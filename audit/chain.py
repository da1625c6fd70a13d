"""The audit trail's hash chain: what each row's hash covers, and how `audit_verify` recomputes it.

Each row of `audit_auditevent` and of `audit_fieldchange` carries `chain_seq` (1, 2, 3, ... per table, no gaps)
and `row_hash` = sha256(previous row's `row_hash` || canonical text of this row), both set by a BEFORE INSERT
trigger in PostgreSQL (migration 0004) under one transaction-level advisory lock, so two writers never read
the same predecessor. The canonical text is a JSON array of every stored column, built in SQL so that it does
not depend on Python's formatting of times or JSON.

The verifier does not call the database's own trigger function: it carries its own copy of the canonical
expressions (below, the same as in migration 0004), so replacing the function in the database does not
fool it. It detects an edited row (its hash no longer matches), a deleted row (a gap in `chain_seq`), a row
inserted with the trigger disabled (no hash or a wrong one) and a re-hashed row (the next row's hash no longer
matches). What a chain alone cannot show is the removal of the newest rows, or a full rewrite of the chain by
someone who can write the table: against those, keep the head that `audit_verify` prints somewhere the
database's administrators cannot write (a ticket, a signed mail) and pass it back with `--expect-head`.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import connection

# One key for both tables: a transaction that records an event and its field changes takes it once.
LOCK_KEY = 7_461_006_001

_TS = "to_char({r}.occurred_at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.US')"

EVENT_CANONICAL = (
    "jsonb_build_array({r}.chain_seq, {r}.id, " + _TS + ", {r}.actor_id, {r}.actor_username, {r}.actor_role, "
    "host({r}.ip), {r}.user_agent, {r}.action, {r}.outcome, {r}.object_type, {r}.object_id, {r}.object_repr, "
    "{r}.region_id, {r}.district_id, {r}.mahalla_id, {r}.details)::text"
)
CHANGE_CANONICAL = (
    "jsonb_build_array({r}.chain_seq, {r}.id, {r}.event_id, " + _TS + ", {r}.object_type, {r}.object_id, "
    "{r}.region_id, {r}.district_id, {r}.mahalla_id, {r}.field, {r}.old_value, {r}.new_value, {r}.personal, "
    "{r}.old_hash, {r}.new_hash)::text"
)
TABLES = {"audit_auditevent": EVENT_CANONICAL, "audit_fieldchange": CHANGE_CANONICAL}


def row_hash_sql(canonical: str, prev: str) -> str:
    """SQL for sha256(prev_hash || canonical) in hex; the first row's predecessor is the empty string."""
    return f"encode(sha256(convert_to(coalesce({prev}, '') || {canonical}, 'UTF8')), 'hex')"


@dataclass(frozen=True)
class Break:
    table: str
    row_id: int
    chain_seq: int | None
    reason: str


@dataclass(frozen=True)
class Head:
    table: str
    chain_seq: int
    row_hash: str


def verify_table(table: str) -> tuple[Break | None, Head | None]:
    """The first broken row of one table's chain (or None) and the chain's head as stored."""
    canonical = TABLES[table].format(r="r")
    recomputed = row_hash_sql(canonical, "lag(r.row_hash) OVER w")
    # Table names and expressions come from TABLES above, never from input.
    sql = f"""
        SELECT r.id, r.chain_seq, r.row_hash, lag(r.chain_seq) OVER w AS prev_seq, {recomputed} AS expected
        FROM {table} r
        WINDOW w AS (ORDER BY r.chain_seq NULLS FIRST, r.id)
        ORDER BY r.chain_seq NULLS FIRST, r.id
    """  # noqa: S608
    head = None
    with connection.cursor() as cursor:
        cursor.execute(sql)
        while rows := cursor.fetchmany(5000):
            for row_id, seq, stored, prev_seq, expected in rows:
                if seq is None or stored is None:
                    return Break(table, row_id, seq, "not chained (inserted with the trigger off?)"), head
                if seq != (prev_seq or 0) + 1:
                    reason = "duplicate sequence number" if seq == prev_seq else (
                        f"rows {(prev_seq or 0) + 1}..{seq - 1} are missing (deleted)")
                    return Break(table, row_id, seq, reason), head
                if stored != expected:
                    return Break(table, row_id, seq, "hash does not match the row (edited, or the row before it "
                                                     "was re-hashed)"), head
                head = Head(table, seq, stored)
    return None, head
