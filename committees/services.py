"""Services that write the tree, the tree of each year, people and roles.

Each service runs in one transaction, takes keyword arguments and refuses bad requests with
a ValidationError whose message a user can read; a refused request changes nothing.
"""

import datetime
import logging
from collections.abc import Callable

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F, Q, Value
from django.db.models.functions import Greatest
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from committees.models import (
    Actor,
    Membership,
    Organization,
    OrganizationEvent,
    OrganizationYear,
    Person,
    ReportingYear,
    RoleAssignment,
    RoleEvent,
    YearOpening,
    ancestor_paths,
    subtree_q,
)
from committees.signals import records_changed, subtree_moved
from committees.text import normalize_text
from committees.year_tree import FIRST_STEP, SyncResult, increment_step, open_years, year_tree_sync
from committees.years import ensure_year_in_range

logger = logging.getLogger(__name__)
STEP = Organization.steplen


# --- the tree of a year -------------------------------------------------------------------


@transaction.atomic
def reporting_year_open(*, year: int, by: Actor = None) -> ReportingYear:
    """Open a year for the whole tree, at once: record the live tree as that year's tree.

    Idempotent. For the pages, where a clerk opens a year for its own subtree in a worker,
    see `year_opening_request`.
    """
    reporting_year, _created = ReportingYear.objects.get_or_create(year=year)
    YearOpening.objects.get_or_create(
        year=year,
        organization=None,
        defaults={"state": YearOpening.State.DONE, "requested_by": by, "finished_at": timezone.now()},
    )
    year_tree_sync(year)
    return reporting_year


@transaction.atomic
def reporting_year_close(*, year: int) -> ReportingYear:
    """Freeze a year's tree: later reorganizations no longer touch it."""
    reporting_year = ReportingYear.objects.select_for_update().get(year=year)
    reporting_year.is_closed = True
    reporting_year.closed_at = timezone.now()
    reporting_year.save(update_fields=["is_closed", "closed_at"])
    return reporting_year


def _covering_opening(year: int, organization: Organization) -> YearOpening | None:
    """The opening of `year` that already covers the organization: its own, a superior's or the whole tree's."""
    ancestors = Q(organization__isnull=True) | Q(organization__path__in=ancestor_paths(organization.path))
    return YearOpening.objects.filter(ancestors, year=year).select_related("organization").first()


@transaction.atomic
def year_opening_request(*, year: int, organization: Organization, by: Actor = None) -> YearOpening:
    """Ask for `year` to be opened for the organization's subtree; a worker copies the tree.

    Refuses a year out of range, a closed year, a dissolved organization and a year already
    open for the organization (by itself or a superior).
    """
    ensure_year_in_range(year)
    organization = Organization.objects.get(pk=organization.pk)
    _refuse_dissolved(organization, _("“%(name)s” đã giải thể: không thể mở năm công tác."))
    if ReportingYear.objects.filter(year=year, is_closed=True).exists():
        raise ValidationError(_("Năm %(year)s đã khóa sổ: không thể mở lại để thêm tổ chức.") % {"year": year})
    covering = _covering_opening(year, organization)
    if covering is not None:
        whose = covering.organization.name if covering.organization else _("toàn bộ cây tổ chức")
        raise ValidationError(
            _("Năm %(year)s đã được mở cho “%(name)s” (lượt mở của %(whose)s).")
            % {"year": year, "name": organization.name, "whose": whose}
        )
    ReportingYear.objects.get_or_create(year=year)
    opening = YearOpening.objects.create(year=year, organization=organization, requested_by=by)
    transaction.on_commit(lambda: _enqueue_opening(opening.pk))
    return opening


def _enqueue_opening(opening_id: int) -> None:
    from committees.tasks import year_opening_run_task

    try:
        year_opening_run_task.delay(opening_id)
    except Exception:  # noqa: BLE001 - the broker is down: the row stays queued, the page says so
        logger.warning("Could not queue the opening of a year (id %s); it stays queued", opening_id)


def year_opening_run(*, opening_id: int) -> YearOpening | None:
    """Carry out a queued opening (the worker's side). Claims it first: a second delivery does nothing."""
    claimed = YearOpening.objects.filter(
        pk=opening_id, state__in=[YearOpening.State.QUEUED, YearOpening.State.FAILED]
    ).update(state=YearOpening.State.RUNNING, started_at=timezone.now(), error="")
    if not claimed:
        return None
    opening = YearOpening.objects.get(pk=opening_id)
    try:
        result = year_tree_sync(opening.year)
    except Exception as error:
        opening.state, opening.error = YearOpening.State.FAILED, str(error)[:500]
        opening.finished_at = timezone.now()
        opening.save(update_fields=["state", "error", "finished_at"])
        raise
    opening.state, opening.rows_added, opening.finished_at = YearOpening.State.DONE, result.added, timezone.now()
    opening.save(update_fields=["state", "rows_added", "finished_at"])
    return opening


