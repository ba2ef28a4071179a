"""Real Celery workers for the tests that need one (markers `worker` and `faults`).

A worker is a separate process: it reaches the test database through the server (so only on
PostgreSQL), sees only committed rows (so `django_db(transaction=True)`) and writes files to
the test's MEDIA_ROOT. Every wait is bounded: a worker that never answers fails the test.
"""

import os
import signal
import subprocess
import sys
import time
import uuid
from pathlib import Path

from django.conf import settings
from django.db import connection

from reports.models import ReportRender

ROOT = Path(__file__).resolve().parents[1]


def database_url() -> str | None:
    """The test database as a URL another process can use; None unless on PostgreSQL."""
    if connection.vendor != "postgresql":
        return None
    db = connection.settings_dict
    password = f":{db['PASSWORD']}" if db.get("PASSWORD") else ""
    return f"postgres://{db['USER']}{password}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


class Worker:
    """One `celery worker` process with its log in a file."""

    def __init__(self, process: subprocess.Popen, log_path: Path, log_file):
        self.process = process
        self.log_path = log_path
        self._log_file = log_file

    def log(self, tail: int | None = 4000) -> str:
        text = self.log_path.read_text(errors="replace")
        return text[-tail:] if tail else text

    def wait_ready(self, timeout: float = 60) -> None:
        """Until the worker consumes its queues ("ready." in its log)."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise AssertionError(f"worker exited with status {self.process.returncode}:\n{self.log()}")
            if " ready." in self.log_path.read_text(errors="replace"):
                return
            time.sleep(0.2)
        raise AssertionError(f"worker not ready after {timeout} s:\n{self.log()}")

    def kill(self) -> None:
        """SIGKILL the worker and its children, as the kernel's OOM killer or a crash would."""
        os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait(timeout=10)
        self._log_file.close()

    def stop(self) -> None:
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait(timeout=10)
        self._log_file.close()


def start_worker(log_path: Path, *, app: str = "config", pool: str = "solo", env: dict | None = None) -> Worker:
    """Start a worker on the queues `default` and `reports` against the test database and
    MEDIA_ROOT; `env` adds or overrides variables (REDIS_URL, MEDIA_ROOT, ...)."""
    url = database_url()
    if url is None:
        raise AssertionError("a worker needs the test database on a server (PostgreSQL)")
    full_env = {
        **os.environ,
        "DATABASE_URL": url,
        "MEDIA_ROOT": str(settings.MEDIA_ROOT),
        "TESTING": "1",
        "DEBUG": "0",
        **(env or {}),
    }
    command = [
        sys.executable, "-m", "celery", "-A", app, "worker", "-Q", "default,reports", f"--pool={pool}",
        "--hostname", f"test-{uuid.uuid4().hex[:8]}@%h",
        "--without-gossip", "--without-mingle", "--without-heartbeat", "-l", "INFO",
    ]  # fmt: skip
    if pool == "prefork":
        command.append("--concurrency=1")
    log_file = open(log_path, "a")  # noqa: SIM115 - closed by Worker.stop/kill
    # A process group of its own, so a kill reaches the pool's children too.
    process = subprocess.Popen(
        command, cwd=ROOT, env=full_env, stdout=log_file, stderr=subprocess.STDOUT, start_new_session=True
    )
    return Worker(process, log_path, log_file)


def wait_for_render(render_id: int, *, states: tuple[str, ...], timeout: float = 90, worker: Worker | None = None):
    """Poll the render row until it reaches one of `states`."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        render = ReportRender.objects.get(pk=render_id)
        if render.state in states:
            return render
        time.sleep(0.3)
    state = ReportRender.objects.get(pk=render_id).state
    log = f"\nworker log:\n{worker.log()}" if worker else ""
    raise AssertionError(f"render {render_id} still {state} after {timeout} s{log}")


def wait_until_finished(render_id: int, *, timeout: float = 90, worker: Worker | None = None) -> ReportRender:
    return wait_for_render(
        render_id, states=(ReportRender.State.READY, ReportRender.State.FAILED), timeout=timeout, worker=worker
    )
