"""The tree of each year, kept in step with the live tree and its dated history.

The tree of year Y (`OrganizationYear` rows) holds:
- every organization active in Y (founded by the end of Y, not dissolved before Y) that lies in
  a subtree opened for Y (`YearOpening`; an opening without an organization covers the whole
  tree) or already stands in the year's tree,
- and the superiors of each of them, so that the year's figures roll up to the root.
Its parent in Y is where the dated history put it for that year: the target of its last move
dated in Y or before; if it moved only later, where it stood before its first move; if it
never moved, its live parent. A move dated in Y therefore counts for the whole of Y, as the
reorganization services do.

`year_tree_sync` compares the stored rows with that and repairs them: it adds what is
missing, re-parents what stands in the wrong place, removes organizations not active in the
year. It keeps every path it can, so a sync of a tree in step writes nothing. Closed years
are frozen and never touched. Opening a year is a sync after recording the opening.
"""

import datetime
import logging
from collections import defaultdict
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from committees.models import Organization, OrganizationEvent, OrganizationYear, ReportingYear, YearOpening
from committees.signals import tree_changed

logger = logging.getLogger(__name__)

STEP = Organization.steplen
ALPHABET = Organization.alphabet


def increment_step(step: str) -> str:
    """The next step of a materialized path ("0009" → "000A")."""
    digits = [ALPHABET.index(ch) for ch in step]
    position = len(digits) - 1
    while position >= 0:
        digits[position] += 1
        if digits[position] < len(ALPHABET):
            return "".join(ALPHABET[d] for d in digits)
        digits[position] = 0
        position -= 1
    raise ValidationError(_("Tổ chức này đã có quá nhiều tổ chức trực thuộc."))


FIRST_STEP = ALPHABET[0] * (STEP - 1) + ALPHABET[1]


@dataclass(frozen=True)
class Node:
    """An organization of the live tree, with what decides where it stands in a year."""

    id: int
    path: str
    parent_id: int | None
    starts_on: datetime.date | None
    dissolved_on: datetime.date | None

    def active_in(self, year: int) -> bool:
        if self.starts_on is not None and self.starts_on.year > year:
            return False
        return self.dissolved_on is None or self.dissolved_on.year >= year


@dataclass(frozen=True)
class Move:
    effective_on: datetime.date
    from_parent_id: int | None
    to_id: int | None


@dataclass(frozen=True)
class SyncResult:
    added: int = 0
    moved: int = 0
    removed: int = 0

    @property
    def changed(self) -> bool:
        return bool(self.added or self.moved or self.removed)


# --- the live tree and its history ----------------------------------------------------------


def live_nodes() -> dict[int, Node]:
    rows = list(Organization.objects.order_by("path").values_list("id", "path", "founded_on", "dissolved_on"))
    created = dict(
        OrganizationEvent.objects.filter(kind=OrganizationEvent.Kind.CREATE).values_list(
            "organization_id", "effective_on"
        )
    )
    id_by_path = {path: org_id for org_id, path, _, _ in rows}
    return {
        org_id: Node(
            id=org_id,
            path=path,
            parent_id=id_by_path.get(path[:-STEP]) if len(path) > STEP else None,
            starts_on=founded_on or created.get(org_id),
            dissolved_on=dissolved_on,
        )
        for org_id, path, founded_on, dissolved_on in rows
    }


def moves_by_organization() -> dict[int, list[Move]]:
    moves: dict[int, list[Move]] = defaultdict(list)
    events = OrganizationEvent.objects.filter(kind=OrganizationEvent.Kind.MOVE).order_by("effective_on", "pk")
    for org_id, effective_on, from_parent_id, to_id in events.values_list(
        "organization_id", "effective_on", "from_parent_id", "to_organization_id"
    ):
        moves[org_id].append(Move(effective_on, from_parent_id, to_id))
    return moves


def parent_in_year(node: Node, moves: list[Move], year: int) -> int | None:
    """Where the dated history put the organization for `year` (see the module's docstring)."""
    if not moves:
        return node.parent_id
    done = [move for move in moves if move.effective_on.year <= year]
    return done[-1].to_id if done else moves[0].from_parent_id


# --- what the year's tree should hold ----------------------------------------------------------


def expected_parents(
    year: int, nodes: dict[int, Node], moves: dict[int, list[Move]], stored: set[int]
) -> dict[int, int | None]:
    """Organization id → parent id (None for a root) of every organization the tree of `year` should hold."""
    parent_of = {
        org_id: parent_in_year(node, moves.get(org_id, []), year)
        for org_id, node in nodes.items()
        if node.active_in(year)
    }
    seeds = _opened(year, parent_of) | (stored & set(parent_of))
    members: set[int] = set()
    for org_id in seeds:
        members |= _chain_up(org_id, parent_of)
    return {org_id: parent_of[org_id] for org_id in members}


def _opened(year: int, parent_of: dict[int, int | None]) -> set[int]:
    """The organizations of the subtrees opened for `year`, by the year's own parent links."""
    roots = set(YearOpening.objects.filter(year=year).values_list("organization_id", flat=True))
    if None in roots:
        return set(parent_of)
    children: dict[int | None, list[int]] = defaultdict(list)
    for org_id, parent_id in parent_of.items():
        children[parent_id].append(org_id)
    found: set[int] = set()
    stack = [root for root in roots if root in parent_of]
    while stack:
        org_id = stack.pop()
        found.add(org_id)
        stack.extend(children[org_id])
    return found


