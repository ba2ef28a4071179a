"""Import of personal pledges (one row per item) from .xlsx: grouping, rules, all or nothing."""

import datetime
import io

import pytest
from django.contrib.messages import get_messages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from committees.models import Person
from pledges.models import Plan, Pledge, PledgeItem, PledgeState
from pledges.services.pledges import ItemInput, pledge_create
from tests.factories import PersonFactory
from transfers.imports import ImportRejected
from transfers.imports_pledges import PLEDGE_COLUMNS, pledges_import
from transfers.spreadsheets import XLSX_CONTENT_TYPE

pytestmark = pytest.mark.django_db

HEADERS = [column.header for column in PLEDGE_COLUMNS if column.in_template]


def item_row(person, **values) -> dict:
    row = {
        "Họ và tên": person.full_name,
        "Năm sinh": person.birth_year,
        "Tổ chức đảng": person.organization.name,
        "Năm": 2024,
        "Nội dung việc làm theo": "Đi làm đúng giờ, không đi muộn về sớm",
        "Lĩnh vực": "Văn hóa công sở, kỷ luật, kỷ cương giờ giấc",
        "Chỉ tiêu": "100% ngày công",
        "Thời hạn": datetime.datetime(2024, 12, 31),
        "Trạng thái": None,
        "Ngày nộp": "01/03/2024",
    }
    row.update(values)
    return row


def xlsx(rows: list[dict], *, headers=None, edit=None) -> SimpleUploadedFile:
    headers = HEADERS if headers is None else headers
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(headers)
    for row in rows:
        sheet.append([row.get(header) for header in headers])
    if edit:
        edit(sheet)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return SimpleUploadedFile("ke-hoach.xlsx", buffer.getvalue(), content_type=XLSX_CONTENT_TYPE)


def url(world, name="import_pledges", organization=None):
    return reverse(f"transfers:{name}", args=[(organization or world.committee_a).pk])


def counts() -> tuple[int, int]:
    return Pledge.objects.count(), PledgeItem.objects.count()


def good_rows(world) -> list[dict]:
    an, binh, _chi = world.people_a1
    return [
        item_row(an),
        item_row(an, **{"Nội dung việc làm theo": "Tiết kiệm điện, nước", "Lĩnh vực": "thrift", "Chỉ tiêu": None}),
        item_row(binh, **{"Ngày nộp": None, "Thời hạn": 45565}),  # serial: 30/09/2024
        item_row(world.people_a2[0], **{"Trạng thái": "Nháp", "Ngày nộp": None, "Lĩnh vực": None}),
    ]


def test_good_file_imports_pledges_with_items(world, login):
    client = login(world.a_clerk)
    before = counts()
    response = client.post(url(world), {"file": xlsx(good_rows(world))})
    assert response.status_code == 302
    assert response.url == url(world, "import_page")
    assert [str(m) for m in get_messages(response.wsgi_request)] == [
        "Đã thêm 3 bản đăng ký với 4 việc làm theo (bỏ qua 0 dòng đã có)"
    ]
    assert counts() == (before[0] + 3, before[1] + 4)
    an, binh, _chi = world.people_a1

    first = Pledge.objects.get(person=an, year=2024)
    assert (first.kind, first.organization, first.form, first.state) == ("personal", world.cell_a1, "01", "submitted")
    assert (first.submitted_on, first.on_time) == (datetime.date(2024, 3, 1), True)
    assert first.created_by == world.a_clerk
    assert list(first.items.values_list("position", "content", "area", "target", "due_on")) == [
        (1, "Đi làm đúng giờ, không đi muộn về sớm", "workplace", "100% ngày công", datetime.date(2024, 12, 31)),
        (2, "Tiết kiệm điện, nước", "thrift", "", datetime.date(2024, 12, 31)),
    ]
    assert first.history.count() == 1 and first.history.first().history_user == world.a_clerk
    assert PledgeItem.history.filter(pledge_id=first.pk).count() == 2

    second = Pledge.objects.get(person=binh, year=2024)
    assert (second.state, second.submitted_on, second.on_time) == ("submitted", datetime.date(2024, 3, 15), True)
    assert second.items.get().due_on == datetime.date(2024, 9, 30)

    draft = Pledge.objects.get(person=world.people_a2[0], year=2024)
    assert (draft.state, draft.submitted_on, draft.on_time) == (PledgeState.DRAFT, None, None)
    assert draft.items.get().area == "ethics"  # blank area: the first one


def test_reimport_adds_nothing_twice(world):
    first = pledges_import(organization=world.committee_a, upload=xlsx(good_rows(world)))
    assert (first.added, first.items, first.skipped) == (3, 4, 0)
    before = counts()
    again = pledges_import(organization=world.committee_a, upload=xlsx(good_rows(world)))
    assert (again.added, again.items, again.skipped) == (0, 0, 4)
    assert counts() == before


