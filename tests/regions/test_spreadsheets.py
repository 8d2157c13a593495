"""regions.spreadsheets: a CSV as Excel opens it, for the interface's language."""

import datetime
import io
from decimal import Decimal

from django.utils import translation

from regions.spreadsheets import excel_csv


def written(form, rows):
    out = io.StringIO()
    writer = form.writer(out)
    for row in rows:
        form.writerow(writer, row)
    return out.getvalue()


ROWS = [["Kecamatan", "Target", "% recorded", "Last visit"], ["Insana", 5312, 14.12, None]]


def test_indonesian_has_semicolons_and_decimal_commas():
    text = written(excel_csv("id"), ROWS + [["Miomaffo", 0, 0.00001, datetime.date(2024, 1, 23)]])
    assert text == (
        "\ufeffKecamatan;Target;% recorded;Last visit\r\n"
        "Insana;5312;14,12;\r\n"
        "Miomaffo;0;0,00001;2024-01-23\r\n"  # never 1e-05; dates ISO
    )


def test_english_keeps_commas_and_decimal_points():
    assert written(excel_csv("en"), ROWS) == (
        "\ufeffKecamatan,Target,% recorded,Last visit\r\nInsana,5312,14.12,\r\n"
    )


def test_the_active_language_decides():
    with translation.override("id"):
        assert excel_csv().delimiter == ";"
    with translation.override("en"):
        assert excel_csv().delimiter == ","
    assert excel_csv("id-ID").cell(Decimal("2.5")) == "2,5"


def test_a_cell_with_the_delimiter_is_quoted():
    assert written(excel_csv("id"), [["Kota; Kefamenanu", 1.5]]) == (
        '\ufeff"Kota; Kefamenanu";1,5\r\n'
    )