def _chain_up(org_id: int, parent_of: dict[int, int | None]) -> set[int]:
    """The organization and its superiors in the year, or nothing if the chain is broken (a
    superior not active in the year): such a unit cannot be placed."""
    chain: set[int] = set()
    current: int | None = org_id
    while current is not None:
        if current not in parent_of or current in chain:
            return set()
        chain.add(current)
        current = parent_of[current]
    return chain


def assign_paths(
    parents: dict[int, int | None], stored_paths: dict[int, str], live_paths: dict[int, str], reserved: set[str]
) -> dict[int, str]:
    """A path for every organization of the year's tree, keeping stored paths wherever the
    organization still sits under the same parent path, so that a tree in step is left alone."""
    children: dict[int | None, list[int]] = defaultdict(list)
    for org_id, parent_id in parents.items():
        children[parent_id].append(org_id)
    used = set(reserved)
    paths: dict[int, str] = {}
    for root in sorted(children[None], key=lambda org_id: live_paths[org_id]):
        paths[root] = stored_paths.get(root) or live_paths[root]
        used.add(paths[root])
    queue = list(children[None])
    while queue:
        parent_id = queue.pop(0)
        _place_children(paths[parent_id], children[parent_id], stored_paths, live_paths, used, paths)
        queue.extend(children[parent_id])
    return paths


def _place_children(
    parent_path: str,
    kids: list[int],
    stored_paths: dict[int, str],
    live_paths: dict[int, str],
    used: set[str],
    paths: dict[int, str],
) -> None:
    def wanted(org_id: int) -> str:
        stored = stored_paths.get(org_id)
        if stored and stored[:-STEP] == parent_path and len(stored) == len(parent_path) + STEP:
            return stored
        return parent_path + live_paths[org_id][-STEP:]

    # Stored paths first, so that a unit already in place is never displaced by a newcomer.
    ordered = sorted(kids, key=lambda org_id: (org_id not in stored_paths, live_paths[org_id]))
    waiting = []
    for org_id in ordered:
        path = wanted(org_id)
        if path in used:
            waiting.append(org_id)
        else:
            paths[org_id] = path
            used.add(path)
    last = max(
        (p[-STEP:] for p in used if p[:-STEP] == parent_path and len(p) == len(parent_path) + STEP), default=None
    )
    for org_id in waiting:
        last = increment_step(last) if last is not None else FIRST_STEP
        while parent_path + last in used:
            last = increment_step(last)
        paths[org_id] = parent_path + last
        used.add(paths[org_id])


# --- the repair ------------------------------------------------------------------------------------


@transaction.atomic
def year_tree_sync(year: int, *, announce: bool = True) -> SyncResult:
    """Bring the stored tree of `year` in step with the live tree, its history and the openings.

    One at a time per year (the `ReportingYear` row lock). `announce=False` when the caller
    recounts the year's figures itself (the tally rebuild); otherwise a change is announced
    with `tree_changed`, so the figures of the year are counted again.
    """
    reporting_year = ReportingYear.objects.select_for_update().filter(year=year).first()
    if reporting_year is None or reporting_year.is_closed:
        return SyncResult()
    nodes = live_nodes()
    stored = {
        org_id: (pk, parent_id, path)
        for pk, org_id, parent_id, path in OrganizationYear.objects.filter(year=year).values_list(
            "pk", "organization_id", "parent_id", "path"
        )
    }
    parents = expected_parents(year, nodes, moves_by_organization(), set(stored))
    # Stored units that cannot be placed but are active in the year keep their row untouched.
    stranded = {org_id for org_id in stored if org_id not in parents and nodes[org_id].active_in(year)}
    if stranded:
        logger.warning("Year %s: %d organizations cannot be placed in the year's tree", year, len(stranded))
    paths = assign_paths(
        parents,
        {org_id: row[2] for org_id, row in stored.items() if org_id not in stranded},
        {org_id: node.path for org_id, node in nodes.items()},
        reserved={stored[org_id][2] for org_id in stranded},
    )
    return _write(year, parents, paths, stored, stranded, announce=announce)


def _write(year, parents, paths, stored, stranded, *, announce: bool) -> SyncResult:
    removed = [org_id for org_id in stored if org_id not in parents and org_id not in stranded]
    changed = [
        org_id
        for org_id, (_pk, parent_id, path) in stored.items()
        if org_id in parents and (parent_id != parents[org_id] or path != paths[org_id])
    ]
    added = [org_id for org_id in parents if org_id not in stored]
    if not (removed or changed or added):
        return SyncResult()
    # Rewritten rows are deleted and inserted again: updating them one by one could meet the
    # unique (year, path) constraint half-way through a swap of two paths.
    OrganizationYear.objects.filter(pk__in=[stored[org_id][0] for org_id in removed + changed]).delete()
    OrganizationYear.objects.bulk_create(
        [
            OrganizationYear(
                organization_id=org_id,
                year=year,
                parent_id=parents[org_id],
                path=paths[org_id],
                depth=len(paths[org_id]) // STEP,
            )
            for org_id in sorted(changed + added, key=lambda org_id: paths[org_id])
        ],
        batch_size=2000,
    )
    if announce:
        tree_changed.send(sender=OrganizationYear, years=[year])
    return SyncResult(added=len(added), moved=len(changed), removed=len(removed))


def open_years() -> list[int]:
    return list(ReportingYear.objects.filter(is_closed=False).order_by("year").values_list("year", flat=True))
