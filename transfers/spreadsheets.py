"""Uploaded .xlsx files: refusal of what is not one, streaming rows, headers, cell values.

A file is checked before openpyxl sees it, in two steps: the zip itself (size, extension, zip
magic, what the zip holds, no macros, how big it unpacks: `check_upload`), then every XML part,
streamed with every limit applied as it is read (rows, cells, cell length, shared strings, part
sizes, well-formed XML without DTD: transfers/workbook_scan.py). Only then is it read with
`load_workbook(read_only=True, data_only=True)`, through openpyxl's public API, for exactly the
rows and columns the scan found values in (never the range the file claims), keeping only the
raw values of the known columns. Two things openpyxl's read-only mode hides come from the scan:

* a formula without a cached value (a file written by a program, never opened in Excel)
  reads as an empty cell: it is reported as such instead of as a blank;
* merged cells: only the top-left cell of a merged range holds the value, the others read
  as blank; a required blank inside a merged range says so.

Anything else that goes wrong inside openpyxl is a broken file, said in Vietnamese, never a 500.
"""

import datetime
import io
import re
import zipfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from openpyxl import Workbook, load_workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.utils.datetime import from_excel
from openpyxl.worksheet.cell_range import CellRange

from committees import xlsx
from committees.text import normalize_multiline, normalize_text, search_key
from transfers.workbook_scan import SheetScan, scan_workbook

MAX_BYTES = 5 * 1024 * 1024
MAX_ROWS = 60_000
# A 5 MB zip may unpack to far more (a "zip bomb"); a genuine 60,000-row list stays well below.
MAX_UNPACKED_BYTES = 300 * 1024 * 1024
HEADER_SEARCH_ROWS = 10
# Columns a clerk commonly adds that carry nothing to import (row numbers, notes); any other
# header the template does not know is refused, so that a renamed column is never dropped quietly.
IGNORED_HEADERS = {"stt", "tt", "so tt", "so thu tu", "ghi chu"}
XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
# Browsers send the type the desktop associates with the extension; these are what an .xlsx
# is sent as in practice. The magic bytes and the zip content are what really decide.
ACCEPTED_CONTENT_TYPES = {
    XLSX_CONTENT_TYPE,
    "application/octet-stream",
    "application/zip",
    "application/x-zip-compressed",
    "application/vnd.ms-excel",
    "",
}
ZIP_MAGIC = b"PK\x03\x04"
# Macros are never run (openpyxl cannot run them, and formulas are read as their cached values,
# never evaluated), but an .xlsx holding a VBA project or Excel 4.0 macro sheets is an .xlsm
# renamed, which Excel itself refuses to open: refused, with the way to save it right.
MACRO_PARTS = {"vbaproject.bin", "vbaprojectsignature.bin"}
MACRO_FOLDER = "xl/macrosheets/"
GUIDE_SHEET_TITLE = "Hướng dẫn"
# No date of the movement (joining, due, handed in) is older; a year typed into a date column
# (2020 → serial → 1905) is thereby refused instead of read as a date.
DATE_MIN_YEAR, DATE_MAX_YEAR = 1930, 2100
_DMY = re.compile(r"^(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})$")
_ISO = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$")


class FormulaWithoutValue:
    """A formula cell whose result was never computed (no cached value in the file)."""

    def __repr__(self) -> str:
        return "FORMULA_WITHOUT_VALUE"


FORMULA_WITHOUT_VALUE = FormulaWithoutValue()


@dataclass(frozen=True)
class ErrorValue:
    """An Excel error cell (#REF!, #DIV/0!, ...)."""

    text: str


@dataclass(frozen=True)
class Column:
    key: str
    header: str
    help: str = ""
    required: bool = False  # the header must be present and the cell may not be blank
    in_template: bool = True  # written in the downloaded template

    @property
    def header_key(self) -> str:
        return header_key(self.header)


@dataclass
class Row:
    number: int  # as Excel shows it
    values: dict[str, object]


@dataclass(frozen=True)
class RowError:
    row: int
    column: str
    message: str


@dataclass
class Sheet:
    header_row: int
    columns: dict[str, int]  # column key -> 1-based index in the file
    rows: list[Row]
    epoch: datetime.datetime
    merged: list[CellRange] = field(default_factory=list)
    _by_column: dict[int, list[CellRange]] | None = field(default=None, repr=False)

    def in_merged_range(self, row: int, key: str) -> CellRange | None:
        """The merged range that hides this cell's value (None for the anchor or no merge)."""
        column = self.columns.get(key)
        if column is None or not self.merged:
            return None
        for cell_range in self._merged_by_column().get(column, ()):
            if cell_range.min_row <= row <= cell_range.max_row and (row, column) != (
                cell_range.min_row,
                cell_range.min_col,
            ):
                return cell_range
        return None

    def _merged_by_column(self) -> dict[int, list[CellRange]]:
        if self._by_column is None:
            self._by_column = {}
            for cell_range in self.merged:
                for column in range(cell_range.min_col, min(cell_range.max_col, max(self.columns.values())) + 1):
                    self._by_column.setdefault(column, []).append(cell_range)
        return self._by_column


