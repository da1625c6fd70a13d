from django.contrib.postgres.operations import AddIndexConcurrently
from django.db import migrations, models


class Migration(migrations.Migration):
    # CREATE INDEX CONCURRENTLY cannot run in a transaction; it keeps the alert table writable while it builds,
    # so processing does not stall on a large table during a deploy.
    atomic = False

    dependencies = [
        ("surveillance", "0001_initial"),
    ]

    operations = [
        AddIndexConcurrently(
            model_name="alert",
            index=models.Index(fields=["updated_at"], name="alert_updated"),
        ),
    ]
