"""The only door: every "may this user see or change this" is answered here.

A role granted on an organization covers its whole subtree (materialized-path prefix).
Out of scope answers 404 (never reveal that an object exists); in scope without the
right answers 403. A user's grants are read once per request and cached on the user.
"""

from dataclasses import dataclass
from enum import StrEnum

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.http import Http404

from committees.models import Organization, Person, Role, RoleAssignment, YearOpening, subtree_q


class Perm(StrEnum):
    VIEW = "view"
    ENTER = "enter"  # people, pledges, sessions, exemplars, commendations
    APPROVE = "approve"  # accept / return pledges, year-end evaluation
    REPORT = "report"  # year-end reports: open, render, finalize
    NARRATIVE = "narrative"  # write the report's narrative paragraphs
    HISTORY = "history"  # read the change history of records
    REOPEN = "reopen"  # reopen a closed year
    IMPORT = "import"  # upload spreadsheets of people and pledges
    AUDIT = "audit"  # read the log of who downloaded personal data
    PLAN = "plan"  # open a reporting year, write the year's plan, register directives
    ORGANIZE = "organize"  # create, rename, move, merge and dissolve organizations of the subtree
    ACCOUNTS = "accounts"  # create accounts, grant and revoke roles inside the subtree


ROLE_PERMISSIONS: dict[str, frozenset[Perm]] = {
    Role.SECRETARY: frozenset({Perm.VIEW, Perm.ENTER, Perm.APPROVE, Perm.PLAN}),
    Role.CLERK: frozenset(
        {
            Perm.VIEW,
            Perm.REPORT,
            Perm.NARRATIVE,
            Perm.HISTORY,
            Perm.REOPEN,
            Perm.IMPORT,
            Perm.AUDIT,
            Perm.PLAN,
            Perm.ORGANIZE,
            Perm.ACCOUNTS,
        }
    ),
    Role.REVIEWER: frozenset({Perm.VIEW}),
}
ALL_PERMS = frozenset(Perm)
WRITE_PERMS = frozenset(
    {
        Perm.ENTER,
        Perm.APPROVE,
        Perm.REPORT,
        Perm.NARRATIVE,
        Perm.REOPEN,
        Perm.IMPORT,
        Perm.PLAN,
        Perm.ORGANIZE,
        Perm.ACCOUNTS,
    }
)
# What survives on a dissolved organization: its history stays readable, its past reports producible.
READ_ONLY_PERMS = frozenset({Perm.VIEW, Perm.HISTORY, Perm.REPORT, Perm.AUDIT})


@dataclass(frozen=True)
class Grant:
    assignment_id: int
    organization_id: int
    organization_name: str
    path: str
    role: str


class Scope:
    """What one user may reach, computed from their role assignments."""

    def __init__(self, *, grants: list[Grant], is_superuser: bool):
        self.grants = grants
        self.is_superuser = is_superuser
        self.root_paths = _outermost_paths([g.path for g in grants])

    @property
    def is_empty(self) -> bool:
        return not self.is_superuser and not self.grants

    def q(self, path_field: str = "path") -> Q:
        """A filter on `path_field` matching everything in scope (nothing when empty)."""
        if self.is_superuser:
            return Q()
        if not self.root_paths:
            return Q(pk__in=[])
        condition = Q()
        for path in self.root_paths:
            condition |= subtree_q(path, field=path_field)
        return condition

    def covers(self, path: str) -> bool:
        return self.is_superuser or any(path.startswith(root) for root in self.root_paths)

    def perms_for_path(self, path: str) -> frozenset[Perm]:
        if self.is_superuser:
            return ALL_PERMS
        perms: set[Perm] = set()
        for grant in self.grants:
            if path.startswith(grant.path):
                perms |= ROLE_PERMISSIONS[grant.role]
        return frozenset(perms)

    def perms_for(self, organization: Organization) -> frozenset[Perm]:
        perms = self.perms_for_path(organization.path)
        if organization.is_dissolved:
            # An archived organization keeps its history readable; nothing new is written.
            perms = perms & READ_ONLY_PERMS
        return perms

    def root_organization_ids(self) -> list[int | None]:
        """The organizations at the top of the scope; `[None]` (the whole tree) for a superuser."""
        if self.is_superuser:
            return [None]
        by_path = {grant.path: grant.organization_id for grant in self.grants}
        return [by_path[path] for path in self.root_paths]

    def has_role(self, role: str) -> bool:
        return any(grant.role == role for grant in self.grants)


