"""The access door (committees/permissions.py), question by question, with exact answers.

The permission sweep (tests/test_permission_matrix.py) checks every page for every role; these
tests pin each helper of the door itself: scopes, permission sets, the 404/403 split, the tree
and the accounts helpers.
"""

import datetime

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import Http404

from committees.models import AccountProfile, Organization, Person, Role, YearOpening
from committees.permissions import (
    ALL_PERMS,
    READ_ONLY_PERMS,
    ROLE_PERMISSIONS,
    Grant,
    Perm,
    Scope,
    accounts_root_paths,
    accounts_under,
    get_account_for_user_or_404,
    get_in_scope_or_404,
    get_organization_for_user_or_404,
    get_organization_to_reorganize_or_404,
    get_person_for_user_or_404,
    get_year_opening_for_user_or_404,
    manages_accounts_at,
    may_manage_accounts_on,
    may_reorganize,
    organizations_for_accounts,
    organizations_to_organize,
    organizations_visible_to,
    perms_for,
    require,
    scope_filter,
    scope_for,
)
from pledges.models import Pledge, PledgeItem
from pledges.services.pledges import ItemInput, pledge_create
from tests.factories import UserFactory, grant

SECRETARY = ROLE_PERMISSIONS[Role.SECRETARY]
CLERK = ROLE_PERMISSIONS[Role.CLERK]
REVIEWER = ROLE_PERMISSIONS[Role.REVIEWER]


def a_grant(path: str, role: str, organization_id: int = 0) -> Grant:
    return Grant(assignment_id=0, organization_id=organization_id, organization_name=path, path=path, role=role)


def names(queryset) -> list[str]:
    return [organization.name for organization in queryset]


def subtree(*organizations) -> list[str]:
    """The names of these organizations' subtrees, in tree order."""
    paths = [organization.path for organization in organizations]
    return names(o for o in Organization.objects.order_by("path") if any(o.path.startswith(p) for p in paths))


def dissolve(organization) -> None:
    Organization.objects.filter(pk=organization.pk).update(dissolved_on=datetime.date(2024, 3, 1))
    organization.refresh_from_db()


# --- roles ------------------------------------------------------------------------------------


def test_each_role_grants_exactly_its_permissions():
    assert {Perm.VIEW, Perm.ENTER, Perm.APPROVE, Perm.PLAN} == SECRETARY
    assert {
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
    } == CLERK
    assert {Perm.VIEW} == REVIEWER
    assert {Perm.VIEW, Perm.HISTORY, Perm.REPORT, Perm.AUDIT} == READ_ONLY_PERMS
    assert set(Perm) == ALL_PERMS


# --- Scope, without the database -------------------------------------------------------------


def test_an_empty_scope_reaches_nothing():
    scope = Scope(grants=[], is_superuser=False)
    assert scope.is_empty is True
    assert scope.root_paths == []
    assert scope.covers("0001") is False
    assert scope.perms_for_path("0001") == frozenset()
    assert scope.root_organization_ids() == []
    assert scope.has_role(Role.CLERK) is False


def test_a_superuser_without_grants_reaches_everything():
    scope = Scope(grants=[], is_superuser=True)
    assert scope.is_empty is False
    assert scope.q() == Q()
    assert scope.covers("0009") is True
    assert scope.perms_for_path("00090001") == ALL_PERMS
    assert scope.root_organization_ids() == [None]
    assert scope.has_role(Role.CLERK) is False


def test_a_grant_covers_its_subtree_and_nothing_beside_it():
    scope = Scope(grants=[a_grant("00010002", Role.REVIEWER)], is_superuser=False)
    assert scope.is_empty is False
    assert scope.covers("00010002") and scope.covers("000100020003")
    assert not scope.covers("0001")  # its superior
    assert not scope.covers("00010003")  # its sibling
    assert not scope.covers("00020002")  # the same tail elsewhere
    assert scope.has_role(Role.REVIEWER) and not scope.has_role(Role.SECRETARY)


