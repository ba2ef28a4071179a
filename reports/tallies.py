"""The tally store: each organization's counts per year, its own and summed over its subtree.

Figures are read from here (reports/statistics.py), so a dashboard of a bloc with thousands
of cells reads a handful of rows instead of counting every record below it.

How it stays exact:
- Every change to a counted record marks its organization and year (`mark`, a `TallyMark`
  row written in the same transaction as the change: reports/signals.py for saves and
  deletes, explicit calls for bulk writes). A change that commits is therefore marked.
- After the change commits, a worker applies the marks (`apply_pending`, from the task
  `tally_apply_task`, debounced; and a periodic sweep for anything a lost task left): it
  recounts the marked organizations from their records (`count_own`) and adds the
  difference to the sums of their ancestors in that year's tree. Recounting is idempotent,
  so a mark seen twice does no harm. Reads never write: a reader takes the stored figures as
  they are, with the time they were counted (`year_states`). Only in-process mode (no broker:
  development and tests, `applies_on_read`) does the reader apply pending marks itself.
- A reorganization updates the store incrementally: a moved subtree's sums leave its old
  ancestors and join its new ones (`subtree_moved`), a unit added to a year's tree gets its
  row and is recounted (`node_added`), a unit removed takes its sums with it
  (`node_removed`); a plan's required meetings mark the cells below it. Only a change of
  counting (an organization's kind, a repaired year tree, a restore) makes a year stale
  (`invalidate`): a worker rebuilds it whole while readers keep the last figures.
- Members are counted at the year's reference date: when the day changes, the
  organizations whose memberships start or end in between are recounted.

Concurrency: writers of the store (rebuild and recount) take the `TallyYear` row lock of the
year, so they run one at a time; they take marks with SKIP LOCKED, so a mark held by a
transaction still running is left for the next reader, which then sees its records.
"""

import datetime
import json
import logging
from collections.abc import Iterable
from dataclasses import dataclass, replace

from celery import current_app
from django.core.cache import cache
from django.db import transaction
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone

from committees.models import (
    CELL_KINDS,
    Membership,
    Organization,
    OrganizationYear,
    ancestor_paths,
    subtree_q,
    superior_paths,
)
from committees.year_tree import open_years, year_tree_sync
from pledges.models import Plan
from reports.counting import DEFAULT_REQUIRED_MEETINGS, Tallies, add_cell_units, count_own, reference_date
from reports.models import Tally, TallyMark, TallyYear

logger = logging.getLogger(__name__)
STEP = Organization.steplen
BATCH_SIZE = 500
# Changes arriving within this many seconds are applied by one task.
APPLY_DEBOUNCE_SECONDS = 2


# --- what writers call ---------------------------------------------------------------------


def mark(pairs: Iterable[tuple[int | None, int | None]]) -> None:
    """Mark (organization id, year) pairs whose records changed. One query; the marks are
    applied by a worker once the change commits."""
    kept = sorted({(org_id, year) for org_id, year in pairs if org_id is not None and year is not None})
    if not kept:
        return
    now = timezone.now()
    TallyMark.objects.bulk_create(
        [TallyMark(organization_id=org_id, year=year, marked_at=now) for org_id, year in kept],
        update_conflicts=True,
        unique_fields=["organization_id", "year"],
        update_fields=["marked_at"],
    )
    schedule({year for _, year in kept})


def mark_organizations(organization_ids: Iterable[int], years: Iterable[int] | None) -> None:
    """Mark these organizations in these years (every stored year if None)."""
    years = list(TallyYear.objects.values_list("year", flat=True)) if years is None else list(years)
    mark((org_id, year) for org_id in organization_ids for year in years)


def mark_memberships(memberships: Iterable[Membership]) -> None:
    """Mark the organizations of these memberships in every stored year they overlap."""
    memberships = list(memberships)
    if not memberships:
        return
    years = list(TallyYear.objects.values_list("year", flat=True))
    mark(
        (membership.organization_id, year)
        for membership in memberships
        for year in years
        if _overlaps(membership, year)
    )


