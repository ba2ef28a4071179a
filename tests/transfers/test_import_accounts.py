"""Import of accounts from .xlsx (committees/imports_accounts.py): all or nothing, errors by row, invitations."""

import io
import re

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.urls import reverse
from openpyxl import load_workbook

from committees import account_mails, accounts
from committees.models import AccountProfile, Role, RoleAssignment, RoleEvent
from tests.factories import UserFactory, grant
from tests.transfers.test_import_people import xlsx
from transfers.imports import ImportRejected
from transfers.imports_accounts import ACCOUNT_COLUMNS, accounts_import

pytestmark = pytest.mark.django_db
User = get_user_model()

HEADERS = [column.header for column in ACCOUNT_COLUMNS if column.in_template]


def account_row(**values) -> dict:
    row = {
        "Họ và tên": "Lê Văn Minh",
        "Tên đăng nhập": "levanminh",
        "E-mail": "minh@example.invalid",
        "Tổ chức": "Chi bộ Văn phòng Sở",
        "Vai trò": None,
    }
    row.update(values)
    return row


def good_rows() -> list[dict]:
    return [
        account_row(),
        account_row(
            **{
                "Họ và tên": "Nguyễn Thị Hoà",
                "Tên đăng nhập": "NguyenThiHoa",
                "E-mail": "Hoa@Example.invalid",
                "Tổ chức": "chi bo phong quan ly thuong mai",
                "Vai trò": "Phó Bí thư",
            }
        ),
        account_row(
            **{
                "Họ và tên": "Đỗ Văn Phòng",
                "Tên đăng nhập": "dovanphong",
                "E-mail": "phong@example.invalid",
                "Tổ chức": "Đảng ủy Sở Công Thương",
                "Vai trò": "Văn phòng",
            }
        ),
    ]


def counts() -> tuple[int, int, int, int]:
    return (
        User.objects.count(),
        AccountProfile.objects.count(),
        RoleAssignment.objects.count(),
        RoleEvent.objects.count(),
    )


def test_the_template_has_the_columns_and_the_organizations_in_scope(world, login):
    client = login(world.a_clerk)
    response = client.get(reverse("transfers:account_import_template", args=[world.committee_a.pk]))
    assert response.status_code == 200
    workbook = load_workbook(io.BytesIO(response.content))
    data, guide = workbook.worksheets
    assert [cell.value for cell in data[1]] == ["Họ và tên", "Tên đăng nhập", "E-mail", "Tổ chức", "Vai trò"]
    guide_text = [cell.value for row in guide.iter_rows() for cell in row if cell.value]
    assert "Chi bộ Văn phòng Sở" in guide_text and world.cell_a1.pk in guide_text
    assert "Chi bộ Phòng Ngân sách" not in guide_text
    assert {"Bí thư", "Văn phòng", "Theo dõi"} <= set(guide_text)


def test_a_valid_file_creates_accounts_roles_events_and_queues_invitations(
    world, django_capture_on_commit_callbacks, monkeypatch, settings
):
    settings.SITE_URL = "https://lamtheobac.example.vn"
    monkeypatch.setattr(accounts, "INVITATION_CHUNK", 2)
    connections = []
    real_get_connection = account_mails.get_connection
    monkeypatch.setattr(account_mails, "get_connection", lambda: connections.append(1) or real_get_connection())

    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        result = accounts_import(
            by=world.a_clerk, organization=world.committee_a, upload=xlsx(good_rows(), headers=HEADERS)
        )
    assert (result.added, result.rows) == (3, 3)
    assert mail.outbox == []  # nothing is mailed before the commit

    users = {
        user.username: user for user in User.objects.filter(username__in=["levanminh", "nguyenthihoa", "dovanphong"])
    }
    assert set(users) == {"levanminh", "nguyenthihoa", "dovanphong"}
    hoa = users["nguyenthihoa"]
    assert (hoa.email, hoa.get_full_name()) == ("hoa@example.invalid", "Nguyễn Thị Hoà")
    for user in users.values():
        assert not user.has_usable_password() and user.is_active and not user.is_staff
        assert user.account_profile.must_set_password and user.account_profile.created_by == world.a_clerk
    roles = {(a.user.username, a.organization, a.role) for a in RoleAssignment.objects.filter(user__in=users.values())}
    assert roles == {
        ("levanminh", world.cell_a1, Role.SECRETARY),  # blank: secretary
        ("nguyenthihoa", world.cell_a2, Role.SECRETARY),
        ("dovanphong", world.committee_a, Role.CLERK),
    }
    events = RoleEvent.objects.filter(user__in=users.values())
    assert events.count() == 6 and set(events.values_list("actor", flat=True)) == {world.a_clerk.pk}
    assert events.filter(kind=RoleEvent.Kind.ACCOUNT_CREATED).count() == 3

    for callback in callbacks:
        callback()
    assert sorted(message.to[0] for message in mail.outbox) == [
        "hoa@example.invalid",
        "minh@example.invalid",
        "phong@example.invalid",
    ]
    assert len(connections) == 2  # two chunks, one SMTP connection each
    assert all("https://lamtheobac.example.vn/dat-lai-mat-khau/" in message.body for message in mail.outbox)


