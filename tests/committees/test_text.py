"""Text normalization, search keys, the order of official lists, and Vietnamese formatting."""

import datetime
import unicodedata
from decimal import Decimal

import pytest

from committees.formatting import count2, document_date, document_number, number, percent, rate, short_date
from committees.text import normalize_multiline, normalize_text, search_key, uppercase_vi, vietnamese_sort_key

# --- normalize_text -----------------------------------------------------------------------


def test_normalize_text_composes_decomposed_input():
    decomposed = "Hoa\u0300"  # "a" followed by a combining grave accent, as some keyboards send it
    assert len(decomposed) == 4
    result = normalize_text(decomposed)
    assert result == "Hoà"
    assert len(result) == 3
    assert unicodedata.is_normalized("NFC", result)


def test_normalize_text_collapses_and_trims_whitespace():
    assert normalize_text("  Nguyễn \t Văn\n\nHoà  ") == "Nguyễn Văn Hoà"
    assert normalize_text("\u00a0Lê\u00a0Văn\u00a0An ") == "Lê Văn An"


@pytest.mark.parametrize("value", [None, "", "   ", "\n\t"])
def test_normalize_text_of_nothing_is_empty(value):
    assert normalize_text(value) == ""


def test_normalize_multiline_keeps_paragraph_breaks():
    text = "  Dòng mo\u0323\u0302t  \r\n\r\nDòng   hai  "
    assert normalize_multiline(text) == "Dòng một\n\nDòng hai"


# --- search_key ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("Nguyễn Văn Hoà", "nguyen van hoa"),
        ("Nguyễn Văn Hòa", "nguyen van hoa"),
        ("Nguye\u0302\u0303n Va\u0306n Hoa\u0300", "nguyen van hoa"),  # decomposed input
        ("Đặng Đình Đức", "dang dinh duc"),
        ("đ Đ", "d d"),
        ("  TRẦN   THỊ  ÁNH ", "tran thi anh"),
        ("Ưng Ơn Ấn", "ung on an"),
    ],
)
def test_search_key(value, expected):
    assert search_key(value) == expected


def test_search_key_of_nothing_is_empty():
    assert search_key(None) == ""


# --- the order of official lists ----------------------------------------------------------


def test_official_order_is_by_given_name_in_vietnamese_alphabet():
    names = ["Trần Văn Bình", "Nguyễn Thị An", "Lê Văn Đức", "Phạm Văn Dũng", "Hoàng Thị Ánh", "Vũ Văn Anh"]
    ordered = sorted(names, key=vietnamese_sort_key)
    assert [name.split()[-1] for name in ordered] == ["An", "Anh", "Ánh", "Bình", "Dũng", "Đức"]
    assert ordered == ["Nguyễn Thị An", "Vũ Văn Anh", "Hoàng Thị Ánh", "Trần Văn Bình", "Phạm Văn Dũng", "Lê Văn Đức"]


def test_letters_follow_the_vietnamese_alphabet_not_unicode():
    # Unicode order would put every accented letter after "z"; the alphabet is a ă â b c d đ e ê ...
    alphabet = list("aăâbcdđeêghiklmnoôơpqrstuưvxy")
    shuffled = list(reversed(alphabet))
    assert sorted(shuffled, key=lambda letter: vietnamese_sort_key(f"Nguyễn {letter}")) == alphabet


def test_tones_order_none_huyen_hoi_nga_sac_nang():
    shuffled = ["Bạ", "Bã", "Ba", "Bá", "Bả", "Bà"]
    assert sorted(shuffled, key=vietnamese_sort_key) == ["Ba", "Bà", "Bả", "Bã", "Bá", "Bạ"]


def test_base_letters_come_before_tones():
    # "Anh" (no tone) < "Ánh" (sắc) although "An" < "Anh" by letters: letters first, then tone.
    assert sorted(["Ánh", "Anh", "Ân", "An"], key=vietnamese_sort_key) == ["An", "Anh", "Ánh", "Ân"]


def test_same_given_name_falls_back_to_family_and_middle_names():
    names = ["Trần Văn An", "Lê Thị An", "Lê Văn An", "Đỗ Văn An"]
    assert sorted(names, key=vietnamese_sort_key) == ["Đỗ Văn An", "Lê Thị An", "Lê Văn An", "Trần Văn An"]


def test_old_and_new_tone_placement_sort_together():
    assert vietnamese_sort_key("Lê Văn Hòa") == vietnamese_sort_key("Lê Văn Hoà")
    assert vietnamese_sort_key("Lê Văn Hoa\u0300") == vietnamese_sort_key("Lê Văn Hoà")


def test_uppercase_vi():
    assert uppercase_vi("Đảng ủy") == "ĐẢNG ỦY"
    assert uppercase_vi("đảng ủy khối  các cơ quan") == "ĐẢNG ỦY KHỐI CÁC CƠ QUAN"
    assert unicodedata.is_normalized("NFC", uppercase_vi("Đa\u0309ng u\u0309y"))
    assert uppercase_vi("Đa\u0309ng u\u0309y") == "ĐẢNG ỦY"


# --- committees.formatting -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        ((8842,), "8.842"),
        ((1234.5, 1), "1.234,5"),
        ((0,), "0"),
        ((999,), "999"),
        ((1000,), "1.000"),
        ((1234567,), "1.234.567"),
        ((-1234567,), "-1.234.567"),
        ((Decimal("12.345"), 2), "12,35"),  # half up, not banker's rounding
        ((2.5,), "3"),
        ((None,), "–"),
    ],
)
def test_number(args, expected):
    assert number(*args) == expected


@pytest.mark.parametrize(
    ("ratio", "expected"),
    [(0.995, "99,5%"), (1, "100%"), (0.5, "50%"), (0, "0%"), (0.1234, "12,3%"), (None, "–")],
)
def test_percent(ratio, expected):
    assert percent(ratio) == expected


def test_rate():
    assert rate(1, 4) == 0.25
    assert rate(3, 0) is None


@pytest.mark.parametrize(("value", "expected"), [(2, "02"), (0, "00"), (9, "09"), (13, "13"), (1234, "1.234")])
def test_count2(value, expected):
    assert count2(value) == expected


def test_document_date():
    assert document_date(datetime.date(2026, 2, 5), "Thanh Hoá") == "Thanh Hoá, ngày 05 tháng 02 năm 2026"
    assert document_date(datetime.date(2023, 7, 19)) == "ngày 19 tháng 7 năm 2023"
    assert document_date(datetime.date(2023, 1, 9)) == "ngày 09 tháng 01 năm 2023"
    assert document_date(datetime.date(2023, 12, 31)) == "ngày 31 tháng 12 năm 2023"
    assert document_date(datetime.date(2023, 3, 1)) == "ngày 01 tháng 3 năm 2023"


def test_short_date():
    assert short_date(datetime.date(2023, 7, 9)) == "09/07/2023"
    assert short_date(None) == ""


def test_document_number():
    assert document_number(5, "BC", "ĐU") == "05-BC/ĐU"
    assert document_number(1023, "CV", "ĐUK") == "1023-CV/ĐUK"
    blank = document_number(None, "BC", "ĐU")
    assert blank.endswith("-BC/ĐU")
    assert blank[: -len("-BC/ĐU")].strip("\u00a0") == ""
    assert len(blank[: -len("-BC/ĐU")]) >= 6  # room to write the number by hand
