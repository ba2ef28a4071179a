"""The load test's machinery (bench/): its users read the real pages right, its checks judge right.

Timing lives in bench/ itself; here only what would make a load test lie: a form the users
can no longer fill in, a drill-down that finds nothing, a check that would pass a lost pledge.
"""

import pytest
from django.test import Client
from django.urls import reverse

from bench import pages
from bench.load import LoadOutcome, Page, percentile
from pledges.models import Pledge, PledgeState
from pledges.services.pledges import ItemInput, pledge_create

YEAR = 2024


def _html(response) -> str:
    assert response.status_code == 200
    return response.content.decode()


@pytest.mark.django_db
def test_a_secretary_enters_and_submits_a_pledge_as_the_load_test_does(world):
    client = Client(enforce_csrf_checks=True)
    client.force_login(world.a1_secretary)
    roster = reverse("pledges:roster", args=[world.cell_a1.pk, YEAR])
    links = pages.entry_links(_html(client.get(roster + "?trang-thai=missing")), YEAR)
    assert sorted(links) == sorted(reverse("pledges:pledge_entry", args=[p.pk, YEAR]) for p in world.people_a1)

    form = _html(client.get(links[0]))
    data = {**pages.hidden_fields(form), **pages.pledge_items(form, YEAR), "submit": "1"}
    assert data["csrfmiddlewaretoken"]
    assert data["items-TOTAL_FORMS"] == str(len(pages.ITEMS))
    response = client.post(links[0], data)

    assert response.status_code == 302
    assert response.url == roster  # what the load test counts as a submission accepted
    pledge = Pledge.objects.get()
    assert pledge.state == PledgeState.SUBMITTED
    assert [item.content for item in pledge.items.order_by("position")] == [content for content, _t in pages.ITEMS]
    assert len({item.area for item in pledge.items.all()}) == len(pages.ITEMS)
    assert links[0] not in pages.entry_links(_html(client.get(roster + "?trang-thai=missing")), YEAR)


@pytest.mark.django_db
def test_the_sign_in_form_is_filled_from_its_hidden_fields(world):
    client = Client(enforce_csrf_checks=True)
    page = _html(client.get(reverse("login")))
    assert any(asset.endswith(".css") for asset in pages.static_assets(page))
    data = {**pages.hidden_fields(page), "username": "a1_secretary", "password": "matkhau-thu-nghiem"}
    response = client.post(reverse("login"), data)
    assert response.status_code == 302
    assert not response.url.startswith(reverse("login"))


@pytest.mark.django_db
def test_a_reviewer_drills_down_from_the_bloc_to_the_chi_bo(world):
    for person in (world.people_a1[0], world.people_b1[0]):  # a dashboard without figures has no table
        pledge_create(person=person, year=YEAR, items=[ItemInput("Đúng giờ")], submit=True)
    client = Client()
    client.force_login(world.bloc_reviewer)
    bloc = _html(client.get(reverse("reports:dashboard", args=[world.bloc.pk, YEAR])))
    committees = pages.child_dashboards(bloc)
    assert sorted(committees) == sorted(
        reverse("reports:dashboard", args=[org.pk, YEAR]) for org in (world.committee_a, world.committee_b)
    )
    committee_a = _html(client.get(reverse("reports:dashboard", args=[world.committee_a.pk, YEAR])))
    assert sorted(pages.child_dashboards(committee_a)) == sorted(
        reverse("reports:dashboard", args=[cell.pk, YEAR]) for cell in (world.cell_a1, world.cell_a2)
    )
    assert pages.child_dashboards(_html(client.get(reverse("reports:dashboard", args=[world.cell_a1.pk, YEAR])))) == []


def test_percentile_is_the_nearest_rank():
    values = list(range(1, 101))
    assert percentile(values, 0.5) == 50
    assert percentile(values, 0.95) == 95
    assert percentile([7.0], 0.95) == 7.0
    assert percentile([], 0.95) == 0.0


def _passing_outcome(**changes) -> LoadOutcome:
    outcome = LoadOutcome(seconds=120, secretaries=50, reviewers=10, workers=3, requests=5000, p50=40, p95=180)
    outcome.pages = [Page("roster", 100, 30, 90)]
    outcome.submitted = outcome.pledges_written = outcome.people_with_new_pledge = 700
    outcome.worker_answered = True
    for name, value in changes.items():
        setattr(outcome, name, value)
    return outcome


def test_a_clean_run_has_no_problem():
    assert _passing_outcome().problems == []


@pytest.mark.parametrize(
    "changes, problem",
    [
        ({"pledges_written": 699}, "700 submissions but 699 pledges written"),
        ({"pledges_written": 701, "people_with_new_pledge": 701}, "700 submissions but 701 pledges written"),
        ({"people_with_new_pledge": 699}, "700 submissions but 700 pledges written"),
        ({"unfinished": 2}, "2 submissions cut off"),
        ({"failures": {"GET roster: HTTP 500": 3}}, "3 failed requests"),
        ({"p95": 300}, "p95 300 ms"),
        ({"submitted": 0, "pledges_written": 0, "people_with_new_pledge": 0}, "no pledge was submitted"),
        ({"worker_answered": False}, "Celery worker"),
    ],
)
def test_each_way_a_run_can_fail_is_reported(changes, problem):
    problems = _passing_outcome(**changes).problems
    assert len(problems) == 1
    assert problem in problems[0]
