"""Import of people from .xlsx: templates, validation row by row, all or nothing, permissions."""

import datetime
import io
import unicodedata

import pytest
from django.contrib.messages import get_messages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from committees.models import Membership, Organization, Person
from tests.factories import PersonFactory, make_organization
from transfers.imports import PEOPLE_COLUMNS, ImportRejected, people_import
from transfers.spreadsheets import MAX_BYTES, MAX_ROWS, XLSX_CONTENT_TYPE, parse_date

pytestmark = pytest.mark.django_db

HEADERS = [column.header for column in PEOPLE_COLUMNS if column.in_template]


# --- building files in memory ---------------------------------------------------------------------


def person_row(**values) -> dict:
    row = {
        "Họ và tên": "Lê Văn Minh",
        "Giới tính": "Nam",
        "Năm sinh": 1985,
        "Chức vụ": "Chuyên viên",
        "Đối tượng": "Đảng viên chính thức",
        "Tổ chức đảng": "Chi bộ Văn phòng Sở",
        "Ngày vào": datetime.datetime(2015, 6, 1),
        "Miễn viết kế hoạch": None,
        "Lý do miễn": None,
    }
    row.update(values)
    return row


def workbook_bytes(rows: list[dict], *, headers=None, edit=None) -> bytes:
    headers = HEADERS if headers is None else headers
    workbook = Workbook()
    sheet = workbook.active
    if headers:
        sheet.append(headers)
    for row in rows:
        sheet.append([row.get(header) for header in headers])
    if edit:
        edit(sheet)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def upload(content: bytes, name: str = "danh-sach.xlsx", content_type: str = XLSX_CONTENT_TYPE) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type=content_type)


def xlsx(rows: list[dict], **kwargs) -> SimpleUploadedFile:
    return upload(workbook_bytes(rows, **kwargs))


def good_rows() -> list[dict]:
    return [
        person_row(),
        person_row(
            **{
                # Typed on a keyboard that sends decomposed marks: stored NFC.
                "Họ và tên": unicodedata.normalize("NFD", "Nguyễn Thị Hoà"),
                "Giới tính": "nu",
                "Năm sinh": "1990",
                "Đối tượng": "doan vien",
                "Tổ chức đảng": "Chi bộ Phòng Quản lý Thương mại",
                "Ngày vào": "05/03/2020",
            }
        ),
        person_row(
            **{
                "Họ và tên": "Phạm Văn Cường",
                "Năm sinh": 1958,
                "Đối tượng": "party_full",
                "Tổ chức đảng": "Đảng ủy Sở Công Thương",
                "Ngày vào": 43895,  # an Excel serial number: 05/03/2020
                "Miễn viết kế hoạch": "Đảng viên hưu trí",
                "Lý do miễn": "Tuổi cao, sức yếu",
            }
        ),
    ]


def import_url(world, name="import_people", organization=None):
    return reverse(f"transfers:{name}", args=[(organization or world.committee_a).pk])


def post(client, world, file, *, name="import_people", organization=None, **fields):
    return client.post(import_url(world, name, organization), {"file": file, **fields})


def counts() -> tuple[int, int]:
    return Person.objects.count(), Membership.objects.count()


def row_errors(response) -> list[tuple[int, str, str]]:
    return [(e.row, e.column, e.message) for e in response.context["row_errors"]]


def file_errors(response, kind="people") -> list[str]:
    form = response.context[f"{kind}_form"]
    return [str(message) for message in form.errors.get("file", [])]


def message_texts(response) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


# --- a good file ---------------------------------------------------------------------------------


