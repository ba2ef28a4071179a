"""PostgreSQL restarted between two requests: the next request succeeds.

The web process keeps its database connection between requests (DB_CONN_MAX_AGE); after a
restart that connection is dead, and the health check (CONN_HEALTH_CHECKS) must notice it
and open a new one before the request uses it. The test database survives: it is on disk.
"""

from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection
from django.urls import reverse

from committees.models import Person
from pledges.services.plans import plan_save
from reports import services
from reports.models import ReportRender
from tests.conftest import build_world
from tests.faults.conftest import Browser, files_under, restart_postgres
from tests.workers import database_url, wait_until_finished

pytestmark = [pytest.mark.faults, pytest.mark.django_db(transaction=True)]

PASSWORD = "matkhau-thu-nghiem"  # tests.factories.UserFactory
WEB = "lamtheobac-faults-web"


def _connections_of(application_name: str) -> int:
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM pg_stat_activity WHERE application_name = %s", [application_name])
        return cursor.fetchone()[0]


def test_the_request_after_a_postgres_restart_succeeds(shared_queues, web, workers):
    world = build_world()
    plan_save(organization=world.bloc, year=2024)
    report = services.report_open(organization=world.committee_a, year=2024)
    worker = workers()
    url = web(env={"DATABASE_URL": f"{database_url()}?application_name={WEB}"}).url
    secretary, clerk = Browser(url), Browser(url)
    secretary.login("a1_secretary", PASSWORD)
    clerk.login("a_clerk", PASSWORD)
    cell_page = reverse("committees:organization_detail", args=[world.cell_a1.pk])
    assert secretary.get(cell_page).status == 200
    assert _connections_of(WEB) == 1  # kept open after the request: the case to test

    restart_postgres()
    connection.close()  # this test's own connection died too

    assert _connections_of(WEB) == 0
    page = secretary.get(cell_page)
    assert page.status == 200 and world.cell_a1.name in page.body
    page = secretary.post(
        reverse("committees:person_create", args=[world.cell_a1.pk]),
        {"full_name": "Lê Thị Hồng", "gender": "female", "birth_year": "1990", "position": "Chuyên viên",
         "category": "party_full", "joined_on": "2020-01-15", "exemption": "", "exemption_reason": ""},
    )  # fmt: skip
    assert page.status == 200 and Person.objects.filter(full_name="Lê Thị Hồng").exists()
    page = clerk.post(reverse("reports:render_request", args=[report.pk]), {"format": "pdf"})
    assert page.status == 200 and "Đã gửi yêu cầu tạo tệp PDF." in page.body
    done = wait_until_finished(ReportRender.objects.get(report=report).pk, timeout=90, worker=worker)
    assert done.state == ReportRender.State.READY, done.error + worker.log()
    assert files_under(settings.MEDIA_ROOT) == [Path(done.file.path)]
