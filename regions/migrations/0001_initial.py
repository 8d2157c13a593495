"""The four region models move here from campaigns, in Django's state only.

Their tables stay as campaigns made them (campaigns 0001 and 0002) and keep their names, by
`Meta.db_table` ("campaigns_provinsi" ...): no row is copied, and every foreign key column and
constraint that points at them stays valid. This depends on campaigns 0007, the last migration
before the move, because on a fresh database the tables (and the campaigns content types that
0002_relabel_content_types moves) come from campaigns' history.
"""

import django.db.models.deletion
from django.db import migrations, models

OPTIONS = {"ordering": ["code"], "abstract": False}


def _region(name, table, verbose_name, verbose_name_plural, *parent):
    return migrations.CreateModel(
        name=name,
        fields=[
            ("code", models.CharField(max_length=13, primary_key=True, serialize=False, verbose_name="code")),
            ("name", models.CharField(db_index=True, max_length=100, verbose_name="name")),
            *parent,
        ],
        options={
            **OPTIONS,
            "db_table": table,
            "verbose_name": verbose_name,
            "verbose_name_plural": verbose_name_plural,
        },
    )


class Migration(migrations.Migration):
    initial = True

    dependencies = [
        ("campaigns", "0007_audit_log"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                _region("Provinsi", "campaigns_provinsi", "province", "provinces"),
                _region(
                    "Kabupaten",
                    "campaigns_kabupaten",
                    "regency/city",
                    "regencies/cities",
                    ("provinsi", models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name="kabupaten", to="regions.provinsi", verbose_name="province")),
                ),
                _region(
                    "Kecamatan",
                    "campaigns_kecamatan",
                    "district (kecamatan)",
                    "districts (kecamatan)",
                    ("kabupaten", models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name="kecamatan", to="regions.kabupaten", verbose_name="regency/city")),
                ),
                _region(
                    "Desa",
                    "campaigns_desa",
                    "village (desa/kelurahan)",
                    "villages (desa/kelurahan)",
                    ("kecamatan", models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name="desa", to="regions.kecamatan", verbose_name="district (kecamatan)")),
                ),
            ],
            database_operations=[],
        ),
    ]
