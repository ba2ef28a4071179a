"""Word and Excel rendering of a report: pure functions, fed hand-built objects (no database)."""

import datetime
import io
from collections import Counter

import docx
import pytest
from docx.oxml.ns import qn
from docx.shared import Emu
from openpyxl import load_workbook

from reports.content import APPENDIX_COLUMNS, APPENDIX_KEYS, ReportDocument, Section, appendix_row
from reports.profiles import profile_for
from reports.rendering_office import render_docx, render_xlsx
from reports.statistics import Figures, Tallies

FIGURE_SENTENCE = "Có 120/150 cán bộ, đảng viên, quần chúng đăng ký kế hoạch cá nhân (đạt 80%)."
SCRIPT = "<script>alert(1)</script>"
# The appendix's header: the ordinal, the name, then each column's short label.
APPENDIX_HEADER = ["TT", "Tổ chức", *(str(measure.column_label) for measure in APPENDIX_COLUMNS)]
SUMMARY = "Tổng kết phong trào thi đua “Làm theo Bác” năm 2024 và phương hướng nhiệm vụ năm 2025"


def make_tallies(*, people: int, registered: int, on_time: int) -> Tallies:
    return Tallies(
        people=Counter({("party", False): people - 10, ("union", False): 5, ("other", True): 5}),
        pledges=Counter(
            {
                ("personal", "01", "submitted", True, ""): on_time,
                ("personal", "2A", "evaluated", False, "good"): registered - on_time,
                ("collective", "", "submitted", True, ""): 2,
            }
        ),
        items=Counter({("personal", "done"): 30, ("personal", "partly"): 10, ("collective", ""): 4}),
        sessions=Counter({"study": 3, "thematic": 4}),
        session_counts=Counter({"party": 5, "bridge_points": 2}),
        attendance=Counter({("study", "party"): 40, ("study", "union"): 8}),
        participants=Counter({"party": 30, "union": 4}),
        exemplars=Counter({"registered": 2}),
        commendations=Counter(
            {
                ("person", "certificate", "", "granted"): 3,
                ("collective", "certificate", "", "granted"): 1,
                ("collective", "province_chair", "", "proposed"): 1,
            }
        ),
        units=Counter({"cells": 2, "cells_without_exemplar": 1}),
    )


def make_figures(organization_id: int, name: str, tallies: Tallies, children=()) -> Figures:
    return Figures(
        organization_id=organization_id,
        name=name,
        kind="grassroots",
        year=2024,
        tallies=tallies,
        deadline=datetime.date(2024, 3, 31),
        required_meetings=4,
        children=tuple(children),
    )


@pytest.fixture
def figures() -> Figures:
    children = [
        make_figures(2, "Chi bộ Văn phòng", make_tallies(people=80, registered=60, on_time=50)),
        make_figures(3, '=HYPERLINK("http://x")', make_tallies(people=70, registered=60, on_time=40)),
    ]
    total = Tallies()
    for child in children:
        total.add(child.tallies)
    return make_figures(1, "Đảng bộ Cơ quan", total, children)


@pytest.fixture
def document(figures) -> ReportDocument:
    return ReportDocument(
        profile=profile_for(None),
        superior_name="ĐẢNG BỘ KHỐI CÁC CƠ QUAN TỈNH",
        issuer_name="ĐẢNG ỦY CƠ QUAN",
        number_line="Số 12-BC/ĐU",
        place_date="Thanh Hoá, ngày 05 tháng 02 năm 2025",
        type_name="BÁO CÁO",
        summary=SUMMARY,
        opening=["Thực hiện kế hoạch của Ban Thường vụ, Đảng ủy báo cáo như sau:"],
        sections=[
            Section("I. KHÁI QUÁT TÌNH HÌNH", [SCRIPT, "Tình hình chung ổn định."]),
            Section(
                "II. KẾT QUẢ",
                subsections=[
                    Section("4. Kết quả thi đua", [FIGURE_SENTENCE]),
                    Section("5. Đánh giá", subsections=[Section("- Ưu điểm:", ["Đoàn kết."])]),
                ],
            ),
        ],
        recipients=["- Ban Thường vụ Đảng ủy Khối (b/c),", "- Lưu Văn phòng."],
        signer_authority="T/M ĐẢNG ỦY",
        signer_title="BÍ THƯ",
        signer_name="Nguyễn Văn A",
        appendix_title="PHỤ LỤC: SỐ LIỆU CÁC TỔ CHỨC ĐẢNG TRỰC THUỘC NĂM 2024",
        appendix_columns=APPENDIX_COLUMNS,
        appendix_rows=[appendix_row(child) for child in figures.children],
        appendix_total=appendix_row(figures),
        year=2024,
        organization_name="Đảng bộ Cơ quan",
    )


