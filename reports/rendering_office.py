"""Pure rendering for office suites: a report's content → Word (.docx) and Excel (.xlsx) bytes.

Nothing here touches the database: both functions take objects already built by
`reports.content.build_document` and `reports.statistics`. Every piece of text is written as
plain text (python-docx and openpyxl escape XML); text cells in Excel go through
committees.xlsx, so that a name starting with "=" is never read as a formula.
"""

import io
import re

import docx
from docx.document import Document as DocxDocument
from docx.enum.section import WD_ORIENT, WD_SECTION
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt
from docx.table import _Cell
from docx.text.paragraph import Paragraph
from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from committees import formatting as fmt
from committees import xlsx
from pledges.models import CommendationForm
from reports import measures
from reports.content import AppendixRow, ReportDocument, Section
from reports.measures import Kind
from reports.profiles import LayoutProfile
from reports.sentences import AWARD_FORMS, DOCUMENT_MEASURES, PRAISE_FORMS
from reports.statistics import Figures

DOCX_FONT = "Times New Roman"  # what Word users have; the PDF ships a metric-compatible font
DOCX_LANGUAGE = "vi-VN"
A4_MM = (210, 297)
HEADER_SPLIT = (0.45, 0.55)  # left / right share of the text width, as in the PDF
SIGNATURE_BLANK_LINES = 4
TOTAL_LABEL = "Tổng cộng"
ORDINAL_LABEL = "TT"
# Characters XML 1.0 forbids (control characters other than tab, newline, carriage return).
XML_ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")


def clean(text) -> str:
    """Text fit for XML; labels may be lazy translations."""
    return XML_ILLEGAL.sub("", "" if text is None else str(text))


# --- Word: document-wide setup ------------------------------------------------------------------


def _set_fonts(rpr, font: str) -> None:
    """Name the font for every script (Latin, East Asian, complex), dropping theme fonts."""
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        rpr.insert(0, fonts)
    for attribute in list(fonts.attrib):
        del fonts.attrib[attribute]
    for script in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
        fonts.set(qn(script), font)


def _set_language(rpr, language: str) -> None:
    lang = rpr.find(qn("w:lang"))
    if lang is None:
        lang = OxmlElement("w:lang")
        rpr.append(lang)
    lang.set(qn("w:val"), language)


def setup_styles(doc: DocxDocument, profile: LayoutProfile) -> None:
    defaults = doc.styles.element.find(qn("w:docDefaults"))
    rpr = defaults.find(qn("w:rPrDefault")).find(qn("w:rPr"))
    _set_fonts(rpr, DOCX_FONT)
    _set_language(rpr, DOCX_LANGUAGE)
    normal = doc.styles["Normal"]
    normal.font.name = DOCX_FONT
    normal.font.size = Pt(profile.body_size_pt)
    _set_fonts(normal.element.get_or_add_rPr(), DOCX_FONT)
    normal.paragraph_format.space_before = Pt(0)
    normal.paragraph_format.space_after = Pt(0)
    normal.paragraph_format.line_spacing = 1.0


def setup_page(section, profile: LayoutProfile, *, landscape: bool = False) -> None:
    width, height = (Mm(A4_MM[1]), Mm(A4_MM[0])) if landscape else (Mm(A4_MM[0]), Mm(A4_MM[1]))
    section.orientation = WD_ORIENT.LANDSCAPE if landscape else WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = width, height
    section.top_margin = Mm(profile.margin_top_mm)
    section.bottom_margin = Mm(profile.margin_bottom_mm)
    section.left_margin = Mm(profile.margin_left_mm)
    section.right_margin = Mm(profile.margin_right_mm)


def text_width(section) -> int:
    return section.page_width - section.left_margin - section.right_margin


