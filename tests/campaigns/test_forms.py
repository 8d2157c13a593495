"""CountField: every count people type is read the same way, in the pages and the admin."""

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from campaigns.forms import CountField


def error_code(field, text):
    with pytest.raises(ValidationError) as excinfo:
        field.clean(text)
    return excinfo.value.error_list[0].code


@pytest.mark.parametrize(
    ("typed", "read"),
    [
        ("0", 0),
        ("75", 75),
        ("1250", 1250),
        ("1.000", 1000),  # as the app writes one thousand, not 1
        ("12.345", 12345),
        ("1.234.567", 1234567),
        (" 75 ", 75),
        ("007", 7),
    ],
)
def test_ascii_digits_plain_or_with_thousands_dots_are_read(typed, read):
    assert CountField(min_value=0).clean(typed) == read


@pytest.mark.parametrize(
    "typed",
    [
        "٣",  # Arabic-Indic three: int() reads it
        "３",  # full-width three
        "1_0",  # int() reads 10
        "+12",
        "1,5",
        "1,000",
        "1 000",
        "12a",
        "1e3",
        "0x10",
        "-",
        "1" * 30,
    ],
)
def test_anything_else_is_refused_with_a_message(typed):
    assert error_code(CountField(min_value=0), typed) == "invalid"


@pytest.mark.parametrize("typed", ["1.00", "1.0000", "1.5", "12.34.567", ".500", "1.", "1..000"])
def test_dots_that_are_not_thousands_are_refused(typed):
    assert error_code(CountField(min_value=0), typed) == "grouping"


def test_the_messages_say_how_to_write_the_number():
    with translation.override("en"):
        with pytest.raises(ValidationError) as excinfo:
            CountField().clean("1.00")
    assert "1.250" in excinfo.value.messages[0] and "1250" in excinfo.value.messages[0]


def test_a_minus_is_read_and_min_value_decides():
    assert CountField().clean("-12") == -12
    assert CountField().clean("-1.000") == -1000
    assert error_code(CountField(min_value=0), "-3") == "min_value"


def test_max_value_still_holds():
    assert error_code(CountField(min_value=0, max_value=2000), "2.001") == "max_value"


def test_a_text_box_with_the_number_keypad_where_no_minus_is_needed():
    html = CountField(min_value=0).widget.render("n", 5)
    assert 'type="text"' in html and 'inputmode="numeric"' in html
    assert "inputmode" not in CountField().widget.render("n", -5)
