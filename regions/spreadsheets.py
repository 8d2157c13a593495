"""A CSV file as Excel opens it, in columns, for the user's language.

Excel splits a CSV on the list separator of the computer's regional settings: a comma where
the decimal mark is a point (English), a semicolon where it is a comma (Indonesian), and
reads numbers with that decimal mark; a CSV written the other way opens as one column. The
interface's language stands for those settings: semicolons and decimal commas in Indonesian,
commas and decimal points in English. UTF-8 with a BOM, without which Excel misreads names.

Not about regions: it sits on the lowest floor so that every app above can use it (residents'
invitation lists, reports' tables and roll-ups).
"""

import csv
from dataclasses import dataclass
from decimal import Decimal

from django.utils.translation import get_language

BOM = "\ufeff"


@dataclass(frozen=True)
class ExcelCsv:
    delimiter: str
    decimal_mark: str

    def writer(self, out):
        """A csv writer on `out` (a text stream), after writing the BOM."""
        out.write(BOM)
        return csv.writer(out, delimiter=self.delimiter, lineterminator="\r\n")

    def cell(self, value):
        """A fraction with this language's decimal mark (14,12), never in exponent form;
        anything else as it is (whole numbers plain, dates ISO: Excel reads both anywhere)."""
        if isinstance(value, float | Decimal):
            return format(Decimal(str(value)), "f").replace(".", self.decimal_mark)
        return value

    def writerow(self, writer, row):
        writer.writerow([self.cell(value) for value in row])


def excel_csv(language: str | None = None) -> ExcelCsv:
    """The CSV form for `language` (default: the active one)."""
    language = (language or get_language() or "").lower()
    if language == "id" or language.startswith("id-"):
        return ExcelCsv(delimiter=";", decimal_mark=",")
    return ExcelCsv(delimiter=",", decimal_mark=".")
