"""Benchmark: a backlog list of N rows (default 1,000,000) imported, against PostgreSQL's COPY.

In a throwaway database (test_<name>, dropped afterwards) it writes a SIAK export of N valid,
distinct residents of TTU: 12 of the 16 columns of data/demo/siak-belum-rekam-contoh.csv
(NO_KK, NO_RT and NO_RW, which the import skips; the desa as NO_PROP/NO_KAB/NO_KEC/NO_KEL),
81 MB for a million rows (all 16 make 119 MB, over the upload limit of 100 MB: such a file
is split). Then it times, with the real importer (residents.importer.residents_import):

- the save of a tenth of the rows and of all of them, with the process's peak memory after
  each: it must not grow with the rows (the file is streamed, a batch at a time);
- the check (the dry run: the same pass, rolled back);

and, back to back with the save, PostgreSQL's bare COPY of the same rows into the same table:
the rows exactly as the import wrote them (COPY ... TO of its own result: the nine columns it
fills, under another campaign), streamed from a file by the client in 1 MB blocks (what psql's
\\copy does) into the residents table emptied first, with all its indexes, constraints and
foreign keys, committed. The ratio of the two speeds is the figure that holds on a busy
machine. Goals (issue 13): >= 50,000 rows a second, >= 25 % of bare COPY, memory flat.

`DATABASE_URL=postgres://.../bench_import make bench-import` (ROWS=100000 for less). Writes
its section of bench/RESULTS.md (between the import markers). On SQLite it times the import
only. From another benchmark: main(rows) (its own throwaway database), or measure(rows,
folder) then report(figures) in a database that holds region 53 (other campaigns' residents
are left alone, but then the emptying between runs is a DELETE, slower than TRUNCATE).
"""

import datetime
import os
import resource
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

import django  # noqa: E402

django.setup()

from django.db import connection, transaction  # noqa: E402
from django.test.utils import setup_test_environment  # noqa: E402

from bench.results import write_section  # noqa: E402

KABUPATEN = "53.03"  # Timor Tengah Utara
RATE_GOAL, COPY_GOAL = 50_000, 0.25
SIAK_HEADER = [
    "NIK", "NO_KK", "NAMA_LGKP", "JENIS_KLMIN", "TGL_LHR", "STAT_KWN", "NO_RT", "NO_RW",
    "NO_PROP", "NO_KAB", "NO_KEC", "NO_KEL",
]  # fmt: skip


