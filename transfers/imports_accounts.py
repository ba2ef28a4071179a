"""Import of accounts (secretaries, mostly) from an .xlsx list, with the people import's machinery.

All or nothing: every row is checked in memory (name, username, e-mail, organization, role; a
username or e-mail already used, in the database or on an earlier row, is an error), and only a
valid file is written, in one transaction of bulk inserts. Each imported account gets an
unusable password, must choose its own (AccountProfile.must_set_password), and is mailed an
invitation with a link to do so, after commit, in chunks (committees.accounts.invitations_queue).
"""

from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from committees import accounts
from committees.models import AccountProfile, Organization, Role, RoleAssignment, RoleEvent
from committees.permissions import organizations_for_accounts
from transfers.imports import (
    ORGANIZATION_COLUMNS,
    ORGANIZATION_ID_COLUMN,
    ImportRejected,
    OrganizationsInScope,
    columns_by_key,
    lock_organizations,
)
from transfers.spreadsheets import MISSING, Column, RowError, RowReader, Sheet, build_template, choice_map, read_sheet

User = get_user_model()
BATCH_SIZE = 1000

ACCOUNT_COLUMNS = [
    Column("full_name", "Họ và tên", "Họ và tên đầy đủ, có dấu. Tối đa 150 ký tự.", required=True),
    Column(
        "username",
        "Tên đăng nhập",
        "Chữ thường không dấu (a–z), chữ số và các dấu . _ -; 3 đến 40 ký tự; chưa ai dùng. Ví dụ: nguyenvanan.cb1",
        required=True,
    ),
    Column(
        "email",
        "E-mail",
        "Địa chỉ e-mail riêng của người dùng, chưa tài khoản nào dùng: thư mời đặt mật khẩu được gửi tới đây.",
        required=True,
    ),
    Column(
        "organization",
        "Tổ chức",
        "Tên đầy đủ của tổ chức đảng nơi người dùng được phân quyền, đúng như trong phần mềm (xem bảng "
        "“Tổ chức trong phạm vi” bên dưới). Nếu có hai tổ chức trùng tên, thêm cột “Mã tổ chức” và ghi mã.",
    ),
    Column("role", "Vai trò", "Một giá trị ở bảng “Vai trò” bên dưới; để trống: Bí thư."),
    ORGANIZATION_ID_COLUMN,
]
ROLE_CHOICES = choice_map(
    [(code, label) for code, label in Role.choices if code in accounts.GRANTABLE_ROLES],
    (Role.SECRETARY, "Bí thư"),
    (Role.SECRETARY, "Phó Bí thư"),
    (Role.CLERK, "Văn phòng"),
    (Role.REVIEWER, "Theo dõi"),
)
ROLE_SHORT_NAMES = {Role.SECRETARY: "Bí thư", Role.CLERK: "Văn phòng", Role.REVIEWER: "Theo dõi"}


@dataclass
class AccountRow:
    number: int
    full_name: str
    username: str
    email: str
    organization: Organization
    role: str


@dataclass
class AccountsImportResult:
    added: int
    rows: int


def validate_accounts(sheet: Sheet, scope: OrganizationsInScope, *, by) -> list[AccountRow]:
    """Every row checked in memory; raises ImportRejected listing all the errors, row by row."""
    errors: list[RowError] = []
    columns = columns_by_key(ACCOUNT_COLUMNS)
    rows: list[AccountRow] = []
    first_row_of: dict[tuple[str, str], int] = {}
    for row in sheet.rows:
        reader = RowReader(sheet, row, errors, columns)
        full_name = reader.text("full_name", required=True, max_length=accounts.FULL_NAME_MAX_LENGTH)
        username = _checked(reader, "username", accounts.username_normalize, accounts.username_error)
        email = _checked(reader, "email", accounts.email_normalize, accounts.email_error)
        organization = scope.resolve(reader)
        role = reader.choice("role", ROLE_CHOICES, default=Role.SECRETARY)
        if organization is not MISSING and role is not MISSING:
            for key, message in accounts.grant_error(by=by, organization=organization, role=role).items():
                reader.error(key, message)
        for key, value in (("username", username), ("email", email)):
            if value is not MISSING:
                first = first_row_of.setdefault((key, value), row.number)
                if first != row.number:
                    reader.error(key, _("Trùng với dòng %(row)s.") % {"row": first})
        if not reader.ok:
            continue
        rows.append(
            AccountRow(
                number=row.number,
                full_name=full_name,
                username=username,
                email=email,
                organization=organization,
                role=role,
            )
        )
    errors += _taken_errors(rows, columns)
    if errors:
        raise ImportRejected(sorted(errors, key=lambda error: error.row))
    return rows


