"""Dismissals get a reason code (the false-positive figures count by it; alerts dismissed before with free text
only become "other", their text kept), and the administrators' alert type → incident category table, seeded
with the categories of incidents 0007 (a weapon seen proposes the weapons category, not "Other")."""

import django.db.models.deletion
import django.db.models.functions.text
from django.conf import settings
from django.db import migrations, models

# event type, object label, category code: today's built-in mapping, and the camera categories.
RULES = [
    ("weapon", "", "weapons-carrying"), ("knife", "", "weapons-carrying"), ("gun", "", "weapons-carrying"),
    ("fight", "", "hooliganism-fight"), ("violentmotion", "", "hooliganism-fight"),
    ("crowd", "", "hooliganism-disorder"), ("peoplegathering", "", "hooliganism-disorder"),
    ("vandalism", "", "hooliganism-vandalism"),
    ("intrusion", "", "theft-break-in"), ("fielddetection", "", "theft-break-in"),
    ("trespass", "", "theft-break-in"),
    ("vehicle_theft", "", "theft-vehicle"),
    ("theft", "", "theft"), ("robbery", "", "robbery"), ("drug_dealing", "", "drug-trafficking"),
]


def dismissed_as_other(apps, schema_editor):
    apps.get_model("surveillance", "Alert").objects.filter(status="dismissed", dismiss_code="").update(
        dismiss_code="other")


def seed_rules(apps, schema_editor):
    category = apps.get_model("incidents", "IncidentCategory")
    rule = apps.get_model("surveillance", "AlertCategoryRule")
    by_code = {c.code: c for c in category.objects.filter(code__in={code for _e, _l, code in RULES})}
    for event_type, label, code in RULES:
        if code in by_code:
            rule.objects.update_or_create(event_type=event_type, object_label=label,
                                          defaults={"category": by_code[code]})


class Migration(migrations.Migration):

    dependencies = [
        ('incidents', '0007_camera_alert_categories'),
        ('mahallas', '0001_initial'),
        ('surveillance', '0003_integration_district'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name='AlertCategoryRule',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('event_type', models.CharField(help_text='The code the camera sends, e.g. weapon, fight, fielddetection.', max_length=64, verbose_name='event type')),
                ('object_label', models.CharField(blank=True, help_text='Optional: only alerts with this object label, e.g. person.', max_length=64, verbose_name='object label')),
                ('updated_at', models.DateTimeField(auto_now=True, verbose_name='updated at')),
            ],
            options={
                'verbose_name': 'alert type → incident category rule',
                'verbose_name_plural': 'alert type → incident category rules',
                'ordering': ['event_type', 'object_label'],
            },
        ),
        migrations.RemoveConstraint(
            model_name='alert',
            name='alert_dismissal_has_reason',
        ),
        migrations.AddField(
            model_name='alert',
            name='dismiss_code',
            field=models.CharField(blank=True, db_default='', default='', choices=[('shadow', 'False positive: shadow, light or reflection'), ('animal', 'False positive: animal'), ('weather', 'False positive: rain, snow, wind or fog'), ('vehicle', 'False positive: vehicle'), ('ordinary', 'False positive: people going about ordinary business'), ('duplicate', 'Duplicate of another alert'), ('test', 'Test or maintenance of the camera'), ('not_safety', 'Not a safety matter'), ('other', 'Other reason (say which)')], max_length=16, verbose_name='dismiss reason'),
        ),
        migrations.RunPython(dismissed_as_other, migrations.RunPython.noop),
        migrations.AddConstraint(
            model_name='alert',
            constraint=models.CheckConstraint(condition=models.Q(models.Q(('status', 'dismissed'), _negated=True), models.Q(('dismiss_code', ''), _negated=True), models.Q(('dismiss_reason', ''), _negated=True), _connector='OR'), name='alert_dismissal_has_reason'),
        ),
        migrations.AddConstraint(
            model_name='alert',
            constraint=models.CheckConstraint(condition=models.Q(('dismiss_code', ''), ('dismiss_code__in', ['shadow', 'animal', 'weather', 'vehicle', 'ordinary', 'duplicate', 'test', 'not_safety', 'other']), _connector='OR'), name='alert_dismiss_code_valid'),
        ),
        migrations.AddField(
            model_name='alertcategoryrule',
            name='category',
            field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='incidents.incidentcategory', verbose_name='incident category'),
        ),
        migrations.AddConstraint(
            model_name='alertcategoryrule',
            constraint=models.UniqueConstraint(fields=('event_type', 'object_label'), name='alert_category_rule_unique'),
        ),
        migrations.AddConstraint(
            model_name='alertcategoryrule',
            constraint=models.CheckConstraint(condition=models.Q(('event_type', django.db.models.functions.text.Lower('event_type')), ('object_label', django.db.models.functions.text.Lower('object_label'))), name='alert_category_rule_lower_case'),
        ),
        migrations.RunPython(seed_rules, migrations.RunPython.noop),
    ]
