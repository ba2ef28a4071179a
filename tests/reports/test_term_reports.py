"""Reports over a span of years (sơ kết / tổng kết giai đoạn): each year's figures along that
year's tree, summed; the title and appendix of the span; opening one from the report page;
a span with a year never opened for the organization is refused."""

import datetime
import io
from collections import Counter

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.urls import reverse
from openpyxl import load_workbook

from committees import services as committee_services
from pledges.services.pledges import ItemInput, pledge_create
from reports import services
from reports.content import build_document
from reports.models import Report, ReportRender
from reports.statistics import Figures, Tallies, figures_over_span, organization_years_figures
from tests.reports.conftest import pdf_text

pytestmark = pytest.mark.django_db


def figures(organization_id: int, name: str, year: int, tallies: Tallies, children=()) -> Figures:
    return Figures(
        organization_id=organization_id,
        name=name,
        kind="grassroots",
        year=year,
        tallies=tallies,
        deadline=datetime.date(year, 4, 30),
        required_meetings=2,
        children=tuple(children),
    )


def pledges(n: int) -> Tallies:
    return Tallies(
        people=Counter({("party", False): n + 1}), pledges=Counter({("personal", "01", "submitted", True, ""): n})
    )


def test_figures_over_a_span_are_the_years_summed_with_the_children_of_each_year():
    unit_2023 = figures(3, "Chi bộ A2", 2023, pledges(1))
    unit_2024 = figures(3, "Chi bộ A2", 2024, pledges(2))
    stays = figures(2, "Chi bộ A1", 2024, pledges(5))
    span = figures_over_span(
        {
            2023: figures(1, "Đảng ủy A", 2023, pledges(1), [unit_2023]),
            2024: figures(1, "Đảng ủy A", 2024, pledges(7), [stays, unit_2024]),
            2025: None,  # not in that year's tree
        }
    )
    assert (span.year, span.deadline, span.name) == (2024, datetime.date(2024, 4, 30), "Đảng ủy A")
    assert span.pledges_registered == 8 and span.people_total == 10  # people counted once a year: "lượt"
    assert span.coverage == pytest.approx(8 / 10)
    # the last year's children first, in their order; each summed over the years it stood here
    assert [(child.name, child.pledges_registered) for child in span.children] == [("Chi bộ A1", 5), ("Chi bộ A2", 3)]
    assert figures_over_span({2023: None}) is None


@pytest.fixture
def moved(world, planned, data):
    """A pledge of 2023 in Chi bộ A2, then Chi bộ A2 moved from Đảng ủy A to Đảng ủy B in 2024."""
    with time_machine.travel(datetime.datetime(2023, 3, 1, tzinfo=datetime.UTC), tick=False):
        pledge_create(person=world.people_a2[1], year=2023, items=[ItemInput("Một")], submit=True)
    committee_services.organization_move(
        organization=world.cell_a2, new_parent=world.committee_b, on=datetime.date(2024, 3, 15)
    )


def span_of(organization, first=2023, last=2024) -> Figures:
    return figures_over_span(organization_years_figures(organization=organization, years=list(range(first, last + 1))))


def test_a_span_sums_each_year_along_its_own_tree(world, moved):
    bloc = span_of(world.bloc)
    by_name = {child.name: child for child in bloc.children}
    # 2023: the moved cell's pledge under Đảng ủy A; 2024: its pledge under Đảng ủy B
    assert by_name[world.committee_a.name].pledges_total == 1 + 3
    assert by_name[world.committee_b.name].pledges_total == 0 + 1
    assert bloc.pledges_total == 5
    committee_a = {child.name: child.pledges_total for child in span_of(world.committee_a).children}
    assert committee_a == {world.cell_a1.name: 0 + 3, world.cell_a2.name: 1}


def test_a_span_report_opens_once_and_beside_the_years_report(world, planned):
    yearly = services.report_open(organization=world.committee_a, year=2024)
    span = services.report_open_span(organization=world.committee_a, first_year=2023, last_year=2024)
    assert span.pk != yearly.pk and (span.first_year, span.year, span.years) == (2023, 2024, [2023, 2024])
    assert services.report_open_span(organization=world.committee_a, first_year=2023, last_year=2024) == span
    assert services.report_open(organization=world.committee_a, year=2024) == yearly
    assert span.title_summary == (
        "Tổng kết phong trào thi đua “Làm theo Bác” giai đoạn 2023–2024 và phương hướng, nhiệm vụ thời gian tới"
    )
    review = services.report_open_span(organization=world.committee_b, first_year=2023, last_year=2024, review="so_ket")
    assert review.title_summary.startswith("Sơ kết phong trào thi đua “Làm theo Bác” giai đoạn 2023–2024")
    assert "về việc sơ kết phong trào thi đua “Làm theo Bác” giai đoạn 2023–2024" in review.opening