def test_root_paths_keep_only_the_outermost_grants_in_path_order():
    scope = Scope(
        grants=[
            a_grant("00020001", Role.SECRETARY, organization_id=21),
            a_grant("00010002", Role.SECRETARY, organization_id=12),
            a_grant("0001", Role.REVIEWER, organization_id=1),
            a_grant("00020001", Role.CLERK, organization_id=21),
            a_grant("000100020003", Role.CLERK, organization_id=123),
        ],
        is_superuser=False,
    )
    assert scope.root_paths == ["0001", "00020001"]
    assert scope.root_organization_ids() == [1, 21]


def test_permissions_on_a_path_add_up_the_roles_granted_above_it():
    scope = Scope(
        grants=[a_grant("0001", Role.REVIEWER), a_grant("00010002", Role.SECRETARY), a_grant("00010003", Role.CLERK)],
        is_superuser=False,
    )
    assert scope.perms_for_path("0001") == REVIEWER
    assert scope.perms_for_path("000100020001") == SECRETARY | REVIEWER
    assert scope.perms_for_path("00010003") == CLERK
    assert scope.perms_for_path("0002") == frozenset()


def test_a_dissolved_organization_keeps_only_the_read_permissions():
    scope = Scope(grants=[a_grant("0001", Role.CLERK), a_grant("0001", Role.SECRETARY)], is_superuser=False)
    active = Organization(path="00010001", depth=2)
    dissolved = Organization(path="00010002", depth=2, dissolved_on=datetime.date(2024, 1, 1))
    assert scope.perms_for(active) == CLERK | SECRETARY
    assert scope.perms_for(dissolved) == {Perm.VIEW, Perm.HISTORY, Perm.REPORT, Perm.AUDIT}
    superuser = Scope(grants=[], is_superuser=True)
    assert superuser.perms_for(dissolved) == READ_ONLY_PERMS


# --- the scope of a user ----------------------------------------------------------------------


def test_the_scope_lists_the_grants_of_active_organizations_in_tree_order(world):
    user = UserFactory(username="several")
    on_b1 = grant(user, world.cell_b1, Role.CLERK)
    on_a_reviewer = grant(user, world.committee_a, Role.REVIEWER)
    on_a_clerk = grant(user, world.committee_a, Role.CLERK)
    grant(user, world.cell_a2, Role.SECRETARY)
    dissolve(world.cell_a2)
    scope = scope_for(user)
    # By path, then by role on the same organization; not in the order they were granted.
    assert scope.grants == [
        Grant(on_a_clerk.pk, world.committee_a.pk, world.committee_a.name, world.committee_a.path, Role.CLERK),
        Grant(on_a_reviewer.pk, world.committee_a.pk, world.committee_a.name, world.committee_a.path, Role.REVIEWER),
        Grant(on_b1.pk, world.cell_b1.pk, world.cell_b1.name, world.cell_b1.path, Role.CLERK),
    ]
    assert scope.is_superuser is False
    assert scope.root_organization_ids() == [world.committee_a.pk, world.cell_b1.pk]


def test_anonymous_and_inactive_users_have_an_empty_scope(world):
    assert scope_for(AnonymousUser()).is_empty
    world.a_clerk.is_active = False
    assert scope_for(world.a_clerk).is_empty
    admin = world.admin
    admin.is_active = False
    assert scope_for(admin).is_superuser is False


def test_the_superuser_flag_comes_from_the_account(world):
    assert scope_for(world.admin).is_superuser is True
    assert scope_for(world.bloc_clerk).is_superuser is False


def test_the_scope_is_read_once_per_user_object(world, django_assert_num_queries):
    first = scope_for(world.a_clerk)
    with django_assert_num_queries(0):
        assert scope_for(world.a_clerk) is first


def test_the_scope_filters_organizations_by_their_path(world):
    scope = Scope(
        grants=[a_grant(world.committee_a.path, Role.REVIEWER), a_grant(world.cell_b1.path, Role.SECRETARY)],
        is_superuser=False,
    )
    assert names(Organization.objects.filter(scope.q()).order_by("path")) == subtree(world.committee_a, world.cell_b1)
    assert list(Organization.objects.filter(Scope(grants=[], is_superuser=False).q())) == []
    people = Person.objects.filter(scope.q("organization__path")).order_by("pk")
    assert list(people) == world.people_a1 + world.people_a2 + world.people_b1


