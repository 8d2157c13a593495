"""Importing the backlog list: every bad row explained, good rows saved, bad files refused."""

import dataclasses
import datetime
import zipfile
from io import StringIO
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command
from django.db import connection
from django.template.loader import render_to_string
from django.utils import translation
from openpyxl import Workbook

from regions.models import Kabupaten
from regions.services import regions_import
from residents.importer import ImportRefused, residents_import
from residents.models import BacklogEntry, Resident
from tests.factories import (
    CampaignFactory,
    DesaFactory,
    KabupatenFactory,
    KecamatanFactory,
    ResidentFactory,
)

pytestmark = pytest.mark.django_db
D = datetime.date
HEADER = "NIK;Nama Lengkap;JK;Tgl Lahir;Desa"


@pytest.fixture
def campaign():
    """TTU with Kota Kefamenanu (53.03.05) and its kelurahan Kefamenanu Utara."""
    campaign = CampaignFactory(slug="ttu", kabupaten=KabupatenFactory())
    kecamatan = KecamatanFactory(code="53.03.05", name="Kota Kefamenanu")
    DesaFactory(kecamatan=kecamatan, code="53.03.05.1001", name="Kefamenanu Utara")
    DesaFactory(kecamatan=KecamatanFactory(code="53.03.11"), code="53.03.11.2005", name="N i a n")
    return campaign


def write(tmp_path, lines, name="backlog.csv", encoding="utf-8-sig"):
    path = tmp_path / name
    path.write_text("\n".join(lines) + "\n", encoding=encoding)
    return path


def run(campaign, path, dry_run=False, user=None):
    return residents_import(
        campaign=campaign, path=path, filename=path.name, by=user, dry_run=dry_run
    )


def problems(result):
    return {(p.line, p.code, p.refused) for p in result.problems}


BAD_ROWS = [
    HEADER,
    "5303051203900001;Yohanes Taek;L;12/03/1990;Kefamenanu Utara",  # 2 good
    "5303055203950002;Maria Abi;P;12/03/1995;53.03.05.1001",  # 3 good: day + 40, desa code
    "5,30305E+15;Excel;L;01/01/1990;Kefamenanu Utara",  # 4 scientific, Indonesian Excel
    "5.30305E+15;Excel;L;01/01/1990;Kefamenanu Utara",  # 5 scientific, English Excel
    "530305120390001;Lima belas;L;12/03/1990;Kefamenanu Utara",  # 6 fifteen digits
    "53030512039000011;Tujuh belas;L;12/03/1990;Kefamenanu Utara",  # 7 seventeen digits
    "5303053102900003;Mustahil;L;;Kefamenanu Utara",  # 8 31 Feb
    "5303051203900000;Serial nol;L;12/03/1990;Kefamenanu Utara",  # 9 serial 0000
    "9271011203900004;Sorong;L;12/03/1990;Kefamenanu Utara",  # 10 unknown region: flagged
    "5303051203900001;Ganda;L;12/03/1990;Kefamenanu Utara",  # 11 duplicate of line 2
    "5303051203900005;Desa salah;L;12/03/1990;Atlantis",  # 12 unknown desa
    "5303051203900006;Beda tanggal;L;13/03/1990;Nian",  # 13 birth date differs: flagged
    ";Tanpa NIK;L;12/03/1990;Kefamenanu Utara",  # 14 empty NIK
]


def test_the_dry_run_explains_every_bad_row_and_saves_nothing(tmp_path, campaign):
    result = run(campaign, write(tmp_path, BAD_ROWS), dry_run=True)

    assert (result.rows, result.accepted, result.refused, result.flagged) == (13, 4, 9, 2)
    assert problems(result) == {
        (4, "excel_scientific", True),
        (5, "excel_scientific", True),
        (6, "too_short", True),
        (7, "too_long", True),
        (8, "impossible_date", True),
        (9, "serial_zero", True),
        (10, "unknown_region", False),
        (11, "duplicate_in_file", True),
        (12, "unknown_desa", True),
        (13, "birth_date_mismatch", False),
        (14, "empty", True),
    }
    excel = next(p for p in result.problems if p.line == 4)
    assert (excel.column, excel.value) == ("NIK", "5,30305E+15")
    assert "Text" in excel.message  # says how to fix the spreadsheet
    assert not Resident.objects.exists() and not BacklogEntry.objects.exists()


