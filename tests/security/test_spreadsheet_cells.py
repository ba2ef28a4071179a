"""No text becomes a formula in any spreadsheet the application hands out.

An organization named "=HYPERLINK(...)" (or starting with "+", "-", "@") would be a formula in
the clerk's Excel. Every writer puts its cells through committees.xlsx: the dashboard export,
the report workbook, the three import templates, their title cells included.
"""

import io
import re
import zipfile

import pytest
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from committees import services, xlsx
from pledges.services.plans import plan_save
from reports import services as report_services
from reports.models import ReportRender

pytestmark = pytest.mark.django_db

NAMES = {
    "bloc": "@Khối các Cơ quan",
    "committee_a": '=HYPERLINK("http://x.example","Bấm")',
    "cell_a1": "+Chi bộ Văn phòng",
    "cell_a2": "-Chi bộ Thương mại",
}


@pytest.fixture
def hostile_names(world):
    for key, name in NAMES.items():
        services.organization_rename(organization=getattr(world, key), name=name)
    return world


def assert_text_only(content: bytes, *expected: str) -> None:
    """No formula anywhere; every text starting like one is text, quote-prefixed; `expected` are there."""
    archive = zipfile.ZipFile(io.BytesIO(content))
    for name in archive.namelist():
        if name.startswith("xl/worksheets/"):
            assert not re.search(rb"<(\w+:)?f[ >]", archive.read(name)), f"a formula in {name}"
    workbook = load_workbook(io.BytesIO(content))
    texts = []
    for sheet in workbook.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                if isinstance(cell.value, str):
                    texts.append(cell.value)
                    assert cell.data_type == "s", cell.coordinate
                    if cell.value.startswith(("=", "+", "-", "@")):
                        assert cell.quotePrefix, f"{sheet.title}!{cell.coordinate} {cell.value!r}"
    for text in expected:
        assert any(text in value for value in texts), text


def test_the_dashboard_export(hostile_names, login):
    world = hostile_names
    response = login(world.bloc_reviewer).get(reverse("reports:dashboard_xlsx", args=[world.bloc.pk, 2024]))
    assert response.status_code == 200
    assert_text_only(response.content, NAMES["committee_a"])
    title = load_workbook(io.BytesIO(response.content)).active["A1"]
    assert title.value == f"{NAMES['bloc']} – năm 2024" and title.quotePrefix


def test_the_report_workbook(hostile_names, django_capture_on_commit_callbacks):
    world = hostile_names
    plan_save(organization=world.bloc, year=2024)
    report = report_services.report_open(organization=world.committee_a, year=2024)
    with django_capture_on_commit_callbacks(execute=True):
        render = report_services.render_request(report=report, format=ReportRender.Format.XLSX)
    render.refresh_from_db()
    assert render.state == ReportRender.State.READY, render.error
    with render.file.open("rb") as handle:
        content = handle.read()
    assert_text_only(content, NAMES["committee_a"], NAMES["cell_a1"], NAMES["cell_a2"])
    assert load_workbook(io.BytesIO(content)).active["A1"].value == NAMES["committee_a"]


@pytest.mark.parametrize(
    "url",
    [
        lambda world: reverse("transfers:import_template", kwargs={"pk": world.committee_a.pk, "kind": "ca-nhan"}),
        lambda world: reverse("transfers:import_template", kwargs={"pk": world.committee_a.pk, "kind": "ke-hoach"}),
        lambda world: reverse("transfers:account_import_template", args=[world.committee_a.pk]),
    ],
    ids=["people", "pledges", "accounts"],
)
def test_the_import_templates(hostile_names, login, url):
    world = hostile_names
    response = login(world.a_clerk).get(url(world))
    assert response.status_code == 200
    assert_text_only(response.content, NAMES["cell_a1"], NAMES["cell_a2"])


def test_the_helper_keeps_numbers_and_drops_what_xml_forbids():
    workbook = Workbook()
    sheet = workbook.active
    xlsx.append(sheet, ["=1+1", 5, None, 0.5, "a\x01b"])
    xlsx.write(sheet, 3, 2, "@SUM(A1)")
    buffer = io.BytesIO()
    workbook.save(buffer)
    sheet = load_workbook(io.BytesIO(buffer.getvalue())).active
    assert [cell.value for cell in sheet[1]] == ["=1+1", 5, None, 0.5, "ab"]
    assert (sheet["A1"].data_type, sheet["B1"].data_type, sheet["B3"].value) == ("s", "n", "@SUM(A1)")
    assert sheet["A1"].quotePrefix and sheet["B3"].quotePrefix and not sheet["E1"].quotePrefix
