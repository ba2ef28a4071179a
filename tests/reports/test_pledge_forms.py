import datetime
import io

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse
from pypdf import PdfReader

from committees.models import PersonCategory
from pledges.models import Pledge, PledgeState
from pledges.services import pledges as services
from pledges.services.pledges import AssessmentInput, ItemInput
from reports import pledge_forms
from reports.profiles import profile_for
from tests.factories import PersonFactory
from tests.reports.conftest import pdf_pages, pdf_text

pytestmark = pytest.mark.django_db

TITLE_START = "BẢN ĐĂNG KÝ HỌC TẬP VÀ LÀM THEO TƯ TƯỞNG, ĐẠO ĐỨC, PHONG CÁCH HỒ CHÍ MINH"


def flat(text: str) -> str:
    """PDF text with line breaks folded: a title may wrap anywhere."""
    return " ".join(text.split())


def make_pledge(person, *, items=None, submit=True, year=2024) -> Pledge:
    items = items or [
        ItemInput(
            content="Đi làm đúng giờ", area="workplace", target="100% ngày công", due_on=datetime.date(2024, 12, 31)
        ),
        ItemInput(content="Tiết kiệm điện, nước", area="thrift", target="giảm 10%"),
    ]
    return services.pledge_create(person=person, year=year, items=items, submit=submit)


def pdf_url(pledge) -> str:
    return reverse("reports:pledge_pdf", args=[pledge.pk])


def cell_url(organization, year=2024) -> str:
    return reverse("reports:cell_pledges_pdf", args=[organization.pk, year])


# --- one person's pledge ---------------------------------------------------------------------


def test_party_member_pledge_prints_as_form_01(world, login):
    pledge = make_pledge(world.people_a1[0])
    response = login(world.a1_secretary).get(pdf_url(pledge))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == 'attachment; filename="ke-hoach-2024-tran-thi-an.pdf"'
    text = flat(pdf_text(response.content))
    assert f"{TITLE_START} NĂM 2024" in text
    assert "Mẫu 01 – dành cho đảng viên" in text
    assert "ĐẢNG CỘNG SẢN VIỆT NAM" in text
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" not in text
    assert "Trần Thị An" in text
    assert "Đi làm đúng giờ" in text
    assert "100% ngày công" in text
    assert "31/12/2024" in text
    # Header: the superior's party organization and the cell, uppercase; the submitted date
    # as a document date.
    assert "ĐẢNG BỘ SỞ CÔNG THƯƠNG" in text
    assert "CHI BỘ VĂN PHÒNG SỞ" in text
    assert "Thanh Hoá, ngày 15 tháng 3 năm 2024" in text
    assert "15/03/2024 (đúng hạn)" in text
    assert "NGƯỜI ĐĂNG KÝ" in text
    assert "XÁC NHẬN CỦA CHI BỘ" in text


def test_union_member_pledge_prints_as_form_2a_with_the_state_motto(world, login):
    person = PersonFactory(organization=world.cell_a1, full_name="Lê Văn Đoàn", category=PersonCategory.YOUTH_UNION)
    pledge = make_pledge(person)
    assert pledge.form == "2A"
    response = login(world.a1_secretary).get(pdf_url(pledge))
    text = flat(pdf_text(response.content))
    assert "Mẫu 2A – dành cho cán bộ, công chức, viên chức, đoàn viên, hội viên" in text
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in text
    assert "Độc lập - Tự do - Hạnh phúc" in text
    assert "ĐẢNG CỘNG SẢN VIỆT NAM" not in text
    assert "Lê Văn Đoàn" in text
    assert response["Content-Disposition"] == 'attachment; filename="ke-hoach-2024-le-van-doan.pdf"'


def test_user_text_is_printed_literally_not_as_markup(world, login):
    pledge = make_pledge(world.people_a1[0], items=[ItemInput(content="Làm <b>x</b> & <i>y</i>")])
    response = login(world.a1_secretary).get(pdf_url(pledge))
    assert "Làm <b>x</b> & <i>y</i>" in flat(pdf_text(response.content))


