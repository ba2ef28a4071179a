"""The report's text as a clerk writes it, on the hand-built dataset (conftest `data`): the
exact generated sentences, empty figures left out or said in words, one padding rule for
counts, one date format, the superior's party organization in the header, the term theme,
and the sources of every sentence in the spreadsheet with the values the appendix and the
summary hold."""

import datetime
import io
import re
from collections import Counter
from dataclasses import replace

import docx
import pytest
import time_machine
from openpyxl import load_workbook

from committees import formatting as fmt
from committees import services as committee_services
from committees.models import Organization
from pledges.models import Commendation, CommendationForm
from pledges.services.plans import plan_save
from pledges.services.records import CommendationInput, commendation_save
from reports import services
from reports.content import APPENDIX_KEYS, build_document
from reports.measures import MEASURES
from reports.models import Report
from reports.rendering import render_pdf
from reports.rendering_office import render_docx, render_xlsx
from reports.selectors import OnlineConference
from reports.sentences import DOCUMENT_MEASURES, Facts, Period, measure
from reports.sentences.study import online_sentences
from reports.statistics import Figures, Tallies, organization_year_figures
from tests.pledges.factories_plans import make_cascade, make_term_theme
from tests.reports.conftest import pdf_text

pytestmark = pytest.mark.django_db

DEPLOYMENT = "1. Công tác triển khai học tập, quán triệt"
STUDY = "3. Công tác tổ chức, tham gia học tập chuyên đề"
RESULTS = "4. Kết quả thi đua"
GRANTED = Commendation.Status.GRANTED


@pytest.fixture(autouse=True)
def _planned(planned):
    """Every report here is of 2024, which the bloc's plan governs."""


def document_of(organization, year=2024):
    report = services.report_open(organization=organization, year=year)
    figures = organization_year_figures(organization=organization, year=year)
    return build_document(report, figures), figures


def sentences(document) -> list[tuple[str, str]]:
    return [(traced.section, traced.sentence.text) for traced in document.trace]


def flat(text: str) -> str:
    return " ".join(text.split())


@pytest.fixture
def committee_plan(world, planned):
    """Sở Công Thương's own plan for 2024: it implements the cascade 05-CT/TW → ... → its own
    20-KH/ĐU, on the whole-term theme."""
    cascade = make_cascade(world)
    return plan_save(organization=world.committee_a, year=2024, directive=cascade["du"], theme=make_term_theme())


@pytest.fixture
def awards(world, data):
    """Awards of three levels (two around 19/5, one without a number) and proposals to the
    Tỉnh ủy, to Sở Công Thương itself and (in `data`) to nobody recorded."""
    an, binh, chi = world.people_a1

    def save(organization, **fields):
        commendation_save(organization=organization, data=CommendationInput(year=2024, **fields))

    with time_machine.travel(datetime.datetime(2024, 6, 1, 9, tzinfo=datetime.UTC), tick=False):
        save(
            world.cell_a2,
            form=CommendationForm.PROVINCE_CHAIR,
            recipient_organization=world.cell_a2,
            status=GRANTED,
            decision_number="45/QĐ-UBND",
            decision_date=datetime.date(2024, 5, 15),
            occasion=Commendation.Occasion.BIRTHDAY,
        )
        save(
            world.cell_a1,
            form=CommendationForm.CERTIFICATE,
            recipient_organization=world.cell_a1,
            status=GRANTED,
            authority="Ban Thường vụ Đảng ủy Khối",
            decision_date=datetime.date(2024, 5, 20),
            occasion=Commendation.Occasion.OTHER,
        )
        save(
            world.cell_a1,
            form=CommendationForm.PRIME_MINISTER,
            recipient_person=binh,
            status=GRANTED,
            decision_number="123/QĐ-TTg",
            decision_date=datetime.date(2024, 5, 10),
            occasion=Commendation.Occasion.BIRTHDAY,
        )
        save(
            world.cell_a1,
            form=CommendationForm.PROVINCE_CHAIR,
            recipient_organization=world.cell_a1,
            proposed_to=world.province,
        )
        save(world.cell_a1, form=CommendationForm.PRIME_MINISTER, recipient_person=chi, proposed_to=world.province)
        save(
            world.cell_a1,
            form=CommendationForm.CERTIFICATE,
            recipient_person=an,
            authority="Đảng ủy Sở Công Thương",
            proposed_to=world.committee_a,
        )