def test_an_imported_account_sets_its_password_by_the_invitation_link(
    world, client, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        accounts_import(by=world.a_clerk, organization=world.committee_a, upload=xlsx([account_row()], headers=HEADERS))
    (message,) = mail.outbox
    (path,) = re.findall(r"https?://[^/\s]+(/dat-lai-mat-khau/\S+/)", message.body)
    form_url = client.get(path).url
    response = client.post(form_url, {"new_password1": "Lam-theo-Bac-2024!", "new_password2": "Lam-theo-Bac-2024!"})
    assert response.status_code == 302
    user = User.objects.get(username="levanminh")
    assert user.check_password("Lam-theo-Bac-2024!") and not user.account_profile.must_set_password


def test_a_file_with_bad_rows_writes_nothing_and_lists_every_error(world, django_capture_on_commit_callbacks):
    UserFactory(username="Da.Co", email="trung@example.invalid")
    rows = good_rows() + [
        account_row(**{"Tên đăng nhập": "da.co", "E-mail": "TRUNG@example.invalid"}),  # row 5: both used
        account_row(**{"Tên đăng nhập": "levanminh", "E-mail": "khac@example.invalid"}),  # row 6: as row 2
        account_row(**{"Tên đăng nhập": "Có Dấu", "E-mail": "sai-dia-chi", "Tổ chức": "Chi bộ Phòng Ngân sách"}),
        account_row(**{"Tên đăng nhập": "vaitrosai", "E-mail": "vt@example.invalid", "Vai trò": "Quản trị"}),
    ]
    before = counts()
    with django_capture_on_commit_callbacks(execute=True) as callbacks, pytest.raises(ImportRejected) as caught:
        accounts_import(by=world.a_clerk, organization=world.committee_a, upload=xlsx(rows, headers=HEADERS))
    assert counts() == before and callbacks == [] and mail.outbox == []
    found = [(error.row, error.column) for error in caught.value.row_errors]
    assert found == [
        (5, "Tên đăng nhập"),
        (5, "E-mail"),
        (6, "Tên đăng nhập"),
        (7, "Tên đăng nhập"),
        (7, "E-mail"),
        (7, "Tổ chức"),
        (8, "Vai trò"),
    ]
    messages = {(error.row, error.column): error.message for error in caught.value.row_errors}
    assert "“da.co” đã được dùng" in messages[(5, "Tên đăng nhập")]
    assert "“trung@example.invalid” đã được dùng" in messages[(5, "E-mail")]
    assert messages[(6, "Tên đăng nhập")] == "Trùng với dòng 2."
    assert "Không có tổ chức “Chi bộ Phòng Ngân sách”" in messages[(7, "Tổ chức")]
    assert "chưa nhập dòng nào" in caught.value.messages[0]


def test_only_the_superuser_imports_accounts_at_the_root(world):
    province_clerk = UserFactory(username="province_clerk")
    grant(province_clerk, world.province, Role.CLERK)
    rows = [account_row(**{"Tổ chức": world.province.name}), account_row(**{"Tên đăng nhập": "b", "E-mail": "b@x.vn"})]
    with pytest.raises(ImportRejected) as caught:
        accounts_import(by=province_clerk, organization=world.province, upload=xlsx(rows, headers=HEADERS))
    assert [(e.row, e.column) for e in caught.value.row_errors] == [(2, "Tổ chức"), (3, "Tên đăng nhập")]
    assert "chỉ quản trị hệ thống" in caught.value.row_errors[0].message
    result = accounts_import(by=world.admin, organization=world.province, upload=xlsx(rows[:1], headers=HEADERS))
    assert result.added == 1 and User.objects.get(username="levanminh").roles.get().organization == world.province


def test_the_upload_page_lists_the_errors_by_row(world, login):
    client = login(world.a_clerk)
    page = client.get(reverse("transfers:account_import", args=[world.committee_a.pk]))
    assert page.status_code == 200
    assert reverse("transfers:account_import_upload", args=[world.committee_a.pk]) in page.content.decode()
    rows = [account_row(), account_row(**{"E-mail": "minh@example.invalid", "Tên đăng nhập": "khac"})]
    response = client.post(
        reverse("transfers:account_import_upload", args=[world.committee_a.pk]),
        {"file": xlsx(rows, headers=HEADERS)},
    )
    assert response.status_code == 200
    assert [(error.row, error.column) for error in response.context["row_errors"]] == [(3, "E-mail")]
    assert 'id="import-errors"' in response.content.decode()
    assert not User.objects.filter(username__in=["levanminh", "khac"]).exists()

    response = client.post(
        reverse("transfers:account_import_upload", args=[world.committee_a.pk]),
        {"file": xlsx(rows[:1], headers=HEADERS)},
        follow=True,
    )
    assert "Đã tạo 1 tài khoản" in response.content.decode()
    assert User.objects.filter(username="levanminh").exists()


def test_a_file_that_is_not_a_spreadsheet_is_refused(world, login):
    client = login(world.a_clerk)
    response = client.post(
        reverse("transfers:account_import_upload", args=[world.committee_a.pk]),
        {"file": xlsx([account_row()], headers=["Tên", "Khác"])},
    )
    assert response.status_code == 200 and response.context["form"].errors["file"]
    assert not User.objects.filter(username="levanminh").exists()