def test_review_comment_self_assessment_and_evaluation_are_printed(world, login):
    pledge = make_pledge(world.people_a1[0])
    services.pledge_accept(pledge=pledge, comment="Nội dung cụ thể, khả thi.")
    item = pledge.items.order_by("position").first()
    services.pledge_self_assess(
        pledge=pledge, assessments=[AssessmentInput(item_id=item.pk, result="done", note="Đủ ngày công")]
    )
    services.pledge_evaluate(pledge=pledge, evaluation="good", comment="Gương mẫu")
    text = flat(pdf_text(login(world.a1_secretary).get(pdf_url(pledge)).content))
    assert "Kết quả tự đánh giá" in text
    assert "Hoàn thành" in text
    assert "Đủ ngày công" in text
    assert "Nội dung cụ thể, khả thi." in text
    assert "Hoàn thành tốt nhiệm vụ – Gương mẫu" in text


def test_draft_pledge_leaves_the_date_blank(world, login):
    pledge = make_pledge(world.people_a1[0], submit=False)
    text = flat(pdf_text(login(world.a1_secretary).get(pdf_url(pledge)).content))
    assert "ngày 15 tháng 3" not in text
    assert "chưa nộp" in text
    assert "Kết quả tự đánh giá" not in text


def test_collective_pledge_has_no_personal_form(world, login):
    pledge = services.collective_pledge_create(
        organization=world.committee_a, year=2024, items=[ItemInput(content="Một")]
    )
    assert login(world.admin).get(pdf_url(pledge)).status_code == 404


@pytest.mark.parametrize(
    ("user", "status"),
    [
        ("a1_secretary", 200),
        ("bloc_reviewer", 200),
        ("a_clerk", 200),
        ("b1_secretary", 404),
        ("a2_secretary", 404),
        ("outsider", 404),
    ],
)
def test_pledge_pdf_permissions(world, login, user, status):
    pledge = make_pledge(world.people_a1[0])
    assert login(getattr(world, user)).get(pdf_url(pledge)).status_code == status


def test_pledge_pdf_anonymous_goes_to_login(world, client):
    pledge = make_pledge(world.people_a1[0])
    response = client.get(pdf_url(pledge))
    assert response.status_code == 302
    assert reverse("login") in response["Location"]


# --- a whole chi bộ --------------------------------------------------------------------------


def test_cell_pdf_has_one_form_per_non_draft_pledge_in_list_order(world, login):
    an, binh, chi = world.people_a1
    make_pledge(chi)
    make_pledge(an)
    make_pledge(binh, submit=False)  # a draft is not printed
    response = login(world.bloc_reviewer).get(cell_url(world.cell_a1))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == 'attachment; filename="ke-hoach-2024-chi-bo-van-phong-so.pdf"'
    assert pdf_pages(response.content) >= 2
    text = flat(pdf_text(response.content))
    assert text.count(f"{TITLE_START} NĂM 2024") == 2
    assert "Trần Thị Bình" not in text
    assert text.index("Trần Thị An") < text.index("Trần Thị Chi")


def test_each_form_starts_on_a_new_page(world, login):
    for person in world.people_a1:
        make_pledge(person)
    response = login(world.a1_secretary).get(cell_url(world.cell_a1))
    pages = [flat(page.extract_text()) for page in PdfReader(io.BytesIO(response.content)).pages]
    assert len(pages) >= 3
    titled = [page for page in pages if TITLE_START in page]
    assert len(titled) == 3  # three forms, each beginning on its own page
    assert all(page.count(TITLE_START) == 1 for page in titled)


def test_cell_pdf_without_pledges_goes_back_to_the_roster(world, login):
    make_pledge(world.people_a1[0], submit=False)
    response = login(world.a1_secretary).get(cell_url(world.cell_a1))
    assert response.status_code == 302
    assert response["Location"] == reverse("pledges:roster", args=[world.cell_a1.pk, 2024])
    assert [str(m) for m in get_messages(response.wsgi_request)] == ["Chưa có bản đăng ký nào để in."]


