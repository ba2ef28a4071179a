"""Reading the tree: subtree ranges, visibility, per-child counts in fixed queries, breadcrumbs."""

import datetime

import pytest

from committees import services
from committees.models import Organization, OrganizationKind, Person, PersonCategory, Role, subtree_q
from committees.permissions import organizations_visible_to, scope_for
from committees.selectors import organization_breadcrumbs, organization_children_with_counts
from tests.factories import PersonFactory, UserFactory, grant, make_organization

pytestmark = pytest.mark.django_db


def fresh(organization: Organization) -> Organization:
    """The organization as stored: treebeard reads `numchild` from the instance, which goes stale
    when children are added through another instance of the parent."""
    return Organization.objects.get(pk=organization.pk)


# --- subtree_q ----------------------------------------------------------------------------


def test_subtree_q_includes_the_node_and_all_descendants(world):
    subtree = Organization.objects.filter(subtree_q(world.committee_a.path))
    assert set(subtree) == {world.committee_a, world.cell_a1, world.cell_a2}

    deeper = make_organization(world.cell_a1, name="Tổ đảng 1")
    deepest = make_organization(deeper, name="Tổ đảng 1.1")
    subtree = set(Organization.objects.filter(subtree_q(world.committee_a.path)))
    assert {deeper, deepest} <= subtree


def test_subtree_q_excludes_siblings_ancestors_and_cousins(world):
    subtree = set(Organization.objects.filter(subtree_q(world.cell_a1.path)))
    assert subtree == {world.cell_a1}
    for other in (world.cell_a2, world.committee_a, world.bloc, world.province, world.committee_b, world.cell_b1):
        assert other not in subtree


def test_subtree_q_excludes_siblings_sharing_a_longer_prefix(world):
    """Siblings whose step differs only in its last character ("...0001" vs "...0002", "...000A")
    share all but one character of the path, and must still fall outside the range."""
    parent = make_organization(world.committee_b, name="Đảng bộ bộ phận", kind=OrganizationKind.SUB_COMMITTEE)
    children = [make_organization(parent, name=f"Chi bộ {i}") for i in range(1, 12)]
    grandchild = make_organization(children[0], name="Tổ đảng")
    first = children[0]
    assert first.path.endswith("0001")
    assert children[9].path.endswith("000A")
    assert children[10].path.endswith("000B")
    subtree = set(Organization.objects.filter(subtree_q(first.path)))
    assert subtree == {first, grandchild}
    # and the same range works on a related path field
    PersonFactory(organization=grandchild, full_name="Người Tổ Đảng")
    PersonFactory(organization=children[1], full_name="Người Bên Cạnh")
    people = Person.objects.filter(subtree_q(first.path, field="organization__path"))
    assert [p.full_name for p in people] == ["Người Tổ Đảng"]


def test_subtree_q_on_a_root_with_z_steps(db):
    """The padding with "Z" must not cut off descendants whose steps use the end of the alphabet."""
    root = make_organization(None, name="Gốc")
    child = make_organization(root, name="Con")
    # Give the only child the last possible step (still a valid tree: same depth, same parent).
    Organization.objects.filter(pk=child.pk).update(path=root.path + "ZZZZ")
    child.refresh_from_db()
    assert all(items == [] for items in Organization.objects.find_problems())
    other_root = make_organization(None, name="Gốc khác")
    assert set(Organization.objects.filter(subtree_q(root.path))) == {root, child}
    assert other_root not in set(Organization.objects.filter(subtree_q(root.path)))


# --- organizations_visible_to -------------------------------------------------------------


def test_visible_to_secretary_is_own_cell(world):
    assert set(organizations_visible_to(world.a1_secretary)) == {world.cell_a1}


def test_visible_to_clerk_is_committee_subtree(world):
    assert set(organizations_visible_to(world.a_clerk)) == {world.committee_a, world.cell_a1, world.cell_a2}


def test_visible_to_bloc_reviewer_is_whole_bloc_but_not_province(world):
    visible = set(organizations_visible_to(world.bloc_reviewer))
    assert visible == {world.bloc, world.committee_a, world.cell_a1, world.cell_a2, world.committee_b, world.cell_b1}
    assert world.province not in visible


def test_visible_to_outsider_is_nothing(world):
    assert not organizations_visible_to(world.outsider).exists()


def test_visible_to_superuser_is_everything(world):
    assert organizations_visible_to(world.admin).count() == Organization.objects.count()


def test_visible_to_user_with_two_grants_is_the_union(world):
    user = UserFactory(username="hai_vai")
    grant(user, world.cell_a2, Role.SECRETARY)
    grant(user, world.committee_b, Role.REVIEWER)
    assert set(organizations_visible_to(user)) == {world.cell_a2, world.committee_b, world.cell_b1}


def test_nested_grants_do_not_duplicate_rows(world):
    user = UserFactory(username="long_nhau")
    grant(user, world.committee_a, Role.REVIEWER)
    grant(user, world.cell_a1, Role.SECRETARY)
    visible = list(organizations_visible_to(user))
    assert len(visible) == len(set(visible)) == 3
    assert scope_for(user).root_paths == [world.committee_a.path]


def test_new_organization_in_scope_becomes_visible(world):
    new_cell = make_organization(world.committee_a, name="Chi bộ mới")
    assert new_cell in set(organizations_visible_to(world.a_clerk))
    assert new_cell not in set(organizations_visible_to(world.a1_secretary))


def test_inactive_user_sees_nothing(world):
    world.bloc_reviewer.is_active = False
    world.bloc_reviewer.save()
    assert not organizations_visible_to(world.bloc_reviewer).exists()


