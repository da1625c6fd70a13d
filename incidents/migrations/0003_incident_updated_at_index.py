from django.contrib.postgres.operations import AddIndexConcurrently
from django.db import migrations, models


class Migration(migrations.Migration):
    # A million rows: build the index without locking out writes.
    atomic = False

    dependencies = [
        ("incidents", "0002_seed_categories"),
    ]

    operations = [
        AddIndexConcurrently(
            model_name="incident",
            index=models.Index(fields=["updated_at"], name="incident_updated_at"),
        ),
    ]
