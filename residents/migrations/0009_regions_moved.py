"""The ledger's kecamatan and the residents' desa point at regions (the models moved; their
tables did not), the history models' copies too.

State only: columns and constraints already point at the kept tables. It runs before
campaigns 0008, which takes the old models out of campaigns' state: nothing may still point
at them then.
"""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("residents", "0008_import_jobs"),
        ("regions", "0001_initial"),
    ]
    run_before = [
        ("campaigns", "0008_regions_moved"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="backlogentry",
                    name="kecamatan",
                    field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name="backlog_entries", to="regions.kecamatan", verbose_name="district (kecamatan)"),
                ),
                migrations.AlterField(
                    model_name="historicalbacklogentry",
                    name="kecamatan",
                    field=models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name="+", to="regions.kecamatan", verbose_name="district (kecamatan)"),
                ),
                migrations.AlterField(
                    model_name="historicalresident",
                    name="desa",
                    field=models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name="+", to="regions.desa", verbose_name="village (desa/kelurahan)"),
                ),
                migrations.AlterField(
                    model_name="resident",
                    name="desa",
                    field=models.ForeignKey(db_index=False, on_delete=django.db.models.deletion.PROTECT, related_name="residents", to="regions.desa", verbose_name="village (desa/kelurahan)"),
                ),
            ],
            database_operations=[],
        ),
    ]
