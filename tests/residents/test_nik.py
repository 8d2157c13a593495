"""residents.nik: DOMAIN.md §5 on NIKs, case by case, then as properties (hypothesis).

Pure functions: no database.
"""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation
from hypothesis import assume, example, given, settings
from hypothesis import strategies as st

from residents import nik as nik_module
from residents.nik import (
    ERROR_CODES,
    FLAG_CODES,
    MESSAGES,
    NikError,
    NikInfo,
    clean_nik,
    format_nik,
    is_pemilih_pemula,
    is_wajib_ktp,
    known_kecamatan_codes,
    mask_nik,
    parse_nik,
    read_nik,
)

D = datetime.date
REF = D(2024, 1, 23)  # the day of the review in TTU
KEFAMENANU = "5303051203900001"  # 53.03.05 Kota Kefamenanu, man born 12 March 1990, serial 0001
PAPUA = "9171015708450001"  # 91.71.01 Jayapura Utara, woman born 17 August 1945; above 2**53


def error_code(raw, **kwargs):
    check = parse_nik(raw, reference_date=kwargs.pop("reference_date", REF), **kwargs)
    assert check.nik is None and check.info is None and check.flags == []
    return check.error.code


def flag_codes(raw, **kwargs):
    check = parse_nik(raw, reference_date=kwargs.pop("reference_date", REF), **kwargs)
    assert check.error is None, check.error
    return check.flag_codes


# Cleaning


@pytest.mark.parametrize(
    "raw",
    [
        "5303051203900001",
        "  5303051203900001\n",
        "5303 0512 0390 0001",
        "5303.0512.0390.0001",
        "530305.120390.0001",
        "53.03.05 120390 0001",
        "'5303051203900001",  # Excel's text marker
        " '5303 0512 0390 0001 ",
        "\u20195303051203900001",  # the marker typed curly by a phone
        "5303\u00a00512\u00a00390\u00a00001",  # no-break spaces from a paste
        "\ufeff5303051203900001",  # a BOM left on the first cell
        5303051203900001,  # an Excel cell read as an integer
    ],
)
def test_spaces_dots_and_the_text_marker_are_removed(raw):
    assert clean_nik(raw) == KEFAMENANU
    assert parse_nik(raw, reference_date=REF).nik == KEFAMENANU


@pytest.mark.parametrize(
    ("raw", "code", "count"),
    [
        ("530305120390001", "too_short", 15),
        ("5303 0512 0390 001", "too_short", 15),
        ("53030512039000011", "too_long", 17),
        ("5303.0512.0390.00011", "too_long", 17),
        (530305120390001, "too_short", 15),
    ],
)
def test_15_and_17_digits_are_refused_with_the_count(raw, code, count):
    with pytest.raises(NikError) as excinfo:
        clean_nik(raw)
    assert excinfo.value.code == code
    assert excinfo.value.params == {"count": count}
    with translation.override("en"):
        assert f"this one has {count}" in excinfo.value.message


@pytest.mark.parametrize(
    "raw",
    [
        "5,30305E+15",  # Indonesian Excel: decimal comma
        "5.30305E+15",
        "5,30305e+15",
        "5.30305e15",
        "5E+15",
        " '5,30305E+15 ",
        "9,17102E+15",
    ],
)
def test_excel_scientific_notation_is_refused_with_how_to_fix_the_spreadsheet(raw):
    check = parse_nik(raw, reference_date=REF)
    assert check.error.code == "excel_scientific"
    assert check.nik is None  # never silently rounded
    with translation.override("en"):
        message = check.error.message
    assert "Text" in message and "export again" in message
    assert raw.strip().lstrip("'") in message  # the value as the user sees it


@pytest.mark.parametrize(
    "raw",
    [5303051203900001.0, 9171015708450001.0, 5.30305e15, float("nan"), float("inf")],
)
def test_a_float_is_refused_since_it_may_have_lost_digits(raw):
    assert error_code(raw) == "excel_scientific"
    with translation.override("en"):
        assert "Text" in parse_nik(raw, reference_date=REF).error.message