# --- the exact sentences ---------------------------------------------------------------------


def test_every_generated_sentence_of_the_committee(world, data, committee_plan):
    document, _ = document_of(world.committee_a)
    assert sentences(document) == [
        (
            DEPLOYMENT,
            "Thực hiện Chỉ thị số 05-CT/TW ngày 15/5/2016 của Bộ Chính trị; Kết luận số 01-KL/TW ngày 18/5/2021 "
            "của Bộ Chính trị; Kế hoạch số 52-KH/TU ngày 04/3/2022 của Tỉnh ủy Thanh Hóa; Kế hoạch số 30-KH/ĐUK "
            "ngày 07/3/2022 của Đảng ủy Khối các Cơ quan và Doanh nghiệp tỉnh, Đảng ủy Sở Công Thương đã ban hành "
            "Kế hoạch số 20-KH/ĐU ngày 15/4/2022 triển khai thực hiện phong trào thi đua “Làm theo Bác” năm 2024 "
            "đến các tổ chức đảng trực thuộc.",
        ),
        (DEPLOYMENT, "Chuyên đề toàn khóa 2021–2025: “Ý chí tự lực, tự cường và khát vọng phát triển”."),
        (
            STUDY,
            "Năm 2024, toàn đảng bộ đã tổ chức 02 cuộc học tập, quán triệt, sinh hoạt chuyên đề, gồm: 01 cuộc học "
            "tập, quán triệt chuyên đề; 01 buổi sinh hoạt chuyên đề hàng quý.",
        ),
        (STUDY, "Có 04 lượt người dự, trong đó 03 lượt đảng viên; 01 lượt đoàn viên, hội viên."),
        (STUDY, "Kết quả học tập chuyên đề năm 2024 đạt 28,6% trong đảng viên; 100% trong đoàn viên, hội viên."),
        (STUDY, "Các chi bộ đã tổ chức 01 buổi sinh hoạt chuyên đề; 100% chi bộ tổ chức đủ số buổi theo yêu cầu."),
        (
            RESULTS,
            "Tổng số 08 cán bộ, đảng viên, quần chúng, trong đó 07 người phải đăng ký kế hoạch cá nhân học tập và "
            "làm theo Bác (01 người được miễn); đã có 03 người đăng ký, đạt 42,9%, gồm 02 bản mẫu 01 và 01 bản "
            "mẫu 2A.",
        ),
        (RESULTS, "Hạn nộp bản đăng ký là ngày 30/4/2024: 02 bản nộp đúng hạn (đạt 66,7%), 01 bản nộp muộn."),
        (
            RESULTS,
            "Tổng số 07 việc làm theo Bác của cá nhân; kết quả tự đánh giá: 03 việc hoàn thành (42,9%), 01 việc "
            "hoàn thành một phần, 01 việc chưa hoàn thành.",
        ),
        (RESULTS, "Có 01 tập thể cấp ủy đăng ký 02 việc làm theo của tập thể."),
        (RESULTS, "Kết quả đánh giá cuối năm theo bản đăng ký: 01 người hoàn thành tốt nhiệm vụ."),
        (
            RESULTS,
            "Có 02 mô hình, điển hình tiên tiến, cách làm hay, trong đó 01 mô hình được nhân rộng; còn 01 chi bộ "
            "chưa có mô hình.",
        ),
        (RESULTS, "Có 01 cá nhân được biểu dương, ghi danh “Người tốt, việc tốt”."),
        (RESULTS, "Có 01 tập thể được đề nghị khen thưởng."),
    ]


