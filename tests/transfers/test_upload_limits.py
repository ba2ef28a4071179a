"""Crafted workbooks are refused within bounded work, with a Vietnamese message, never a 500.

Each file is built here, in memory, from a genuine one-row workbook: a million rows without a
dimension, a million tiny shared strings, a cell of hundreds of megabytes, broken or hostile XML.
The work done before the refusal is counted: the bytes of XML the scan read (its `_chunks`), and
whether openpyxl was ever asked to open the file.
"""

import io
import re
import zipfile
from collections.abc import Iterable

import openpyxl
import pytest

from tests.transfers.test_import_people import counts, file_errors, person_row, post, upload, workbook_bytes
from transfers import spreadsheets, workbook_scan
from transfers.workbook_scan import (
    MAX_CELL_CHARS,
    MAX_COLUMNS,
    MAX_PART_BYTES,
    MAX_SHARED_STRINGS,
    MAX_SHEET_ROWS,
)

pytestmark = pytest.mark.django_db

SHEET = "xl/worksheets/sheet1.xml"
SHARED = "xl/sharedStrings.xml"
SHEET_START = (
    b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
    b'<row r="1"><c r="A1" t="inlineStr"><is><t>H\xe1\xbb\x8d v\xc3\xa0 t\xc3\xaan</t></is></c></row>'
)
SHEET_END = b"</sheetData></worksheet>"
SHARED_REL = (
    b'<Relationship Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings" '
    b'Target="sharedStrings.xml" Id="rIdShared"/></Relationships>'
)
SHARED_TYPE = (
    b'<Override PartName="/xl/sharedStrings.xml" '
    b'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/></Types>'
)


def crafted(parts: dict[str, Iterable[bytes]], *, shared_strings: bool = False) -> bytes:
    """The genuine one-row workbook with `parts` replaced or added, each written chunk by chunk."""
    source = zipfile.ZipFile(io.BytesIO(workbook_bytes([person_row()])))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        for info in source.infolist():
            if info.filename in parts:
                continue
            data = source.read(info.filename)
            if shared_strings and info.filename == "xl/_rels/workbook.xml.rels":
                data = data.replace(b"</Relationships>", SHARED_REL)
            if shared_strings and info.filename == "[Content_Types].xml":
                data = data.replace(b"</Types>", SHARED_TYPE)
            archive.writestr(info.filename, data)
        for name, chunks in parts.items():
            with archive.open(name, "w", force_zip64=True) as part:
                for chunk in chunks:
                    part.write(chunk)
    return buffer.getvalue()


def sheet(rows: Iterable[bytes]) -> Iterable[bytes]:
    yield SHEET_START
    batch = []
    for row in rows:
        batch.append(row)
        if len(batch) == 10_000:
            yield b"".join(batch)
            batch = []
    yield b"".join(batch)
    yield SHEET_END


@pytest.fixture
def work(monkeypatch):
    """What the scan read (bytes of XML) and whether openpyxl was asked to open the file."""
    seen = {"bytes": 0, "opened": 0}
    chunks = workbook_scan._chunks

    def counting(stream):
        for chunk in chunks(stream):
            seen["bytes"] += len(chunk)
            yield chunk

    def load_workbook(*args, **kwargs):
        seen["opened"] += 1
        return openpyxl.load_workbook(*args, **kwargs)

    monkeypatch.setattr(workbook_scan, "_chunks", counting)
    monkeypatch.setattr(spreadsheets, "load_workbook", load_workbook)
    return seen


def refused(world, login, content: bytes, kind: str = "import_people") -> str:
    assert len(content) < spreadsheets.MAX_BYTES, "a crafted file must pass the upload size"
    before = counts()
    response = post(login(world.a_clerk), world, upload(content), name=kind)
    assert response.status_code == 200
    assert counts() == before
    errors = file_errors(response, "pledges" if kind == "import_pledges" else "people")
    assert errors, "a refused file must say why"
    return " ".join(errors)


# --- sizes -------------------------------------------------------------------------------------


def test_a_million_rows_without_a_dimension_are_refused_after_the_limit(world, login, work):
    content = crafted({SHEET: sheet(f'<row r="{n}"/>'.encode() for n in range(2, 1_000_002))})
    message = refused(world, login, content)
    assert "hơn 70.000 dòng" in message and "dòng trống" in message
    assert work["opened"] == 0
    # About MAX_SHEET_ROWS rows of some 17 bytes were read, not the 17 MB of the whole sheet.
    assert work["bytes"] < MAX_SHEET_ROWS * 20 + workbook_scan.CHUNK_BYTES * 4


@pytest.mark.parametrize("kind", ["import_people", "import_pledges"])
def test_a_million_tiny_shared_strings_are_refused_before_openpyxl_loads_them(world, login, work, kind):
    strings = (b"<si><t>a</t></si>" * 10_000 for _ in range(100))
    content = crafted({SHARED: [b"<sst>", *strings, b"</sst>"]}, shared_strings=True)
    message = refused(world, login, content, kind)
    assert "quá nhiều ô chữ khác nhau" in message
    assert work["opened"] == 0
    assert work["bytes"] < MAX_SHARED_STRINGS * 20 + workbook_scan.CHUNK_BYTES * 4


