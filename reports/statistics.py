"""Every figure of the movement, computed in one place.

`organization_years_figures(organization=..., years=[...])` returns the figures of an
organization's subtree for each year, with the same figures for each child organization.

Counting: one GROUP BY organization query per family of measures (people, pledges, items,
sessions, attendance, participants, exemplars and commendations, registrations) gives each
organization's own counts (`count_own`). Those counts and their sums up the year's tree
(`OrganizationYear`) are kept in the tally store (reports/tallies.py), which recounts only
the organizations whose records changed. Reading the figures of any organization therefore
costs a few small queries whatever the size of its subtree, and a past year rolls up along
the tree as it stood in that year.

Figures that depend on today's date (members at the reference date, cells behind on their
thematic meetings for the quarter) are derived here at read time from date-free counts.
Dashboards, reports, spreadsheets and the API format these figures; none counts on its own.
"""

import datetime
from collections import Counter
from dataclasses import dataclass
from functools import cached_property

from django.db.models import Q
from django.utils import timezone

from committees.models import Organization, superior_paths
from pledges.models import Exemplar, Plan, Pledge, PledgeState, SessionKind, default_deadline
from reports import measures
from reports import tallies as store
from reports.counting import DEFAULT_REQUIRED_MEETINGS, MEETINGS, Tallies, expected_meetings

