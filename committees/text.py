"""Normalization of every piece of user text, in one place.

Names are stored NFC (a keyboard may send "Hoà" decomposed) and trimmed; a search key
(lowercase, no marks, đ→d) sits beside them so that search works the same on SQLite and
PostgreSQL and can be indexed.

Control characters (NUL and the others below U+0020 but tab, line feed and carriage return, and
U+007F–U+009F) are refused, never stored nor searched for: PostgreSQL refuses NUL outright, XML
(the Word and Excel files) the others. `control_character_error` says so in Vietnamese; it is
applied to every query parameter and form field of every request
(committees.middleware.InputCharactersMiddleware), to the forms (NormalizedFormMixin) and to the
API's text fields (committees.api.fields.CharField).
"""

import re
import unicodedata

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")


def control_character_error(value: str, *, field: str | None = None) -> str | None:
    """The Vietnamese refusal of a text holding a control character, or None when it holds none."""
    found = CONTROL_CHARACTERS.search(value)
    if found is None:
        return None
    code = f"U+{ord(found.group()):04X}"
    if field:
        message = _(
            "Trường “%(field)s” có ký tự điều khiển không hợp lệ (%(code)s), thường lẫn vào khi sao chép từ "
            "tệp khác. Hãy xóa ký tự đó (hoặc gõ lại nội dung) rồi gửi lại."
        )
    else:
        message = _(
            "Có ký tự điều khiển không hợp lệ (%(code)s), thường lẫn vào khi sao chép từ tệp khác. "
            "Hãy xóa ký tự đó (hoặc gõ lại nội dung) rồi gửi lại."
        )
    return message % {"field": field, "code": code}


def validate_no_control_characters(value) -> None:
    """A form field's validator: the refusal above, as a ValidationError."""
    problem = control_character_error(str(value))
    if problem:
        raise ValidationError(problem, code="control_character")


_VIETNAMESE_ALPHABET = "aăâbcdđeêghiklmnoôơpqrstuưvxy"
_BASE_ORDER = {letter: index for index, letter in enumerate(_VIETNAMESE_ALPHABET)}
# Tone marks sort after the base letter in dictionary order: không dấu, huyền, hỏi, ngã, sắc, nặng.
_TONE_ORDER = {"\u0300": 1, "\u0309": 2, "\u0303": 3, "\u0301": 4, "\u0323": 5}
_LETTER_MODIFIERS = {"\u0306", "\u0302", "\u031b"}  # breve, circumflex, horn: part of the letter


def normalize_text(value: str | None) -> str:
    """NFC-normalize, trim and collapse inner runs of whitespace."""
    if value is None:
        return ""
    return " ".join(unicodedata.normalize("NFC", str(value)).split())


def normalize_multiline(value: str | None) -> str:
    """NFC-normalize and trim each line, keeping paragraph breaks."""
    if value is None:
        return ""
    text = unicodedata.normalize("NFC", str(value)).replace("\r\n", "\n").replace("\r", "\n")
    lines = [" ".join(line.split()) for line in text.split("\n")]
    return "\n".join(lines).strip()


def search_key(value: str | None) -> str:
    """Lowercase, without diacritics, đ→d: "Nguyễn Văn Hoà" → "nguyen van hoa"."""
    text = normalize_text(value).lower().replace("đ", "d")
    decomposed = unicodedata.normalize("NFD", text)
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return unicodedata.normalize("NFC", stripped)


def _letter_keys(word: str) -> tuple:
    """(base letters in alphabet order, tone of the syllable). The tone is taken from the
    syllable, not its position, so "Hoà" and "Hòa" sort as the same name."""
    letters = []
    tone = 0
    for ch in unicodedata.normalize("NFC", word.lower()):
        decomposed = unicodedata.normalize("NFD", ch)
        base = decomposed[0]
        marks = decomposed[1:]
        letter = unicodedata.normalize("NFC", base + "".join(m for m in marks if m in _LETTER_MODIFIERS))
        tone = max(tone, next((_TONE_ORDER[m] for m in marks if m in _TONE_ORDER), 0))
        letters.append(_BASE_ORDER.get(letter, 100 + ord(letter)))
    return (tuple(letters), tone)


def vietnamese_sort_key(full_name: str) -> tuple:
    """Order of official lists: by given name (the last word), then the rest, in Vietnamese
    alphabetical order (a ă â b c d đ e ê ...), tones breaking ties."""
    words = normalize_text(full_name).split(" ")
    given = words[-1] if words else ""
    return (_letter_keys(given), tuple(_letter_keys(word) for word in words[:-1]))


def uppercase_vi(value: str) -> str:
    """Uppercase keeping Vietnamese marks: "Đảng ủy" → "ĐẢNG ỦY"."""
    return unicodedata.normalize("NFC", normalize_text(value).upper())