def test_good_file_imports_every_row(world, login):
    client = login(world.a_clerk)
    before = counts()
    response = post(client, world, xlsx(good_rows()))
    assert response.status_code == 302
    assert response.url == import_url(world, "import_page")
    assert counts() == (before[0] + 3, before[1] + 3)
    follow = client.get(response.url)
    assert "Đã thêm 3 cá nhân (bỏ qua 0 dòng đã có)" in follow.content.decode()

    minh = Person.objects.get(full_name="Lê Văn Minh")
    assert (minh.organization, minh.gender, minh.birth_year, minh.category) == (
        world.cell_a1,
        "male",
        1985,
        "party_full",
    )
    assert minh.joined_on == datetime.date(2015, 6, 1)
    assert minh.search_key == "le van minh"
    assert list(minh.memberships.values_list("organization_id", "start_on")) == [
        (world.cell_a1.pk, datetime.date(2015, 6, 1))
    ]

    hoa = Person.objects.get(search_key="nguyen thi hoa")
    assert hoa.full_name == unicodedata.normalize("NFC", "Nguyễn Thị Hoà")
    assert (hoa.gender, hoa.birth_year, hoa.category, hoa.organization) == (
        "female",
        1990,
        "youth_union",
        world.cell_a2,
    )
    assert hoa.joined_on == datetime.date(2020, 3, 5)  # text dd/mm/yyyy

    cuong = Person.objects.get(full_name="Phạm Văn Cường")
    assert cuong.organization == world.committee_a  # the upload page's own organization is in scope
    assert cuong.joined_on == datetime.date(2020, 3, 5)  # Excel serial
    assert (cuong.exemption, cuong.exemption_reason) == ("retired", "Tuổi cao, sức yếu")


def test_reimport_adds_nothing_twice(world, login):
    client = login(world.a_clerk)
    content = workbook_bytes(good_rows())
    post(client, world, upload(content))
    after_first = counts()
    response = post(client, world, upload(content))
    assert response.status_code == 302
    assert counts() == after_first
    assert message_texts(response)[-1] == "Đã thêm 0 cá nhân (bỏ qua 3 dòng đã có)"


def test_people_already_in_the_database_are_skipped_not_errors(world, login):
    existing = world.people_a1[0]  # Trần Thị An, 1980, cell_a1
    rows = [
        person_row(**{"Họ và tên": "tran thi an", "Năm sinh": existing.birth_year}),  # case and marks ignored
        person_row(),
    ]
    response = post(login(world.a_clerk), world, xlsx(rows))
    assert response.status_code == 302
    assert "Đã thêm 1 cá nhân (bỏ qua 1 dòng đã có)" in message_texts(response)
    assert Person.objects.filter(search_key="tran thi an", organization=world.cell_a1).count() == 1


def test_same_name_other_birth_year_is_another_person(world):
    existing = world.people_a1[0]
    sheet_file = xlsx([person_row(**{"Họ và tên": existing.full_name, "Năm sinh": 1999})])
    result = people_import(organization=world.committee_a, upload=sheet_file)
    assert (result.added, result.skipped, result.rows) == (1, 0, 1)


def test_organization_by_id_column(world):
    headers = HEADERS + ["Mã tổ chức"]
    rows = [person_row(**{"Tổ chức đảng": None, "Mã tổ chức": world.cell_a2.pk})]
    result = people_import(organization=world.committee_a, upload=xlsx(rows, headers=headers))
    assert result.added == 1
    assert Person.objects.get(full_name="Lê Văn Minh").organization == world.cell_a2


def test_organization_id_outside_scope_is_refused(world):
    headers = HEADERS + ["Mã tổ chức"]
    rows = [person_row(**{"Tổ chức đảng": None, "Mã tổ chức": world.cell_b1.pk})]
    with pytest.raises(ImportRejected) as raised:
        people_import(organization=world.committee_a, upload=xlsx(rows, headers=headers))
    assert raised.value.row_errors[0].message.startswith(f"Không có tổ chức mã {world.cell_b1.pk} trong phạm vi")


def test_title_rows_above_the_header_are_allowed(world):
    def add_title(sheet):
        sheet.insert_rows(1, amount=2)
        sheet["A1"] = "DANH SÁCH CÁ NHÂN"

    result = people_import(organization=world.committee_a, upload=xlsx([person_row()], edit=add_title))
    assert result.added == 1


# --- bad rows: reported row by row, nothing imported ------------------------------------------


def rejected(world, login, rows, **kwargs):
    before = counts()
    response = post(login(world.a_clerk), world, xlsx(rows, **kwargs))
    assert response.status_code == 200
    assert counts() == before, "nothing may be imported from a file with errors"
    page = response.content.decode()
    assert "chưa nhập dòng nào" in page
    return response


def test_unknown_organization(world, login):
    response = rejected(
        world, login, [person_row(), person_row(**{"Tổ chức đảng": "Chi bộ Không Có", "Năm sinh": 1970})]
    )
    assert row_errors(response) == [
        (3, "Tổ chức đảng", "Không có tổ chức “Chi bộ Không Có” trong phạm vi “Đảng ủy Sở Công Thương”.")
    ]
    page = response.content.decode()
    assert "Chi bộ Không Có" in page and '<td class="text-end">3</td>' in page