def test_visible_organizations_are_the_subtrees_of_the_grants(world):
    assert names(organizations_visible_to(world.a_clerk)) == subtree(world.committee_a)
    assert names(organizations_visible_to(world.bloc_reviewer)) == subtree(world.bloc)
    assert names(organizations_visible_to(world.admin)) == subtree(world.province)
    assert names(organizations_visible_to(world.outsider)) == []
    two = UserFactory(username="two_cells")
    grant(two, world.cell_a1, Role.SECRETARY)
    grant(two, world.cell_b1, Role.SECRETARY)
    assert names(organizations_visible_to(two)) == [world.cell_a1.name, world.cell_b1.name]


def test_scope_filter_follows_the_organization_of_each_row(world):
    people = Person.objects.order_by("pk")
    assert list(scope_filter(people, world.a1_secretary)) == world.people_a1
    assert list(scope_filter(people, world.a_clerk)) == world.people_a1 + world.people_a2
    assert list(scope_filter(people, world.outsider)) == []
    assert scope_filter(people, world.admin).count() == Person.objects.count()
    pledge = pledge_create(person=world.people_b1[0], year=2024, items=[ItemInput("Một")])
    pledges = Pledge.objects.all()
    assert list(scope_filter(pledges, world.b1_secretary, via="person__organization")) == [pledge]
    assert list(scope_filter(pledges, world.a_clerk, via="person__organization")) == []


def test_perms_for_a_user_on_an_organization(world):
    assert perms_for(world.a1_secretary, world.cell_a1) == SECRETARY
    assert perms_for(world.a1_secretary, world.cell_a2) == frozenset()
    assert perms_for(world.bloc_reviewer, world.cell_b1) == REVIEWER
    assert perms_for(world.admin, world.province) == ALL_PERMS


# --- require and the get_*_or_404 helpers ------------------------------------------------------


def test_require_answers_404_out_of_scope_403_without_the_right(world):
    assert require(world.a1_secretary, world.cell_a1, Perm.ENTER) is None
    with pytest.raises(Http404):
        require(world.a1_secretary, world.cell_a2, Perm.VIEW)
    with pytest.raises(PermissionDenied):
        require(world.a1_secretary, world.cell_a1, Perm.REPORT)
    with pytest.raises(PermissionDenied):
        require(world.bloc_reviewer, world.cell_a1, Perm.ENTER)


def test_an_organization_is_fetched_in_scope_then_checked(world):
    assert get_organization_for_user_or_404(world.a_clerk, world.cell_a2.pk) == world.cell_a2
    assert get_organization_for_user_or_404(world.a_clerk, str(world.committee_a.pk), Perm.REPORT) == world.committee_a
    with pytest.raises(Http404):
        get_organization_for_user_or_404(world.a_clerk, world.committee_b.pk)
    with pytest.raises(PermissionDenied):
        get_organization_for_user_or_404(world.a_clerk, world.cell_a1.pk, Perm.ENTER)
    for bad in ("abc", None, 10**9):
        with pytest.raises(Http404):
            get_organization_for_user_or_404(world.admin, bad)


def test_a_person_is_fetched_through_their_organization(world):
    an = world.people_a1[0]
    assert get_person_for_user_or_404(world.a1_secretary, an.pk, Perm.ENTER) == an
    assert get_person_for_user_or_404(world.bloc_reviewer, an.pk) == an
    with pytest.raises(Http404):
        get_person_for_user_or_404(world.a2_secretary, an.pk)
    with pytest.raises(PermissionDenied):
        get_person_for_user_or_404(world.bloc_reviewer, an.pk, Perm.ENTER)
    with pytest.raises(Http404):
        get_person_for_user_or_404(world.a1_secretary, "x")