# An opening still queued after this long was never taken by a worker (none running, or the
# broker lost it): the page offers to send it again.
OPENING_STALE_AFTER = datetime.timedelta(minutes=2)


def year_opening_can_retry(*, opening: YearOpening) -> bool:
    if opening.state == YearOpening.State.FAILED:
        return True
    return opening.state == YearOpening.State.QUEUED and timezone.now() - opening.created_at > OPENING_STALE_AFTER


@transaction.atomic
def year_opening_retry(*, opening: YearOpening) -> YearOpening:
    opening = YearOpening.objects.select_for_update().get(pk=opening.pk)
    if not year_opening_can_retry(opening=opening):
        raise ValidationError(_("Yêu cầu mở năm này đang được xử lý hoặc đã xong."))
    opening.state, opening.error, opening.created_at = YearOpening.State.QUEUED, "", timezone.now()
    opening.save(update_fields=["state", "error", "created_at"])
    transaction.on_commit(lambda: _enqueue_opening(opening.pk))
    return opening


def year_trees_repair() -> dict[int, SyncResult]:
    """Repair the tree of every open year from the live tree and its dated history."""
    return {year: year_tree_sync(year) for year in open_years()}


def _open_years_from(year: int) -> list[int]:
    return list(
        ReportingYear.objects.filter(year__gte=year, is_closed=False).order_by("year").values_list("year", flat=True)
    )


def _refuse_closed_year(on: datetime.date) -> None:
    if ReportingYear.objects.filter(year=on.year, is_closed=True).exists():
        raise ValidationError(
            _("Năm %(year)s đã khóa sổ: không thể ghi nhận thay đổi có hiệu lực trong năm đó.") % {"year": on.year}
        )


def _next_child_path(parent_row: OrganizationYear) -> str:
    last = (
        OrganizationYear.objects.filter(subtree_q(parent_row.path), year=parent_row.year, depth=parent_row.depth + 1)
        .order_by("-path")
        .values_list("path", flat=True)
        .first()
    )
    if last is None:
        return parent_row.path + FIRST_STEP
    return parent_row.path + increment_step(last[-STEP:])


def _year_row(organization: Organization, year: int) -> OrganizationYear | None:
    return OrganizationYear.objects.filter(organization=organization, year=year).first()


def _year_add(organization: Organization, parent: Organization | None, year: int) -> None:
    if parent is None:
        path = organization.path
    else:
        parent_row = _year_row(parent, year)
        if parent_row is None:
            return
        path = _next_child_path(parent_row)
    OrganizationYear.objects.create(
        organization=organization, year=year, parent=parent, path=path, depth=len(path) // STEP
    )


def _year_move(organization: Organization, new_parent: Organization, year: int) -> None:
    row = _year_row(organization, year)
    parent_row = _year_row(new_parent, year)
    if row is None:
        return
    if parent_row is None:
        raise ValidationError(
            _("“%(parent)s” không có trong cây tổ chức năm %(year)s.") % {"parent": new_parent, "year": year}
        )
    old_prefix = row.path
    new_prefix = _next_child_path(parent_row)
    rows = list(OrganizationYear.objects.filter(subtree_q(old_prefix), year=year))
    for item in rows:
        item.path = new_prefix + item.path[len(old_prefix) :]
        item.depth = len(item.path) // STEP
        if item.organization_id == organization.pk:
            item.parent = new_parent
    OrganizationYear.objects.bulk_update(rows, ["path", "depth", "parent"], batch_size=1000)
    subtree_moved.send(
        sender=OrganizationYear, year=year, organization_id=organization.pk, old_path=old_prefix, new_path=new_prefix
    )


# --- reorganizations --------------------------------------------------------------------


def _refuse_dissolved(organization: Organization, message: str) -> None:
    if organization.is_dissolved:
        raise ValidationError(message % {"name": organization.name})


def organization_create_check(*, parent: Organization | None, founded_on: datetime.date) -> None:
    """What refuses a new unit before anything is written (the admin's form asks it too)."""
    if parent is not None:
        parent = Organization.objects.get(pk=parent.pk)  # as it stands now, not as the caller read it
        _refuse_dissolved(parent, _("“%(name)s” đã giải thể: không thể thành lập tổ chức trực thuộc."))
    # A closed year's tree is frozen: a unit founded in it could never be counted there.
    _refuse_closed_year(founded_on)


