"""Append-only, enforced by PostgreSQL.

- audit_event_stamp: every inserted row gets occurred_at = clock_timestamp(), whatever the application
  sent, so events cannot be backdated.
- audit_event_append_only: refuses any UPDATE, DELETE or TRUNCATE statement on the table.
  TRUNCATE of an empty table loses nothing and is let through, as is TRUNCATE in a session that set
  `audit.allow_truncate = 'on'`: Django's test runner empties all tables with one TRUNCATE after each
  transactional test. That setting gives a connection no power it lacks anyway (the table's owner can
  disable the trigger); real protection from a compromised application is a database role without
  UPDATE/DELETE/TRUNCATE on this table (see audit.models).
"""

from django.db import migrations

FORWARD = """
CREATE FUNCTION audit_event_stamp() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    NEW.occurred_at := clock_timestamp();
    RETURN NEW;
END
$$;

CREATE TRIGGER audit_event_stamp BEFORE INSERT ON audit_auditevent
    FOR EACH ROW EXECUTE FUNCTION audit_event_stamp();

CREATE FUNCTION audit_event_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    has_rows boolean;
BEGIN
    IF TG_OP = 'TRUNCATE' THEN
        IF current_setting('audit.allow_truncate', true) = 'on' THEN
            RETURN NULL;
        END IF;
        EXECUTE format('SELECT EXISTS (SELECT 1 FROM %I.%I)', TG_TABLE_SCHEMA, TG_TABLE_NAME) INTO has_rows;
        IF NOT has_rows THEN
            RETURN NULL;
        END IF;
    END IF;
    RAISE EXCEPTION 'audit trail is append-only: % on % refused', TG_OP, TG_TABLE_NAME
        USING ERRCODE = 'insufficient_privilege',
              HINT = 'Archiving old audit rows is a DBA operation; see audit/models.py.';
END
$$;

CREATE TRIGGER audit_event_append_only BEFORE UPDATE OR DELETE OR TRUNCATE ON audit_auditevent
    FOR EACH STATEMENT EXECUTE FUNCTION audit_event_append_only();
"""

BACKWARD = """
DROP TRIGGER IF EXISTS audit_event_append_only ON audit_auditevent;
DROP FUNCTION IF EXISTS audit_event_append_only();
DROP TRIGGER IF EXISTS audit_event_stamp ON audit_auditevent;
DROP FUNCTION IF EXISTS audit_event_stamp();
"""


class Migration(migrations.Migration):
    dependencies = [("audit", "0001_initial")]

    operations = [migrations.RunSQL(FORWARD, BACKWARD)]
