"""Import of people from an .xlsx list: read, validate every row in memory, then write in bulk.

Nothing is written unless the whole file is valid. A person already in the database (same
name ignoring case and marks, same birth year, same organization) is skipped, so importing
the same file twice adds nobody twice. Writing is two bulk inserts (people, memberships) in
one transaction, never one query per row.

The join date ("Ngày vào") decides the years a person counts in. A row without one is an
error, unless the clerk chose in the upload form a default: the start of a year (the person
then belongs from 1 January of that year; the person's own join date stays unknown). A silent
"today" would leave the person out of the year being reported.
"""

import datetime
from collections import Counter, defaultdict
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from committees.models import Exemption, Gender, Membership, Organization, Person, PersonCategory, subtree_q
from committees.signals import records_changed
from committees.text import search_key
from transfers.spreadsheets import (
    MISSING,
    Column,
    RowError,
    RowReader,
    Sheet,
    build_template,
    choice_map,
    read_sheet,
)

BATCH_SIZE = 2000
BIRTH_YEAR_MIN = 1900
# A row names its organization by name or by id: the header needs one of the two columns.
ORGANIZATION_COLUMNS = (("organization", "organization_id"),)

ORGANIZATION_COLUMN = Column(
    "organization",
    "Tổ chức đảng",
    "Tên đầy đủ của tổ chức đảng, đúng như trong phần mềm (xem bảng “Tổ chức trong phạm vi” bên dưới). "
    "Nếu có hai tổ chức trùng tên, thêm cột “Mã tổ chức” và ghi mã.",
)
ORGANIZATION_ID_COLUMN = Column(
    "organization_id",
    "Mã tổ chức",
    "Không bắt buộc (cột này có thể thêm vào nếu cần): mã số của tổ chức, dùng thay cho tên.",
    in_template=False,
)

PEOPLE_COLUMNS = [
    Column("full_name", "Họ và tên", "Họ và tên đầy đủ, có dấu. Tối đa 120 ký tự.", required=True),
    Column("gender", "Giới tính", "Nam hoặc Nữ; có thể để trống."),
    Column("birth_year", "Năm sinh", "Bốn chữ số, ví dụ 1985; có thể để trống."),
    Column("position", "Chức vụ", "Ví dụ: Chuyên viên; có thể để trống. Tối đa 200 ký tự."),
    Column(
        "category", "Đối tượng", "Một trong các giá trị ở bảng “Đối tượng” bên dưới (ghi tên hoặc mã).", required=True
    ),
    ORGANIZATION_COLUMN,
    Column(
        "joined_on",
        "Ngày vào",
        "Ngày vào tổ chức, dạng ngày/tháng/năm (ví dụ 05/03/2020). Bắt buộc, trừ khi khi tải lên chọn "
        "“Tính từ đầu năm” ở ô “Người không ghi ngày vào”.",
    ),
    Column(
        "exemption",
        "Miễn viết kế hoạch",
        "Để trống nếu không miễn; nếu miễn, ghi một giá trị ở bảng “Miễn viết kế hoạch” bên dưới.",
    ),
    Column("exemption_reason", "Lý do miễn", "Bắt buộc khi có miễn viết kế hoạch. Tối đa 255 ký tự."),
    ORGANIZATION_ID_COLUMN,
]

GENDERS = choice_map(Gender.choices)
CATEGORIES = choice_map(PersonCategory.choices)
EXEMPTIONS = choice_map(Exemption.choices)


# --- shared by the imports of people and of pledges ----------------------------------------------


@dataclass
class ImportResult:
    added: int  # people, or pledges
    skipped: int  # rows already in the database
    rows: int  # data rows read
    items: int = 0  # pledge items added
    # Where the added people went: (organization, how many), in the order of the tree.
    per_organization: list[tuple[Organization, int]] = field(default_factory=list)
    joined_defaulted: int = 0  # people added without a join date, counted from the chosen default


class ImportRejected(ValidationError):
    """The file has errors in its rows; `row_errors` lists them, nothing was written."""

    def __init__(self, row_errors: list[RowError]):
        self.row_errors = row_errors
        rows = len({error.row for error in row_errors})
        message = ngettext(
            "Tệp có %(errors)s lỗi ở %(rows)s dòng; chưa nhập dòng nào. Hãy sửa rồi tải lên lại.",
            "Tệp có %(errors)s lỗi ở %(rows)s dòng; chưa nhập dòng nào. Hãy sửa rồi tải lên lại.",
            len(row_errors),
        ) % {"errors": len(row_errors), "rows": rows}
        super().__init__(message, code="rows")


def columns_by_key(columns: list[Column]) -> dict[str, Column]:
    return {column.key: column for column in columns}