def _overlaps(membership: Membership, year: int) -> bool:
    start_on, end_on = membership.start_on, membership.end_on
    return (start_on is None or start_on.year <= year) and (end_on is None or end_on.year >= year)


def invalidate(years: Iterable[int] | None = None) -> None:
    """How these years (all years if None) are counted changed: a worker rebuilds them, and
    readers keep the last figures meanwhile."""
    rows = TallyYear.objects.filter(built=True)
    if years is not None:
        rows = rows.filter(year__in=list(years))
    stale = list(rows.values_list("year", flat=True))
    rows.update(built=False)
    schedule(stale)


def mark_cells_under(organization_id: int, year: int) -> None:
    """Mark the cells of an organization's subtree in a year (their required meetings changed)."""
    root = OrganizationYear.objects.filter(organization_id=organization_id, year=year).values_list("path", flat=True)
    path = root.first()
    if path is None:
        return
    cells = OrganizationYear.objects.filter(subtree_q(path), year=year, organization__kind__in=CELL_KINDS)
    mark((org_id, year) for org_id in cells.values_list("organization_id", flat=True))


# --- who applies the marks -------------------------------------------------------------------


def applies_on_read() -> bool:
    """In-process mode (no broker: tasks run inside the request) lets a reader apply pending
    marks; with workers, a reader never writes."""
    return bool(current_app.conf.task_always_eager)


def schedule(years: Iterable[int]) -> None:
    """Have a worker apply the marks of these years once the current transaction commits.
    Debounced per process: changes arriving together are applied by one task."""
    years = sorted(set(years))
    if years:
        transaction.on_commit(lambda: _enqueue(years))


def _enqueue(years: list[int]) -> None:
    from reports.tasks import tally_apply_task

    for year in years:
        if not cache.add(f"tally-apply-{year}", True, APPLY_DEBOUNCE_SECONDS):
            continue
        try:
            tally_apply_task.apply_async((year,), countdown=APPLY_DEBOUNCE_SECONDS)
        except Exception:  # noqa: BLE001 - no broker: the periodic sweep applies them
            cache.delete(f"tally-apply-{year}")
            logger.warning("Could not queue the recount of %s; the periodic sweep will apply it", year)


def apply_pending(year: int) -> None:
    """What the worker does: rebuild the year if it is stale, else recount what is marked."""
    cache.delete(f"tally-apply-{year}")
    bring_up_to_date([year])


def sweep() -> list[int]:
    """Apply every year with pending work (a lost task, a day change). Returns those years."""
    marked = set(TallyMark.objects.values_list("year", flat=True).distinct())
    stale = set(TallyYear.objects.filter(built=False).values_list("year", flat=True))
    dated = {state.year for state in TallyYear.objects.filter(built=True) if state.as_of != reference_date(state.year)}
    years = sorted(marked | stale | dated)
    for year in years:
        apply_pending(year)
    return years


@dataclass(frozen=True)
class YearState:
    """How fresh a year's stored figures are, for readers to say so."""

    counted_at: datetime.datetime | None
    pending: bool  # changes not yet counted in (marks, or a rebuild under way)
    built: bool


def year_states(years: Iterable[int]) -> dict[int, YearState]:
    years = list(years)
    marked = set(TallyMark.objects.filter(year__in=years).values_list("year", flat=True).distinct())
    states = {state.year: state for state in TallyYear.objects.filter(year__in=years)}
    return {
        year: YearState(
            counted_at=states[year].counted_at if year in states else None,
            pending=year in marked or year not in states or not states[year].built,
            built=year in states and states[year].built,
        )
        for year in years
    }


# --- what readers call -----------------------------------------------------------------------


