"""Writing the tree: creation, the tree of each year, moves, merges, dissolutions, transfers.

Every test ends with the live tree passing treebeard's own check and every open year's tree
being consistent (each row's parent row sits at the path one step up).
"""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.http import Http404

from committees import services
from committees.models import (
    Membership,
    Organization,
    OrganizationEvent,
    OrganizationKind,
    OrganizationYear,
    Person,
    ReportingYear,
    Role,
    RoleAssignment,
    subtree_q,
)
from committees.permissions import (
    Perm,
    get_organization_for_user_or_404,
    organizations_visible_to,
    perms_for,
    scope_for,
)
from tests.factories import PersonFactory, UserFactory, grant, make_organization

pytestmark = pytest.mark.django_db

D = datetime.date
STEP = Organization.steplen


# --- helpers ------------------------------------------------------------------------------


def fresh(organization: Organization) -> Organization:
    return Organization.objects.get(pk=organization.pk)


def live_parent(organization: Organization) -> Organization | None:
    return Organization.objects.get_parent(fresh(organization))


def row(organization: Organization, year: int) -> OrganizationYear | None:
    return OrganizationYear.objects.filter(organization=organization, year=year).first()


def year_tree(year: int) -> dict[int, tuple[str, int | None, int]]:
    return {r.organization_id: (r.path, r.parent_id, r.depth) for r in OrganizationYear.objects.filter(year=year)}


def year_subtree(organization: Organization, year: int) -> set[int]:
    """Organizations in the subtree of `organization` in the tree of `year`."""
    root = row(organization, year)
    return set(
        OrganizationYear.objects.filter(subtree_q(root.path), year=year).values_list("organization_id", flat=True)
    )


def assert_tree_clean() -> None:
    problems = Organization.objects.find_problems()
    assert isinstance(problems, tuple)
    assert all(items == [] for items in problems), problems


def assert_year_trees_consistent() -> None:
    for year in ReportingYear.objects.values_list("year", flat=True):
        rows = {r.path: r for r in OrganizationYear.objects.filter(year=year)}
        for path, item in rows.items():
            assert len(path) % STEP == 0
            assert item.depth == len(path) // STEP, item
            if item.depth == 1:
                assert item.parent_id is None, item
            else:
                parent_row = rows.get(path[:-STEP])
                assert parent_row is not None, f"{item} has no parent row in {year}"
                assert parent_row.organization_id == item.parent_id, item


def assert_all_consistent() -> None:
    assert_tree_clean()
    assert_year_trees_consistent()


def snapshot() -> dict:
    """Everything a reorganization may write, to prove that a refusal wrote nothing."""
    return {
        "organizations": list(
            Organization.objects.order_by("pk").values_list(
                "pk", "path", "depth", "numchild", "dissolved_on", "merged_into"
            )
        ),
        "years": list(
            OrganizationYear.objects.order_by("pk").values_list("pk", "organization", "year", "parent", "path", "depth")
        ),
        "people": list(Person.objects.order_by("pk").values_list("pk", "organization", "left_on")),
        "memberships": list(Membership.objects.order_by("pk").values_list("pk", "organization", "start_on", "end_on")),
        "events": OrganizationEvent.objects.count(),
        "reporting_years": list(ReportingYear.objects.order_by("year").values_list("year", "is_closed")),
    }


def assert_refused(call, message: str) -> None:
    before = snapshot()
    with pytest.raises(ValidationError) as info:
        call()
    assert any(message in text for text in info.value.messages), info.value.messages
    assert snapshot() == before
    assert_all_consistent()


@pytest.fixture
def district(world):
    """A sibling of the bloc under the province, with one cell."""
    district = make_organization(world.province, name="Huyện ủy Nông Cống", kind=OrganizationKind.DISTRICT)
    make_organization(district, name="Chi bộ thôn 1")
    return fresh(district)


# --- the tree of a year -------------------------------------------------------------------


def test_world_years_hold_the_live_tree(world):
    for year in (2023, 2024):
        assert year_tree(year) == {
            org.pk: (org.path, live_parent(org).pk if org.depth > 1 else None, org.depth)
            for org in Organization.objects.all()
        }
    assert_all_consistent()