def _add_field(paragraph: Paragraph, instruction: str, size_pt: float) -> None:
    """A Word field (PAGE, ...) as begin / instruction / separate / result / end runs."""

    def run_with(element):
        run = paragraph.add_run()
        run.font.size = Pt(size_pt)
        run._r.append(element)
        return run

    begin = OxmlElement("w:fldChar")
    begin.set(qn("w:fldCharType"), "begin")
    run_with(begin)
    instr = OxmlElement("w:instrText")
    instr.set(qn("xml:space"), "preserve")
    instr.text = f" {instruction} "
    run_with(instr)
    separate = OxmlElement("w:fldChar")
    separate.set(qn("w:fldCharType"), "separate")
    run_with(separate)
    paragraph.add_run("2").font.size = Pt(size_pt)  # shown until Word updates the field
    end = OxmlElement("w:fldChar")
    end.set(qn("w:fldCharType"), "end")
    run_with(end)


def add_page_numbers(section, profile: LayoutProfile) -> None:
    """Page numbers centred at the top from page 2: the first page has its own empty header."""
    section.different_first_page_header_footer = True
    section.first_page_header.is_linked_to_previous = False  # an explicit, empty first-page header
    section.header_distance = Mm(10)
    paragraph = section.header.paragraphs[0]
    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _add_field(paragraph, "PAGE", profile.page_number_size_pt)


# --- Word: paragraphs and tables -------------------------------------------------------------------


def write_run(
    paragraph: Paragraph,
    text: str,
    *,
    size_pt: float,
    bold: bool = False,
    italic: bool = False,
    underline: bool = False,
    align=WD_ALIGN_PARAGRAPH.CENTER,
) -> Paragraph:
    """Plain text (escaped by python-docx) as one styled run of `paragraph`."""
    paragraph.alignment = align
    run = paragraph.add_run(clean(text))
    run.font.size = Pt(size_pt)
    run.bold, run.italic, run.underline = bold, italic, underline
    return paragraph


def add_text(container, text: str, **style) -> Paragraph:
    """A new paragraph of plain text in the document or a table cell."""
    return write_run(container.add_paragraph(), text, **style)


def first_cell_paragraph(cell: _Cell, text: str, **style) -> Paragraph:
    """Table cells start with one empty paragraph: fill it instead of adding another."""
    return write_run(cell.paragraphs[0], text, **style)


def body_format(paragraph: Paragraph, profile: LayoutProfile) -> Paragraph:
    """Justified, first-line indent, space after, line spacing of at least the profile's height."""
    pf = paragraph.paragraph_format
    paragraph.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY
    pf.first_line_indent = Mm(profile.first_line_indent_mm)
    pf.space_after = Pt(profile.paragraph_spacing_pt)
    pf.line_spacing_rule = WD_LINE_SPACING.AT_LEAST
    pf.line_spacing = Pt(profile.line_height_pt)
    return paragraph


def set_column_widths(table, widths: list[int]) -> None:
    """Widths on the grid (read by LibreOffice) and on each cell (read by Word)."""
    table.autofit = False
    for column, width in zip(table.columns, widths, strict=True):
        column.width = width
        for cell in column.cells:
            cell.width = width


def two_column_table(doc: DocxDocument, shares: tuple[float, float]):
    """A borderless two-column layout table spanning the text width."""
    table = doc.add_table(rows=1, cols=2)
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    width = text_width(doc.sections[-1])
    set_column_widths(table, [int(width * share) for share in shares])
    return table.rows[0].cells


def add_header_block(doc: DocxDocument, document: ReportDocument) -> None:
    p = document.profile
    left, right = two_column_table(doc, HEADER_SPLIT)
    if document.superior_name:
        first_cell_paragraph(left, fmt.upper(document.superior_name), size_pt=p.superior_size_pt)
        add_text(left, document.issuer_name, size_pt=p.issuer_size_pt, bold=True)
    else:
        first_cell_paragraph(left, document.issuer_name, size_pt=p.issuer_size_pt, bold=True)
    add_text(left, p.star, size_pt=p.issuer_size_pt)
    add_text(left, document.number_line, size_pt=p.number_size_pt)
    # The rule under the party's name is as long as the text: an underline.
    first_cell_paragraph(right, p.party_name, size_pt=p.motto_size_pt, bold=True, underline=True)
    place_date = add_text(right, document.place_date, size_pt=p.place_date_size_pt, italic=True)
    place_date.paragraph_format.space_before = Pt(10)


RULE_PARAGRAPH_PT = 4  # the empty paragraph that carries the rule: as low as it can be


