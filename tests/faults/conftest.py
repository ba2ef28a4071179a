"""Fault tests: real PostgreSQL, Redis, Celery workers and gunicorn, one of them made to fail.

They stop, kill and restart services, so they never run with the rest of the suite: only with
`--faults` (`make test-faults`), alone, on PostgreSQL with REDIS_URL set. Redis is never the
shared one when it is stopped: each test that stops Redis starts a private redis-server.
Clocks are real here (the workers and the web server cannot share the suite's frozen day).
"""

import contextlib
import http.cookiejar
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import pytest
import redis
from django.conf import settings

from tests.workers import ROOT, Worker, database_url, start_worker


@pytest.fixture(autouse=True)
def _frozen_today():
    """Overrides the suite's frozen clock: every process of these tests reads the real time."""
    yield


@pytest.fixture(autouse=True)
def _real_services():
    if database_url() is None or not settings.REDIS_URL:
        pytest.fail("The fault tests need PostgreSQL and Redis: set DATABASE_URL=postgres://... and REDIS_URL.")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_until(check, *, timeout: float, what: str, interval: float = 0.2):
    """Call `check` until it returns a true value (returned) or the time is up (failure)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = check()
        if value:
            return value
        time.sleep(interval)
    raise AssertionError(f"{what}: not within {timeout} s")


# --- Redis --------------------------------------------------------------------------------


class PrivateRedis:
    """A redis-server of this test only, on a free port, without persistence: stopping it
    loses everything, as a crashed Redis without a dump would."""

    def __init__(self, log_path: Path):
        self.port = free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.log_path = log_path
        self.process: subprocess.Popen | None = None

    def start(self) -> None:
        with open(self.log_path, "a") as log:
            self.process = subprocess.Popen(
                ["redis-server", "--bind", "127.0.0.1", "--port", str(self.port), "--save", "", "--appendonly", "no",
                 "--daemonize", "no"],
                stdout=log, stderr=subprocess.STDOUT,
            )  # fmt: skip
        wait_until(self.answers, timeout=15, what=f"redis-server on port {self.port} answering")

    def answers(self) -> bool:
        try:
            return bool(redis.Redis.from_url(self.url, socket_connect_timeout=0.5, socket_timeout=0.5).ping())
        except redis.RedisError:
            return False

    def kill(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(signal.SIGKILL)
            self.process.wait(timeout=10)
        self.process = None


@pytest.fixture
def private_redis(tmp_path):
    if shutil.which("redis-server") is None:
        pytest.fail("redis-server is not installed (Debian: apt-get install redis-server)")
    server = PrivateRedis(tmp_path / "redis.log")
    server.start()
    yield server
    server.kill()


@pytest.fixture
def shared_queues():
    """The queues on REDIS_URL, emptied: no message of an earlier run reaches this test's worker."""
    from config.celery import app

    app.control.purge()
    # Messages a killed worker never acknowledged wait there to be handed out again.
    redis.Redis.from_url(settings.REDIS_URL).delete("unacked", "unacked_index", "unacked_mutex")


# --- processes ----------------------------------------------------------------------------


@pytest.fixture
def workers(tmp_path):
    """Start workers (`workers(env=..., ...)`); all are stopped after the test."""
    started: list[Worker] = []

    def _start(name: str = "worker", **options) -> Worker:
        worker = start_worker(tmp_path / f"{name}.log", **options)
        started.append(worker)
        worker.wait_ready()
        return worker

    yield _start
    for worker in started:
        worker.stop()


class Web:
    """gunicorn serving the project against the test database, one sync worker."""

    def __init__(self, process: subprocess.Popen, url: str, log_path: Path):
        self.process = process
        self.url = url
        self.log_path = log_path

    def log(self, tail: int = 4000) -> str:
        return self.log_path.read_text(errors="replace")[-tail:]


@pytest.fixture
def web(tmp_path):
    """Start gunicorn (`web(env=...)`); stopped after the test."""
    started: list[Web] = []

    def _start(env: dict | None = None) -> Web:
        port = free_port()
        log_path = tmp_path / "web.log"
        full_env = {
            **os.environ,
            "DATABASE_URL": database_url(),
            "MEDIA_ROOT": str(settings.MEDIA_ROOT),
            "TESTING": "1",
            "DEBUG": "0",
            **(env or {}),
        }
        with open(log_path, "a") as log:
            process = subprocess.Popen(
                [sys.executable, "-m", "gunicorn", "config.wsgi:application", "--bind", f"127.0.0.1:{port}",
                 "--workers", "1", "--timeout", "60", "--graceful-timeout", "5"],
                cwd=ROOT, env=full_env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
            )  # fmt: skip
        server = Web(process, f"http://127.0.0.1:{port}", log_path)
        started.append(server)

        def answers() -> bool:
            if process.poll() is not None:
                raise AssertionError(f"gunicorn exited with status {process.returncode}:\n{server.log()}")
            try:
                return Browser(server.url).get("/dang-nhap/").status == 200
            except OSError:
                return False

        wait_until(answers, timeout=60, what="gunicorn answering")
        return server

    yield _start
    for server in started:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(server.process.pid, signal.SIGTERM)
        try:
            server.process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(server.process.pid, signal.SIGKILL)
            server.process.wait(timeout=10)