def test_cell_pdf_refuses_too_many_pledges(world, login, monkeypatch):
    monkeypatch.setattr(pledge_forms, "MAX_PLEDGES_PER_PDF", 2)
    for person in world.people_a1:
        make_pledge(person)
    response = login(world.a1_secretary).get(cell_url(world.cell_a1))
    assert response.status_code == 302
    assert response["Location"] == reverse("pledges:roster", args=[world.cell_a1.pk, 2024])
    message = " ".join(str(m) for m in get_messages(response.wsgi_request))
    assert "từng chi bộ" in message


def test_cell_pdf_rejects_a_year_out_of_range(world, login):
    assert login(world.a1_secretary).get(cell_url(world.cell_a1, 1999)).status_code == 404


@pytest.mark.parametrize(
    ("user", "status"),
    [("a1_secretary", 200), ("bloc_reviewer", 200), ("b1_secretary", 404), ("a2_secretary", 404), ("outsider", 404)],
)
def test_cell_pdf_permissions(world, login, user, status):
    make_pledge(world.people_a1[0])
    assert login(getattr(world, user)).get(cell_url(world.cell_a1)).status_code == status


def test_cell_pdf_anonymous_goes_to_login(world, client):
    make_pledge(world.people_a1[0])
    response = client.get(cell_url(world.cell_a1))
    assert response.status_code == 302
    assert reverse("login") in response["Location"]


@pytest.mark.parametrize("count", [3, 15])
def test_cell_pdf_queries_do_not_grow_with_pledges(world, login, django_assert_max_num_queries, count):
    people = list(world.people_a1) + [
        PersonFactory(organization=world.cell_a1, full_name=f"Phạm Văn Số{n}") for n in range(count - 3)
    ]
    for person in people:
        make_pledge(person)
    client = login(world.a1_secretary)
    with django_assert_max_num_queries(11):  # ten, and the download log's entry
        response = client.get(cell_url(world.cell_a1))
    assert response.status_code == 200
    assert pdf_pages(response.content) >= count


# --- the pure parts --------------------------------------------------------------------------


def test_build_form_for_a_late_2b_pledge(world):
    person = PersonFactory(
        organization=world.cell_a1,
        full_name="Hoàng Thị Khác",
        category=PersonCategory.OTHER,
        birth_year=None,
        position="",
    )
    pledge = make_pledge(person)
    Pledge.objects.filter(pk=pledge.pk).update(on_time=False, submitted_on=datetime.date(2024, 2, 5))
    pledge = Pledge.objects.select_related("person", "organization").get(pk=pledge.pk)
    doc = pledge_forms.build_form(pledge, superior=world.committee_a, profile=profile_for(None))
    assert doc.form == "2B"
    assert not doc.party_form
    assert doc.subtitle == "(Mẫu 2B – dành cho cá nhân khác)"
    assert doc.place_date == "Thanh Hoá, ngày 05 tháng 02 năm 2024"
    assert ("Ngày nộp", "05/02/2024 (muộn)") in doc.status
    assert dict(doc.details)["Năm sinh"] == pledge_forms.EMPTY_FIELD
    assert dict(doc.details)["Đơn vị/Chi bộ sinh hoạt"] == "Chi bộ Văn phòng Sở"
    assert doc.superior_name == "ĐẢNG BỘ SỞ CÔNG THƯƠNG"
    assert [item.content for item in doc.items] == ["Đi làm đúng giờ", "Tiết kiệm điện, nước"]
    assert doc.items[0].area == "Văn hóa công sở, kỷ luật, kỷ cương giờ giấc"
    assert not doc.show_results


def test_blank_date_line_keeps_room_to_write(world):
    pledge = make_pledge(world.people_a1[0], submit=False)
    line = pledge_forms.place_date_line(pledge, "Thanh Hoá")
    assert line.startswith("Thanh Hoá, ngày\u00a0")
    assert "tháng\u00a0" in line and "năm\u00a0" in line
    assert pledge.state == PledgeState.DRAFT
