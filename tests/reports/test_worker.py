"""A real Celery worker against Redis renders a report (runs where REDIS_URL is set)."""

import os

import pytest

from pledges.services.plans import plan_save
from reports import services
from tests.conftest import build_world
from tests.workers import database_url, start_worker, wait_until_finished

pytestmark = [
    pytest.mark.worker,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(not os.environ.get("REDIS_URL"), reason="needs REDIS_URL and a database a worker can reach"),
]


@pytest.fixture
def worker(tmp_path):
    from config.celery import app

    if database_url() is None:
        pytest.skip("the worker process needs a database server shared with the test")
    app.control.purge()
    worker = start_worker(tmp_path / "worker.log")
    yield worker
    worker.stop()


def test_a_real_worker_renders_the_report(worker):
    world = build_world()
    plan_save(organization=world.bloc, year=2024)
    report = services.report_open(organization=world.committee_a, year=2024)
    render = services.render_request(report=report, format="pdf")
    assert render.state == "queued"
    done = wait_until_finished(render.pk, worker=worker)
    assert done.state == "ready", done.error + worker.log(3000)
    assert done.file.read(4) == b"%PDF"
    assert done.attempts == 1
