"""Clean and read an Indonesian NIK (Nomor Induk Kependudukan): pure functions, no database.

A NIK is 16 digits, ``PPKKCC DDMMYY SSSS``: the kecamatan where it was first issued
(``530305`` = ``53.03.05`` Kota Kefamenanu), the birth date (day + 40 for women) and a serial.
It is text, never a number: a float keeps only 53 bits (every Papua NIK is above 2**53) and
Excel keeps only 15 significant digits. This module never turns a NIK into a float.

`parse_nik` is the one entry point for forms, the importer and the admin: it never raises and
returns either an error (refused, with a fix-it message) or the NIK with its flags (accepted and
saved, but shown for review). Every message lives here, as an English msgid with ``%(name)s``
placeholders; codes follow Django's ``ValidationError`` codes.
"""

from __future__ import annotations

import csv
import functools
import re
from collections.abc import Collection, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from numbers import Integral, Number
from pathlib import Path
from typing import Any, Literal, NamedTuple

from django.core.exceptions import ValidationError
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

Sex = Literal["L", "P"]  # laki-laki, perempuan (Dukcapil's letters)

DISTRICTS_CSV = Path(__file__).resolve().parent.parent / "data" / "wilayah" / "districts.csv"

NIK_LENGTH = 16
WAJIB_KTP_AGE = 17

# Every message, by code. Errors refuse the NIK; flags accept it and ask for a review.
MESSAGES = {
    # Errors
    "empty": _("Enter the NIK."),
    "excel_scientific": _(
        "The NIK was turned into a number by Excel (%(value)s) and lost its last digits. "
        "Format the NIK column as Text in the spreadsheet, type or paste the NIKs again, "
        "and export again."
    ),
    "excel_number": _(
        "The NIK was read as a number (%(value)s), which may have lost its last digits. "
        "Format the NIK column as Text in the spreadsheet, type or paste the NIKs again, "
        "and export again."
    ),
    "not_digits": _(
        "A NIK has only digits (spaces and dots are allowed between them); "
        "this one contains %(chars)s."
    ),
    "too_short": _("A NIK has 16 digits; this one has %(count)s. Check for a missing digit."),
    "too_long": _("A NIK has 16 digits; this one has %(count)s. Check for an extra digit."),
    "impossible_date": _(
        "Digits 7 to 12 of a NIK are the birth date (DDMMYY, day + 40 for women); "
        "%(digits)s is not a real date."
    ),
    "serial_zero": _("The last 4 digits of a NIK (its serial number) cannot be 0000."),
    # Flags
    "unknown_region": _(
        "Digits 1 to 6 of the NIK (%(region)s) are not a known kecamatan code. It may be the "
        "old code of a region that was split since; check the NIK against the card."
    ),
    "other_regency": _(
        "The NIK was first issued in %(region)s, outside this campaign's kabupaten "
        "(%(kabupaten)s). A NIK shows where it was first issued, not where the person lives now."
    ),
    "birth_date_mismatch": _(
        "The NIK gives the birth date %(nik_date)s but the list says %(listed_date)s. "
        "A NIK is never reissued: check the list against the card."
    ),
    "sex_mismatch": _(
        "The NIK gives the sex %(nik_sex)s (women have 40 added to the day of birth) "
        "but the list says %(listed_sex)s. Check the list against the card."
    ),
    "excel_trailing_zero": _(
        "This NIK came from a spreadsheet number and ends in 0. Excel keeps only 15 digits, "
        "so its last digit may have been rounded to 0. If it matches no one, format the NIK "
        "column as Text in the spreadsheet and export again."
    ),
}

ERROR_CODES = frozenset(
    {
        "empty",
        "excel_scientific",
        "not_digits",
        "too_short",
        "too_long",
        "impossible_date",
        "serial_zero",
    }
)
FLAG_CODES = frozenset(
    {
        "unknown_region",
        "other_regency",
        "birth_date_mismatch",
        "sex_mismatch",
        "excel_trailing_zero",
    }
)

