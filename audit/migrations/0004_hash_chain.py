"""Tamper evidence: every audit row carries a sha256 hash chained to the previous row of its table.

- audit_event_stamp_chain / audit_change_stamp_chain: BEFORE INSERT, after the *_stamp triggers (triggers of
  one kind fire in name order, so occurred_at is already the database's clock). Under a transaction-level
  advisory lock (one key for both tables, so concurrent writers queue and never read the same predecessor) they
  read the newest row's chain_seq and row_hash and set chain_seq = that + 1 and
  row_hash = sha256(previous row_hash || canonical text of the row). The canonical text is a JSON array of every
  column; audit/chain.py holds the same expressions for `manage.py audit_verify`.
- Existing rows are chained in id order.

The lock is held until the writing transaction commits: audit writes of concurrent transactions serialise
(see docs/SECURITY.md for the measured cost).
"""

from django.conf import settings
from django.db import migrations, models


EVENT_HASH = """encode(sha256(convert_to(coalesce(prev_hash, '') || jsonb_build_array(NEW.chain_seq, NEW.id, to_char(NEW.occurred_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US'), NEW.actor_id, NEW.actor_username, NEW.actor_role, host(NEW.ip), NEW.user_agent, NEW.action, NEW.outcome, NEW.object_type, NEW.object_id, NEW.object_repr, NEW.region_id, NEW.district_id, NEW.mahalla_id, NEW.details)::text, 'UTF8')), 'hex')"""
CHANGE_HASH = """encode(sha256(convert_to(coalesce(prev_hash, '') || jsonb_build_array(NEW.chain_seq, NEW.id, NEW.event_id, to_char(NEW.occurred_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US'), NEW.object_type, NEW.object_id, NEW.region_id, NEW.district_id, NEW.mahalla_id, NEW.field, NEW.old_value, NEW.new_value, NEW.personal, NEW.old_hash, NEW.new_hash)::text, 'UTF8')), 'hex')"""
LOCK_KEY = 7461006001


def chain_function(name: str, table: str, hash_expr: str) -> str:
    return f"""
CREATE FUNCTION {name}() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    prev_seq bigint;
    prev_hash text;
BEGIN
    PERFORM pg_advisory_xact_lock({LOCK_KEY});
    SELECT chain_seq, row_hash INTO prev_seq, prev_hash FROM {table}
        WHERE chain_seq IS NOT NULL ORDER BY chain_seq DESC LIMIT 1;
    NEW.chain_seq := coalesce(prev_seq, 0) + 1;
    NEW.row_hash := {hash_expr};
    RETURN NEW;
END
$$;
"""


def backfill(table: str, hash_expr: str) -> str:
    # Rows written before this migration: chained in id order, with the append-only trigger off for the update.
    expr = hash_expr.replace("NEW.", "r.").replace("NEW.chain_seq", "r.chain_seq")
    return f"""
ALTER TABLE {table} DISABLE TRIGGER USER;
DO $$
DECLARE
    r record;
    seq bigint := 0;
    prev_hash text;
BEGIN
    FOR r IN SELECT * FROM {table} ORDER BY id FOR UPDATE LOOP
        seq := seq + 1;
        r.chain_seq := seq;
        prev_hash := {expr};
        UPDATE {table} SET chain_seq = seq, row_hash = prev_hash WHERE id = r.id;
    END LOOP;
END
$$;
ALTER TABLE {table} ENABLE TRIGGER USER;
"""


FORWARD = (
    backfill("audit_auditevent", EVENT_HASH)
    + backfill("audit_fieldchange", CHANGE_HASH)
    + chain_function("audit_event_chain", "audit_auditevent", EVENT_HASH)
    + chain_function("audit_change_chain", "audit_fieldchange", CHANGE_HASH)
    + """
CREATE TRIGGER audit_event_stamp_chain BEFORE INSERT ON audit_auditevent
    FOR EACH ROW EXECUTE FUNCTION audit_event_chain();
CREATE TRIGGER audit_change_stamp_chain BEFORE INSERT ON audit_fieldchange
    FOR EACH ROW EXECUTE FUNCTION audit_change_chain();
"""
)

BACKWARD = """
DROP TRIGGER IF EXISTS audit_change_stamp_chain ON audit_fieldchange;
DROP TRIGGER IF EXISTS audit_event_stamp_chain ON audit_auditevent;
DROP FUNCTION IF EXISTS audit_change_chain();
DROP FUNCTION IF EXISTS audit_event_chain();
"""


class Migration(migrations.Migration):

    dependencies = [
        ('audit', '0003_field_change'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name='auditevent',
            name='chain_seq',
            field=models.BigIntegerField(blank=True, editable=False, null=True, verbose_name='chain position'),
        ),
        migrations.AddField(
            model_name='auditevent',
            name='row_hash',
            field=models.CharField(blank=True, editable=False, max_length=64, verbose_name='chain hash'),
        ),
        migrations.AddField(
            model_name='fieldchange',
            name='chain_seq',
            field=models.BigIntegerField(blank=True, editable=False, null=True, verbose_name='chain position'),
        ),
        migrations.AddField(
            model_name='fieldchange',
            name='row_hash',
            field=models.CharField(blank=True, editable=False, max_length=64, verbose_name='chain hash'),
        ),
        migrations.AddConstraint(
            model_name='auditevent',
            constraint=models.UniqueConstraint(fields=('chain_seq',), name='audit_event_chain_seq_unique'),
        ),
        migrations.AddConstraint(
            model_name='fieldchange',
            constraint=models.UniqueConstraint(fields=('chain_seq',), name='audit_change_chain_seq_unique'),
        ),
        migrations.RunSQL(FORWARD, BACKWARD),
    ]
