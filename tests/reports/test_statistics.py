"""Statistics on a small hand-built dataset, with exact expected numbers."""

import datetime
from collections import Counter

import pytest
import time_machine

from committees import services as committee_services
from pledges.models import Pledge
from pledges.services import pledges as pledge_services
from pledges.services.plans import plan_save
from pledges.services.pledges import ItemInput
from reports.counting import MEETINGS, Tallies
from reports.statistics import Figures, organization_year_figures, organization_years_figures
from tests.factories import PersonFactory, make_organization


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


# --- plans: deadline and required meetings follow the nearest plan on the path ------------------


@pytest.fixture
def plans(world):
    """Plans of 2024 on the province, the bloc, Chi bộ A1 and Đảng ủy B (a sibling of Đảng ủy A);
    none in 2023. The province's is saved first, so it also comes first when read back."""
    return {
        "province": plan_save(
            organization=world.province,
            year=2024,
            pledge_deadline=datetime.date(2024, 3, 1),
            required_thematic_meetings=1,
        ),
        "bloc": plan_save(
            organization=world.bloc, year=2024, pledge_deadline=datetime.date(2024, 4, 10), required_thematic_meetings=4
        ),
        "cell_a1": plan_save(
            organization=world.cell_a1,
            year=2024,
            pledge_deadline=datetime.date(2024, 5, 20),
            required_thematic_meetings=3,
        ),
        "committee_b": plan_save(
            organization=world.committee_b,
            year=2024,
            pledge_deadline=datetime.date(2024, 6, 30),
            required_thematic_meetings=5,
        ),
    }


def terms(figures) -> tuple[datetime.date, int]:
    return figures.deadline, figures.required_meetings


def test_figures_follow_the_nearest_plan_above(world, plans):
    f = organization_year_figures(organization=world.committee_a, year=2024)
    assert terms(f) == (datetime.date(2024, 4, 10), 4)  # the bloc's, not the province's nor Đảng ủy B's
    children = {child.name: terms(child) for child in f.children}
    assert children == {
        world.cell_a1.name: (datetime.date(2024, 5, 20), 3),  # its own plan
        world.cell_a2.name: (datetime.date(2024, 4, 10), 4),  # the plan its parent follows
    }


def test_an_organization_with_its_own_plan_follows_it(world, plans):
    assert terms(organization_year_figures(organization=world.cell_a1, year=2024)) == (datetime.date(2024, 5, 20), 3)
    bloc = organization_year_figures(organization=world.bloc, year=2024)
    assert terms(bloc) == (datetime.date(2024, 4, 10), 4)
    assert {child.name: terms(child) for child in bloc.children} == {
        world.committee_a.name: (datetime.date(2024, 4, 10), 4),
        world.committee_b.name: (datetime.date(2024, 6, 30), 5),
    }
    assert terms(organization_year_figures(organization=world.province, year=2024)) == (datetime.date(2024, 3, 1), 1)


def test_a_plan_below_is_not_followed_above(world):
    plan_save(organization=world.cell_a1, year=2024, pledge_deadline=datetime.date(2024, 5, 20))
    f = organization_year_figures(organization=world.committee_a, year=2024)
    assert terms(f) == (datetime.date(2024, 4, 30), 2)  # the defaults


def test_without_a_plan_in_the_year_the_defaults_apply(world, plans):
    figures = organization_years_figures(organization=world.committee_a, years=[2023, 2024])
    assert terms(figures[2023]) == (datetime.date(2023, 4, 30), 2)
    assert {terms(child) for child in figures[2023].children} == {(datetime.date(2023, 4, 30), 2)}
    assert terms(figures[2024]) == (datetime.date(2024, 4, 10), 4)


def test_children_are_read_only_in_the_years_asked_for(world, data):
    figures = organization_years_figures(organization=world.bloc, years=[2023, 2024], children_years=[2024])
    assert figures[2023].children == ()
    assert [child.name for child in figures[2024].children] == [world.committee_a.name, world.committee_b.name]
    assert figures[2023].people_total == 11  # the root is read in every year (everyone joined in 2015)
    assert organization_years_figures(organization=world.bloc, years=[2023], children_years=[])[2023].children == ()


def test_figures_carry_the_day_they_were_read(world):
    f = organization_year_figures(organization=world.cell_a1, year=2024)
    assert f.as_of == datetime.date(2024, 3, 15)
    assert all(
        child.as_of == datetime.date(2024, 3, 15)
        for child in organization_year_figures(organization=world.committee_a, year=2024).children
    )


# --- Figures from hand-made counts --------------------------------------------------------------

PERSONAL, COLLECTIVE = Pledge.Kind.PERSONAL, Pledge.Kind.COLLECTIVE


def figures_of(*, year=2024, as_of=datetime.date(2024, 3, 15), **counters) -> Figures:
    tallies = Tallies(**{name: Counter(value) for name, value in counters.items()})
    return Figures(
        organization_id=1,
        name="Chi bộ thử",
        kind="cell",
        year=year,
        tallies=tallies,
        deadline=datetime.date(year, 4, 30),
        required_meetings=2,
        as_of=as_of,
    )


