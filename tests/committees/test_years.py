"""Reporting years: one definition of the valid and default years, openings per subtree, and
the year-tree sync that keeps each open year's tree in step with the dated history."""

import datetime

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.urls import reverse

from committees import services, years
from committees.models import Organization, OrganizationYear, ReportingYear, YearOpening
from committees.year_tree import year_tree_sync
from pledges.services.records import SessionInput, session_create
from reports.statistics import organization_years_figures
from tests.factories import make_organization

D = datetime.date


def rows(year: int) -> dict[int, tuple[int | None, str]]:
    return {
        org_id: (parent_id, path)
        for org_id, parent_id, path in OrganizationYear.objects.filter(year=year).values_list(
            "organization_id", "parent_id", "path"
        )
    }


def session(organization, on: datetime.date):
    return session_create(
        organization=organization, data=SessionInput(held_on=on, kind="thematic", topic="Sinh hoạt chuyên đề")
    )


def sessions_of(organization, year: int) -> int | None:
    figures = organization_years_figures(organization=organization, years=[year])[year]
    return None if figures is None else figures.sessions_total


# --- the definitions ---------------------------------------------------------------------------------


def test_years_of_an_organization_and_its_default_year(world):
    assert years.years_of(world.cell_a1) == [2024, 2023]
    assert years.default_year(world.cell_a1) == 2024
    assert years.year_choices(world.cell_a1) == [2024, 2023]
    # The year shown is offered even when not open (the page says so), if it is a year at all.
    assert years.year_choices(world.cell_a1, 2021) == [2024, 2023, 2021]
    assert years.year_choices(world.cell_a1, 1999) == [2024, 2023]
    services.reporting_year_close(year=2024)
    # This year closed: the latest open year is next year if opened, else the latest one.
    assert years.default_year(world.cell_a1) == 2024
    services.reporting_year_open(year=2025)
    assert years.default_year(world.cell_a1) == 2025


def test_a_new_organization_defaults_to_the_calendar_year_when_nothing_is_open(db):
    with time_machine.travel(datetime.datetime(2031, 6, 1, tzinfo=datetime.UTC), tick=False):
        root = make_organization(None, name="Tỉnh ủy mới")
        assert years.years_of(root) == []
        assert years.default_year(root) == 2031
        assert years.openable_years()[0] == 2032
        assert years.year_in_range(2032) and not years.year_in_range(2033)


def test_records_are_refused_in_a_year_not_open_for_the_organization(world):
    with pytest.raises(ValidationError, match="Năm 2022 chưa được mở cho"):
        session(world.cell_a1, D(2022, 5, 1))
    services.reporting_year_close(year=2023)
    with pytest.raises(ValidationError, match="đã khóa sổ"):
        session(world.cell_a1, D(2023, 5, 1))


# --- openings ----------------------------------------------------------------------------------------


def open_for(organization, year, django_capture_on_commit_callbacks, by=None) -> YearOpening:
    with django_capture_on_commit_callbacks(execute=True):
        opening = services.year_opening_request(year=year, organization=organization, by=by)
    opening.refresh_from_db()
    return opening


def test_opening_a_year_for_a_subtree_adds_it_and_its_superiors_only(world, django_capture_on_commit_callbacks):
    opening = open_for(world.committee_a, 2025, django_capture_on_commit_callbacks, by=world.a_clerk)
    assert opening.state == YearOpening.State.DONE
    in_2025 = set(rows(2025))
    expected = {world.province, world.bloc, world.committee_a, world.cell_a1, world.cell_a2}
    assert in_2025 == {org.pk for org in expected}
    assert opening.rows_added == len(expected)
    assert world.committee_b.pk not in in_2025 and world.cell_b1.pk not in in_2025
    # Paths follow the year's parents.
    by_id = rows(2025)
    assert by_id[world.cell_a1.pk][1].startswith(by_id[world.committee_a.pk][1])
    assert years.years_of(world.cell_b1) == [2024, 2023]
    assert years.years_of(world.cell_a1) == [2025, 2024, 2023]


def test_the_bloc_then_opens_the_rest_and_a_second_opening_is_refused(world, django_capture_on_commit_callbacks):
    open_for(world.committee_a, 2025, django_capture_on_commit_callbacks)
    kept = rows(2025)
    # The bloc stands in the tree as a superior only: it may still open the year for its subtree.
    opening = open_for(world.bloc, 2025, django_capture_on_commit_callbacks)
    assert opening.rows_added == 2  # committee B and its cell
    assert {org_id: kept[org_id] for org_id in kept} == {org_id: rows(2025)[org_id] for org_id in kept}
    for organization in (world.bloc, world.committee_a, world.cell_a2):
        with pytest.raises(ValidationError, match="đã được mở cho"):
            services.year_opening_request(year=2025, organization=organization)
    assert YearOpening.objects.filter(year=2025).count() == 2


