"""Importing the backlog list from Dukcapil's export: CSV (UTF-8, comma or semicolon) or .xlsx.

One streaming pass inside a transaction: each row is checked (the NIK by residents.nik),
good rows are saved in batches, bad ones are listed with their line, column and reason.
A dry run is the same pass rolled back, so it reports exactly what the save would do.
The save keeps the good rows, skips the refused ones, and writes a baseline ledger entry
per kecamatan; a file that cannot be read (wrong kind, encoding or size) saves nothing.
"""

import csv
import datetime
import io
import json
import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings
from django.db import connection, transaction
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from campaigns.models import Campaign
from regions.models import Desa
from residents import import_limits
from residents import nik as niks
from residents.import_limits import ImportRefused  # where callers have always found it
from residents.models import Resident
from residents.services import backlog_baselines_create

BATCH_SIZE = 5000
MAX_LISTED = 500  # problems listed one by one; all are counted
PROGRESS_ROWS = 1000  # how often a progress callback hears of the rows read
MAX_BYTES = getattr(settings, "RESIDENT_IMPORT_MAX_BYTES", 100 * 1024 * 1024)

# Column names as hand-made spreadsheets and SIAK (Dukcapil's own system) write them, matched
# in lower case with underscores as spaces: SIAK's NAMA_LGKP is "nama lgkp". Other columns
# (NO_KK, TMPT_LHR, ALAMAT, NO_RT, NO_RW, ...) are not read: the work does not need them.
HEADERS = {
    "nik": ["nik", "no nik", "nomor nik", "nomor induk kependudukan"],
    "name": ["nama", "nama lengkap", "name", "nama lgkp"],
    "sex": ["jk", "jenis kelamin", "l/p", "sex", "kelamin", "jenis klmin", "jns klmin"],
    "birth_date": ["tgl lahir", "tanggal lahir", "tgl. lahir", "birth date", "tgl lhr"],
    "desa": ["desa", "kelurahan", "desa/kelurahan", "desa / kelurahan", "kode desa",
             "kode wilayah", "nama kel", "nama kelurahan", "nama desa"],
    "marital_status": ["status kawin", "status perkawinan", "kawin", "stat kwn", "status kwn"],
    # SIAK gives the desa as four numbers (53, 3, 2, 2005 for 53.03.02.2005) ...
    "province_no": ["no prop", "no propinsi", "no provinsi"],
    "kabupaten_no": ["no kab", "no kabupaten"],
    "kecamatan_no": ["no kec", "no kecamatan"],
    "desa_no": ["no kel", "no kelurahan", "no desa"],
    # ... and the kecamatan's name, which tells apart desa of the same name.
    "kecamatan": ["kecamatan", "nama kec", "nama kecamatan"],
}  # fmt: skip
REQUIRED = ["nik", "name", "desa"]
LABELS = {
    "nik": _("NIK"),
    "name": _("name"),
    "sex": _("sex"),
    "birth_date": _("birth date"),
    "desa": _("desa"),
    "marital_status": _("marital status"),
    "province_no": _("province number"),
    "kabupaten_no": _("kabupaten number"),
    "kecamatan_no": _("kecamatan number"),
    "desa_no": _("desa number"),
    "kecamatan": _("kecamatan"),
}
MISSING = {"desa": _("desa (a name or code, or the numbers NO_KEC and NO_KEL)")}
# What the dry run says each column was read as.
READ_AS = {
    **LABELS,
    "sex": _("sex (L or P; 1 male, 2 female)"),
    "birth_date": _("birth date (day, month, year)"),
    "desa": _("desa (name or code)"),
    "marital_status": _("marital status (1 belum kawin, 2 kawin, 3 cerai hidup, 4 cerai mati)"),
    "province_no": _("province number of the desa code (the campaign's if absent)"),
    "kabupaten_no": _("kabupaten number of the desa code (the campaign's if absent)"),
    "kecamatan_no": _("kecamatan number of the desa code"),
    "desa_no": _("desa number of the desa code"),
    "kecamatan": _("kecamatan name, to find the desa by its name"),
}
# The desa code from SIAK's numbers: each zero-padded to its width, 53.03.02.2005.
REGION_NUMBERS = {"province_no": 2, "kabupaten_no": 2, "kecamatan_no": 2, "desa_no": 4}
SEXES = {
    "l": "L", "lk": "L", "laki-laki": "L", "laki laki": "L", "pria": "L", "m": "L", "1": "L",
    "p": "P", "pr": "P", "perempuan": "P", "wanita": "P", "f": "P", "2": "P",
}  # fmt: skip
MARITAL = {
    "belum kawin": "belum_kawin", "kawin": "kawin", "cerai hidup": "cerai_hidup",
    "cerai mati": "cerai_mati", "kawin tercatat": "kawin", "kawin belum tercatat": "kawin",
    "1": "belum_kawin", "2": "kawin", "3": "cerai_hidup", "4": "cerai_mati",  # SIAK's codes
}  # fmt: skip
# Control characters no cell of the list may hold: PostgreSQL's text refuses NUL; the others
# are invisible, and most cannot go into XML (.xlsx). Tab and line breaks are ordinary text.
CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
DAY_MONTH_YEAR = re.compile(r"(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})")
DATE_FORMATS = ["%Y-%m-%d"]


