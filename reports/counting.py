"""Raw counts of each organization's own records in a year: the input of every figure.

`count_own(year, organization_ids)` runs one GROUP BY organization query per family of
measures and returns each organization's own `Tallies` (not summed up the tree). The tally
store (reports/tallies.py) keeps these counts and their sums up the year's tree; the figures
(reports/statistics.py) are read from those sums.

Counts here do not depend on today's date, except who is a member: members are counted at
the year's reference date (`reference_date`), which the store follows as days pass.
"""

import datetime
import json
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db.models import BooleanField, Count, ExpressionWrapper, F, Q, QuerySet, Sum, Value
from django.utils import timezone

from committees.models import CELL_KINDS, PARTY_CATEGORIES, Membership, PersonCategory
from pledges.models import Commendation, Exemplar, Pledge, PledgeItem, SessionKind, StudySession, Theme

UNION_CATEGORIES = (PersonCategory.YOUTH_UNION, PersonCategory.ASSOCIATION)
DEFAULT_REQUIRED_MEETINGS = 2
# Key of the cells' meeting histogram in `Tallies.units`: (MEETINGS, required, held), held
# capped at required. Which cells are behind depends on today's quarter, so it is derived
# from the histogram when read, never stored.
MEETINGS = "meetings"


def category_group(category: str) -> str:
    """party: đảng viên; union: đoàn viên, hội viên; other: everyone else."""
    if category in PARTY_CATEGORIES:
        return "party"
    if category in UNION_CATEGORIES:
        return "union"
    return "other"


@dataclass
class Tallies:
    """Raw counts of one organization, or of a subtree once summed."""

    people: Counter = field(default_factory=Counter)  # (group, exempt) → n
    pledges: Counter = field(default_factory=Counter)  # (kind, form, state, on_time, evaluation) → n
    items: Counter = field(default_factory=Counter)  # (kind, result) → n
    sessions: Counter = field(default_factory=Counter)  # kind → n
    session_counts: Counter = field(default_factory=Counter)  # party / union / other / bridge_points → n
    attendance: Counter = field(default_factory=Counter)  # (kind, group) → n
    participants: Counter = field(default_factory=Counter)  # group → distinct people who studied the theme
    exemplars: Counter = field(default_factory=Counter)  # status → n
    commendations: Counter = field(default_factory=Counter)  # (recipient, form, authority, status) → n
    units: Counter = field(default_factory=Counter)  # cells / cells_without_exemplar / (MEETINGS, required, held)
    registrations: Counter = field(default_factory=Counter)  # ISO day a personal pledge was handed in → n

    def add(self, other: "Tallies", sign: int = 1) -> None:
        for name in self.__dataclass_fields__:
            counter = getattr(self, name)
            for key, n in getattr(other, name).items():
                counter[key] += sign * n
                if not counter[key]:
                    del counter[key]

    def minus(self, other: "Tallies") -> "Tallies":
        difference = Tallies()
        difference.add(self)
        difference.add(other, sign=-1)
        return difference

    def __bool__(self) -> bool:
        return any(getattr(self, name) for name in self.__dataclass_fields__)

    def to_json(self, *, without: tuple[str, ...] = ()) -> str:
        """Each counter as [keys, counts]; tuple keys become lists (JSON has no tuples)."""
        return json.dumps(
            {
                name: [[list(key) if isinstance(key, tuple) else key for key in counter], list(counter.values())]
                for name in self.__dataclass_fields__
                if name not in without and (counter := getattr(self, name))
            },
            separators=(",", ":"),
        )

    @classmethod
    def from_json(cls, text: str | None) -> "Tallies":
        tallies = cls()
        for name, (keys, counts) in json.loads(text or "{}").items():
            if name in TUPLE_KEYED:
                keys = map(tuple, keys)
            elif name not in SCALAR_KEYED:
                keys = (tuple(key) if isinstance(key, list) else key for key in keys)
            # An empty Counter takes a dict at C speed: figures read hundreds of these.
            getattr(tallies, name).update(dict(zip(keys, counts, strict=True)))
        return tallies


TUPLE_KEYED = {"people", "pledges", "items", "attendance", "commendations"}
SCALAR_KEYED = {"sessions", "session_counts", "participants", "exemplars", "registrations"}


def reference_date(year: int, today: datetime.date | None = None) -> datetime.date:
    """Who counts as a member of year Y: those belonging at its end, or today while it runs."""
    return min(datetime.date(year, 12, 31), today or timezone.localdate())


def expected_meetings(required: int, year: int, today: datetime.date) -> int:
    """Thematic meetings a cell should have held by now: all of them once the year is over,
    else in proportion to the quarters already ended."""
    if today.year > year:
        return required
    if today.year < year:
        return 0
    quarters_done = (today.month - 1) // 3
    return (required * quarters_done) // 4


def add_cell_units(tallies: Tallies, *, kind: str, required: int) -> None:
    """A cell counts itself: one cell, whether it has an exemplar, and its meetings against
    the required number (the histogram key, see MEETINGS)."""
    if kind not in CELL_KINDS:
        return
    tallies.units["cells"] += 1
    if not tallies.exemplars:
        tallies.units["cells_without_exemplar"] += 1
    held = min(tallies.sessions.get(SessionKind.THEMATIC, 0), required)
    tallies.units[(MEETINGS, required, held)] += 1