class OrganizationsInScope:
    """The organizations of the subtree an upload page belongs to, found by id or exact name."""

    def __init__(self, root: Organization):
        self.root = root
        self.organizations = list(Organization.objects.filter(subtree_q(root.path)).order_by("path"))
        self.by_id = {org.pk: org for org in self.organizations}
        self.by_name: dict[str, list[Organization]] = defaultdict(list)
        self.by_key: dict[str, list[Organization]] = defaultdict(list)
        for org in self.organizations:
            self.by_name[org.name.casefold()].append(org)
            self.by_key[org.search_key].append(org)

    @property
    def active(self) -> list[Organization]:
        return [org for org in self.organizations if not org.is_dissolved]

    def resolve(self, reader: RowReader):
        """The row's organization (MISSING after reporting why not)."""
        org_id = None
        if "organization_id" in reader.sheet.columns:
            org_id = reader.integer("organization_id", minimum=1)
        name = reader.text("organization", required=org_id is None, max_length=255)
        if org_id is MISSING or name is MISSING:
            return MISSING
        if org_id is not None:
            organization = self.by_id.get(org_id)
            if organization is None:
                reader.error(
                    "organization_id",
                    _("Không có tổ chức mã %(id)s trong phạm vi “%(root)s”.") % {"id": org_id, "root": self.root.name},
                )
                return MISSING
            if name and search_key(name) != organization.search_key:
                reader.error(
                    "organization",
                    _("Mã tổ chức %(id)s là “%(real)s”, không phải “%(name)s”.")
                    % {"id": org_id, "real": organization.name, "name": name},
                )
                return MISSING
        else:
            candidates = self.by_name.get(name.casefold()) or self.by_key.get(search_key(name)) or []
            if len(candidates) > 1:
                active = [org for org in candidates if not org.is_dissolved]
                candidates = active if len(active) == 1 else candidates
            if not candidates:
                reader.error(
                    "organization",
                    _("Không có tổ chức “%(name)s” trong phạm vi “%(root)s”.") % {"name": name, "root": self.root.name},
                )
                return MISSING
            if len(candidates) > 1:
                reader.error(
                    "organization",
                    _(
                        "Có %(n)s tổ chức tên “%(name)s” trong phạm vi (mã %(ids)s): hãy thêm cột “Mã tổ chức” và ghi mã."
                    )
                    % {"n": len(candidates), "name": name, "ids": ", ".join(str(org.pk) for org in candidates)},
                )
                return MISSING
            organization = candidates[0]
        if organization.is_dissolved:
            reader.error(
                "organization",
                _("“%(name)s” đã giải thể hoặc sáp nhập: không thể nhập dữ liệu vào tổ chức này.")
                % {"name": organization.name},
            )
            return MISSING
        return organization


def lock_organizations(organization_ids) -> None:
    """Serialize imports touching the same organizations (no-op on SQLite)."""
    list(
        Organization.objects.select_for_update()
        .filter(pk__in=sorted(organization_ids))
        .order_by("pk")
        .values_list("pk", flat=True)
    )


def organization_rows(scope: OrganizationsInScope) -> list[tuple]:
    return [(org.name, org.pk) for org in scope.active]


# --- people --------------------------------------------------------------------------------------


@dataclass
class PersonRow:
    number: int
    full_name: str
    key: tuple  # (organization id, name search key, birth year)
    gender: str
    birth_year: int | None
    position: str
    category: str
    organization: Organization
    joined_on: datetime.date | None
    exemption: str
    exemption_reason: str


def validate_people(
    sheet: Sheet, scope: OrganizationsInScope, *, joined_default: datetime.date | None = None
) -> list[PersonRow]:
    """Every row checked in memory; raises ImportRejected listing all the errors. A row
    without a join date is an error unless `joined_default` is given."""
    errors: list[RowError] = []
    columns = columns_by_key(PEOPLE_COLUMNS)
    this_year = timezone.localdate().year
    missing_join_date = _(
        "Thiếu ngày vào tổ chức: ghi ngày (ví dụ 05/03/2020), hoặc khi tải lên chọn "
        "“Tính từ đầu năm” ở ô “Người không ghi ngày vào”."
    )
    first_row_of: dict[tuple, int] = {}
    people: list[PersonRow] = []
    for row in sheet.rows:
        reader = RowReader(sheet, row, errors, columns)
        full_name = reader.text("full_name", required=True, max_length=120)
        gender = reader.choice("gender", GENDERS, default="")
        birth_year = reader.integer("birth_year", minimum=BIRTH_YEAR_MIN, maximum=this_year)
        position = reader.text("position", max_length=200)
        category = reader.choice("category", CATEGORIES, required=True)
        organization = scope.resolve(reader)
        joined_on = reader.date("joined_on")
        exemption = reader.choice("exemption", EXEMPTIONS, default="")
        reason = reader.text("exemption_reason", max_length=255)
        if exemption not in (MISSING, "") and reason == "":
            reader.error("exemption_reason", _("Hãy ghi lý do miễn viết kế hoạch cá nhân."))
        elif exemption == "" and reason not in (MISSING, ""):
            reader.error("exemption", _("Có lý do miễn nhưng chưa ghi loại miễn viết kế hoạch."))
        if joined_on not in (MISSING, None) and joined_on > timezone.localdate():
            reader.error("joined_on", _("Ngày vào %(date)s ở sau hôm nay.") % {"date": joined_on.strftime("%d/%m/%Y")})
        if joined_on is None and joined_default is None:
            reader.error("joined_on", missing_join_date)
        if not reader.ok:
            continue
        key = (organization.pk, search_key(full_name), birth_year)
        if key in first_row_of:
            reader.error(
                "full_name",
                _("Trùng với dòng %(row)s: cùng họ tên, năm sinh và tổ chức.") % {"row": first_row_of[key]},
            )
            continue
        first_row_of[key] = row.number
        people.append(
            PersonRow(
                number=row.number,
                full_name=full_name,
                key=key,
                gender=gender,
                birth_year=birth_year,
                position=position,
                category=category,
                organization=organization,
                joined_on=joined_on,
                exemption=exemption,
                exemption_reason=reason,
            )
        )
    if errors:
        raise ImportRejected(errors)
    return people


