"""The region models leave campaigns for the regions app, in Django's state only.

Campaign.kabupaten, Visit.kecamatan and .desa, OperatorScope.kecamatan and the history
models' copies point at regions; then Provinsi, Kabupaten, Kecamatan and Desa leave
campaigns' state. Their tables stay (regions' models name them by db_table), so no column,
constraint or row changes. devices 0002 and residents 0009 (by its run_before) repoint their
own foreign keys first.
"""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("campaigns", "0007_audit_log"),
        ("regions", "0001_initial"),
        ("devices", "0002_home_kecamatan_in_regions"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="campaign",
                    name="kabupaten",
                    field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name="campaigns", to="regions.kabupaten", verbose_name="regency/city"),
                ),
                migrations.AlterField(
                    model_name="historicalcampaign",
                    name="kabupaten",
                    field=models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name="+", to="regions.kabupaten", verbose_name="regency/city"),
                ),
                migrations.AlterField(
                    model_name="visit",
                    name="kecamatan",
                    field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name="visits", to="regions.kecamatan", verbose_name="district (kecamatan)"),
                ),
                migrations.AlterField(
                    model_name="historicalvisit",
                    name="kecamatan",
                    field=models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name="+", to="regions.kecamatan", verbose_name="district (kecamatan)"),
                ),
                migrations.AlterField(
                    model_name="visit",
                    name="desa",
                    field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name="visits", to="regions.desa", verbose_name="village (desa/kelurahan)"),
                ),
                migrations.AlterField(
                    model_name="historicalvisit",
                    name="desa",
                    field=models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name="+", to="regions.desa", verbose_name="village (desa/kelurahan)"),
                ),
                # The through table campaigns_operatorscope_kecamatan keeps its kecamatan_id.
                migrations.AlterField(
                    model_name="operatorscope",
                    name="kecamatan",
                    field=models.ManyToManyField(blank=True, related_name="+", to="regions.kecamatan", verbose_name="districts (kecamatan)"),
                ),
                migrations.DeleteModel(name="Desa"),
                migrations.DeleteModel(name="Kecamatan"),
                migrations.DeleteModel(name="Kabupaten"),
                migrations.DeleteModel(name="Provinsi"),
            ],
            database_operations=[],
        ),
    ]
