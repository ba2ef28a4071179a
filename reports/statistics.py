"""Every figure of the movement, computed in one place.

`organization_year_figures(organization=..., year=...)` returns the figures of an
organization's subtree for a year, with the same figures for each child organization.
Method: one GROUP BY organization query per family of measures (people, pledges, items,
sessions, attendance, participants, exemplars, commendations), limited to the subtree of
the year's tree (`OrganizationYear`, a path range), then summed up the tree in Python. The
number of queries does not depend on the size of the tree, and a past year rolls up along
the tree as it stood in that year. Several years are computed with the same queries.

Dashboards, reports, spreadsheets and the API format these figures; none counts on its own.
"""

import datetime
from collections import Counter
from dataclasses import dataclass, field

from django.db.models import BooleanField, Count, ExpressionWrapper, F, OuterRef, Q, Subquery, Sum, Value
from django.db.models.functions import Concat
from django.utils import timezone

from committees.models import (
    CELL_KINDS,
    PARTY_CATEGORIES,
    PATH_MAX_LENGTH,
    Membership,
    Organization,
    OrganizationYear,
    PersonCategory,
    subtree_q,
)
from pledges.models import (
    Commendation,
    Exemplar,
    Plan,
    Pledge,
    PledgeItem,
    PledgeState,
    SessionKind,
    StudySession,
    Theme,
    default_deadline,
)

STEP = Organization.steplen
UNION_CATEGORIES = (PersonCategory.YOUTH_UNION, PersonCategory.ASSOCIATION)
REGISTERED_STATES = (PledgeState.SUBMITTED, PledgeState.ACCEPTED, PledgeState.RETURNED, PledgeState.EVALUATED)


def category_group(category: str) -> str:
    """party: đảng viên; union: đoàn viên, hội viên; other: everyone else."""
    if category in PARTY_CATEGORIES:
        return "party"
    if category in UNION_CATEGORIES:
        return "union"
    return "other"


@dataclass
class Tallies:
    """Raw counts of one organization, or of a subtree once rolled up."""

    people: Counter = field(default_factory=Counter)  # (group, exempt) → n
    pledges: Counter = field(default_factory=Counter)  # (kind, form, state, on_time, evaluation) → n
    items: Counter = field(default_factory=Counter)  # (kind, result) → n
    sessions: Counter = field(default_factory=Counter)  # kind → n
    session_counts: Counter = field(default_factory=Counter)  # party / union / other / bridge_points → n
    attendance: Counter = field(default_factory=Counter)  # (kind, group) → n
    participants: Counter = field(default_factory=Counter)  # group → distinct people who studied the theme
    exemplars: Counter = field(default_factory=Counter)  # status → n
    commendations: Counter = field(default_factory=Counter)  # (recipient, form, authority, status) → n
    units: Counter = field(default_factory=Counter)  # cells / cells_without_exemplar / cells_behind_meetings / ...

    def add(self, other: "Tallies") -> None:
        for name in self.__dataclass_fields__:
            getattr(self, name).update(getattr(other, name))