def people_import(
    *, organization: Organization, upload, by=None, joined_default: datetime.date | None = None
) -> ImportResult:
    """Import the people of an uploaded .xlsx into `organization`'s subtree; all or nothing.

    A person without a join date belongs from `joined_default` (the start of a year the clerk
    chose); without it, such a row is an error. Raises ValidationError for a file that cannot
    be read at all, ImportRejected (a ValidationError) listing every bad row otherwise.
    """
    if organization.is_dissolved:
        raise ValidationError(_("“%(name)s” đã giải thể: không thể nhập dữ liệu.") % {"name": organization.name})
    if joined_default is not None and joined_default > timezone.localdate():
        raise ValidationError(_("Ngày vào mặc định không được sau hôm nay."))
    sheet = read_sheet(upload, PEOPLE_COLUMNS, one_of=ORGANIZATION_COLUMNS)
    if "joined_on" not in sheet.columns and joined_default is None:
        raise ValidationError(
            _(
                "Tệp không có cột “Ngày vào”: hãy thêm cột này (ngày vào tổ chức của từng người), hoặc khi tải "
                "lên chọn “Tính từ đầu năm” ở ô “Người không ghi ngày vào”."
            )
        )
    scope = OrganizationsInScope(organization)
    rows = validate_people(sheet, scope, joined_default=joined_default)
    return write_people(rows, total=len(sheet.rows), joined_default=joined_default)


@transaction.atomic
def write_people(rows: list[PersonRow], *, total: int, joined_default: datetime.date | None = None) -> ImportResult:
    organization_ids = {row.organization.pk for row in rows}
    lock_organizations(organization_ids)
    existing = {
        (org_id, key, birth_year)
        for org_id, key, birth_year in Person.objects.filter(organization_id__in=organization_ids).values_list(
            "organization_id", "search_key", "birth_year"
        )
    }
    new_rows = [row for row in rows if row.key not in existing]
    people = Person.objects.bulk_create(
        [
            Person(
                full_name=row.full_name,
                search_key=row.key[1],
                gender=row.gender,
                birth_year=row.birth_year,
                position=row.position,
                category=row.category,
                organization=row.organization,
                joined_on=row.joined_on,
                exemption=row.exemption,
                exemption_reason=row.exemption_reason,
            )
            for row in new_rows
        ],
        batch_size=BATCH_SIZE,
    )
    # validate_people let a row without a join date through only with a default.
    Membership.objects.bulk_create(
        [
            Membership(
                person=person, organization_id=person.organization_id, start_on=person.joined_on or joined_default
            )
            for person in people
        ],
        batch_size=BATCH_SIZE,
    )
    records_changed.send(sender=Membership, organization_ids={person.organization_id for person in people}, years=None)
    added_to = Counter(row.organization.pk for row in new_rows)
    organizations = {row.organization.pk: row.organization for row in new_rows}
    return ImportResult(
        added=len(people),
        skipped=len(rows) - len(new_rows),
        rows=total,
        per_organization=[
            (organizations[pk], count)
            for pk, count in sorted(added_to.items(), key=lambda pair: organizations[pair[0]].path)
        ],
        joined_defaulted=sum(1 for row in new_rows if row.joined_on is None),
    )


def people_template(organization: Organization) -> bytes:
    """The .xlsx template of the people list, with its guide sheet."""
    scope = OrganizationsInScope(organization)
    return build_template(
        title=_("Hướng dẫn ghi danh sách cá nhân – %(name)s") % {"name": organization.name},
        columns=PEOPLE_COLUMNS,
        sections=[
            (_("Đối tượng"), [_("Tên"), _("Mã")], [(str(label), code) for code, label in PersonCategory.choices]),
            (_("Giới tính"), [_("Tên"), _("Mã")], [(str(label), code) for code, label in Gender.choices]),
            (
                _("Miễn viết kế hoạch"),
                [_("Tên"), _("Mã")],
                [(str(label), code) for code, label in Exemption.choices if code],
            ),
            (_("Tổ chức trong phạm vi"), [_("Tên tổ chức"), _("Mã tổ chức")], organization_rows(scope)),
        ],
        widths={"full_name": 28, "category": 30, "organization": 40, "exemption": 24, "exemption_reason": 30},
    )
