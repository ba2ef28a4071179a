"""Import of personal pledges from an .xlsx list, one row per item (việc làm theo).

Rows of the same person and year form one pledge. The person must already exist (same name
ignoring case and marks, birth year, organization inside the upload page's subtree). The
rules are those of pledges/services/pledges.py (content, target, area, due date within the
year, closed years, people who left); a person who already has a pledge that year is skipped,
so importing the same file twice adds nothing twice. All or nothing; bulk writes.
"""

import datetime
from collections import defaultdict
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from simple_history.utils import bulk_create_with_history

from committees.models import Organization, Person
from committees.signals import records_changed
from committees.text import search_key
from committees.years import YEAR_MIN, latest_openable_year
from pledges.models import CONTENT_MAX_LENGTH, Pledge, PledgeArea, PledgeItem, PledgeState
from pledges.services.common import (
    ensure_person_in_year,
    ensure_writable,
    pledge_deadline,
)
from transfers.imports import (
    ORGANIZATION_COLUMN,
    ORGANIZATION_COLUMNS,
    ORGANIZATION_ID_COLUMN,
    ImportRejected,
    ImportResult,
    OrganizationsInScope,
    columns_by_key,
    lock_organizations,
    organization_rows,
)
from transfers.spreadsheets import Column, RowError, RowReader, Sheet, build_template, choice_map, read_sheet

TARGET_MAX_LENGTH = PledgeItem._meta.get_field("target").max_length
BATCH_SIZE = 1000

PLEDGE_COLUMNS = [
    Column("full_name", "Họ và tên", "Họ và tên của cá nhân đã có trong danh sách của tổ chức.", required=True),
    Column("birth_year", "Năm sinh", "Năm sinh, để phân biệt hai người trùng tên; có thể để trống nếu không trùng."),
    ORGANIZATION_COLUMN,
    Column("year", "Năm", "Năm của bản đăng ký, ví dụ 2024.", required=True),
    Column(
        "content",
        "Nội dung việc làm theo",
        f"Mỗi dòng một việc làm theo; các dòng cùng người, cùng năm gộp thành một bản đăng ký. Tối đa {CONTENT_MAX_LENGTH} ký tự.",
        required=True,
    ),
    Column(
        "area", "Lĩnh vực", "Một giá trị ở bảng “Lĩnh vực” bên dưới (ghi tên hoặc mã); để trống là lĩnh vực đầu tiên."
    ),
    Column("target", "Chỉ tiêu", f"Chỉ tiêu đo được; có thể để trống. Tối đa {TARGET_MAX_LENGTH} ký tự."),
    Column("due_on", "Thời hạn", "Ngày hoàn thành, dạng ngày/tháng/năm, trong năm của bản đăng ký; có thể để trống."),
    Column("state", "Trạng thái", "Nháp hoặc Đã nộp; để trống là Đã nộp."),
    Column("submitted_on", "Ngày nộp", "Ngày nộp, dạng ngày/tháng/năm; để trống là hôm nay. Bỏ trống với bản nháp."),
    ORGANIZATION_ID_COLUMN,
]
HEADERS = {column.key: column.header for column in PLEDGE_COLUMNS}
AREAS = choice_map(PledgeArea.choices)
IMPORT_STATES = (PledgeState.DRAFT, PledgeState.SUBMITTED)
STATES = choice_map([(state.value, state.label) for state in IMPORT_STATES])


@dataclass
class ItemRow:
    number: int
    full_name: str
    birth_year: int | None
    organization: Organization
    year: int
    content: str
    area: str
    target: str
    due_on: datetime.date | None
    state: str | None  # None: not written on this row
    submitted_on: datetime.date | None


@dataclass
class PledgeGroup:
    person: Person
    year: int
    rows: list[ItemRow] = field(default_factory=list)
    state: str = PledgeState.SUBMITTED
    submitted_on: datetime.date | None = None
    on_time: bool | None = None