def test_bad_openings_are_refused_and_write_nothing(world):
    empty = make_organization(world.committee_a, name="Chi bộ giải thể")
    services.organization_dissolve(organization=empty, on=D(2024, 3, 1))
    before = (ReportingYear.objects.count(), YearOpening.objects.count(), OrganizationYear.objects.count())
    with pytest.raises(ValidationError, match="không hợp lệ"):
        services.year_opening_request(year=2026, organization=world.committee_a)  # today is 15/03/2024
    with pytest.raises(ValidationError, match="không hợp lệ"):
        services.year_opening_request(year=1999, organization=world.committee_a)
    with pytest.raises(ValidationError, match="đã được mở"):
        services.year_opening_request(year=2024, organization=world.committee_a)
    services.reporting_year_open(year=2022)
    services.reporting_year_close(year=2022)
    before = (ReportingYear.objects.count(), YearOpening.objects.count(), OrganizationYear.objects.count())
    with pytest.raises(ValidationError, match="đã khóa sổ"):
        services.year_opening_request(year=2022, organization=world.committee_b)
    with pytest.raises(ValidationError, match="đã giải thể"):
        services.year_opening_request(year=2025, organization=empty)
    assert (ReportingYear.objects.count(), YearOpening.objects.count(), OrganizationYear.objects.count()) == before


def test_a_queued_opening_is_run_once(world):
    opening = services.year_opening_request(year=2025, organization=world.committee_b)  # on_commit not run
    assert opening.state == YearOpening.State.QUEUED and not rows(2025)
    assert services.year_opening_run(opening_id=opening.pk).state == YearOpening.State.DONE
    assert services.year_opening_run(opening_id=opening.pk) is None  # a second delivery claims nothing
    assert set(rows(2025)) == {world.province.pk, world.bloc.pk, world.committee_b.pk, world.cell_b1.pk}


def test_a_stale_queued_opening_can_be_sent_again(world):
    opening = services.year_opening_request(year=2025, organization=world.committee_b)
    assert not services.year_opening_can_retry(opening=opening)
    with pytest.raises(ValidationError):
        services.year_opening_retry(opening=opening)
    with time_machine.travel(datetime.datetime(2024, 3, 15, 9, 5, tzinfo=datetime.UTC), tick=False):
        assert services.year_opening_can_retry(opening=opening)
        services.year_opening_retry(opening=opening)


# --- the sync repairs ----------------------------------------------------------------------------------


def test_a_tree_in_step_is_left_alone(world, django_assert_max_num_queries):
    before = rows(2024)
    # The year's lock, the live tree, its history, the openings, the stored rows; and the
    # transaction's savepoint: the same at any size of tree.
    with django_assert_max_num_queries(8):
        result = year_tree_sync(2024)
    assert not result.changed and rows(2024) == before


def test_a_missing_unit_is_added_back_and_counted(world):
    session(world.cell_a2, D(2024, 3, 1))
    OrganizationYear.objects.filter(organization=world.cell_a2, year=2024).delete()
    assert sessions_of(world.cell_a2, 2024) == 1  # the reader's rebuild repairs the year first
    assert world.cell_a2.pk in rows(2024)
    assert sessions_of(world.committee_a, 2024) == 1


def test_a_unit_under_the_wrong_parent_is_moved_back(world):
    session(world.cell_a1, D(2024, 3, 1))
    row = OrganizationYear.objects.get(organization=world.cell_a1, year=2024)
    b_row = OrganizationYear.objects.get(organization=world.committee_b, year=2024)
    OrganizationYear.objects.filter(pk=row.pk).update(parent=world.committee_b, path=b_row.path + "0009")
    result = year_tree_sync(2024)
    assert result.moved == 1 and not result.added and not result.removed
    parent_id, path = rows(2024)[world.cell_a1.pk]
    assert parent_id == world.committee_a.pk and path.startswith(rows(2024)[world.committee_a.pk][1])
    assert sessions_of(world.committee_a, 2024) == 1 and sessions_of(world.committee_b, 2024) == 0


def test_a_unit_not_active_in_the_year_is_removed(world):
    late = make_organization(world.committee_b, name="Chi bộ lập năm 2024", founded_on=D(2024, 2, 1))
    assert late.pk in rows(2024) and late.pk not in rows(2023)
    OrganizationYear.objects.create(organization=late, year=2023, parent=world.committee_b, path="ZZZZ", depth=1)
    result = year_tree_sync(2023)
    assert result.removed == 1 and late.pk not in rows(2023)


def test_moves_count_for_the_whole_year_they_are_dated_in(world):
    services.reporting_year_open(year=2025)
    cell = make_organization(world.committee_a, name="Chi bộ chuyển")
    with time_machine.travel(datetime.datetime(2025, 6, 1, tzinfo=datetime.UTC), tick=False):
        services.organization_move(organization=cell, new_parent=world.committee_b, on=D(2025, 5, 1))
    assert rows(2024)[cell.pk][0] == world.committee_a.pk
    assert rows(2025)[cell.pk][0] == world.committee_b.pk
    # Both trees out of step: the sync puts each back from the dated history.
    OrganizationYear.objects.filter(organization=cell).delete()
    year_tree_sync(2024)
    year_tree_sync(2025)
    assert rows(2024)[cell.pk][0] == world.committee_a.pk
    assert rows(2025)[cell.pk][0] == world.committee_b.pk