def test_create_adds_rows_for_every_open_year(world):
    cell = make_organization(world.committee_a, name="Chi bộ mới")
    for year in (2023, 2024):
        item = row(cell, year)
        assert item is not None
        assert item.parent == world.committee_a
        assert item.path.startswith(row(world.committee_a, year).path)
        assert item.depth == world.committee_a.depth + 1
    assert OrganizationEvent.objects.filter(organization=cell, kind=OrganizationEvent.Kind.CREATE).exists()
    assert_all_consistent()


def test_create_founded_this_year_has_no_row_in_earlier_years(world):
    cell = make_organization(world.committee_a, name="Chi bộ thành lập 2024", founded_on=D(2024, 2, 1))
    assert row(cell, 2023) is None
    assert row(cell, 2024) is not None
    assert_all_consistent()


def test_create_skips_closed_years(world):
    services.reporting_year_close(year=2023)
    cell = make_organization(world.committee_a, name="Chi bộ sau khóa sổ")
    assert row(cell, 2023) is None
    assert row(cell, 2024) is not None
    assert_all_consistent()


def test_create_follows_the_year_tree_after_a_move(world):
    """A cell created under a committee that moved in 2024 sits under it in both trees."""
    services.organization_move(organization=world.committee_a, new_parent=world.province, on=D(2024, 3, 1))
    cell = make_organization(fresh(world.committee_a), name="Chi bộ mới")
    assert row(cell, 2023).path.startswith(row(world.committee_a, 2023).path)
    assert row(cell, 2024).path.startswith(row(world.committee_a, 2024).path)
    assert row(cell, 2023).path != row(cell, 2024).path
    assert_all_consistent()


def test_create_refuses_empty_name_and_dissolved_parent(world):
    assert_refused(
        lambda: services.organization_create(parent=world.committee_a, name="   ", kind="cell"), "Hãy nhập tên tổ chức"
    )
    empty = make_organization(world.committee_a, name="Chi bộ trống")
    services.organization_dissolve(organization=empty, on=D(2024, 3, 1))
    assert_refused(lambda: services.organization_create(parent=empty, name="Tổ mới", kind="cell"), "đã giải thể")


def test_open_year_snapshots_the_live_tree(world):
    services.organization_move(organization=world.cell_a2, new_parent=world.committee_b, on=D(2024, 3, 1))
    reporting_year = services.reporting_year_open(year=2025)
    assert reporting_year.year == 2025 and not reporting_year.is_closed
    tree = year_tree(2025)
    assert tree == {
        org.pk: (org.path, live_parent(org).pk if org.depth > 1 else None, org.depth)
        for org in Organization.objects.all()
    }
    assert tree[world.cell_a2.pk][1] == world.committee_b.pk
    assert_all_consistent()


def test_open_year_is_idempotent(world):
    services.reporting_year_open(year=2025)
    first = year_tree(2025)
    count = OrganizationYear.objects.count()
    # A later move dated 2026 changes the live tree, not the recorded tree of 2025...
    services.organization_move(organization=world.cell_a2, new_parent=world.committee_b, on=D(2026, 1, 1))
    again = services.reporting_year_open(year=2025)
    # ...and opening 2025 again neither duplicates nor re-records it.
    assert again.year == 2025
    assert ReportingYear.objects.filter(year=2025).count() == 1
    assert OrganizationYear.objects.count() == count
    assert year_tree(2025) == first
    assert_all_consistent()


def test_open_year_leaves_out_organizations_not_active_that_year(world):
    empty = make_organization(world.committee_a, name="Chi bộ giải thể 2024")
    services.organization_dissolve(organization=empty, on=D(2024, 3, 1))
    later = make_organization(world.committee_a, name="Chi bộ thành lập 2026", founded_on=D(2026, 1, 1))
    services.reporting_year_open(year=2025)
    assert row(empty, 2024) is not None
    assert row(empty, 2025) is None
    assert row(later, 2025) is None
    assert row(world.cell_a1, 2025) is not None
    assert_all_consistent()


def test_close_year_freezes_it(world):
    closed = services.reporting_year_close(year=2023)
    assert closed.is_closed
    assert closed.closed_at is not None
    assert ReportingYear.objects.get(year=2024).is_closed is False


# --- move -----------------------------------------------------------------------------------