def test_the_save_keeps_the_good_rows_and_writes_the_baseline(tmp_path, campaign, admin_member):
    result = run(campaign, write(tmp_path, BAD_ROWS), user=admin_member)

    assert result.saved and result.accepted == 4
    maria = Resident.objects.get(nik="5303055203950002")
    assert (maria.sex, maria.birth_date, maria.desa.code) == ("P", D(1995, 3, 12), "53.03.05.1001")
    assert Resident.objects.get(nik="9271011203900004").flags == ["unknown_region"]
    assert Resident.objects.get(nik="5303051203900006").desa.name == "N i a n"
    assert list(
        BacklogEntry.objects.order_by("kecamatan").values_list(
            "kecamatan", "kind", "change", "date"
        )
    ) == [
        ("53.03.05", "baseline", 3, campaign.start_date),
        ("53.03.11", "baseline", 1, campaign.start_date),
    ]
    # The same file again: every NIK is now already in the list, nothing more is saved.
    again = run(campaign, write(tmp_path, BAD_ROWS))
    assert again.accepted == 0 and "duplicate_nik" in {p.code for p in again.problems}
    assert Resident.objects.count() == 4 and BacklogEntry.objects.count() == 2


def test_comma_csv_without_bom_and_lenient_headers(tmp_path, campaign):
    lines = [
        "nik, nama ,Jenis Kelamin,Tanggal Lahir,Kelurahan,Status Perkawinan",
        "5303051203900001,Yohanes Taek,Laki-laki,1990-03-12,kefamenanu utara,KAWIN",
        '"5303 0512 0390 0007","Taek, Yakobus",LAKI-LAKI,12-03-1990,KEFAMENANU UTARA,',
    ]
    result = run(campaign, write(tmp_path, lines, encoding="utf-8"))
    assert (result.accepted, result.refused) == (2, 0)
    assert Resident.objects.get(nik="5303051203900001").marital_status == "kawin"
    assert Resident.objects.get(nik="5303051203900007").name == "Taek, Yakobus"


def test_xlsx_with_niks_as_numbers_and_as_text(tmp_path, campaign):
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["NIK", "Nama", "JK", "Tgl Lahir", "Kode Desa"])
    sheet.append(["5303051203900001", "Teks", "L", datetime.datetime(1990, 3, 12), "5303051001"])
    sheet.append([5303051203900010, "Angka berakhir 0", "L", "12/03/1990", "53.03.05.1001"])
    sheet.append([5303051203900002, "Angka", "L", datetime.datetime(1990, 3, 12), 5303051001])
    # A number cell comes back as an int (openpyxl), already cut to 15 digits by Excel; a cell
    # that was copied from a CSV opened in Excel may hold the scientific text itself.
    sheet.append(["5,30305E+15", "Teks rusak", "L", "12/03/1990", "53.03.05.1001"])
    path = tmp_path / "backlog.xlsx"
    workbook.save(path)

    result = run(campaign, path)

    assert (result.accepted, result.refused, result.flagged) == (3, 1, 1)
    assert problems(result) == {(3, "excel_trailing_zero", False), (5, "excel_scientific", True)}
    assert set(Resident.objects.values_list("nik", flat=True)) == {
        "5303051203900001",
        "5303051203900010",
        "5303051203900002",
    }


def test_a_nik_already_in_the_campaign_is_refused(tmp_path, campaign):
    ResidentFactory(campaign=campaign, nik="5303051203900001")
    result = run(campaign, write(tmp_path, BAD_ROWS[:3]))
    assert problems(result) == {(2, "duplicate_nik", True)}
    assert result.accepted == 1


