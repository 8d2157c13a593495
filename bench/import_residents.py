"""Benchmark: import a backlog list of N rows (default 1,000,000) into a throwaway database.

Writes a semicolon CSV of valid, distinct NIKs spread over TTU's desa, imports it (save,
not a dry run) and prints the time, rows per second and the peak memory, which must not
grow with the number of rows (the import streams). Run with
`DATABASE_URL=postgres://... make bench-import` or `python bench/import_residents.py 100000`.
"""

import datetime
import os
import resource
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

import django  # noqa: E402

django.setup()

from django.db import connection  # noqa: E402
from django.test.utils import setup_test_environment  # noqa: E402


def write_csv(path, rows, desa):
    """Distinct valid NIKs: region 530305, a birth date from 1950 on, a serial 0001-9999."""
    start = datetime.date(1950, 1, 1)
    with path.open("w", encoding="utf-8") as out:
        out.write("NIK;Nama Lengkap;JK;Tgl Lahir;Desa\n")
        for n in range(rows):
            born = start + datetime.timedelta(days=n // 9999 % 20000)
            day = born.day + (40 if n % 2 else 0)
            nik = f"530305{day:02d}{born:%m%y}{n % 9999 + 1:04d}"
            sex = "P" if n % 2 else "L"
            out.write(f"{nik};Penduduk {n};{sex};{born:%d/%m/%Y};{desa[n % len(desa)]}\n")


def main(rows):
    from campaigns.models import Campaign
    from regions.models import Desa
    from regions.services import regions_import
    from residents.importer import residents_import

    setup_test_environment()
    name = connection.settings_dict["NAME"]
    old_name = connection.creation.create_test_db(verbosity=0, autoclobber=True)
    try:
        regions_import(province="53")
        campaign = Campaign.objects.create(
            slug="bench", name="Bench", kabupaten_id="53.03",
            start_date=datetime.date(2024, 1, 18), target_date=datetime.date(2024, 2, 7),
            election_date=datetime.date(2024, 2, 14),
        )  # fmt: skip
        desa = list(
            Desa.objects.filter(kecamatan__kabupaten="53.03").values_list("code", flat=True)
        )
        with tempfile.TemporaryDirectory() as folder:
            path = Path(folder) / "backlog.csv"
            write_csv(path, rows, desa)
            size = path.stat().st_size // 2**20
            before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024
            began = time.perf_counter()
            result = residents_import(
                campaign=campaign, path=path, filename=path.name, by=None, dry_run=False
            )
            seconds = time.perf_counter() - began
            peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024
        assert result.accepted == rows, (result.accepted, result.problems[:3])
        print(
            f"{rows:,} rows ({size} MB) on {connection.vendor}: {seconds:.1f} s, "
            f"{rows / seconds:,.0f} rows/s; peak memory {peak} MB (before the import {before} MB)"
        )
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)
        connection.settings_dict["NAME"] = name


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 1_000_000)