def all_paragraph_texts(doc) -> list[str]:
    texts = [p.text for p in doc.paragraphs]
    for table in doc.tables:
        for row in table.rows:
            for cell in row.cells:
                texts.extend(p.text for p in cell.paragraphs)
    return texts


# --- Word ----------------------------------------------------------------------------------------


def test_docx_contains_headings_summary_and_figures(document):
    doc = docx.Document(io.BytesIO(render_docx(document)))
    texts = all_paragraph_texts(doc)
    for expected in ("BÁO CÁO", SUMMARY, "I. KHÁI QUÁT TÌNH HÌNH", "4. Kết quả thi đua", FIGURE_SENTENCE):
        assert expected in texts
    assert "ĐẢNG CỘNG SẢN VIỆT NAM" in texts
    assert "Nguyễn Văn A" in texts


def test_docx_keeps_markup_as_plain_text(document):
    content = render_docx(document)
    doc = docx.Document(io.BytesIO(content))
    assert SCRIPT in [p.text for p in doc.paragraphs]
    body = docx.Document(io.BytesIO(content)).part.blob.decode()
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in body
    assert "<script>" not in body


def test_docx_headings_are_bold_and_sub_headings_bold_italic(document):
    doc = docx.Document(io.BytesIO(render_docx(document)))
    by_text = {p.text: p for p in doc.paragraphs}
    assert by_text["I. KHÁI QUÁT TÌNH HÌNH"].runs[0].bold
    assert by_text["4. Kết quả thi đua"].runs[0].bold
    leaf = by_text["- Ưu điểm:"].runs[0]
    assert leaf.bold and leaf.italic
    assert not by_text[FIGURE_SENTENCE].runs[0].bold


def test_docx_page_follows_profile(document):
    profile = document.profile
    doc = docx.Document(io.BytesIO(render_docx(document)))
    for section in doc.sections:  # Word stores twips: a millimetre rounds to within 0.02 mm
        assert section.top_margin.mm == pytest.approx(profile.margin_top_mm, abs=0.02)
        assert section.bottom_margin.mm == pytest.approx(profile.margin_bottom_mm, abs=0.02)
        assert section.left_margin.mm == pytest.approx(profile.margin_left_mm, abs=0.02)
        assert section.right_margin.mm == pytest.approx(profile.margin_right_mm, abs=0.02)
    first = doc.sections[0]
    assert (round(first.page_width.mm), round(first.page_height.mm)) == (210, 297)
    assert first.different_first_page_header_footer
    assert "PAGE" in first.header._element.xml
    assert "PAGE" not in first.first_page_header._element.xml


def test_docx_appendix_table_has_header_rows_and_total(document):
    doc = docx.Document(io.BytesIO(render_docx(document)))
    table = doc.tables[-1]
    assert len(table.rows) == 1 + len(document.appendix_rows) + 1
    header = [cell.text for cell in table.rows[0].cells]
    assert header == APPENDIX_HEADER
    assert header[2:5] == ["Phải đăng ký", "Đã đăng ký", "Tỷ lệ"]
    total = [cell.text for cell in table.rows[-1].cells]
    assert total[1] == "Tổng cộng"
    assert total[2] == "140"  # people_required of the whole organization
    assert total[4] == "85,7%"  # 120 / 140
    first = [cell.text for cell in table.rows[1].cells]
    assert first[:2] == ["1", "Chi bộ Văn phòng"]


# --- Excel ---------------------------------------------------------------------------------------


def sheet_rows(sheet) -> list[tuple]:
    return [tuple(cell.value for cell in row) for row in sheet.iter_rows()]