def add_rule(doc: DocxDocument, width_mm: float, weight_pt: float) -> Paragraph:
    """A short solid rule, centred: the bottom border of an empty paragraph narrowed by equal
    indents to `width_mm` (a drawn line, not characters)."""
    paragraph = doc.add_paragraph()
    pf = paragraph.paragraph_format
    side = max((text_width(doc.sections[-1]) - Mm(width_mm)) // 2, 0)
    pf.left_indent = pf.right_indent = side
    pf.line_spacing = Pt(RULE_PARAGRAPH_PT)
    pf.line_spacing_rule = WD_LINE_SPACING.EXACTLY
    borders = OxmlElement("w:pBdr")
    bottom = OxmlElement("w:bottom")
    bottom.set(qn("w:val"), "single")
    bottom.set(qn("w:sz"), str(round(weight_pt * 8)))  # eighths of a point
    bottom.set(qn("w:space"), "1")
    bottom.set(qn("w:color"), "000000")
    borders.append(bottom)
    paragraph._p.get_or_add_pPr().append(borders)
    return paragraph


def add_title(doc: DocxDocument, document: ReportDocument) -> None:
    p = document.profile
    title = add_text(doc, document.type_name, size_pt=p.title_size_pt, bold=True)
    title.paragraph_format.space_before = Pt(12)
    add_text(doc, document.summary, size_pt=p.summary_size_pt, bold=True)
    add_rule(doc, p.title_rule_mm, p.title_rule_pt).paragraph_format.space_after = Pt(12)


def add_body_paragraph(doc: DocxDocument, text: str, profile: LayoutProfile) -> None:
    body_format(add_text(doc, text, size_pt=profile.body_size_pt), profile)


def add_heading(doc: DocxDocument, text: str, profile: LayoutProfile, *, italic: bool = False) -> None:
    paragraph = body_format(add_text(doc, text, size_pt=profile.body_size_pt, bold=True, italic=italic), profile)
    paragraph.paragraph_format.keep_with_next = True


def add_section(doc: DocxDocument, section: Section, profile: LayoutProfile, level: int = 1) -> None:
    """Headings "I. ..." and "1. ..." bold; deeper ones ("- Ưu điểm:") bold italic."""
    add_heading(doc, section.heading, profile, italic=level >= 3)
    for text in section.paragraphs:
        add_body_paragraph(doc, text, profile)
    for subsection in section.subsections:
        add_section(doc, subsection, profile, level + 1)


def add_closing(doc: DocxDocument, document: ReportDocument) -> None:
    p = document.profile
    spacer = doc.add_paragraph()
    spacer.paragraph_format.space_after = Pt(6)
    left, right = two_column_table(doc, (0.5, 0.5))
    first_cell_paragraph(
        left,
        "Nơi nhận:",
        size_pt=p.recipients_heading_size_pt,
        bold=True,
        italic=True,
        underline=True,
        align=WD_ALIGN_PARAGRAPH.LEFT,
    )
    for line in document.recipients:
        add_text(left, line, size_pt=p.recipients_size_pt, align=WD_ALIGN_PARAGRAPH.LEFT)
    first_cell_paragraph(right, fmt.upper(document.signer_authority), size_pt=p.signature_size_pt, bold=True)
    add_text(right, document.signer_title, size_pt=p.signature_size_pt, bold=True)
    for _ in range(SIGNATURE_BLANK_LINES):
        add_text(right, "", size_pt=p.signature_size_pt)
    add_text(right, document.signer_name, size_pt=p.signature_size_pt, bold=True)


def _repeat_as_header(row) -> None:
    tr_pr = row._tr.get_or_add_trPr()
    header = OxmlElement("w:tblHeader")
    header.set(qn("w:val"), "true")
    tr_pr.append(header)


def _fill_appendix_row(cells, ordinal: str, row: AppendixRow, size_pt: float, *, total: bool) -> None:
    first_cell_paragraph(cells[0], ordinal, size_pt=size_pt, bold=total)
    name = TOTAL_LABEL if total else row.name
    first_cell_paragraph(cells[1], name, size_pt=size_pt, bold=total, align=WD_ALIGN_PARAGRAPH.LEFT)
    for cell, value in zip(cells[2:], row.cells, strict=True):
        first_cell_paragraph(cell, value.text, size_pt=size_pt, bold=total, align=WD_ALIGN_PARAGRAPH.RIGHT)


def appendix_header(document: ReportDocument) -> list[str]:
    """The ordinal, the name, then each column's short label."""
    return [ORDINAL_LABEL, document.appendix_name_label, *(str(m.column_label) for m in document.appendix_columns)]


def add_appendix(doc: DocxDocument, document: ReportDocument) -> None:
    """The appendix on its own landscape page (a new section starts on a new page)."""
    p = document.profile
    section = doc.add_section(WD_SECTION.NEW_PAGE)
    setup_page(section, p, landscape=True)
    section.different_first_page_header_footer = False  # numbered like page 2 onwards
    title = add_text(doc, document.appendix_title, size_pt=p.body_size_pt, bold=True)
    title.paragraph_format.space_after = Pt(8)
    labels = appendix_header(document)
    table = doc.add_table(rows=1, cols=len(labels))
    table.style = doc.styles["Table Grid"]
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    header = table.rows[0]
    _repeat_as_header(header)
    for cell, label in zip(header.cells, labels, strict=True):
        first_cell_paragraph(cell, label, size_pt=p.table_size_pt, bold=True)
    for index, row in enumerate(document.appendix_rows, start=1):
        _fill_appendix_row(table.add_row().cells, str(index), row, p.table_size_pt, total=False)
    _fill_appendix_row(table.add_row().cells, "", document.appendix_total, p.table_size_pt, total=True)
    set_column_widths(table, appendix_widths(len(document.appendix_columns), text_width(section)))


def appendix_widths(figures: int, width: int) -> list[int]:
    """The ordinal narrow, the name wide, the figures sharing what is left."""
    ordinal, name = Mm(10), Mm(60)
    rest = (width - ordinal - name) // max(figures, 1)
    return [ordinal, name, *([rest] * figures)]


def render_docx(document: ReportDocument) -> bytes:
    profile = document.profile
    doc = docx.Document()
    doc.core_properties.title = clean(f"{document.type_name} {document.summary}")
    doc.core_properties.author = clean(document.organization_name)
    doc.core_properties.last_modified_by = clean(document.organization_name)
    setup_styles(doc, profile)
    first = doc.sections[0]
    setup_page(first, profile)
    add_page_numbers(first, profile)
    add_header_block(doc, document)
    add_title(doc, document)
    for text in document.opening:
        add_body_paragraph(doc, text, profile)
    for section in document.sections:
        add_section(doc, section, profile)
    add_closing(doc, document)
    if document.appendix_rows:
        add_appendix(doc, document)
    buffer = io.BytesIO()
    doc.save(buffer)
    return buffer.getvalue()


# --- Excel ------------------------------------------------------------------------------------------

PERCENT_FORMAT = "0.0%"
INTEGER_FORMAT = "#,##0"
BOLD = Font(bold=True)
TITLE_FONT = Font(bold=True, size=13)
THIN = Side(style="thin")
GRID = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
HEADER_ALIGNMENT = Alignment(horizontal="center", vertical="center", wrap_text=True)


# The summary sheet: these measures (reports/measures.py) under their full labels; a mapping
# (the year-end evaluations, ...) gives one line per entry. With the figures by form of the
# "Khen thưởng" sheet, it holds every figure the report's sentences write.
SUMMARY_KEYS = [
    "people_total",
    "people_required",
    "people_exempt",
    "deadline",
    "pledges_registered",
    "coverage",
    "pledges_on_time",
    "on_time_rate",
    "pledges_late",
    "pledges_returned",
    "items_total",
    "items_done",
    "items_partly",
    "items_not_done",
    "items_done_rate",
    "collective_pledges",
    "collective_items",
    "sessions_total",
    "thematic_meetings",
    "attendees_total",
    "attendees_party",
    "attendees_non_party",
    "bridge_points",
    "participation_rate_party",
    "participation_rate_union",
    "exemplars_total",
    "cells",
    "cells_without_exemplar",
    "cells_behind_meetings",
    "commendations_granted",
    "commendations_person",
    "commendations_collective",
    "proposals",
    "evaluations",
    "pledges_by_form",
    "sessions_by_kind",
    "exemplars_by_status",
]
# The summary lists every figure the report's sentences write: the registry's above, then
# those the report reads on its own (reports/sentences.py).
SUMMARY = [*measures.select(SUMMARY_KEYS), *DOCUMENT_MEASURES.values()]


def summary_rows(f: Figures) -> list[tuple[str, object, bool]]:
    """The summary's measures as (label, value, is_rate) rows."""
    rows = []
    for measure in SUMMARY:
        if measure.kind == Kind.MAPPING:
            rows.extend((label, value, False) for label, value in measure.entries(f))
        else:
            rows.append((str(measure.label), measure.read(f), measure.is_percent))
    return rows


def write_text(sheet: Worksheet, row: int, column: int, text: str | None, font: Font | None = None):
    """A text cell that stays text: a leading "=" is not a formula."""
    cell = xlsx.write(sheet, row, column, clean(text))
    if font is not None:
        cell.font = font
    return cell


def write_number(sheet: Worksheet, row: int, column: int, value, *, rate: bool = False):
    """A numeric cell (ints stay ints, ratios are floats shown as percentages); None → empty."""
    cell = sheet.cell(row=row, column=column, value=value)
    cell.number_format = PERCENT_FORMAT if rate else INTEGER_FORMAT
    return cell


def write_value(sheet: Worksheet, row: int, column: int, value):
    """A figure as read: a count or a rate as a number, a date as a date, anything else as text."""
    if isinstance(value, bool) or value is None or isinstance(value, str):
        return write_text(sheet, row, column, "" if value is None else str(value))
    if isinstance(value, int):
        return write_number(sheet, row, column, value)
    if isinstance(value, float):
        return write_number(sheet, row, column, value, rate=True)
    cell = sheet.cell(row=row, column=column, value=value)
    cell.number_format = "dd/mm/yyyy"
    return cell


def write_titles(sheet: Worksheet, document: ReportDocument, title: str) -> int:
    """Organization and title on the first two rows; returns the first free row."""
    write_text(sheet, 1, 1, document.organization_name, TITLE_FONT)
    write_text(sheet, 2, 1, title, BOLD)
    return 4


def write_header(sheet: Worksheet, row: int, labels: list[str]) -> None:
    for column, label in enumerate(labels, start=1):
        cell = write_text(sheet, row, column, label, BOLD)
        cell.alignment = HEADER_ALIGNMENT
        cell.border = GRID


def set_widths(sheet: Worksheet, widths: list[float]) -> None:
    for column, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(column)].width = width