@transaction.atomic
def organization_create(
    *,
    parent: Organization | None,
    name: str,
    kind: str,
    short_name: str = "",
    issuer_code: str = "",
    place_name: str = "",
    founded_on: datetime.date | None = None,
    by: Actor = None,
) -> Organization:
    name = normalize_text(name)
    if not name:
        raise ValidationError(_("Hãy nhập tên tổ chức."))
    # The founding date places the unit in the trees of its years (committees.year_tree).
    founded_on = founded_on or timezone.localdate()
    organization_create_check(parent=parent, founded_on=founded_on)
    fields = {
        "name": name,
        "kind": kind,
        "short_name": short_name,
        "issuer_code": normalize_text(issuer_code),
        "place_name": normalize_text(place_name),
        "founded_on": founded_on,
    }
    if parent is None:
        organization = Organization.objects.add_root(create_kwargs=fields)
    else:
        parent = Organization.objects.get(pk=parent.pk)
        organization = Organization.objects.add_child(parent, create_kwargs=fields)
    for year in _open_years_from(founded_on.year):
        _year_add(organization, parent, year)
    OrganizationEvent.objects.create(
        kind=OrganizationEvent.Kind.CREATE,
        organization=organization,
        effective_on=founded_on,
        to_organization=parent,
        by=by,
    )
    return organization


# What a rename may change, with the label its change is recorded under (the name has none).
RENAMED_FIELDS = {
    "name": "",
    "short_name": gettext_lazy("tên viết tắt"),
    "issuer_code": gettext_lazy("ký hiệu"),
    "place_name": gettext_lazy("địa danh"),
}


@transaction.atomic
def organization_rename(
    *,
    organization: Organization,
    name: str,
    short_name: str = "",
    issuer_code: str | None = None,
    place_name: str | None = None,
    by: Actor = None,
) -> Organization:
    """Change the names an organization goes by (and its issuer code and place name, when given).

    Names are live: every page and document produced from now on uses the new ones. The change
    is recorded as an event of today, its details reading "old → new".
    """
    organization = Organization.objects.select_for_update().get(pk=organization.pk)
    _refuse_dissolved(organization, _("“%(name)s” đã giải thể: không thể đổi tên."))
    wanted = {"name": name, "short_name": short_name, "issuer_code": issuer_code, "place_name": place_name}
    new = {
        field: normalize_text(getattr(organization, field) if value is None else value)
        for field, value in wanted.items()
    }
    if not new["name"]:
        raise ValidationError({"name": _("Hãy nhập tên tổ chức.")})
    for field, value in new.items():
        limit = Organization._meta.get_field(field).max_length
        if len(value) > limit:
            raise ValidationError({field: _("Tối đa %(limit)s ký tự.") % {"limit": limit}})
    changes = []
    for field, label in RENAMED_FIELDS.items():
        old_value = getattr(organization, field)
        if new[field] != old_value:
            change = f"{old_value or '–'} → {new[field] or '–'}"
            changes.append(f"{label}: {change}" if label else change)
    if not changes:
        raise ValidationError(_("Không có thay đổi nào: tên và các thông tin vẫn như cũ."))
    for field, value in new.items():
        setattr(organization, field, value)
    organization.save(update_fields=[*new, "search_key"])
    details_limit = OrganizationEvent._meta.get_field("details").max_length
    OrganizationEvent.objects.create(
        kind=OrganizationEvent.Kind.RENAME,
        organization=organization,
        effective_on=timezone.localdate(),
        details="; ".join(changes)[:details_limit],
        by=by,
    )
    return organization


def _check_move(organization: Organization, new_parent: Organization) -> None:
    _refuse_dissolved(organization, _("“%(name)s” đã giải thể: không thể chuyển."))
    _refuse_dissolved(new_parent, _("“%(name)s” đã giải thể: không thể nhận tổ chức trực thuộc."))
    if new_parent.pk == organization.pk or new_parent.path.startswith(organization.path):
        raise ValidationError(_("Không thể chuyển một tổ chức vào chính nó hoặc vào tổ chức trực thuộc nó."))


