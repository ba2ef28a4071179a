"""Vietnamese formatting of numbers, rates, dates and names, in one place.

8842 → "8.842"; 0.995 → "99,5%". Documents follow the Party's conventions, which the seed
reports share: a count below ten in prose has two digits ("04 lớp", "02 tập thể"; `count2`,
never in tables); a date is cited "15/5/2016" (`cited_date`) and dated "ngày 19 tháng 7 năm
2023" (`document_date`), both with a leading zero for days below 10 and months 1 and 2; a
span of years is "2021–2025". Screens and tables write dates "19/07/2023" (`short_date`).
The superior line of a document's header names the superior's party organization ("Tỉnh ủy
Thanh Hóa" → "Đảng bộ tỉnh Thanh Hóa": `party_organization_name`).
"""

import datetime
import unicodedata
from decimal import ROUND_HALF_UP, Decimal

from committees.text import uppercase_vi


def number(value: int | float | Decimal | None, decimals: int = 0) -> str:
    """Thousands with ".", decimals with ",": 8842 → "8.842", 1234.5 → "1.234,5"."""
    if value is None:
        return "–"
    if isinstance(value, int) and not decimals:  # the common case, without Decimal arithmetic
        return f"{value:,}".replace(",", ".")
    quantum = Decimal(1).scaleb(-decimals) if decimals else Decimal(1)
    rounded = Decimal(str(value)).quantize(quantum, rounding=ROUND_HALF_UP)
    sign = "-" if rounded < 0 else ""
    integer, _, fraction = f"{abs(rounded):f}".partition(".")
    groups = []
    while len(integer) > 3:
        groups.insert(0, integer[-3:])
        integer = integer[:-3]
    groups.insert(0, integer)
    text = ".".join(groups)
    if fraction and decimals:
        text += "," + fraction
    return sign + text


BLANK = "\u00a0" * 6


def percent(ratio: float | Decimal | None, decimals: int = 1) -> str:
    """A ratio as a Vietnamese percentage: 0.995 → "99,5%", 1 → "100%", 0.5 → "50%"."""
    if ratio is None:
        return "–"
    value = Decimal(str(ratio)) * 100
    text = number(value, decimals)
    if "," in text:
        text = text.rstrip("0").rstrip(",")
    return text + "%"


def rate(part: int, whole: int) -> float | None:
    """part / whole, or None when there is nothing to divide by."""
    return part / whole if whole else None


def count2(value: int) -> str:
    """THE rule for counts in prose: below ten they carry two digits, as the seed reports
    write them ("04 lớp", "02 tập thể"): 2 → "02", 13 → "13", 1234 → "1.234". Tables never
    pad (`number`)."""
    return f"{value:02d}" if 0 <= value < 10 else number(value)


def quantity(value: int, noun: str) -> str:
    """A count and what it counts, in prose: (4, "lớp") → "04 lớp"; (2701, "người") → "2.701 người"."""
    return f"{count2(value)} {noun}"


def short_date(value: datetime.date | None) -> str:
    """A date on screens and in tables: 09/07/2023."""
    return value.strftime("%d/%m/%Y") if value else ""


def _day_month(value: datetime.date) -> tuple[str, str]:
    """Day below 10 and months 1–2 with a leading zero (Hướng dẫn 36-HD/VPTW)."""
    return f"{value.day:02d}", (f"{value.month:02d}" if value.month <= 2 else str(value.month))


def cited_date(value: datetime.date | None) -> str:
    """A date cited in a document's text, as the seed reports cite directives ("Chỉ thị số
    05-CT/TW ngày 15/5/2016", "Kế hoạch số 52-KH/TU ngày 04/3/2022"): 15/5/2016, 04/3/2022,
    05/02/2026. The one date format of a document's prose."""
    if value is None:
        return ""
    day, month = _day_month(value)
    return f"{day}/{month}/{value.year}"


def document_date(value: datetime.date, place: str = "") -> str:
    """ "Thanh Hoá, ngày 19 tháng 7 năm 2023"; months 1–2 and days below 10 with a zero."""
    day, month = _day_month(value)
    text = f"ngày {day} tháng {month} năm {value.year}"
    return f"{place}, {text}" if place else text


def year_span(first: int, last: int) -> str:
    """ "2021–2025" (an en dash); a single year stays "2024"."""
    return str(last) if first == last else f"{first}–{last}"


def document_number(number_value: int | None, type_code: str, issuer_code: str) -> str:
    """ "1023-CV/ĐUK"; numbers below 10 carry a leading zero; no number yet leaves room to write
    it by hand (non-breaking spaces, which documents keep)."""
    if number_value is None:
        return "\u00a0" * 8 + f"-{type_code}/{issuer_code}"
    return f"{number_value:02d}-{type_code}/{issuer_code}"


def upper(value: str) -> str:
    return uppercase_vi(value)


# A committee (cấp ủy) leads a party organization (đảng bộ): the organization's name is the
# committee's with this prefix replaced. Matched without regard to case or to where the tone
# mark of "uỷ/ủy" sits; the rest of the name is kept as written.
PARTY_ORGANIZATION_PREFIXES: tuple[tuple[str, str], ...] = (
    ("Tỉnh ủy", "Đảng bộ tỉnh"),
    ("Thành ủy", "Đảng bộ thành phố"),
    ("Huyện ủy", "Đảng bộ huyện"),
    ("Quận ủy", "Đảng bộ quận"),
    ("Thị ủy", "Đảng bộ thị xã"),
    ("Đảng ủy", "Đảng bộ"),
)


def _prefix_key(text: str) -> str:
    return unicodedata.normalize("NFC", text).replace("uỷ", "ủy").replace("Uỷ", "Ủy").casefold()


def party_organization_name(committee_name: str) -> str:
    """The party organization a committee leads, as a document header names a superior
    (seed 004: "ĐẢNG BỘ TỈNH THANH HÓA" above "ĐẢNG ỦY KHỐI ..."): "Tỉnh ủy Thanh Hóa" →
    "Đảng bộ tỉnh Thanh Hóa", "Đảng ủy Khối các Cơ quan tỉnh" → "Đảng bộ Khối các Cơ quan
    tỉnh". A name already naming the organization ("Đảng bộ bộ phận ...") is kept."""
    name = " ".join(unicodedata.normalize("NFC", committee_name or "").split())
    key = _prefix_key(name)
    for prefix, replacement in PARTY_ORGANIZATION_PREFIXES:
        if key.startswith(_prefix_key(prefix) + " "):
            return f"{replacement} {name[len(prefix) + 1 :]}"
    return name