def test_a_cell_of_290_megabytes_is_refused_unread(world, login, work):
    megabyte = b"a" * (1024 * 1024)
    cell = [b'<row r="2"><c r="A2" t="inlineStr"><is><t>', *(megabyte for _ in range(290)), b"</t></is></c></row>"]
    content = crafted({SHEET: [SHEET_START, *cell, SHEET_END]})
    message = refused(world, login, content)
    assert "quá lớn khi giải nén" in message and SHEET in message
    assert work["bytes"] == 0 and work["opened"] == 0
    assert MAX_PART_BYTES < 290 * 1024 * 1024


@pytest.mark.parametrize("where", ["inline", "value", "shared"])
def test_a_cell_longer_than_excel_allows_is_refused_while_it_streams_in(world, login, work, where):
    text = b"a" * (4 * 1024 * 1024)  # under the part limit: the cell limit is what stops it
    if where == "shared":
        content = crafted({SHARED: [b"<sst><si><t>", text, b"</t></si></sst>"]}, shared_strings=True)
    else:
        body = b"<is><t>" + text + b"</t></is>" if where == "inline" else b"<v>" + text + b"</v>"
        kind = b' t="inlineStr"' if where == "inline" else b' t="str"'
        content = crafted({SHEET: sheet([b'<row r="2"><c r="B2"' + kind + b">" + body + b"</c></row>"])})
    message = refused(world, login, content)
    assert "dài hơn 32.767 ký tự" in message
    if where != "shared":
        assert "Ô B2" in message
    assert work["opened"] == 0
    assert work["bytes"] < MAX_CELL_CHARS + workbook_scan.CHUNK_BYTES * 4


def test_a_value_far_to_the_right_or_far_down_is_refused(world, login, work):
    right = crafted({SHEET: sheet([b'<row r="2"><c r="XFD2"><v>1</v></c></row>'])})
    assert "ô XFD2" in refused(world, login, right) and "cột GR" in refused(world, login, right)
    assert MAX_COLUMNS == 200
    down = crafted({SHEET: sheet([b'<row r="1048576"><c r="A1048576"><v>1</v></c></row>'])})
    assert "hơn 70.000 dòng" in refused(world, login, down)
    assert work["opened"] == 0


def test_a_zip_bomb_is_refused_by_its_declared_sizes(world, login, work):
    zeros = b"\0" * (1024 * 1024)
    content = crafted({"xl/media/image1.png": (zeros for _ in range(MAX_PART_BYTES // len(zeros) + 1))})
    assert "quá lớn khi giải nén" in refused(world, login, content)
    assert work["bytes"] == 0


# --- broken and hostile XML ----------------------------------------------------------------------


@pytest.mark.parametrize(
    "part",
    [
        "[Content_Types].xml",
        "_rels/.rels",
        "xl/workbook.xml",
        "xl/_rels/workbook.xml.rels",
        "xl/styles.xml",
        SHEET,
        "docProps/core.xml",
    ],
)
def test_a_broken_part_is_a_clear_message_not_a_server_error(world, login, part):
    original = zipfile.ZipFile(io.BytesIO(workbook_bytes([person_row()]))).read(part)
    content = crafted({part: [original[: len(original) // 2]]})
    message = refused(world, login, content)
    assert "bị hỏng" in message and part in message


def test_well_formed_nonsense_is_a_broken_file_too(world, login):
    styles = b'<styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><cellXfs count="x"><xf numFmtId="z"/></cellXfs></styleSheet>'
    message = refused(world, login, crafted({"xl/styles.xml": [styles]}))
    assert "bị hỏng" in message
    bad_reference = crafted({SHEET: sheet([b'<row r="2"><c r="2B"><v>1</v></c></row>'])})
    assert "bị hỏng" in refused(world, login, bad_reference)


def test_a_dtd_or_an_entity_is_refused(world, login, work):
    laughs = (
        b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;">]>'
        b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
        b'<row r="1"><c r="A1" t="inlineStr"><is><t>&lol2;</t></is></c></row></sheetData></worksheet>'
    )
    message = refused(world, login, crafted({SHEET: [laughs]}))
    assert "DTD" in message and SHEET in message
    assert work["opened"] == 0


def test_openpyxl_parses_with_defusedxml():
    assert openpyxl.DEFUSEDXML is True


def test_a_genuine_file_still_reads_through_the_scan(world, login, work):
    content = workbook_bytes([person_row(), person_row(**{"Họ và tên": "Trần Văn Bình"})])
    response = post(login(world.a_clerk), world, upload(content))
    assert response.status_code == 302
    assert work["opened"] == 1 and work["bytes"] > 0


def test_no_private_openpyxl_module_or_attribute_is_used(settings):
    """openpyxl's private parts change without notice: the application reads through its public API."""
    private = re.compile(r"openpyxl(\.\w+)*\._\w+|\._(get_source|shared_strings|date_formats|reader)\b")
    offenders = [
        f"{path.relative_to(settings.BASE_DIR)}:{number}"
        for app in ("committees", "pledges", "reports", "transfers", "config")
        for path in (settings.BASE_DIR / app).rglob("*.py")
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1)
        if private.search(line)
    ]
    assert not offenders