# Excel's scientific notation, with a decimal comma or point: 5,30305E+15, 5.30305e15, 5E+15.
SCIENTIFIC_NOTATION = re.compile(r"[0-9]+(?:[.,][0-9]*)?[eE][+-]?[0-9]+")
# A 16-digit number written out with a zero fraction (a float exported as text):
# 5303051203900000.0. Only 16 digits before it: "530305120390001.0" is a valid NIK, dotted.
_NUMBER_WITH_FRACTION = re.compile(r"[0-9]{16}[.,]0+")
_DIGITS = re.compile(r"[0-9]+")  # ASCII only: str.isdigit() also accepts "²" and "٣"
_TEXT_MARKERS = "'\u2018\u2019"  # Excel's ' (a phone keyboard may type it curly)
_INVISIBLE = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff"))  # zero-width, BOM


class NikError(ValueError):
    """A refused NIK: ``code`` (as in ``ERROR_CODES``), ``message`` (in the active language)."""

    def __init__(
        self, code: str, params: Mapping[str, Any] | None = None, *, message_key: str = ""
    ):
        self.code = code
        self.params = dict(params or {})
        # A float is refused with the same code as scientific notation, in its own words.
        self._message_key = message_key or code
        super().__init__(code, self.params)

    @property
    def template(self):
        """The lazy msgid, for a ``ValidationError`` that formats it itself."""
        return MESSAGES[self._message_key]

    @property
    def message(self) -> str:
        return str(self.template) % self.params

    def __str__(self) -> str:
        return self.message

    def as_validation_error(self) -> ValidationError:
        """For forms: ``raise check.error.as_validation_error()``."""
        return ValidationError(self.template, code=self.code, params=self.params)


class NikFlag(NamedTuple):
    """A reason to review an accepted NIK: ``code, message = flag`` unpacks it."""

    code: str
    message: str


def _flag(code: str, **params: Any) -> NikFlag:
    return NikFlag(code, str(MESSAGES[code]) % params)


@dataclass(frozen=True)
class NikInfo:
    """What a valid NIK says."""

    nik: str  # the 16 digits
    region: str  # digits 1-6, "530305"
    region_code: str  # the kecamatan code, "53.03.05"
    birth_date: date
    sex: Sex
    serial: str  # digits 13-16, "0001"

    @property
    def regency_code(self) -> str:
        """The kabupaten/kota code, "53.03"."""
        return self.region_code[:5]


@dataclass
class NikCheck:
    """The result of `parse_nik`: either ``error``, or ``nik`` and ``info`` with ``flags``."""

    nik: str | None
    info: NikInfo | None
    error: NikError | None
    flags: list[NikFlag] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.error is None

    @property
    def flag_codes(self) -> list[str]:
        """What to store on the resident (``Resident.flags``)."""
        return [flag.code for flag in self.flags]


@functools.cache
def known_kecamatan_codes() -> frozenset[str]:
    """Every kecamatan code of the bundled Kemendagri data, as 6 digits ("530305").

    Read from ``data/wilayah/districts.csv`` once per process, so callers need no database.
    """
    with DISTRICTS_CSV.open(encoding="utf-8", newline="") as f:
        return frozenset(row["code"].replace(".", "") for row in csv.DictReader(f))


def clean_nik(raw: object) -> str:
    """The 16 digits of a NIK as typed, pasted or read from a spreadsheet; raise `NikError`.

    Takes a str, or an int (a spreadsheet cell read as a whole number). Surrounding whitespace,
    Excel's leading text marker ``'``, and spaces and dots between the digits are removed.
    A float (or Decimal) is refused: it may already have lost digits.
    """
    if type(raw) is str and len(raw) == 16 and raw.isascii() and raw.isdigit():
        return raw  # already clean: the common case, a million times in an import
    if raw is None:
        raise NikError("empty")
    if isinstance(raw, bool):  # an int subclass, but never a NIK
        raise NikError("not_digits", {"chars": _show_chars(str(raw))})
    if isinstance(raw, Number) and not isinstance(raw, Integral):  # float, Decimal
        raise NikError("excel_scientific", {"value": str(raw)}, message_key="excel_number")
    text = str(raw)  # an int is exact, whatever its size

    text = text.translate(_INVISIBLE).strip()
    if text[:1] and text[0] in _TEXT_MARKERS:
        text = text[1:]
    compact = "".join(text.split())  # every kind of space, the no-break space of a paste too
    if not compact.replace(".", ""):
        raise NikError("empty")
    if SCIENTIFIC_NOTATION.fullmatch(compact):
        raise NikError("excel_scientific", {"value": compact})
    if _NUMBER_WITH_FRACTION.fullmatch(compact):
        raise NikError("excel_scientific", {"value": compact}, message_key="excel_number")
    digits = compact.replace(".", "")
    if not _DIGITS.fullmatch(digits):
        raise NikError("not_digits", {"chars": _show_chars(digits)})
    if len(digits) < NIK_LENGTH:
        raise NikError("too_short", {"count": len(digits)})
    if len(digits) > NIK_LENGTH:
        raise NikError("too_long", {"count": len(digits)})
    return digits