def test_move_changes_the_live_tree(world, district):
    services.organization_move(organization=world.committee_a, new_parent=district, on=D(2024, 3, 1))
    committee_a = fresh(world.committee_a)
    assert live_parent(committee_a) == district
    assert committee_a.path.startswith(district.path)
    assert live_parent(world.cell_a1) == committee_a
    assert fresh(world.cell_a1).path.startswith(committee_a.path)
    assert fresh(world.bloc).numchild == 1
    assert fresh(district).numchild == 2
    event = OrganizationEvent.objects.get(organization=world.committee_a, kind=OrganizationEvent.Kind.MOVE)
    assert (event.from_parent, event.to_organization, event.effective_on) == (world.bloc, district, D(2024, 3, 1))
    assert_all_consistent()


def test_move_rewrites_the_open_years_from_the_effective_year(world, district):
    before_2023 = year_tree(2023)
    services.organization_move(organization=world.committee_a, new_parent=district, on=D(2024, 3, 1))

    # 2024: the whole subtree now hangs under the district
    district_2024 = row(district, 2024)
    a_2024 = row(world.committee_a, 2024)
    assert a_2024.parent == district
    assert a_2024.path[:-STEP] == district_2024.path
    assert a_2024.depth == district_2024.depth + 1
    for cell in (world.cell_a1, world.cell_a2):
        cell_row = row(cell, 2024)
        assert cell_row.parent == world.committee_a
        assert cell_row.path[:-STEP] == a_2024.path
        assert cell_row.depth == a_2024.depth + 1
    assert year_subtree(district, 2024) >= {world.committee_a.pk, world.cell_a1.pk, world.cell_a2.pk}
    assert world.committee_a.pk not in year_subtree(world.bloc, 2024)

    # 2023, before the effective year, keeps the old tree
    assert year_tree(2023) == before_2023
    assert_all_consistent()


def test_moved_unit_stays_in_the_old_parents_subtree_of_earlier_years(world):
    services.organization_move(organization=world.cell_a2, new_parent=world.committee_b, on=D(2024, 1, 1))
    old_parent_2023 = row(world.committee_a, 2023)
    in_2023 = OrganizationYear.objects.filter(subtree_q(old_parent_2023.path), year=2023)
    assert world.cell_a2.pk in set(in_2023.values_list("organization_id", flat=True))
    assert row(world.cell_a2, 2023).parent == world.committee_a

    old_parent_2024 = row(world.committee_a, 2024)
    in_2024 = OrganizationYear.objects.filter(subtree_q(old_parent_2024.path), year=2024)
    assert world.cell_a2.pk not in set(in_2024.values_list("organization_id", flat=True))
    assert world.cell_a2.pk in year_subtree(world.committee_b, 2024)
    assert_all_consistent()


def test_move_leaves_closed_years_alone(world):
    services.reporting_year_close(year=2023)
    path_2023 = row(world.cell_a2, 2023).path
    services.organization_move(organization=world.cell_a2, new_parent=world.committee_b, on=D(2024, 3, 1))
    assert row(world.cell_a2, 2023).path == path_2023
    assert row(world.cell_a2, 2023).parent == world.committee_a
    assert row(world.cell_a2, 2024).parent == world.committee_b
    assert_all_consistent()


def test_move_dated_in_an_open_year_skips_a_closed_later_year(world):
    services.reporting_year_close(year=2024)
    before_2024 = year_tree(2024)
    services.organization_move(organization=world.cell_a2, new_parent=world.committee_b, on=D(2023, 9, 1))
    assert row(world.cell_a2, 2023).parent == world.committee_b
    assert year_tree(2024) == before_2024
    assert_all_consistent()


def test_move_dated_after_the_open_years_only_changes_the_live_tree(world):
    before = {year: year_tree(year) for year in (2023, 2024)}
    services.organization_move(organization=world.cell_a2, new_parent=world.committee_b, on=D(2025, 1, 1))
    assert live_parent(world.cell_a2) == world.committee_b
    assert {year: year_tree(year) for year in (2023, 2024)} == before
    assert_all_consistent()


def test_move_to_a_parent_with_children_takes_the_next_free_step(world):
    services.organization_move(organization=world.cell_a2, new_parent=world.committee_b, on=D(2024, 3, 1))
    services.organization_move(organization=world.cell_a1, new_parent=world.committee_b, on=D(2024, 3, 2))
    paths = sorted(row(org, 2024).path for org in (world.cell_b1, world.cell_a2, world.cell_a1))
    b = row(world.committee_b, 2024).path
    assert paths == [b + "0001", b + "0002", b + "0003"]
    assert_all_consistent()


