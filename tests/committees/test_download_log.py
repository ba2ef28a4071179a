"""The download log: every web download of personal data leaves one entry, refused ones none,
and the log page shows a clerk the entries of their subtree only."""

import datetime

import pytest
from django.contrib import admin
from django.urls import reverse
from django.utils import timezone

from committees.models import DownloadLog, Role
from pledges.services.plans import plan_save
from pledges.services.pledges import ItemInput, pledge_create
from reports import batches
from reports import services as report_services
from reports.models import RenderBatch
from tests.factories import UserFactory, grant
from tests.permission_cases.reports import make_render

pytestmark = pytest.mark.django_db

Kind = DownloadLog.Kind


@pytest.fixture
def planned(world):
    return plan_save(organization=world.bloc, year=2024)


def only_entry() -> DownloadLog:
    entries = list(DownloadLog.objects.all())
    assert len(entries) == 1, entries
    return entries[0]


def log(user, organization, *, kind=Kind.DASHBOARD, at=None, description="tong-quan.xlsx") -> DownloadLog:
    return DownloadLog.objects.create(
        user=user,
        organization=organization,
        kind=kind,
        year=2024,
        description=description,
        created_at=at or timezone.now(),
    )


# --- each download leaves one entry --------------------------------------------------------


def test_report_file_download_is_logged(world, planned, login):
    report = report_services.report_open(organization=world.committee_a, year=2024)
    render = make_render(report)
    response = login(world.bloc_reviewer).get(reverse("reports:render_download", args=[render.pk]))
    assert response.status_code == 200
    entry = only_entry()
    assert (entry.user, entry.organization, entry.kind, entry.year) == (
        world.bloc_reviewer,
        world.committee_a,
        Kind.REPORT_FILE,
        2024,
    )
    assert entry.description == render.download_name()
    assert entry.path == reverse("reports:render_download", args=[render.pk])


def test_batch_zip_is_logged_with_its_file_count(world, planned, login):
    batch = RenderBatch.objects.create(organization=world.bloc, year=2024)
    for organization in (world.committee_a, world.committee_b):
        make_render(report_services.report_open(organization=organization, year=2024), batch=batch)
    batches.batch_zip_build(batch_id=batch.pk)  # what the worker does
    assert login(world.bloc_clerk).get(reverse("reports:batch_zip", args=[batch.pk])).status_code == 200
    entry = only_entry()
    assert (entry.user, entry.organization, entry.kind, entry.row_count) == (
        world.bloc_clerk,
        world.bloc,
        Kind.REPORT_BATCH,
        2,
    )


def test_pledge_form_is_logged_without_the_persons_name(world, login):
    person = world.people_a1[0]
    pledge = pledge_create(person=person, year=2024, items=[ItemInput("Đi làm đúng giờ")], submit=True)
    response = login(world.a1_secretary).get(reverse("reports:pledge_pdf", args=[pledge.pk]))
    assert response.status_code == 200
    entry = only_entry()
    assert (entry.user, entry.organization, entry.kind, entry.row_count) == (
        world.a1_secretary,
        world.cell_a1,
        Kind.PLEDGE_FORM,
        1,
    )
    assert str(pledge.pk) in entry.description
    # The file is named after the person; the log is not.
    assert "tran-thi-an" in response["Content-Disposition"]
    assert person.full_name not in entry.description
    assert "tran-thi-an" not in entry.description + entry.path


def test_cell_pledge_forms_are_logged_with_their_count(world, login):
    for person in world.people_a1[:2]:
        pledge_create(person=person, year=2024, items=[ItemInput("Tiết kiệm điện")], submit=True)
    response = login(world.a_clerk).get(reverse("reports:cell_pledges_pdf", args=[world.cell_a1.pk, 2024]))
    assert response.status_code == 200
    entry = only_entry()
    assert (entry.user, entry.organization, entry.kind, entry.row_count, entry.year) == (
        world.a_clerk,
        world.cell_a1,
        Kind.PLEDGE_FORMS,
        2,
        2024,
    )


def test_dashboard_spreadsheet_is_logged(world, login):
    response = login(world.bloc_reviewer).get(reverse("reports:dashboard_xlsx", args=[world.bloc.pk, 2024]))
    assert response.status_code == 200
    entry = only_entry()
    assert (entry.user, entry.organization, entry.kind, entry.row_count) == (
        world.bloc_reviewer,
        world.bloc,
        Kind.DASHBOARD,
        2,  # one row per child: committee_a and committee_b
    )
    assert entry.description == f"tong-quan-2024-{world.bloc.pk}.xlsx"