def _people(rows):
    """(n, NIK, sex 'L'/'P', birth date) of distinct valid NIKs of kecamatan 53.03.05."""
    start = datetime.date(1950, 1, 1)
    for n in range(rows):
        born = start + datetime.timedelta(days=n // 9999 % 20000)
        female = n % 2
        day = born.day + (40 if female else 0)
        yield n, f"530305{day:02d}{born:%m%y}{n % 9999 + 1:04d}", "P" if female else "L", born


def write_csv(path, rows, desa):
    """The simple layout (NIK;Nama Lengkap;JK;Tgl Lahir;Desa), as bench/import_job.py sends."""
    with path.open("w", encoding="utf-8") as out:
        out.write("NIK;Nama Lengkap;JK;Tgl Lahir;Desa\n")
        for n, nik, sex, born in _people(rows):
            out.write(f"{nik};Penduduk {n};{sex};{born:%d/%m/%Y};{desa[n % len(desa)]}\n")


def write_siak_csv(path, rows, desa):
    """A SIAK export, 12 of its columns: desa is a list of desa codes."""
    with path.open("w", encoding="utf-8") as out:
        out.write(";".join(SIAK_HEADER) + "\n")
        for n, nik, sex, born in _people(rows):
            prop, kab, kec, kel = (int(part) for part in desa[n % len(desa)].split("."))
            out.write(
                f"{nik};530305{n:010d};PENDUDUK {n};{1 if sex == 'L' else 2};"
                f"{born:%d-%m-%Y};{1 + n % 4};{n % 13:03d};{n % 5:03d};"
                f"{prop};{kab};{kec};{kel}\n"
            )


def _peak_mb():
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024  # KB on Linux


def _campaign(slug):
    from campaigns.models import Campaign

    return Campaign.objects.create(
        slug=slug, name=f"Bench {slug}", kabupaten_id=KABUPATEN,
        start_date=datetime.date(2024, 1, 18), target_date=datetime.date(2024, 2, 7),
        election_date=datetime.date(2024, 2, 14),
    )  # fmt: skip


def _empty_residents(campaigns):
    """A fresh table for each run: truncated when only these campaigns' rows are in it."""
    from residents.models import Resident

    ids = [c.pk for c in campaigns]
    if Resident.objects.exclude(campaign__in=ids).exists():
        Resident.objects.filter(campaign__in=ids)._raw_delete(Resident.objects.db)
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute(f"VACUUM ANALYZE {Resident._meta.db_table}")
    elif connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(f"TRUNCATE {Resident._meta.db_table} CASCADE")
    else:
        Resident.objects.all()._raw_delete(Resident.objects.db)


def _import(campaign, path, dry_run):
    from residents.importer import residents_import

    began = time.perf_counter()
    result = residents_import(
        campaign=campaign, path=path, filename=path.name, by=None, dry_run=dry_run
    )
    seconds = time.perf_counter() - began
    assert result.accepted == result.rows and not result.refused, result.problems[:3]
    return result.rows, seconds


def _copy_file(campaign, other, path):
    """The rows the import wrote for campaign, as COPY text with other's id, into path."""
    from residents.importer import COLUMNS
    from residents.models import Resident

    columns = ", ".join(f"%s AS {c}" if c == "campaign_id" else c for c in COLUMNS)
    query = (
        f"COPY (SELECT {columns} FROM {Resident._meta.db_table} WHERE campaign_id = %s) TO STDOUT"
    )
    with connection.cursor() as cursor, path.open("wb") as out:
        with cursor.cursor.copy(query, [other.pk, campaign.pk]) as copy:
            for block in copy:
                out.write(block)


def _bare_copy(path):
    from residents.importer import COLUMNS
    from residents.models import Resident

    began = time.perf_counter()
    with transaction.atomic(), connection.cursor() as cursor, path.open("rb") as source:
        query = f"COPY {Resident._meta.db_table} ({', '.join(COLUMNS)}) FROM STDIN"
        with cursor.cursor.copy(query) as copy:
            while block := source.read(2**20):
                copy.write(block)
    return time.perf_counter() - began


def measure(rows, folder):
    """The figures for N rows, in the current database (which needs region 53's desa)."""
    from campaigns.models import Campaign
    from regions.models import Desa
    from residents.models import BacklogEntry

    desa = list(
        Desa.objects.filter(kecamatan__kabupaten=KABUPATEN)
        .order_by("code")
        .values_list("code", flat=True)
    )
    folder = Path(folder)
    small_rows = max(1, rows // 10)
    small, big = folder / "siak-small.csv", folder / "siak.csv"
    write_siak_csv(small, small_rows, desa)
    write_siak_csv(big, rows, desa)
    stamp = f"{time.time_ns()}"[-9:]
    campaigns = [_campaign(f"bench-import-{stamp}-{n}") for n in range(4)]
    figures = {
        "rows": rows,
        "mb": big.stat().st_size / 2**20,
        "vendor": connection.vendor,
        "memory_before": _peak_mb(),
    }
    try:
        _empty_residents(campaigns)
        _, figures["small_seconds"] = _import(campaigns[0], small, dry_run=False)
        figures["small_rows"], figures["memory_small"] = small_rows, _peak_mb()
        _empty_residents(campaigns)
        _, figures["check_seconds"] = _import(campaigns[1], big, dry_run=True)
        _empty_residents(campaigns)
        _, figures["seconds"] = _import(campaigns[2], big, dry_run=False)
        figures["memory"] = _peak_mb()
        if connection.vendor == "postgresql":
            table = folder / "rows.copy"
            _copy_file(campaigns[2], campaigns[3], table)
            _empty_residents(campaigns)
            figures["copy_seconds"] = _bare_copy(table)
            figures["copy_mb"] = table.stat().st_size / 2**20
    finally:
        _empty_residents(campaigns)
        BacklogEntry.objects.filter(campaign__in=campaigns).delete()
        Campaign.objects.filter(pk__in=[c.pk for c in campaigns]).delete()  # audit: SET NULL
    return figures


def report(f):
    """Print the figures and write them to bench/RESULTS.md between the import markers."""
    rate = f["rows"] / f["seconds"]
    growth_small = f["memory_small"] - f["memory_before"]
    growth = f["memory"] - f["memory_before"]
    met = lambda ok: "met" if ok else "**missed**"  # noqa: E731
    flat = f["memory"] <= f["memory_small"] * 1.1 + 5
    table = [
        ("Rows (SIAK layout, 12 columns)", f"{f['rows']:,} ({f['mb']:.0f} MB)", ""),
        ("Check (dry run)", f"{f['check_seconds']:.1f} s "
         f"({f['rows'] / f['check_seconds']:,.0f} rows/s)", ""),
        ("Import (save)", f"{f['seconds']:.1f} s", ""),
        ("Import speed", f"{rate:,.0f} rows/s",
         f"≥ {RATE_GOAL:,}: {met(rate >= RATE_GOAL)}"
         + ("" if rate >= RATE_GOAL else f", {rate / RATE_GOAL:.0%} of it")),
        (f"Peak memory after {f['small_rows']:,} rows / after {f['rows']:,}",
         f"{f['memory_small']} MB / {f['memory']} MB (+{growth_small} / +{growth} MB "
         f"over {f['memory_before']} MB before)", f"flat: {met(flat)}"),
    ]  # fmt: skip
    if "copy_seconds" in f:
        copy_rate = f["rows"] / f["copy_seconds"]
        if copy_rate < RATE_GOAL:  # the database's own limit on this machine is below it
            name, value, goal = table[3]
            table[3] = (name, value, f"{goal}; bare COPY itself: {copy_rate:,.0f}")
        ratio = f["copy_seconds"] / f["seconds"]
        table += [
            ("Bare COPY of the same rows", f"{f['copy_seconds']:.1f} s ({copy_rate:,.0f} rows/s, "
             f"{f['copy_mb']:.0f} MB of COPY text)", ""),
            ("Import speed / bare COPY's", f"{ratio:.0%}",
             f"≥ {COPY_GOAL:.0%}: {met(ratio >= COPY_GOAL)}"
             + ("" if ratio >= COPY_GOAL else f", {ratio / COPY_GOAL:.0%} of it")),
        ]  # fmt: skip
    lines = [
        "## The import of a backlog list (`bench/import_residents.py`)",
        "",
        f"{f['vendor']}, {time.strftime('%Y-%m-%d')}, {os.cpu_count()} cores shared with other work.",
        "The import is residents.importer (the SIAK file read, every row checked, saved",
        "with COPY, the baseline ledger entries and the audit entry, one transaction); bare COPY",
        "streams the nine columns the import wrote, as COPY text, into the same emptied table.",
        "",
        "| figure | measured | goal |",
        "| --- | --- | --- |",
        *[f"| {a} | {b} | {c} |" for a, b, c in table],
    ]
    block = write_section("import", lines)
    print(block)


def main(rows):
    from regions.services import regions_import

    try:
        setup_test_environment(debug=False)  # no query log
    except RuntimeError:  # called from another benchmark, which has set it up
        pass
    name = connection.settings_dict["NAME"]
    old_name = connection.creation.create_test_db(verbosity=0, autoclobber=True)
    try:
        regions_import(province="53")
        with tempfile.TemporaryDirectory() as folder:
            figures = measure(rows, folder)
    finally:
        connection.close()
        connection.creation.destroy_test_db(old_name, verbosity=0)
        connection.settings_dict["NAME"] = name
    report(figures)


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 1_000_000)
