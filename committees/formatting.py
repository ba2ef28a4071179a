"""Vietnamese formatting of numbers, rates and dates, in one place.

8842 → "8.842"; 0.995 → "99,5%"; 2 → "02" (small counts in prose); dates "19/07/2023" and,
in documents, "ngày 19 tháng 7 năm 2023" with a leading zero for days below 10 and for
months 1 and 2 ("ngày 05 tháng 02 năm 2026").
"""

import datetime
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
    """Small counts in prose carry two digits: 2 → "02", 13 → "13", 1234 → "1.234"."""
    return f"{value:02d}" if 0 <= value < 10 else number(value)


def short_date(value: datetime.date | None) -> str:
    return value.strftime("%d/%m/%Y") if value else ""


def document_date(value: datetime.date, place: str = "") -> str:
    """ "Thanh Hoá, ngày 19 tháng 7 năm 2023"; months 1–2 and days below 10 with a zero."""
    month = f"{value.month:02d}" if value.month <= 2 else str(value.month)
    text = f"ngày {value.day:02d} tháng {month} năm {value.year}"
    return f"{place}, {text}" if place else text


def document_number(number_value: int | None, type_code: str, issuer_code: str) -> str:
    """ "1023-CV/ĐUK"; numbers below 10 carry a leading zero; no number yet leaves room to write
    it by hand (non-breaking spaces, which documents keep)."""
    if number_value is None:
        return "\u00a0" * 8 + f"-{type_code}/{issuer_code}"
    return f"{number_value:02d}-{type_code}/{issuer_code}"


def upper(value: str) -> str:
    return uppercase_vi(value)
