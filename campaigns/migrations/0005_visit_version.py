# A visit's version, for the admin to refuse a save over a colleague's newer one.
# Existing visits start at 0; every save adds 1 (campaigns.models.Versioned).

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("campaigns", "0004_campaign_max_daily_per_set"),
    ]

    operations = [
        migrations.AddField(
            model_name="visit",
            name="version",
            field=models.PositiveIntegerField(default=0, editable=False, verbose_name="version"),
        ),
        migrations.AddField(
            model_name="historicalvisit",
            name="version",
            field=models.PositiveIntegerField(default=0, editable=False, verbose_name="version"),
        ),
    ]
