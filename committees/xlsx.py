"""Cells of the .xlsx files the application hands out: text stays text, everywhere.

openpyxl stores a string that starts with "=" as a formula, and a spreadsheet program evaluates
a cell starting with "=", "+", "-" or "@" once it is edited: an organization named
"=HYPERLINK(...)" would run in the clerk's Excel. Every writer (the dashboard export, the report
workbook, the import templates) puts its cells through `put`, `write` or `append`:

* text is stored as text (type "s"), marked with Excel's quote prefix when it starts like a
  formula, so that it shows exactly as written and stays text when edited;
* characters XML forbids (control characters) are dropped, since openpyxl refuses them;
* lazy translations are made strings; numbers, dates and None go through unchanged.
"""

import re
from collections.abc import Iterable

from django.utils.functional import Promise
from openpyxl.cell.cell import Cell
from openpyxl.worksheet.worksheet import Worksheet

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
XML_ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")


def _plain(value):
    if isinstance(value, Promise):
        value = str(value)
    if isinstance(value, str):
        value = XML_ILLEGAL.sub("", value)
    return value


def put(cell: Cell, value) -> Cell:
    """Set the cell's value, text as text (see the module)."""
    value = _plain(value)
    cell.value = value
    if isinstance(value, str):
        cell.data_type = "s"  # openpyxl made "=..." a formula on assignment
        cell.quotePrefix = value.startswith(FORMULA_STARTS)
    return cell


def write(sheet: Worksheet, row: int, column: int, value) -> Cell:
    return put(sheet.cell(row=row, column=column), value)


def append(sheet: Worksheet, values: Iterable) -> None:
    """`Worksheet.append`, its text put as text."""
    values = [_plain(value) for value in values]
    sheet.append(values)
    row = sheet.max_row  # the row just appended, once it holds a value
    for column, value in enumerate(values, start=1):
        if isinstance(value, str):
            put(sheet.cell(row=row, column=column), value)