def test_the_bloc_writes_its_online_conference_and_every_group_of_attendees(world, data):
    document, _ = document_of(world.bloc)
    study = [text for section, text in sentences(document) if section == STUDY]
    assert study == [
        "Năm 2024, toàn đảng bộ đã tổ chức 03 cuộc học tập, quán triệt, sinh hoạt chuyên đề, gồm: 01 cuộc học tập, "
        "quán triệt chuyên đề; 01 buổi sinh hoạt chuyên đề hàng quý; 01 hội nghị trực tuyến.",
        "Có 164 lượt người dự, trong đó 103 lượt đảng viên; 51 lượt đoàn viên, hội viên; 10 lượt cán bộ, công chức, "
        "viên chức, người lao động khác.",
        "Tổ chức 01 hội nghị trực tuyến “Hội nghị trực tuyến” ngày 01/3/2024 với 12 điểm cầu, 160 người tham dự.",
        "Kết quả học tập chuyên đề năm 2024 đạt 20% trong đảng viên; 100% trong đoàn viên, hội viên.",
        "Các chi bộ đã tổ chức 01 buổi sinh hoạt chuyên đề; 100% chi bộ tổ chức đủ số buổi theo yêu cầu.",
    ]


def test_a_cell_speaks_of_itself(world, data):
    document, _ = document_of(world.cell_a1)
    texts = [text for _, text in sentences(document)]
    assert texts[0].startswith("Năm 2024, chi bộ đã tổ chức 02 cuộc học tập")
    assert "Chi bộ đã tổ chức 01 buổi sinh hoạt chuyên đề, đủ số buổi theo yêu cầu." in texts
    assert "Có 01 mô hình, điển hình tiên tiến, cách làm hay." in texts  # no "100% chi bộ" of itself


def test_empty_figures_are_left_out_or_said_in_words(world, data):
    document, _ = document_of(world.committee_b)
    assert sentences(document) == [
        (STUDY, "Trong năm 2024, toàn đảng bộ chưa tổ chức cuộc học tập, quán triệt, sinh hoạt chuyên đề nào."),
        (STUDY, "Trong năm 2024 chưa có cán bộ, đảng viên, quần chúng được học tập chuyên đề."),
        (STUDY, "Trong năm 2024, các chi bộ chưa tổ chức buổi sinh hoạt chuyên đề nào."),
        (
            RESULTS,
            "Tổng số 03 cán bộ, đảng viên, quần chúng phải đăng ký kế hoạch cá nhân học tập và làm theo Bác; "
            "chưa có người nào đăng ký.",
        ),
        (RESULTS, "Trong năm 2024 chưa có mô hình, điển hình học tập và làm theo Bác được đăng ký."),
        (RESULTS, "Trong năm 2024 chưa có tập thể, cá nhân được biểu dương, khen thưởng."),
    ]
    for _, text in sentences(document):
        assert not re.search(r"(?<![\d,./])0{1,2}(?![\d,./%])", text), text  # no "0 buổi", "00 việc"


def test_a_zero_part_of_a_sentence_is_left_out(world, data):
    document, _ = document_of(world.cell_a1)
    items = next(text for _, text in sentences(document) if text.startswith("Tổng số 04 việc"))
    assert items == (
        "Tổng số 04 việc làm theo Bác của cá nhân; kết quả tự đánh giá: 01 việc hoàn thành (25%), 01 việc hoàn "
        "thành một phần."
    )