def read_nik(nik: str, *, reference_date: date) -> NikInfo:
    """What a NIK says: region, birth date, sex, serial; raise `NikError` if it cannot be.

    The two-digit year gets the latest century that does not put the birth after
    ``reference_date``.
    """
    return _read_clean(clean_nik(nik), reference_date)


def _read_clean(nik: str, reference_date: date) -> NikInfo:
    """read_nik of a NIK that clean_nik has returned."""
    day_digits, month, yy = int(nik[6:8]), int(nik[8:10]), int(nik[10:12])
    sex: Sex = "P" if day_digits > 40 else "L"
    day = day_digits - 40 if sex == "P" else day_digits
    if not (1 <= day <= 31 and 1 <= month <= 12):
        raise NikError("impossible_date", {"digits": nik[6:12]})
    year = reference_date.year - (reference_date.year - yy) % 100
    if (year, month, day) > (reference_date.year, reference_date.month, reference_date.day):
        year -= 100
    try:
        birth_date = date(year, month, day)
    except ValueError:  # 31 April, 29 February of a common year
        raise NikError("impossible_date", {"digits": nik[6:12]}) from None
    if nik[12:] == "0000":
        raise NikError("serial_zero")
    region = nik[:6]
    return NikInfo(
        nik=nik,
        region=region,
        region_code=_dotted(region),
        birth_date=birth_date,
        sex=sex,
        serial=nik[12:],
    )


def format_nik(nik: NikInfo | str, *, grouped: bool = False) -> str:
    """The canonical 16 digits (``grouped``: "5303 0512 0390 0001", for reading aloud).

    From a `NikInfo` the digits are rebuilt from its parts, so clean -> read -> format
    gives back the NIK.
    """
    if isinstance(nik, NikInfo):
        birth, day = nik.birth_date, nik.birth_date.day + (40 if nik.sex == "P" else 0)
        digits = f"{nik.region}{day:02d}{birth.month:02d}{birth.year % 100:02d}{nik.serial}"
    else:
        digits = clean_nik(nik)
    if grouped:
        return " ".join(digits[i : i + 4] for i in range(0, NIK_LENGTH, 4))
    return digits


def parse_nik(
    raw: object,
    *,
    reference_date: date,
    kabupaten_code: str | None = None,
    listed_birth_date: date | None = None,
    listed_sex: str | None = None,
    known_regions: Collection[str] | None = None,
    may_be_rounded: bool | None = None,
) -> NikCheck:
    """Clean, read and check a NIK for forms, the importer and the admin. Never raises.

    - ``kabupaten_code`` ("53.03" or "5303"): flag a NIK first issued in another one.
    - ``listed_birth_date``, ``listed_sex`` ("L"/"P", or "Laki-laki"/"Perempuan"): flag
      a NIK that disagrees with the list (other values of ``listed_sex`` are not compared).
    - ``known_regions``: 6-digit kecamatan codes; `known_kecamatan_codes` by default.
    - ``may_be_rounded``: the NIK came from a spreadsheet number, so a final 0 may be Excel's
      rounding; by default, true for an int. Whether it "matches no one" is the caller's call.
    """
    try:
        info = _read_clean(clean_nik(raw), reference_date)
    except NikError as error:
        return NikCheck(nik=None, info=None, error=error)

    flags = []
    known = known_kecamatan_codes() if known_regions is None else known_regions
    if info.region not in known:
        flags.append(_flag("unknown_region", region=info.region_code))
    elif kabupaten_code and info.region[:4] != kabupaten_code.replace(".", "").strip():
        flags.append(
            _flag("other_regency", region=info.region_code, kabupaten=_dotted(kabupaten_code))
        )
    if listed_birth_date is not None:
        if isinstance(listed_birth_date, datetime):
            listed_birth_date = listed_birth_date.date()
        if listed_birth_date != info.birth_date:
            flags.append(
                _flag(
                    "birth_date_mismatch",
                    nik_date=date_format(info.birth_date),
                    listed_date=date_format(listed_birth_date),
                )
            )
    listed = _sex_letter(listed_sex)
    if listed is not None and listed != info.sex:
        flags.append(_flag("sex_mismatch", nik_sex=info.sex, listed_sex=listed))
    if may_be_rounded is None:
        may_be_rounded = isinstance(raw, Integral) and not isinstance(raw, bool)
    if may_be_rounded and info.nik.endswith("0"):
        flags.append(_flag("excel_trailing_zero"))
    return NikCheck(nik=info.nik, info=info, error=None, flags=flags)