def test_a_float_written_out_as_text_is_refused_too():
    """A number column exported by a script: 17 digits once the point is removed."""
    assert error_code("9171015708450000.0") == "excel_scientific"
    assert error_code("5303051203900001,00") == "excel_scientific"
    # 15 digits and a dotted last digit is a NIK written with dots, not a float.
    assert parse_nik("530305120390001.0", reference_date=REF).nik == "5303051203900010"


@pytest.mark.parametrize(
    ("raw", "chars"),
    [
        ("5303-0512-0390-0001", '"-"'),
        ("5303/0512/0390/0001", '"/"'),
        ("5303,0512,0390,0001", '","'),
        ("53O3051203900001", '"O"'),  # the letter O
        ("530305120390000l", '"l"'),
        ("NIK 5303051203900001", '"N", "I", "K"'),
        ("5303\t0512-0390", '"-"'),  # the tab is a space, removed
        ("-5303051203900001", '"-"'),
        (-5303051203900001, '"-"'),
        ("٥٣٠٣٠٥١٢٠٣٩٠٠٠٠١", '"٥", "٣", "٠", "١", "٢", "٩"'),  # Arabic-Indic digits
        (True, '"T", "r", "u", "e"'),
    ],
)
def test_other_characters_are_refused_and_named(raw, chars):
    with pytest.raises(NikError) as excinfo:
        clean_nik(raw)
    assert excinfo.value.code == "not_digits"
    assert excinfo.value.params == {"chars": chars}


@pytest.mark.parametrize("raw", [None, "", "   ", "'", " ' ", "...", "\u200b"])
def test_an_empty_nik_is_refused(raw):
    assert error_code(raw) == "empty"


# Reading


def test_reading_a_nik():
    info = read_nik(KEFAMENANU, reference_date=REF)
    assert info == NikInfo(
        nik=KEFAMENANU,
        region="530305",
        region_code="53.03.05",
        birth_date=D(1990, 3, 12),
        sex="L",
        serial="0001",
    )
    assert info.regency_code == "53.03"


@pytest.mark.parametrize(
    ("digits", "birth_date", "sex"),
    [
        ("120390", D(1990, 3, 12), "L"),
        ("520390", D(1990, 3, 12), "P"),  # day + 40
        ("410190", D(1990, 1, 1), "P"),
        ("710190", D(1990, 1, 31), "P"),
        ("310190", D(1990, 1, 31), "L"),
        ("010190", D(1990, 1, 1), "L"),
        ("690296", D(1996, 2, 29), "P"),  # 29 February of a leap year
    ],
)
def test_day_plus_40_gives_a_woman_and_her_birth_date(digits, birth_date, sex):
    info = read_nik(f"530305{digits}0001", reference_date=REF)
    assert (info.birth_date, info.sex) == (birth_date, sex)


@pytest.mark.parametrize(
    "digits",
    [
        "310224",  # 31 February
        "300200",  # 30 February
        "710290",  # 31 February, a woman
        "290223",  # 29 February of 2023 and of 1923
        "690290",  # 29 February 1990, a woman
        "310490",  # 31 April
        "000190",  # day 00
        "320190",  # day 32
        "400190",  # day 40: neither a man's day nor a woman's
        "720190",  # day 72 = 32 + 40
        "990190",
        "010090",  # month 00
        "011390",  # month 13
    ],
)
def test_an_impossible_birth_date_is_refused(digits):
    nik = f"530305{digits}0001"
    assert error_code(nik) == "impossible_date"
    with pytest.raises(NikError) as excinfo:
        read_nik(nik, reference_date=REF)
    assert excinfo.value.params == {"digits": digits}


