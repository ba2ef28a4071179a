"""The tally store with workers: reads never write, the worker applies the marks, and a
reorganization moves sums instead of rebuilding the year."""

import datetime
import re
from unittest import mock

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from committees import services as committee_services
from config.celery import app
from pledges.services import pledges as pledge_services
from pledges.services.pledges import ItemInput
from pledges.services.records import SessionInput, session_create
from reports import tallies
from reports.models import TallyMark, TallyYear
from reports.statistics import organization_years_figures
from tests.factories import PersonFactory, make_organization
from tests.reports.test_tallies import YEARS, counted_afresh, read

pytestmark = pytest.mark.django_db

D = datetime.date
WRITE = re.compile(r"^\s*(INSERT|UPDATE|DELETE)\b", re.IGNORECASE)


@pytest.fixture
def workers():
    """As in production: tasks go to a broker, so a reader must not apply marks itself."""
    app.conf.task_always_eager = False  # the autouse _eager_celery fixture restores it
    with mock.patch("reports.tasks.tally_apply_task.apply_async") as queued:
        yield queued


def build_store():
    """What the worker does after the world was made."""
    for year in YEARS:
        tallies.apply_pending(year)


def pledge(person):
    return pledge_services.pledge_create(person=person, year=2024, items=[ItemInput("Một")], submit=True)


def writes_during(callable_) -> list[str]:
    with CaptureQueriesContext(connection) as queries:
        callable_()
    return [query["sql"] for query in queries if WRITE.match(query["sql"])]


def test_reads_never_write_with_workers(world, login, workers):
    build_store()  # the store is built
    pledge(world.people_a1[0])
    assert TallyMark.objects.exists()
    reviewer = login(world.bloc_reviewer)
    pages = [
        reverse("reports:dashboard", args=[world.bloc.pk, 2024]),
        reverse("reports:dashboard", args=[world.cell_a1.pk, 2024]),
        reverse("committees:organization_detail", args=[world.bloc.pk]),
        reverse("pledges:roster", args=[world.cell_a1.pk, 2024]),
        f"/api/v1/statistics/?organization={world.bloc.pk}&year=2024",
    ]
    for url in pages:
        assert reviewer.get(url).status_code == 200
        assert writes_during(lambda url=url: reviewer.get(url)) == [], url
    # Figures stay as counted until the worker applies the marks, and say so.
    before = organization_years_figures(organization=world.bloc, years=[2024])[2024]
    assert before.pledges_registered == 0
    assert tallies.year_states([2024])[2024].pending
    tallies.apply_pending(2024)  # what the worker does
    assert organization_years_figures(organization=world.bloc, years=[2024])[2024].pledges_registered == 1
    assert not tallies.year_states([2024])[2024].pending


def test_a_committed_change_queues_one_debounced_task(world, workers, django_capture_on_commit_callbacks):
    build_store()
    with django_capture_on_commit_callbacks(execute=True):
        pledge(world.people_a1[0])
        pledge(world.people_a1[1])
    assert [call.args[0] for call in workers.call_args_list] == [(2024,)]


def test_the_sweep_applies_what_a_lost_task_left(world, workers):
    build_store()
    pledge(world.people_a2[0])
    assert tallies.sweep() == [2024]
    assert organization_years_figures(organization=world.bloc, years=[2024])[2024].pledges_registered == 1
    assert tallies.sweep() == []


def test_the_dashboard_says_when_its_figures_were_counted(world, login, workers):
    build_store()
    client = login(world.bloc_reviewer)
    page = client.get(reverse("reports:dashboard", args=[world.bloc.pk, 2024])).content.decode()
    assert "Số liệu tính đến" in page and "đang cập nhật" not in page
    pledge(world.people_a1[0])
    page = client.get(reverse("reports:dashboard", args=[world.bloc.pk, 2024])).content.decode()
    assert "đang cập nhật" in page


# --- reorganizations move sums --------------------------------------------------------------


@pytest.fixture
def no_rebuild():
    with mock.patch("reports.tallies.rebuild", side_effect=AssertionError("a reorganization rebuilt the year")):
        yield


def records(world):
    pledge(world.people_a1[0])
    pledge(world.people_a2[0])
    session_create(
        organization=world.cell_a2, data=SessionInput(held_on=D(2024, 3, 1), kind="thematic", topic="Chuyên đề")
    )


def assert_exact(world, *organizations):
    for organization in organizations:
        incremental = read(organization)
        with mock.patch("reports.tallies.rebuild", wraps=tallies.rebuild):
            assert incremental == counted_afresh(organization), organization.name


def test_a_move_moves_the_sums_without_a_rebuild(world):
    read(world.province)
    records(world)
    read(world.province)
    with mock.patch("reports.tallies.rebuild", side_effect=AssertionError("rebuilt")):
        committee_services.organization_move(organization=world.cell_a2, new_parent=world.committee_b, on=D(2024, 2, 1))
        assert TallyYear.objects.get(year=2024).built
        moved = read(world.committee_b)[2024]
        assert moved["pledges_registered"] == 1 and moved["sessions_total"] == 1
        assert read(world.committee_a)[2024]["pledges_registered"] == 1
    assert_exact(world, world.province, world.bloc, world.committee_a, world.committee_b)


def test_new_dissolved_and_merged_units_keep_the_store_exact_without_a_rebuild(world):
    read(world.province)
    records(world)
    with mock.patch("reports.tallies.rebuild", side_effect=AssertionError("rebuilt")):
        cell = make_organization(world.committee_b, name="Chi bộ mới", founded_on=D(2024, 2, 1))
        PersonFactory(organization=cell, full_name="Lê Thị Mới", joined_on=D(2024, 2, 1))
        read(world.province)
        committee_services.organization_merge(source=world.cell_a2, target=world.cell_a1, on=D(2024, 3, 1))
        read(world.province)
        empty = make_organization(world.committee_a, name="Chi bộ sẽ giải thể", founded_on=D(2020, 1, 1))
        read(world.province)
        committee_services.reporting_year_open(year=2025)  # a later year the dissolution takes it out of
    with mock.patch("reports.tallies.rebuild", side_effect=AssertionError("rebuilt")):
        committee_services.organization_dissolve(organization=empty, on=D(2024, 3, 10))
        read(world.province)
    assert_exact(world, world.province, world.bloc, world.committee_a, world.committee_b, cell)
    assert set(YEARS) <= set(TallyYear.objects.filter(built=True).values_list("year", flat=True))


def test_a_plan_changing_required_meetings_recounts_its_cells_only(world):
    from pledges.services.plans import plan_save

    read(world.province)
    records(world)
    read(world.province)
    with mock.patch("reports.tallies.rebuild", side_effect=AssertionError("rebuilt")):
        plan_save(organization=world.committee_a, year=2024, required_thematic_meetings=1)
        marked = set(TallyMark.objects.filter(year=2024).values_list("organization_id", flat=True))
        assert marked == {world.cell_a1.pk, world.cell_a2.pk}
        read(world.province)
    assert_exact(world, world.province, world.committee_a)