def mask_nik(nik: str) -> str:
    """What a koordinator sees: "53xxxxxxxxxx1234" (province and serial only, UU 27/2022).

    Region, birth date and sex are personal data too. Anything that is not a valid 16-digit
    NIK is masked whole.
    """
    try:
        digits = clean_nik(nik)
    except NikError:
        return "x" * NIK_LENGTH
    return f"{digits[:2]}{'x' * 10}{digits[-4:]}"


# 16 digits or more, perhaps grouped as people type them: up to three characters that are
# neither letters nor digits between two digits ("5303 0512", "5303-0512", "53.03.05/",
# "5303:0512", "5303|0512", "(5303)0512", an em dash, a zero-width space). A longer run is
# masked too: it may hold a NIK with a typo. \d also matches other scripts' digits (٣, ３).
NIK_IN_TEXT = re.compile(r"(?<!\d)\d(?:[\W_]{0,3}\d){15,}(?!\d)")


def mask_niks_in_text(text) -> str:
    """Free text (a note, a reason) with every NIK in it masked, however it was grouped."""

    def mask(match):
        digits = "".join(_DIGITS.findall(match.group()))
        if len(digits) == NIK_LENGTH:
            return mask_nik(digits)
        return "x" * NIK_LENGTH

    return NIK_IN_TEXT.sub(mask, str(text or ""))


def age_on(birth_date: date, day: date) -> int:
    """Completed years on ``day``. Born 29 February: a year older on 1 March of a common year."""
    return day.year - birth_date.year - ((day.month, day.day) < (birth_date.month, birth_date.day))


def is_wajib_ktp(birth_date: date, reference_date: date, married: bool = False) -> bool:
    """Must have an e-KTP: 17 or older on ``reference_date``, or married (at any age)."""
    return married or age_on(birth_date, reference_date) >= WAJIB_KTP_AGE


def is_pemilih_pemula(birth_date: date, campaign_start: date, election_date: date) -> bool:
    """A first-time voter: 17 by election day, but not yet 17 when the campaign started."""
    return (
        age_on(birth_date, election_date) >= WAJIB_KTP_AGE
        and age_on(birth_date, campaign_start) < WAJIB_KTP_AGE
    )


@functools.lru_cache(maxsize=4096)  # region codes repeat: every row of an import asks
def _dotted(code: str) -> str:
    """ "530305" -> "53.03.05"; "5303" -> "53.03" (dotted input is kept)."""
    digits = code.replace(".", "").strip()
    return ".".join(digits[i : i + 2] for i in range(0, len(digits), 2))


def _sex_letter(value: str | None) -> Sex | None:
    if value == "L" or value == "P":
        return value  # as the importer passes it, a million times
    text = (value or "").strip().upper().replace(" ", "-")
    if text in {"L", "LAKI-LAKI", "LAKI"}:
        return "L"
    if text in {"P", "PEREMPUAN", "WANITA"}:
        return "P"
    return None


def _show_chars(text: str) -> str:
    """The characters that are not digits, as people can read them: "-", "/", U+00A0."""
    seen = dict.fromkeys(c for c in text if not ("0" <= c <= "9"))
    return ", ".join(
        f'"{c}"' if c.isprintable() and not c.isspace() else f"U+{ord(c):04X}" for c in seen
    )