@pytest.mark.parametrize(
    ("digits", "reference_date", "birth_date"),
    [
        ("230107", REF, D(2007, 1, 23)),
        ("010124", REF, D(2024, 1, 1)),  # earlier this year
        ("230124", REF, D(2024, 1, 23)),  # born on the reference date: not after it
        ("240124", REF, D(1924, 1, 24)),  # a day after the reference date: a century back
        ("010224", REF, D(1924, 2, 1)),
        ("010130", REF, D(1930, 1, 1)),
        ("311299", REF, D(1999, 12, 31)),
        ("010100", REF, D(2000, 1, 1)),
        ("290200", REF, D(2000, 2, 29)),  # 2000 was a leap year
        ("010100", D(1999, 12, 31), D(1900, 1, 1)),
        ("311299", D(2000, 1, 1), D(1999, 12, 31)),
    ],
)
def test_the_century_is_the_latest_not_after_the_reference_date(digits, reference_date, birth_date):
    info = read_nik(f"530305{digits}0001", reference_date=reference_date)
    assert info.birth_date == birth_date


def test_29_february_2000_in_the_future_falls_back_on_1900_which_had_none():
    assert error_code("5303052902000001", reference_date=D(2000, 2, 28)) == "impossible_date"
    assert read_nik("5303052902000001", reference_date=D(2000, 2, 29)).birth_date == D(2000, 2, 29)


def test_serial_0000_is_refused():
    assert error_code("5303051203900000") == "serial_zero"
    assert error_code("5303 0512 0390 0000") == "serial_zero"
    assert read_nik("5303051203909999", reference_date=REF).serial == "9999"


# Flags: accepted and saved, shown for review


def test_a_valid_nik_in_the_campaigns_kabupaten_has_no_flag():
    check = parse_nik(
        KEFAMENANU,
        reference_date=REF,
        kabupaten_code="53.03",
        listed_birth_date=D(1990, 3, 12),
        listed_sex="L",
    )
    assert check.ok and check.flags == [] and check.nik == KEFAMENANU


def test_an_unknown_region_is_flagged_not_refused():
    # 92.71 was Kota Sorong in Papua Barat; since the split it is 96.71 (Papua Barat Daya),
    # but residents keep their 92... NIK.
    assert "927101" not in known_kecamatan_codes()
    assert "967101" in known_kecamatan_codes()
    check = parse_nik("9271011508800003", reference_date=REF, kabupaten_code="53.03")
    assert check.nik == "9271011508800003" and check.info.region_code == "92.71.01"
    assert check.flag_codes == ["unknown_region"]  # unknown, so not also other_regency
    assert flag_codes("0000001203900001") == ["unknown_region"]


def test_known_regions_can_be_given():
    assert flag_codes(KEFAMENANU, known_regions={"530305"}) == []
    assert flag_codes(KEFAMENANU, known_regions=frozenset()) == ["unknown_region"]
    assert flag_codes("9271011508800003", known_regions={"927101"}) == []


def test_known_kecamatan_codes_are_read_once_as_six_digits():
    codes = known_kecamatan_codes()
    assert known_kecamatan_codes() is codes  # cached
    assert isinstance(codes, frozenset) and len(codes) == 7285
    assert all(len(code) == 6 and code.isdigit() for code in codes)
    assert {"530305", "530301", "530324", "917101"} <= codes


@pytest.mark.parametrize("kabupaten_code", ["53.03", "5303"])
def test_another_regency_is_flagged_only_with_a_kabupaten_code(kabupaten_code):
    kupang = "5371011203900001"  # 53.71.01 Kota Kupang
    assert flag_codes(kupang) == []
    check = parse_nik(kupang, reference_date=REF, kabupaten_code=kabupaten_code)
    assert check.flag_codes == ["other_regency"] and check.nik == kupang
    with translation.override("en"):
        assert "53.71.01" in check.flags[0].message and "53.03" in check.flags[0].message
    assert flag_codes(KEFAMENANU, kabupaten_code=kabupaten_code) == []


def test_a_different_listed_birth_date_is_flagged():
    assert flag_codes(KEFAMENANU, listed_birth_date=D(1990, 3, 12)) == []
    check = parse_nik(KEFAMENANU, reference_date=REF, listed_birth_date=D(1990, 12, 3))
    assert check.flag_codes == ["birth_date_mismatch"]
    assert check.info.birth_date == D(1990, 3, 12)  # the NIK is kept as it is
    code, message = check.flags[0]
    assert code == "birth_date_mismatch" and "1990" in message
    dt = datetime.datetime(1990, 3, 12, 0, 0)
    assert flag_codes(KEFAMENANU, listed_birth_date=dt) == []