def test_a_record_is_fetched_through_the_organization_named_by_via(world):
    pledge = pledge_create(person=world.people_a1[0], year=2024, items=[ItemInput("Một")])
    assert get_in_scope_or_404(Pledge.objects.all(), world.a1_secretary, pledge.pk, Perm.ENTER) == pledge
    found = get_in_scope_or_404(Pledge.objects.all(), world.a1_secretary, pledge.pk, via="person__organization")
    assert found == pledge
    item = pledge.items.get()
    assert (
        get_in_scope_or_404(PledgeItem.objects.all(), world.a1_secretary, item.pk, via="pledge__organization") == item
    )
    with pytest.raises(Http404):
        get_in_scope_or_404(PledgeItem.objects.all(), world.a2_secretary, item.pk, via="pledge__organization")
    with pytest.raises(Http404):
        get_in_scope_or_404(Pledge.objects.all(), world.a2_secretary, pledge.pk, via="person__organization")
    with pytest.raises(PermissionDenied):
        get_in_scope_or_404(
            Pledge.objects.all(), world.bloc_reviewer, pledge.pk, Perm.ENTER, via="person__organization"
        )


def test_an_opening_of_the_whole_tree_is_the_superusers_alone(world):
    whole_tree = YearOpening.objects.get(year=2024, organization=None)
    assert get_year_opening_for_user_or_404(world.admin, whole_tree.pk) == whole_tree
    with pytest.raises(Http404):
        get_year_opening_for_user_or_404(world.bloc_clerk, whole_tree.pk)


def test_an_opening_of_a_subtree_follows_its_organization(world):
    opening = YearOpening.objects.create(year=2025, organization=world.committee_a)
    assert get_year_opening_for_user_or_404(world.a_clerk, opening.pk, Perm.PLAN) == opening
    assert get_year_opening_for_user_or_404(world.bloc_reviewer, opening.pk) == opening
    with pytest.raises(Http404):
        get_year_opening_for_user_or_404(world.a1_secretary, opening.pk)
    with pytest.raises(PermissionDenied):
        get_year_opening_for_user_or_404(world.bloc_reviewer, opening.pk, Perm.PLAN)
    with pytest.raises(Http404):
        get_year_opening_for_user_or_404(world.admin, opening.pk + 1000)


# --- the tree from the pages -------------------------------------------------------------------


def test_reorganizing_needs_organize_strictly_above_the_unit(world):
    assert may_reorganize(world.bloc_clerk, world.committee_a) is True
    assert may_reorganize(world.bloc_clerk, world.cell_b1) is True
    assert may_reorganize(world.bloc_clerk, world.bloc) is False  # its own organization
    assert may_reorganize(world.a_clerk, world.committee_a) is False
    assert may_reorganize(world.a_clerk, world.cell_a1) is True
    assert may_reorganize(world.a_clerk, world.cell_b1) is False
    assert may_reorganize(world.a1_secretary, world.cell_a1) is False  # no organize at all
    assert may_reorganize(world.bloc_reviewer, world.cell_a1) is False
    assert may_reorganize(world.admin, world.province) is True


def test_organize_granted_on_a_unit_does_not_count_through_another_role_above(world):
    """A reviewer above and a clerk on the unit: the clerk's organize is on the unit itself."""
    user = UserFactory(username="reviewer_and_clerk")
    grant(user, world.bloc, Role.REVIEWER)
    grant(user, world.committee_a, Role.CLERK)
    assert may_reorganize(user, world.committee_a) is False
    assert may_reorganize(user, world.cell_a1) is True
    assert may_reorganize(user, world.committee_b) is False


def test_a_dissolved_unit_is_not_reorganized(world):
    dissolve(world.cell_a2)
    assert may_reorganize(world.bloc_clerk, world.cell_a2) is False
    assert may_reorganize(world.admin, world.cell_a2) is False


def test_the_unit_to_reorganize_is_fetched_in_scope_then_checked(world):
    assert get_organization_to_reorganize_or_404(world.a_clerk, world.cell_a1.pk) == world.cell_a1
    with pytest.raises(PermissionDenied):
        get_organization_to_reorganize_or_404(world.a_clerk, world.committee_a.pk)
    with pytest.raises(Http404):
        get_organization_to_reorganize_or_404(world.a_clerk, world.cell_b1.pk)
    with pytest.raises(Http404):
        get_organization_to_reorganize_or_404(world.a_clerk, "nope")


