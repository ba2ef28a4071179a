"""A streaming scan of an uploaded workbook's XML, with every limit applied as it is read.

openpyxl trusts what a file says of itself: the sheet's dimension decides how wide each row is
padded, the shared strings are loaded whole before the first row, a cell's text is kept whole
however long. A small crafted file (a million rows with no dimension, millions of tiny shared
strings, one cell of hundreds of megabytes) would hold a web worker for minutes. So before
openpyxl opens anything, `scan_workbook` reads every XML part of the zip with expat, in chunks,
and refuses the file as soon as a limit is passed:

* no part unpacks to more than MAX_PART_BYTES (by the sizes the zip declares, which Python's
  zipfile enforces while reading: a lying entry ends in a CRC error, not in more data);
* no DTD, no entity declaration, no external entity, in any part (an .xlsx never has them);
* every part is well-formed XML, or the file is refused with the part named, never a 500;
* shared strings: at most MAX_SHARED_STRINGS items and MAX_SHARED_STRING_CHARS characters;
* each cell (and each shared string): at most MAX_CELL_CHARS characters, Excel's own limit,
  counted while the text streams in;
* each worksheet: at most MAX_SHEET_ROWS rows and MAX_SHEET_CELLS cells, counted as they are
  read whatever the dimension says, no value beyond row MAX_SHEET_ROWS or column MAX_COLUMNS,
  at most MAX_MERGED_RANGES merged ranges.

The scan also notes, per worksheet, what openpyxl's read-only mode does not tell: the last row
and column holding a value (the reader asks openpyxl for exactly that range, never for the
dimension), the formulas without a cached value, the error cells and the merged ranges.
"""

import posixpath
import re
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import NoReturn
from xml.parsers import expat

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from openpyxl.utils.cell import column_index_from_string, get_column_letter
from openpyxl.worksheet.cell_range import CellRange

from committees.formatting import number

MAX_PART_BYTES = 100 * 1024 * 1024
MAX_SHARED_STRINGS = 500_000
MAX_SHARED_STRING_CHARS = 50_000_000
MAX_CELL_CHARS = 32_767
MAX_SHEET_ROWS = 70_000
MAX_SHEET_CELLS = 3_000_000
MAX_COLUMNS = 200
MAX_MERGED_RANGES = 10_000
CHUNK_BYTES = 64 * 1024

WORKBOOK_PART = "xl/workbook.xml"
WORKBOOK_RELS_PART = "xl/_rels/workbook.xml.rels"
REL_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"  # relationship types
WORKSHEET_REL = REL_NS + "/worksheet"
SHARED_STRINGS_REL = REL_NS + "/sharedStrings"
_COORDINATE = re.compile(r"^\$?([A-Za-z]{1,3})\$?(\d+)$")


@dataclass
class SheetScan:
    """What the scan learnt of one worksheet."""

    title: str
    part: str
    rows: int = 0  # <row> elements read
    cells: int = 0  # <c> elements read
    max_row: int = 0  # last row holding a value (0: none)
    max_column: int = 0  # last column holding a value
    formulas_without_value: set[tuple[int, int]] = field(default_factory=set)
    errors: set[tuple[int, int]] = field(default_factory=set)
    merged: list[CellRange] = field(default_factory=list)


@dataclass
class WorkbookScan:
    sheets: dict[str, SheetScan]  # by title, in the workbook's order
    shared_strings: int = 0
    shared_string_chars: int = 0


class _Refused(Exception):
    """A limit was passed inside an expat handler: carries the ValidationError out of Parse."""

    def __init__(self, error: ValidationError):
        self.error = error


def _refuse(message: str) -> ValidationError:
    return ValidationError(message, code="file")


def _chunks(stream) -> Iterator[bytes]:
    while chunk := stream.read(CHUNK_BYTES):
        yield chunk


# --- the parts ------------------------------------------------------------------------------------


class _Part:
    """Well-formed XML without a DTD; subclasses look at the elements.

    Names come as written ("c", or "x:c" under a prefix): `local` drops the prefix, remembering
    each name it saw, since a sheet repeats a handful of names a million times.
    """

    def __init__(self):
        self.names: dict[str, str] = {}

    def local(self, name: str) -> str:
        local = self.names.get(name)
        if local is None:
            local = self.names[name] = name.rpartition(":")[2]
        return local

    def start(self, name: str, attrs: dict) -> None:
        pass

    def end(self, name: str) -> None:
        pass

    def text(self, data: str) -> None:
        pass


