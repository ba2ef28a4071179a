"""Spreadsheet uploads: macros are refused, formulas are never evaluated, nothing is kept on disk.

(Size, type, zip content and broken files: tests/committees/test_import.py.)
"""

import io
import re
import zipfile

import pytest
from django.urls import reverse

from committees.models import Person
from tests.transfers.test_import_people import person_row, upload, workbook_bytes

pytestmark = pytest.mark.django_db

MACRO_REFUSED = "sổ tính có macro (.xlsm) bị đổi đuôi thành .xlsx"


def with_parts(content: bytes, parts: dict[str, bytes], *, edit=None) -> bytes:
    """The workbook `content` with parts added, each part passed through `edit(name, data)`."""
    source = zipfile.ZipFile(io.BytesIO(content))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for info in source.infolist():
            data = source.read(info.filename)
            archive.writestr(info, edit(info.filename, data) if edit else data)
        for name, data in parts.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def as_xlsm(name: str, data: bytes) -> bytes:
    if name == "[Content_Types].xml":
        return data.replace(
            b"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml",
            b"application/vnd.ms-excel.sheet.macroEnabled.main+xml",
        )
    return data


def post(client, world, content: bytes, kind: str = "import_people"):
    return client.post(reverse(f"transfers:{kind}", args=[world.committee_a.pk]), {"file": upload(content)})


@pytest.mark.parametrize("kind", ["import_people", "import_pledges"])
def test_an_xlsm_renamed_xlsx_is_refused(world, login, kind):
    content = with_parts(workbook_bytes([person_row()]), {"xl/vbaProject.bin": b"\xd0\xcf\x11\xe0 macro"}, edit=as_xlsm)
    before = Person.objects.count()
    response = post(login(world.a_clerk), world, content, kind)
    assert response.status_code == 200
    assert MACRO_REFUSED in response.content.decode()
    assert "Lưu thành" in response.content.decode()
    assert Person.objects.count() == before


def test_an_excel4_macro_sheet_is_refused(world, login):
    content = with_parts(workbook_bytes([person_row()]), {"xl/macrosheets/sheet1.xml": b"<xm:macrosheet/>"})
    response = post(login(world.a_clerk), world, content)
    assert MACRO_REFUSED in response.content.decode()


def test_a_formula_is_read_as_its_cached_value_never_evaluated(world, login):
    # A "DDE" formula that would start a program in a spreadsheet application that ran it.
    formula = b'<c r="A2" t="str"><f>cmd|\' /C calc\'!A0</f><v>L\xc3\xaa V\xc4\x83n Minh</v></c>'

    def put_formula(name: str, data: bytes) -> bytes:
        if name == "xl/worksheets/sheet1.xml":
            return re.sub(rb'<c r="A2"[^>]*>.*?</c>', lambda _match: formula, data, count=1)
        return data

    content = with_parts(workbook_bytes([person_row(**{"Họ và tên": "Tạm"})]), {}, edit=put_formula)
    response = post(login(world.a_clerk), world, content)
    assert response.status_code == 302
    person = Person.objects.get(full_name="Lê Văn Minh")
    assert "calc" not in person.full_name


def test_an_upload_leaves_no_file_behind(world, login, settings):
    response = post(login(world.a_clerk), world, workbook_bytes([person_row()]))
    assert response.status_code == 302
    media = settings.MEDIA_ROOT
    assert not media.exists() or not any(path.is_file() for path in media.rglob("*"))