@dataclass(frozen=True)
class Figures:
    """Figures of one organization's subtree in one year, plus each child's."""

    organization_id: int
    name: str
    kind: str
    year: int
    tallies: Tallies
    deadline: datetime.date
    required_meetings: int
    dissolved: bool = False
    children: tuple["Figures", ...] = ()

    # --- people ------------------------------------------------------------------------
    @property
    def people_total(self) -> int:
        return sum(self.tallies.people.values())

    @property
    def people_exempt(self) -> int:
        return sum(n for (_, exempt), n in self.tallies.people.items() if exempt)

    @property
    def people_required(self) -> int:
        return self.people_total - self.people_exempt

    def people_in_group(self, group: str) -> int:
        return sum(n for (g, _), n in self.tallies.people.items() if g == group)

    @property
    def party_members(self) -> int:
        return self.people_in_group("party")

    # --- personal pledges ----------------------------------------------------------------
    def _personal(self, **match) -> int:
        keys = ("kind", "form", "state", "on_time", "evaluation")
        total = 0
        for key, n in self.tallies.pledges.items():
            row = dict(zip(keys, key, strict=True))
            if row["kind"] == Pledge.Kind.PERSONAL and all(row[k] in v if isinstance(v, tuple) else row[k] == v for k, v in match.items()):
                total += n
        return total

    @property
    def pledges_total(self) -> int:
        return self._personal()

    @property
    def pledges_registered(self) -> int:
        return self._personal(state=REGISTERED_STATES)

    @property
    def pledges_draft(self) -> int:
        return self._personal(state=PledgeState.DRAFT)

    @property
    def pledges_on_time(self) -> int:
        return self._personal(state=REGISTERED_STATES, on_time=True)

    @property
    def pledges_late(self) -> int:
        return self._personal(state=REGISTERED_STATES, on_time=False)

    @property
    def pledges_missing(self) -> int:
        return max(self.people_required - self.pledges_registered, 0)

    def pledges_by_form(self) -> dict[str, int]:
        return {form: self._personal(form=form, state=REGISTERED_STATES) for form in ("01", "2A", "2B")}

    def pledges_by_state(self) -> dict[str, int]:
        return {state: self._personal(state=state) for state in PledgeState.values}

    def evaluations(self) -> dict[str, int]:
        levels = ("excellent", "good", "complete", "incomplete")
        return {level: self._personal(state=PledgeState.EVALUATED, evaluation=level) for level in levels}

    @property
    def collective_pledges(self) -> int:
        return sum(n for key, n in self.tallies.pledges.items() if key[0] == Pledge.Kind.COLLECTIVE)

    # --- items ---------------------------------------------------------------------------
    def items(self, kind: str = Pledge.Kind.PERSONAL, result: str | None = None) -> int:
        return sum(n for (k, r), n in self.tallies.items.items() if k == kind and (result is None or r == result))

    @property
    def items_total(self) -> int:
        return self.items()

    @property
    def items_done(self) -> int:
        return self.items(result="done")

    @property
    def items_partly(self) -> int:
        return self.items(result="partly")

    @property
    def items_not_done(self) -> int:
        return self.items(result="not_done")

    @property
    def collective_items(self) -> int:
        return self.items(Pledge.Kind.COLLECTIVE)

    # --- sessions and participation ---------------------------------------------------------
    @property
    def sessions_total(self) -> int:
        return sum(self.tallies.sessions.values())

    def sessions_by_kind(self) -> dict[str, int]:
        return {kind: self.tallies.sessions.get(kind, 0) for kind in SessionKind.values}

    @property
    def thematic_meetings(self) -> int:
        return self.tallies.sessions.get(SessionKind.THEMATIC, 0)

    def attendees_in_group(self, group: str) -> int:
        ticked = sum(n for (_, g), n in self.tallies.attendance.items() if g == group)
        return ticked + self.tallies.session_counts.get(group, 0)

    @property
    def attendees_total(self) -> int:
        return sum(self.attendees_in_group(group) for group in ("party", "union", "other"))

    @property
    def attendees_party(self) -> int:
        return self.attendees_in_group("party")

    @property
    def attendees_non_party(self) -> int:
        return self.attendees_total - self.attendees_party

    @property
    def bridge_points(self) -> int:
        return self.tallies.session_counts.get("bridge_points", 0)

    def participants(self, group: str | None = None) -> int:
        if group is None:
            return sum(self.tallies.participants.values())
        return self.tallies.participants.get(group, 0)

    def participation_rate(self, group: str | None = None) -> float | None:
        """Share of the members who studied the theme; people who left after studying are
        not members any more, so the share is capped at 1."""
        people = self.people_total if group is None else self.people_in_group(group)
        return min(self.participants(group) / people, 1.0) if people else None

    # --- exemplars, commendations, units ----------------------------------------------------
    @property
    def exemplars_total(self) -> int:
        return sum(self.tallies.exemplars.values())

    def exemplars_by_status(self) -> dict[str, int]:
        return {status: self.tallies.exemplars.get(status, 0) for status in Exemplar.Status.values}

    def commendation_count(self, *, recipient: str | None = None, form: str | None = None, status: str | None = "granted") -> int:
        return sum(
            n
            for (r, f, _, s), n in self.tallies.commendations.items()
            if (recipient is None or r == recipient) and (form is None or f == form) and (status is None or s == status)
        )

    def commendations_by_form(self, status: str = "granted") -> dict[str, dict[str, int]]:
        forms = sorted({f for (_, f, _, _) in self.tallies.commendations})
        return {
            f: {r: self.commendation_count(recipient=r, form=f, status=status) for r in ("person", "collective")}
            for f in forms
        }

    def commendations_by_authority(self, status: str = "granted") -> dict[str, int]:
        result: Counter = Counter()
        for (_, _, authority, s), n in self.tallies.commendations.items():
            if s == status:
                result[authority or "—"] += n
        return dict(result)

    @property
    def commendations_granted(self) -> int:
        return self.commendation_count()

    @property
    def proposals(self) -> int:
        return self.commendation_count(status="proposed")

    @property
    def cells(self) -> int:
        return self.tallies.units.get("cells", 0)

    @property
    def cells_without_exemplar(self) -> int:
        return self.tallies.units.get("cells_without_exemplar", 0)

    @property
    def cells_behind_meetings(self) -> int:
        return self.tallies.units.get("cells_behind_meetings", 0)


    # --- rates ---------------------------------------------------------------------------
    @property
    def coverage(self) -> float | None:
        return self.pledges_registered / self.people_required if self.people_required else None

    @property
    def on_time_rate(self) -> float | None:
        return self.pledges_on_time / self.pledges_registered if self.pledges_registered else None

    @property
    def items_done_rate(self) -> float | None:
        return self.items_done / self.items_total if self.items_total else None

    @property
    def is_empty(self) -> bool:
        return not any(getattr(self.tallies, name) for name in ("pledges", "sessions", "exemplars", "commendations"))

    def to_dict(self) -> dict:
        """A JSON-ready snapshot of the headline figures (stored with each rendered report)."""
        return {
            "organization_id": self.organization_id,
            "name": self.name,
            "kind": self.kind,
            "dissolved": self.dissolved,
            "year": self.year,
            "people_total": self.people_total,
            "people_required": self.people_required,
            "people_exempt": self.people_exempt,
            "party_members": self.party_members,
            "pledges_registered": self.pledges_registered,
            "pledges_by_form": self.pledges_by_form(),
            "pledges_by_state": self.pledges_by_state(),
            "pledges_on_time": self.pledges_on_time,
            "pledges_late": self.pledges_late,
            "pledges_missing": self.pledges_missing,
            "coverage": self.coverage,
            "on_time_rate": self.on_time_rate,
            "items_total": self.items_total,
            "items_done": self.items_done,
            "items_partly": self.items_partly,
            "items_not_done": self.items_not_done,
            "items_done_rate": self.items_done_rate,
            "collective_pledges": self.collective_pledges,
            "collective_items": self.collective_items,
            "evaluations": self.evaluations(),
            "sessions_by_kind": self.sessions_by_kind(),
            "sessions_total": self.sessions_total,
            "thematic_meetings": self.thematic_meetings,
            "attendees_total": self.attendees_total,
            "attendees_party": self.attendees_party,
            "attendees_non_party": self.attendees_non_party,
            "bridge_points": self.bridge_points,
            "participation_rate": self.participation_rate(),
            "participation_rate_party": self.participation_rate("party"),
            "participation_rate_union": self.participation_rate("union"),
            "exemplars_by_status": self.exemplars_by_status(),
            "exemplars_total": self.exemplars_total,
            "cells": self.cells,
            "cells_without_exemplar": self.cells_without_exemplar,
            "cells_behind_meetings": self.cells_behind_meetings,
            "commendations_granted": self.commendations_granted,
            "commendations_person": self.commendation_count(recipient="person"),
            "commendations_collective": self.commendation_count(recipient="collective"),
            "commendations_by_form": self.commendations_by_form(),
            "proposals": self.proposals,
            "deadline": self.deadline.isoformat(),
            "required_meetings": self.required_meetings,
            "children": [child.to_dict() for child in self.children],
        }