def test_move_there_and_back(world):
    original = row(world.cell_a2, 2024).path
    services.organization_move(organization=world.cell_a2, new_parent=world.committee_b, on=D(2024, 3, 1))
    services.organization_move(organization=world.cell_a2, new_parent=world.committee_a, on=D(2024, 3, 2))
    assert live_parent(world.cell_a2) == world.committee_a
    assert row(world.cell_a2, 2024).parent == world.committee_a
    assert row(world.cell_a2, 2024).path[:-STEP] == row(world.committee_a, 2024).path
    assert row(world.cell_a2, 2023).path == original
    assert_all_consistent()


def test_move_refused_under_own_descendant(world):
    assert_refused(
        lambda: services.organization_move(organization=world.committee_a, new_parent=world.cell_a1, on=D(2024, 3, 1)),
        "vào chính nó hoặc vào tổ chức trực thuộc nó",
    )


def test_move_refused_under_itself(world):
    assert_refused(
        lambda: services.organization_move(organization=world.cell_a1, new_parent=world.cell_a1, on=D(2024, 3, 1)),
        "vào chính nó",
    )


def test_move_refused_under_dissolved_target(world):
    empty = make_organization(world.bloc, name="Đảng ủy đã giải thể", kind=OrganizationKind.GRASSROOTS)
    services.organization_dissolve(organization=empty, on=D(2024, 3, 1))
    assert_refused(
        lambda: services.organization_move(organization=world.cell_a2, new_parent=empty, on=D(2024, 3, 5)),
        "không thể nhận tổ chức trực thuộc",
    )


def test_move_refused_for_dissolved_organization(world):
    empty = make_organization(world.committee_a, name="Chi bộ đã giải thể")
    services.organization_dissolve(organization=empty, on=D(2024, 3, 1))
    assert_refused(
        lambda: services.organization_move(organization=empty, new_parent=world.committee_b, on=D(2024, 3, 5)),
        "đã giải thể: không thể chuyển",
    )


def test_move_refused_when_dated_in_a_closed_year(world):
    services.reporting_year_close(year=2023)
    assert_refused(
        lambda: services.organization_move(organization=world.cell_a2, new_parent=world.committee_b, on=D(2023, 6, 1)),
        "Năm 2023 đã khóa sổ",
    )


def test_move_refused_when_already_a_child(world):
    assert_refused(
        lambda: services.organization_move(organization=world.cell_a1, new_parent=world.committee_a, on=D(2024, 3, 1)),
        "đã trực thuộc",
    )


# --- merge ----------------------------------------------------------------------------------


def test_merge_moves_people_and_their_memberships(world):
    day = D(2024, 3, 15)
    moved = world.people_a2
    gone = PersonFactory(organization=world.cell_a2, full_name="Người Đã Rời")
    services.person_update(person=gone, left_on=D(2024, 1, 31))

    services.organization_merge(source=world.cell_a2, target=world.cell_a1, on=day)

    for person in moved:
        person.refresh_from_db()
        assert person.organization == world.cell_a1
        stints = list(person.memberships.order_by("start_on").values_list("organization", "start_on", "end_on"))
        assert stints == [
            (world.cell_a2.pk, D(2015, 1, 1), D(2024, 3, 14)),
            (world.cell_a1.pk, day, None),
        ]
    gone.refresh_from_db()
    assert gone.organization == world.cell_a2  # history stays where it was
    assert Person.objects.filter(organization=world.cell_a1, left_on__isnull=True).count() == 6
    assert_all_consistent()


def test_merge_archives_the_source(world):
    services.organization_merge(source=world.cell_a2, target=world.cell_a1, on=D(2024, 3, 15))
    source = fresh(world.cell_a2)
    assert source.dissolved_on == D(2024, 3, 15)
    assert source.merged_into == world.cell_a1
    assert source.is_dissolved
    event = OrganizationEvent.objects.get(organization=source, kind=OrganizationEvent.Kind.MERGE)
    assert event.to_organization == world.cell_a1
    assert_all_consistent()