def test_organization_outside_the_scope(world, login):
    response = rejected(world, login, [person_row(**{"Tổ chức đảng": world.cell_b1.name})])
    assert row_errors(response) == [
        (2, "Tổ chức đảng", f"Không có tổ chức “{world.cell_b1.name}” trong phạm vi “{world.committee_a.name}”.")
    ]


def test_duplicate_row_in_the_file(world, login):
    response = rejected(world, login, [person_row(), person_row(**{"Họ và tên": "LÊ VĂN MINH", "Chức vụ": "Khác"})])
    assert row_errors(response) == [(3, "Họ và tên", "Trùng với dòng 2: cùng họ tên, năm sinh và tổ chức.")]


def test_bad_category(world, login):
    response = rejected(world, login, [person_row(**{"Đối tượng": "Quần chúng"})])
    [(row, column, message)] = row_errors(response)
    assert (row, column) == (2, "Đối tượng")
    assert message.startswith("“Quần chúng” không phải giá trị hợp lệ của cột “Đối tượng”")


def test_bad_dates(world, login):
    rows = [
        person_row(**{"Ngày vào": "31/02/2020"}),
        person_row(**{"Họ và tên": "B", "Ngày vào": "2020"}),
        person_row(**{"Họ và tên": "C", "Ngày vào": 2020}),  # a year typed into a date column, not a 1905 date
        person_row(**{"Họ và tên": "D", "Ngày vào": "05/03/2030"}),
    ]
    response = rejected(world, login, rows)
    errors = row_errors(response)
    assert errors[0] == (
        2,
        "Ngày vào",
        "Ngày “31/02/2020” không hợp lệ: hãy ghi theo dạng ngày/tháng/năm, ví dụ 05/03/2020.",
    )
    assert [(row, column) for row, column, _m in errors] == [
        (2, "Ngày vào"),
        (3, "Ngày vào"),
        (4, "Ngày vào"),
        (5, "Ngày vào"),
    ]
    assert "sau hôm nay" in errors[3][2]


def test_every_error_of_every_row_is_listed(world, login):
    rows = [
        person_row(**{"Họ và tên": None, "Giới tính": "Khác", "Năm sinh": "năm tám lăm"}),
        person_row(**{"Họ và tên": "X" * 121, "Đối tượng": None}),
        person_row(**{"Họ và tên": "Y", "Miễn viết kế hoạch": "retired"}),
        person_row(**{"Họ và tên": "Z", "Lý do miễn": "Ốm"}),
    ]
    response = rejected(world, login, rows)
    assert [(row, column) for row, column, _m in row_errors(response)] == [
        (2, "Họ và tên"),
        (2, "Giới tính"),
        (2, "Năm sinh"),
        (3, "Họ và tên"),
        (3, "Đối tượng"),
        (4, "Lý do miễn"),
        (5, "Miễn viết kế hoạch"),
    ]
    messages = {(row, column): message for row, column, message in row_errors(response)}
    assert messages[(2, "Họ và tên")] == "Chưa ghi “Họ và tên”."
    assert messages[(2, "Năm sinh")] == "“năm tám lăm” không phải là số nguyên."
    assert messages[(3, "Họ và tên")] == "Dài quá 120 ký tự (hiện có 121)."
    assert messages[(4, "Lý do miễn")] == "Hãy ghi lý do miễn viết kế hoạch cá nhân."


def test_dissolved_organization_in_scope_is_refused(world, login):
    dissolved = make_organization(world.committee_a, name="Chi bộ Đã Giải Thể")
    Organization.objects.filter(pk=dissolved.pk).update(dissolved_on=datetime.date(2023, 6, 30))
    response = rejected(world, login, [person_row(**{"Tổ chức đảng": "Chi bộ Đã Giải Thể"})])
    assert "đã giải thể" in row_errors(response)[0][2]


def test_formula_without_a_cached_value(world, login):
    def formula(sheet):
        sheet["C2"] = "=1+1"  # Năm sinh; openpyxl stores no cached value

    response = rejected(world, login, [person_row()], edit=formula)
    [(row, column, message)] = row_errors(response)
    assert (row, column) == (2, "Năm sinh")
    assert message.startswith("Ô có công thức chưa có giá trị")


