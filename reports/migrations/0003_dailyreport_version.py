# A report's version, for the report form and the admin to refuse a save over a colleague's
# newer one. Existing reports start at 0; every save adds 1 (campaigns.models.Versioned).

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("reports", "0002_dailyreport_needs_review"),
        ("campaigns", "0005_visit_version"),
    ]

    operations = [
        migrations.AddField(
            model_name="dailyreport",
            name="version",
            field=models.PositiveIntegerField(default=0, editable=False, verbose_name="version"),
        ),
        migrations.AddField(
            model_name="historicaldailyreport",
            name="version",
            field=models.PositiveIntegerField(default=0, editable=False, verbose_name="version"),
        ),
    ]
