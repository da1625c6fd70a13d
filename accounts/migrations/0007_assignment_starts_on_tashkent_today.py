"""An assignment starts, by default, on today's date in Tashkent (core.dates), whatever the server's zone.

Only the Python-side default changes; the column is untouched.
"""

import core.dates
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('accounts', '0006_drop_plain_tokens'),
    ]

    operations = [
        migrations.AlterField(
            model_name='assignment',
            name='starts_on',
            field=models.DateField(default=core.dates.today, verbose_name='starts on'),
        ),
    ]