def summary_sheet(sheet: Worksheet, document: ReportDocument, figures: Figures) -> None:
    sheet.title = "Tổng hợp"
    row = write_titles(sheet, document, f"SỐ LIỆU TỔNG HỢP {fmt.upper(document.period)}")
    write_header(sheet, row, ["Chỉ tiêu", "Số liệu"])
    for label, value, rate in summary_rows(figures):
        row += 1
        write_text(sheet, row, 1, label).border = GRID
        cell = write_number(sheet, row, 2, value, rate=rate) if rate else write_value(sheet, row, 2, value)
        cell.border = GRID
    sheet.freeze_panes = "A5"
    set_widths(sheet, [58, 14])


def _appendix_sheet_row(sheet: Worksheet, row: int, ordinal, values: AppendixRow, *, total: bool) -> None:
    font = BOLD if total else None
    cells = [
        write_number(sheet, row, 1, ordinal) if ordinal else write_text(sheet, row, 1, ""),
        write_text(sheet, row, 2, TOTAL_LABEL if total else values.name),
    ]
    for column, cell in enumerate(values.cells, start=3):
        cells.append(write_number(sheet, row, column, cell.value, rate=cell.measure.is_percent))
    for cell in cells:
        cell.border = GRID
        if font is not None:
            cell.font = font