class _Relationships(_Part):
    def __init__(self):
        super().__init__()
        self.targets: dict[str, tuple[str, str]] = {}  # id -> (type, target)

    def start(self, name, attrs):
        if self.local(name) == "Relationship" and "Id" in attrs:
            self.targets[attrs["Id"]] = (attrs.get("Type", ""), attrs.get("Target", ""))


class _Workbook(_Part):
    def __init__(self):
        super().__init__()
        self.sheets: list[tuple[str, str]] = []  # (title, relationship id)

    def start(self, name, attrs):
        if self.local(name) == "sheet":
            # The relationship id is the one attribute under a prefix (r:id, whatever the prefix).
            rel_id = next((value for key, value in attrs.items() if key.endswith(":id")), "")
            self.sheets.append((attrs.get("name", ""), rel_id))


class _SharedStrings(_Part):
    def __init__(self, upload_name: str):
        super().__init__()
        self.upload_name = upload_name
        self.count = 0
        self.chars = 0
        self.item_chars = 0
        self.in_text = False

    def start(self, name, attrs):
        local = self.local(name)
        if local == "si":
            self.count += 1
            self.item_chars = 0
            if self.count > MAX_SHARED_STRINGS:
                raise _Refused(
                    _refuse(
                        _(
                            "Tệp “%(name)s” có quá nhiều ô chữ khác nhau (hơn %(max)s): hãy chia danh sách "
                            "thành nhiều tệp nhỏ hơn."
                        )
                        % {"name": self.upload_name, "max": number(MAX_SHARED_STRINGS)}
                    )
                )
        elif local == "t":
            self.in_text = True

    def end(self, name):
        if self.local(name) == "t":
            self.in_text = False

    def text(self, data):
        if not self.in_text:
            return
        self.item_chars += len(data)
        self.chars += len(data)
        if self.item_chars > MAX_CELL_CHARS:
            raise _Refused(_cell_too_long(self.upload_name, None))
        if self.chars > MAX_SHARED_STRING_CHARS:
            raise _Refused(
                _refuse(
                    _(
                        "Tệp “%(name)s” có quá nhiều chữ (hơn %(max)s ký tự): hãy chia danh sách thành nhiều tệp nhỏ hơn."
                    )
                    % {"name": self.upload_name, "max": number(MAX_SHARED_STRING_CHARS)}
                )
            )


def _cell_too_long(upload_name: str, where: str | None) -> ValidationError:
    if where:
        message = _(
            "Ô %(cell)s trong tệp “%(name)s” dài hơn %(max)s ký tự, giới hạn của chính Excel: tệp không do "
            "Excel tạo ra hoặc đã bị sửa. Hãy kiểm tra ô đó."
        )
    else:
        message = _(
            "Một ô chữ trong tệp “%(name)s” dài hơn %(max)s ký tự, giới hạn của chính Excel: tệp không do "
            "Excel tạo ra hoặc đã bị sửa."
        )
    return _refuse(message % {"cell": where, "name": upload_name, "max": number(MAX_CELL_CHARS)})


