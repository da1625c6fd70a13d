"""The change store: one append-only row per changed field, under the same database rules as the trail.

- audit_change_stamp: every inserted row takes occurred_at from its event (itself stamped by the database
  clock), so a change can be neither backdated nor dated apart from the event it belongs to.
- audit_change_append_only: the trail's own function (0002) refuses UPDATE, DELETE and TRUNCATE here too,
  with the same test-only `audit.allow_truncate` opt-in.
"""

import audit.models
import django.contrib.postgres.indexes
import django.core.serializers.json
import django.db.models.deletion
from django.db import migrations, models


FORWARD = """
CREATE FUNCTION audit_change_stamp() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    SELECT occurred_at INTO NEW.occurred_at FROM audit_auditevent WHERE id = NEW.event_id;
    IF NEW.occurred_at IS NULL THEN
        NEW.occurred_at := clock_timestamp();
    END IF;
    RETURN NEW;
END
$$;

CREATE TRIGGER audit_change_stamp BEFORE INSERT ON audit_fieldchange
    FOR EACH ROW EXECUTE FUNCTION audit_change_stamp();

CREATE TRIGGER audit_change_append_only BEFORE UPDATE OR DELETE OR TRUNCATE ON audit_fieldchange
    FOR EACH STATEMENT EXECUTE FUNCTION audit_event_append_only();
"""

BACKWARD = """
DROP TRIGGER IF EXISTS audit_change_append_only ON audit_fieldchange;
DROP TRIGGER IF EXISTS audit_change_stamp ON audit_fieldchange;
DROP FUNCTION IF EXISTS audit_change_stamp();
"""


class Migration(migrations.Migration):

    dependencies = [
        ('audit', '0002_append_only'),
    ]

    operations = [
        migrations.CreateModel(
            name='FieldChange',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('occurred_at', models.DateTimeField(db_default=audit.models.ClockTimestamp(), editable=False, verbose_name='occurred at')),
                ('object_type', models.CharField(blank=True, max_length=100, verbose_name='object type')),
                ('object_id', models.CharField(blank=True, max_length=64, verbose_name='object id')),
                ('region_id', models.BigIntegerField(blank=True, null=True, verbose_name='region id')),
                ('district_id', models.BigIntegerField(blank=True, null=True, verbose_name='district id')),
                ('mahalla_id', models.BigIntegerField(blank=True, null=True, verbose_name='mahalla id')),
                ('field', models.CharField(max_length=100, verbose_name='field')),
                ('old_value', models.JSONField(blank=True, encoder=django.core.serializers.json.DjangoJSONEncoder, null=True, verbose_name='old value')),
                ('new_value', models.JSONField(blank=True, encoder=django.core.serializers.json.DjangoJSONEncoder, null=True, verbose_name='new value')),
                ('personal', models.BooleanField(default=False, verbose_name='personal')),
                ('old_hash', models.CharField(blank=True, max_length=64, verbose_name='old value hash')),
                ('new_hash', models.CharField(blank=True, max_length=64, verbose_name='new value hash')),
                ('event', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='changes', to='audit.auditevent', verbose_name='audit event')),
            ],
            options={
                'verbose_name': 'field change',
                'verbose_name_plural': 'field changes',
                'ordering': ['-id'],
                'indexes': [django.contrib.postgres.indexes.BrinIndex(fields=['occurred_at'], name='audit_change_occurred_brin'), models.Index(fields=['object_type', 'object_id', 'id'], name='audit_change_object_idx'), models.Index(fields=['mahalla_id', 'field', 'id'], name='audit_change_mahalla_idx')],
            },
        ),
        migrations.RunSQL(FORWARD, BACKWARD),
    ]
