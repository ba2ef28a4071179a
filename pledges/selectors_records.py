"""Read-side queries of the record lists of a year: study sessions, exemplars, commendations.

Each list shows records and, above them, the year's counts (by kind, status, form and
recipient). Both come from here, in a number of queries that does not grow with the records.
"""

import datetime
from collections import Counter
from dataclasses import dataclass

from django.db.models import Count, F, Prefetch, Q, QuerySet

from committees.models import Organization, Person, subtree_q
from pledges.models import Commendation, CommendationForm, Exemplar, StudySession

# Who a commendation goes to.
PERSON = "person"
COLLECTIVE = "collective"
RECIPIENTS = {
    PERSON: Q(recipient_person__isnull=False),
    COLLECTIVE: Q(recipient_organization__isnull=False),
}

# --- study sessions --------------------------------------------------------------------------


@dataclass(frozen=True)
class SessionList:
    sessions: list[StudySession]  # shown (of the chosen kind), newest first
    counts: dict[str, int]  # kind → sessions of the year, whatever the kind shown

    @property
    def total(self) -> int:
        return sum(self.counts.values())

    @property
    def attendance_total(self) -> int:
        """Attendance over the sessions shown."""
        return sum(session.attendance for session in self.sessions)


def year_sessions(*, organization: Organization, year: int, kind: str | None = None) -> SessionList:
    """The organization's own sessions held in `year` (2 queries). Each carries `ticked`, the
    attendees on the list, and `attendance`, those plus the head counts."""
    in_year = StudySession.objects.filter(
        organization=organization, held_on__range=(datetime.date(year, 1, 1), datetime.date(year, 12, 31))
    )
    counts = dict(in_year.order_by().values_list("kind").annotate(n=Count("pk")))
    sessions = (
        (in_year.filter(kind=kind) if kind else in_year)
        .select_related("theme")
        .annotate(
            ticked=Count("attendees"),
            attendance=Count("attendees") + F("extra_party_members") + F("extra_union_members") + F("extra_others"),
        )
        .order_by("-held_on", "-pk")
    )
    return SessionList(sessions=list(sessions), counts=counts)


# --- exemplars -------------------------------------------------------------------------------


@dataclass(frozen=True)
class ExemplarList:
    rows: QuerySet[Exemplar]  # shown (of the chosen status), unevaluated: the page slices it
    counts: dict[str, int]  # status → exemplars of the year

    @property
    def total(self) -> int:
        return sum(self.counts.values())


def year_exemplars(*, organization: Organization, year: int, status: str | None = None) -> ExemplarList:
    """Exemplars of the organization's subtree in `year` (1 query for the counts; a page of
    rows costs a count, the rows and their people)."""
    in_year = Exemplar.objects.filter(subtree_q(organization.path, field="organization__path"), year=year)
    counts = dict(in_year.order_by().values_list("status").annotate(n=Count("pk")))
    rows = (
        (in_year.filter(status=status) if status else in_year)
        .select_related("organization")
        .prefetch_related(Prefetch("people", queryset=Person.objects.order_by("search_key")))
        .order_by("organization__path", "name", "pk")
    )
    return ExemplarList(rows=rows, counts=counts)


# --- commendations ---------------------------------------------------------------------------


@dataclass(frozen=True)
class CommendationList:
    rows: QuerySet[Commendation]  # shown (status and recipient chosen), unevaluated
    by_status: dict[str, int]  # status → commendations of the year
    # (form label, individuals, collectives) in the order of the forms, within the chosen status
    form_rows: list[tuple[str, int, int]]
    by_recipient: dict[str, int]  # PERSON / COLLECTIVE → n, within the chosen status

    @property
    def total(self) -> int:
        return sum(self.by_status.values())


def year_commendations(
    *, organization: Organization, year: int, status: str | None = None, recipient: str | None = None
) -> CommendationList:
    """Commendations made in the organization's subtree in `year`. One grouped query gives
    every count: per status, and (within the chosen status) individuals and collectives per
    form; the recipient filter narrows the rows only."""
    in_year = Commendation.objects.filter(subtree_q(organization.path, field="organization__path"), year=year)
    groups = (
        in_year.order_by()
        .values_list("form", "status")
        .annotate(people=Count("pk", filter=RECIPIENTS[PERSON]), collectives=Count("pk", filter=RECIPIENTS[COLLECTIVE]))
    )
    by_status: Counter = Counter()
    by_form: dict[str, Counter] = {}
    for form, row_status, people, collectives in groups:
        by_status[row_status] += people + collectives
        if status is None or row_status == status:
            tally = by_form.setdefault(form, Counter())
            tally[PERSON] += people
            tally[COLLECTIVE] += collectives
    rows = in_year
    if status:
        rows = rows.filter(status=status)
    if recipient:
        rows = rows.filter(RECIPIENTS[recipient])
    rows = rows.select_related("organization", "recipient_person", "recipient_organization", "proposed_to").order_by(
        "organization__path", "-decision_date", "-pk"
    )
    return CommendationList(
        rows=rows,
        by_status=dict(by_status),
        form_rows=[
            (label, by_form[value][PERSON], by_form[value][COLLECTIVE])
            for value, label in CommendationForm.choices
            if value in by_form
        ],
        by_recipient={kind: sum(tally[kind] for tally in by_form.values()) for kind in (PERSON, COLLECTIVE)},
    )
