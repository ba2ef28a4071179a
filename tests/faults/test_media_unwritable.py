"""The media directory is not writable: the worker's render fails with a plain message and
nothing is served or left behind. (tests/reports covers the same rule in-process.)"""

import pytest
from django.urls import reverse

from pledges.services.plans import plan_save
from reports import services
from reports.models import ReportRender
from tests.conftest import build_world
from tests.faults.conftest import files_under, unwritable_directory
from tests.workers import wait_until_finished

pytestmark = [pytest.mark.faults, pytest.mark.django_db(transaction=True)]


def test_unwritable_media_fails_the_render_clearly(shared_queues, workers, settings, tmp_path, client):
    world = build_world()
    plan_save(organization=world.bloc, year=2024)
    report = services.report_open(organization=world.committee_a, year=2024)
    with unwritable_directory(tmp_path) as media:
        settings.MEDIA_ROOT = media
        worker = workers(env={"MEDIA_ROOT": str(media)})
        client.force_login(world.a_clerk)
        response = client.post(reverse("reports:render_request", args=[report.pk]), {"format": "pdf"})
        assert response.status_code == 302
        render = ReportRender.objects.get(report=report)

        done = wait_until_finished(render.pk, timeout=90, worker=worker)

        assert done.state == ReportRender.State.FAILED, worker.log()
        message = "Không lưu được tệp lên máy chủ (thư mục lưu trữ không ghi được)."
        assert done.error.startswith(message) and not done.file
        row = client.get(reverse("reports:render_status", args=[render.pk])).content.decode()
        assert message in row and "hx-get" not in row  # shown, and the page stops polling
        assert client.get(reverse("reports:render_download", args=[render.pk])).status_code == 404
        assert files_under(media) == []