def _outermost_paths(paths: list[str]) -> list[str]:
    roots: list[str] = []
    for path in sorted(set(paths)):
        if not any(path.startswith(root) for root in roots):
            roots.append(path)
    return roots


def scope_for(user) -> Scope:
    """The user's scope, cached on the user object for the rest of the request."""
    cached = getattr(user, "_scope_cache", None)
    if cached is not None:
        return cached
    if not user.is_authenticated or not user.is_active:
        scope = Scope(grants=[], is_superuser=False)
    else:
        rows = (
            RoleAssignment.objects.filter(user=user, organization__dissolved_on__isnull=True)
            .select_related("organization")
            .order_by("organization__path", "role")
        )
        grants = [
            Grant(
                assignment_id=row.pk,
                organization_id=row.organization_id,
                organization_name=row.organization.name,
                path=row.organization.path,
                role=row.role,
            )
            for row in rows
        ]
        scope = Scope(grants=grants, is_superuser=user.is_superuser)
    user._scope_cache = scope
    return scope


def organizations_visible_to(user) -> QuerySet[Organization]:
    return Organization.objects.filter(scope_for(user).q("path"))


def scope_filter(queryset: QuerySet, user, *, via: str = "organization") -> QuerySet:
    """Restrict `queryset` to rows whose organization (reached through `via`) is in scope."""
    return queryset.filter(scope_for(user).q(f"{via}__path"))


def perms_for(user, organization: Organization) -> frozenset[Perm]:
    return scope_for(user).perms_for(organization)


def require(user, organization: Organization, perm: Perm) -> None:
    """404 if the organization is out of scope, 403 if the user lacks `perm` on it."""
    scope = scope_for(user)
    if not scope.covers(organization.path):
        raise Http404
    if perm not in scope.perms_for(organization):
        raise PermissionDenied


def get_organization_for_user_or_404(user, pk, perm: Perm = Perm.VIEW) -> Organization:
    organization = _get_or_404(organizations_visible_to(user), pk)
    require(user, organization, perm)
    return organization


# --- the tree from the pages ------------------------------------------------------------------
# Founding a unit needs `organize` on its parent (the clerk's own organization included).
# Renaming, moving, merging and dissolving a unit is a decision of its superiors: it needs
# `organize` granted on an organization strictly above the unit, so a clerk never reorganizes
# the organization it was granted on, and only the superuser acts on a root.


def _organize_paths(scope: Scope) -> list[str]:
    return [grant.path for grant in scope.grants if Perm.ORGANIZE in ROLE_PERMISSIONS[grant.role]]


def may_reorganize(user, organization: Organization) -> bool:
    """May the user rename, move, merge or dissolve `organization` (see above)?"""
    scope = scope_for(user)
    if Perm.ORGANIZE not in scope.perms_for(organization):
        return False
    path = organization.path
    return scope.is_superuser or any(path != above and path.startswith(above) for above in _organize_paths(scope))


def get_organization_to_reorganize_or_404(user, pk) -> Organization:
    """404 out of scope; 403 in scope unless `may_reorganize`."""
    organization = _get_or_404(organizations_visible_to(user), pk)
    if not may_reorganize(user, organization):
        raise PermissionDenied
    return organization


def organizations_to_organize(user) -> QuerySet[Organization]:
    """Where the user may place a unit (a new parent, a merge target): the subtrees of the grants
    carrying `organize`. Dissolved organizations are included, so that choosing one is refused
    with the service's reason rather than as unknown; offer only the active ones."""
    scope = scope_for(user)
    if scope.is_superuser:
        return Organization.objects.all()
    condition = Q(pk__in=[])
    for path in _outermost_paths(_organize_paths(scope)):
        condition |= subtree_q(path)
    return Organization.objects.filter(condition)


def get_person_for_user_or_404(user, pk, perm: Perm = Perm.VIEW) -> Person:
    person = _get_or_404(scope_filter(Person.objects.select_related("organization"), user), pk)
    require(user, person.organization, perm)
    return person