def test_praise_awards_by_level_decisions_and_proposals_with_their_addressee(world, awards):
    document, _ = document_of(world.committee_a)
    results = [text for section, text in sentences(document) if section == RESULTS]
    start = results.index("Có 01 cá nhân được biểu dương, ghi danh “Người tốt, việc tốt”.")
    assert results[start:] == [
        "Có 01 cá nhân được biểu dương, ghi danh “Người tốt, việc tốt”.",
        "Có 02 tập thể, 01 cá nhân được khen thưởng, trong đó: 01 cá nhân được Thủ tướng Chính phủ tặng Bằng "
        "khen; 01 tập thể được Chủ tịch UBND tỉnh tặng Bằng khen; 01 tập thể được tặng Giấy khen.",
        "Nhân dịp kỷ niệm 134 năm Ngày sinh Chủ tịch Hồ Chí Minh (19/5/1890 – 19/5/2024), Thủ tướng Chính phủ tặng "
        "Bằng khen cho 01 cá nhân (Quyết định số 123/QĐ-TTg ngày 10/5/2024).",
        "Nhân dịp kỷ niệm 134 năm Ngày sinh Chủ tịch Hồ Chí Minh (19/5/1890 – 19/5/2024), Chủ tịch UBND tỉnh tặng "
        "Bằng khen cho 01 tập thể (Quyết định số 45/QĐ-UBND ngày 15/5/2024).",
        "Ban Thường vụ Đảng ủy Khối tặng Giấy khen cho 01 tập thể (quyết định ngày 20/5/2024).",
        "Đề nghị Ban Thường vụ Tỉnh ủy Thanh Hóa khen thưởng 01 tập thể, 01 cá nhân.",
        "Các tổ chức đảng trực thuộc đề nghị Đảng ủy Sở Công Thương khen thưởng 01 cá nhân.",
        "Có 01 tập thể được đề nghị khen thưởng.",
    ]


def hand_built(tallies: Tallies, *, kind: str = "upper") -> Facts:
    figures = Figures(
        organization_id=1,
        name="Đảng ủy Khối",
        kind=kind,
        year=2023,
        tallies=tallies,
        deadline=datetime.date(2023, 4, 30),
        required_meetings=2,
    )
    return Facts(figures=figures, period=Period(2023, 2023), organization=Organization(name="Đảng ủy Khối", kind=kind))


def test_online_conferences_are_named_with_their_bridge_points_and_participants():
    tallies = Tallies(sessions=Counter({"online": 1}), session_counts=Counter({"bridge_points": 61}))
    one = OnlineConference(datetime.date(2023, 4, 8), "Học tập chuyên đề năm 2023", 61, 2701)
    facts = replace(hand_built(tallies), online=(one,))
    assert [s.text for s in online_sentences(facts)] == [
        "Tổ chức 01 hội nghị trực tuyến “Học tập chuyên đề năm 2023” ngày 08/4/2023 với 61 điểm cầu, 2.701 người "
        "tham dự."  # seed 001: "61 điểm cầu kết nối, với tổng số 2.701 ..."
    ]
    two = OnlineConference(datetime.date(2023, 9, 1), "Quán triệt Nghị quyết", 0, 8)
    tallies.sessions["online"] = 2
    facts = replace(hand_built(tallies), online=(one, two))
    assert [s.text for s in online_sentences(facts)] == [
        "Tổ chức 02 hội nghị trực tuyến: “Học tập chuyên đề năm 2023” ngày 08/4/2023 (61 điểm cầu, 2.701 người "
        "tham dự); “Quán triệt Nghị quyết” ngày 01/9/2023 (08 người tham dự)."
    ]
    many = replace(facts, online=(one,) * 6)
    assert [s.text for s in online_sentences(many)] == [
        "Tổ chức 02 hội nghị trực tuyến; các cuộc học tập, hội nghị có tổng số 61 điểm cầu kết nối."
    ]
    assert online_sentences(hand_built(Tallies())) == []


# --- one rule for counts, one for dates --------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "noun", "expected"), [(4, "lớp", "04 lớp"), (2, "tập thể", "02 tập thể"), (2701, "người", "2.701 người")]
)
def test_a_quantity_in_prose_pads_below_ten(value, noun, expected):
    assert fmt.quantity(value, noun) == expected


@pytest.mark.parametrize(
    ("date", "expected"),
    [
        (datetime.date(2016, 5, 15), "15/5/2016"),  # seed 000: "Chỉ thị 05-CT/TW ngày 15/5/2016"
        (datetime.date(2022, 3, 4), "04/3/2022"),  # seed 000: "Kế hoạch số 52-KH/TU ngày 04/3/2022"
        (datetime.date(2011, 11, 1), "01/11/2011"),
        (datetime.date(2026, 2, 5), "05/02/2026"),  # months 1 and 2 keep their zero, as in the header date
        (None, ""),
    ],
)
def test_a_cited_date(date, expected):
    assert fmt.cited_date(date) == expected