class _Worksheet(_Part):
    def __init__(self, sheet: SheetScan, upload_name: str):
        super().__init__()
        self.sheet = sheet
        self.upload_name = upload_name
        self.row = 0
        self.column = 0
        self.in_cell = False
        self.cell_type = "n"
        self.has_value = False
        self.has_formula = False
        self.has_cached = False
        self.text_of = ""  # the element whose text streams in: "v", "f" or "t"
        self.cell_chars = 0

    def _refuse(self, message: str, **params) -> _Refused:
        return _Refused(_refuse(message % {"name": self.upload_name, "sheet": self.sheet.title, **params}))

    def start(self, name, attrs):
        local = self.names.get(name) or self.local(name)
        if local == "c":
            self._start_cell(attrs)
        elif local == "row":
            self._start_row(attrs)
        elif self.in_cell and local in ("v", "f", "t"):  # <t>: the text of an inline string
            self.has_value = True
            self.has_formula = self.has_formula or local == "f"
            self.text_of = local
        elif self.in_cell and local == "is":
            self.has_value = self.has_cached = True
        elif local == "mergeCell":
            self._merge(attrs.get("ref", ""))

    def end(self, name):
        local = self.names.get(name) or self.local(name)
        if local == "c":
            self._end_cell()
        elif local in ("v", "f", "t"):
            self.text_of = ""

    def text(self, data):
        if self.text_of:
            self.has_cached = self.has_cached or (self.text_of == "v" and bool(data))  # <v/> is no value
            self.cell_chars += len(data)
            if self.cell_chars > MAX_CELL_CHARS:
                where = f"{get_column_letter(self.column)}{self.row}" if self.column <= 16384 else None
                raise _Refused(_cell_too_long(self.upload_name, where))

    def _start_row(self, attrs):
        self.sheet.rows += 1
        if self.sheet.rows > MAX_SHEET_ROWS:
            raise self._too_many_rows()
        self.row = _number(attrs["r"]) if "r" in attrs else self.row + 1
        self.column = 0

    def _start_cell(self, attrs):
        self.sheet.cells += 1
        if self.sheet.cells > MAX_SHEET_CELLS:
            raise self._refuse(
                _(
                    "Trang tính “%(sheet)s” của tệp “%(name)s” có quá nhiều ô (hơn %(max)s), kể cả ô trống có "
                    "định dạng: hãy xóa các dòng, cột thừa hoặc chia thành nhiều tệp."
                ),
                max=number(MAX_SHEET_CELLS),
            )
        coordinate = attrs.get("r")
        if coordinate:
            match = _COORDINATE.match(coordinate)
            if match is None:
                raise _Malformed()
            self.column = column_index_from_string(match.group(1).upper())
        else:
            self.column += 1
        self.in_cell = True
        self.cell_type = attrs.get("t", "n")
        self.has_value = self.has_formula = self.has_cached = False
        self.cell_chars = 0

    def _end_cell(self):
        self.in_cell = False
        if not self.has_value:
            return
        sheet = self.sheet
        if self.row > MAX_SHEET_ROWS:
            raise self._too_many_rows()
        if self.column > MAX_COLUMNS:
            raise self._refuse(
                _(
                    "Trang tính “%(sheet)s” của tệp “%(name)s” có dữ liệu ở ô %(cell)s, xa quá cột %(max)s: "
                    "hãy xóa dữ liệu thừa ở các cột đó."
                ),
                cell=f"{get_column_letter(min(self.column, 16384))}{self.row}",
                max=get_column_letter(MAX_COLUMNS),
            )
        sheet.max_row = max(sheet.max_row, self.row)
        sheet.max_column = max(sheet.max_column, self.column)
        if self.has_formula and not self.has_cached:
            sheet.formulas_without_value.add((self.row, self.column))
        if self.cell_type == "e":
            sheet.errors.add((self.row, self.column))

    def _merge(self, ref: str):
        if len(self.sheet.merged) >= MAX_MERGED_RANGES:
            raise self._refuse(
                _("Trang tính “%(sheet)s” của tệp “%(name)s” có quá nhiều vùng gộp ô (hơn %(max)s)."),
                max=number(MAX_MERGED_RANGES),
            )
        try:
            self.sheet.merged.append(CellRange(ref))
        except (TypeError, ValueError):
            raise _Malformed() from None

    def _too_many_rows(self) -> _Refused:
        return self._refuse(
            _(
                "Trang tính “%(sheet)s” của tệp “%(name)s” có hơn %(max)s dòng, kể cả dòng trống có định dạng: "
                "hãy xóa các dòng thừa hoặc chia thành nhiều tệp nhỏ hơn."
            ),
            max=number(MAX_SHEET_ROWS),
        )


class _Malformed(Exception):
    """A value the format does not allow (a cell reference, a row number): a broken file."""


def _number(text: str) -> int:
    try:
        value = float(text)
    except ValueError:
        raise _Malformed() from None
    if not value.is_integer() or value < 1:
        raise _Malformed()
    return int(value)


# --- the zip ------------------------------------------------------------------------------------


def _forbidden(*args: object) -> NoReturn:
    raise _Forbidden()


class _Forbidden(Exception):
    """A DTD or an entity in a part."""