@pytest.mark.parametrize(
    ("name", "content", "code"),
    [
        (
            "backlog.csv",
            "NIK;Nama;Desa\n5303051203900001;Ana \xe9;X\n".encode("latin-1"),
            "encoding",
        ),
        ("backlog.xls", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1old excel", "wrong_kind"),
        ("backlog.csv", b"PK\x03\x04 a zip named csv", "wrong_kind"),
        ("backlog.pdf", b"%PDF-1.4", "wrong_kind"),
        ("backlog.xlsx", b"not a workbook", "wrong_kind"),
        ("backlog.csv", b"Nomor;Nama\n1;Ana\n", "missing_columns"),
        ("backlog.csv", b"NIK;NAMA_LGKP;NO_KEL\n5303051203900001;Ana;1001\n", "missing_columns"),
    ],
)
def test_a_refused_file_saves_nothing_and_says_why(tmp_path, campaign, name, content, code):
    path = tmp_path / name
    path.write_bytes(content)
    with pytest.raises(ImportRefused) as refused:
        run(campaign, path)
    assert refused.value.code == code
    assert name in refused.value.message
    assert not Resident.objects.exists() and not BacklogEntry.objects.exists()


def test_an_encoding_error_deep_in_the_file_saves_nothing(tmp_path, campaign):
    good = [f"53030512039{n:05d};Orang {n};L;12/03/1990;Kefamenanu Utara" for n in range(1, 3000)]
    path = tmp_path / "backlog.csv"
    path.write_bytes(
        ("\n".join([HEADER, *good]) + "\n").encode() + "x;Jos\xe9;L\n".encode("latin-1")
    )
    with pytest.raises(ImportRefused) as refused:
        run(campaign, path)
    assert refused.value.code == "encoding"
    assert not Resident.objects.exists()


def test_an_oversized_file_is_refused_by_name(tmp_path, campaign, monkeypatch):
    monkeypatch.setattr("residents.importer.MAX_BYTES", 100)
    with pytest.raises(ImportRefused) as refused:
        run(campaign, write(tmp_path, BAD_ROWS))
    assert refused.value.code == "too_large" and "backlog.csv" in refused.value.message


def test_the_command_dry_run_and_save(tmp_path, campaign):
    path = write(tmp_path, BAD_ROWS)
    out = StringIO()
    call_command("import_residents", str(path), "--campaign", "ttu", "--dry-run", stdout=out)
    assert "baris 4, NIK '5,30305E+15': DITOLAK" in out.getvalue()
    assert not Resident.objects.exists()
    call_command("import_residents", str(path), "--campaign", "ttu", stdout=StringIO())
    assert Resident.objects.count() == 4
    with pytest.raises(CommandError, match="slug"):
        call_command("import_residents", str(path), "--campaign", "nope")


def test_a_duplicate_in_a_later_batch_is_found_in_the_database(tmp_path, campaign, monkeypatch):
    """Only a batch's NIKs are kept in memory; earlier ones are looked up where they went."""
    monkeypatch.setattr("residents.importer.BATCH_SIZE", 2)
    lines = [HEADER] + [
        f"53030512039{n:05d};Orang {n};L;12/03/1990;Kefamenanu Utara" for n in (1, 2, 3, 4, 1)
    ]
    result = run(campaign, write(tmp_path, lines))
    assert problems(result) == {(6, "duplicate_nik", True)}
    assert result.accepted == 4 and Resident.objects.count() == 4


def test_a_nik_the_filter_may_have_seen_is_looked_up_not_refused(tmp_path, campaign, monkeypatch):
    """The Bloom filter only sends NIKs to the database: with 8 bits every NIK looks seen,
    and still each new one is saved, and only those in the list or earlier are refused."""
    monkeypatch.setattr("residents.importer._Saver.BITS", 3)
    monkeypatch.setattr("residents.importer.BATCH_SIZE", 3)
    ResidentFactory(campaign=campaign, nik="5303051203900009")
    lines = [HEADER] + [
        f"53030512039{n:05d};Orang {n};L;12/03/1990;Kefamenanu Utara"
        for n in (1, 2, 3, 4, 5, 6, 9, 7, 2, 8)
    ]
    result = run(campaign, write(tmp_path, lines))
    assert problems(result) == {(8, "duplicate_nik", True), (10, "duplicate_nik", True)}
    assert result.accepted == 8 and result.refused == 2
    assert Resident.objects.filter(campaign=campaign).count() == 9


def test_a_cell_with_a_control_character_refuses_its_row_by_line_and_column(tmp_path, campaign):
    """PostgreSQL's text cannot hold NUL: the row is refused, never a server error."""
    lines = [
        HEADER + ";Catatan",
        "5303051203900001;Yohanes Taek;L;12/03/1990;Kefamenanu Utara;",  # 2 good
        "5303051203900002;Maria\x00Abi;L;12/03/1990;Kefamenanu Utara;",  # 3 NUL in the name
        "5303051203900003;Ana;L;12/03/1990;Kefamenanu Utara;rusak\x01",  # 4 in a column not read
        "5303051203900004\x00;Ani;L;12/03/1990;Kefamenanu Utara;;\x00",  # 5 NIK, unnamed column
    ]
    with translation.override("en"):
        # The save's file name comes from a form field: a NUL there must not reach the ledger.
        result = residents_import(
            campaign=campaign,
            path=write(tmp_path, lines),
            filename="daftar\x00.csv",
            by=None,
            dry_run=False,
        )

    assert (result.rows, result.accepted, result.refused) == (4, 1, 3)
    assert [(p.line, p.column, p.value, p.code, p.refused) for p in result.problems] == [
        (3, "name", "Maria\N{REPLACEMENT CHARACTER}Abi", "control_character", True),
        (4, "Catatan", "", "control_character", True),  # a column not read is not repeated
        (5, "NIK", "5303051203900004\N{REPLACEMENT CHARACTER}", "control_character", True),
        (5, "G", "", "control_character", True),
    ]
    assert "(U+0000)" in result.problems[0].message
    assert "(U+0001)" in result.problems[1].message
    assert list(Resident.objects.values_list("nik", flat=True)) == ["5303051203900001"]
    assert BacklogEntry.objects.get().note == "Import of daftar.csv"


def test_an_xlsx_cell_with_a_control_character_is_refused_and_a_nul_refuses_the_file(
    tmp_path, campaign
):
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["NIK", "Nama", "JK", "Tgl Lahir", "Kode Desa"])
    sheet.append(["5303051203900001", "Yohanes", "L", "12/03/1990", "53.03.05.1001"])
    sheet.append(["5303055203950002", "Maria\x7fAbi", "P", "12/03/1995", "53.03.05.1001"])
    path = tmp_path / "backlog.xlsx"
    workbook.save(path)

    result = run(campaign, path)
    assert problems(result) == {(3, "control_character", True)}
    assert list(Resident.objects.values_list("name", flat=True)) == ["Yohanes"]

    # XML, and so .xlsx, cannot hold a NUL: a sheet with one written in it is damaged.
    with zipfile.ZipFile(path) as source:
        parts = {name: source.read(name) for name in source.namelist()}
    sheet_xml = "xl/worksheets/sheet1.xml"
    parts[sheet_xml] = parts[sheet_xml].replace(b"Maria\x7fAbi", b"Maria&#0;Abi")
    damaged = tmp_path / "damaged.xlsx"
    with zipfile.ZipFile(damaged, "w") as target:
        for name, data in parts.items():
            target.writestr(name, data)
    with pytest.raises(ImportRefused) as refused:
        run(campaign, damaged)
    assert refused.value.code == "wrong_kind"