def test_a_pledge_entered_on_screen_is_skipped(world):
    an = world.people_a1[0]
    pledge_create(person=an, year=2024, items=[ItemInput(content="Việc đã nhập trên màn hình")])
    result = pledges_import(organization=world.committee_a, upload=xlsx(good_rows(world)))
    assert (result.added, result.skipped) == (2, 2)
    assert list(Pledge.objects.get(person=an, year=2024).items.values_list("content", flat=True)) == [
        "Việc đã nhập trên màn hình"
    ]


def test_late_submission_is_not_on_time(world):
    Plan.objects.create(organization=world.committee_a, year=2024, pledge_deadline=datetime.date(2024, 2, 15))
    an = world.people_a1[0]
    pledges_import(organization=world.committee_a, upload=xlsx([item_row(an, **{"Ngày nộp": "20/02/2024"})]))
    assert Pledge.objects.get(person=an).on_time is False


def test_namesakes_are_told_apart_by_birth_year(world):
    twin = PersonFactory(organization=world.cell_a1, full_name=world.people_a1[0].full_name, birth_year=1991)
    result = pledges_import(organization=world.committee_a, upload=xlsx([item_row(twin)]))
    assert result.added == 1
    assert Pledge.objects.get().person == twin
    with pytest.raises(ImportRejected) as raised:
        pledges_import(
            organization=world.committee_a,
            upload=xlsx([item_row(twin, **{"Năm sinh": None, "Năm": 2023, "Thời hạn": None})]),
        )
    assert "hãy ghi năm sinh" in raised.value.row_errors[0].message


# --- errors, row by row, nothing partial -----------------------------------------------------------


def rejected(world, login, rows, user=None):
    before = counts()
    response = login(user or world.a_clerk).post(url(world), {"file": xlsx(rows)})
    assert response.status_code == 200
    assert counts() == before, "nothing may be imported from a file with errors"
    assert "chưa nhập dòng nào" in response.content.decode()
    return [(e.row, e.column, e.message) for e in response.context["row_errors"]]


def test_each_bad_row_is_reported(world, login):
    an, binh, chi = world.people_a1
    rows = [
        item_row(an),  # good, but not imported because others are bad
        item_row(binh, **{"Nội dung việc làm theo": None}),
        item_row(chi, **{"Lĩnh vực": "Thể thao"}),
        item_row(an, **{"Họ và tên": "Người Không Có"}),
        item_row(an, **{"Thời hạn": "31/12/2025", "Nội dung việc làm theo": "Việc khác"}),
        item_row(an, **{"Năm": 1999}),
        item_row(an, **{"Ngày nộp": "31/02/2024"}),
        item_row(an, **{"Tổ chức đảng": world.cell_b1.name}),
        item_row(an, **{"Chỉ tiêu": "x" * 501}),
        item_row(an, **{"Trạng thái": "Đã duyệt"}),
    ]
    errors = rejected(world, login, rows)
    assert [(row, column) for row, column, _m in errors] == [
        (3, "Nội dung việc làm theo"),
        (4, "Lĩnh vực"),
        (5, "Họ và tên"),
        (6, "Thời hạn"),
        (7, "Năm"),
        (8, "Ngày nộp"),
        (9, "Tổ chức đảng"),
        (10, "Chỉ tiêu"),
        (11, "Trạng thái"),
    ]
    messages = {row: message for row, _c, message in errors}
    assert messages[3] == "Chưa ghi “Nội dung việc làm theo”."
    assert messages[5] == (
        "Không có “Người Không Có” (năm sinh 1980) trong danh sách của “Chi bộ Văn phòng Sở”: "
        "hãy nhập danh sách cá nhân trước."
    )
    assert messages[6] == "Thời hạn 31/12/2025 phải nằm trong năm 2024."
    assert messages[9].startswith("Không có tổ chức “Chi bộ Phòng Ngân sách” trong phạm vi")


def test_closed_year_is_refused(world, login):
    Plan.objects.create(organization=world.bloc, year=2023, pledge_deadline=datetime.date(2023, 4, 30), is_closed=True)
    an = world.people_a1[0]
    errors = rejected(world, login, [item_row(an, **{"Năm": 2023, "Thời hạn": None, "Ngày nộp": "01/03/2023"})])
    assert errors == [
        (2, "Năm", "Năm 2023 đã khóa sổ: hồ sơ chỉ còn xem được. Văn phòng cấp ủy có thể mở lại nếu cần.")
    ]


def test_person_who_left_before_the_year(world, login):
    an = world.people_a1[0]
    Person.objects.filter(pk=an.pk).update(left_on=datetime.date(2023, 6, 30))
    errors = rejected(world, login, [item_row(an)])
    assert errors == [(2, "Năm", "Trần Thị An đã rời tổ chức ngày 30/06/2023, trước năm 2024.")]