def test_a_span_with_a_year_never_opened_is_refused(world, planned):
    with pytest.raises(ValidationError) as refused:
        services.report_open_span(organization=world.committee_a, first_year=2021, last_year=2024)
    assert refused.value.messages == [
        "Không lập được báo cáo giai đoạn 2021–2024: Đảng ủy Sở Công Thương không có số liệu năm 2021, 2022 "
        "(năm chưa được mở cho tổ chức). Hãy chọn giai đoạn gồm các năm đã mở."
    ]
    with pytest.raises(ValidationError, match="ít nhất hai năm"):
        services.report_open_span(organization=world.committee_a, first_year=2024, last_year=2024)
    with pytest.raises(ValidationError, match="không hợp lệ"):
        services.report_open_span(organization=world.committee_a, first_year=1999, last_year=2024)
    assert not Report.objects.filter(first_year__isnull=False).exists()


def test_a_span_report_states_the_summed_figures(world, moved, django_capture_on_commit_callbacks):
    report = services.report_open_span(organization=world.bloc, first_year=2023, last_year=2024)
    figures_ = services.report_figures(report)
    assert figures_.pledges_total == 5
    document = build_document(report, figures_)
    assert document.appendix_title == "PHỤ LỤC: SỐ LIỆU CÁC TỔ CHỨC ĐẢNG TRỰC THUỘC GIAI ĐOẠN 2023–2024"
    assert document.sections[-1].heading == "III. PHƯƠNG HƯỚNG, NHIỆM VỤ THỜI GIAN TỚI"
    texts = [traced.sentence.text for traced in document.trace]
    assert texts[0].startswith("Giai đoạn 2023–2024, toàn đảng bộ đã tổ chức 03 cuộc học tập")
    assert any(text.startswith("Tổng số 22 lượt cán bộ, đảng viên, quần chúng") for text in texts)

    with django_capture_on_commit_callbacks(execute=True):
        pdf = services.render_request(report=report, format="pdf")
        xlsx = services.render_request(report=report, format="xlsx")
    pdf.refresh_from_db()
    xlsx.refresh_from_db()
    assert pdf.state == xlsx.state == ReportRender.State.READY
    assert pdf.figures["first_year"] == 2023 and pdf.figures["year"] == 2024
    assert pdf.figures["pledges_registered"] == figures_.pledges_registered == 4
    assert pdf.download_name().startswith("bao-cao-2023-2024-")
    text = " ".join(pdf_text(pdf.file.read()).split())
    assert "Tổng kết phong trào thi đua “Làm theo Bác” giai đoạn 2023–2024" in text
    workbook = load_workbook(io.BytesIO(xlsx.file.read()))
    assert workbook["Tổng hợp"]["A2"].value == "SỐ LIỆU TỔNG HỢP GIAI ĐOẠN 2023–2024"
    appendix = {row[1]: row for row in workbook["Phụ lục"].iter_rows(min_row=5, values_only=True)}
    # pledges handed in: Đảng ủy A 1 (2023, the moved cell) + 2; Đảng ủy B 0 + 1 (2024, the moved cell)
    assert appendix[world.committee_a.name][3] == 1 + 2 and appendix[world.committee_b.name][3] == 0 + 1


# --- the page ----------------------------------------------------------------------------------


def page(organization, year=2024) -> str:
    return reverse("reports:report_page", args=[organization.pk, year])


def open_url(organization, year=2024) -> str:
    return reverse("reports:span_report_open", args=[organization.pk, year])


def test_a_clerk_opens_a_span_report_from_the_report_page(world, planned, login):
    client = login(world.a_clerk)
    body = client.get(page(world.committee_a)).content.decode()
    assert "Báo cáo sơ kết, tổng kết giai đoạn" in body and open_url(world.committee_a) in body
    response = client.post(open_url(world.committee_a), {"review": "so_ket", "first_year": 2023, "last_year": 2024})
    report = Report.objects.get(organization=world.committee_a, first_year=2023, year=2024)
    assert response.status_code == 302 and response.url == reverse("reports:report_edit", args=[report.pk])
    body = client.get(page(world.committee_a)).content.decode()
    assert report.title_summary in body and reverse("reports:render_request", args=[report.pk]) in body
    assert "Chưa lập báo cáo năm này." in body  # the year's own report is another one


def test_the_page_refuses_a_span_in_plain_words(world, planned, login):
    client = login(world.a_clerk)
    backwards = client.post(
        open_url(world.committee_a), {"review": "tong_ket", "first_year": 2024, "last_year": 2023}, follow=True
    )
    assert "ít nhất hai năm" in backwards.content.decode()
    never = client.post(
        open_url(world.committee_a), {"review": "tong_ket", "first_year": 2022, "last_year": 2024}, follow=True
    )
    assert "Hãy chọn loại báo cáo, năm đầu và năm cuối trong danh sách các năm đã mở." in never.content.decode()
    assert not Report.objects.exists()
