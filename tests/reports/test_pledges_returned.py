"""A figure derived from counts already kept, added by one declaration: pledges returned for
correction ("bản đăng ký bị trả lại để sửa") shows wherever its key is listed."""

import io
from html.parser import HTMLParser

import docx
import pytest
from django.template.loader import render_to_string
from django.urls import reverse
from openpyxl import load_workbook

from pledges.services.pledges import ItemInput, pledge_accept, pledge_create, pledge_return
from reports import services
from reports.content import build_document
from reports.models import ReportRender
from reports.statistics import organization_year_figures
from tests.reports.conftest import pdf_text

pytestmark = pytest.mark.django_db

LABEL = "Số bản đăng ký bị trả lại để sửa"
COLUMN = "Trả lại để sửa"


@pytest.fixture
def returned(world, planned):
    """Đảng ủy A: two pledges returned in the first cell, one in the second, one accepted."""
    pledges = [
        pledge_create(person=person, year=2024, items=[ItemInput("Đi làm đúng giờ")], submit=True)
        for person in [*world.people_a1, world.people_a2[0]]
    ]
    for pledge in (pledges[0], pledges[1], pledges[3]):
        pledge_return(pledge=pledge, comment="Bổ sung việc làm cụ thể")
    pledge_accept(pledge=pledges[2])


def test_the_snapshot_and_the_api_carry_it(world, returned, login):
    snapshot = organization_year_figures(organization=world.committee_a, year=2024).to_dict()
    assert snapshot["pledges_returned"] == 3
    assert [child["pledges_returned"] for child in snapshot["children"]] == [2, 1]
    assert snapshot["pledges_registered"] == 4  # a returned pledge was handed in all the same
    response = login(world.a_clerk).get(f"/api/v1/statistics/?organization={world.committee_a.pk}&year=2024")
    assert response.json()["pledges_returned"] == 3


def test_the_dashboard_shows_it_per_child_and_exports_it(world, returned, login):
    client = login(world.a_clerk)
    response = client.get(reverse("reports:dashboard", args=[world.committee_a.pk, 2024]))
    rows = {row.figures.name: row for row in response.context["rows"]}
    assert rows[world.cell_a1.name].values["pledges_returned"] == 2
    assert rows[world.cell_a2.name].values["pledges_returned"] == 1
    body = response.content.decode()
    assert f'href="?sap-xep=pledges_returned">{COLUMN}</a>' in body
    index = [key for key, _label, _numeric in response.context["columns"]].index("pledges_returned")
    shown = {row[0]: row[index] for row in table_rows(body, "children-table")[1:]}
    assert shown == {world.cell_a1.name: "2", world.cell_a2.name: "1"}
    ordered = client.get(
        reverse("reports:dashboard", args=[world.committee_a.pk, 2024]), {"sap-xep": "pledges_returned"}
    )
    assert [row.values["pledges_returned"] for row in ordered.context["rows"]] == [1, 2]

    export = client.get(reverse("reports:dashboard_xlsx", args=[world.committee_a.pk, 2024]))
    sheet = load_workbook(io.BytesIO(export.content)).active
    column = [cell.value for cell in sheet[2]].index(COLUMN)
    assert {sheet.cell(row=r, column=1).value: sheet.cell(row=r, column=column + 1).value for r in (3, 4)} == {
        world.cell_a1.name: 2,
        world.cell_a2.name: 1,
    }


def test_the_pdf_appendix_shows_it_with_the_total(world, returned, django_capture_on_commit_callbacks):
    report = services.report_open(organization=world.committee_a, year=2024)
    figures = organization_year_figures(organization=world.committee_a, year=2024)
    html = render_to_string("reports/pdf/report.html", {"doc": build_document(report, figures)})
    header, first, second, total = table_rows(html, "data")
    column = header.index(COLUMN)
    assert (first[1], first[column]) == (world.cell_a1.name, "2")
    assert (second[1], second[column]) == (world.cell_a2.name, "1")
    assert (total[1], total[column]) == ("Tổng cộng", "3")

    with django_capture_on_commit_callbacks(execute=True):
        render = services.render_request(report=report, format="pdf")
    render.refresh_from_db()
    assert render.state == ReportRender.State.READY and render.figures["pledges_returned"] == 3
    lines = pdf_text(render.file.read()).splitlines()
    assert "TT Tổ chức Phải đăng ký Đã đăng ký Tỷ lệ Đúng hạn Trả lại để sửa Việc làm theo" in " ".join(lines)
    assert "1 Chi bộ Văn phòng Sở 3 3 100% 3 2 3 0 0 0 0" in lines
    assert "Tổng cộng 6 4 66,7% 4 3 4 0 0 0 0" in lines


def test_word_and_excel_show_it_in_the_appendix_and_the_summary(world, returned, django_capture_on_commit_callbacks):
    report = services.report_open(organization=world.committee_a, year=2024)
    with django_capture_on_commit_callbacks(execute=True):
        word = services.render_request(report=report, format="docx")
        excel = services.render_request(report=report, format="xlsx")
    word.refresh_from_db()
    excel.refresh_from_db()

    table = docx.Document(io.BytesIO(word.file.read())).tables[-1]
    header = [cell.text for cell in table.rows[0].cells]
    column = header.index(COLUMN)
    assert [row.cells[column].text for row in table.rows[1:]] == ["2", "1", "3"]

    workbook = load_workbook(io.BytesIO(excel.file.read()))
    appendix = workbook["Phụ lục"]
    column = [cell.value for cell in appendix[4]].index(COLUMN) + 1
    assert [appendix.cell(row=r, column=column).value for r in (5, 6, 7)] == [2, 1, 3]
    summary = {row[0].value: row[1].value for row in workbook["Tổng hợp"].iter_rows(min_row=5)}
    assert summary[LABEL] == 3


# --- reading an HTML table -------------------------------------------------------------------


class _Table(HTMLParser):
    def __init__(self, name: str):
        super().__init__()
        self.name, self.inside, self.rows, self.cell = name, False, [], None

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if tag == "table":
            self.inside = self.name == attributes.get("id") or self.name in (attributes.get("class") or "").split()
        elif self.inside and tag == "tr":
            self.rows.append([])
        elif self.inside and tag in ("td", "th"):
            self.cell = []

    def handle_endtag(self, tag):
        if tag == "table":
            self.inside = False
        elif self.inside and tag in ("td", "th") and self.cell is not None:
            self.rows[-1].append(" ".join("".join(self.cell).split()))
            self.cell = None

    def handle_data(self, data):
        if self.cell is not None:
            self.cell.append(data)


def table_rows(html: str, name: str) -> list[list[str]]:
    """The text of each cell of the table whose class or id is `name`, row by row."""
    parser = _Table(name)
    parser.feed(html)
    return parser.rows
