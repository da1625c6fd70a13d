import django.db.models.deletion
from django.db import migrations, models

# Only the two single-column indexes go; the foreign-key constraints stay as they are (AlterField would drop
# and re-validate them).
SQL = """
DROP INDEX IF EXISTS zones_mahallastatus_mahalla_id_946ad9d5;
DROP INDEX IF EXISTS zones_mahallastatus_policy_id_af0ddf59;
"""
REVERSE = """
CREATE INDEX IF NOT EXISTS zones_mahallastatus_mahalla_id_946ad9d5 ON zones_mahallastatus (mahalla_id);
CREATE INDEX IF NOT EXISTS zones_mahallastatus_policy_id_af0ddf59 ON zones_mahallastatus (policy_id);
"""


class Migration(migrations.Migration):

    dependencies = [
        ('mahallas', '0001_initial'),
        ('zones', '0003_status_fillfactor'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[migrations.RunSQL(SQL, REVERSE)],
            state_operations=[
                migrations.AlterField(
                    model_name='mahallastatus',
                    name='mahalla',
                    field=models.ForeignKey(db_index=False, on_delete=django.db.models.deletion.CASCADE,
                                            related_name='zone_statuses', to='mahallas.mahalla',
                                            verbose_name='mahalla'),
                ),
                migrations.AlterField(
                    model_name='mahallastatus',
                    name='policy',
                    field=models.ForeignKey(db_index=False, on_delete=django.db.models.deletion.PROTECT,
                                            related_name='+', to='zones.policy', verbose_name='policy'),
                ),
            ],
        ),
    ]