SIAK_HEADER = (
    "NIK;NO_KK;NAMA_LGKP;JENIS_KLMIN;TMPT_LHR;TGL_LHR;STAT_KWN;ALAMAT;NO_RT;NO_RW;"
    "NO_PROP;NO_KAB;NO_KEC;NO_KEL;NAMA_KEC;NAMA_KEL"
)
SIAK_ROWS = [
    SIAK_HEADER,
    # 2: married man, desa 53.03.05.1001 as SIAK's numbers 53, 3, 5, 1001
    "5303051203900001;5303050101100001;YOHANES TAEK;1;OELOLOK;12-03-1990;2;"
    "JL. SONBAI NO. 7;001;002;53;3;5;1001;KOTA KEFAMENANU;KEFAMENANU UTARA",
    # 3: widowed woman, zero-padded numbers for desa 53.03.11.2005
    "5303055203950002;5303050101100002;MARIA ABI;2;KEFAMENANU;12-03-1995;4;"
    "DUSUN OELAMI;003;001;53;03;11;2005;;",
    # 4: 15 at the election but married (2): wajib KTP
    "5303051405080003;5303050101100003;KORNELIS TAEK;1;KEFAMENANU;14-05-2008;2;"
    "JL. SONBAI NO. 7;001;002;53;3;5;1001;;",
    # 5: 15 at the election and not married (1): flagged
    "5303051405080004;5303050101100004;YAKOBUS TAEK;1;KEFAMENANU;14-05-2008;1;"
    "JL. SONBAI NO. 7;001;002;53;3;5;1001;;",
    # 6: no numbers: the desa by its name within the kecamatan named
    "5303051203900005;5303050101100005;PETRUS KASE;1;KEFAMENANU;12-03-1990;3;"
    "JL. SONBAI NO. 9;001;002;;;;;Kec. Kota Kefamenanu;KEFAMENANU UTARA",
    # 7: no such desa number
    "5303051203900006;5303050101100006;ANA LAKE;1;KEFAMENANU;12-03-1990;1;"
    "JL. SONBAI NO. 9;001;002;53;3;5;1099;;",
    # 8: a desa number of five digits
    "5303051203900007;5303050101100007;ANI LAKE;1;KEFAMENANU;12-03-1990;1;"
    "JL. SONBAI NO. 9;001;002;53;3;5;10011;;",
    # 9: the desa named is not in the kecamatan named
    "5303051203900008;5303050101100008;ANIS LAKE;1;KEFAMENANU;12-03-1990;1;"
    "JL. SONBAI NO. 9;001;002;;;;;KOTA KEFAMENANU;NIAN",
]
SIAK_COLUMNS_READ = [
    ("NIK", "NIK"),
    ("NO_KK", ""),
    ("NAMA_LGKP", "name"),
    ("JENIS_KLMIN", "sex (L or P; 1 male, 2 female)"),
    ("TMPT_LHR", ""),
    ("TGL_LHR", "birth date (day, month, year)"),
    ("STAT_KWN", "marital status (1 belum kawin, 2 kawin, 3 cerai hidup, 4 cerai mati)"),
    ("ALAMAT", ""),
    ("NO_RT", ""),
    ("NO_RW", ""),
    ("NO_PROP", "province number of the desa code (the campaign's if absent)"),
    ("NO_KAB", "kabupaten number of the desa code (the campaign's if absent)"),
    ("NO_KEC", "kecamatan number of the desa code"),
    ("NO_KEL", "desa number of the desa code"),
    ("NAMA_KEC", "kecamatan name, to find the desa by its name"),
    ("NAMA_KEL", "desa by name, where the row has no desa number"),
]