def bring_up_to_date(years: Iterable[int]) -> None:
    """Apply pending changes of these years, so the stored sums are those of the records."""
    years = sorted(set(years))
    marked = TallyMark.objects.filter(year=OuterRef("year"))
    states = {state.year: state for state in TallyYear.objects.filter(year__in=years).annotate(marked=Exists(marked))}
    for year in years:
        state = states.get(year)
        if state is None or not state.built:
            rebuild(year)
        elif state.marked or state.as_of != reference_date(year):
            _recount_marked(year)


@dataclass(frozen=True)
class Row:
    """What a reader needs of a stored row: where it sits, its subtree's sums, its name."""

    year: int
    organization_id: int
    path: str
    depth: int
    total: str
    name: str
    kind: str
    dissolved: bool
    registrations: str | None = None

    def tallies(self) -> Tallies:
        return load_total(self.total, self.registrations)


ROW_FIELDS = ("year", "organization_id", "path", "depth", "total", "organization__name", "organization__kind")


def _rows(queryset, *, registrations: bool) -> list[Row]:
    # Plain values, not model instances: a bloc has hundreds of children.
    fields = (*ROW_FIELDS, "organization__dissolved_on", *(("total_registrations",) if registrations else ()))
    rows = []
    for values in queryset.values_list(*fields):
        year, organization_id, path, depth, total, name, kind, dissolved_on = values[:8]
        row = Row(year, organization_id, path, depth, total, name, kind, dissolved=dissolved_on is not None)
        rows.append(replace(row, registrations=values[-1]) if registrations else row)
    return rows


def store_total(row: Tally, tallies: Tallies) -> None:
    row.total = tallies.to_json(without=("registrations",))
    row.total_registrations = json.dumps(tallies.registrations, separators=(",", ":"))


def load_total(total: str, registrations: str | None) -> Tallies:
    tallies = Tallies.from_json(total)
    if registrations:
        tallies.registrations.update(json.loads(registrations))
    return tallies


def subtree_rows(
    organization: Organization, years: Iterable[int], children_years: Iterable[int]
) -> tuple[dict[int, Row], list[Row]]:
    """The organization's row of each year where it was in the tree, and its children's rows
    in `children_years`."""
    roots = {
        row.year: row
        for row in _rows(Tally.objects.filter(organization=organization, year__in=list(years)), registrations=True)
    }
    parts = [
        Q(year=year, depth=root.depth + 1) & subtree_q(root.path)
        for year, root in roots.items()
        if year in children_years
    ]
    if not parts:
        return roots, []
    condition = parts[0]
    for part in parts[1:]:
        condition |= part
    return roots, _rows(Tally.objects.filter(condition), registrations=False)


# --- the tree of a year changed: move sums, do not recount ---------------------------------------


@transaction.atomic
def subtree_moved(*, year: int, organization_id: int, old_path: str, new_path: str) -> None:
    """A subtree moved in a year's tree: its sums leave the old ancestors and join the new
    ones, its rows take the new paths, and its cells are recounted (the plan governing their
    required meetings may differ). O(depth + subtree rows), never a rebuild."""
    state = _lock_year(year)
    if not state.built:
        return
    root = Tally.objects.filter(year=year, organization_id=organization_id).first()
    if root is None:
        invalidate([year])
        return
    moved = load_total(root.total, root.total_registrations)
    _add_to(year, superior_paths(old_path), moved, sign=-1)
    rows = list(Tally.objects.filter(subtree_q(old_path), year=year))
    for row in rows:
        row.path = new_path + row.path[len(old_path) :]
        row.depth = len(row.path) // STEP
    Tally.objects.bulk_update(rows, ["path", "depth"], batch_size=BATCH_SIZE)
    _add_to(year, superior_paths(new_path), moved, sign=1)
    cells = Tally.objects.filter(subtree_q(new_path), year=year, organization__kind__in=CELL_KINDS)
    mark((org_id, year) for org_id in cells.values_list("organization_id", flat=True))


