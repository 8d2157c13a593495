"""Device.home_kecamatan points at regions.Kecamatan (the model moved; its table did not).

State only: the column and its constraint already point at the kept table campaigns_kecamatan.
"""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("devices", "0001_initial"),
        ("regions", "0001_initial"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="device",
                    name="home_kecamatan",
                    field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name="+", to="regions.kecamatan", verbose_name="home office kecamatan"),
                ),
            ],
            database_operations=[],
        ),
    ]