def database_text():
    """Every value of every table, as one text: what the database holds after an import."""
    values = []
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names(cursor):
            cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)}")
            values.extend(str(value) for row in cursor.fetchall() for value in row)
    return "\n".join(values)


def test_siak_export_is_read_with_its_codes_and_the_dry_run_says_how(tmp_path, campaign):
    with translation.override("en"):
        result = run(campaign, write(tmp_path, SIAK_ROWS, encoding="utf-8"), dry_run=True)

    assert [(c.column, c.read_as) for c in result.columns] == SIAK_COLUMNS_READ
    assert (result.rows, result.accepted, result.refused, result.flagged) == (8, 5, 3, 1)
    assert problems(result) == {
        (5, "too_young", False),
        (7, "unknown_desa", True),
        (8, "bad_region_number", True),
        (9, "desa_not_in_kecamatan", True),
    }
    unknown = next(p for p in result.problems if p.line == 7)
    assert (unknown.column, unknown.value) == ("desa", "53.03.05.1099")
    too_long = next(p for p in result.problems if p.line == 8)
    assert (too_long.column, too_long.value) == ("desa number", "10011")
    assert not Resident.objects.exists()


def test_siak_export_saves_what_the_work_needs_and_nothing_else(tmp_path, campaign):
    with translation.override("en"):
        result = run(campaign, write(tmp_path, SIAK_ROWS, encoding="utf-8"))

    assert result.saved and result.accepted == 5
    assert [(c.column, c.read_as) for c in result.columns][:3] == [
        ("NIK", "NIK"),
        ("NO_KK", ""),
        ("NAMA_LGKP", "name"),
    ]
    saved = {
        r.nik: (r.name, r.sex, r.birth_date, r.marital_status, r.desa_id)
        for r in Resident.objects.all()
    }
    assert saved == {
        "5303051203900001": ("YOHANES TAEK", "L", D(1990, 3, 12), "kawin", "53.03.05.1001"),
        "5303055203950002": ("MARIA ABI", "P", D(1995, 3, 12), "cerai_mati", "53.03.11.2005"),
        "5303051405080003": ("KORNELIS TAEK", "L", D(2008, 5, 14), "kawin", "53.03.05.1001"),
        "5303051405080004": ("YAKOBUS TAEK", "L", D(2008, 5, 14), "belum_kawin", "53.03.05.1001"),
        "5303051203900005": ("PETRUS KASE", "L", D(1990, 3, 12), "cerai_hidup", "53.03.05.1001"),
    }
    # The family card number, the address and the birthplace are not needed: not kept anywhere.
    stored = database_text()
    assert "YOHANES TAEK" in stored  # the scan does see the residents
    for not_needed in ("5303050101100001", "5303050101100005", "SONBAI", "OELAMI", "OELOLOK"):
        assert not_needed not in stored