def node_added(*, year: int, organization_id: int, path: str) -> None:
    """A unit joined a year's tree: it gets an empty row, then is recounted like any marked one."""
    if not TallyYear.objects.filter(year=year, built=True).exists():
        return
    Tally.objects.get_or_create(
        year=year, organization_id=organization_id, defaults={"path": path, "depth": len(path) // STEP}
    )
    mark([(organization_id, year)])


@transaction.atomic
def node_removed(*, year: int, organization_id: int) -> None:
    """A unit left a year's tree (dissolved, or merged, before the year): its sums leave its
    ancestors with its row. A unit that still has rows below it makes the year stale instead."""
    state = _lock_year(year)
    if not state.built:
        return
    row = Tally.objects.filter(year=year, organization_id=organization_id).first()
    if row is None:
        return
    if Tally.objects.filter(subtree_q(row.path), year=year).exclude(pk=row.pk).exists():
        invalidate([year])
        return
    _add_to(year, superior_paths(row.path), load_total(row.total, row.total_registrations), sign=-1)
    row.delete()


def _add_to(year: int, paths: list[str], tallies: Tallies, *, sign: int) -> None:
    """Add (or subtract) `tallies` to the stored sums of the rows at `paths`."""
    if not paths or not tallies:
        return
    rows = list(Tally.objects.filter(year=year, path__in=paths))
    for row in rows:
        total = load_total(row.total, row.total_registrations)
        total.add(tallies, sign=sign)
        store_total(row, total)
    Tally.objects.bulk_update(rows, ["total", "total_registrations"], batch_size=BATCH_SIZE)


# --- rebuilding a year ---------------------------------------------------------------------------


@transaction.atomic
def rebuild(year: int) -> None:
    """Count every organization of the year's tree from its records and sum up the tree.

    The year's tree is first brought in step with the live tree and its dated history
    (committees.year_tree): a rebuild also repairs a tree that was left out of step.
    """
    state = _lock_year(year)
    year_tree_sync(year, announce=False)
    marks = _take_marks(year)
    nodes = list(
        OrganizationYear.objects.filter(year=year).values_list("organization_id", "path", "depth", "organization__kind")
    )
    own = count_own(year, OrganizationYear.objects.filter(year=year).values("organization_id"))
    required = _required_meetings(year, {path: org_id for org_id, path, _, _ in nodes}, whole_year=True)
    totals: dict[str, Tallies] = {}
    rows = []
    for org_id, path, depth, kind in nodes:
        tallies = own.get(org_id, Tallies())
        add_cell_units(tallies, kind=kind, required=required(path))
        rows.append(Tally(organization_id=org_id, year=year, path=path, depth=depth, own=tallies.to_json()))
        totals[path] = Tallies()
        totals[path].add(tallies)
    for path in sorted(totals, key=len, reverse=True):
        parent = totals.get(path[:-STEP])
        if parent is not None:
            parent.add(totals[path])
    for row in rows:
        store_total(row, totals[row.path])
    Tally.objects.filter(year=year).delete()
    Tally.objects.bulk_create(rows, batch_size=BATCH_SIZE)
    _drop_marks(marks)
    state.built, state.as_of, state.counted_at = True, reference_date(year), timezone.now()
    state.save(update_fields=["built", "as_of", "counted_at"])


def tree_years() -> list[int]:
    """Every year that has a tree: the years the store counts."""
    return sorted(set(OrganizationYear.objects.values_list("year", flat=True)) | set(open_years()))


def rebuild_all() -> list[int]:
    """Rebuild every year that has a tree (after bulk loading, e.g. demo data)."""
    years = tree_years()
    for year in years:
        rebuild(year)
    return years


def bring_all_up_to_date() -> list[int]:
    """Every year with a tree brought up to date: a year never built is built, marked
    organizations are recounted, and nothing else is touched (cheap when nothing changed)."""
    years = tree_years()
    bring_up_to_date(years)
    return years


# --- recounting marked organizations ---------------------------------------------------------


@transaction.atomic
def _recount_marked(year: int) -> None:
    state = _lock_year(year)
    if not state.built:
        rebuild(year)
        return
    dirty: set[int] = set()
    today = reference_date(year)
    if state.as_of != today:
        dirty |= _membership_changes(state.as_of, today)
        state.as_of = today
        state.save(update_fields=["as_of"])
    marks = _take_marks(year)
    dirty |= {org_id for _, org_id in marks}
    if dirty:
        _recount(year, dirty)
    _drop_marks(marks)
    state.counted_at = timezone.now()
    state.save(update_fields=["counted_at"])


def _recount(year: int, organization_ids: set[int]) -> None:
    """Recount these organizations and carry the differences up their ancestors' sums."""
    marked = list(
        Tally.objects.filter(year=year, organization_id__in=organization_ids).values_list(
            "organization_id", "path", "organization__kind"
        )
    )
    if not marked:
        return
    prefixes = {prefix for _, path, _ in marked for prefix in ancestor_paths(path)}
    chain = {row.path: row for row in Tally.objects.filter(year=year, path__in=prefixes)}
    own = count_own(year, [org_id for org_id, _, _ in marked])
    required = _required_meetings(year, {path: row.organization_id for path, row in chain.items()})
    totals: dict[str, Tallies] = {}
    for org_id, path, kind in marked:
        tallies = own.get(org_id, Tallies())
        add_cell_units(tallies, kind=kind, required=required(path))
        row = chain[path]
        difference = tallies.minus(Tallies.from_json(row.own))
        row.own = tallies.to_json()
        for prefix in ancestor_paths(path):
            ancestor = chain.get(prefix)
            if ancestor is not None and difference:
                totals.setdefault(ancestor.path, load_total(ancestor.total, ancestor.total_registrations)).add(
                    difference
                )
    for path, tallies in totals.items():
        store_total(chain[path], tallies)
    Tally.objects.bulk_update(list(chain.values()), ["own", "total", "total_registrations"], batch_size=BATCH_SIZE)


def _membership_changes(before: datetime.date | None, after: datetime.date) -> set[int]:
    """Organizations whose member count differs between the two days."""
    if before is None:
        return set()
    low, high = sorted((before, after))
    changed = Membership.objects.filter(
        Q(start_on__gt=low, start_on__lte=high) | Q(end_on__gte=low, end_on__lt=high)
    ).values_list("organization_id", flat=True)
    return set(changed.distinct())


# --- helpers ---------------------------------------------------------------------------------------


def _lock_year(year: int) -> TallyYear:
    TallyYear.objects.get_or_create(year=year)
    return TallyYear.objects.select_for_update().get(year=year)


def _take_marks(year: int) -> list[tuple[int, int]]:
    return list(
        TallyMark.objects.select_for_update(skip_locked=True).filter(year=year).values_list("pk", "organization_id")
    )


def _drop_marks(marks: list[tuple[int, int]]) -> None:
    if marks:
        TallyMark.objects.filter(pk__in=[pk for pk, _ in marks]).delete()


def _required_meetings(year: int, org_by_path: dict[str, int], *, whole_year: bool = False):
    """A function path → thematic meetings required there: the nearest plan on the path."""
    rows = Plan.objects.filter(year=year)
    if not whole_year:
        rows = rows.filter(organization_id__in=set(org_by_path.values()))
    plans: dict[int, int] = dict(rows.values_list("organization_id", "required_thematic_meetings"))

    def required(path: str) -> int:
        for prefix in ancestor_paths(path):
            org_id = org_by_path.get(prefix)
            if org_id in plans:
                return plans[org_id]
        return DEFAULT_REQUIRED_MEETINGS

    return required