def test_people_by_group_and_exemption():
    f = figures_of(people={("party", False): 5, ("party", True): 1, ("union", False): 2, ("other", True): 1})
    assert (f.people_total, f.people_exempt, f.people_required, f.party_members) == (9, 2, 7, 6)
    assert (f.people_in_group("union"), f.people_in_group("other"), f.people_in_group("youth")) == (2, 1, 0)


def test_only_registered_personal_pledges_count_as_on_time_or_late():
    """A draft counts as neither, whatever flag a restored or edited row carries."""
    f = figures_of(
        people={("party", False): 10},
        pledges={
            (PERSONAL, "01", "draft", True, ""): 2,
            (PERSONAL, "01", "draft", False, ""): 1,
            (PERSONAL, "01", "submitted", True, ""): 3,
            (PERSONAL, "2A", "returned", False, ""): 1,
            (PERSONAL, "2B", "evaluated", True, "good"): 1,
            (COLLECTIVE, "", "submitted", True, ""): 4,
        },
    )
    assert (f.pledges_total, f.pledges_registered, f.pledges_draft) == (8, 5, 3)
    assert (f.pledges_on_time, f.pledges_late, f.pledges_missing) == (4, 1, 5)
    assert f.collective_pledges == 4
    assert f.pledges_by_form() == {"01": 3, "2A": 1, "2B": 1}
    assert f.pledges_by_state() == {"draft": 3, "submitted": 3, "accepted": 0, "returned": 1, "evaluated": 1}
    assert (f.coverage, f.on_time_rate) == (0.5, 0.8)


def test_evaluations_count_evaluated_pledges_only():
    f = figures_of(
        pledges={
            (PERSONAL, "01", "evaluated", True, "excellent"): 2,
            (PERSONAL, "01", "evaluated", False, "good"): 1,
            (PERSONAL, "01", "accepted", True, "good"): 5,  # an evaluation not (or no longer) in force
            (COLLECTIVE, "", "evaluated", True, "complete"): 3,
        }
    )
    assert f.evaluations() == {"excellent": 2, "good": 1, "complete": 0, "incomplete": 0}


def test_nobody_is_missing_once_everyone_required_has_registered():
    """People who registered and then left may outnumber those still required."""
    f = figures_of(people={("party", False): 2}, pledges={(PERSONAL, "01", "submitted", True, ""): 3})
    assert f.pledges_missing == 0
    assert f.coverage == 1.5


def test_rates_are_none_without_a_denominator():
    f = figures_of()
    assert (f.coverage, f.on_time_rate, f.items_done_rate) == (None, None, None)
    assert f.participation_rate() is None and f.participation_rate("party") is None
    assert (f.people_total, f.pledges_total, f.pledges_missing, f.items_total) == (0, 0, 0, 0)


def test_items_by_kind_and_result():
    f = figures_of(
        items={
            (PERSONAL, "done"): 3,
            (PERSONAL, "partly"): 1,
            (PERSONAL, "not_done"): 1,
            (PERSONAL, ""): 2,
            (COLLECTIVE, "done"): 2,
        }
    )
    assert (f.items_total, f.items_done, f.items_partly, f.items_not_done) == (7, 3, 1, 1)
    assert f.collective_items == 2
    assert f.items(COLLECTIVE, result="partly") == 0
    assert f.items_done_rate == 3 / 7


def test_counts_absent_from_the_tallies_are_zero():
    f = figures_of()
    assert (f.sessions_total, f.thematic_meetings, f.bridge_points) == (0, 0, 0)
    assert f.sessions_by_kind() == {"study": 0, "thematic": 0, "online": 0, "other": 0}
    assert (f.cells, f.cells_without_exemplar, f.cells_behind_meetings) == (0, 0, 0)
    assert (f.participants(), f.participants("party"), f.attendees_total) == (0, 0, 0)
    assert (f.exemplars_total, f.commendations_granted, f.proposals) == (0, 0, 0)
    assert f.exemplars_by_status() == {"registered": 0, "implemented": 0, "replicated": 0}
    assert (f.commendations_by_form(), f.commendations_by_authority(), f.registrations_by_date()) == ({}, {}, [])


def test_sessions_attendance_and_head_counts():
    f = figures_of(
        sessions={"study": 2, "thematic": 3, "online": 1},
        attendance={("study", "party"): 2, ("thematic", "union"): 1, ("study", "other"): 1},
        session_counts={"party": 100, "union": 50, "other": 10, "bridge_points": 12},
    )
    assert (f.sessions_total, f.thematic_meetings) == (6, 3)
    assert f.sessions_by_kind() == {"study": 2, "thematic": 3, "online": 1, "other": 0}
    assert (f.attendees_total, f.attendees_party, f.attendees_non_party, f.bridge_points) == (164, 102, 62, 12)
    assert f.attendees_in_group("union") == 51


