"""Statistics on a small hand-built dataset, with exact expected numbers."""

import datetime

import pytest
import time_machine

from committees import services as committee_services
from pledges.services import pledges as pledge_services
from pledges.services.pledges import ItemInput
from reports.statistics import organization_year_figures, organization_years_figures
from tests.factories import PersonFactory, make_organization

pytestmark = pytest.mark.django_db


def test_committee_figures_are_exact(world, data):
    f = organization_year_figures(organization=world.committee_a, year=2024)
    assert (f.people_total, f.people_exempt, f.people_required, f.party_members) == (8, 1, 7, 7)
    assert (f.pledges_total, f.pledges_registered, f.pledges_draft) == (4, 3, 1)
    assert (f.pledges_on_time, f.pledges_late, f.pledges_missing) == (2, 1, 4)
    assert f.pledges_by_form() == {"01": 2, "2A": 1, "2B": 0}
    assert f.coverage == pytest.approx(3 / 7)
    assert (f.items_total, f.items_done, f.items_partly, f.items_not_done) == (7, 3, 1, 1)
    assert (f.collective_pledges, f.collective_items) == (1, 2)
    assert f.evaluations() == {"excellent": 0, "good": 1, "complete": 0, "incomplete": 0}
    assert f.sessions_by_kind()["study"] == 1 and f.thematic_meetings == 1 and f.sessions_total == 2
    assert (f.attendees_total, f.attendees_party, f.attendees_non_party, f.bridge_points) == (4, 3, 1, 0)
    assert f.participants("party") == 2 and f.participation_rate("party") == pytest.approx(2 / 7)
    assert f.participation_rate("union") == 1
    assert (f.exemplars_total, f.cells, f.cells_without_exemplar) == (2, 2, 1)
    assert (f.commendations_granted, f.proposals) == (1, 1)
    assert f.commendation_count(recipient="collective", status="proposed") == 1


def test_children_carry_their_own_figures(world, data):
    f = organization_year_figures(organization=world.committee_a, year=2024)
    children = {child.name: child for child in f.children}
    assert set(children) == {world.cell_a1.name, world.cell_a2.name}
    assert children[world.cell_a1.name].pledges_total == 3
    assert children[world.cell_a2.name].pledges_total == 1
    assert sum(child.people_total for child in f.children) == f.people_total


def test_bloc_rolls_up_counts_and_conferences(world, data):
    f = organization_year_figures(organization=world.bloc, year=2024)
    assert f.people_total == 11
    assert f.bridge_points == 12
    assert f.attendees_total == 4 + 160
    assert f.attendees_party == 103
    assert [child.name for child in f.children] == [world.committee_a.name, world.committee_b.name]
    assert f.cells == 3 and f.cells_without_exemplar == 2


def test_year_without_data_is_empty_not_an_error(world):
    f = organization_year_figures(organization=world.committee_b, year=2024)
    assert f.pledges_total == 0 and f.coverage == 0
    assert organization_year_figures(organization=world.committee_b, year=2019) is None


def test_move_after_the_year_keeps_that_years_figures(world, data):
    with time_machine.travel(datetime.datetime(2023, 3, 1, tzinfo=datetime.UTC), tick=False):
        pledge_services.pledge_create(person=world.people_a2[1], year=2023, items=[ItemInput("Một")], submit=True)
    committee_services.reporting_year_close(year=2023)
    committee_services.organization_move(
        organization=world.cell_a2, new_parent=world.committee_b, on=datetime.date(2024, 3, 15)
    )
    a_2023 = organization_year_figures(organization=world.committee_a, year=2023)
    b_2023 = organization_year_figures(organization=world.committee_b, year=2023)
    assert a_2023.pledges_total == 1 and b_2023.pledges_total == 0
    a_2024 = organization_year_figures(organization=world.committee_a, year=2024)
    b_2024 = organization_year_figures(organization=world.committee_b, year=2024)
    assert a_2024.pledges_total == 3 and b_2024.pledges_total == 1


def test_merge_moves_the_open_year_and_keeps_the_closed_one(world, data):
    with time_machine.travel(datetime.datetime(2023, 3, 1, tzinfo=datetime.UTC), tick=False):
        pledge_services.pledge_create(person=world.people_a2[1], year=2023, items=[ItemInput("Một")], submit=True)
    committee_services.reporting_year_close(year=2023)
    committee_services.organization_merge(source=world.cell_a2, target=world.cell_a1, on=datetime.date(2024, 3, 15))
    by_name_2023 = {c.name: c for c in organization_year_figures(organization=world.committee_a, year=2023).children}
    assert by_name_2023[world.cell_a2.name].pledges_total == 1
    f_2024 = organization_year_figures(organization=world.committee_a, year=2024)
    by_name_2024 = {c.name: c for c in f_2024.children}
    # It existed during 2024, so it stays in that year's tree, marked and emptied of open records.
    assert by_name_2024[world.cell_a2.name].dissolved is True
    assert by_name_2024[world.cell_a2.name].pledges_total == 0
    assert by_name_2024[world.cell_a1.name].pledges_total == 4
    assert f_2024.pledges_total == 4
    assert f_2024.people_total == 8


def test_query_count_does_not_depend_on_tree_size(world, data, django_assert_num_queries):
    # The first read counts the years into the tally store; later reads only read it.
    organization_years_figures(organization=world.bloc, years=[2023, 2024])
    with django_assert_num_queries(4):
        organization_years_figures(organization=world.bloc, years=[2023, 2024])
    for index in range(6):
        committee = make_organization(world.bloc, name=f"Đảng ủy thêm {index}", kind="grassroots")
        for cell_index in range(3):
            cell = make_organization(committee, name=f"Chi bộ {index}-{cell_index}")
            PersonFactory(organization=cell)
    organization_years_figures(organization=world.bloc, years=[2023, 2024])
    with django_assert_num_queries(4):
        figures = organization_years_figures(organization=world.bloc, years=[2023, 2024])
    assert figures[2024].cells == 3 + 18