@dataclass
class Problem:
    line: int
    column: str
    value: str
    code: str
    message: str
    refused: bool  # refused rows are not saved; flagged ones are, for review


@dataclass
class ColumnRead:
    """One column of the file's header row and what the import read it as ("" for not read)."""

    column: str
    read_as: str


@dataclass
class ImportResult:
    filename: str
    dry_run: bool
    rows: int = 0
    accepted: int = 0
    refused: int = 0
    flagged: int = 0
    problems: list[Problem] = field(default_factory=list)
    columns: list[ColumnRead] = field(default_factory=list)  # the header, left to right
    per_kecamatan: Counter = field(default_factory=Counter)  # kecamatan name -> accepted rows

    @property
    def kecamatan_counts(self):
        """(name, rows) largest first; templates cannot call Counter.most_common."""
        return self.per_kecamatan.most_common()

    @property
    def saved(self):
        return not self.dry_run and self.accepted > 0


def residents_import(
    *,
    campaign: Campaign,
    path: Path,
    filename: str,
    by,
    dry_run: bool,
    progress=None,
    refused_rows=None,
) -> ImportResult:
    """Check (and unless dry_run, save) the residents of a file for a campaign.

    progress(result), if given, is called every PROGRESS_ROWS rows read with the counts so
    far. refused_rows(line, values, problems), if given, receives the header (line 1, no
    problems), then every refused row with its cells as read and the reasons.
    """
    # The name goes into the baseline's note; on the save it comes from a form field.
    filename = CONTROL_CHARACTERS.sub("", filename)
    size = path.stat().st_size
    if size > MAX_BYTES:
        raise ImportRefused(
            "too_large",
            gettext("%(name)s is %(size)s MB; the limit is %(limit)s MB. Split the file.")
            % {"name": filename, "size": size // 2**20, "limit": MAX_BYTES // 2**20},
        )

    import_limits.refuse_unpacking_too_much(path, filename)
    result = ImportResult(filename=filename, dry_run=dry_run)
    with path.open("rb") as binary, transaction.atomic():
        rows = _rows(binary, filename)
        header = next(rows, (0, []))[1]
        columns = _columns(header, filename)
        column_names = _column_names(header, columns)
        result.columns = _columns_read(header, columns)
        checker = _RowChecker(campaign)
        checker.on_refused = refused_rows
        checker.text_cells = Path(filename).suffix.lower() != ".xlsx"
        if refused_rows:
            refused_rows(1, header, [])
        with _Saver(checker, result) as saver:
            _read(rows, checker, saver, result, columns, column_names, progress, refused_rows)
        _baseline(campaign, checker, result, by)
        if dry_run:
            transaction.set_rollback(True)
        else:
            _audit(campaign, result, by)
    return result


def _read(rows, checker, saver, result, columns, column_names, progress, refused_rows):
    """Check each row, hand the good ones to the saver, list the refused ones."""
    max_rows = settings.RESIDENT_IMPORT_MAX_ROWS
    picked, width = list(columns.items()), max(columns.values()) + 1
    for line, values in rows:
        first = values[0] if values else None
        if not (type(first) is str and first.strip()) and not any(_text(v) for v in values):
            continue  # blank lines
        result.rows += 1
        if result.rows > max_rows:
            raise import_limits.too_many_rows(result.filename, max_rows)
        if progress and result.rows % PROGRESS_ROWS == 0:
            progress(result)
        problems = _control_characters(line, values, column_names, columns)
        if problems:
            resident = None
        else:
            if len(values) >= width:  # the usual row: every column read is there
                raw = {key: values[index] for key, index in picked}
            else:
                raw = _pick(values, columns)
            resident, problems = checker.check(line, raw)
        for problem in problems:
            if len(result.problems) < MAX_LISTED:
                result.problems.append(problem)
        if resident is None:
            result.refused += 1
            if refused_rows:
                refused_rows(line, values, problems)
            continue
        if refused_rows:
            resident.values = values  # a duplicate of an earlier batch is refused later
        result.flagged += bool(problems)
        saver.add(resident)


def _rows(binary, filename):
    """(line number, list of cell values) for every row, the header first, streaming."""
    head = binary.read(8)
    binary.seek(0)
    suffix = Path(filename).suffix.lower()
    if suffix == ".xlsx":
        if not head.startswith(b"PK\x03\x04"):
            raise _wrong_kind(filename)
        return _xlsx_rows(binary, filename)
    if suffix in (".csv", ".txt"):
        if head.startswith((b"PK\x03\x04", b"\xd0\xcf\x11\xe0")) or b"\x00" in head:
            raise _wrong_kind(filename)
        return _csv_rows(binary, filename)
    raise _wrong_kind(filename)


def _wrong_kind(filename):
    return ImportRefused(
        "wrong_kind",
        gettext(
            "%(name)s is not a CSV or .xlsx file. In Excel, use Save As: "
            "'CSV UTF-8 (Comma delimited)' or 'Excel Workbook (.xlsx)'."
        )
        % {"name": filename},
    )


def _csv_rows(binary, filename):
    text = io.TextIOWrapper(binary, encoding="utf-8-sig", newline="")
    try:
        first = text.readline()
        delimiter = max([",", ";", "\t"], key=first.count)
        yield 1, next(csv.reader([first], delimiter=delimiter), [])
        reader = csv.reader(text, delimiter=delimiter)
        for row in reader:
            yield reader.line_num + 1, row  # line_num counts quoted line breaks too
    except UnicodeDecodeError as error:
        raise ImportRefused(
            "encoding",
            gettext(
                "%(name)s is not in UTF-8 (byte %(position)s). In Excel, save it as "
                "'CSV UTF-8 (Comma delimited)' and upload it again."
            )
            % {"name": filename, "position": error.start},
        ) from None
    except csv.Error as error:
        raise ImportRefused("unreadable", f"{filename}: {error}") from None


def _xlsx_rows(binary, filename):
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(binary, read_only=True, data_only=True)
    except Exception:  # openpyxl raises many kinds for a damaged file
        raise _wrong_kind(filename) from None
    try:
        for line, row in enumerate(workbook.worksheets[0].iter_rows(values_only=True), start=1):
            yield line, list(row)
    except Exception:  # a damaged sheet, e.g. a NUL (&#0;) that XML does not allow
        raise _wrong_kind(filename) from None
    finally:
        workbook.close()


def _columns(header, filename):
    """Which column holds which field, matching header names leniently."""
    wanted = {_header(name): key for key, names in HEADERS.items() for name in names}
    columns = {}
    for index, name in enumerate(header):
        key = wanted.get(_header(_text(name)))
        if key and key not in columns:
            columns[key] = index
    found = set(columns)
    if {"kecamatan_no", "desa_no"} <= found:
        found.add("desa")  # SIAK's numbers make the desa code
    missing = [str(MISSING.get(key, LABELS[key])) for key in REQUIRED if key not in found]
    if missing:
        raise ImportRefused(
            "missing_columns",
            gettext("%(name)s has no column for: %(missing)s. The first row must name the columns.")
            % {"name": filename, "missing": ", ".join(missing)},
        )
    return columns


def _columns_read(header, columns):
    """Each named column of the header and what it is read as, for the dry run to show."""
    keys = {index: key for key, index in columns.items()}
    by_name = "desa" in keys.values() and "desa_no" in columns  # names only where no numbers
    read = []
    for index, name in enumerate(header):
        text = CONTROL_CHARACTERS.sub("", _text(name))
        if not text:
            continue
        key = keys.get(index)
        if key is None:
            read_as = ""
        elif key == "desa" and by_name:
            read_as = gettext("desa by name, where the row has no desa number")
        else:
            read_as = str(READ_AS[key])
        read.append(ColumnRead(text, read_as))
    return read


def _column_names(header, columns):
    """What to call each column in a problem: our label, else the file's header, else its
    letter (A, B, ...)."""
    names = {index: str(LABELS[key]) for key, index in columns.items()}

    def name(index):
        if index in names:
            return names[index]
        text = CONTROL_CHARACTERS.sub("", _text(header[index])) if index < len(header) else ""
        return text or _column_letter(index)

    return name


def _column_letter(index):
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(ord("A") + rest) + letters
    return letters


def _control_characters(line, values, column_name, columns):
    """A problem for each cell with a control character: the row is refused.

    The value is shown only for the columns read: the others (NO_KK, ALAMAT) stay out of
    the result, which an import job keeps in the database."""
    try:
        joined = "".join(values)  # a CSV's row: text only
    except TypeError:  # a spreadsheet's numbers and dates
        joined = "".join(v for v in values if isinstance(v, str))
    if not CONTROL_CHARACTERS.search(joined):
        return []  # one search a row: a million rows pass here
    problems = []
    for index, value in enumerate(values):
        text = value if isinstance(value, str) else ""
        found = CONTROL_CHARACTERS.search(text)
        if found:
            message = gettext(
                "This cell holds an invisible control character (%(code)s), which cannot be "
                "saved. Delete it or retype the cell, then import again."
            ) % {"code": f"U+{ord(found.group()):04X}"}
            shown = ""
            if index in columns.values():
                shown = CONTROL_CHARACTERS.sub("\N{REPLACEMENT CHARACTER}", text).strip()
            problems.append(
                Problem(line, column_name(index), shown, "control_character", message, True)
            )
    return problems


def _pick(values, columns):
    """The row's cells by field: only the columns read, so nothing else goes any further."""
    return {key: values[index] if index < len(values) else None for key, index in columns.items()}


class _RowChecker:
    """Checks one row at a time against the campaign.

    NIKs seen are remembered only for the current batch (memory must not grow with the file);
    a NIK from an earlier batch is found in the database, where this import already put it.
    """

    def __init__(self, campaign):
        self.campaign = campaign
        self.seen = {}  # NIK -> line, within the current batch
        self.desa_by_code, self.desa_by_name = {}, {}
        desa = Desa.objects.filter(kecamatan__kabupaten=campaign.kabupaten).select_related(
            "kecamatan"
        )
        for d in desa:
            self.desa_by_code[d.code.replace(".", "")] = d
            self.desa_by_name.setdefault(_normal(d.name, squeeze=True), []).append(d)
        self.kecamatan_names = {d.kecamatan_id: d.kecamatan.name for d in desa}
        # "53.03" -> NO_PROP 53, NO_KAB 03, for a SIAK file without them
        self.kabupaten_numbers = dict(
            zip(["province_no", "kabupaten_no"], campaign.kabupaten_id.split("."), strict=True)
        )
        self.accepted_per_kecamatan = Counter()
        # What a cell's text was read as: a list has few distinct dates, desa and statuses,
        # and reading each again for every row is most of an import's time. Bounded.
        self.dates, self.desa_found, self.married = {}, {}, {}
        self.text_cells = False  # every cell is text (a CSV): the desa found are remembered

    def check(self, line, raw):
        problems = []

        def problem(key, code, message, refused=True, value=None):
            value = _text(raw.get(key)) if value is None else value
            problems.append(Problem(line, str(LABELS[key]), value, code, str(message), refused))

        listed_birth = _cached(self.dates, raw.get("birth_date"), _date)
        if raw.get("birth_date") not in (None, "") and listed_birth is None:
            problem("birth_date", "bad_date", gettext("Not a date: write 23/01/2007."))
        listed_sex = SEXES.get(_text(raw.get("sex")).lower())
        check = niks.parse_nik(
            raw.get("nik"),
            reference_date=self.campaign.start_date,
            kabupaten_code=self.campaign.kabupaten_id,
            listed_birth_date=listed_birth,
            listed_sex=listed_sex,
        )
        if check.error:
            problem("nik", check.error.code, check.error.message)
        else:
            for flag in check.flags:
                problem("nik", flag.code, flag.message, refused=False)
            if check.nik in self.seen:
                problem(
                    "nik",
                    "duplicate_in_file",
                    gettext("The same NIK is on line %(line)s.") % {"line": self.seen[check.nik]},
                )
            else:
                self.seen[check.nik] = line
        name = _text(raw.get("name"))
        if not name:
            problem("name", "required", gettext("The name is empty."))
        desa = self._desa(raw, problem)
        if problems and any(p.refused for p in problems):
            return None, problems
        info = check.info
        birth_date = listed_birth or info.birth_date
        married = _cached(self.married, raw.get("marital_status"), _marital)
        if not niks.is_wajib_ktp(
            birth_date, self.campaign.election_date, married=married == "kawin"
        ):
            problem(
                "birth_date",
                "too_young",
                gettext("Not 17 by the election and not married: not wajib KTP yet."),
                refused=False,
            )
        resident = _Row(
            line=line,
            nik=check.nik,
            name=name[:200],
            sex=listed_sex or info.sex,
            birth_date=birth_date,
            marital_status=married,
            desa_id=desa.code,
            kecamatan_id=desa.kecamatan_id,
            flags=[p.code for p in problems],
        )
        return resident, problems

    def _desa(self, raw, problem):
        """The desa by SIAK's numbers when the row has them, else by its code or name."""
        get = raw.get
        key = (get("desa_no"), get("kecamatan_no"), get("kabupaten_no"), get("province_no"),
               get("desa"), get("kecamatan"))  # fmt: skip
        if not self.text_cells:  # a spreadsheet's 3 and 3.0 (or True and 1) are equal keys
            return self._find_desa(raw, problem)
        desa = self.desa_found.get(key)
        if desa is None:
            desa = self._find_desa(raw, problem)
            if desa is not None:  # only what was found: each refusal has its own message
                _remember(self.desa_found, key, desa)
        return desa

    def _find_desa(self, raw, problem):
        if _text(raw.get("desa_no")):
            return self._desa_by_numbers(raw, problem)
        text = _text(raw.get("desa"))
        by_code = self.desa_by_code.get(text.replace(".", "").replace(" ", ""))
        if by_code:
            return by_code
        matches = self.desa_by_name.get(_normal(text, squeeze=True), [])
        kecamatan = _text(raw.get("kecamatan"))
        if matches and kecamatan:
            key = _kecamatan_key(kecamatan)
            matches = [d for d in matches if _kecamatan_key(d.kecamatan.name) == key]
            if not matches:
                problem(
                    "desa",
                    "desa_not_in_kecamatan",
                    gettext("Kecamatan %(kecamatan)s has no desa %(name)s.")
                    % {"kecamatan": kecamatan, "name": text},
                )
                return None
        if len(matches) == 1:
            return matches[0]
        if matches:
            problem(
                "desa",
                "ambiguous_desa",
                gettext("%(count)s desa are called %(name)s here: write the desa code.")
                % {"count": len(matches), "name": text},
            )
        else:
            problem(
                "desa",
                "unknown_desa",
                gettext("No desa %(name)s in %(kabupaten)s.")
                % {"name": text or "—", "kabupaten": self.campaign.kabupaten.name},
            )
        return None

    def _desa_by_numbers(self, raw, problem):
        """SIAK's NO_PROP, NO_KAB, NO_KEC and NO_KEL: 53, 3, 2, 2005 is desa 53.03.02.2005.
        Without a province or kabupaten number, the campaign's is meant."""
        parts = []
        for key, width in REGION_NUMBERS.items():
            value = raw.get(key)
            if key in self.kabupaten_numbers and not _text(value):
                value = self.kabupaten_numbers[key]
            number = _region_number(value, width)
            if number is None:
                problem(
                    key,
                    "bad_region_number",
                    gettext("Not a number of at most %(digits)s digits.") % {"digits": width},
                )
                return None
            parts.append(number)
        code = ".".join(parts)
        desa = self.desa_by_code.get(code.replace(".", ""))
        if desa is None:
            problem(
                "desa",
                "unknown_desa",
                gettext("No desa %(name)s in %(kabupaten)s.")
                % {"name": code, "kabupaten": self.campaign.kabupaten.name},
                value=code,
            )
        return desa


CACHE_SIZE = 50_000  # distinct cells remembered per kind; memory must stay flat


def _remember(cache, key, value):
    if len(cache) >= CACHE_SIZE:
        cache.clear()
    cache[key] = value


def _cached(cache, value, read):
    """read(value), remembered in cache by the cell's text (a spreadsheet's 2 and 2.0 are
    equal keys that read differently: numbers, dates and empty cells are read each time)."""
    if type(value) is not str:
        return read(value)
    try:
        return cache[value]
    except KeyError:
        found = read(value)
        _remember(cache, value, found)
        return found


def _marital(value):
    return MARITAL.get(_normal(_text(value)), "")


@dataclass(slots=True)
class _Row:
    """A good row, lighter than a model instance: a million of them pass through."""

    line: int
    nik: str
    name: str
    sex: str
    birth_date: datetime.date
    marital_status: str
    desa_id: str
    kecamatan_id: str
    flags: list
    values: list | None = None  # the cells as read, kept only for refused_rows


COLUMNS = ["campaign_id", "nik", "name", "sex", "birth_date", "marital_status", "desa_id",
           "status", "flags"]  # fmt: skip


class _Saver:
    """Saves the good rows as they come, refusing NIKs already in the campaign's list.

    Every NIK saved, and every NIK of the campaign's list before the import, is marked in a
    Bloom filter: a fixed array of bits (8 MB), so memory does not grow with the file. A NIK
    it has not marked is new for certain and is written at once: on PostgreSQL into one COPY
    that stays open, so that the database stores rows while the next ones are checked. A NIK
    it may have marked waits; each BATCH_SIZE of those are looked up in the database (which
    by then holds every row written) and refused there, or saved. About one in a thousand
    new NIKs waits for nothing (the filter's false positives): a million rows, one look-up.
    """

    BITS = 26  # 2**26 bits, 8 MB; each NIK sets two, from two parts of its 64-bit hash

    def __init__(self, checker, result):
        self.checker, self.result, self.campaign = checker, result, checker.campaign
        self.bits = bytearray(2**self.BITS // 8)
        self.campaign_id, self.status = self.campaign.pk, str(Resident.Status.UNRECORDED)
        self.waiting = []  # rows whose NIK may be in the list already
        self.pending = []  # rows written but not yet sent (SQLite's bulk_create)
        self.added = 0
        self.postgresql = connection.vendor == "postgresql"
        self.cursor = self.copying = self.copy = None

    def __enter__(self):
        for nik in (
            Resident.objects.filter(campaign=self.campaign)
            .values_list("nik", flat=True)
            .iterator(chunk_size=10_000)
        ):
            self._marked(nik)
        return self

    def __exit__(self, exc_type, exc, traceback):
        if exc_type is None:
            self._settle()
        self._flush(exc)  # an error cancels an open COPY, so the transaction can roll back

    def add(self, row):
        self.added += 1
        if self.added % BATCH_SIZE == 0:
            self.checker.seen.clear()  # NIKs further back are the filter's to find
        if self._marked(row.nik):
            self.waiting.append(row)
            if len(self.waiting) >= BATCH_SIZE:
                self._settle()
        else:
            self._write(row)

    def _marked(self, nik):
        """Whether the filter may have seen nik before; marks it."""
        bits, mask, hashed = self.bits, 2**self.BITS - 1, hash(nik)
        one, two = hashed & mask, (hashed >> self.BITS) & mask
        byte_one, bit_one, byte_two, bit_two = one >> 3, 1 << (one & 7), two >> 3, 1 << (two & 7)
        if bits[byte_one] & bit_one and bits[byte_two] & bit_two:
            return True
        bits[byte_one] |= bit_one
        bits[byte_two] |= bit_two
        return False

    def _write(self, row):
        if self.postgresql:
            if self.copy is None:
                # COPY is several times faster than INSERT for a million rows.
                self.cursor = connection.cursor()
                self.copying = self.cursor.cursor.copy(
                    f"COPY {Resident._meta.db_table} ({', '.join(COLUMNS)}) FROM STDIN"
                )
                self.copy = self.copying.__enter__()
            self.copy.write_row(
                (self.campaign_id, row.nik, row.name, row.sex, row.birth_date,
                 row.marital_status, row.desa_id, self.status,
                 json.dumps(row.flags) if row.flags else "[]")
            )  # fmt: skip
        else:
            self.pending.append(row)
            if len(self.pending) >= BATCH_SIZE:
                self._flush()
        self.checker.accepted_per_kecamatan[row.kecamatan_id] += 1
        self.result.accepted += 1

    def _flush(self, exc=None):
        """Every row written into the database, where a query finds it."""
        if self.copy is not None:
            self.copy = None
            try:
                self.copying.__exit__(type(exc) if exc else None, exc, None)
            finally:
                self.cursor.close()
        if self.pending and exc is None:
            Resident.objects.bulk_create(
                Resident(
                    campaign=self.campaign, nik=r.nik, name=r.name, sex=r.sex,
                    birth_date=r.birth_date, marital_status=r.marital_status,
                    desa_id=r.desa_id, flags=r.flags,
                )
                for r in self.pending
            )  # fmt: skip
        self.pending = []

    def _settle(self):
        """The waiting rows: refused if their NIK is in the list (or earlier in the file)."""
        rows, self.waiting = self.waiting, []
        if not rows:
            return
        self._flush()
        taken = set(
            Resident.objects.filter(
                campaign=self.campaign, nik__in=[r.nik for r in rows]
            ).values_list("nik", flat=True)
        )
        message = gettext("This NIK is already in the campaign's list, or earlier in the file.")
        for row in rows:  # in the file's order: the first of two is saved
            if row.nik not in taken:
                taken.add(row.nik)
                self._write(row)
                continue
            self.result.refused += 1
            problem = Problem(row.line, str(LABELS["nik"]), row.nik, "duplicate_nik", message, True)
            if len(self.result.problems) < MAX_LISTED:
                self.result.problems.append(problem)
            if self.checker.on_refused:
                self.checker.on_refused(row.line, row.values, [problem])
        self._flush()


def _baseline(campaign, checker, result, by):
    """The imported residents enter the backlog at the campaign's start, per kecamatan."""
    backlog_baselines_create(
        campaign=campaign,
        counts=checker.accepted_per_kecamatan,
        note=gettext("Import of %(file)s") % {"file": result.filename},
        by=by,
    )
    result.per_kecamatan = Counter(
        {checker.kecamatan_names[k]: n for k, n in checker.accepted_per_kecamatan.items()}
    )


def _text(value):
    if type(value) is str:
        return value.strip()  # a CSV's cells: the common case, a dozen times a row
    if value is None:
        return ""
    if isinstance(value, (datetime.date, datetime.datetime)):
        return value.strftime("%d/%m/%Y")
    return str(value).strip()


def _header(text):
    """A header name to match: SIAK's NAMA_LGKP is 'nama lgkp'."""
    return _normal(str(text).replace("_", " "))


def _normal(text, squeeze=False):
    """Lower case, single spaces; with squeeze, letters and digits only ('N i a n' = 'Nian')."""
    text = re.sub(r"\s+", " ", str(text).strip().lower())
    return re.sub(r"[^0-9a-z]", "", text) if squeeze else text


def _kecamatan_key(name):
    """'Kec. Kota Kefamenanu', 'KOTA KEFAMENANU' and 'Kota Kefamenanu' are one kecamatan."""
    return _normal(re.sub(r"^\s*(kecamatan|kec\.?)\s+", "", str(name), flags=re.I), squeeze=True)


def _region_number(value, width):
    """A region number as SIAK writes it (3, '3' or '03') zero-padded to width; else None."""
    if isinstance(value, float) and value.is_integer():
        value = int(value)  # a spreadsheet's number cell
    text = _text(value)
    if not re.fullmatch(r"[0-9]+", text) or int(text) >= 10**width:
        return None
    return f"{int(text):0{width}d}"


def _date(value):
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    text = _text(value)
    if match := DAY_MONTH_YEAR.fullmatch(text):  # 23/01/2007, the usual spelling, fast
        day, month, year = map(int, match.groups())
        try:
            return datetime.date(year, month, day)
        except ValueError:
            return None
    for pattern in DATE_FORMATS:
        try:
            return datetime.datetime.strptime(text, pattern).date()
        except ValueError:
            continue
    return None


def _audit(campaign, result, by):
    """The save in the audit log, in its transaction: who imported which file, and how much."""
    from campaigns.audit import audit_record
    from campaigns.models import AuditEntry

    description = gettext("%(file)s: %(accepted)s residents imported, %(refused)s rows refused")
    params = {"accepted": result.accepted, "refused": result.refused}
    audit_record(
        action=AuditEntry.Action.IMPORT,
        description=description % {"file": niks.mask_niks_in_text(result.filename), **params},
        user=by,
        campaign=campaign,
    )