def header_key(text) -> str:
    """How a header is compared: no marks, no case, no trailing '*' or ':'."""
    return search_key(str(text) if text is not None else "").rstrip(" *:")


# --- the file itself ----------------------------------------------------------------------------


def _refuse(message: str) -> ValidationError:
    return ValidationError(message, code="file")


def check_upload(upload) -> None:
    """Refuse what is not a plausible .xlsx before openpyxl opens it."""
    name = getattr(upload, "name", "") or ""
    suffix = Path(name).suffix.lower()
    if suffix == ".xls":
        raise _refuse(
            _(
                "Tệp .xls (Excel 97-2003) không được hỗ trợ: hãy mở bằng Excel, chọn Lưu thành… dạng .xlsx rồi tải lên lại."
            )
        )
    if suffix in (".csv", ".ods"):
        raise _refuse(_("Chỉ nhận tệp Excel .xlsx: hãy mở tệp, lưu lại dạng .xlsx rồi tải lên lại."))
    if suffix != ".xlsx":
        raise _refuse(_("“%(name)s” không phải tệp Excel .xlsx. Hãy dùng tệp mẫu tải từ trang này.") % {"name": name})
    size = upload.size or 0
    if size == 0:
        raise _refuse(_("Tệp tải lên rỗng (0 byte)."))
    if size > MAX_BYTES:
        raise _refuse(
            _("Tệp quá lớn (%(size)s MB); chỉ nhận tệp đến %(max)s MB. Hãy chia danh sách thành nhiều tệp.")
            % {"size": f"{size / 1024 / 1024:.1f}".replace(".", ","), "max": MAX_BYTES // 1024 // 1024}
        )
    content_type = (getattr(upload, "content_type", "") or "").split(";")[0].strip().lower()
    if content_type not in ACCEPTED_CONTENT_TYPES:
        raise _refuse(
            _("“%(name)s” không phải tệp Excel .xlsx (loại tệp: %(type)s).") % {"name": name, "type": content_type}
        )
    upload.seek(0)
    magic = upload.read(len(ZIP_MAGIC))
    upload.seek(0)
    if magic != ZIP_MAGIC:
        raise _refuse(_("“%(name)s” không phải tệp Excel .xlsx (có thể là tệp khác bị đổi đuôi).") % {"name": name})
    try:
        with zipfile.ZipFile(upload) as archive:
            infos = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError):
        raise _refuse(_("Tệp “%(name)s” bị hỏng, không mở được.") % {"name": name}) from None
    finally:
        upload.seek(0)
    names = {info.filename for info in infos}
    if "xl/workbook.xml" not in names or "[Content_Types].xml" not in names:
        raise _refuse(_("“%(name)s” không phải tệp Excel .xlsx (có thể là tệp khác bị đổi đuôi).") % {"name": name})
    if any(Path(n).name.lower() in MACRO_PARTS or n.lower().startswith(MACRO_FOLDER) for n in names):
        raise _refuse(
            _(
                "“%(name)s” là sổ tính có macro (.xlsm) bị đổi đuôi thành .xlsx: không nhận tệp có macro. "
                "Hãy mở bằng Excel, chọn Lưu thành… dạng “Sổ làm việc Excel (*.xlsx)” rồi tải lên lại."
            )
            % {"name": name}
        )
    if sum(info.file_size for info in infos) > MAX_UNPACKED_BYTES:
        raise _refuse(_("Tệp “%(name)s” quá lớn khi giải nén; hãy chia danh sách thành nhiều tệp.") % {"name": name})