@pytest.mark.parametrize(
    ("listed", "flags"),
    [
        ("L", []),
        ("l", []),
        ("Laki-laki", []),
        ("P", ["sex_mismatch"]),
        ("PEREMPUAN", ["sex_mismatch"]),
        (None, []),
        ("", []),
        ("?", []),  # not a sex: nothing to compare
    ],
)
def test_a_different_listed_sex_is_flagged(listed, flags):
    assert flag_codes(KEFAMENANU, listed_sex=listed) == flags


def test_a_woman_listed_as_a_man_is_flagged():
    assert flag_codes(PAPUA, listed_sex="P") == []
    assert flag_codes(PAPUA, listed_sex="L") == ["sex_mismatch"]


def test_an_int_from_a_spreadsheet_ending_in_0_is_flagged_as_maybe_rounded():
    check = parse_nik(5303051203900010, reference_date=REF)
    assert check.nik == "5303051203900010"  # accepted: the importer decides on "matches no one"
    assert check.flag_codes == ["excel_trailing_zero"]
    assert flag_codes(5303051203900011) == []
    assert flag_codes("5303051203900010") == []  # typed as text: not rounded
    assert flag_codes("5303051203900010", may_be_rounded=True) == ["excel_trailing_zero"]
    assert flag_codes(5303051203900010, may_be_rounded=False) == []
    with translation.override("en"):
        assert "Text" in check.flags[0].message


def test_flags_add_up():
    check = parse_nik(
        9271011508800010,
        reference_date=REF,
        kabupaten_code="53.03",
        listed_birth_date=D(1980, 8, 16),
        listed_sex="P",
    )
    assert check.flag_codes == [
        "unknown_region",
        "birth_date_mismatch",
        "sex_mismatch",
        "excel_trailing_zero",
    ]


# Papua: above 2**53, where a float loses the last digit


def test_a_papua_nik_keeps_its_last_digit():
    assert int(PAPUA) > 2**53 and float(PAPUA) != int(PAPUA)  # why a NIK is never a float
    assert "917101" in known_kecamatan_codes()  # 91.71.01 Jayapura Utara, Kota Jayapura
    for raw in [PAPUA, int(PAPUA), "9171 0157 0845 0001", "'9171015708450001"]:
        check = parse_nik(raw, reference_date=REF)
        assert check.nik == PAPUA and check.flags == []
        assert check.info.region_code == "91.71.01"
        assert (check.info.birth_date, check.info.sex) == (D(1945, 8, 17), "P")
    assert flag_codes(PAPUA, kabupaten_code="91.71") == []
    assert flag_codes(PAPUA, kabupaten_code="53.03") == ["other_regency"]


# Other helpers


def test_format_nik_gives_the_canonical_digits():
    info = read_nik(" 5303.0512.0390.0001 ", reference_date=REF)
    assert format_nik(info) == KEFAMENANU
    assert format_nik("5303 0512 0390 0001") == KEFAMENANU
    assert format_nik(PAPUA, grouped=True) == "9171 0157 0845 0001"


@pytest.mark.parametrize(
    ("nik", "masked"),
    [
        ("5303051203901234", "53xxxxxxxxxx1234"),
        (PAPUA, "91xxxxxxxxxx0001"),
        ("5303 0512 0390 1234", "53xxxxxxxxxx1234"),
        ("not a nik", "xxxxxxxxxxxxxxxx"),  # masked whole, never shown
        ("", "xxxxxxxxxxxxxxxx"),
    ],
)
def test_mask_nik_shows_the_province_and_the_serial_only(nik, masked):
    assert mask_nik(nik) == masked


def test_an_error_becomes_a_validation_error_for_forms():
    check = parse_nik("5303 0512 0390 001", reference_date=REF)
    error = check.error.as_validation_error()
    assert isinstance(error, ValidationError)
    assert error.code == "too_short" and error.params == {"count": 15}
    with translation.override("en"):
        assert error.messages == [check.error.message] == [str(check.error)]


