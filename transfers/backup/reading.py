"""Reading a backup document: its header, then every section converted to Python values."""

import json
from typing import TextIO

from django.utils.translation import gettext as _

from committees.years import year_in_range
from transfers.backup.format import (
    FORMAT,
    FORMAT_VERSION,
    SECTION_BY_NAME,
    SECTIONS,
    BackupRejected,
    BadValue,
    Section,
    from_json,
)

MAX_MESSAGES = 20


class Table:
    """The rows of one section, values already converted."""

    def __init__(self, section: Section, rows: list[list]):
        self.section = section
        self.rows = rows
        self.index = {name: position for position, name in enumerate(section.fields)}

    def value(self, row: list, name: str):
        return row[self.index[name]]

    def column(self, name: str) -> list:
        position = self.index[name]
        return [row[position] for row in self.rows]


def read_document(stream: TextIO) -> dict:
    """The parsed document, or BackupRejected when it is not JSON."""
    try:
        document = json.load(stream)
    except json.JSONDecodeError as error:
        raise BackupRejected(
            [
                _("Tệp không phải JSON hợp lệ (dòng %(line)s, cột %(column)s): %(error)s.")
                % {"line": error.lineno, "column": error.colno, "error": error.msg}
            ]
        ) from None
    except UnicodeDecodeError:
        raise BackupRejected([_("Tệp không phải văn bản UTF-8.")]) from None
    return document


def read_header(document) -> tuple[int, int]:
    if not isinstance(document, dict) or document.get("format") != FORMAT:
        raise BackupRejected([_("Tệp không phải bản sao lưu dữ liệu năm của phần mềm “Làm theo Bác”.")])
    version = document.get("format_version")
    if version != FORMAT_VERSION:
        raise BackupRejected(
            [
                _("Phiên bản định dạng %(version)s không được hỗ trợ: phần mềm này chỉ đọc phiên bản %(ours)s.")
                % {"version": version, "ours": FORMAT_VERSION}
            ]
        )
    organization, year = document.get("organization"), document.get("year")
    if not isinstance(organization, int) or isinstance(organization, bool):
        raise BackupRejected([_("Tệp thiếu mã tổ chức gốc (“organization”).")])
    if not isinstance(year, int) or isinstance(year, bool) or not year_in_range(year):
        raise BackupRejected([_("Năm của tệp (“year”) không hợp lệ.")])
    if not isinstance(document.get("sections"), dict):
        raise BackupRejected([_("Tệp thiếu phần dữ liệu (“sections”).")])
    return organization, year


def _table(section: Section, part, errors: list[str]) -> Table:
    if not isinstance(part, dict):
        errors.append(_("Tệp thiếu phần “%(section)s”.") % {"section": section.name})
        return Table(section, [])
    if part.get("fields") != list(section.fields):
        errors.append(
            _("Phần “%(section)s” không có đúng các cột của phiên bản %(version)s.")
            % {"section": section.name, "version": FORMAT_VERSION}
        )
        return Table(section, [])
    rows = part.get("rows")
    if not isinstance(rows, list):
        errors.append(_("Phần “%(section)s” thiếu danh sách dòng.") % {"section": section.name})
        return Table(section, [])
    fields = [section.field(name) for name in section.fields]
    for number, row in enumerate(rows, start=1):
        if not isinstance(row, list) or len(row) != len(fields):
            errors.append(_("Phần “%(section)s”, dòng %(row)s: sai số cột.") % {"section": section.name, "row": number})
            continue
        for position, field in enumerate(fields):
            place = {"section": section.name, "row": number, "field": field.name}
            if row[position] is None and not field.null:
                errors.append(_("Phần “%(section)s”, dòng %(row)s, cột “%(field)s”: thiếu giá trị.") % place)
                continue
            try:
                row[position] = from_json(field, row[position])
            except BadValue:
                value = json.dumps(row[position], ensure_ascii=False)
                errors.append(
                    _("Phần “%(section)s”, dòng %(row)s, cột “%(field)s”: giá trị %(value)s không hợp lệ.")
                    % {**place, "value": value}
                )
        if len(errors) > MAX_MESSAGES:
            break
    return Table(section, rows)


def read_tables(document: dict) -> dict[str, Table]:
    errors: list[str] = []
    parts = document["sections"]
    unknown = sorted(set(parts) - set(SECTION_BY_NAME))
    if unknown:
        errors.append(_("Tệp có phần lạ: %(names)s.") % {"names": ", ".join(unknown)})
    tables = {section.name: _table(section, parts.get(section.name), errors) for section in SECTIONS}
    if errors:
        raise BackupRejected(errors[:MAX_MESSAGES])
    return tables
