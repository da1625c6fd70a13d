from django.db import migrations

# Every recompute rewrites the rows whose inputs changed (the nightly one: thousands). With room left on each
# page PostgreSQL updates them in place (HOT: no new index entries when the indexed columns stay the same).
SQL = "ALTER TABLE zones_mahallastatus SET (fillfactor = 70)"
REVERSE = "ALTER TABLE zones_mahallastatus RESET (fillfactor)"


class Migration(migrations.Migration):
    dependencies = [("zones", "0002_policy_append_only")]
    operations = [migrations.RunSQL(SQL, REVERSE)]
