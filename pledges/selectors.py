"""Read-side queries for the secretary's screens. Each runs in a fixed number of queries."""

import datetime
from collections import Counter
from dataclasses import dataclass

from django.db.models import Count, Prefetch, Q
from django.utils.translation import gettext_lazy as _

from committees.models import Membership, Organization, Person
from committees.text import vietnamese_sort_key
from pledges.models import Pledge, PledgeItem, PledgeState


def members_in_year(*, organization: Organization, year: int) -> list[Person]:
    """People who belonged to `organization` at some time in `year`, official-list order."""
    start, end = datetime.date(year, 1, 1), datetime.date(year, 12, 31)
    memberships = (
        Membership.objects.filter(organization=organization, start_on__lte=end)
        .filter(Q(end_on__isnull=True) | Q(end_on__gte=start))
        .select_related("person")
    )
    people = {m.person_id: m.person for m in memberships}
    return sorted(people.values(), key=lambda person: vietnamese_sort_key(person.full_name))


class RosterStatus:
    MISSING = "missing"
    EXEMPT = "exempt"
    DRAFT = "draft"
    ON_TIME = "on_time"
    LATE = "late"
    ACCEPTED = "accepted"
    RETURNED = "returned"
    EVALUATED = "evaluated"

    LABELS = {
        MISSING: _("Chưa đăng ký"),
        EXEMPT: _("Được miễn"),
        DRAFT: _("Nháp"),
        ON_TIME: _("Đã nộp đúng hạn"),
        LATE: _("Đã nộp muộn"),
        ACCEPTED: _("Chi bộ đã duyệt"),
        RETURNED: _("Trả lại để sửa"),
        EVALUATED: _("Đã đánh giá"),
    }
    BADGES = {
        MISSING: "danger",
        EXEMPT: "secondary",
        DRAFT: "warning",
        ON_TIME: "info",
        LATE: "warning",
        ACCEPTED: "success",
        RETURNED: "danger",
        EVALUATED: "primary",
    }
    ORDER = [MISSING, DRAFT, RETURNED, ON_TIME, LATE, ACCEPTED, EVALUATED, EXEMPT]


def pledge_status(pledge: Pledge | None, person: Person) -> str:
    if pledge is None:
        return RosterStatus.EXEMPT if person.is_exempt else RosterStatus.MISSING
    if pledge.state == PledgeState.SUBMITTED:
        return RosterStatus.ON_TIME if pledge.on_time else RosterStatus.LATE
    return {
        PledgeState.DRAFT: RosterStatus.DRAFT,
        PledgeState.ACCEPTED: RosterStatus.ACCEPTED,
        PledgeState.RETURNED: RosterStatus.RETURNED,
        PledgeState.EVALUATED: RosterStatus.EVALUATED,
    }[pledge.state]


@dataclass(frozen=True)
class RosterRow:
    person: Person
    pledge: Pledge | None
    status: str

    @property
    def status_label(self) -> str:
        return RosterStatus.LABELS[self.status]

    @property
    def badge(self) -> str:
        return RosterStatus.BADGES[self.status]


@dataclass(frozen=True)
class Roster:
    rows: list[RosterRow]
    counts: dict[str, int]

    @property
    def total(self) -> int:
        return len(self.rows)

    @property
    def required(self) -> int:
        return self.total - self.counts.get(RosterStatus.EXEMPT, 0)

    @property
    def registered(self) -> int:
        return sum(1 for row in self.rows if row.pledge is not None)


def roster(*, organization: Organization, year: int, status: str | None = None) -> Roster:
    """Each member of a cell in `year` with their pledge and its state (3 queries)."""
    people = members_in_year(organization=organization, year=year)
    pledges = {
        p.person_id: p
        for p in Pledge.objects.filter(person__in=[p.pk for p in people], year=year, kind=Pledge.Kind.PERSONAL)
        .annotate(item_count=Count("items"))
        .order_by()
    }
    rows = [RosterRow(person=p, pledge=pledges.get(p.pk), status=pledge_status(pledges.get(p.pk), p)) for p in people]
    counts = Counter(row.status for row in rows)
    if status:
        rows = [row for row in rows if row.status == status]
    return Roster(rows=rows, counts=dict(counts))


def pledge_with_items(*, pledge_id: int) -> Pledge:
    return (
        Pledge.objects.select_related("person", "organization", "reviewed_by", "evaluated_by")
        .prefetch_related(Prefetch("items", queryset=PledgeItem.objects.order_by("position", "pk")))
        .get(pk=pledge_id)
    )


def cell_pledges_for_evaluation(*, organization: Organization, year: int) -> list[Pledge]:
    pledges = (
        Pledge.objects.filter(organization=organization, year=year, kind=Pledge.Kind.PERSONAL)
        .select_related("person")
        .annotate(
            item_count=Count("items"),
            done_count=Count("items", filter=Q(items__result="done")),
        )
        .order_by()
    )
    return sorted(pledges, key=lambda p: vietnamese_sort_key(p.person.full_name))