def _move(organization: Organization, new_parent: Organization, on: datetime.date, by) -> None:
    old_parent = Organization.objects.get_parent(organization)
    Organization.objects.move(organization, new_parent, pos="last-child")
    organization.refresh_from_db()
    for year in _open_years_from(on.year):
        _year_move(organization, new_parent, year)
    OrganizationEvent.objects.create(
        kind=OrganizationEvent.Kind.MOVE,
        organization=organization,
        effective_on=on,
        from_parent=old_parent,
        to_organization=new_parent,
        by=by,
    )


@transaction.atomic
def organization_move(
    *, organization: Organization, new_parent: Organization, on: datetime.date, by: Actor = None
) -> Organization:
    """Move a subtree under another parent from `on`; years before `on` keep the old tree."""
    organization = Organization.objects.select_for_update().get(pk=organization.pk)
    new_parent = Organization.objects.get(pk=new_parent.pk)
    _check_move(organization, new_parent)
    if Organization.objects.get_parent(organization) == new_parent:
        raise ValidationError(
            _("“%(name)s” đã trực thuộc “%(parent)s”.") % {"name": organization.name, "parent": new_parent.name}
        )
    _refuse_closed_year(on)
    _move(organization, new_parent, on, by)
    return organization


def _close_membership(person: Person, on: datetime.date) -> None:
    # A stint that began on or after `on` ends on its first day, never before it starts
    # (the database refuses that, and the whole request would fail with a 500).
    closed = Membership.objects.filter(person=person, end_on__isnull=True)
    records_changed.send(
        sender=Membership, organization_ids=set(closed.values_list("organization_id", flat=True)), years=None
    )
    closed.update(end_on=Greatest(F("start_on"), Value(on)))


def _open_membership_start(person: Person) -> datetime.date | None:
    return (
        Membership.objects.filter(person=person, end_on__isnull=True)
        .order_by("-start_on")
        .values_list("start_on", flat=True)
        .first()
    )


def _move_people(source: Organization, target: Organization, on: datetime.date) -> int:
    people = list(Person.objects.filter(organization=source, left_on__isnull=True))
    day_before = on - datetime.timedelta(days=1)
    for person in people:
        _close_membership(person, day_before)
        Membership.objects.create(person=person, organization=target, start_on=on)
    Person.objects.filter(pk__in=[p.pk for p in people]).update(organization=target)
    return len(people)


@transaction.atomic
def organization_merge(
    *, source: Organization, target: Organization, on: datetime.date, by: Actor = None
) -> Organization:
    """Merge `source` into `target` from `on`: its units, people and open-year records move;
    records of closed years keep pointing at `source`, which is archived."""
    source = Organization.objects.select_for_update().get(pk=source.pk)
    target = Organization.objects.get(pk=target.pk)
    if source.pk == target.pk:
        raise ValidationError(_("Không thể sáp nhập một tổ chức vào chính nó."))
    _refuse_dissolved(source, _("“%(name)s” đã giải thể hoặc đã sáp nhập trước đó."))
    _refuse_dissolved(target, _("Không thể sáp nhập vào “%(name)s” vì tổ chức này đã giải thể."))
    if target.path.startswith(source.path):
        raise ValidationError(_("Không thể sáp nhập một tổ chức vào tổ chức trực thuộc nó."))
    _refuse_closed_year(on)
    for child in Organization.objects.get_children(source).filter(dissolved_on__isnull=True):
        _move(child, target, on, by)
    _move_people(source, target, on)
    _move_open_records(source, target, on)
    _archive(source, on, merged_into=target)
    OrganizationEvent.objects.create(
        kind=OrganizationEvent.Kind.MERGE, organization=source, effective_on=on, to_organization=target, by=by
    )
    return target


# What else follows a merge, step by step. The records live in the apps above this one
# (pledges): each registers its step when it loads (`AppConfig.ready`), so that this app
# never imports them. A step is called as step(source=, target=, years=) with the open years
# from the merge's date, inside the merge's transaction.
MERGE_STEPS: list[Callable[..., None]] = []


def merge_step_register(step: Callable[..., None]) -> None:
    if step not in MERGE_STEPS:
        MERGE_STEPS.append(step)


def _move_open_records(source: Organization, target: Organization, on: datetime.date) -> None:
    years = _open_years_from(on.year)
    for step in MERGE_STEPS:
        step(source=source, target=target, years=years)


def _archive(organization: Organization, on: datetime.date, *, merged_into: Organization | None = None) -> None:
    organization.dissolved_on = on
    organization.merged_into = merged_into
    organization.save(update_fields=["dissolved_on", "merged_into"])
    # It existed during the year of `on`; it has no place in the trees of later years.
    OrganizationYear.objects.filter(organization=organization, year__in=_open_years_from(on.year + 1)).delete()