def appendix_sheet(sheet: Worksheet, document: ReportDocument) -> None:
    row = write_titles(sheet, document, document.appendix_title)
    write_header(sheet, row, appendix_header(document))
    for index, values in enumerate(document.appendix_rows, start=1):
        row += 1
        _appendix_sheet_row(sheet, row, index, values, total=False)
    _appendix_sheet_row(sheet, row + 1, None, document.appendix_total, total=True)
    sheet.freeze_panes = "A5"
    set_widths(sheet, [6, 40, *(13 for _ in document.appendix_columns)])


def form_label(form: str) -> str:
    return str(CommendationForm(form).label) if form in CommendationForm.values else form


# Awards from the highest level down, then praise (reports/sentences.py), then any other form.
SHEET_FORM_ORDER = (*AWARD_FORMS, *PRAISE_FORMS)


def _form_order(form: str) -> int:
    return SHEET_FORM_ORDER.index(form) if form in SHEET_FORM_ORDER else len(SHEET_FORM_ORDER)


def commendation_sheet(sheet: Worksheet, document: ReportDocument, figures: Figures) -> None:
    row = write_titles(sheet, document, f"KHEN THƯỞNG {fmt.upper(document.period)} THEO HÌNH THỨC")
    write_header(sheet, row, ["Hình thức", "Tập thể", "Cá nhân"])
    totals = {"collective": 0, "person": 0}
    for form, counts in sorted(figures.commendations_by_form().items(), key=lambda item: _form_order(item[0])):
        if not any(counts.values()):  # forms with proposals only
            continue
        row += 1
        write_text(sheet, row, 1, form_label(form)).border = GRID
        for column, recipient in ((2, "collective"), (3, "person")):
            write_number(sheet, row, column, counts[recipient]).border = GRID
            totals[recipient] += counts[recipient]
    row += 1
    write_text(sheet, row, 1, TOTAL_LABEL, BOLD).border = GRID
    for column, recipient in ((2, "collective"), (3, "person")):
        cell = write_number(sheet, row, column, totals[recipient])
        cell.font, cell.border = BOLD, GRID
    sheet.freeze_panes = "A5"
    set_widths(sheet, [50, 12, 12])