def test_every_code_has_a_message_with_its_placeholders():
    assert ERROR_CODES | FLAG_CODES <= MESSAGES.keys()
    assert not ERROR_CODES & FLAG_CODES


@pytest.mark.parametrize(
    ("raw", "code"),
    [
        ("", "empty"),
        ("5,30305E+15", "excel_scientific"),
        (5.30305e15, "excel_scientific"),
        ("5303-0512", "not_digits"),
        ("530305120390001", "too_short"),
        ("53030512039000011", "too_long"),
        ("5303053102240001", "impossible_date"),
        ("5303051203900000", "serial_zero"),
    ],
)
def test_every_error_reads_as_a_sentence(raw, code):
    with translation.override("en"):
        message = parse_nik(raw, reference_date=REF).error.message
    assert parse_nik(raw, reference_date=REF).error.code == code
    assert "%(" not in message and message.endswith(".")


# Wajib KTP and pemilih pemula


@pytest.mark.parametrize(
    ("birth_date", "reference_date", "married", "expected"),
    [
        (D(2007, 1, 23), D(2024, 1, 23), False, True),  # 17th birthday on the reference date
        (D(2007, 1, 24), D(2024, 1, 23), False, False),  # a day short
        (D(2007, 1, 22), D(2024, 1, 23), False, True),
        (D(2010, 5, 1), D(2024, 1, 23), True, True),  # married: wajib KTP at any age
        (D(2010, 5, 1), D(2024, 1, 23), False, False),
        (D(1945, 8, 17), D(2024, 1, 23), False, True),
        (D(2008, 2, 29), D(2025, 2, 28), False, False),  # no 29 February in 2025 ...
        (D(2008, 2, 29), D(2025, 3, 1), False, True),  # ... so 17 on 1 March
        (D(2007, 2, 28), D(2024, 2, 28), False, True),
        (D(2007, 3, 1), D(2024, 2, 29), False, False),
    ],
)
def test_wajib_ktp_at_17_or_married(birth_date, reference_date, married, expected):
    assert is_wajib_ktp(birth_date, reference_date, married=married) is expected


@pytest.mark.parametrize(
    ("birth_date", "expected"),
    [
        (D(2007, 2, 14), True),  # 17 on election day exactly
        (D(2007, 2, 15), False),  # 17 the day after the election
        (D(2007, 1, 18), False),  # 17 on the campaign's first day: already wajib KTP
        (D(2007, 1, 19), True),  # 17 the day after the start
        (D(2006, 6, 1), False),
        (D(2010, 1, 1), False),
    ],
)
def test_pemilih_pemula_is_17_by_election_day_but_not_at_the_start(birth_date, expected):
    assert is_pemilih_pemula(birth_date, D(2024, 1, 18), D(2024, 2, 14)) is expected


def test_pemilih_pemula_born_29_february():
    # Born 29 Feb 2008: 17 on 1 March 2025 (no 29 February in 2025).
    born = D(2008, 2, 29)
    assert is_pemilih_pemula(born, D(2025, 2, 1), D(2025, 3, 1))
    assert not is_pemilih_pemula(born, D(2025, 2, 1), D(2025, 2, 28))
    assert not is_pemilih_pemula(born, D(2025, 3, 1), D(2025, 3, 10))


# Properties


def _compose(region, birth_date, sex, serial):
    """A NIK written by hand from its parts (not with residents.nik)."""
    day = birth_date.day + (40 if sex == "P" else 0)
    return f"{region}{day:02d}{birth_date.month:02d}{birth_date.year % 100:02d}{serial:04d}"


@st.composite
def valid_niks(draw, regions=None):
    """(nik, reference_date, birth_date, sex): a birth in the century before the reference."""
    region = draw(st.sampled_from(regions or sorted(known_kecamatan_codes())))
    reference_date = draw(st.dates(D(1990, 1, 1), D(2090, 12, 31)))
    birth_date = draw(st.dates(D(reference_date.year - 100, 1, 1), reference_date))
    # The century rule reads back a birth after the same date of a century earlier.
    assume(
        (birth_date.year + 100, birth_date.month, birth_date.day)
        > (reference_date.year, reference_date.month, reference_date.day)
    )
    sex = draw(st.sampled_from(["L", "P"]))
    serial = draw(st.integers(1, 9999))
    return _compose(region, birth_date, sex, serial), reference_date, birth_date, sex