def test_merge_moves_children_under_the_target(world):
    services.organization_merge(source=world.committee_a, target=world.committee_b, on=D(2024, 3, 15))
    b = fresh(world.committee_b)
    for cell in (world.cell_a1, world.cell_a2):
        assert live_parent(cell) == b
        assert row(cell, 2024).parent == world.committee_b
        assert row(cell, 2024).path[:-STEP] == row(world.committee_b, 2024).path
        assert row(cell, 2023).parent == world.committee_a  # the year before the merge keeps its tree
    assert fresh(world.committee_a).numchild == 0
    assert b.numchild == 3
    assert [p.organization for p in Person.objects.filter(pk=world.people_a1[0].pk)] == [world.cell_a1]
    assert_all_consistent()


def test_merged_source_keeps_earlier_rows_and_leaves_later_years(world):
    services.reporting_year_open(year=2025)
    services.organization_merge(source=world.cell_a2, target=world.cell_a1, on=D(2024, 6, 1))
    assert row(world.cell_a2, 2023) is not None
    assert row(world.cell_a2, 2024) is not None  # it existed during the year of the merge
    assert row(world.cell_a2, 2025) is None
    assert row(world.cell_a1, 2025) is not None
    assert_all_consistent()


def test_merge_with_a_person_who_joined_the_source_on_the_merge_day(world):
    newcomer = services.person_create(organization=world.cell_a2, full_name="Người Mới Đến", category="party_full")
    services.organization_merge(source=world.cell_a2, target=world.cell_a1, on=D(2024, 3, 15))
    newcomer.refresh_from_db()
    assert newcomer.organization == world.cell_a1
    stints = list(newcomer.memberships.order_by("pk").values_list("organization", "start_on", "end_on"))
    assert stints[0] == (world.cell_a2.pk, D(2024, 3, 15), D(2024, 3, 15))
    assert stints[1] == (world.cell_a1.pk, D(2024, 3, 15), None)


def test_merge_refused_into_itself(world):
    assert_refused(
        lambda: services.organization_merge(source=world.cell_a1, target=world.cell_a1, on=D(2024, 3, 15)),
        "vào chính nó",
    )


def test_merge_refused_into_dissolved(world):
    empty = make_organization(world.committee_a, name="Chi bộ trống")
    services.organization_dissolve(organization=empty, on=D(2024, 3, 1))
    assert_refused(
        lambda: services.organization_merge(source=world.cell_a2, target=empty, on=D(2024, 3, 15)),
        "đã giải thể",
    )


def test_merge_refused_into_own_descendant(world):
    assert_refused(
        lambda: services.organization_merge(source=world.committee_a, target=world.cell_a1, on=D(2024, 3, 15)),
        "vào tổ chức trực thuộc nó",
    )


def test_merge_refused_for_already_merged_source(world):
    services.organization_merge(source=world.cell_a2, target=world.cell_a1, on=D(2024, 3, 1))
    assert_refused(
        lambda: services.organization_merge(source=world.cell_a2, target=world.cell_b1, on=D(2024, 3, 15)),
        "đã sáp nhập trước đó",
    )


def test_merge_refused_in_a_closed_year(world):
    services.reporting_year_close(year=2023)
    assert_refused(
        lambda: services.organization_merge(source=world.cell_a2, target=world.cell_a1, on=D(2023, 12, 1)),
        "Năm 2023 đã khóa sổ",
    )


# --- dissolve -------------------------------------------------------------------------------


def test_dissolve_refused_with_active_children(world):
    assert_refused(
        lambda: services.organization_dissolve(organization=world.committee_a, on=D(2024, 3, 1)),
        "còn tổ chức trực thuộc",
    )


def test_dissolve_refused_with_active_people(world):
    assert_refused(
        lambda: services.organization_dissolve(organization=world.cell_a1, on=D(2024, 3, 1)),
        "còn cá nhân đang sinh hoạt",
    )


def test_dissolve_refused_when_already_dissolved_or_in_a_closed_year(world):
    empty = make_organization(world.committee_a, name="Chi bộ trống")
    services.reporting_year_close(year=2023)
    assert_refused(lambda: services.organization_dissolve(organization=empty, on=D(2023, 5, 1)), "Năm 2023 đã khóa sổ")
    services.organization_dissolve(organization=empty, on=D(2024, 3, 1))
    assert_refused(lambda: services.organization_dissolve(organization=empty, on=D(2024, 3, 2)), "đã giải thể trước đó")