def test_rows_of_one_pledge_must_agree(world, login):
    an, binh, _chi = world.people_a1
    rows = [
        item_row(an),
        item_row(an, **{"Nội dung việc làm theo": "Việc 2", "Ngày nộp": "02/03/2024"}),
        item_row(binh, **{"Trạng thái": "Đã nộp"}),
        item_row(binh, **{"Nội dung việc làm theo": "Việc 2", "Trạng thái": "Nháp", "Ngày nộp": None}),
    ]
    assert rejected(world, login, rows) == [
        (3, "Ngày nộp", "Khác ngày nộp ở dòng 2 của cùng bản đăng ký."),
        (5, "Trạng thái", "Khác trạng thái ở dòng 4 của cùng bản đăng ký."),
    ]


def test_state_written_on_a_later_row_applies_to_the_pledge(world, login):
    """Blank state on every row: Đã nộp. A state written on any row is the pledge's."""
    an = world.people_a1[0]
    rows = [item_row(an), item_row(an, **{"Nội dung việc làm theo": "Việc 2", "Trạng thái": "Nháp", "Ngày nộp": None})]
    assert rejected(world, login, rows) == [
        (2, "Ngày nộp", "Bản nháp chưa nộp: hãy để trống ngày nộp hoặc ghi trạng thái “Đã nộp”.")
    ]


def test_draft_with_a_submission_date(world, login):
    errors = rejected(world, login, [item_row(world.people_a1[0], **{"Trạng thái": "nhap"})])
    assert errors == [(2, "Ngày nộp", "Bản nháp chưa nộp: hãy để trống ngày nộp hoặc ghi trạng thái “Đã nộp”.")]


def test_missing_column_refuses_the_file(world, login):
    before = counts()
    headers = [h for h in HEADERS if h != "Năm"]
    response = login(world.a_clerk).post(url(world), {"file": xlsx([item_row(world.people_a1[0])], headers=headers)})
    assert response.status_code == 200
    assert counts() == before
    errors = [str(e) for e in response.context["pledges_form"].errors["file"]]
    assert any("Thiếu cột “Năm”" in e for e in errors)
    assert not response.context["people_form"].errors


# --- template and permissions ---------------------------------------------------------------------


def test_pledges_template(world, login):
    response = login(world.a_clerk).get(reverse("transfers:import_template", args=[world.committee_a.pk, "ke-hoach"]))
    assert response.status_code == 200
    workbook = load_workbook(io.BytesIO(response.content))
    assert workbook.sheetnames == ["Dữ liệu", "Hướng dẫn"]
    assert [cell.value for cell in workbook["Dữ liệu"][1]] == HEADERS
    assert all(cell.font.bold for cell in workbook["Dữ liệu"][1])
    flat = [str(v) for row in workbook["Hướng dẫn"].iter_rows(values_only=True) for v in row if v is not None]
    assert "Trách nhiệm nêu gương" in flat and "Nháp" in flat and "Đã nộp" in flat


@pytest.mark.parametrize("user", ["a1_secretary", "bloc_reviewer"])
def test_secretaries_and_reviewers_cannot_import(world, login, user):
    before = counts()
    response = login(getattr(world, user)).post(
        url(world, organization=world.cell_a1), {"file": xlsx([item_row(world.people_a1[0])])}
    )
    assert response.status_code == 403
    assert counts() == before


def test_out_of_scope_is_404(world, login):
    before = counts()
    response = login(world.a_clerk).post(
        url(world, organization=world.cell_b1), {"file": xlsx([item_row(world.people_b1[0])])}
    )
    assert response.status_code == 404
    assert counts() == before


def test_anonymous_is_sent_to_login(world, client):
    response = client.post(url(world), {"file": xlsx([item_row(world.people_a1[0])])})
    assert response.status_code == 302 and response.url.startswith(reverse("login"))
    assert counts() == (0, 0)


@pytest.mark.parametrize("size", [3, 40])
def test_query_count_does_not_grow_with_rows(world, login, django_assert_max_num_queries, size):
    """Bulk writes: the count is the same for 3 and 40 pledges. (SQLite splits a bulk insert into
    batches of 999 parameters, about 45 pledges; PostgreSQL does not.)"""
    people = [PersonFactory(organization=world.cell_a1, full_name=f"Người Số {i}") for i in range(size)]
    rows = [item_row(person, **{"Nội dung việc làm theo": f"Việc {k}"}) for person in people for k in (1, 2)]
    client = login(world.a_clerk)
    file = xlsx(rows)
    # 25: two of them mark the organizations' figures for recounting (reports/tallies.py), two
    # check that the year is open and not closed for the organization (committees.years).
    with django_assert_max_num_queries(25):
        response = client.post(url(world), {"file": file})
    assert response.status_code == 302
    assert Pledge.objects.count() == size and PledgeItem.objects.count() == 2 * size