# --- the computation -----------------------------------------------------------------------


@dataclass
class _Node:
    organization_id: int
    path: str
    depth: int
    tallies: Tallies = field(default_factory=Tallies)


def _reference_date(year: int) -> datetime.date:
    """Who counts as a member of year Y: those belonging at its end, or today while it runs."""
    return min(datetime.date(year, 12, 31), timezone.localdate())


def _in_year_subtree(year: int, path: str):
    """Ids of the organizations in the subtree at `path` of the year's tree (a subquery)."""
    return OrganizationYear.objects.filter(subtree_q(path), year=year).values("organization_id")


def _year_subtree_q(roots: dict[int, str], *, year_field: str | None, prefix: str, date_field: str | None = None) -> Q:
    """Records of each year whose organization lies in that year's subtree. A semi-join on
    the year's tree (IN subquery), which the planner runs as a hashed lookup."""
    condition = Q(pk__in=[])
    for year, path in roots.items():
        part = Q(**{f"{prefix}id__in": _in_year_subtree(year, path)})
        if year_field:
            part &= Q(**{year_field: year})
        if date_field:
            part &= Q(**{f"{date_field}__gte": datetime.date(year, 1, 1), f"{date_field}__lte": datetime.date(year, 12, 31)})
        condition |= part
    return condition