def _checked(reader: RowReader, key: str, normalize, problem_of):
    """A required username or e-mail cell, normalized; MISSING (reported) when blank or invalid."""
    value = reader.text(key, required=True, max_length=254)
    if value is MISSING:
        return MISSING
    value = normalize(value)
    problem = problem_of(value)
    if problem:
        reader.error(key, problem)
        return MISSING
    return value


def _taken_errors(rows: list[AccountRow], columns: dict[str, Column]) -> list[RowError]:
    """Usernames and e-mails of the file already used in the database (two queries)."""
    taken_usernames = accounts.usernames_taken(row.username for row in rows)
    taken_emails = accounts.emails_taken(row.email for row in rows)
    errors = []
    for row in rows:
        if row.username in taken_usernames:
            errors.append(RowError(row.number, columns["username"].header, accounts.username_taken_error(row.username)))
        if row.email in taken_emails:
            errors.append(RowError(row.number, columns["email"].header, accounts.email_taken_error(row.email)))
    return errors


def accounts_import(*, by, organization: Organization, upload) -> AccountsImportResult:
    """Import the accounts of an uploaded .xlsx into `organization`'s subtree; all or nothing.

    `by` holds ACCOUNTS on `organization` (checked by the page). Raises ValidationError for a file
    that cannot be read at all, ImportRejected (a ValidationError) listing every bad row otherwise.
    """
    if organization.is_dissolved:
        raise ValidationError(_("“%(name)s” đã giải thể: không thể nhập dữ liệu.") % {"name": organization.name})
    sheet = read_sheet(upload, ACCOUNT_COLUMNS, one_of=ORGANIZATION_COLUMNS)
    rows = validate_accounts(sheet, OrganizationsInScope(organization), by=by)
    return write_accounts(rows, by=by, total=len(sheet.rows))


@transaction.atomic
def write_accounts(rows: list[AccountRow], *, by, total: int) -> AccountsImportResult:
    lock_organizations({row.organization.pk for row in rows})
    # Checked again under the transaction: an account made since the validation is refused.
    columns = columns_by_key(ACCOUNT_COLUMNS)
    errors = _taken_errors(rows, columns)
    if errors:
        raise ImportRejected(errors)
    users = [
        User(
            username=row.username,
            email=row.email,
            password=make_password(None),  # unusable: the invitation link sets the first password
            **accounts.full_name_parts(row.full_name),
        )
        for row in rows
    ]
    try:
        with transaction.atomic():
            User.objects.bulk_create(users, batch_size=BATCH_SIZE)
    except IntegrityError:
        raise ValidationError(
            _("Có tên đăng nhập vừa được người khác tạo trong lúc nhập: hãy tải tệp lên lại.")
        ) from None
    by_username = dict(User.objects.filter(username__in=[row.username for row in rows]).values_list("username", "pk"))
    actor_id = by.pk if by is not None else None
    AccountProfile.objects.bulk_create(
        [AccountProfile(user_id=by_username[row.username], must_set_password=True, created_by=by) for row in rows],
        batch_size=BATCH_SIZE,
    )
    RoleAssignment.objects.bulk_create(
        [
            RoleAssignment(user_id=by_username[row.username], organization=row.organization, role=row.role)
            for row in rows
        ],
        batch_size=BATCH_SIZE,
    )
    events = []
    for row in rows:
        user_id = by_username[row.username]
        events.append(
            RoleEvent(
                kind=RoleEvent.Kind.ACCOUNT_CREATED, actor_id=actor_id, user_id=user_id, organization=row.organization
            )
        )
        events.append(
            RoleEvent(
                kind=RoleEvent.Kind.GRANTED,
                actor_id=actor_id,
                user_id=user_id,
                organization=row.organization,
                role=row.role,
            )
        )
    RoleEvent.objects.bulk_create(events, batch_size=BATCH_SIZE)
    accounts.invitations_queue(user_ids=[by_username[row.username] for row in rows])
    return AccountsImportResult(added=len(rows), rows=total)


def accounts_template(*, by, organization: Organization) -> bytes:
    """The .xlsx template of the accounts list, its guide naming the organizations `by` may grant on."""
    return build_template(
        title=_("Hướng dẫn ghi danh sách tài khoản – %(name)s") % {"name": organization.name},
        columns=ACCOUNT_COLUMNS,
        sections=[
            (
                _("Vai trò"),
                [_("Tên"), _("Mã"), _("Quyền")],
                [(ROLE_SHORT_NAMES[code], code, str(Role(code).label)) for code in accounts.GRANTABLE_ROLES],
            ),
            (
                _("Tổ chức trong phạm vi"),
                [_("Tên tổ chức"), _("Mã tổ chức")],
                [(org.name, org.pk) for org in organizations_for_accounts(by, within=organization)],
            ),
        ],
        widths={"full_name": 28, "username": 22, "email": 30, "organization": 40, "role": 14},
    )