def get_year_opening_for_user_or_404(user, pk, perm: Perm = Perm.VIEW) -> YearOpening:
    """An opening of a year: that of a subtree follows its organization; one of the whole tree
    concerns everyone, so only the superuser reaches it."""
    opening = _get_or_404(YearOpening.objects.select_related("organization", "requested_by"), pk)
    if opening.organization is None:
        if not scope_for(user).is_superuser:
            raise Http404
        return opening
    require(user, opening.organization, perm)
    return opening


def get_in_scope_or_404(queryset: QuerySet, user, pk, perm: Perm = Perm.VIEW, *, via: str = "organization"):
    """The generic door for records that carry an organization: fetch in scope, then check `perm`."""
    obj = _get_or_404(scope_filter(queryset, user, via=via).select_related(via), pk)
    organization = obj
    for part in via.split("__"):
        organization = getattr(organization, part)
    require(user, organization, perm)
    return obj


def _get_or_404(queryset: QuerySet, pk):
    try:
        return queryset.get(pk=int(pk))
    except (queryset.model.DoesNotExist, ValueError, TypeError):
        raise Http404 from None


# --- accounts and roles: who may manage whose access ---------------------------------------------
# A clerk manages the accounts of its subtree (Perm.ACCOUNTS); the roots of the tree belong to the
# superuser alone. The services of committees/accounts.py ask these, and so do the account pages.


def accounts_root_paths(user) -> list[str] | None:
    """The tops of the subtrees where `user` holds ACCOUNTS; None for the superuser (everywhere)."""
    scope = scope_for(user)
    if scope.is_superuser:
        return None
    return _outermost_paths([g.path for g in scope.grants if Perm.ACCOUNTS in ROLE_PERMISSIONS[g.role]])


def manages_accounts_at(user, path: str) -> bool:
    """Whether the organization at `path` lies in the user's ACCOUNTS scope, a root only for the
    superuser. Used for grants already made (revoke, deactivate): a grant on a dissolved
    organization inside the scope gives no access, and may still be tidied away."""
    roots = accounts_root_paths(user)
    if roots is None:
        return True
    if len(path) <= Organization.steplen:  # a root of the tree
        return False
    return any(path.startswith(root) for root in roots)


def may_manage_accounts_on(user, organization: Organization) -> bool:
    """May `user` create an account or grant a role on `organization`? It needs ACCOUNTS there
    (never on a dissolved organization), and only the superuser grants at a root."""
    if Perm.ACCOUNTS not in perms_for(user, organization):
        return False
    return organization.depth > 1 or scope_for(user).is_superuser


def organizations_for_accounts(user, *, within: Organization | None = None) -> QuerySet[Organization]:
    """The organizations where `user` may create accounts and grant roles (`may_manage_accounts_on`),
    optionally only those of the subtree of `within`, in tree order."""
    organizations = Organization.objects.filter(dissolved_on__isnull=True)
    roots = accounts_root_paths(user)
    if roots is not None:
        if not roots:
            return organizations.none()
        condition = Q()
        for path in roots:
            condition |= subtree_q(path)
        organizations = organizations.filter(condition, depth__gt=1)
    if within is not None:
        organizations = organizations.filter(subtree_q(within.path))
    return organizations.order_by("path")


def accounts_under(user, organization: Organization) -> QuerySet:
    """The accounts seen from `organization`, where `user` already holds ACCOUNTS: those with a role
    in its subtree (on a dissolved organization too), and those without any role that `user`
    created (any account without a role, for the superuser)."""
    with_role = RoleAssignment.objects.filter(subtree_q(organization.path, field="organization__path"))
    roleless = Q(~Exists(RoleAssignment.objects.filter(user=OuterRef("pk"))))
    if not scope_for(user).is_superuser:
        roleless &= Q(account_profile__created_by=user)
    return get_user_model().objects.filter(Q(pk__in=with_role.values("user_id")) | roleless)


def get_account_for_user_or_404(user, organization: Organization, pk):
    """An account seen from `organization` (see `accounts_under`): 404 when it is not one of them.
    The caller has already checked ACCOUNTS on `organization` (`get_organization_for_user_or_404`)."""
    return _get_or_404(accounts_under(user, organization).select_related("account_profile"), pk)
