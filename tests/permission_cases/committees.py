"""Cases of the committees app: the tree, people, role switch, and the spreadsheet import."""

import io

from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook

from committees.models import DownloadLog
from committees.permissions import Perm
from tests.permission_cases.base import Case, Ctx, organization_pk, person_pk
from transfers.spreadsheets import XLSX_CONTENT_TYPE


def person_form(c: Ctx, inside: bool) -> dict:
    return {
        "full_name": "Người Kiểm Tra Quyền",
        "gender": "female",
        "birth_year": "1990",
        "position": "Chuyên viên",
        "category": "staff",
        "joined_on": "2024-01-02",
        "exemption": "",
        "exemption_reason": "",
    }


# --- spreadsheet import: a valid one-row file, so that a permitted upload writes ----------------


def xlsx_upload(name: str, rows: list[dict]) -> SimpleUploadedFile:
    headers = list(rows[0])
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(headers)
    for row in rows:
        sheet.append([row[header] for header in headers])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return SimpleUploadedFile(name, buffer.getvalue(), content_type=XLSX_CONTENT_TYPE)


def people_upload(c: Ctx, inside: bool) -> dict:
    row = {
        "Họ và tên": "Lê Văn Nhập Khẩu",
        "Năm sinh": 1988,
        "Đối tượng": "Đảng viên chính thức",
        "Tổ chức đảng": c.organization.name,
        "Mã tổ chức": c.organization.pk,
        "Ngày vào": "01/02/2024",
    }
    return {"file": xlsx_upload("danh-sach.xlsx", [row])}


def pledges_upload(c: Ctx, inside: bool) -> dict:
    member = c.member()
    row = {
        "Họ và tên": member.full_name,
        "Năm sinh": member.birth_year,
        "Tổ chức đảng": c.organization.name,
        "Mã tổ chức": c.organization.pk,
        "Năm": c.year,
        "Nội dung việc làm theo": "Đi làm đúng giờ, tiết kiệm điện",
    }
    return {"file": xlsx_upload("ke-hoach.xlsx", [row])}


def organization_with_logged_download(c: Ctx, inside: bool) -> dict:
    """The organization, after someone downloaded its dashboard: the log page has a row to show."""
    DownloadLog.objects.create(
        user=c.world.bloc_reviewer,
        organization=c.organization,
        year=c.year,
        kind=DownloadLog.Kind.DASHBOARD,
        description=f"tong-quan-{c.year}-{c.organization.pk}.xlsx",
        row_count=3,
    )
    return {"pk": c.organization.pk}


CASES: dict[str, Case] = {
    "committees:role_switch": Case(
        perm=None,
        methods=("POST",),
        personal=True,
        target=lambda c, inside: {"assignment_id": c.assignment(inside).pk},
    ),
    "committees:organization_list": Case(perm=None),
    "committees:organization_detail": Case(perm=Perm.VIEW, target=organization_pk),
    "committees:person_create": Case(
        perm=Perm.ENTER,
        methods=("GET", "POST"),
        target=organization_pk,
        data=person_form,
        writes=True,
    ),
    "committees:people_search": Case(perm=None, data=lambda c, inside: {"q": "tran"}),
    "committees:person_detail": Case(perm=Perm.VIEW, target=person_pk),
    "committees:person_update": Case(
        perm=Perm.ENTER,
        methods=("GET", "POST"),
        target=person_pk,
        data=person_form,
        writes=True,
    ),
    # the download log (committees/views_audit.py)
    "committees:download_log": Case(
        perm=Perm.AUDIT,
        target=organization_with_logged_download,
        data=lambda c, inside: {"tu": "2024-01-01", "den": "2024-12-31", "loai": ""},
    ),
}