def count_own(year: int, organization_ids: Iterable[int] | QuerySet) -> dict[int, Tallies]:
    """Own counts of each organization in `organization_ids` (ids, or a subquery of ids)."""
    tallies: dict[int, Tallies] = defaultdict(Tallies)
    _count_people(tallies, year, organization_ids)
    _count_pledges(tallies, year, organization_ids)
    _count_items(tallies, year, organization_ids)
    _count_sessions(tallies, year, organization_ids)
    _count_attendance(tallies, year, organization_ids)
    _count_exemplars_and_commendations(tallies, year, organization_ids)
    return tallies


def _year_range(year: int) -> tuple[datetime.date, datetime.date]:
    return datetime.date(year, 1, 1), datetime.date(year, 12, 31)


def _count_people(tallies, year, organization_ids) -> None:
    day = reference_date(year)
    rows = (
        Membership.objects.filter(organization_id__in=organization_ids, start_on__lte=day)
        .filter(Q(end_on__isnull=True) | Q(end_on__gte=day))
        .values("organization_id", "person__category", "person__exemption")
        .annotate(n=Count("id"))
        .order_by()
        .values_list("organization_id", "person__category", "person__exemption", "n")
    )
    for org_id, category, exemption, n in rows:
        tallies[org_id].people[(category_group(category), bool(exemption))] += n


def _count_pledges(tallies, year, organization_ids) -> None:
    """Pledges by workflow state, and personal pledges handed in per day, in one query."""
    fields = ("organization_id", "kind", "form", "state", "on_time", "evaluation", "submitted_on")
    rows = (
        Pledge.objects.filter(year=year, organization_id__in=organization_ids)
        .values(*fields)
        .annotate(n=Count("id"))
        .order_by()
        .values_list(*fields, "n")
    )
    for org_id, kind, form, state, on_time, evaluation, submitted_on, n in rows:
        own = tallies[org_id]
        own.pledges[(kind, form, state, on_time, evaluation)] += n
        if kind == Pledge.Kind.PERSONAL and submitted_on is not None:
            own.registrations[submitted_on.isoformat()] += n


def _count_items(tallies, year, organization_ids) -> None:
    rows = (
        PledgeItem.objects.filter(pledge__year=year, pledge__organization_id__in=organization_ids)
        .values("pledge__organization_id", "pledge__kind", "result")
        .annotate(n=Count("id"))
        .order_by()
        .values_list("pledge__organization_id", "pledge__kind", "result", "n")
    )
    for org_id, kind, result, n in rows:
        tallies[org_id].items[(kind, result)] += n


def _count_sessions(tallies, year, organization_ids) -> None:
    rows = (
        StudySession.objects.filter(organization_id__in=organization_ids, held_on__range=_year_range(year))
        .values("organization_id", "kind")
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
        own = tallies[row["organization_id"]]
        own.sessions[row["kind"]] += row["n"]
        for key, name in (("party", "party"), ("union", "union"), ("other", "other"), ("bridge", "bridge_points")):
            own.session_counts[name] += row[key] or 0


def _count_attendance(tallies, year, organization_ids) -> None:
    through = StudySession.attendees.through
    base = through.objects.filter(
        studysession__organization_id__in=organization_ids, studysession__held_on__range=_year_range(year)
    )
    fields = ("studysession__organization_id", "studysession__kind", "person__category")
    for org_id, kind, category, n in base.values(*fields).annotate(n=Count("id")).order_by().values_list(*fields, "n"):
        tallies[org_id].attendance[(kind, category_group(category))] += n
    # Taking part in the year's theme: having attended a study of the theme that year.
    # Counted where the study was held: the organization the record was made in.
    year_theme = Q(studysession__theme__kind=Theme.Kind.YEARLY, studysession__theme__year=year)
    studied = (
        base.filter(Q(studysession__kind=SessionKind.STUDY) | year_theme)
        .values("studysession__organization_id", "person__category")
        .annotate(n=Count("person_id", distinct=True))
        .order_by()
        .values_list("studysession__organization_id", "person__category", "n")
    )
    for org_id, category, n in studied:
        tallies[org_id].participants[category_group(category)] += n


def _count_exemplars_and_commendations(tallies, year, organization_ids) -> None:
    """Both small families in one round trip: a UNION of two GROUP BY queries with the same
    columns (organization, family, three keys, a recipient flag)."""
    exemplars = (
        Exemplar.objects.filter(year=year, organization_id__in=organization_ids)
        .annotate(
            o=F("organization_id"),
            family=Value("exemplar"),
            k1=F("status"),
            k2=Value(""),
            k3=Value(""),
            person=Value(False),
        )
        .values("o", "family", "k1", "k2", "k3", "person")
        .annotate(n=Count("id"))
        .order_by()
    )
    commendations = (
        Commendation.objects.filter(year=year, organization_id__in=organization_ids)
        .annotate(
            o=F("organization_id"),
            family=Value("commendation"),
            k1=F("form"),
            k2=F("authority"),
            k3=F("status"),
            person=ExpressionWrapper(Q(recipient_person__isnull=False), output_field=BooleanField()),
        )
        .values("o", "family", "k1", "k2", "k3", "person")
        .annotate(n=Count("id"))
        .order_by()
    )
    for row in exemplars.union(commendations, all=True):
        own = tallies[row["o"]]
        if row["family"] == "exemplar":
            own.exemplars[row["k1"]] += row["n"]
        else:
            recipient = "person" if row["person"] else "collective"
            own.commendations[(recipient, row["k1"], row["k2"], row["k3"])] += row["n"]