def test_a_closed_year_is_never_touched(world):
    OrganizationYear.objects.filter(organization=world.cell_a2, year=2023).delete()
    services.reporting_year_close(year=2023)
    assert not year_tree_sync(2023).changed
    assert world.cell_a2.pk not in rows(2023)


def test_rebuild_tallies_repairs_every_open_year(world):
    session(world.cell_b1, D(2024, 2, 1))
    OrganizationYear.objects.filter(organization=world.cell_b1).delete()
    call_command("rebuild_tallies", verbosity=0)
    assert world.cell_b1.pk in rows(2023) and world.cell_b1.pk in rows(2024)
    assert sessions_of(world.bloc, 2024) == 1


def test_a_unit_created_mid_year_counts_in_that_year_only(world):
    cell = make_organization(world.committee_b, name="Chi bộ mới", founded_on=D(2024, 3, 1))
    session(cell, D(2024, 3, 10))
    assert sessions_of(cell, 2024) == 1 and sessions_of(world.bloc, 2024) == 1
    assert sessions_of(cell, 2023) is None
    with pytest.raises(ValidationError, match="chưa được mở"):
        session(cell, D(2023, 12, 1))


# --- the pages -------------------------------------------------------------------------------------------


def test_clerk_opens_next_year_from_the_pages(world, login, django_capture_on_commit_callbacks):
    client = login(world.a_clerk)
    page = client.get(reverse("committees:year_open", args=[world.committee_a.pk]))
    assert page.status_code == 200
    assert [int(value) for value, _label in page.context["form"].fields["year"].choices][:2] == [2025, 2024]
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("committees:year_open", args=[world.committee_a.pk]), {"year": "2025"})
    opening = YearOpening.objects.get(year=2025)
    assert response.status_code == 302 and response.url == reverse("committees:year_opening", args=[opening.pk])
    status = client.get(response.url)
    assert "Đã mở năm 2025" in status.content.decode()
    again = client.post(reverse("committees:year_open", args=[world.committee_a.pk]), {"year": "2025"})
    assert again.status_code == 200 and "đã được mở cho" in again.content.decode()
    wrong = client.post(reverse("committees:year_open", args=[world.committee_a.pk]), {"year": "2031"})
    assert wrong.status_code == 200 and "Hãy chọn một năm trong danh sách" in wrong.content.decode()
    assert YearOpening.objects.filter(year=2025).count() == 1
    # The year is now offered by every picker of the subtree, and only there.
    roster = client.get(reverse("pledges:roster", args=[world.cell_a1.pk, 2024]))
    assert roster.context["years"] == [2025, 2024, 2023]
    reviewer = login(world.bloc_reviewer)
    dashboard = reviewer.get(reverse("reports:dashboard", args=[world.cell_b1.pk, 2024]))
    assert dashboard.context["years"] == [2024, 2023]


def test_a_year_not_open_says_so_and_offers_to_open_it(world, login):
    client = login(world.a_clerk)
    page = client.get(reverse("pledges:session_list", args=[world.committee_a.pk, 2025]))
    body = page.content.decode()
    assert page.status_code == 200 and "data-year-not-open" in body
    assert reverse("committees:year_open", args=[world.committee_a.pk]) + "?nam=2025" in body
    assert not page.context["can_enter"]
    secretary = login(world.a1_secretary)
    roster = secretary.get(reverse("pledges:roster", args=[world.cell_a1.pk, 2024]))
    assert "data-year-not-open" not in roster.content.decode()
    assert secretary.get(reverse("pledges:roster", args=[world.cell_a1.pk, 2031])).status_code == 404


def admin_add(client, parent, **fields):
    data = {
        "name": "Chi bộ lập ở trang quản trị",
        "short_name": "",
        "kind": "cell",
        "issuer_code": "CB",
        "place_name": "Thanh Hoá",
        "founded_on": "2024-03-01",
        "treebeard_position": "first-child",
        "treebeard_ref_node": str(parent.pk),
        **fields,
    }
    return client.post(reverse("admin:committees_organization_add"), data)


def test_a_unit_added_in_the_admin_joins_the_open_years_trees(world, client):
    client.force_login(world.admin)
    response = admin_add(client, world.committee_b)
    assert response.status_code == 302, response.content.decode()[:2000]
    cell = Organization.objects.get(name="Chi bộ lập ở trang quản trị")
    assert Organization.objects.get_parent(cell) == world.committee_b
    assert rows(2024)[cell.pk][0] == world.committee_b.pk and cell.pk not in rows(2023)
    session(cell, D(2024, 3, 10))
    assert sessions_of(world.committee_b, 2024) == 1


def test_the_admin_refuses_a_unit_founded_in_a_closed_year_with_a_message(world, client):
    services.reporting_year_close(year=2023)
    client.force_login(world.admin)
    response = admin_add(client, world.committee_b, founded_on="2023-05-01")
    assert response.status_code == 200 and "đã khóa sổ" in response.content.decode()
    assert not Organization.objects.filter(name="Chi bộ lập ở trang quản trị").exists()
