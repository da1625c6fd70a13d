"""Every integration speaks for one district (or is national), and every natural key includes its integration.

An integration without a district gets one when every camera it ever reported (its matched alerts) is in that
district; the rest stay unassigned, are refused at ingest and listed by `manage.py integration_unassigned` for
an administrator to assign. Hikvision and Frigate keys were the vendor's alone: they get the integration's id in
front, as generic keys always had (`vendors.parse`), so a resend after the upgrade is still a duplicate.
"""

from django.db import migrations, models

# Vendors whose stored keys had no integration in them.
UNSCOPED_VENDORS = ["hikvision", "frigate"]


def assign_districts(apps, schema_editor):
    Integration = apps.get_model("surveillance", "Integration")
    Alert = apps.get_model("surveillance", "Alert")
    for integration in Integration.objects.filter(district__isnull=True, is_national=False):
        districts = set(Alert.objects.filter(integration=integration, camera__isnull=False)
                        .values_list("camera__district_id", flat=True).distinct())
        if len(districts) == 1:
            integration.district_id = districts.pop()
            integration.save(update_fields=["district"])


def scope_keys(apps, schema_editor):
    for table in ("surveillance_alert", "surveillance_rawevent"):
        schema_editor.execute(
            f"UPDATE {table} SET natural_key = left(coalesce(integration_id, 0)::text || ':' || natural_key, 255) "  # noqa: S608
            "WHERE vendor = ANY(%s)", [UNSCOPED_VENDORS])


def unscope_keys(apps, schema_editor):
    for table in ("surveillance_alert", "surveillance_rawevent"):
        schema_editor.execute(
            f"UPDATE {table} SET natural_key = regexp_replace(natural_key, '^[0-9]+:', '') "  # noqa: S608
            "WHERE vendor = ANY(%s)", [UNSCOPED_VENDORS])


class Migration(migrations.Migration):

    dependencies = [
        ("mahallas", "0001_initial"),
        ("surveillance", "0002_alert_updated_index"),
    ]

    operations = [
        migrations.AddField(
            model_name="integration",
            name="is_national",
            field=models.BooleanField(default=False, verbose_name="national"),
        ),
        migrations.AddConstraint(
            model_name="integration",
            constraint=models.CheckConstraint(condition=models.Q(("is_national", False), ("district__isnull", True),
                                                                 _connector="OR"),
                                              name="integration_national_has_no_district"),
        ),
        migrations.RunPython(assign_districts, migrations.RunPython.noop),
        migrations.RunPython(scope_keys, unscope_keys),
    ]