def organization_years_figures(*, organization: Organization, years: list[int]) -> dict[int, Figures | None]:
    """Figures of `organization`'s subtree for each of `years` (None where it did not exist)."""
    nodes, names, roots = _tree_nodes(organization, years)
    if not roots:
        return dict.fromkeys(years)
    _add_people(nodes, roots)
    _add_pledges(nodes, roots)
    _add_items(nodes, roots)
    _add_sessions(nodes, roots)
    _add_attendance(nodes, roots)
    _add_exemplars_and_commendations(nodes, roots)
    ancestor_paths = [organization.path[:end] for end in range(STEP, len(organization.path), STEP)]
    plans = _plans(roots, ancestor_paths)
    return {
        year: _roll_up(nodes[year], roots[year], year, names, *plans.get(year, ({}, []))) if year in roots else None
        for year in years
    }


def organization_year_figures(*, organization: Organization, year: int) -> Figures | None:
    return organization_years_figures(organization=organization, years=[year])[year]


def _tree_nodes(organization: Organization, years: list[int]):
    """The subtree of `organization` in each year's tree, found in one query: each row is
    compared with the organization's own path of the same year."""
    root_path = OrganizationYear.objects.filter(organization=organization, year=OuterRef("year")).values("path")[:1]
    rows = (
        OrganizationYear.objects.filter(year__in=years)
        .annotate(root_path=Subquery(root_path))
        .filter(path__gte=F("root_path"), path__lte=Concat(F("root_path"), Value("Z" * PATH_MAX_LENGTH)))
        .values_list(
            "year", "organization_id", "path", "depth", "organization__name", "organization__kind", "organization__dissolved_on"
        )
    )
    nodes: dict[int, dict[int, _Node]] = {}
    names: dict[int, tuple[str, str, bool]] = {}
    roots: dict[int, str] = {}
    for year, org_id, path, depth, name, kind, dissolved_on in rows:
        nodes.setdefault(year, {})[org_id] = _Node(org_id, path, depth)
        names[org_id] = (name, kind, dissolved_on is not None)
        if org_id == organization.pk:
            roots[year] = path
    return nodes, names, roots


def _tally(nodes, year, org_id) -> Tallies | None:
    node = nodes.get(year, {}).get(org_id)
    return node.tallies if node else None


def _add_people(nodes, roots) -> None:
    """Members at each year's reference date; one query, a UNION of one part per year."""
    parts = []
    for year, path in roots.items():
        day = _reference_date(year)
        parts.append(
            Membership.objects.filter(organization_id__in=_in_year_subtree(year, path), start_on__lte=day)
            .filter(Q(end_on__isnull=True) | Q(end_on__gte=day))
            .annotate(y=Value(year))
            .values("y", "organization_id", "person__category", "person__exemption")
            .annotate(n=Count("id"))
            .order_by()
        )
    parts = [part.values_list("y", "organization_id", "person__category", "person__exemption", "n") for part in parts]
    rows = parts[0].union(*parts[1:], all=True) if len(parts) > 1 else parts[0]
    for year, org_id, category, exemption, n in rows:
        tallies = _tally(nodes, year, org_id)
        if tallies is not None:
            tallies.people[(category_group(category), bool(exemption))] += n


def _add_pledges(nodes, roots) -> None:
    rows = (
        Pledge.objects.filter(_year_subtree_q(roots, year_field="year", prefix="organization_"))
        .values("year", "organization_id", "kind", "form", "state", "on_time", "evaluation")
        .annotate(n=Count("id"))
        .order_by()
        .values_list("year", "organization_id", "kind", "form", "state", "on_time", "evaluation", "n")
    )
    for year, org_id, *key, n in rows:
        tallies = _tally(nodes, year, org_id)
        if tallies is not None:
            tallies.pledges[tuple(key)] += n