@st.composite
def spelled(draw, nik):
    """The NIK as people send it: spaces and dots between digits, a marker, padding."""
    parts, rest = [], nik
    while rest:
        size = draw(st.integers(1, len(rest)))
        parts.append(rest[:size])
        rest = rest[size:]
    separators = st.text(alphabet=" .\u00a0", min_size=0, max_size=2)
    text = "".join(part + draw(separators) for part in parts[:-1]) + parts[-1]
    marker = draw(st.sampled_from(["", "'"]))
    pad = st.text(alphabet=" \t\n", max_size=2)
    return draw(pad) + marker + text + draw(pad)


property_settings = settings(max_examples=300, deadline=None)


@property_settings
@given(data=valid_niks())
@example(data=(PAPUA, REF, D(1945, 8, 17), "P"))
def test_a_valid_nik_survives_clean_read_format(data):
    nik, reference_date, birth_date, sex = data
    info = read_nik(clean_nik(nik), reference_date=reference_date)
    assert format_nik(info) == nik
    assert (info.birth_date, info.sex) == (birth_date, sex)
    assert info.region == nik[:6] and info.region_code.replace(".", "") == nik[:6]
    check = parse_nik(nik, reference_date=reference_date, listed_birth_date=birth_date)
    assert check.nik == nik and check.flags == []
    assert mask_nik(nik) == nik[:2] + "x" * 10 + nik[-4:]


@property_settings
@given(data=valid_niks(), st_data=st.data())
def test_a_valid_nik_survives_spaces_dots_and_markers(data, st_data):
    nik, reference_date, birth_date, sex = data
    raw = st_data.draw(spelled(nik))
    assert clean_nik(raw) == nik
    check = parse_nik(raw, reference_date=reference_date)
    assert check.nik == nik and format_nik(check.info) == nik
    assert (check.info.birth_date, check.info.sex) == (birth_date, sex)


@property_settings
@given(data=valid_niks())
def test_a_valid_nik_survives_as_an_int(data):
    nik, reference_date, birth_date, sex = data
    check = parse_nik(int(nik), reference_date=reference_date)
    assert check.nik == nik and format_nik(check.info) == nik
    assert (check.info.birth_date, check.info.sex) == (birth_date, sex)
    assert check.flag_codes == (["excel_trailing_zero"] if nik.endswith("0") else [])


PAPUA_REGIONS = sorted(code for code in known_kecamatan_codes() if code >= "91")


@property_settings
@given(data=valid_niks(regions=PAPUA_REGIONS), as_int=st.booleans())
def test_no_float_ever_touches_a_nik(data, as_int):
    """Every NIK of 91... and above is past 2**53; with float() unavailable, all digits stay."""
    nik, reference_date, *_ = data
    assert int(nik) > 2**53

    def no_float(*args):
        raise AssertionError("residents.nik called float()")

    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(nik_module, "float", no_float, raising=False)
        check = parse_nik(int(nik) if as_int else nik, reference_date=reference_date)
    assert check.nik == nik and format_nik(check.info) == nik


@property_settings
@given(raw=st.one_of(st.text(max_size=30), st.integers(), st.floats(), st.none()))
def test_parse_nik_never_raises(raw):
    check = parse_nik(raw, reference_date=REF)
    assert (check.error is None) == (check.nik is not None)
    if check.error is not None:
        assert check.error.code in ERROR_CODES and check.error.message
    else:
        assert len(check.nik) == 16 and check.nik.isascii() and check.nik.isdigit()
        assert set(check.flag_codes) <= FLAG_CODES


@property_settings
@given(value=st.floats(min_value=1e15, max_value=1e16 - 1))
def test_any_float_is_refused(value):
    assert error_code(value) == "excel_scientific"