def test_units_are_placed_under_the_subtrees_of_organize_grants(world):
    assert names(organizations_to_organize(world.bloc_clerk).order_by("path")) == subtree(world.bloc)
    assert names(organizations_to_organize(world.a_clerk).order_by("path")) == subtree(world.committee_a)
    assert names(organizations_to_organize(world.admin).order_by("path")) == subtree(world.province)
    assert names(organizations_to_organize(world.a1_secretary)) == []
    assert names(organizations_to_organize(world.bloc_reviewer)) == []
    mixed = UserFactory(username="mixed")
    grant(mixed, world.committee_a, Role.CLERK)
    grant(mixed, world.cell_a1, Role.CLERK)
    grant(mixed, world.cell_b1, Role.SECRETARY)
    assert names(organizations_to_organize(mixed).order_by("path")) == subtree(world.committee_a)
    two = UserFactory(username="two_committees")
    grant(two, world.committee_a, Role.CLERK)
    grant(two, world.committee_b, Role.CLERK)
    assert names(organizations_to_organize(two).order_by("path")) == subtree(world.committee_a, world.committee_b)


# --- accounts --------------------------------------------------------------------------------------


@pytest.fixture
def province_clerk(world):
    user = UserFactory(username="province_clerk")
    grant(user, world.province, Role.CLERK)
    return user


def test_accounts_are_managed_below_the_clerks_grants(world, province_clerk):
    assert accounts_root_paths(world.admin) is None
    assert accounts_root_paths(world.bloc_clerk) == [world.bloc.path]
    assert accounts_root_paths(world.a1_secretary) == []
    assert accounts_root_paths(world.bloc_reviewer) == []
    assert accounts_root_paths(province_clerk) == [world.province.path]
    both = UserFactory(username="both")
    grant(both, world.committee_a, Role.CLERK)
    grant(both, world.bloc, Role.CLERK)
    grant(both, world.cell_b1, Role.SECRETARY)
    assert accounts_root_paths(both) == [world.bloc.path]


def test_a_root_is_managed_by_the_superuser_alone(world, province_clerk):
    assert manages_accounts_at(world.admin, world.province.path) is True
    assert manages_accounts_at(province_clerk, world.province.path) is False
    assert manages_accounts_at(province_clerk, world.bloc.path) is True
    assert manages_accounts_at(world.bloc_clerk, world.bloc.path) is True
    assert manages_accounts_at(world.bloc_clerk, world.cell_b1.path) is True
    assert manages_accounts_at(world.a_clerk, world.bloc.path) is False
    assert manages_accounts_at(world.a_clerk, world.cell_b1.path) is False
    assert manages_accounts_at(world.a1_secretary, world.cell_a1.path) is False


def test_accounts_are_created_where_the_user_holds_accounts_never_at_a_root(world, province_clerk):
    assert may_manage_accounts_on(world.admin, world.province) is True
    assert may_manage_accounts_on(province_clerk, world.province) is False
    assert may_manage_accounts_on(province_clerk, world.bloc) is True
    assert may_manage_accounts_on(world.bloc_clerk, world.bloc) is True
    assert may_manage_accounts_on(world.bloc_clerk, world.cell_a1) is True
    assert may_manage_accounts_on(world.a_clerk, world.committee_b) is False
    assert may_manage_accounts_on(world.a1_secretary, world.cell_a1) is False
    dissolve(world.cell_a2)
    assert may_manage_accounts_on(world.bloc_clerk, world.cell_a2) is False