def _add_items(nodes, roots) -> None:
    rows = (
        PledgeItem.objects.filter(_year_subtree_q(roots, year_field="pledge__year", prefix="pledge__organization_"))
        .values("pledge__year", "pledge__organization_id", "pledge__kind", "result")
        .annotate(n=Count("id"))
        .order_by()
        .values_list("pledge__year", "pledge__organization_id", "pledge__kind", "result", "n")
    )
    for year, org_id, kind, result, n in rows:
        tallies = _tally(nodes, year, org_id)
        if tallies is not None:
            tallies.items[(kind, result)] += n


def _add_sessions(nodes, roots) -> None:
    rows = (
        StudySession.objects.filter(_year_subtree_q(roots, year_field=None, prefix="organization_", date_field="held_on"))
        .values("held_on__year", "organization_id", "kind")
        .annotate(
            n=Count("id"),
            party=Sum("extra_party_members"),
            union=Sum("extra_union_members"),
            other=Sum("extra_others"),
            bridge=Sum("bridge_points"),
        )
        .order_by()
    )
    for row in rows:
        tallies = _tally(nodes, row["held_on__year"], row["organization_id"])
        if tallies is None:
            continue
        tallies.sessions[row["kind"]] += row["n"]
        for key, name in (("party", "party"), ("union", "union"), ("other", "other"), ("bridge", "bridge_points")):
            tallies.session_counts[name] += row[key] or 0


def _add_attendance(nodes, roots) -> None:
    through = StudySession.attendees.through
    base = through.objects.filter(
        _year_subtree_q(roots, year_field=None, prefix="studysession__organization_", date_field="studysession__held_on")
    )
    fields = ("studysession__held_on__year", "studysession__organization_id", "studysession__kind", "person__category")
    rows = base.values(*fields).annotate(n=Count("id")).order_by().values_list(*fields, "n")
    for year, org_id, kind, category, n in rows:
        tallies = _tally(nodes, year, org_id)
        if tallies is not None:
            tallies.attendance[(kind, category_group(category))] += n
    # Taking part in the year's theme: having attended a study of the theme that year.
    # Counted where the study was held: the organization the record was made in.
    year_theme = Q(studysession__theme__kind=Theme.Kind.YEARLY, studysession__theme__year=F("studysession__held_on__year"))
    studied = (
        base.filter(Q(studysession__kind=SessionKind.STUDY) | year_theme)
        .values("studysession__held_on__year", "studysession__organization_id", "person__category")
        .annotate(n=Count("person_id", distinct=True))
        .order_by()
        .values_list("studysession__held_on__year", "studysession__organization_id", "person__category", "n")
    )
    for year, org_id, category, n in studied:
        tallies = _tally(nodes, year, org_id)
        if tallies is not None:
            tallies.participants[category_group(category)] += n


def _add_exemplars_and_commendations(nodes, roots) -> None:
    """Both small families in one round trip: a UNION of two GROUP BY queries with the same
    columns (family, three keys, a recipient flag)."""
    exemplars = (
        Exemplar.objects.filter(_year_subtree_q(roots, year_field="year", prefix="organization_"))
        .annotate(
            y=F("year"), o=F("organization_id"), family=Value("exemplar"), k1=F("status"), k2=Value(""),
            k3=Value(""), person=Value(False),
        )
        .values("y", "o", "family", "k1", "k2", "k3", "person")
        .annotate(n=Count("id"))
        .order_by()
    )
    commendations = (
        Commendation.objects.filter(_year_subtree_q(roots, year_field="year", prefix="organization_"))
        .annotate(
            y=F("year"), o=F("organization_id"), family=Value("commendation"), k1=F("form"), k2=F("authority"),
            k3=F("status"), person=ExpressionWrapper(Q(recipient_person__isnull=False), output_field=BooleanField()),
        )
        .values("y", "o", "family", "k1", "k2", "k3", "person")
        .annotate(n=Count("id"))
        .order_by()
    )
    for row in exemplars.union(commendations, all=True):
        tallies = _tally(nodes, row["y"], row["o"])
        if tallies is None:
            continue
        if row["family"] == "exemplar":
            tallies.exemplars[row["k1"]] += row["n"]
        else:
            recipient = "person" if row["person"] else "collective"
            tallies.commendations[(recipient, row["k1"], row["k2"], row["k3"])] += row["n"]