def _read_rows(sheet: Sheet, scope: OrganizationsInScope, errors: list[RowError]) -> list[ItemRow]:
    columns = columns_by_key(PLEDGE_COLUMNS)
    this_year = timezone.localdate().year
    today = timezone.localdate()
    items = []
    for row in sheet.rows:
        reader = RowReader(sheet, row, errors, columns)
        full_name = reader.text("full_name", required=True, max_length=120)
        birth_year = reader.integer("birth_year", minimum=1900, maximum=this_year)
        organization = scope.resolve(reader)
        # The bounds of committees.years, with a message that names them.
        year = reader.integer("year", required=True, minimum=YEAR_MIN, maximum=latest_openable_year())
        content = reader.text("content", required=True, max_length=CONTENT_MAX_LENGTH, multiline=True)
        area = reader.choice("area", AREAS, default=PledgeArea.ETHICS)
        target = reader.text("target", max_length=TARGET_MAX_LENGTH)
        due_on = reader.date("due_on")
        state = reader.choice("state", STATES)
        submitted_on = reader.date("submitted_on")
        if isinstance(year, int) and isinstance(due_on, datetime.date) and due_on.year != year:
            reader.error(
                "due_on",
                _("Thời hạn %(date)s phải nằm trong năm %(year)s.")
                % {"date": due_on.strftime("%d/%m/%Y"), "year": year},
            )
        if isinstance(submitted_on, datetime.date):
            if state == PledgeState.DRAFT:
                reader.error(
                    "submitted_on", _("Bản nháp chưa nộp: hãy để trống ngày nộp hoặc ghi trạng thái “Đã nộp”.")
                )
            elif submitted_on > today:
                reader.error(
                    "submitted_on",
                    _("Ngày nộp %(date)s ở sau hôm nay.") % {"date": submitted_on.strftime("%d/%m/%Y")},
                )
        if not reader.ok:
            continue
        items.append(
            ItemRow(
                number=row.number,
                full_name=full_name,
                birth_year=birth_year,
                organization=organization,
                year=year,
                content=content,
                area=area,
                target=target,
                due_on=due_on,
                state=state,
                submitted_on=submitted_on,
            )
        )
    return items


def _people_index(organization_ids: set[int]) -> dict[tuple[int, str], list[Person]]:
    index: dict[tuple[int, str], list[Person]] = defaultdict(list)
    people = Person.objects.filter(organization_id__in=organization_ids).select_related("organization")
    for person in people:
        index[(person.organization_id, person.search_key)].append(person)
    return index


def _match_person(item: ItemRow, index, errors: list[RowError]) -> Person | None:
    candidates = index.get((item.organization.pk, search_key(item.full_name)), [])
    if item.birth_year is not None:
        candidates = [person for person in candidates if person.birth_year == item.birth_year]
    if len(candidates) == 1:
        return candidates[0]
    born = _(" (năm sinh %(year)s)") % {"year": item.birth_year} if item.birth_year else ""
    if not candidates:
        message = _("Không có “%(name)s”%(born)s trong danh sách của “%(org)s”: hãy nhập danh sách cá nhân trước.")
    elif item.birth_year is None:
        message = _("Có %(n)s người tên “%(name)s” trong “%(org)s”: hãy ghi năm sinh.")
    else:
        message = _("Có %(n)s người tên “%(name)s”%(born)s trong “%(org)s”: hãy nhập bản đăng ký này trên phần mềm.")
    errors.append(
        RowError(
            row=item.number,
            column=HEADERS["full_name"],
            message=message
            % {"name": item.full_name, "born": born, "org": item.organization.name, "n": len(candidates)},
        )
    )
    return None


def _existing_pledges(organization_ids: set[int], years: set[int]) -> set[tuple[int, int]]:
    return set(
        Pledge.objects.filter(
            kind=Pledge.Kind.PERSONAL, person__organization_id__in=organization_ids, year__in=years
        ).values_list("person_id", "year")
    )


def validate_pledges(sheet: Sheet, scope: OrganizationsInScope) -> tuple[list[PledgeGroup], int]:
    """Every row checked; returns the new pledges and the number of rows skipped (already there).

    Raises ImportRejected listing all the errors.
    """
    errors: list[RowError] = []
    items = _read_rows(sheet, scope, errors)
    organization_ids = {item.organization.pk for item in items}
    index = _people_index(organization_ids)
    existing = _existing_pledges(organization_ids, {item.year for item in items})
    groups: dict[tuple[int, int], PledgeGroup] = {}
    skipped = 0
    for item in items:
        person = _match_person(item, index, errors)
        if person is None:
            continue
        if (person.pk, item.year) in existing:
            skipped += 1
            continue
        group = groups.get((person.pk, item.year))
        if group is None:
            group = groups[(person.pk, item.year)] = PledgeGroup(person=person, year=item.year)
        group.rows.append(item)

    writable: dict[tuple[int, int], str | None] = {}
    deadlines: dict[tuple[int, int], datetime.date] = {}
    today = timezone.localdate()
    for group in groups.values():
        first = group.rows[0]
        person, year = group.person, group.year
        key = (person.organization_id, year)
        if key not in writable:
            try:
                ensure_writable(organization=person.organization, year=year)
                writable[key] = None
            except ValidationError as error:
                writable[key] = " ".join(error.messages)
        problem = writable[key]
        if problem is None:
            try:
                ensure_person_in_year(person=person, year=year)
            except ValidationError as error:
                problem = " ".join(error.messages)
        if problem:
            errors.append(RowError(row=first.number, column=HEADERS["year"], message=problem))
            continue
        _settle_state(group, errors)
        if group.state == PledgeState.SUBMITTED:
            group.submitted_on = group.submitted_on or today
            if key not in deadlines:
                deadlines[key] = pledge_deadline(organization=person.organization, year=year)
            group.on_time = group.submitted_on <= deadlines[key]
    if errors:
        errors.sort(key=lambda error: error.row)
        raise ImportRejected(errors)
    return list(groups.values()), skipped