def test_organizations_for_accounts_in_tree_order(world, province_clerk):
    dissolve(world.cell_a2)
    everything = [name for name in subtree(world.province) if name != world.cell_a2.name]
    assert names(organizations_for_accounts(world.admin)) == everything
    assert names(organizations_for_accounts(province_clerk)) == everything[1:]  # not the root
    assert names(organizations_for_accounts(world.bloc_clerk)) == everything[1:]
    assert names(organizations_for_accounts(world.a_clerk)) == [world.committee_a.name, world.cell_a1.name]
    assert names(organizations_for_accounts(world.a1_secretary)) == []
    two = UserFactory(username="two_committees")
    grant(two, world.cell_a1, Role.CLERK)
    grant(two, world.committee_b, Role.CLERK)
    assert names(organizations_for_accounts(two)) == [world.cell_a1.name, world.committee_b.name, world.cell_b1.name]
    within = organizations_for_accounts(world.bloc_clerk, within=world.committee_b)
    assert names(within) == [world.committee_b.name, world.cell_b1.name]
    assert names(organizations_for_accounts(world.admin, within=world.committee_a)) == [
        world.committee_a.name,
        world.cell_a1.name,
    ]


def test_accounts_under_an_organization(world):
    mine = UserFactory(username="created_by_a_clerk")
    AccountProfile.objects.create(user=mine, created_by=world.a_clerk)
    theirs = UserFactory(username="created_by_someone_else")
    AccountProfile.objects.create(user=theirs, created_by=world.bloc_clerk)
    mine_elsewhere = UserFactory(username="created_by_a_clerk_placed_elsewhere")
    AccountProfile.objects.create(user=mine_elsewhere, created_by=world.a_clerk)
    grant(mine_elsewhere, world.cell_b1, Role.SECRETARY)
    on_dissolved = UserFactory(username="on_a_dissolved_cell")
    grant(on_dissolved, world.cell_a2, Role.SECRETARY)
    dissolve(world.cell_a2)

    def usernames(user, organization):
        return sorted(accounts_under(user, organization).values_list("username", flat=True))

    roles_under_a = ["a1_secretary", "a2_secretary", "a_clerk", "on_a_dissolved_cell"]
    assert usernames(world.a_clerk, world.committee_a) == sorted([*roles_under_a, "created_by_a_clerk"])
    assert usernames(world.a_clerk, world.cell_a1) == ["a1_secretary", "created_by_a_clerk"]
    roleless = ["admin", "created_by_a_clerk", "created_by_someone_else", "outsider"]
    assert usernames(world.admin, world.committee_a) == sorted([*roles_under_a, *roleless])
    assert get_account_for_user_or_404(world.a_clerk, world.committee_a, mine.pk) == mine
    assert get_account_for_user_or_404(world.a_clerk, world.committee_a, world.a1_secretary.pk) == world.a1_secretary
    for other in (theirs, mine_elsewhere, world.b1_secretary, world.bloc_clerk):
        with pytest.raises(Http404):
            get_account_for_user_or_404(world.a_clerk, world.committee_a, other.pk)


# --- queries -------------------------------------------------------------------------------------


def test_the_door_fetches_what_it_checks_in_one_query(world, django_assert_num_queries):
    """Each helper reads its object with the organization it checks (and what the pages show
    beside it) in one query, once the user's scope is known."""
    user = world.a_clerk
    with django_assert_num_queries(1):
        scope = scope_for(user)
        assert [grant.organization_name for grant in scope.grants] == [world.committee_a.name]
    an = world.people_a1[0]
    with django_assert_num_queries(1):
        assert get_person_for_user_or_404(user, an.pk).organization.name == world.cell_a1.name
    pledge = pledge_create(person=an, year=2024, items=[ItemInput("Một")])
    with django_assert_num_queries(1):
        found = get_in_scope_or_404(Pledge.objects.all(), user, pledge.pk, via="person__organization")
        assert found.person.organization.name == world.cell_a1.name
    opening = YearOpening.objects.create(year=2025, organization=world.committee_a, requested_by=world.bloc_clerk)
    with django_assert_num_queries(1):
        found = get_year_opening_for_user_or_404(user, opening.pk)
        assert (found.organization.name, found.requested_by.username) == (world.committee_a.name, "bloc_clerk")
    account = UserFactory(username="new_account")
    AccountProfile.objects.create(user=account, created_by=user, must_set_password=True)
    with django_assert_num_queries(1):
        assert get_account_for_user_or_404(user, world.committee_a, account.pk).account_profile.must_set_password