# --- organization_children_with_counts ----------------------------------------------------


def summary_by_name(organization) -> dict:
    return {
        item.organization.name: item for item in organization_children_with_counts(organization=fresh(organization))
    }


def test_children_counts_in_the_world(world):
    summary = summary_by_name(world.bloc)
    assert list(summary) == [world.committee_a.name, world.committee_b.name]
    a, b = summary[world.committee_a.name], summary[world.committee_b.name]
    assert (a.units, a.cells, a.people) == (3, 2, 6)
    assert (b.units, b.cells, b.people) == (2, 1, 3)


def test_children_counts_of_the_province(world):
    summary = summary_by_name(world.province)
    bloc = summary[world.bloc.name]
    assert (bloc.units, bloc.cells, bloc.people) == (6, 3, 9)


def test_children_counts_of_a_leaf(world):
    assert organization_children_with_counts(organization=fresh(world.cell_a1)) == []


def test_children_counts_skip_people_who_left_and_dissolved_units(world):
    person = world.people_a1[0]
    services.person_update(person=person, left_on=datetime.date(2024, 3, 1))
    empty = make_organization(world.committee_a, name="Chi bộ sẽ giải thể")
    services.organization_dissolve(organization=empty, on=datetime.date(2024, 3, 10))
    summary = summary_by_name(world.bloc)
    a = summary[world.committee_a.name]
    assert (a.units, a.cells, a.people) == (3, 2, 5)


def test_children_counts_list_active_children_before_dissolved(world):
    empty = make_organization(world.bloc, name="Đảng ủy đã giải thể", kind=OrganizationKind.GRASSROOTS)
    services.organization_dissolve(organization=empty, on=datetime.date(2024, 3, 10))
    children = organization_children_with_counts(organization=fresh(world.bloc))
    assert [c.organization for c in children] == [world.committee_a, world.committee_b, empty]
    assert (children[-1].units, children[-1].cells, children[-1].people) == (0, 0, 0)


def test_children_counts_of_a_child_without_people(world):
    new = make_organization(world.bloc, name="Đảng ủy mới", kind=OrganizationKind.GRASSROOTS)
    summary = summary_by_name(world.bloc)
    item = summary[new.name]
    assert (item.units, item.cells, item.people) == (1, 0, 0)


def build_subtree(parent, *, committees: int, cells: int, people: int) -> None:
    for c in range(committees):
        committee = make_organization(parent, name=f"Đảng ủy {c}", kind=OrganizationKind.GRASSROOTS)
        for k in range(cells):
            cell = make_organization(committee, name=f"Chi bộ {c}.{k}")
            Person.objects.bulk_create(
                Person(
                    full_name=f"Người {c}.{k}.{i}",
                    search_key=f"nguoi {c}.{k}.{i}",
                    category=PersonCategory.PARTY_FULL,
                    organization=cell,
                )
                for i in range(people)
            )


def test_children_counts_run_in_bounded_queries(world, django_assert_max_num_queries):
    bloc = fresh(world.bloc)
    with django_assert_max_num_queries(3):
        small = organization_children_with_counts(organization=bloc)
    assert len(small) == 2

    build_subtree(world.committee_b, committees=4, cells=5, people=7)
    build_subtree(world.bloc, committees=6, cells=3, people=4)
    bloc, province = fresh(world.bloc), fresh(world.province)
    with django_assert_max_num_queries(3):
        big = organization_children_with_counts(organization=bloc)
    assert len(big) == 2 + 6
    by_name = {item.organization.name: item for item in big}
    b = by_name[world.committee_b.name]
    # committee_b itself, cell_b1, 4 committees with 5 cells each
    assert (b.units, b.cells, b.people) == (2 + 4 + 4 * 5, 1 + 4 * 5, 3 + 4 * 5 * 7)
    new = by_name["Đảng ủy 0"]
    assert (new.units, new.cells, new.people) == (1 + 3, 3, 3 * 4)
    with django_assert_max_num_queries(3):
        top = organization_children_with_counts(organization=province)
    bloc = top[0]
    assert bloc.people == 9 + 4 * 5 * 7 + 6 * 3 * 4
    assert bloc.units == Organization.objects.filter(subtree_q(world.bloc.path)).count()


# --- breadcrumbs --------------------------------------------------------------------------


def crumbs(organization, user) -> list[tuple[str, bool]]:
    return [
        (crumb.organization.name, crumb.reachable)
        for crumb in organization_breadcrumbs(organization=organization, scope=scope_for(user))
    ]


def test_breadcrumbs_of_a_secretary_only_link_their_cell(world):
    assert crumbs(world.cell_a1, world.a1_secretary) == [
        (world.province.name, False),
        (world.bloc.name, False),
        (world.committee_a.name, False),
        (world.cell_a1.name, True),
    ]


def test_breadcrumbs_of_a_clerk_link_from_their_committee(world):
    assert [reachable for _, reachable in crumbs(world.cell_a1, world.a_clerk)] == [False, False, True, True]


def test_breadcrumbs_of_bloc_reviewer(world):
    assert [reachable for _, reachable in crumbs(world.cell_b1, world.bloc_reviewer)] == [False, True, True, True]


def test_breadcrumbs_of_superuser_are_all_links(world):
    assert all(reachable for _, reachable in crumbs(world.cell_b1, world.admin))


def test_breadcrumbs_of_the_root(world):
    assert crumbs(world.province, world.bloc_reviewer) == [(world.province.name, False)]