def test_merged_cells_leave_required_blanks(world, login):
    rows = [person_row(), person_row(**{"Họ và tên": "Lê Thị Lan", "Đối tượng": None})]

    def merge(sheet):
        sheet.merge_cells("E2:E3")  # Đối tượng of both rows in one merged cell

    response = rejected(world, login, rows, edit=merge)
    [(row, column, message)] = row_errors(response)
    assert (row, column) == (3, "Đối tượng")
    assert "gộp ô E2:E3" in message


# --- bad files: refused with a message, nothing imported --------------------------------------


def refused(world, login, file) -> str:
    before = counts()
    response = post(login(world.a_clerk), world, file)
    assert response.status_code == 200
    assert counts() == before
    errors = file_errors(response)
    assert errors, "a refused file must say why"
    assert response.context["people_form"].errors  # shown on the people form, not the other one
    assert not response.context["pledges_form"].errors
    return " ".join(errors)


def test_zero_byte_file(world, login):
    assert "rỗng" in refused(world, login, upload(b""))


def test_file_without_rows(world, login):
    assert "không có dữ liệu" in refused(world, login, xlsx([], headers=[]))


def test_file_with_only_the_header(world, login):
    assert "chưa có dòng dữ liệu nào" in refused(world, login, xlsx([]))


def test_missing_column(world, login):
    headers = [h for h in HEADERS if h != "Đối tượng"]
    message = refused(world, login, xlsx([person_row()], headers=headers))
    assert "Thiếu cột “Đối tượng”" in message


def test_missing_organization_columns(world, login):
    headers = [h for h in HEADERS if h != "Tổ chức đảng"]
    assert "Thiếu cột “Tổ chức đảng”" in refused(world, login, xlsx([person_row()], headers=headers))


def test_optional_columns_may_be_left_out(world):
    headers = ["STT", "Họ và tên", "Đối tượng", "Tổ chức đảng", "Ngày vào", "Ghi chú"]
    rows = [{"STT": 1, "Ghi chú": "không nhập", **person_row()}]
    result = people_import(organization=world.committee_a, upload=xlsx(rows, headers=headers))
    assert result.added == 1
    person = Person.objects.get(full_name="Lê Văn Minh")
    assert (person.birth_year, person.gender, person.position) == (None, "", "")


# --- the join date: an error, or the start of a year chosen in the upload form ---------------------

MISSING_JOIN_DATE = "Thiếu ngày vào tổ chức: ghi ngày (ví dụ 05/03/2020), hoặc khi tải lên chọn “Tính từ đầu năm”"


def test_a_row_without_a_join_date_is_an_error(world, login):
    rows = [person_row(), person_row(**{"Họ và tên": "Vũ Thị Năm", "Ngày vào": None})]
    before = counts()
    response = post(login(world.a_clerk), world, xlsx(rows))
    assert response.status_code == 200
    assert counts() == before  # all or nothing: not even the good row
    assert [(row, column) for row, column, _message in row_errors(response)] == [(3, "Ngày vào")]
    assert row_errors(response)[0][2].startswith(MISSING_JOIN_DATE)


def test_a_file_without_the_join_date_column_is_refused_with_the_way_out(world, login):
    headers = [h for h in HEADERS if h != "Ngày vào"]
    message = refused(world, login, xlsx([person_row()], headers=headers))
    assert "Tệp không có cột “Ngày vào”" in message
    assert "“Tính từ đầu năm” ở ô “Người không ghi ngày vào”" in message


def test_the_chosen_start_of_a_year_stands_for_a_missing_join_date(world, login):
    """The person counts in the year being entered (membership from 1 January), and the page says so."""
    rows = [person_row(), person_row(**{"Họ và tên": "Vũ Thị Năm", "Ngày vào": None})]
    client = login(world.a_clerk)
    response = post(client, world, xlsx(rows), joined_default="2023")
    assert response.status_code == 302
    nam = Person.objects.get(full_name="Vũ Thị Năm")
    assert nam.joined_on is None  # the person's own date stays unknown
    assert list(nam.memberships.values_list("start_on", flat=True)) == [datetime.date(2023, 1, 1)]
    minh = Person.objects.get(full_name="Lê Văn Minh")
    assert list(minh.memberships.values_list("start_on", flat=True)) == [datetime.date(2015, 6, 1)]
    page = client.get(response.url).content.decode()
    assert "1 người không ghi ngày vào được tính là vào từ ngày 01/01/2023." in page