def test_dissolve_an_empty_leaf(world):
    services.reporting_year_open(year=2025)
    empty = make_organization(world.committee_a, name="Chi bộ trống")
    result = services.organization_dissolve(organization=empty, on=D(2024, 3, 10))
    assert result.dissolved_on == D(2024, 3, 10)
    stored = fresh(empty)
    assert stored.dissolved_on == D(2024, 3, 10)
    assert stored.merged_into is None
    assert stored.is_dissolved
    assert OrganizationEvent.objects.filter(organization=empty, kind=OrganizationEvent.Kind.DISSOLVE).exists()
    # archived, never deleted: it stays in the live tree and in the trees up to its year
    assert Organization.objects.filter(pk=empty.pk).exists()
    assert row(empty, 2024) is not None
    assert row(empty, 2025) is None
    assert_all_consistent()


def test_dissolve_a_cell_whose_people_all_left(world):
    for person in world.people_a2:
        services.person_update(person=person, left_on=D(2024, 2, 1))
    services.organization_dissolve(organization=world.cell_a2, on=D(2024, 3, 1))
    assert fresh(world.cell_a2).is_dissolved


def test_dissolve_a_committee_whose_children_are_dissolved(world):
    committee = make_organization(world.bloc, name="Đảng ủy nhỏ", kind=OrganizationKind.GRASSROOTS)
    cell = make_organization(committee, name="Chi bộ duy nhất")
    services.organization_dissolve(organization=cell, on=D(2024, 3, 1))
    services.organization_dissolve(organization=committee, on=D(2024, 3, 2))
    assert fresh(committee).is_dissolved
    assert_all_consistent()


# --- dissolved organizations and roles -------------------------------------------------------


def test_role_assign_works_on_an_active_organization(world):
    user = UserFactory(username="bi_thu_moi")
    assignment = services.role_assign(user=user, organization=world.cell_a2, role=Role.SECRETARY)
    assert assignment.pk is not None
    assert scope_for(user).has_role(Role.SECRETARY)


def test_role_assign_refused_on_a_dissolved_organization(world):
    empty = make_organization(world.committee_a, name="Chi bộ trống")
    services.organization_dissolve(organization=empty, on=D(2024, 3, 1))
    user = UserFactory(username="bi_thu_moi")
    with pytest.raises(ValidationError) as info:
        services.role_assign(user=user, organization=fresh(empty), role=Role.SECRETARY)
    assert "organization" in info.value.message_dict
    assert "đã giải thể" in " ".join(info.value.message_dict["organization"])
    assert not RoleAssignment.objects.filter(user=user).exists()


def test_grants_on_a_dissolved_organization_give_no_scope(world):
    empty = make_organization(world.committee_a, name="Chi bộ trống")
    user = UserFactory(username="bi_thu_cu")
    grant(user, empty, Role.SECRETARY)
    assert set(organizations_visible_to(user)) == {empty}
    services.organization_dissolve(organization=empty, on=D(2024, 3, 1))
    user = type(user).objects.get(pk=user.pk)  # a new request: the scope cache is per user object
    scope = scope_for(user)
    assert scope.grants == []
    assert scope.is_empty
    assert not organizations_visible_to(user).exists()
    with pytest.raises(Http404):
        get_organization_for_user_or_404(user, empty.pk)


def test_dissolved_organization_is_read_only_for_everyone(world):
    empty = make_organization(world.committee_a, name="Chi bộ trống")
    user = UserFactory(username="bi_thu_dang_uy")
    grant(user, world.committee_a, Role.SECRETARY)
    services.organization_dissolve(organization=empty, on=D(2024, 3, 1))
    empty = fresh(empty)
    assert perms_for(user, empty) == {Perm.VIEW}
    assert perms_for(user, world.cell_a1) == {Perm.VIEW, Perm.ENTER, Perm.APPROVE, Perm.PLAN}
    assert perms_for(world.bloc_clerk, empty) == {Perm.VIEW, Perm.HISTORY, Perm.REPORT, Perm.AUDIT}
    assert perms_for(world.admin, empty) == {Perm.VIEW, Perm.HISTORY, Perm.REPORT, Perm.AUDIT}
    assert perms_for(world.bloc_reviewer, empty) == {Perm.VIEW}


def test_merged_source_is_read_only_for_its_former_secretary_above(world):
    services.organization_merge(source=world.cell_a2, target=world.cell_a1, on=D(2024, 3, 1))
    # a2_secretary's only grant was on the merged cell: no scope left
    assert scope_for(type(world.a2_secretary).objects.get(pk=world.a2_secretary.pk)).is_empty
    # a1_secretary's cell received the people and keeps its rights
    assert perms_for(world.a1_secretary, fresh(world.cell_a1)) >= {Perm.ENTER, Perm.APPROVE}