class Page:
    def __init__(self, status: int, url: str, body: str):
        self.status = status
        self.url = url
        self.body = body


class Browser:
    """Plain HTTP with cookies, like a browser without JavaScript: follows redirects and sends
    the CSRF token with every form."""

    def __init__(self, base_url: str):
        self.base_url = base_url
        self.cookies = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.cookies))

    def _open(self, request: urllib.request.Request) -> Page:
        try:
            with self.opener.open(request, timeout=30) as response:
                return Page(response.status, response.url, response.read().decode(errors="replace"))
        except urllib.error.HTTPError as error:
            return Page(error.code, error.url, error.read().decode(errors="replace"))

    def get(self, path: str) -> Page:
        return self._open(urllib.request.Request(self.base_url + path))

    def post(self, path: str, data: dict) -> Page:
        token = next((cookie.value for cookie in self.cookies if cookie.name == "csrftoken"), "")
        body = urllib.parse.urlencode({**data, "csrfmiddlewaretoken": token}).encode()
        return self._open(urllib.request.Request(self.base_url + path, data=body, method="POST"))

    def login(self, username: str, password: str) -> None:
        self.get("/dang-nhap/")
        page = self.post("/dang-nhap/", {"username": username, "password": password})
        assert page.status == 200 and "/dang-nhap/" not in page.url, f"login failed: {page.status} {page.url}"


# --- files --------------------------------------------------------------------------------


def files_under(path: Path) -> list[Path]:
    return sorted(p for p in Path(path).rglob("*") if p.is_file()) if Path(path).exists() else []


@contextlib.contextmanager
def unwritable_directory(base: Path):
    """A directory in which no process of the test can create a file, root included."""
    path = base / "locked"
    path.mkdir()
    if os.geteuid() != 0:
        path.chmod(0o500)
        try:
            yield path
        finally:
            path.chmod(0o700)
        return
    # Root ignores permissions; the immutable flag stops it too (ext4, xfs, btrfs).
    chattr = shutil.which("chattr")
    if chattr and subprocess.run([chattr, "+i", path], capture_output=True, timeout=30).returncode == 0:
        try:
            yield path
        finally:
            subprocess.run([chattr, "-i", path], check=True, timeout=30)
        return
    # A file system without that flag (tmpfs): nobody creates directories in /proc.
    yield Path("/proc/lamtheobac-media")


# --- PostgreSQL ---------------------------------------------------------------------------


def restart_postgres() -> None:
    """Restart the PostgreSQL cluster of the test database (Debian's pg_ctlcluster), then wait
    until it accepts connections. Every open connection dies; the data stay on disk."""
    from django.db import connection

    host = connection.settings_dict["HOST"] or "127.0.0.1"
    port = str(connection.settings_dict["PORT"] or 5432)
    if shutil.which("pg_ctlcluster") is None:
        pytest.fail("pg_ctlcluster not found: the PostgreSQL fault test needs Debian's postgresql-common")
    listing = subprocess.run(["pg_lsclusters", "--no-header"], capture_output=True, text=True, timeout=30).stdout
    cluster = next((fields[:2] for fields in map(str.split, listing.splitlines()) if fields[2] == port), None)
    if cluster is None:
        pytest.fail(f"no local PostgreSQL cluster on port {port} (pg_lsclusters):\n{listing}")
    restart = subprocess.run(
        ["pg_ctlcluster", "--skip-systemctl-redirect", "--mode", "fast", *cluster, "restart"],
        capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    if restart.returncode != 0:
        pytest.fail(f"pg_ctlcluster {' '.join(cluster)} restart failed (run as root or postgres):\n{restart.stderr}")

    def ready() -> bool:
        return subprocess.run(["pg_isready", "-q", "-h", host, "-p", port], timeout=10).returncode == 0

    wait_until(ready, timeout=60, what="PostgreSQL accepting connections again", interval=0.5)