def test_the_default_year_offered_is_one_open_for_the_organization_and_not_after_today(world, login):
    page = login(world.a_clerk).get(import_url(world, "import_page")).content.decode()
    assert '<option value="2024">Tính từ đầu năm: 01/01/2024</option>' in page
    assert '<option value="2023">Tính từ đầu năm: 01/01/2023</option>' in page
    assert '<option value="2025">' not in page
    response = post(login(world.a_clerk), world, xlsx([person_row()]), joined_default="2019")
    assert response.status_code == 200
    assert response.context["people_form"].errors["joined_default"]
    assert not Person.objects.filter(full_name="Lê Văn Minh").exists()


def test_the_result_lists_where_the_people_went_with_a_link_to_each_list(world, login):
    rows = [
        person_row(),
        person_row(**{"Họ và tên": "Đỗ Văn Hai", "Năm sinh": 1991}),
        person_row(**{"Họ và tên": "Đỗ Văn Ba", "Tổ chức đảng": world.cell_a2.name}),
        person_row(**{"Họ và tên": world.people_a1[0].full_name, "Năm sinh": world.people_a1[0].birth_year}),
    ]
    client = login(world.a_clerk)
    response = post(client, world, xlsx(rows))
    assert response.status_code == 302
    follow = client.get(response.url)
    result = follow.context["people_result"]
    assert (result["added"], result["skipped"], result["year"]) == (3, 1, 2024)
    assert [(place["name"], place["count"]) for place in result["places"]] == [
        (world.cell_a1.name, 2),
        (world.cell_a2.name, 1),
    ]
    page = follow.content.decode()
    assert "Đã thêm 3 cá nhân; bỏ qua 1 dòng đã có trong phần mềm." in page
    for cell, count in ((world.cell_a1, 2), (world.cell_a2, 1)):
        link = reverse("pledges:roster", args=[cell.pk, 2024])
        assert f'<a href="{link}">{cell.name}</a></td><td class="text-end">{count}</td>' in page
    # Shown once: the next visit of the page is a fresh page.
    assert client.get(response.url).context["people_result"] is None


def test_renamed_column(world, login):
    headers = ["Họ tên" if h == "Họ và tên" else h for h in HEADERS]
    message = refused(world, login, xlsx([person_row()], headers=headers))
    assert "Thiếu cột “Họ và tên” (hoặc cột đã bị đổi tên)" in message
    assert "Cột “Họ tên” không có trong tệp mẫu" in message


def test_renamed_optional_column_is_not_dropped_quietly(world, login):
    headers = ["Ngày vào Đảng" if h == "Ngày vào" else h for h in HEADERS]
    rows = [{"Ngày vào Đảng": "05/03/2020", **person_row()}]
    message = refused(world, login, xlsx(rows, headers=headers))
    assert "Cột “Ngày vào Đảng” không có trong tệp mẫu" in message


def test_headers_ignore_case_and_marks(world):
    headers = [h.upper() for h in HEADERS]
    rows = [{h.upper(): v for h, v in person_row().items()}]
    assert people_import(organization=world.committee_a, upload=xlsx(rows, headers=headers)).added == 1


def test_no_header_row(world, login):
    rows = [{"a": i} for i in range(12)]
    message = refused(world, login, xlsx(rows, headers=["a"]))
    assert "Không tìm thấy dòng tiêu đề" in message


def test_text_file_is_refused(world, login):
    message = refused(
        world, login, upload(b"Ho va ten\nLe Van Minh\n", name="danh-sach.txt", content_type="text/plain")
    )
    assert "không phải tệp Excel .xlsx" in message