SOURCES_TITLE = "NGUỒN SỐ LIỆU CỦA CÁC CÂU TRONG BÁO CÁO"
SOURCES_HEADER = ["TT", "Mục", "Câu trong báo cáo", "Số liệu", "Giá trị", "Ghi trong câu", "Mã chỉ tiêu"]
NO_FIGURE = "(không dùng số liệu)"


def sources_sheet(sheet: Worksheet, document: ReportDocument) -> None:
    """Per generated sentence, the figures that fed it: one row per figure (measure label,
    value, as written in the sentence, measure key), the sentence on its first row."""
    row = write_titles(sheet, document, SOURCES_TITLE)
    write_header(sheet, row, SOURCES_HEADER)
    for number, traced in enumerate(document.trace, start=1):
        sources = traced.sentence.sources or (None,)
        for index, source in enumerate(sources):
            row += 1
            cells = [write_number(sheet, row, 1, number)]
            cells.append(write_text(sheet, row, 2, traced.section if index == 0 else ""))
            cells.append(write_text(sheet, row, 3, traced.sentence.text if index == 0 else ""))
            if source is None:
                cells.extend(
                    write_text(sheet, row, column, NO_FIGURE if column == 4 else "") for column in (4, 5, 6, 7)
                )
            else:
                cells.append(write_text(sheet, row, 4, source.label))
                cells.append(write_value(sheet, row, 5, source.value))
                cells.append(write_text(sheet, row, 6, source.text))
                cells.append(write_text(sheet, row, 7, source.key))
            for cell in cells:
                cell.border = GRID
                cell.alignment = Alignment(vertical="top", wrap_text=True)
    sheet.freeze_panes = "A5"
    set_widths(sheet, [5, 22, 60, 42, 12, 12, 26])


def render_xlsx(document: ReportDocument, figures: Figures) -> bytes:
    workbook = Workbook()
    workbook.properties.title = clean(f"{document.type_name} {document.summary}")
    workbook.properties.creator = clean(document.organization_name)
    summary_sheet(workbook.active, document, figures)
    appendix_sheet(workbook.create_sheet("Phụ lục"), document)
    commendation_sheet(workbook.create_sheet("Khen thưởng"), document, figures)
    sources_sheet(workbook.create_sheet("Nguồn số liệu"), document)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
