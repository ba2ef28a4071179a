"""A worker killed in the middle of a render: the job is done again, once, with one file."""

import hashlib
import os
import re
import signal
from pathlib import Path

import pytest
from django.conf import settings

from pledges.services.plans import plan_save
from reports import services
from reports.models import ReportRender
from tests.conftest import build_world
from tests.faults.conftest import files_under, wait_until
from tests.workers import wait_for_render, wait_until_finished

pytestmark = [pytest.mark.faults, pytest.mark.django_db(transaction=True)]

APP = "tests.faults.worker_app"
# A render "rendering" for 2 s counts as abandoned (production: 600 s, above the time limit).
STALE = {"REPORT_RENDER_STALE_AFTER": "2"}
# The first attempt waits long enough to be killed mid-way; the test never waits for it.
PAUSED = {"FAULTS_RENDER_PAUSE": "300"}


def _queued_render():
    world = build_world()
    plan_save(organization=world.bloc, year=2024)
    report = services.report_open(organization=world.committee_a, year=2024)
    return services.render_request(report=report, format="pdf")


def _children(pid: int) -> list[int]:
    children = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue  # the process ended while we looked
        if int(fields[1]) == pid:
            children.append(int(stat.parent.name))
    return children


def _assert_one_file(render: ReportRender) -> None:
    files = files_under(settings.MEDIA_ROOT)
    assert files == [Path(render.file.path)], files
    content = files[0].read_bytes()
    assert content.startswith(b"%PDF") and hashlib.sha256(content).hexdigest() == render.sha256


def test_killed_worker_task_comes_back_after_the_visibility_timeout(shared_queues, workers):
    """The whole worker dies (solo pool: the rendering process is the worker). Its task was
    never acknowledged (acks_late), so Redis hands it to the next worker after the visibility
    timeout, and that worker may claim the job because it has been "rendering" too long."""
    first = workers("first", app=APP, env={**STALE, **PAUSED})
    render = _queued_render()
    wait_for_render(render.pk, states=(ReportRender.State.RENDERING,), timeout=60, worker=first)

    first.kill()
    assert ReportRender.objects.get(pk=render.pk).state == ReportRender.State.RENDERING
    assert files_under(settings.MEDIA_ROOT) == []

    second = workers("second", app=APP, env={**STALE, "FAULTS_VISIBILITY_TIMEOUT": "4"})
    done = wait_until_finished(render.pk, timeout=60, worker=second)
    assert done.state == ReportRender.State.READY, done.error + second.log()
    assert done.attempts == 2
    _assert_one_file(done)


def test_killed_pool_process_job_is_sent_again_by_the_beat_task(shared_queues, workers):
    """Only the pool process rendering dies (what the OOM killer picks). The worker hands the
    task back at once (reject_on_worker_lost); that delivery finds the job "rendering" but not
    yet stale and leaves it, so no second render runs beside a possibly live one. The beat task
    `requeue_stuck_renders` sends the job again once it is stale."""
    from reports.tasks import requeue_stuck_renders

    # Stale after 10 s: the task handed back within a second must find the job still fresh.
    worker = workers(app=APP, pool="prefork", env={"REPORT_RENDER_STALE_AFTER": "10", **PAUSED})
    render = _queued_render()
    wait_for_render(render.pk, states=(ReportRender.State.RENDERING,), timeout=60, worker=worker)
    (child,) = _children(worker.process.pid)

    os.kill(child, signal.SIGKILL)
    wait_until(lambda: "WorkerLostError" in worker.log(None), timeout=30, what="worker noticing the lost process")
    # The task handed back is received again and ends at once, without claiming the job.
    handed_back = re.compile(r"render_report_task\[[0-9a-f-]+\] succeeded")
    wait_until(lambda: handed_back.search(worker.log(None)), timeout=30, what="task delivered again")
    render.refresh_from_db()
    assert (render.state, render.attempts) == (ReportRender.State.RENDERING, 1), worker.log()
    assert files_under(settings.MEDIA_ROOT) == []

    def finished_after_requeue() -> ReportRender | None:
        render.refresh_from_db()
        if render.is_finished:
            return render
        requeue_stuck_renders.delay()  # what celery beat does every 2 minutes
        return None

    done = wait_until(finished_after_requeue, timeout=60, interval=2, what=f"render {render.pk} finished")
    assert done.state == ReportRender.State.READY, done.error + worker.log()
    assert done.attempts == 2
    _assert_one_file(done)
