"""Read-side queries of the report pages and of the report's text.

The records a report names besides its figures (online conferences, award decisions,
proposals and to whom) are read here, each year along its own year's tree, like the figures
(reports/statistics.py), so a unit moved after a year still speaks under that year's parent.
"""

import datetime
from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import Count, Q, QuerySet

from committees.models import Organization, OrganizationYear, subtree_q
from pledges.models import Commendation, CommendationForm, SessionKind, StudySession
from reports.models import Report, ReportRender


def renders_of(report: Report) -> list[ReportRender]:
    return list(report.renders.select_related("requested_by").order_by("-created_at")[:30])


@dataclass(frozen=True)
class ChildReport:
    organization: Organization
    report: Report | None


def children_reports(*, organization: Organization, year: int) -> list[ChildReport]:
    """Each child organization with its report of the year, if any (2 queries)."""
    children = list(Organization.objects.get_children(organization).filter(dissolved_on__isnull=True))
    reports = {
        r.organization_id: r
        for r in Report.objects.filter(organization__in=children, year=year, first_year__isnull=True).select_related(
            "final_render"
        )
    }
    return [ChildReport(organization=child, report=reports.get(child.pk)) for child in children]


@dataclass(frozen=True)
class SpanReport:
    report: Report
    renders: list[ReportRender]


SPAN_RENDERS_SHOWN = 5


def span_reports(*, organization: Organization) -> list[SpanReport]:
    """The organization's reports over a span of years (sơ kết / tổng kết giai đoạn), the
    latest span first, each with its latest renders."""
    reports = Report.objects.filter(organization=organization, first_year__isnull=False).select_related("final_render")
    return [
        SpanReport(report=report, renders=renders_of(report)[:SPAN_RENDERS_SHOWN])
        for report in reports.order_by("-year", "-first_year")
    ]


# --- records a report names ----------------------------------------------------------------


def _in_year_trees(organization: Organization, years: Iterable[int], year_q) -> Q:
    """Records of the organization's subtree, each year in that year's tree: `year_q(year)`
    selects the records of a year."""
    roots = OrganizationYear.objects.filter(organization=organization, year__in=list(years)).values_list("year", "path")
    condition = Q(pk__in=[])
    for year, path in roots:
        members = OrganizationYear.objects.filter(subtree_q(path), year=year).values("organization_id")
        condition |= year_q(year) & Q(organization_id__in=members)
    return condition


def _held_in(year: int) -> Q:
    return Q(held_on__range=(datetime.date(year, 1, 1), datetime.date(year, 12, 31)))


@dataclass(frozen=True)
class OnlineConference:
    """An online conference (hội nghị trực tuyến) with its bridge points and participants."""

    held_on: datetime.date
    topic: str
    bridge_points: int
    participants: int  # attendees ticked on the list, plus the head counts

    @property
    def key(self) -> str:
        return f"{self.topic} ({self.held_on.isoformat()})"


def online_conferences(*, organization: Organization, years: Iterable[int]) -> list[OnlineConference]:
    """The online conferences held in the subtree over `years`, in date order (1 query)."""
    sessions = (
        StudySession.objects.filter(_in_year_trees(organization, years, _held_in), kind=SessionKind.ONLINE)
        .annotate(ticked=Count("attendees"))
        .order_by("held_on", "pk")
    )
    return [
        OnlineConference(
            held_on=session.held_on,
            topic=session.topic,
            bridge_points=session.bridge_points,
            participants=session.ticked
            + session.extra_party_members
            + session.extra_union_members
            + session.extra_others,
        )
        for session in sessions
    ]


def _recipients() -> dict:
    return {
        "collectives": Count("pk", filter=Q(recipient_organization__isnull=False)),
        "persons": Count("pk", filter=Q(recipient_person__isnull=False)),
    }


def _commendations(organization: Organization, years: Iterable[int]) -> QuerySet:
    return Commendation.objects.filter(_in_year_trees(organization, years, lambda year: Q(year=year)))


@dataclass(frozen=True)
class AwardDecision:
    """Awards granted by one decision: who granted which form, on what occasion, to how many."""

    year: int
    occasion: str
    form: str
    authority: str
    decision_number: str
    decision_date: datetime.date | None
    collectives: int
    persons: int


def award_decisions(*, organization: Organization, years: Iterable[int]) -> list[AwardDecision]:
    """Awards (praise aside) granted in the subtree over `years`, one row per decision, in
    date order (1 query)."""
    fields = ("year", "occasion", "form", "authority", "decision_number", "decision_date")
    rows = (
        _commendations(organization, years)
        .filter(status=Commendation.Status.GRANTED)
        .exclude(form=CommendationForm.PRAISE)
        .order_by()
        .values(*fields)
        .annotate(**_recipients())
        .order_by("decision_date", "decision_number", "form")
    )
    return [AwardDecision(**row) for row in rows]


@dataclass(frozen=True)
class ProposalGroup:
    """Proposals for an award sent to one addressee (None: not recorded)."""

    addressee: Organization | None
    collectives: int
    persons: int


def proposals_by_addressee(*, organization: Organization, years: Iterable[int]) -> list[ProposalGroup]:
    """Pending proposals of the subtree over `years` by addressee, the highest addressee
    first, those without one last (2 queries)."""
    rows = list(
        _commendations(organization, years)
        .filter(status=Commendation.Status.PROPOSED)
        .order_by()
        .values("proposed_to")
        .annotate(**_recipients())
    )
    addressees = Organization.objects.in_bulk([row["proposed_to"] for row in rows if row["proposed_to"]])
    groups = [
        ProposalGroup(
            addressee=addressees.get(row["proposed_to"]), collectives=row["collectives"], persons=row["persons"]
        )
        for row in rows
    ]
    return sorted(groups, key=lambda g: (g.addressee is None, g.addressee.path if g.addressee else ""))