def test_pdf_renamed_xlsx_is_refused(world, login):
    message = refused(world, login, upload(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<<>>\nendobj\n"))
    assert "có thể là tệp khác bị đổi đuôi" in message


def test_zip_that_is_not_a_workbook_is_refused(world, login):
    import zipfile

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("hello.txt", "xin chào")
    assert "không phải tệp Excel .xlsx" in refused(world, login, upload(buffer.getvalue()))


def test_workbook_with_broken_xml_is_refused(world, login):
    import zipfile

    source = zipfile.ZipFile(io.BytesIO(workbook_bytes([person_row()])))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for info in source.infolist():
            data = source.read(info.filename)
            if info.filename == "xl/worksheets/sheet1.xml":
                data = data[: len(data) // 2]  # cut in the middle of a row
            archive.writestr(info, data)
    assert "bị hỏng" in refused(world, login, upload(buffer.getvalue()))


def test_old_xls_is_refused_with_advice(world, login):
    message = refused(world, login, upload(b"\xd0\xcf\x11\xe0", name="cu.xls", content_type="application/vnd.ms-excel"))
    assert "lưu lại" in message.lower() or "Lưu thành" in message


def test_too_big_file_is_refused(world, login):
    content = b"PK\x03\x04" + b"\0" * MAX_BYTES
    assert "Tệp quá lớn" in refused(world, login, upload(content))


def test_too_many_rows_is_refused_quickly(world, login):
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet()
    sheet.append(HEADERS)
    row = ["Người", None, None, None, "Khác", "Chi bộ Văn phòng Sở", None, None, None]
    for _ in range(MAX_ROWS + 1):
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    message = refused(world, login, upload(buffer.getvalue()))
    assert "hơn 60.000 dòng" in message


def test_missing_file(world, login):
    response = login(world.a_clerk).post(import_url(world), {})
    assert response.status_code == 200
    assert file_errors(response) == ["Hãy chọn tệp .xlsx để tải lên."]


# --- cells -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (datetime.datetime(2020, 3, 5, 0, 0), datetime.date(2020, 3, 5)),
        (datetime.date(2020, 3, 5), datetime.date(2020, 3, 5)),
        (43895, datetime.date(2020, 3, 5)),
        (43895.0, datetime.date(2020, 3, 5)),
        ("05/03/2020", datetime.date(2020, 3, 5)),
        ("5/3/2020", datetime.date(2020, 3, 5)),
        (" 05-03-2020 ", datetime.date(2020, 3, 5)),
        ("2020-03-05", datetime.date(2020, 3, 5)),
    ],
)
def test_dates_accepted(value, expected):
    assert parse_date(value) == expected


@pytest.mark.parametrize("value", ["31/02/2020", "03/05", "hôm qua", "13/13/2020", 0, -5, True, 2020, "05/03/1800"])
def test_dates_refused(value):
    with pytest.raises(ValueError):
        parse_date(value)


# --- templates -------------------------------------------------------------------------------------


def test_people_template(world, login):
    response = login(world.a_clerk).get(reverse("transfers:import_template", args=[world.committee_a.pk, "ca-nhan"]))
    assert response.status_code == 200
    assert response["Content-Type"] == XLSX_CONTENT_TYPE
    assert "attachment" in response["Content-Disposition"]
    workbook = load_workbook(io.BytesIO(response.content))
    assert workbook.sheetnames == ["Dữ liệu", "Hướng dẫn"]
    data = workbook["Dữ liệu"]
    assert [cell.value for cell in data[1]] == HEADERS
    assert all(cell.font.bold for cell in data[1])
    guide = [[c for c in row if c is not None] for row in workbook["Hướng dẫn"].iter_rows(values_only=True)]
    flat = [str(value) for row in guide for value in row]
    assert "Đảng viên chính thức" in flat and "Đảng viên hưu trí" in flat and "Nữ" in flat
    assert world.cell_a1.name in flat and world.cell_b1.name not in flat  # only the page's subtree
    assert [world.cell_a2.name, world.cell_a2.pk] in guide


def test_template_filled_in_imports(world, login):
    """The downloaded template, filled in, imports as is."""
    client = login(world.a_clerk)
    response = client.get(reverse("transfers:import_template", args=[world.committee_a.pk, "ca-nhan"]))
    workbook = load_workbook(io.BytesIO(response.content))
    sheet = workbook["Dữ liệu"]
    sheet.append([person_row()[header] for header in HEADERS])
    buffer = io.BytesIO()
    workbook.save(buffer)
    response = post(client, world, upload(buffer.getvalue()))
    assert response.status_code == 302
    assert Person.objects.filter(full_name="Lê Văn Minh").exists()


def test_unknown_template_kind_is_404(world, login):
    response = login(world.a_clerk).get(f"/to-chuc/{world.committee_a.pk}/nhap-du-lieu/mau-khac.xlsx")
    assert response.status_code == 404


# --- the page and permissions ----------------------------------------------------------------------


def test_import_page_for_a_clerk(world, login):
    response = login(world.a_clerk).get(import_url(world, "import_page"))
    assert response.status_code == 200
    page = response.content.decode()
    assert reverse("transfers:import_template", args=[world.committee_a.pk, "ca-nhan"]) in page
    assert reverse("transfers:import_template", args=[world.committee_a.pk, "ke-hoach"]) in page
    assert f'action="{import_url(world, "import_people")}"' in page
    assert f'action="{import_url(world, "import_pledges")}"' in page
    assert 'enctype="multipart/form-data"' in page
    assert "<script>" not in page


def test_organization_page_links_to_import_only_with_the_permission(world, login):
    url = reverse("committees:organization_detail", args=[world.cell_a1.pk])
    link = reverse("transfers:import_page", args=[world.cell_a1.pk])
    assert link in login(world.a_clerk).get(url).content.decode()
    assert link not in login(world.a1_secretary).get(url).content.decode()


@pytest.mark.parametrize("user", ["a1_secretary", "bloc_reviewer"])
def test_secretaries_and_reviewers_get_403(world, login, user):
    client = login(getattr(world, user))
    organization = world.cell_a1
    before = counts()
    for name in ("import_page",):
        assert client.get(import_url(world, name, organization)).status_code == 403
    template = reverse("transfers:import_template", args=[organization.pk, "ca-nhan"])
    assert client.get(template).status_code == 403
    for name in ("import_people", "import_pledges"):
        response = post(client, world, xlsx([person_row()]), name=name, organization=organization)
        assert response.status_code == 403
    assert counts() == before


def test_out_of_scope_is_404(world, login):
    client = login(world.a_clerk)
    organization = world.committee_b
    before = counts()
    assert client.get(import_url(world, "import_page", organization)).status_code == 404
    assert client.get(reverse("transfers:import_template", args=[organization.pk, "ca-nhan"])).status_code == 404
    response = post(
        client, world, xlsx([person_row(**{"Tổ chức đảng": world.cell_b1.name})]), organization=organization
    )
    assert response.status_code == 404
    assert counts() == before


def test_anonymous_is_sent_to_login(world, client):
    for name in ("import_page", "import_people", "import_pledges"):
        response = client.get(import_url(world, name))
        assert response.status_code == 302
        assert response.url.startswith(reverse("login"))
    response = client.post(import_url(world), {"file": xlsx([person_row()])})
    assert response.status_code == 302 and response.url.startswith(reverse("login"))


def test_upload_urls_refuse_get(world, login):
    assert login(world.a_clerk).get(import_url(world, "import_people")).status_code == 405


def test_bloc_clerk_imports_into_any_cell_of_the_bloc(world, login):
    rows = [person_row(), person_row(**{"Họ và tên": "Đỗ Văn Bốn", "Tổ chức đảng": world.cell_b1.name})]
    response = post(login(world.bloc_clerk), world, xlsx(rows), organization=world.bloc)
    assert response.status_code == 302
    assert set(
        Person.objects.filter(full_name__in=["Lê Văn Minh", "Đỗ Văn Bốn"]).values_list("organization", flat=True)
    ) == {
        world.cell_a1.pk,
        world.cell_b1.pk,
    }


def test_admin_may_import(world, login):
    assert post(login(world.admin), world, xlsx([person_row()])).status_code == 302


# --- no query per row --------------------------------------------------------------------------


@pytest.mark.parametrize("size", [5, 200])
def test_query_count_does_not_grow_with_rows(world, login, django_assert_max_num_queries, size):
    """Bulk writes, no query per row (SQLite splits a bulk insert into batches of 999 parameters,
    about 75 people: 200 rows cost two more inserts than 5; PostgreSQL does not split)."""
    for index in range(3):
        PersonFactory(organization=world.cell_a2, full_name=f"Người Có Sẵn {index}")
    rows = [
        person_row(
            **{"Họ và tên": f"Người Thứ {index}", "Tổ chức đảng": [world.cell_a1.name, world.cell_a2.name][index % 2]}
        )
        for index in range(size)
    ]
    client = login(world.a_clerk)
    file = xlsx(rows)
    # 20: two of them mark the organizations' figures for recounting (reports/tallies.py), one
    # reads the years the form offers for a missing join date, one keeps the result (where the
    # people went) in the session for the page after the redirect.
    with django_assert_max_num_queries(20):
        response = post(client, world, file)
    assert response.status_code == 302
    assert Person.objects.filter(full_name__startswith="Người Thứ").count() == size