def _settle_state(group: PledgeGroup, errors: list[RowError]) -> None:
    """One state and one date per pledge: the rows that give them must agree."""
    state_row = next((row for row in group.rows if row.state is not None), None)
    group.state = state_row.state if state_row else PledgeState.SUBMITTED
    date_row = next((row for row in group.rows if row.submitted_on is not None), None)
    group.submitted_on = date_row.submitted_on if date_row else None
    for row in group.rows:
        if row.state is not None and row.state != group.state:
            errors.append(
                RowError(
                    row=row.number,
                    column=HEADERS["state"],
                    message=_("Khác trạng thái ở dòng %(row)s của cùng bản đăng ký.") % {"row": state_row.number},
                )
            )
        if row.submitted_on is not None and row.submitted_on != group.submitted_on:
            errors.append(
                RowError(
                    row=row.number,
                    column=HEADERS["submitted_on"],
                    message=_("Khác ngày nộp ở dòng %(row)s của cùng bản đăng ký.") % {"row": date_row.number},
                )
            )
    if group.state == PledgeState.DRAFT and date_row is not None and date_row.state is None:
        errors.append(
            RowError(
                row=date_row.number,
                column=HEADERS["submitted_on"],
                message=_("Bản nháp chưa nộp: hãy để trống ngày nộp hoặc ghi trạng thái “Đã nộp”."),
            )
        )


def pledges_import(*, organization: Organization, upload, by=None) -> ImportResult:
    """Import the pledges of an uploaded .xlsx into `organization`'s subtree; all or nothing."""
    if organization.is_dissolved:
        raise ValidationError(_("“%(name)s” đã giải thể: không thể nhập dữ liệu.") % {"name": organization.name})
    sheet = read_sheet(upload, PLEDGE_COLUMNS, one_of=ORGANIZATION_COLUMNS)
    scope = OrganizationsInScope(organization)
    groups, skipped = validate_pledges(sheet, scope)
    return write_pledges(groups, skipped=skipped, total=len(sheet.rows), by=by)


@transaction.atomic
def write_pledges(groups: list[PledgeGroup], *, skipped: int, total: int, by=None) -> ImportResult:
    organization_ids = {group.person.organization_id for group in groups}
    lock_organizations(organization_ids)
    # Pledges written since validation (another upload, a secretary) are skipped as well.
    existing = _existing_pledges(organization_ids, {group.year for group in groups})
    fresh = []
    for group in groups:
        if (group.person.pk, group.year) in existing:
            skipped += len(group.rows)
        else:
            fresh.append(group)
    user = by if getattr(by, "pk", None) else None
    pledges = [
        Pledge(
            kind=Pledge.Kind.PERSONAL,
            person=group.person,
            organization_id=group.person.organization_id,
            year=group.year,
            form=group.person.pledge_form,
            state=group.state,
            submitted_on=group.submitted_on,
            on_time=group.on_time,
            created_by=user,
        )
        for group in fresh
    ]
    pledges = bulk_create_with_history(pledges, Pledge, batch_size=BATCH_SIZE, default_user=user)
    items = [
        PledgeItem(
            pledge=pledge,
            position=position,
            content=row.content,
            area=row.area,
            target=row.target,
            due_on=row.due_on,
        )
        for pledge, group in zip(pledges, fresh, strict=True)
        for position, row in enumerate(group.rows, start=1)
    ]
    bulk_create_with_history(items, PledgeItem, batch_size=BATCH_SIZE, default_user=user)
    records_changed.send(
        sender=Pledge, organization_ids={p.organization_id for p in pledges}, years=sorted({p.year for p in pledges})
    )
    return ImportResult(added=len(pledges), skipped=skipped, rows=total, items=len(items))


def pledges_template(organization: Organization) -> bytes:
    """The .xlsx template of the pledges list, with its guide sheet."""
    scope = OrganizationsInScope(organization)
    return build_template(
        title=_("Hướng dẫn ghi danh sách bản đăng ký làm theo – %(name)s") % {"name": organization.name},
        columns=PLEDGE_COLUMNS,
        sections=[
            (_("Lĩnh vực"), [_("Tên"), _("Mã")], [(str(label), code) for code, label in PledgeArea.choices]),
            (_("Trạng thái"), [_("Tên"), _("Mã")], [(str(state.label), state.value) for state in IMPORT_STATES]),
            (_("Tổ chức trong phạm vi"), [_("Tên tổ chức"), _("Mã tổ chức")], organization_rows(scope)),
        ],
        widths={"full_name": 28, "organization": 40, "content": 60, "area": 30, "target": 30},
    )