def test_every_count_in_prose_is_padded_and_every_date_cited_alike(world, awards, committee_plan):
    for organization in (world.committee_a, world.bloc, world.cell_a2):
        document, _ = document_of(organization)
        for traced in document.trace:
            for source in traced.sentence.sources:
                if isinstance(source.value, int) and re.fullmatch(r"[\d.]+", source.text):
                    assert source.text == fmt.count2(source.value), (traced.sentence.text, source)
                if isinstance(source.value, datetime.date):
                    assert source.text == fmt.cited_date(source.value)
                if source.text:
                    assert source.text in traced.sentence.text
        text = " ".join(paragraph for section in document.sections for paragraph in _paragraphs(section))
        assert not re.search(r"\b\d/\d{1,2}/\d{4}", text)  # a day without its zero
        assert not re.search(r"\b\d{2}/0[3-9]/\d{4}", text)  # a month 3–9 with a zero
        assert re.findall(r"(?<![\d./,])\d(?= [^\d%])", text) == []  # a bare digit before a noun


def _paragraphs(section):
    yield section.heading
    yield from section.paragraphs
    for subsection in section.subsections:
        yield from _paragraphs(subsection)


def test_the_whole_pdf_cites_dates_one_way(world, data, committee_plan):
    document, _ = document_of(world.committee_a)
    text = flat(pdf_text(render_pdf(document)))
    assert "Chỉ thị số 05-CT/TW ngày 15/5/2016" in text  # generated
    assert "Chỉ thị số 05-CT/TW ngày 15/5/2016 của Bộ Chính trị và Kết luận" in text  # the default narrative
    assert "15/05/2016" not in text and "18/05/2021" not in text


# --- the header ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("committee", "organization"),
    [
        ("Tỉnh ủy Thanh Hóa", "Đảng bộ tỉnh Thanh Hóa"),
        ("Tỉnh uỷ Thanh Hoá", "Đảng bộ tỉnh Thanh Hoá"),
        ("Thành ủy Hà Nội", "Đảng bộ thành phố Hà Nội"),
        ("Huyện ủy Quảng Xương", "Đảng bộ huyện Quảng Xương"),
        ("Đảng ủy Khối các Cơ quan và Doanh nghiệp tỉnh", "Đảng bộ Khối các Cơ quan và Doanh nghiệp tỉnh"),
        ("Đảng ủy Sở Công Thương", "Đảng bộ Sở Công Thương"),
        ("Đảng bộ bộ phận Chi cục Quản lý thị trường", "Đảng bộ bộ phận Chi cục Quản lý thị trường"),
    ],
)
def test_the_party_organization_a_committee_leads(committee, organization):
    assert fmt.party_organization_name(committee) == organization


def test_the_header_names_the_superior_party_organization(world, data):
    assert document_of(world.bloc)[0].superior_name == "ĐẢNG BỘ TỈNH THANH HÓA"  # seed 004
    assert document_of(world.committee_a)[0].superior_name == "ĐẢNG BỘ KHỐI CÁC CƠ QUAN VÀ DOANH NGHIỆP TỈNH"
    assert document_of(world.cell_a1)[0].superior_name == "ĐẢNG BỘ SỞ CÔNG THƯƠNG"
    top = Report(organization=world.province, year=2024)
    assert build_document(top, organization_year_figures(organization=world.province, year=2024)).superior_name == ""


def test_a_past_years_header_names_that_years_superior(world, data):
    committee_services.organization_move(
        organization=world.cell_a2, new_parent=world.committee_b, on=datetime.date(2024, 3, 15)
    )
    world.cell_a2.refresh_from_db()
    for year, superior in ((2023, "ĐẢNG BỘ SỞ CÔNG THƯƠNG"), (2024, "ĐẢNG BỘ SỞ TÀI CHÍNH")):
        report = Report(organization=world.cell_a2, year=year)
        figures = organization_year_figures(organization=world.cell_a2, year=year)
        assert build_document(report, figures).superior_name == superior


# --- sources of every sentence -----------------------------------------------------------------


def test_a_figure_the_registry_declares_is_not_read_twice():
    assert set(DOCUMENT_MEASURES).isdisjoint(MEASURES)


