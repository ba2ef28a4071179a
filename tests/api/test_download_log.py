"""The REST API's lists of personal data leave one download-log request each; refused ones none."""

import pytest
from django.core.files.base import ContentFile
from django.utils import timezone

from committees.models import DownloadLog, Role
from reports.models import ReportRender
from tests.api.conftest import url
from tests.factories import UserFactory, grant

pytestmark = pytest.mark.django_db

LOGGED_LISTS = ["people", "pledges", "sessions", "exemplars", "commendations"]


def entries() -> list[DownloadLog]:
    return list(DownloadLog.objects.order_by("pk"))


@pytest.mark.parametrize("resource", LOGGED_LISTS)
def test_a_list_filtered_on_an_organization_is_logged_against_it(world, records, api, resource):
    response = api(world.bloc_reviewer).get(url(f"{resource}/?organization={world.cell_a1.pk}&year=2024"))
    assert response.status_code == 200
    [entry] = entries()
    assert (entry.user, entry.organization, entry.kind, entry.year) == (
        world.bloc_reviewer,
        world.cell_a1,
        DownloadLog.Kind.API_LIST,
        2024,
    )
    assert entry.row_count == len(response.json()["results"]) > 0
    assert entry.path == url(f"{resource}/")
    assert entry.description.startswith("Danh sách")


def test_an_unfiltered_list_is_logged_against_the_top_of_the_scope(world, records, api):
    api(world.a1_secretary).get(url("people/"))
    [entry] = entries()
    assert (entry.organization, entry.year, entry.row_count) == (world.cell_a1, None, 3)


def test_a_user_with_two_subtrees_gets_one_entry_for_each_in_one_insert(
    world, records, api, django_assert_max_num_queries
):
    user = UserFactory(username="hai_noi")
    grant(user, world.cell_a1, Role.SECRETARY)
    grant(user, world.committee_b, Role.CLERK)
    client = api(user)
    client.get(url("pledges/"))  # the first request reads the token tables and the like
    DownloadLog.objects.all().delete()
    with django_assert_max_num_queries(5) as queries:  # the scope, the count, the page, the items, the log
        assert client.get(url("pledges/")).status_code == 200
    assert sum(query["sql"].startswith("INSERT") for query in queries.captured_queries) == 1
    assert {entry.organization for entry in entries()} == {world.cell_a1, world.committee_b}


def test_a_superusers_unfiltered_list_is_logged_for_the_whole_tree(world, records, api):
    api(world.admin).get(url("commendations/"))
    [entry] = entries()
    assert entry.organization is None and entry.user == world.admin


def test_the_search_term_is_not_kept(world, records, api):
    response = api(world.bloc_reviewer).get(url("people/?q=Trần Thị An"))
    assert response.status_code == 200 and response.json()["count"] > 0
    [entry] = entries()
    assert "Trần" not in entry.path + entry.description and "?" not in entry.path


def test_a_head_request_gets_no_content_and_is_not_logged(world, records, api):
    response = api(world.bloc_reviewer).head(url("people/"))
    assert response.status_code == 200 and not response.content
    assert entries() == []


@pytest.mark.parametrize("resource", ["organizations", "reports"])
def test_lists_without_personal_data_are_not_logged(world, records, api, resource):
    assert api(world.bloc_reviewer).get(url(f"{resource}/")).status_code == 200
    assert entries() == []


def test_details_are_not_logged(world, records, api):
    client = api(world.bloc_reviewer)
    assert client.get(url(f"people/{records.inside.person.pk}/")).status_code == 200
    assert client.get(url(f"pledges/{records.inside.draft.pk}/")).status_code == 200
    assert entries() == []


@pytest.mark.parametrize("resource", LOGGED_LISTS)
def test_refused_lists_are_not_logged(world, records, api, resource):
    assert api().get(url(f"{resource}/")).status_code in (401, 403)
    client = api(world.a1_secretary)
    assert client.get(url(f"{resource}/?organization={world.cell_b1.pk}")).status_code == 404
    assert client.get(url(f"{resource}/?year=hai-nghin")).status_code == 400
    assert entries() == []


def ready(render: ReportRender) -> ReportRender:
    render.state, render.sha256, render.size, render.finished_at = ReportRender.State.READY, "x" * 64, 9, timezone.now()
    render.file.save("bao-cao.pdf", ContentFile(b"%PDF-1.4\n"), save=True)
    return render


def test_a_report_file_downloaded_through_the_api_is_logged(world, records, api):
    render = ready(records.inside.render)
    path = url(f"renders/{render.pk}/download/")
    assert api(world.a_clerk).get(path).status_code == 200
    [entry] = entries()
    assert (entry.user, entry.organization, entry.kind, entry.year, entry.path) == (
        world.a_clerk,
        world.cell_a1,
        DownloadLog.Kind.REPORT_FILE,
        2024,
        path,
    )


def test_a_refused_or_unready_report_download_is_not_logged(world, records, api):
    outside = ready(records.outside.render)
    assert api(world.a_clerk).get(url(f"renders/{outside.pk}/download/")).status_code == 404
    assert api(world.a_clerk).get(url(f"renders/{records.inside.render.pk}/download/")).status_code == 404
    assert entries() == []
