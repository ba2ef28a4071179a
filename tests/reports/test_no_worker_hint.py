"""A render waiting for more than a minute while no worker runs says so, instead of spinning.

Workers are asked with a ping (Celery's remote control) only when a render has waited that long,
and each web process keeps the answer a few seconds. With tasks run in-process nothing changes.
"""

import datetime

import pytest
import time_machine
from django.core.cache import cache
from django.urls import reverse

from config.celery import app
from reports import services, workers
from reports.models import RenderBatch, ReportRender
from tests.conftest import TODAY

pytestmark = pytest.mark.django_db

HINT = "tiến trình nền tạo báo cáo (worker) không chạy"


@pytest.fixture
def pings(monkeypatch):
    """Workers as the test says: `answers` is what a ping returns (a list of replies, or an error)."""
    state = {"answers": [], "count": 0}

    def ping(**kwargs):
        state["count"] += 1
        assert kwargs["timeout"] <= 1 and kwargs["limit"] == 1
        if isinstance(state["answers"], Exception):
            raise state["answers"]
        return state["answers"]

    monkeypatch.setattr(app.control, "ping", ping)
    cache.delete(workers.CACHE_KEY)
    eager, app.conf.task_always_eager = app.conf.task_always_eager, False  # as with a broker
    yield state
    app.conf.task_always_eager = eager
    cache.delete(workers.CACHE_KEY)


@pytest.fixture
def queued(world, planned):
    report = services.report_open(organization=world.committee_a, year=2024)
    return ReportRender.objects.create(report=report, format=ReportRender.Format.PDF)  # never sent: no worker


def status(client, render) -> str:
    response = client.get(reverse("reports:render_status", args=[render.pk]))
    assert response.status_code == 200
    return response.content.decode()


def test_after_a_minute_without_a_worker_the_row_says_so(world, login, pings, queued):
    client = login(world.a_clerk)
    assert HINT not in status(client, queued)
    assert pings["count"] == 0  # younger than a minute: nobody is asked
    with time_machine.travel(TODAY + datetime.timedelta(seconds=61), tick=False):
        row = status(client, queued)
        assert HINT in row and "báo quản trị hệ thống" in row
        assert 'hx-trigger="every 2s"' in row  # it keeps watching: the job is still there
        page = client.get(reverse("reports:report_page", args=[world.committee_a.pk, 2024])).content.decode()
        assert HINT in page
    assert pings["count"] == 1  # the answer is kept a few seconds


def test_a_live_worker_keeps_the_spinner_quiet(world, login, pings, queued):
    pings["answers"] = [{"celery@web1": {"ok": "pong"}}]
    with time_machine.travel(TODAY + datetime.timedelta(minutes=5), tick=False):
        assert HINT not in status(login(world.a_clerk), queued)


def test_a_broker_that_does_not_answer_counts_as_no_worker(world, login, pings, queued):
    pings["answers"] = ConnectionError("Redis is away")
    with time_machine.travel(TODAY + datetime.timedelta(minutes=2), tick=False):
        assert HINT in status(login(world.a_clerk), queued)


def test_the_answer_is_asked_again_after_a_few_seconds(world, login, pings, queued):
    client = login(world.a_clerk)
    with time_machine.travel(TODAY + datetime.timedelta(minutes=2), tick=False):
        assert HINT in status(client, queued)
    pings["answers"] = [{"celery@web1": {"ok": "pong"}}]
    with time_machine.travel(TODAY + datetime.timedelta(minutes=2, seconds=workers.ANSWER_SECONDS + 1), tick=False):
        assert HINT not in status(client, queued)
    assert pings["count"] == 2


def test_the_batch_page_says_so_too(world, login, pings, queued):
    batch = RenderBatch.objects.create(organization=world.committee_a, year=2024)
    queued.batch = batch
    queued.save()
    with time_machine.travel(TODAY + datetime.timedelta(minutes=2), tick=False):
        page = login(world.a_clerk).get(reverse("reports:batch_detail", args=[batch.pk])).content.decode()
    assert HINT in page


def test_with_tasks_run_in_process_nothing_is_asked(world, login, queued, monkeypatch):
    monkeypatch.setattr(app.control, "ping", lambda **kwargs: pytest.fail("no ping when tasks run in-process"))
    with time_machine.travel(TODAY + datetime.timedelta(minutes=5), tick=False):
        assert HINT not in status(login(world.a_clerk), queued)