def _parse(archive: zipfile.ZipFile, info: zipfile.ZipInfo, part: _Part, upload_name: str) -> None:
    parser = expat.ParserCreate()
    # What defusedxml forbids, for the same reasons: entity expansion ("billion laughs"),
    # external entities (files, URLs). A spreadsheet part never declares a DTD.
    parser.StartDoctypeDeclHandler = _forbidden
    parser.EntityDeclHandler = _forbidden
    parser.ExternalEntityRefHandler = _forbidden
    parser.SetParamEntityParsing(expat.XML_PARAM_ENTITY_PARSING_NEVER)
    parser.buffer_text = True
    parser.StartElementHandler = part.start
    parser.EndElementHandler = part.end
    parser.CharacterDataHandler = part.text
    try:
        with archive.open(info) as stream:
            for chunk in _chunks(stream):
                parser.Parse(chunk, False)
            parser.Parse(b"", True)
    except _Refused as refused:
        raise refused.error from None
    except _Forbidden:
        raise _refuse(
            _(
                "Tệp “%(name)s” bị từ chối: phần “%(part)s” có khai báo DTD hoặc thực thể XML, điều mà tệp Excel "
                "không bao giờ có."
            )
            % {"name": upload_name, "part": info.filename}
        ) from None
    except (expat.ExpatError, _Malformed, ValueError):
        raise _refuse(
            _(
                "Tệp “%(name)s” bị hỏng: phần “%(part)s” không đọc được. Hãy mở tệp bằng Excel, lưu lại "
                "(Lưu thành… dạng .xlsx) rồi tải lên lại."
            )
            % {"name": upload_name, "part": info.filename}
        ) from None
    except (zipfile.BadZipFile, OSError, EOFError, RuntimeError, NotImplementedError):
        raise _refuse(_("Tệp “%(name)s” bị hỏng, không mở được.") % {"name": upload_name}) from None


def _resolve(base: str, target: str) -> str:
    """A relationship's target as a part name ("worksheets/sheet1.xml" from xl/ → "xl/worksheets/sheet1.xml")."""
    if target.startswith("/"):
        return posixpath.normpath(target.lstrip("/"))
    return posixpath.normpath(posixpath.join(posixpath.dirname(base), target))


def _is_xml(name: str) -> bool:
    # Legacy drawings (.vml) are not XML that a parser accepts, and openpyxl does not read them.
    return name.endswith((".xml", ".rels"))


def scan_workbook(upload) -> WorkbookScan:
    """Scan every XML part of the upload (an .xlsx that passed check_upload); ValidationError
    (code "file") at the first limit passed or the first broken part."""
    upload_name = getattr(upload, "name", "") or ""
    upload.seek(0)
    try:
        with zipfile.ZipFile(upload) as archive:
            return _scan(archive, upload_name)
    except zipfile.BadZipFile:
        raise _refuse(_("Tệp “%(name)s” bị hỏng, không mở được.") % {"name": upload_name}) from None
    finally:
        upload.seek(0)


def _scan(archive: zipfile.ZipFile, upload_name: str) -> WorkbookScan:
    infos = {info.filename: info for info in archive.infolist() if not info.is_dir()}
    for info in infos.values():
        if info.file_size > MAX_PART_BYTES:
            raise _refuse(
                _("Tệp “%(name)s” quá lớn khi giải nén (phần “%(part)s”); hãy chia danh sách thành nhiều tệp.")
                % {"name": upload_name, "part": info.filename}
            )
    workbook, relationships = _Workbook(), _Relationships()
    for name, part in ((WORKBOOK_PART, workbook), (WORKBOOK_RELS_PART, relationships)):
        if name not in infos:
            raise _refuse(
                _("“%(name)s” không phải tệp Excel .xlsx (có thể là tệp khác bị đổi đuôi).") % {"name": upload_name}
            )
        _parse(archive, infos[name], part, upload_name)
    scan = WorkbookScan(sheets={})
    roles: dict[str, _Part] = {}
    for title, rel_id in workbook.sheets:
        rel_type, target = relationships.targets.get(rel_id, ("", ""))
        if rel_type == WORKSHEET_REL:
            sheet = SheetScan(title=title, part=_resolve(WORKBOOK_PART, target))
            scan.sheets[title] = sheet
            roles[sheet.part] = _Worksheet(sheet, upload_name)
    shared = _SharedStrings(upload_name)
    for rel_type, target in relationships.targets.values():
        if rel_type == SHARED_STRINGS_REL:
            roles[_resolve(WORKBOOK_PART, target)] = shared
    # The shared strings first: openpyxl would load them whole before the first row.
    order = sorted(infos, key=lambda name: (roles.get(name) is not shared, name))
    for name in order:
        if name in (WORKBOOK_PART, WORKBOOK_RELS_PART) or not _is_xml(name):
            continue
        _parse(archive, infos[name], roles.get(name, _Part()), upload_name)
    scan.shared_strings, scan.shared_string_chars = shared.count, shared.chars
    return scan