STEP = Organization.steplen
PLEDGE_KEY = ("kind", "form", "state", "on_time", "evaluation")  # as counted in Tallies.pledges
REGISTERED_STATES = (PledgeState.SUBMITTED, PledgeState.ACCEPTED, PledgeState.RETURNED, PledgeState.EVALUATED)


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
    # The day the figures were read: date-dependent figures are as of that day.
    as_of: datetime.date | None = None

    # --- people ------------------------------------------------------------------------
    @cached_property
    def people_total(self) -> int:
        return sum(self.tallies.people.values())

    @cached_property
    def people_exempt(self) -> int:
        return sum(n for (_, exempt), n in self.tallies.people.items() if exempt)

    @cached_property
    def people_required(self) -> int:
        return self.people_total - self.people_exempt

    def people_in_group(self, group: str) -> int:
        return sum(n for (g, _), n in self.tallies.people.items() if g == group)

    @cached_property
    def party_members(self) -> int:
        return self.people_in_group("party")

    # --- personal pledges ----------------------------------------------------------------
    @cached_property
    def _personal_rows(self) -> list[tuple[tuple, int]]:
        return [(key, n) for key, n in self.tallies.pledges.items() if key[0] == Pledge.Kind.PERSONAL]

    def _personal(self, **match) -> int:
        """Personal pledges whose key matches: a value, or a tuple of allowed values."""
        wanted = [
            (PLEDGE_KEY.index(name), value if isinstance(value, tuple) else (value,)) for name, value in match.items()
        ]
        return sum(n for key, n in self._personal_rows if all(key[i] in allowed for i, allowed in wanted))

    @cached_property
    def pledges_total(self) -> int:
        return self._personal()

    @cached_property
    def pledges_registered(self) -> int:
        return self._personal(state=REGISTERED_STATES)

    @cached_property
    def pledges_draft(self) -> int:
        return self._personal(state=PledgeState.DRAFT)

    @cached_property
    def pledges_on_time(self) -> int:
        return self._personal(state=REGISTERED_STATES, on_time=True)

    @cached_property
    def pledges_late(self) -> int:
        return self._personal(state=REGISTERED_STATES, on_time=False)

    @cached_property
    def pledges_missing(self) -> int:
        return max(self.people_required - self.pledges_registered, 0)

    def pledges_by_form(self) -> dict[str, int]:
        return {form: self._personal(form=form, state=REGISTERED_STATES) for form in ("01", "2A", "2B")}

    def pledges_by_state(self) -> dict[str, int]:
        return {state: self._personal(state=state) for state in PledgeState.values}

    def evaluations(self) -> dict[str, int]:
        levels = ("excellent", "good", "complete", "incomplete")
        return {level: self._personal(state=PledgeState.EVALUATED, evaluation=level) for level in levels}

    @cached_property
    def collective_pledges(self) -> int:
        return sum(n for key, n in self.tallies.pledges.items() if key[0] == Pledge.Kind.COLLECTIVE)

    # --- items ---------------------------------------------------------------------------
    def items(self, kind: str = Pledge.Kind.PERSONAL, result: str | None = None) -> int:
        return sum(n for (k, r), n in self.tallies.items.items() if k == kind and (result is None or r == result))

    @cached_property
    def items_total(self) -> int:
        return self.items()

    @cached_property
    def items_done(self) -> int:
        return self.items(result="done")

    @cached_property
    def items_partly(self) -> int:
        return self.items(result="partly")

    @cached_property
    def items_not_done(self) -> int:
        return self.items(result="not_done")

    @cached_property
    def collective_items(self) -> int:
        return self.items(Pledge.Kind.COLLECTIVE)

    # --- sessions and participation ---------------------------------------------------------
    @cached_property
    def sessions_total(self) -> int:
        return sum(self.tallies.sessions.values())

    def sessions_by_kind(self) -> dict[str, int]:
        return {kind: self.tallies.sessions.get(kind, 0) for kind in SessionKind.values}

    @cached_property
    def thematic_meetings(self) -> int:
        return self.tallies.sessions.get(SessionKind.THEMATIC, 0)

    def attendees_in_group(self, group: str) -> int:
        ticked = sum(n for (_, g), n in self.tallies.attendance.items() if g == group)
        return ticked + self.tallies.session_counts.get(group, 0)

    @cached_property
    def attendees_total(self) -> int:
        return sum(self.attendees_in_group(group) for group in ("party", "union", "other"))

    @cached_property
    def attendees_party(self) -> int:
        return self.attendees_in_group("party")

    @cached_property
    def attendees_non_party(self) -> int:
        return self.attendees_total - self.attendees_party

    @cached_property
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
    @cached_property
    def exemplars_total(self) -> int:
        return sum(self.tallies.exemplars.values())

    def exemplars_by_status(self) -> dict[str, int]:
        return {status: self.tallies.exemplars.get(status, 0) for status in Exemplar.Status.values}

    def commendation_count(
        self, *, recipient: str | None = None, form: str | None = None, status: str | None = "granted"
    ) -> int:
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

    @cached_property
    def commendations_granted(self) -> int:
        return self.commendation_count()

    @cached_property
    def proposals(self) -> int:
        return self.commendation_count(status="proposed")

    @cached_property
    def cells(self) -> int:
        return self.tallies.units.get("cells", 0)

    @cached_property
    def cells_without_exemplar(self) -> int:
        return self.tallies.units.get("cells_without_exemplar", 0)

    @cached_property
    def cells_behind_meetings(self) -> int:
        today = self.as_of or timezone.localdate()
        return sum(
            n
            for key, n in self.tallies.units.items()
            if isinstance(key, tuple) and key[0] == MEETINGS and key[2] < expected_meetings(key[1], self.year, today)
        )

    def registrations_by_date(self) -> list[tuple[datetime.date, int]]:
        """Personal pledges handed in per day, in date order."""
        return sorted((datetime.date.fromisoformat(day), n) for day, n in self.tallies.registrations.items())

    # --- rates ---------------------------------------------------------------------------
    @cached_property
    def coverage(self) -> float | None:
        return self.pledges_registered / self.people_required if self.people_required else None

    @cached_property
    def on_time_rate(self) -> float | None:
        return self.pledges_on_time / self.pledges_registered if self.pledges_registered else None

    @cached_property
    def items_done_rate(self) -> float | None:
        return self.items_done / self.items_total if self.items_total else None

    @cached_property
    def is_empty(self) -> bool:
        return not any(getattr(self.tallies, name) for name in ("pledges", "sessions", "exemplars", "commendations"))

    def to_dict(self) -> dict:
        """A JSON-ready snapshot: who, every measure of reports/measures.py, and the children
        (stored with each rendered report, returned by the API)."""
        return {
            "organization_id": self.organization_id,
            "name": self.name,
            "kind": self.kind,
            "dissolved": self.dissolved,
            "year": self.year,
            **measures.snapshot(self),
            "children": [child.to_dict() for child in self.children],
        }


# --- reading -------------------------------------------------------------------------------