# --- people -----------------------------------------------------------------------------------


def test_person_create_opens_a_membership(world):
    person = services.person_create(
        organization=world.cell_a1, joined_on=D(2020, 5, 1), full_name="  Lê  Văn Hoa\u0300 ", category="party_full"
    )
    assert person.full_name == "Lê Văn Hoà"
    assert person.search_key == "le van hoa"
    assert list(person.memberships.values_list("organization", "start_on", "end_on")) == [
        (world.cell_a1.pk, D(2020, 5, 1), None)
    ]


def test_person_create_refused_in_a_dissolved_organization(world):
    empty = make_organization(world.committee_a, name="Chi bộ trống")
    services.organization_dissolve(organization=empty, on=D(2024, 3, 1))
    assert_refused(
        lambda: services.person_create(organization=fresh(empty), full_name="Ai Đó", category="party_full"),
        "không thể thêm cá nhân",
    )


def test_person_transfer_closes_and_opens_memberships(world):
    person = world.people_a1[0]
    services.person_transfer(person=person, organization=world.cell_b1, on=D(2024, 3, 1))
    person.refresh_from_db()
    assert person.organization == world.cell_b1
    assert list(person.memberships.order_by("start_on").values_list("organization", "start_on", "end_on")) == [
        (world.cell_a1.pk, D(2015, 1, 1), D(2024, 2, 29)),
        (world.cell_b1.pk, D(2024, 3, 1), None),
    ]
    assert person not in Person.objects.filter(organization=world.cell_a1)


def test_person_transfer_refused_to_a_dissolved_organization(world):
    empty = make_organization(world.committee_b, name="Chi bộ trống")
    services.organization_dissolve(organization=empty, on=D(2024, 3, 1))
    assert_refused(
        lambda: services.person_transfer(person=world.people_a1[0], organization=fresh(empty), on=D(2024, 3, 5)),
        "đã giải thể",
    )


def test_person_transfer_refused_to_the_same_organization_or_after_leaving(world):
    person = world.people_a1[0]
    assert_refused(
        lambda: services.person_transfer(person=person, organization=world.cell_a1, on=D(2024, 3, 1)),
        "đã sinh hoạt tại tổ chức đó",
    )
    services.person_update(person=person, left_on=D(2024, 1, 1))
    assert_refused(
        lambda: services.person_transfer(person=person, organization=world.cell_b1, on=D(2024, 3, 1)),
        "đã rời tổ chức",
    )


def test_person_transfer_on_the_day_the_stint_began(world):
    """Added today and moved today (a correction): no crash, a one-day stint in the first cell."""
    person = services.person_create(organization=world.cell_a1, full_name="Người Nhầm Chi Bộ", category="staff")
    services.person_transfer(person=person, organization=world.cell_a2, on=D(2024, 3, 15))
    assert list(person.memberships.order_by("pk").values_list("organization", "start_on", "end_on")) == [
        (world.cell_a1.pk, D(2024, 3, 15), D(2024, 3, 15)),
        (world.cell_a2.pk, D(2024, 3, 15), None),
    ]


def test_person_transfer_refused_before_the_current_stint_began(world):
    person = world.people_a1[0]
    services.person_transfer(person=person, organization=world.cell_a2, on=D(2024, 3, 1))
    assert_refused(
        lambda: services.person_transfer(person=person, organization=world.cell_b1, on=D(2024, 2, 1)),
        "không thể trước ngày bắt đầu sinh hoạt",
    )


def test_person_leaving_closes_the_membership(world):
    person = world.people_a1[0]
    services.person_update(person=person, left_on=D(2024, 2, 1))
    assert list(person.memberships.values_list("end_on", flat=True)) == [D(2024, 2, 1)]


def test_person_leaving_before_the_current_stint_began_is_refused(world):
    person = world.people_a1[0]
    services.person_transfer(person=person, organization=world.cell_a2, on=D(2024, 3, 1))
    person.refresh_from_db()
    with pytest.raises(ValidationError) as info:
        services.person_update(person=person, left_on=D(2024, 2, 1))
    assert "left_on" in info.value.message_dict
    person.refresh_from_db()
    assert person.left_on is None
    assert person.memberships.filter(end_on__isnull=True).count() == 1