@transaction.atomic
def organization_dissolve(*, organization: Organization, on: datetime.date, by: Actor = None) -> Organization:
    """Archive an organization from `on`: history kept, no new records."""
    organization = Organization.objects.select_for_update().get(pk=organization.pk)
    _refuse_dissolved(organization, _("“%(name)s” đã giải thể trước đó."))
    if Organization.objects.get_children(organization).filter(dissolved_on__isnull=True).exists():
        raise ValidationError(
            _("“%(name)s” còn tổ chức trực thuộc: hãy chuyển hoặc giải thể các tổ chức đó trước.")
            % {"name": organization.name}
        )
    if Person.objects.filter(organization=organization, left_on__isnull=True).exists():
        raise ValidationError(
            _("“%(name)s” còn cá nhân đang sinh hoạt: hãy chuyển họ sang tổ chức khác hoặc dùng sáp nhập.")
            % {"name": organization.name}
        )
    _refuse_closed_year(on)
    _archive(organization, on)
    OrganizationEvent.objects.create(
        kind=OrganizationEvent.Kind.DISSOLVE, organization=organization, effective_on=on, by=by
    )
    return organization


# --- people ----------------------------------------------------------------------------


PERSON_FIELDS = ("full_name", "gender", "birth_year", "position", "category", "exemption", "exemption_reason")


def _refuse_inactive_target(organization: Organization) -> None:
    if organization.is_dissolved:
        raise ValidationError(_("“%(name)s” đã giải thể: không thể thêm cá nhân.") % {"name": organization.name})


@transaction.atomic
def person_create(
    *, organization: Organization, joined_on: datetime.date | None = None, by: Actor = None, **fields
) -> Person:
    _refuse_inactive_target(organization)
    person = Person(
        organization=organization, joined_on=joined_on, **{k: fields[k] for k in fields if k in PERSON_FIELDS}
    )
    person.full_clean()
    person.save()
    Membership.objects.create(person=person, organization=organization, start_on=joined_on or timezone.localdate())
    return person


@transaction.atomic
def person_update(*, person: Person, by: Actor = None, **fields) -> Person:
    for name in PERSON_FIELDS:
        if name in fields:
            setattr(person, name, fields[name])
    if "left_on" in fields:
        person.left_on = fields["left_on"]
    person.full_clean()
    if person.left_on:
        start = _open_membership_start(person)
        if start is not None and person.left_on < start:
            raise ValidationError(
                {
                    "left_on": _(
                        "Ngày rời tổ chức không thể trước ngày bắt đầu sinh hoạt tại tổ chức hiện tại (%(day)s)."
                    )
                    % {"day": start.strftime("%d/%m/%Y")}
                }
            )
    person.save()
    if person.left_on:
        closed = Membership.objects.filter(person=person, end_on__isnull=True)
        records_changed.send(
            sender=Membership, organization_ids=set(closed.values_list("organization_id", flat=True)), years=None
        )
        closed.update(end_on=person.left_on)
    return person


@transaction.atomic
def person_transfer(*, person: Person, organization: Organization, on: datetime.date, by: Actor = None) -> Person:
    """Move a person to another organization from `on`; earlier years keep the old one."""
    _refuse_inactive_target(organization)
    if organization.pk == person.organization_id:
        raise ValidationError(_("Cá nhân này đã sinh hoạt tại tổ chức đó."))
    if person.left_on:
        raise ValidationError(_("Cá nhân này đã rời tổ chức."))
    start = _open_membership_start(person)
    if start is not None and on < start:
        raise ValidationError(
            _("Ngày chuyển không thể trước ngày bắt đầu sinh hoạt tại tổ chức hiện tại (%(day)s).")
            % {"day": start.strftime("%d/%m/%Y")}
        )
    _close_membership(person, on - datetime.timedelta(days=1))
    Membership.objects.create(person=person, organization=organization, start_on=on)
    person.organization = organization
    person.save(update_fields=["organization", "updated_at"])
    return person


# --- roles -----------------------------------------------------------------------------


@transaction.atomic
def role_assign(*, user, organization: Organization, role: str, by: Actor = None) -> RoleAssignment:
    """Grant a role without the delegation rules (commands, benchmarks, tests); the pages and
    their clerks go through committees.accounts.role_grant. Recorded like any grant."""
    assignment = RoleAssignment(user=user, organization=organization, role=role)
    assignment.full_clean()
    assignment.save()
    RoleEvent.objects.create(kind=RoleEvent.Kind.GRANTED, actor=by, user=user, organization=organization, role=role)
    return assignment
