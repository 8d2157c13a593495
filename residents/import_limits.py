"""Refusing, before reading it, a list too big to import: the zip bomb.

An .xlsx is a zip archive: 6 MB of it can unpack to a million rows and hundreds of megabytes
of XML, which would keep a worker busy for many minutes before any limit on rows was met.
The archive's directory says how much each part unpacks to (Python's zipfile stops reading a
part at that size, so it cannot lie upwards), and the sheet's first bytes say how many rows
it has (`<dimension ref="A1:E1200000"/>`). Both are read in milliseconds, at the upload. The
importer also counts rows as it reads, for a sheet that does not say, and for CSV.
"""

import re
import zipfile
from pathlib import Path

from django.conf import settings
from django.utils.translation import gettext

DIMENSION = re.compile(rb"<(?:\w+:)?dimension\s+ref=\"[A-Z]+\d+:[A-Z]+(\d+)\"")
SHEET_HEAD_BYTES = 64 * 1024


class ImportRefused(Exception):
    """The whole file is refused (its kind, encoding, size or columns); nothing is saved."""

    def __init__(self, code, message):
        super().__init__(message)
        self.code, self.message = code, message


def refuse_unpacking_too_much(file, filename: str) -> int | None:
    """Raise ImportRefused if an .xlsx unpacks to more bytes or rows than the settings allow;
    else return the rows its sheet declares (the header included), if it says.

    `file` is a path or an open binary file; anything that is not a zip archive passes (the
    importer refuses it by its kind)."""
    if Path(filename).suffix.lower() != ".xlsx":
        return None
    max_bytes = settings.RESIDENT_IMPORT_MAX_UNPACKED_MB * 2**20
    try:
        archive = zipfile.ZipFile(file)
    except (zipfile.BadZipFile, OSError):
        return None
    with archive:
        unpacked = sum(part.file_size for part in archive.infolist())
        if unpacked > max_bytes:
            raise ImportRefused(
                "too_large_unpacked",
                gettext(
                    "%(name)s unpacks to %(size)s MB; the limit is %(limit)s MB. Split the file."
                )
                % {"name": filename, "size": unpacked // 2**20, "limit": max_bytes // 2**20},
            )
        rows = _declared_rows(archive)
    max_rows = settings.RESIDENT_IMPORT_MAX_ROWS
    if rows is not None and rows - 1 > max_rows:  # the first row is the header
        raise too_many_rows(filename, max_rows)
    return rows


def too_many_rows(filename: str, max_rows: int) -> ImportRefused:
    return ImportRefused(
        "too_many_rows",
        gettext("%(name)s has more than %(limit)s rows. Split the file.")
        % {"name": filename, "limit": f"{max_rows:,}".replace(",", ".")},
    )


def _declared_rows(archive):
    """The last row of the first sheet as the sheet declares it, or None."""
    sheets = sorted(
        (name for name in archive.namelist() if re.fullmatch(r"xl/worksheets/sheet\d+\.xml", name)),
        key=lambda name: int(re.search(r"\d+", name.rsplit("/", 1)[1]).group()),
    )
    if not sheets:
        return None
    with archive.open(sheets[0]) as sheet:
        head = sheet.read(SHEET_HEAD_BYTES)
    found = DIMENSION.search(head)
    return int(found.group(1)) if found else None