def sheet_values(sheet, key_column: int = 1, value_column: int = 2, first_row: int = 5) -> dict:
    return {
        row[key_column - 1]: row[value_column - 1]
        for row in sheet.iter_rows(min_row=first_row, values_only=True)
        if row[key_column - 1]
    }


def test_the_spreadsheet_lists_each_sentence_with_the_figures_that_fed_it(world, awards, committee_plan):
    document, figures = document_of(world.committee_a)
    workbook = load_workbook(io.BytesIO(render_xlsx(document, figures)))
    assert workbook.sheetnames[-1] == "Nguồn số liệu"
    rows = list(workbook["Nguồn số liệu"].iter_rows(min_row=5, values_only=True))
    listed: dict[int, list[tuple]] = {}
    for number, section, text, label, value, shown, key in rows:
        listed.setdefault(number, []).append((section, text, label, value, shown, key))
    assert len(listed) == len(document.trace)
    for number, traced in enumerate(document.trace, start=1):
        first, *rest = listed[number]
        assert first[:2] == (traced.section, traced.sentence.text)
        assert all(row[:2] == (None, None) for row in rest)
        sources = traced.sentence.sources
        if not sources:
            assert first[2] == "(không dùng số liệu)"
            continue
        assert len(listed[number]) == len(sources)
        for row, source in zip(listed[number], sources, strict=True):
            value = row[3].date() if isinstance(row[3], datetime.datetime) else row[3]
            assert (row[2], row[4] or "", row[5] or "") == (source.label, source.text, source.key)
            assert value == pytest.approx(source.value) if isinstance(source.value, float) else value == source.value
    pledges = next(t for t in document.trace if t.sentence.text.startswith("Tổng số 08"))
    assert [(s.key, s.value, s.text) for s in pledges.sentence.sources] == [
        ("people_total", 8, "08"),
        ("people_required", 7, "07"),
        ("people_exempt", 1, "01"),
        ("pledges_registered", 3, "03"),
        ("coverage", pytest.approx(3 / 7), "42,9%"),
        ("pledges_by_form.01", 2, "02"),
        ("pledges_by_form.2A", 1, "01"),
    ]


def test_every_figure_a_sentence_prints_is_the_appendix_and_the_spreadsheet_value(world, awards, committee_plan):
    document, figures = document_of(world.committee_a)
    workbook = load_workbook(io.BytesIO(render_xlsx(document, figures)))
    summary = sheet_values(workbook["Tổng hợp"])
    by_form = {row[0]: row[1:] for row in workbook["Khen thưởng"].iter_rows(min_row=5, values_only=True)}
    appendix_total = {key: document.appendix_total.value(key) for key in APPENDIX_KEYS}
    checked = 0
    for traced in document.trace:
        for source in traced.sentence.sources:
            if not source.key:
                continue
            key, *part = source.key.split(".")
            read = measure(key).read(figures)
            for name in part:
                read = read[name]
            assert source.value == read
            if key in appendix_total:
                assert appendix_total[key] == source.value
            if key == "commendations_by_form":
                form, recipient = part
                column = 0 if recipient == "collective" else 1
                assert by_form[str(CommendationForm(form).label)][column] == source.value
            else:
                shown = summary[source.label]
                shown = shown.date() if isinstance(shown, datetime.datetime) else shown
                assert (
                    shown == pytest.approx(source.value) if isinstance(source.value, float) else shown == source.value
                )
            checked += 1
    assert checked >= 30  # every figure of the committee's sentences


def test_word_and_pdf_carry_every_generated_sentence(world, awards, committee_plan):
    document, _ = document_of(world.committee_a)
    paragraphs = [p.text for p in docx.Document(io.BytesIO(render_docx(document))).paragraphs]
    # A line may break after "/" ("45/ QĐ-UBND") or a dash: read the PDF's lines joined there.
    pdf = re.sub(r"(?<=\S)([/–]) ", r"\1", flat(pdf_text(render_pdf(document))))
    for traced in document.trace:
        assert traced.sentence.text in paragraphs
        assert flat(traced.sentence.text) in pdf