def test_xlsx_summary_has_numeric_values(document, figures):
    workbook = load_workbook(io.BytesIO(render_xlsx(document, figures)))
    assert workbook.sheetnames == ["Tổng hợp", "Phụ lục", "Khen thưởng", "Nguồn số liệu"]
    sheet = workbook["Tổng hợp"]
    assert sheet["A1"].value == "Đảng bộ Cơ quan"
    assert "2024" in sheet["A2"].value
    values = {row[0].value: row[1] for row in sheet.iter_rows(min_row=5)}
    people = values["Tổng số cán bộ, đảng viên, quần chúng"]
    assert people.value == figures.people_total == 150
    assert isinstance(people.value, int)
    coverage = values["Tỷ lệ đăng ký"]
    assert isinstance(coverage.value, float)
    assert coverage.value == pytest.approx(120 / 140)
    assert coverage.number_format == "0.0%"


def test_xlsx_appendix_is_numeric_with_percent_coverage(document, figures):
    workbook = load_workbook(io.BytesIO(render_xlsx(document, figures)))
    sheet = workbook["Phụ lục"]
    assert sheet.freeze_panes == "A5"
    header = [cell.value for cell in sheet[4]]
    assert header == APPENDIX_HEADER
    assert all(cell.font.b for cell in sheet[4])
    keys = ["#", "name", *APPENDIX_KEYS]
    first = dict(zip(keys, sheet[5], strict=True))
    assert first["name"].value == "Chi bộ Văn phòng"
    assert isinstance(first["people_required"].value, int)
    assert isinstance(first["pledges_registered"].value, int)
    assert isinstance(first["coverage"].value, float)
    assert "%" in first["coverage"].number_format
    total = dict(zip(keys, sheet[5 + len(document.appendix_rows)], strict=True))
    assert total["name"].value == "Tổng cộng"
    assert total["people_required"].value == 140
    assert total["name"].font.b


def test_xlsx_text_starting_with_equals_is_not_a_formula(document, figures):
    workbook = load_workbook(io.BytesIO(render_xlsx(document, figures)))
    cell = workbook["Phụ lục"]["B6"]
    assert cell.value == '=HYPERLINK("http://x")'
    assert cell.data_type == "s"


def test_xlsx_commendations_by_form(document, figures):
    workbook = load_workbook(io.BytesIO(render_xlsx(document, figures)))
    rows = sheet_rows(workbook["Khen thưởng"])
    assert ("Giấy khen", 2, 6) in rows
    assert ("Tổng cộng", 2, 6) in rows  # the proposed one is not granted yet
    assert not any(row[0] == "Bằng khen của Chủ tịch UBND tỉnh" for row in rows)


def test_docx_title_rule_is_drawn_not_typed(document):
    doc = docx.Document(io.BytesIO(render_docx(document)))
    texts = [p.text for p in doc.paragraphs]
    assert not any(set(text) == {"-"} for text in texts if text)
    rule = doc.paragraphs[texts.index(SUMMARY) + 1]
    assert rule.text == ""
    bottom = rule._p.pPr.find(qn("w:pBdr")).find(qn("w:bottom"))
    assert (bottom.get(qn("w:val")), bottom.get(qn("w:sz"))) == ("single", "8")
    section, indents = doc.sections[0], rule.paragraph_format
    drawn = section.page_width - section.left_margin - section.right_margin - indents.left_indent - indents.right_indent
    assert Emu(drawn).mm == pytest.approx(document.profile.title_rule_mm, abs=0.1)


def test_xlsx_lists_award_forms_by_level_then_praise(document):
    tallies = Tallies(
        commendations=Counter(
            {
                ("person", "praise", "", "granted"): 5,
                ("collective", "certificate", "Đảng ủy Khối", "granted"): 2,
                ("collective", "province_chair", "", "granted"): 1,
                ("person", "prime_minister", "", "granted"): 1,
            }
        )
    )
    workbook = load_workbook(io.BytesIO(render_xlsx(document, make_figures(1, "Đảng bộ Cơ quan", tallies))))
    forms = [row[0] for row in sheet_rows(workbook["Khen thưởng"])[4:]]
    assert forms == [
        "Bằng khen của Thủ tướng Chính phủ",
        "Bằng khen của Chủ tịch UBND tỉnh",
        "Giấy khen",
        "Biểu dương, ghi danh “Người tốt, việc tốt”",
        "Tổng cộng",
    ]
