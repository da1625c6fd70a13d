"""DRF's plain tokens (rest_framework.authtoken, stored in clear) are replaced by knox's hashed tokens.

The old tokens cannot be converted (knox stores a digest of a token of its own format), so they are
dropped: their owners issue new ones (docs/SECURITY.md). The table is dropped here because the app that
owned it is no longer installed, so nothing else would ever remove the keys it holds in clear.
"""

from django.db import migrations


def forget_authtoken_app(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    Permission = apps.get_model("auth", "Permission")
    Permission.objects.filter(content_type__app_label="authtoken").delete()
    ContentType.objects.filter(app_label="authtoken").delete()
    schema_editor.execute("DELETE FROM django_migrations WHERE app = 'authtoken'")


class Migration(migrations.Migration):

    dependencies = [
        ("accounts", "0005_user_session"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("knox", "0009_extend_authtoken_field"),
    ]

    operations = [
        migrations.RunSQL("DROP TABLE IF EXISTS authtoken_token CASCADE", reverse_sql=migrations.RunSQL.noop),
        migrations.RunPython(forget_authtoken_app, migrations.RunPython.noop),
    ]
