from django.db import migrations

# The crime-free zone status counts registered crimes per mahalla and category over a period
# (zones.recompute): this partial index holds exactly those rows, ordered by time and carrying the two
# columns the count needs, so a national recompute reads ~32,000 index entries for 90 days instead of
# intersecting the time and status indexes and visiting the table. Kept in SQL (not Meta.indexes) because
# it belongs to the zones statement; the predicate must match zones.recompute's COUNTED_* constants.
SQL = """
CREATE INDEX CONCURRENTLY IF NOT EXISTS incident_zone_counted ON incidents_incident (occurred_at)
    INCLUDE (mahalla_id, category_id) WHERE status = 'registered' AND legal_kind = 'crime'
"""
REVERSE = "DROP INDEX CONCURRENTLY IF EXISTS incident_zone_counted"


class Migration(migrations.Migration):
    # A million rows: built without locking out incident writes.
    atomic = False

    dependencies = [("incidents", "0002_seed_categories")]

    operations = [migrations.RunSQL(SQL, REVERSE)]
