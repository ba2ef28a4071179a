"""A real Celery worker against Redis renders a report (runs where REDIS_URL is set)."""

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection

from pledges.services.plans import plan_save
from reports import services
from reports.models import ReportRender
from tests.conftest import build_world

pytestmark = [
    pytest.mark.worker,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(not os.environ.get("REDIS_URL"), reason="needs REDIS_URL and a database a worker can reach"),
]
ROOT = Path(__file__).resolve().parents[2]


def _database_url() -> str:
    db = connection.settings_dict
    if connection.vendor != "postgresql":
        pytest.skip("the worker process needs a database server shared with the test")
    password = f":{db['PASSWORD']}" if db.get("PASSWORD") else ""
    return f"postgres://{db['USER']}{password}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


@pytest.fixture
def worker(tmp_path):
    from config.celery import app

    app.control.purge()
    env = {
        **os.environ,
        "DATABASE_URL": _database_url(),
        "MEDIA_ROOT": str(settings.MEDIA_ROOT),
        "TESTING": "1",
        "DEBUG": "0",
    }
    log = open(tmp_path / "worker.log", "w")  # noqa: SIM115 - closed below
    process = subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "config", "worker", "-Q", "default,reports", "--pool=solo",
         "--without-gossip", "--without-mingle", "--without-heartbeat", "-l", "INFO"],
        cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
    )
    yield process
    process.terminate()
    try:
        process.wait(timeout=20)
    except subprocess.TimeoutExpired:
        process.kill()
    log.close()


def wait_until_finished(render_id: int, timeout: float = 90) -> ReportRender:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        render = ReportRender.objects.get(pk=render_id)
        if render.is_finished:
            return render
        time.sleep(0.5)
    raise AssertionError(f"render {render_id} still {ReportRender.objects.get(pk=render_id).state} after {timeout} s")


def test_a_real_worker_renders_the_report(worker, tmp_path):
    world = build_world()
    plan_save(organization=world.bloc, year=2024)
    report = services.report_open(organization=world.committee_a, year=2024)
    render = services.render_request(report=report, format="pdf")
    assert render.state == "queued"
    done = wait_until_finished(render.pk)
    assert done.state == "ready", done.error + (tmp_path / "worker.log").read_text()[-3000:]
    assert done.file.read(4) == b"%PDF"
    assert done.attempts == 1