def test_participation_is_a_share_of_the_members_capped_at_one():
    f = figures_of(
        people={("party", False): 2, ("party", True): 2, ("union", False): 4},
        participants={"party": 5, "union": 1},
    )
    assert (f.participants(), f.participants("party"), f.participants("union"), f.participants("other")) == (6, 5, 1, 0)
    assert f.participation_rate("party") == 1.0  # two who studied have left since
    assert f.participation_rate("union") == 0.25
    assert f.participation_rate() == 0.75
    assert f.participation_rate("other") is None


def test_exemplars_and_commendations():
    f = figures_of(
        exemplars={"registered": 2, "replicated": 1},
        commendations={
            ("person", "praise", "Đảng ủy Khối", "granted"): 2,
            ("collective", "praise", "", "granted"): 1,
            ("person", "certificate", "Tỉnh ủy", "proposed"): 1,
            ("collective", "certificate", "Tỉnh ủy", "granted"): 3,
            ("person", "certificate", "Tỉnh ủy", "granted"): 2,
            ("person", "praise", "Tỉnh ủy", "declined"): 4,
        },
    )
    assert f.exemplars_total == 3
    assert f.exemplars_by_status() == {"registered": 2, "implemented": 0, "replicated": 1}
    assert (f.commendations_granted, f.proposals) == (8, 1)
    assert f.commendation_count(recipient="collective") == 4
    assert f.commendation_count(form="praise") == 3
    assert f.commendation_count(status=None) == 13
    assert f.commendation_count(recipient="person", form="certificate", status="proposed") == 1
    by_form = f.commendations_by_form()
    assert list(by_form) == ["certificate", "praise"]
    assert by_form == {"certificate": {"person": 2, "collective": 3}, "praise": {"person": 2, "collective": 1}}
    assert f.commendations_by_form("proposed") == {
        "certificate": {"person": 1, "collective": 0},
        "praise": {"person": 0, "collective": 0},
    }
    assert f.commendations_by_authority() == {"Đảng ủy Khối": 2, "—": 1, "Tỉnh ủy": 5}
    assert f.commendations_by_authority("proposed") == {"Tỉnh ủy": 1}
    assert f.commendations_by_authority("declined") == {"Tỉnh ủy": 4}


def test_registrations_are_listed_per_day_in_date_order():
    f = figures_of(registrations={"2024-03-02": 2, "2024-02-28": 1, "2024-03-10": 4})
    assert f.registrations_by_date() == [
        (datetime.date(2024, 2, 28), 1),
        (datetime.date(2024, 3, 2), 2),
        (datetime.date(2024, 3, 10), 4),
    ]


MEETING_UNITS = {
    "cells": 18,
    "cells_without_exemplar": 4,
    (MEETINGS, 4, 0): 2,
    (MEETINGS, 4, 1): 3,
    (MEETINGS, 4, 2): 5,
    (MEETINGS, 2, 0): 7,
    (MEETINGS, 2, 1): 1,
}


@pytest.mark.parametrize(
    ("year", "as_of", "behind"),
    [
        (2024, datetime.date(2024, 3, 15), 0),  # no quarter is over yet
        (2024, datetime.date(2024, 4, 1), 2),  # one quarter: 1 of 4, 0 of 2 (rounded down)
        (2024, datetime.date(2024, 7, 1), 2 + 3 + 7),  # two quarters: 2 of 4, 1 of 2
        (2024, datetime.date(2024, 10, 1), 2 + 3 + 5 + 7),  # three quarters: 3 of 4, 1 of 2
        (2023, datetime.date(2024, 3, 15), 2 + 3 + 5 + 7 + 1),  # a past year: all of them
        (2025, datetime.date(2024, 3, 15), 0),  # a year not begun
    ],
)
def test_cells_behind_on_thematic_meetings_as_of_the_day_read(year, as_of, behind):
    f = figures_of(year=year, as_of=as_of, units=MEETING_UNITS)
    assert (f.cells, f.cells_without_exemplar) == (18, 4)
    assert f.cells_behind_meetings == behind


def test_cells_behind_without_a_day_are_counted_as_of_today():
    with time_machine.travel(datetime.datetime(2024, 7, 1, 9, tzinfo=datetime.UTC), tick=False):
        assert figures_of(as_of=None, units=MEETING_UNITS).cells_behind_meetings == 12


def test_is_empty_looks_at_records_not_at_people_or_cells():
    assert figures_of(people={("party", False): 3}, units={"cells": 1}).is_empty is True
    for counters in (
        {"pledges": {(PERSONAL, "01", "draft", None, ""): 1}},
        {"sessions": {"study": 1}},
        {"exemplars": {"registered": 1}},
        {"commendations": {("person", "praise", "", "proposed"): 1}},
    ):
        assert figures_of(**counters).is_empty is False, counters