def _plans(roots: dict[int, str], ancestor_paths: list[str]) -> dict[int, tuple[dict[int, Plan], list[Plan]]]:
    """Plans of each year: those in the subtree by organization, and those above it (which
    the subtree inherits), nearest last."""
    condition = Q(pk__in=[])
    for year, path in roots.items():
        condition |= Q(year=year) & (
            (subtree_q(path, field="organization__years__path") & Q(organization__years__year=year))
            | Q(organization__path__in=ancestor_paths)
        )
    result: dict[int, tuple[dict[int, Plan], list[Plan]]] = {year: ({}, []) for year in roots}
    plans = Plan.objects.filter(condition).select_related("organization").distinct()
    for plan in sorted(plans, key=lambda p: len(p.organization.path)):
        inside, above = result[plan.year]
        if plan.organization.path in ancestor_paths:
            above.append(plan)
        else:
            inside[plan.organization_id] = plan
    return result


def _plan_on_path(inside: dict[int, Plan], above: list[Plan], ancestry: list[int]) -> Plan | None:
    for org_id in reversed(ancestry):
        if org_id in inside:
            return inside[org_id]
    return above[-1] if above else None


def _expected_meetings(required: int, year: int, today: datetime.date) -> int:
    """Thematic meetings a cell should have held by now: all of them once the year is over,
    else in proportion to the quarters already ended."""
    if today.year > year:
        return required
    if today.year < year:
        return 0
    quarters_done = (today.month - 1) // 3
    return (required * quarters_done) // 4


def _roll_up(year_nodes: dict[int, _Node], root_path: str, year: int, names, inside, above) -> Figures:
    """Sum each node's tallies into its parent's, deepest first: afterwards every node holds
    the totals of its subtree (the node's own counts are not needed any more)."""
    by_path = {node.path: node for node in year_nodes.values()}
    today = timezone.localdate()
    for node in sorted(year_nodes.values(), key=lambda node: node.depth, reverse=True):
        own = node.tallies
        _name, kind, _dissolved = names.get(node.organization_id, ("", "", False))
        if kind in CELL_KINDS:
            plan = _plan_on_path(inside, above, _ancestry(node.path, by_path))
            required = plan.required_thematic_meetings if plan else 2
            # A cell has no units below it, so its own counts are still its own here.
            own.units["cells"] += 1
            if not own.exemplars:
                own.units["cells_without_exemplar"] += 1
            if own.sessions.get(SessionKind.THEMATIC, 0) < _expected_meetings(required, year, today):
                own.units["cells_behind_meetings"] += 1
        parent = by_path.get(node.path[:-STEP]) if node.path != root_path else None
        if parent is not None:
            parent.tallies.add(own)
    totals = {node.organization_id: node.tallies for node in year_nodes.values()}
    root = by_path[root_path]

    def figures(node: _Node, with_children: bool) -> Figures:
        plan = _plan_on_path(inside, above, _ancestry(node.path, by_path))
        name, kind, dissolved = names.get(node.organization_id, ("", "", False))
        children = ()
        if with_children:
            children = tuple(
                figures(child, False)
                for child in sorted(year_nodes.values(), key=lambda n: n.path)
                if child.depth == node.depth + 1 and child.path.startswith(node.path)
            )
        return Figures(
            organization_id=node.organization_id,
            name=name,
            kind=kind,
            year=year,
            tallies=totals.get(node.organization_id, Tallies()),
            deadline=plan.pledge_deadline if plan else default_deadline(year),
            required_meetings=plan.required_thematic_meetings if plan else 2,
            dissolved=dissolved,
            children=children,
        )

    return figures(root, True)


def _ancestry(path: str, by_path: dict[str, _Node]) -> list[int]:
    """Organization ids from the top of the year's subtree down to `path`."""
    return [by_path[path[:end]].organization_id for end in range(STEP, len(path) + 1, STEP) if path[:end] in by_path]


def registrations_by_date(*, organization: Organization, year: int) -> list[tuple[datetime.date, int]]:
    """Personal pledges handed in per day in the subtree of the year's tree (one query)."""
    root = OrganizationYear.objects.filter(organization=organization, year=year).values("path")[:1]
    root_path = Subquery(root)
    subtree = OrganizationYear.objects.filter(
        year=year, path__gte=root_path, path__lte=Concat(root_path, Value("Z" * PATH_MAX_LENGTH))
    ).values("organization_id")
    rows = (
        Pledge.objects.filter(
            kind=Pledge.Kind.PERSONAL, year=year, submitted_on__isnull=False, organization_id__in=subtree
        )
        .values("submitted_on")
        .annotate(n=Count("id"))
        .order_by("submitted_on")
    )
    return [(row["submitted_on"], row["n"]) for row in rows]