def _is_blank(value) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def read_sheet(upload, columns: list[Column], *, one_of: tuple[tuple[str, ...], ...] = ()) -> Sheet:
    """Check the upload and read its data rows (values of the known columns only).

    The header must hold every required column and, for each group of `one_of`, at least one
    of its columns; optional columns may be left out; a header the template does not know is
    refused (a renamed column). Raises a ValidationError (code "file") for anything that stops
    the whole file: not an .xlsx, too big, past a limit of the scan, broken, no header, missing
    or unknown columns, no data, too many rows.
    """
    check_upload(upload)
    scan = scan_workbook(upload)
    broken = _refuse(_("Tệp “%(name)s” bị hỏng hoặc không phải bảng tính Excel.") % {"name": upload.name})
    try:
        workbook = load_workbook(upload, read_only=True, data_only=True)
    except Exception:  # a part the scan found well-formed but openpyxl cannot make sense of
        raise broken from None
    try:
        worksheet = _data_sheet(workbook)
        if worksheet is None or worksheet.title not in scan.sheets:
            raise _refuse(_("Tệp không có trang tính nào chứa dữ liệu."))
        return _read_rows(workbook, worksheet, scan.sheets[worksheet.title], columns, one_of)
    except ValidationError:
        raise
    except Exception:  # malformed content inside a zip that looked right: any parser error
        raise broken from None
    finally:
        workbook.close()


def _data_sheet(workbook):
    for worksheet in workbook.worksheets:
        if header_key(worksheet.title) != header_key(GUIDE_SHEET_TITLE):
            return worksheet
    return None


def _cells(worksheet, scan: SheetScan) -> Iterator[tuple[int, dict[int, object]]]:
    """(row number, {column: value}) of every row up to the last the scan found a value in, the
    cells the scan marked made visible (a formula without a cached value, an error)."""
    if scan.max_row == 0:
        return
    worksheet.reset_dimensions()  # what the file says of its size is not used
    rows = worksheet.iter_rows(min_row=1, max_row=scan.max_row, max_col=scan.max_column, values_only=True)
    for number, values in enumerate(rows, start=1):
        cells = {}
        for column, value in enumerate(values, start=1):
            if value is None:
                if (number, column) in scan.formulas_without_value:
                    cells[column] = FORMULA_WITHOUT_VALUE
            elif (number, column) in scan.errors:
                cells[column] = ErrorValue(str(value))
            else:
                cells[column] = value
        yield number, cells


def _read_rows(
    workbook, worksheet, scan: SheetScan, columns: list[Column], one_of: tuple[tuple[str, ...], ...]
) -> Sheet:
    known = {column.header_key: column for column in columns}
    mapping: dict[str, int] | None = None
    header_row = 0
    seen_rows = 0
    by_index: dict[int, str] = {}
    rows: list[Row] = []
    for number, cells in _cells(worksheet, scan):
        if mapping is None:
            values = {column: value for column, value in cells.items() if not _is_blank(value)}
            if not values:
                continue
            seen_rows += 1
            found = {index: known[header_key(v)] for index, v in values.items() if header_key(v) in known}
            if found:
                unknown = [v for v in values.values() if header_key(v) not in known.keys() | IGNORED_HEADERS]
                mapping = _map_header(found, columns, unknown, one_of)
                header_row = number
                by_index = {index: key for key, index in mapping.items()}
            elif seen_rows >= HEADER_SEARCH_ROWS:
                break
            continue
        values = {by_index[column]: value for column, value in cells.items() if column in by_index}
        if all(_is_blank(value) for value in values.values()):
            continue
        if len(rows) >= MAX_ROWS:
            raise _refuse(
                _("Tệp có hơn %(max)s dòng dữ liệu; hãy chia thành nhiều tệp nhỏ hơn.")
                % {"max": f"{MAX_ROWS:,}".replace(",", ".")}
            )
        rows.append(Row(number=number, values=values))
    if mapping is None:
        if seen_rows == 0:
            raise _refuse(_("Tệp không có dữ liệu: trang tính đầu tiên còn trống."))
        headers = ", ".join(f"“{c.header}”" for c in columns if c.required)
        raise _refuse(
            _(
                "Không tìm thấy dòng tiêu đề ở đầu trang tính. Dòng tiêu đề cần có các cột: %(headers)s. Hãy dùng tệp mẫu."
            )
            % {"headers": headers}
        )
    if not rows:
        raise _refuse(_("Tệp chỉ có dòng tiêu đề, chưa có dòng dữ liệu nào."))
    return Sheet(header_row=header_row, columns=mapping, rows=rows, epoch=workbook.epoch, merged=scan.merged)