def test_import_templates_hold_no_personal_data_and_are_not_logged(world, login):
    client = login(world.a_clerk)
    for kind in ("ca-nhan", "ke-hoach"):
        url = reverse("transfers:import_template", kwargs={"pk": world.committee_a.pk, "kind": kind})
        assert client.get(url).status_code == 200
    assert not DownloadLog.objects.exists()


def test_pages_that_only_show_data_are_not_logged(world, login):
    client = login(world.bloc_reviewer)
    assert client.get(reverse("reports:dashboard", args=[world.bloc.pk, 2024])).status_code == 200
    assert client.get(reverse("committees:organization_detail", args=[world.cell_a1.pk])).status_code == 200
    assert not DownloadLog.objects.exists()


# --- a refused or failed download leaves none ----------------------------------------------


def test_refused_downloads_are_not_logged(world, planned, login):
    report = report_services.report_open(organization=world.committee_a, year=2024)
    render = make_render(report)
    batch = RenderBatch.objects.create(organization=world.committee_a, year=2024)
    pledge = pledge_create(person=world.people_a1[0], year=2024, items=[ItemInput("Đúng giờ")], submit=True)
    client = login(world.b1_secretary)  # another subtree: every one of these is a 404
    urls = [
        reverse("reports:render_download", args=[render.pk]),
        reverse("reports:batch_zip", args=[batch.pk]),
        reverse("reports:pledge_pdf", args=[pledge.pk]),
        reverse("reports:cell_pledges_pdf", args=[world.cell_a1.pk, 2024]),
        reverse("reports:dashboard_xlsx", args=[world.committee_a.pk, 2024]),
    ]
    for url in urls:
        assert client.get(url).status_code == 404, url
    client.logout()
    for url in urls:
        assert client.get(url).status_code == 302, url  # to the login page
    assert not DownloadLog.objects.exists()


def test_a_download_that_fails_is_not_logged(world, planned, login):
    report = report_services.report_open(organization=world.committee_a, year=2024)
    unfinished = report_services.render_request(report=report, format="pdf")
    client = login(world.a_clerk)
    assert client.get(reverse("reports:render_download", args=[unfinished.pk])).status_code == 404
    # No pledge handed in: the page says so instead of sending a file.
    assert client.get(reverse("reports:cell_pledges_pdf", args=[world.cell_a2.pk, 2024])).status_code == 302
    assert not DownloadLog.objects.exists()


# --- the log page ----------------------------------------------------------------------------


@pytest.fixture
def entries(world):
    """One entry on each side of the tree, and one at the top."""
    return {
        "cell_a1": log(world.bloc_reviewer, world.cell_a1, description="ke-hoach-2024-chi-bo-a1.pdf"),
        "committee_b": log(world.bloc_reviewer, world.committee_b, description="tong-quan-b.xlsx"),
        "bloc": log(world.bloc_clerk, world.bloc, description="bao-cao-khoi.zip", kind=Kind.REPORT_BATCH),
    }


def shown(response) -> set[int]:
    return {entry.pk for entry in response.context["page"].object_list}


def test_the_clerk_of_a_committee_sees_its_subtree_only(world, entries, login):
    response = login(world.a_clerk).get(reverse("committees:download_log", args=[world.committee_a.pk]))
    assert response.status_code == 200
    assert shown(response) == {entries["cell_a1"].pk}
    body = response.content.decode()
    assert "ke-hoach-2024-chi-bo-a1.pdf" in body
    assert "tong-quan-b.xlsx" not in body and "bao-cao-khoi.zip" not in body


def test_the_bloc_clerk_sees_the_whole_bloc(world, entries, login):
    response = login(world.bloc_clerk).get(reverse("committees:download_log", args=[world.bloc.pk]))
    assert shown(response) == {entry.pk for entry in entries.values()}


def test_the_clerk_of_another_subtree_sees_nothing_of_ours(world, entries, login):
    b_clerk = UserFactory(username="b_clerk")
    grant(b_clerk, world.committee_b, Role.CLERK)
    client = login(b_clerk)
    response = client.get(reverse("committees:download_log", args=[world.committee_b.pk]))
    assert shown(response) == {entries["committee_b"].pk}
    assert "ke-hoach-2024-chi-bo-a1.pdf" not in response.content.decode()
    # Ours in the URL: out of scope, 404.
    for organization in (world.committee_a, world.cell_a1, world.bloc):
        assert client.get(reverse("committees:download_log", args=[organization.pk])).status_code == 404


@pytest.mark.parametrize("user_key", ["a1_secretary", "bloc_reviewer"])
def test_roles_without_the_audit_permission_get_403(world, entries, login, user_key):
    response = login(getattr(world, user_key)).get(reverse("committees:download_log", args=[world.cell_a1.pk]))
    assert response.status_code == 403


