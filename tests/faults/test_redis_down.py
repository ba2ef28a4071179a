"""Redis stopped: the site keeps working, report requests say the queue is down and succeed
once Redis is back. Redis is a private redis-server of this test, never the shared one."""

from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse

from committees.models import Person
from pledges.models import Pledge
from pledges.services.plans import plan_save
from reports import services
from reports.models import ReportRender
from reports.views import QUEUE_DOWN
from tests.conftest import build_world
from tests.faults.conftest import Browser, files_under
from tests.workers import wait_until_finished

pytestmark = [pytest.mark.faults, pytest.mark.django_db(transaction=True)]

PASSWORD = "matkhau-thu-nghiem"  # tests.factories.UserFactory


def test_site_works_without_redis_and_reports_wait_for_it(private_redis, web, workers):
    world = build_world()
    plan_save(organization=world.bloc, year=2024)
    report = services.report_open(organization=world.committee_a, year=2024)
    on_private_redis = {"REDIS_URL": private_redis.url}
    worker = workers(env=on_private_redis)
    url = web(env=on_private_redis).url
    secretary, clerk = Browser(url), Browser(url)
    secretary.login("a1_secretary", PASSWORD)
    clerk.login("a_clerk", PASSWORD)

    private_redis.kill()

    for path in (
        reverse("home"),
        reverse("committees:organization_detail", args=[world.cell_a1.pk]),
        reverse("pledges:roster", args=[world.cell_a1.pk, 2024]),
        reverse("reports:dashboard", args=[world.committee_a.pk, 2024]),
        reverse("reports:report_page", args=[world.committee_a.pk, 2024]),
    ):
        assert clerk.get(path).status == 200, path
    page = secretary.post(
        reverse("committees:person_create", args=[world.cell_a1.pk]),
        {"full_name": "Lê Thị Hồng", "gender": "female", "birth_year": "1990", "position": "Chuyên viên",
         "category": "party_full", "joined_on": "2020-01-15", "exemption": "", "exemption_reason": ""},
    )  # fmt: skip
    assert page.status == 200 and Person.objects.filter(full_name="Lê Thị Hồng").exists()
    person = world.people_a1[0]
    page = secretary.post(
        reverse("pledges:pledge_entry", args=[person.pk, 2024]),
        {"items-TOTAL_FORMS": "1", "items-INITIAL_FORMS": "0", "version": "", "save": "1",
         "items-0-content": "Đi làm đúng giờ", "items-0-area": "workplace", "items-0-target": "", "items-0-due_on": ""},
    )  # fmt: skip
    assert page.status == 200 and Pledge.objects.filter(person=person, year=2024).exists()

    render_url = reverse("reports:render_request", args=[report.pk])
    page = clerk.post(render_url, {"format": "pdf"})
    assert page.status == 200 and str(QUEUE_DOWN) in page.body
    render = ReportRender.objects.get(report=report)
    assert render.state == ReportRender.State.QUEUED  # kept, to be sent again

    private_redis.start()  # empty: whatever it held is gone
    page = clerk.post(render_url, {"format": "pdf"})
    assert page.status == 200 and "Đã gửi yêu cầu tạo tệp PDF." in page.body, page.body
    assert ReportRender.objects.filter(report=report).count() == 1
    done = wait_until_finished(render.pk, timeout=90, worker=worker)
    assert done.state == ReportRender.State.READY, done.error + worker.log()
    assert files_under(settings.MEDIA_ROOT) == [Path(done.file.path)]