def organization_years_figures(
    *, organization: Organization, years: list[int], children_years: list[int] | None = None, exact: bool = False
) -> dict[int, Figures | None]:
    """Figures of `organization`'s subtree for each of `years` (None where it did not exist
    in that year's tree), with the figures of each child organization in `children_years`
    (default: every year).

    A page reads the store as it stands (see `freshness`); `exact=True` — for a worker making
    a document, never for a GET — first applies the changes still pending."""
    if exact or store.applies_on_read():
        store.bring_up_to_date(years)
    roots, children = store.subtree_rows(organization, years, years if children_years is None else children_years)
    if not roots:
        return dict.fromkeys(years)
    plans = _plans(organization, years, [row.organization_id for row in [*roots.values(), *children]])
    result: dict[int, Figures | None] = dict.fromkeys(years)
    for year, root in roots.items():
        year_plans = plans.get(year, {})
        own_plan = year_plans.get(root.organization_id) or _nearest_above(organization, year_plans)
        result[year] = _figures(
            root,
            own_plan,
            children=tuple(
                _figures(child, year_plans.get(child.organization_id) or own_plan)
                for child in sorted(children, key=lambda row: row.path)
                if child.year == year
            ),
        )
    return result


def organization_year_figures(*, organization: Organization, year: int, exact: bool = False) -> Figures | None:
    return organization_years_figures(organization=organization, years=[year], exact=exact)[year]


def _figures(row, plan: "PlanTerms | None", children: tuple[Figures, ...] = ()) -> Figures:
    return Figures(
        organization_id=row.organization_id,
        name=row.name,
        kind=row.kind,
        year=row.year,
        tallies=row.tallies(),
        deadline=plan.pledge_deadline if plan else default_deadline(row.year),
        required_meetings=plan.required_thematic_meetings if plan else DEFAULT_REQUIRED_MEETINGS,
        dissolved=row.dissolved,
        children=children,
        as_of=timezone.localdate(),
    )


@dataclass(frozen=True)
class PlanTerms:
    """What figures take from a plan: its deadline and required meetings, and where it sits."""

    organization_id: int
    year: int
    path: str
    pledge_deadline: datetime.date
    required_thematic_meetings: int


def _plans(organization: Organization, years: list[int], organization_ids: list[int]) -> dict[int, dict]:
    """Plans of the organization, its children and its ancestors, by year and organization:
    a subtree follows the nearest plan on its path."""
    rows = Plan.objects.filter(year__in=years).filter(
        Q(organization_id__in=organization_ids) | Q(organization__path__in=superior_paths(organization.path))
    )
    plans: dict[int, dict] = {}
    fields = ("organization_id", "year", "organization__path", "pledge_deadline", "required_thematic_meetings")
    for values in rows.values_list(*fields):
        plan = PlanTerms(*values)
        plans.setdefault(plan.year, {})[plan.organization_id] = plan
    return plans


def _nearest_above(organization: Organization, year_plans: dict) -> PlanTerms | None:
    ancestors = superior_paths(organization.path)
    above = [plan for plan in year_plans.values() if plan.path in ancestors]
    return max(above, key=lambda plan: len(plan.path), default=None)


def freshness(year: int) -> store.YearState:
    """When the stored figures of `year` were counted, and whether changes are still coming in
    (readers say so instead of recounting: reads never write)."""
    return store.year_states([year])[year]


# --- a span of years (term reports) ----------------------------------------------------------


def figures_over_span(figures_by_year: dict[int, Figures | None]) -> Figures | None:
    """The figures of several years summed into one `Figures` (sơ kết / tổng kết giai đoạn).

    Pure: it takes each year's figures as `organization_years_figures` read them, each along
    its own year's tree, so a unit moved between two years counts under each year's parent.
    Every count is the sum over the years (people and cells are counted once per year:
    "lượt"); rates are ratios of those sums. The children are those of every year, each
    summed over the years it stood under the organization: the last year's first, in their
    order, then those of earlier years. The plan's terms (deadline, required meetings), the
    name and `year` are the last year's, and figures that depend on today's date are read as
    of the last year. None when no year has figures."""
    years = sorted((year for year, figures in figures_by_year.items() if figures is not None), reverse=True)
    if not years:
        return None
    tallies = Tallies()
    children: dict[int, dict[int, Figures | None]] = {}
    for year in years:
        figures = figures_by_year[year]
        assert figures is not None
        tallies.add(figures.tallies)
        for child in figures.children:
            children.setdefault(child.organization_id, {})[year] = child
    last = figures_by_year[years[0]]
    assert last is not None
    return Figures(
        organization_id=last.organization_id,
        name=last.name,
        kind=last.kind,
        year=last.year,
        tallies=tallies,
        deadline=last.deadline,
        required_meetings=last.required_meetings,
        dissolved=last.dissolved,
        children=tuple(span for rows in children.values() if (span := figures_over_span(rows)) is not None),
        as_of=last.as_of,
    )
