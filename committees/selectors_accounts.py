"""Read-side queries of the account pages; each returns in a fixed number of queries."""

import datetime

from django.contrib.auth import get_user_model
from django.db.models import Prefetch, Q, QuerySet
from django.utils import timezone

from committees.models import Organization, RoleAssignment, RoleEvent, subtree_q
from committees.permissions import accounts_under

User = get_user_model()


def roles_in(organization: Organization) -> QuerySet[RoleAssignment]:
    return RoleAssignment.objects.filter(subtree_q(organization.path, field="organization__path")).select_related(
        "organization"
    )


def accounts_list(*, user, organization: Organization, query: str = "") -> QuerySet:
    """The accounts seen from `organization` (committees.permissions.accounts_under), each with its
    roles in the subtree (prefetched) and its profile, optionally searched by name, username or e-mail."""
    accounts = accounts_under(user, organization)
    query = query.strip()
    if query:
        accounts = accounts.filter(
            Q(username__icontains=query) | Q(first_name__icontains=query) | Q(email__icontains=query)
        )
    return (
        accounts.select_related("account_profile")
        .prefetch_related(Prefetch("roles", queryset=roles_in(organization).order_by("organization__path", "role")))
        .order_by("username")
    )


def account_events(*, account, organization: Organization, limit: int = 20) -> list[RoleEvent]:
    """The latest changes of access of `account` seen from `organization`: those on its subtree,
    and those about the whole account recorded without an organization."""
    events = RoleEvent.objects.filter(
        Q(user=account) & (subtree_q(organization.path, field="organization__path") | Q(organization__isnull=True))
    )
    return list(events.select_related("actor", "organization").order_by("-created_at", "-pk")[:limit])


def role_events(
    *,
    organization: Organization,
    since: datetime.date | None = None,
    until: datetime.date | None = None,
    kind: str | None = None,
) -> QuerySet[RoleEvent]:
    """Changes of access on `organization` and its subtree, newest first; `since` and `until` are
    local dates, both included (a range on `created_at`, which the index can serve)."""
    events = RoleEvent.objects.filter(subtree_q(organization.path, field="organization__path"))
    if since is not None:
        events = events.filter(created_at__gte=_start_of(since))
    if until is not None:
        events = events.filter(created_at__lt=_start_of(until + datetime.timedelta(days=1)))
    if kind:
        events = events.filter(kind=kind)
    return events.select_related("actor", "user", "organization").order_by("-created_at", "-pk")


def _start_of(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))