def _map_header(
    found: dict[int, Column], columns: list[Column], unknown: list, one_of: tuple[tuple[str, ...], ...]
) -> dict[str, int]:
    errors = []
    mapping: dict[str, int] = {}
    for index, column in sorted(found.items()):
        if column.key in mapping:
            errors.append(_("Cột “%(header)s” xuất hiện hai lần trong dòng tiêu đề.") % {"header": column.header})
        mapping[column.key] = index
    by_key = {column.key: column for column in columns}
    missing = [column for column in columns if column.required and column.key not in mapping]
    missing += [by_key[group[0]] for group in one_of if not any(key in mapping for key in group)]
    for column in missing:
        errors.append(
            _("Thiếu cột “%(header)s” (hoặc cột đã bị đổi tên): hãy giữ nguyên tiêu đề các cột như tệp mẫu.")
            % {"header": column.header}
        )
    for header in unknown:
        errors.append(
            _("Cột “%(header)s” không có trong tệp mẫu: hãy sửa lại đúng tên cột như tệp mẫu hoặc xóa cột này.")
            % {"header": _show(header)}
        )
    if errors:
        raise ValidationError(errors, code="file")
    return mapping


# --- cell values ---------------------------------------------------------------------------------


class Missing:
    """A cell that could not be read (already reported)."""


MISSING = Missing()


def parse_date(value, epoch=None) -> datetime.date:
    """A date cell, an Excel serial number or text dd/mm/yyyy (or yyyy-mm-dd). ValueError if not."""
    if isinstance(value, datetime.datetime):
        result = value.date()
    elif isinstance(value, datetime.date):
        result = value
    elif isinstance(value, bool):
        raise ValueError(value)
    elif isinstance(value, int | float):
        if value < 1:
            raise ValueError(value)
        try:
            converted = from_excel(value, epoch) if epoch else from_excel(value)
        except (OverflowError, ValueError, TypeError):
            raise ValueError(value) from None
        result = converted.date() if isinstance(converted, datetime.datetime) else converted
    elif isinstance(value, str):
        text = value.strip()
        match = _DMY.match(text)
        if match:
            day, month, year = (int(part) for part in match.groups())
        else:
            match = _ISO.match(text)
            if not match:
                raise ValueError(value)
            year, month, day = (int(part) for part in match.groups())
        result = datetime.date(year, month, day)  # ValueError for 31/02
    else:
        raise ValueError(value)
    if not DATE_MIN_YEAR <= result.year <= DATE_MAX_YEAR:
        raise ValueError(value)
    return result


def parse_integer(value) -> int:
    if isinstance(value, bool):
        raise ValueError(value)
    if isinstance(value, int):
        return value
    if isinstance(value, float):
        if value.is_integer():
            return int(value)
        raise ValueError(value)
    if isinstance(value, str):
        text = value.strip()
        if re.fullmatch(r"\d+", text):
            return int(text)
        if re.fullmatch(r"\d+[.,]0+", text):
            return int(re.split(r"[.,]", text)[0])
    raise ValueError(value)


def as_text(value) -> str:
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, datetime.datetime):
        value = value.date()
    if isinstance(value, datetime.date):
        return value.strftime("%d/%m/%Y")
    return str(value)


def choice_map(choices: Iterable[tuple[str, str]], *extra: tuple[str, str]) -> dict[str, str]:
    """Accept the code or the label, ignoring case and marks: {search key: code}."""
    mapping = {}
    for code, label in [*choices, *extra]:
        if code:
            mapping[search_key(code)] = code
        mapping[search_key(str(label))] = code
    return mapping


def _show(value) -> str:
    text = as_text(value)
    return text if len(text) <= 60 else text[:57] + "…"


