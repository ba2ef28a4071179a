"""The tally store: after any change, figures read from it equal figures counted afresh."""

import datetime

import pytest
import time_machine

from committees import services as committee_services
from committees.models import PersonCategory
from pledges.models import Exemplar, Pledge, SessionKind
from pledges.services import pledges as pledge_services
from pledges.services.plans import plan_save
from pledges.services.pledges import AssessmentInput, ItemInput
from pledges.services.records import SessionInput, exemplar_save, session_create, session_update
from reports import tallies
from reports.models import Tally, TallyMark
from reports.statistics import organization_year_figures, organization_years_figures
from tests.factories import PersonFactory

pytestmark = pytest.mark.django_db

YEARS = [2023, 2024]


def read(organization):
    return {
        year: f and f.to_dict()
        for year, f in organization_years_figures(organization=organization, years=YEARS).items()
    }


def counted_afresh(organization):
    tallies.invalidate()
    return read(organization)


def assert_store_is_exact(world):
    for organization in (world.province, world.bloc, world.committee_a, world.cell_a1):
        incremental = read(organization)
        assert incremental == counted_afresh(organization), organization.name


def test_every_kind_of_change_keeps_the_store_exact(world):
    read(world.province)  # builds the store; every change below is applied incrementally
    an, binh, chi = world.people_a1

    pledge = pledge_services.pledge_create(
        person=an, year=2024, items=[ItemInput("Một"), ItemInput("Hai")], submit=True
    )
    draft = pledge_services.pledge_create(person=binh, year=2024, items=[ItemInput("Một")])
    assert_store_is_exact(world)
    assert read(world.bloc)[2024]["pledges_registered"] == 1

    pledge_services.pledge_update(
        pledge=draft, items=[ItemInput("A"), ItemInput("B"), ItemInput("C")], expected_version=None
    )
    pledge_services.pledge_accept(pledge=pledge)
    items = list(pledge.items.order_by("position"))
    pledge_services.pledge_self_assess(
        pledge=pledge,
        assessments=[
            AssessmentInput(item_id=items[0].pk, result="done"),
            AssessmentInput(item_id=items[1].pk, result="partly"),
        ],
    )
    pledge_services.pledge_evaluate(pledge=pledge, evaluation="good")
    assert_store_is_exact(world)
    assert read(world.committee_a)[2024]["items_done"] == 1

    session = session_create(
        organization=world.cell_a1,
        data=SessionInput(
            held_on=datetime.date(2024, 3, 10),
            kind=SessionKind.THEMATIC,
            topic="Sinh hoạt quý I",
            attendee_ids=[an.pk, binh.pk],
        ),
    )
    exemplar_save(organization=world.cell_a1, year=2024, name="Mô hình A", status=Exemplar.Status.REGISTERED)
    assert_store_is_exact(world)
    # The session moves to the previous year: both years change.
    session_update(
        session=session,
        data=SessionInput(
            held_on=datetime.date(2023, 11, 10),
            kind=SessionKind.THEMATIC,
            topic="Sinh hoạt quý IV",
            attendee_ids=[chi.pk],
        ),
    )
    assert_store_is_exact(world)
    assert read(world.cell_a1)[2023]["thematic_meetings"] == 1

    committee_services.person_update(person=chi, category=PersonCategory.YOUTH_UNION)
    committee_services.person_transfer(person=binh, organization=world.cell_a2, on=datetime.date(2024, 3, 1))
    PersonFactory(organization=world.cell_b1)
    assert_store_is_exact(world)

    Pledge.objects.get(pk=draft.pk).delete()
    assert_store_is_exact(world)


def test_reorganizations_and_plans_rebuild_the_year(world):
    read(world.province)
    pledge_services.pledge_create(person=world.people_a1[0], year=2024, items=[ItemInput("Một")], submit=True)
    committee_services.organization_move(
        organization=world.cell_a1, new_parent=world.committee_b, on=datetime.date(2024, 3, 1)
    )
    plan_save(organization=world.bloc, year=2024, required_thematic_meetings=4)
    assert_store_is_exact(world)
    assert read(world.committee_b)[2024]["pledges_registered"] == 1
    assert read(world.committee_a)[2024]["pledges_registered"] == 0


def test_members_follow_the_calendar(world):
    read(world.province)
    moving = world.people_a1[0]
    committee_services.person_transfer(person=moving, organization=world.cell_b1, on=datetime.date(2024, 4, 1))
    before = read(world.cell_b1)[2024]["people_total"]
    with time_machine.travel(datetime.datetime(2024, 4, 2, 8, tzinfo=datetime.UTC), tick=False):
        after = read(world.cell_b1)[2024]["people_total"]
        assert after == before + 1
        assert read(world.cell_b1) == counted_afresh(world.cell_b1)


def test_a_change_recounts_only_the_marked_organization(world):
    read(world.province)
    untouched = {row.pk: (row.own, row.total) for row in Tally.objects.filter(year=2024, organization=world.cell_b1)}
    pledge_services.pledge_create(person=world.people_a1[0], year=2024, items=[ItemInput("Một")], submit=True)
    assert set(TallyMark.objects.values_list("organization_id", "year")) == {(world.cell_a1.pk, 2024)}
    read(world.bloc)
    assert not TallyMark.objects.exists()
    assert {
        row.pk: (row.own, row.total) for row in Tally.objects.filter(year=2024, organization=world.cell_b1)
    } == untouched


def test_recounting_costs_the_same_for_one_or_many_organizations(
    world, django_assert_num_queries, django_assert_max_num_queries
):
    read(world.province)
    pledge_services.pledge_create(person=world.people_a1[0], year=2024, items=[ItemInput("Một")], submit=True)
    # 22: the recount, with the time the figures were counted (what readers show).
    with django_assert_max_num_queries(22) as one:
        organization_year_figures(organization=world.bloc, year=2024)
    for person in [world.people_a1[1], world.people_a2[0], world.people_b1[0]]:
        pledge_services.pledge_create(person=person, year=2024, items=[ItemInput("Một")], submit=True)
    with django_assert_num_queries(len(one.captured_queries)):
        figures = organization_year_figures(organization=world.bloc, year=2024)
    assert figures.pledges_registered == 4


def test_figures_of_an_unbuilt_store_are_counted_on_first_read(world):
    pledge_services.pledge_create(person=world.people_a1[0], year=2024, items=[ItemInput("Một")], submit=True)
    Tally.objects.all().delete()
    tallies.invalidate()
    assert organization_year_figures(organization=world.cell_a1, year=2024).pledges_registered == 1