def test_filters_by_date_range_and_kind(world, login):
    def at(day: int) -> datetime.datetime:
        # 23:30 in Hà Nội is 16:30 UTC: the day boundaries are local ones.
        return timezone.make_aware(datetime.datetime(2024, 3, day, 23, 30))

    early = log(world.bloc_reviewer, world.cell_a1, at=at(1))
    middle = log(world.bloc_reviewer, world.cell_a1, at=at(5), kind=Kind.PLEDGE_FORMS)
    late = log(world.bloc_reviewer, world.cell_a1, at=at(10))
    client = login(world.a_clerk)
    url = reverse("committees:download_log", args=[world.committee_a.pk])
    assert shown(client.get(url)) == {early.pk, middle.pk, late.pk}
    assert shown(client.get(url, {"tu": "2024-03-05", "den": "2024-03-10"})) == {middle.pk, late.pk}
    assert shown(client.get(url, {"tu": "2024-03-01", "den": "2024-03-01"})) == {early.pk}
    assert shown(client.get(url, {"den": "05/03/2024"})) == {early.pk, middle.pk}
    assert shown(client.get(url, {"loai": Kind.DASHBOARD})) == {early.pk, late.pk}
    # A range backwards is said so, and its end ignored.
    response = client.get(url, {"tu": "2024-03-05", "den": "2024-03-01"})
    assert "“Đến ngày” phải sau “Từ ngày”." in response.content.decode()
    assert shown(response) == {middle.pk, late.pk}
    # An unknown kind is refused on the form, not a server error.
    response = client.get(url, {"loai": "khac"})
    assert response.status_code == 200 and shown(response) == {early.pk, middle.pk, late.pk}


def test_newest_first_in_vietnamese_date_format(world, login):
    log(world.bloc_reviewer, world.cell_a1, at=timezone.make_aware(datetime.datetime(2024, 2, 5, 8, 7)))
    log(world.bloc_reviewer, world.cell_a1, at=timezone.make_aware(datetime.datetime(2024, 3, 9, 14, 30)))
    body = login(world.a_clerk).get(reverse("committees:download_log", args=[world.committee_a.pk])).content.decode()
    assert "14:30 09/03/2024" in body and "08:07 05/02/2024" in body
    assert body.index("14:30 09/03/2024") < body.index("08:07 05/02/2024")


def test_the_page_is_paginated(world, login):
    DownloadLog.objects.bulk_create(
        [DownloadLog(user=world.bloc_reviewer, organization=world.cell_a1, kind=Kind.DASHBOARD) for _ in range(60)]
    )
    client = login(world.a_clerk)
    url = reverse("committees:download_log", args=[world.committee_a.pk])
    first = client.get(url, {"loai": Kind.DASHBOARD})
    assert len(first.context["page"].object_list) == 50
    assert "trang=2" in first.content.decode() and "loai=dashboard_xlsx" in first.content.decode()
    assert len(client.get(url, {"loai": Kind.DASHBOARD, "trang": 2}).context["page"].object_list) == 10


def test_query_count_does_not_grow_with_entries(world, login, django_assert_max_num_queries):
    client = login(world.bloc_clerk)
    url = reverse("committees:download_log", args=[world.bloc.pk])
    users = [UserFactory(username=f"nguoi_tai_{n}") for n in range(5)]
    organizations = [world.cell_a1, world.cell_a2, world.cell_b1, world.committee_a, world.bloc]

    def add(number: int) -> None:
        DownloadLog.objects.bulk_create(
            [
                DownloadLog(user=users[n % 5], organization=organizations[n % 5], kind=Kind.API_LIST, row_count=n)
                for n in range(number)
            ]
        )

    add(2)
    with django_assert_max_num_queries(12) as few:
        assert client.get(url).status_code == 200
    add(48)
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(url)
    assert len(response.context["page"].object_list) == 50


def test_the_navigation_links_to_the_log_for_clerks_only(world, login, client):
    link = reverse("committees:download_log", args=[world.committee_a.pk])
    assert link in login(world.a_clerk).get(reverse("committees:people_search")).content.decode()
    client.logout()
    body = login(world.a1_secretary).get(reverse("committees:people_search")).content.decode()
    assert "nhat-ky-tai-du-lieu" not in body


def test_a_parent_link_only_where_the_parent_log_is_readable(world, login):
    url = reverse("committees:download_log", args=[world.committee_a.pk])
    assert login(world.bloc_clerk).get(url).context["parent"] == world.bloc
    assert login(world.a_clerk).get(url).context["parent"] is None


def test_the_log_is_read_only_in_the_admin(world, entries, rf):
    model_admin = admin.site._registry[DownloadLog]
    request = rf.get("/")
    request.user = world.admin
    assert not model_admin.has_add_permission(request)
    assert not model_admin.has_change_permission(request, entries["bloc"])
    assert not model_admin.has_delete_permission(request, entries["bloc"])