def test_siak_xlsx_with_numbers_spelled_out_headers_and_no_province(tmp_path, campaign):
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(
        ["NIK", "NO_KK", "NAMA_LENGKAP", "JENIS_KELAMIN", "TANGGAL_LAHIR", "STATUS_KAWIN",
         "ALAMAT", "NO_KECAMATAN", "NO_KELURAHAN"]
    )  # fmt: skip
    sheet.append(
        ["5303055203950002", 5303050101100002, "MARIA ABI", 2, datetime.datetime(1995, 3, 12),
         3, "DUSUN OELAMI", 11, 2005]
    )  # fmt: skip
    sheet.append(
        ["5303051203900001", 5303050101100001, "YOHANES TAEK", 1, "12-03-1990", 1,
         "JL. SONBAI NO. 7", 5.0, 1001.0]
    )  # fmt: skip
    path = tmp_path / "siak.xlsx"
    workbook.save(path)

    with translation.override("en"):
        result = run(campaign, path)

    assert (result.accepted, result.refused, result.flagged) == (2, 0, 0)
    assert dict((c.column, c.read_as) for c in result.columns)["NO_KELURAHAN"] == (
        "desa number of the desa code"
    )
    assert set(
        Resident.objects.values_list("nik", "sex", "marital_status", "desa_id", "birth_date")
    ) == {
        ("5303055203950002", "P", "cerai_hidup", "53.03.11.2005", D(1995, 3, 12)),
        ("5303051203900001", "L", "belum_kawin", "53.03.05.1001", D(1990, 3, 12)),
    }
    stored = database_text()
    assert "5303050101100002" not in stored and "OELAMI" not in stored


def test_the_command_says_which_column_was_read_as_what(tmp_path, campaign):
    out = StringIO()
    with translation.override("en"):
        call_command(
            "import_residents",
            str(write(tmp_path, SIAK_ROWS)),
            "--campaign",
            "ttu",
            "--dry-run",
            stdout=out,
        )
    output = out.getvalue()
    assert "  NAMA_LGKP: name\n" in output
    assert "  NO_KK: not read\n" in output
    assert "  NO_KEL: desa number of the desa code\n" in output


def test_the_siak_sample_reads_against_the_real_ttu_regions():
    regions_import(province="53")
    campaign = CampaignFactory(slug="ttu", kabupaten=Kabupaten.objects.get(code="53.03"))
    path = Path(settings.BASE_DIR) / "data" / "demo" / "siak-belum-rekam-contoh.csv"

    result = run(campaign, path, dry_run=True)

    assert (result.rows, result.accepted, result.refused, result.flagged) == (9, 7, 2, 0)
    assert problems(result) == {(9, "unknown_desa", True), (10, "desa_not_in_kecamatan", True)}
    assert result.per_kecamatan == {
        "Miomaffo Barat": 2,
        "Kota Kefamenanu": 2,
        "Biboki Anleu": 2,
        "Noemuti Timur": 1,
    }


def test_a_column_not_read_is_not_repeated_in_the_result(tmp_path, campaign):
    """The result may be kept (an import job): an address in it would reach the database."""
    lines = [SIAK_HEADER, SIAK_ROWS[1].replace("JL. SONBAI", "JL.\x01SONBAI")]
    result = run(campaign, write(tmp_path, lines))
    assert [(p.column, p.value, p.code) for p in result.problems] == [
        ("ALAMAT", "", "control_character")
    ]
    assert "SONBAI" not in str(dataclasses.asdict(result))


def test_the_page_block_names_each_column_and_what_it_was_read_as(tmp_path, campaign):
    with translation.override("en"):
        result = run(campaign, write(tmp_path, SIAK_ROWS), dry_run=True)
        # As a finished import job keeps it: plain dicts, from JSON.
        columns = dataclasses.asdict(result)["columns"]
        html = render_to_string("includes/_import_columns.html", {"columns": columns})
    assert "<td><code>NAMA_LGKP</code></td><td>name</td>" in html
    assert '<td><code>NO_KK</code></td><td><span class="muted">not read</span></td>' in html