class RowReader:
    """Reads the cells of one row, appending a RowError for each bad one."""

    def __init__(self, sheet: Sheet, row: Row, errors: list[RowError], columns: dict[str, Column]):
        self.sheet = sheet
        self.row = row
        self.errors = errors
        self.columns = columns
        self.ok = True

    def error(self, key: str, message: str) -> None:
        self.ok = False
        header = self.columns[key].header if key else ""
        self.errors.append(RowError(row=self.row.number, column=header, message=message))

    def raw(self, key: str, *, required: bool = False):
        """The cell's value; None when blank; MISSING when unreadable (reported)."""
        value = self.row.values.get(key)
        if value is FORMULA_WITHOUT_VALUE:
            self.error(
                key,
                _(
                    "Ô có công thức chưa có giá trị: hãy mở tệp bằng Excel, lưu lại (hoặc thay công thức bằng giá trị) rồi tải lên."
                ),
            )
            return MISSING
        if isinstance(value, ErrorValue):
            self.error(key, _("Ô có lỗi công thức (%(error)s).") % {"error": value.text})
            return MISSING
        if _is_blank(value):
            if required:
                merged = self.sheet.in_merged_range(self.row.number, key)
                if merged is not None:
                    self.error(
                        key,
                        _(
                            "Ô nằm trong vùng gộp ô %(range)s nên không có giá trị: hãy bỏ gộp ô và ghi đủ vào từng dòng."
                        )
                        % {"range": merged.coord},
                    )
                else:
                    self.error(key, _("Chưa ghi “%(header)s”.") % {"header": self.columns[key].header})
                return MISSING
            return None
        return value

    def text(self, key: str, *, required: bool = False, max_length: int | None = None, multiline: bool = False):
        value = self.raw(key, required=required)
        if value is MISSING:
            return MISSING
        if value is None:
            return ""
        text = normalize_multiline(as_text(value)) if multiline else normalize_text(as_text(value))
        if max_length is not None and len(text) > max_length:
            self.error(key, _("Dài quá %(max)s ký tự (hiện có %(n)s).") % {"max": max_length, "n": len(text)})
            return MISSING
        return text

    def integer(self, key: str, *, required: bool = False, minimum: int | None = None, maximum: int | None = None):
        value = self.raw(key, required=required)
        if value is MISSING or value is None:
            return value
        try:
            number = parse_integer(value)
        except ValueError:
            self.error(key, _("“%(value)s” không phải là số nguyên.") % {"value": _show(value)})
            return MISSING
        if (minimum is not None and number < minimum) or (maximum is not None and number > maximum):
            self.error(
                key,
                _("%(value)s nằm ngoài khoảng %(min)s–%(max)s.") % {"value": number, "min": minimum, "max": maximum},
            )
            return MISSING
        return number

    def date(self, key: str, *, required: bool = False):
        value = self.raw(key, required=required)
        if value is MISSING or value is None:
            return value
        try:
            return parse_date(value, self.sheet.epoch)
        except ValueError:
            self.error(
                key,
                _("Ngày “%(value)s” không hợp lệ: hãy ghi theo dạng ngày/tháng/năm, ví dụ 05/03/2020.")
                % {"value": _show(value)},
            )
            return MISSING

    def choice(self, key: str, choices: dict[str, str], *, required: bool = False, default: str | None = None):
        value = self.raw(key, required=required)
        if value is MISSING:
            return MISSING
        if value is None:
            return default
        code = choices.get(search_key(as_text(value)))
        if code is None:
            self.error(
                key,
                _("“%(value)s” không phải giá trị hợp lệ của cột “%(header)s” (xem trang “%(guide)s” của tệp mẫu).")
                % {"value": _show(value), "header": self.columns[key].header, "guide": GUIDE_SHEET_TITLE},
            )
            return MISSING
        return code


# --- templates -----------------------------------------------------------------------------------


HEADER_FILL = PatternFill("solid", fgColor="FDE9D9")


def build_template(
    *,
    title: str,
    columns: list[Column],
    sections: list[tuple[str, list[str], list[tuple]]],
    widths: dict[str, int] | None = None,
) -> bytes:
    """A workbook: the data sheet (bold header row, frozen) and the guide sheet.

    `sections` are extra tables of the guide: (title, headers, rows).
    """
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "Dữ liệu"
    template_columns = [column for column in columns if column.in_template]
    # Every cell through committees.xlsx: an organization named "=..." in the guide stays text.
    xlsx.append(sheet, [column.header for column in template_columns])
    for index, column in enumerate(template_columns, start=1):
        cell = sheet.cell(row=1, column=index)
        cell.font = Font(bold=True)
        cell.fill = HEADER_FILL
        cell.alignment = Alignment(wrap_text=True, vertical="center")
        sheet.column_dimensions[get_column_letter(index)].width = (widths or {}).get(column.key, 18)
    sheet.freeze_panes = "A2"

    guide = workbook.create_sheet(GUIDE_SHEET_TITLE)
    xlsx.write(guide, 1, 1, title).font = Font(bold=True, size=13)
    xlsx.append(
        guide,
        [_("Ghi mỗi dòng một mục vào trang “Dữ liệu”, giữ nguyên dòng tiêu đề. Không gộp ô, không dùng công thức.")],
    )
    guide.append([])
    xlsx.append(guide, [_("Cột"), _("Bắt buộc"), _("Cách ghi")])
    _bold_row(guide)
    for column in columns:
        xlsx.append(guide, [column.header, _("có") if column.required else "", column.help])
    for section_title, headers, rows in sections:
        guide.append([])
        xlsx.append(guide, [section_title])
        _bold_row(guide)
        xlsx.append(guide, headers)
        _bold_row(guide)
        for row in rows:
            xlsx.append(guide, row)
    guide.column_dimensions["A"].width = 48
    guide.column_dimensions["B"].width = 16
    guide.column_dimensions["C"].width = 90
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _bold_row(sheet) -> None:
    for cell in sheet[sheet.max_row]:
        cell.font = Font(bold=True)
