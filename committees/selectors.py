"""Read-side queries on the tree and people. Each returns in a fixed number of queries."""

import datetime
from dataclasses import dataclass

from django.db.models import Count, F, Q, QuerySet
from django.db.models.functions import Substr
from django.utils import timezone

from committees.models import CELL_KINDS, DownloadLog, Organization, Person, YearOpening, ancestor_paths, subtree_q
from committees.permissions import Scope, scope_filter
from committees.text import search_key, vietnamese_sort_key


@dataclass(frozen=True)
class ChildSummary:
    organization: Organization
    units: int  # organizations in the child's subtree, itself included
    cells: int
    people: int


def organization_children_with_counts(*, organization: Organization) -> list[ChildSummary]:
    """The children of `organization` with counts over each child's subtree (3 queries)."""
    # Active children first on every database (PostgreSQL sorts NULL last by default, SQLite first).
    children = list(
        Organization.objects.get_children(organization).order_by(F("dissolved_on").asc(nulls_first=True), "path")
    )
    prefix_length = (organization.depth + 1) * Organization.steplen
    units = (
        Organization.objects.filter(subtree_q(organization.path), depth__gt=organization.depth)
        .annotate(prefix=Substr("path", 1, prefix_length))
        .order_by()  # the tree manager orders by path, which would split the groups
        .values("prefix")
        .annotate(
            units=Count("id", filter=Q(dissolved_on__isnull=True)),
            cells=Count("id", filter=Q(dissolved_on__isnull=True, kind__in=CELL_KINDS)),
        )
    )
    people = (
        Person.objects.filter(subtree_q(organization.path, field="organization__path"), left_on__isnull=True)
        .annotate(prefix=Substr("organization__path", 1, prefix_length))
        .order_by()
        .values("prefix")
        .annotate(people=Count("id"))
    )
    units_by_prefix = {row["prefix"]: row for row in units}
    people_by_prefix = {row["prefix"]: row["people"] for row in people}
    return [
        ChildSummary(
            organization=child,
            units=units_by_prefix.get(child.path, {}).get("units", 0),
            cells=units_by_prefix.get(child.path, {}).get("cells", 0),
            people=people_by_prefix.get(child.path, 0),
        )
        for child in children
    ]


@dataclass(frozen=True)
class Crumb:
    organization: Organization
    reachable: bool


def organization_breadcrumbs(*, organization: Organization, scope: Scope) -> list[Crumb]:
    """The path from the root to `organization`; ancestors above the user's scope are not links."""
    ancestors = list(Organization.objects.get_ancestors(organization)) + [organization]
    return [Crumb(organization=org, reachable=scope.covers(org.path)) for org in ancestors]


def organization_people(*, organization: Organization, include_left: bool = False) -> list[Person]:
    """Members of one organization, in the order of official lists (given name first)."""
    people = Person.objects.filter(organization=organization)
    if not include_left:
        people = people.filter(left_on__isnull=True)
    return sorted(people, key=lambda person: vietnamese_sort_key(person.full_name))


def people_search(*, user, query: str, limit: int = 50) -> list[Person]:
    """People in the user's scope whose name contains `query`, ignoring marks and case."""
    key = search_key(query)
    if len(key) < 2:
        return []
    people: QuerySet[Person] = scope_filter(
        Person.objects.select_related("organization").filter(search_key__contains=key), user
    )
    return sorted(people[:limit], key=lambda person: vietnamese_sort_key(person.full_name))


def scope_root_organizations(*, scope: Scope) -> list[Organization]:
    """The organizations at the top of a user's scope."""
    if scope.is_superuser:
        return list(Organization.objects.filter(depth=1))
    return list(Organization.objects.filter(path__in=scope.root_paths))


def download_log_entries(
    *,
    organization: Organization,
    since: datetime.date | None = None,
    until: datetime.date | None = None,
    kind: str | None = None,
) -> QuerySet[DownloadLog]:
    """Download log entries about `organization` and its subtree, newest first.

    `since` and `until` are local dates, both included. They become a range on `created_at`
    (not `created_at__date`), which the index on (organization, created_at) can serve.
    """
    entries = DownloadLog.objects.filter(subtree_q(organization.path, field="organization__path"))
    if since is not None:
        entries = entries.filter(created_at__gte=_start_of(since))
    if until is not None:
        entries = entries.filter(created_at__lt=_start_of(until + datetime.timedelta(days=1)))
    if kind:
        entries = entries.filter(kind=kind)
    return entries.select_related("user", "organization").order_by("-created_at", "-pk")


def _start_of(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


def year_openings_of(*, organization: Organization) -> list[YearOpening]:
    """The openings that cover the organization: its own, its superiors' and the whole tree's."""
    return list(
        YearOpening.objects.filter(
            Q(organization__isnull=True) | Q(organization__path__in=ancestor_paths(organization.path))
        )
        .select_related("organization", "requested_by")
        .order_by("-year", "-created_at")[:20]
    )
