from django.db import migrations

# A policy version is never edited: every status names the version it was computed with, so changing a row
# in place would silently change the explanation of thousands of statuses.
SQL = """
CREATE FUNCTION zones_policy_refuse_update() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'zone status policy versions are append-only: create a new version instead';
END $$;
CREATE TRIGGER zones_policy_append_only BEFORE UPDATE ON zones_policy
    FOR EACH ROW EXECUTE FUNCTION zones_policy_refuse_update();
"""
REVERSE = """
DROP TRIGGER IF EXISTS zones_policy_append_only ON zones_policy;
DROP FUNCTION IF EXISTS zones_policy_refuse_update();
"""


class Migration(migrations.Migration):
    dependencies = [("zones", "0001_initial")]
    operations = [migrations.RunSQL(SQL, REVERSE)]
