"""Load test: secretaries entering pledges while reviewers browse dashboards, on the real stack.

    python bench/load.py          (alone; `make bench` runs it as its last section)

On a throwaway copy of the benchmark database (`CREATE DATABASE … TEMPLATE lamtheobac_bench`,
dropped afterwards), starts gunicorn on a free loopback port with the production settings
(DEBUG off, a random SECRET_KEY, static files collected and served by whitenoise) and a Celery
worker on Redis, then runs locust headless for a bounded time (bench/locustfile.py):

- 50 secretaries of 50 distinct chi bộ, each entering and submitting pledges;
- 10 reviewers (the bloc's `khoi`) opening the bloc's dashboard and drilling down;
- 1 probe asking for `/suc-khoe/`, the trivial page the others are compared with.

Then checks that nothing failed, the 95th percentile, and that the pledges written equal the
submissions locust saw succeed (nothing lost, nothing doubled). Every process it started is
stopped, and the copy dropped, whatever happens.

Knobs (environment): BENCH_LOAD_SECONDS (120), BENCH_LOAD_SECRETARIES (50),
BENCH_LOAD_REVIEWERS (10), BENCH_LOAD_WORKERS (gunicorn workers, 3), BENCH_REDIS_URL (unset:
a redis-server of its own on a free port), BENCH_DATABASE_URL (as for bench/run.py).
"""

import contextlib
import hashlib
import json
import math
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DATABASE_URL = os.environ.get("BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/lamtheobac_bench")
REDIS_URL = os.environ.get("BENCH_REDIS_URL")  # unset: a redis-server of the run's own
SECONDS = int(os.environ.get("BENCH_LOAD_SECONDS", "120"))
SECRETARIES = int(os.environ.get("BENCH_LOAD_SECRETARIES", "50"))
REVIEWERS = int(os.environ.get("BENCH_LOAD_REVIEWERS", "10"))
WORKERS = int(os.environ.get("BENCH_LOAD_WORKERS", "3"))
P95_TARGET_MS = 300
SPAWN_RATE = 10  # users per second: the sign-ins (Argon2) are spread over the first seconds
# When time is up, a user finishes the request under way (the locustfile's timeout is 60 s).
STOP_TIMEOUT = 65
# Requests that are not pages: signing in (Argon2 is slow on purpose), static files, the probe.
NOT_PAGES = {"sign-in page", "sign-in", "static file", "health"}
STATIC_CACHE = ROOT / "bench" / ".static"
MIN_MEMBERS = 15  # people to enter: a secretary submits about one pledge every 9 s


@dataclass
class Page:
    name: str
    count: int
    p50: float
    p95: float


@dataclass
class LoadOutcome:
    seconds: int
    secretaries: int
    reviewers: int
    workers: int
    requests: int = 0
    failures: dict[str, int] = field(default_factory=dict)
    rps: float = 0.0
    p50: float = 0.0
    p95: float = 0.0
    health_p50: float = 0.0
    health_p95: float = 0.0
    sign_in_p95: float = 0.0
    ramp_up_pages: int = 0  # pages requested before the last sign-in, left out of the timings
    pages: list[Page] = field(default_factory=list)
    submitted: int = 0
    refused: int = 0
    exhausted: int = 0
    unfinished: int = 0
    pledges_written: int = 0
    people_with_new_pledge: int = 0
    worker_answered: bool = False
    figures_differ: list[str] = field(default_factory=list)  # stored figures unlike a fresh count
    server_log: str = ""  # the end of gunicorn's log, kept when something failed

    @property
    def failed(self) -> int:
        return sum(self.failures.values())

    @property
    def problems(self) -> list[str]:
        """What the run must not show; empty when it passed."""
        found = []
        if self.failed:
            found.append(f"{self.failed} failed requests")
        if self.p95 >= P95_TARGET_MS:
            found.append(f"p95 {self.p95:.0f} ms ≥ {P95_TARGET_MS} ms")
        if self.pledges_written != self.submitted or self.people_with_new_pledge != self.pledges_written:
            found.append(f"{self.submitted} submissions but {self.pledges_written} pledges written")
        if self.unfinished:
            found.append(f"{self.unfinished} submissions cut off by the end of the run")
        if not self.submitted:
            found.append("no pledge was submitted")
        if not self.worker_answered:
            found.append("the Celery worker did not answer")
        if self.figures_differ:
            found.append("figures kept during the run differ from a fresh count: " + ", ".join(self.figures_differ))
        return found


# --- the database copy -------------------------------------------------------------------


def _psql(url: str, sql: str) -> str:
    result = subprocess.run(["psql", url, "-tAc", sql], capture_output=True, text=True)
    if result.returncode:
        raise RuntimeError(f"psql failed: {sql}\n{result.stderr.strip()}")
    return result.stdout.strip()


@contextlib.contextmanager
def database_copy(source_url: str):
    """A copy of the benchmark database for the run to write into, dropped afterwards."""
    base, source = source_url.rsplit("/", 1)
    admin_url, name = base + "/postgres", source + "_load"
    _psql(admin_url, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')  # left by a killed run
    for attempt in range(10):
        try:
            _psql(admin_url, f'CREATE DATABASE "{name}" TEMPLATE "{source}"')
            break
        except RuntimeError as error:
            # The template must have no session open: wait for a closing one, briefly.
            if "being accessed by other users" not in str(error) or attempt == 9:
                raise
            time.sleep(1)
    try:
        yield f"{base}/{name}"
    finally:
        _psql(admin_url, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def prepare_copy(*, secretaries: int, reviewers: int, year: int) -> dict:
    """In the copy (run in a process of its own, production settings): the accounts of the run.

    Secretaries `bithu01`… get the secretary role on as many distinct chi bộ of the bloc, through
    the app's own service; safe to run again on the same database. The year is under way in the
    demo data, so a chi bộ has only a few people left without a pledge: the chosen chi bộ start
    the year afresh, giving each secretary about twenty people to enter."""
    from django.contrib.auth import get_user_model
    from django.contrib.auth.hashers import make_password
    from django.db.models import Count, Max, Q

    from committees import services
    from committees.demo.province import BLOC_NAME
    from committees.demo.users import DEMO_PASSWORD
    from committees.models import CELL_KINDS, Organization, Role, RoleAssignment, subtree_q
    from pledges.models import Pledge

    User = get_user_model()
    bloc = Organization.objects.get(name=BLOC_NAME)
    cells = list(
        Organization.objects.filter(subtree_q(bloc.path), kind__in=CELL_KINDS, dissolved_on__isnull=True)
        .annotate(members=Count("people", filter=Q(people__left_on__isnull=True, people__exemption="")))
        .filter(members__gte=MIN_MEMBERS)
        .order_by("-members", "path")[:secretaries]
    )
    if len(cells) < secretaries:
        raise RuntimeError(f"only {len(cells)} chi bộ with {MIN_MEMBERS}+ people: seed more members")
    accounts = []
    for number, cell in enumerate(cells, start=1):
        user, _ = User.objects.get_or_create(username=f"bithu{number:02d}", defaults={"last_name": f"Bí thư {number}"})
        if not RoleAssignment.objects.filter(user=user, organization=cell, role=Role.SECRETARY).exists():
            services.role_assign(user=user, organization=cell, role=Role.SECRETARY)
        accounts.append({"username": user.username, "cell": cell.pk})
    # One hash for all (the production hasher, Argon2): hashing fifty times would take seconds.
    usernames = [a["username"] for a in accounts] + ["khoi"]
    User.objects.filter(username__in=usernames).update(password=make_password(DEMO_PASSWORD))
    Pledge.objects.filter(organization__in=cells, year=year, kind=Pledge.Kind.PERSONAL).delete()
    return {
        "year": year,
        "bloc": bloc.pk,
        "password": DEMO_PASSWORD,
        "secretaries": accounts,
        "reviewers": ["khoi"] * reviewers,
        "last_pledge_id": Pledge.objects.aggregate(last=Max("pk"))["last"] or 0,
    }


# --- the stack -----------------------------------------------------------------------------


def server_environment(database_url: str, work: Path) -> dict[str, str]:
    """Production settings: DEBUG off, a fresh secret, no test shortcuts, nothing mailed."""
    env = {k: v for k, v in os.environ.items() if k not in {"TESTING", "DEBUG", "DATABASE_URL", "REDIS_URL"}}
    env.update(
        {
            "DJANGO_SETTINGS_MODULE": "config.settings",
            "DEBUG": "0",
            "TESTING": "0",
            "SECRET_KEY": secrets.token_urlsafe(50),
            "ALLOWED_HOSTS": "127.0.0.1",
            "DATABASE_URL": database_url,
            "STATIC_ROOT": str(STATIC_CACHE),
            "MEDIA_ROOT": str(work / "media"),
            "EMAIL_BACKEND": "django.core.mail.backends.locmem.EmailBackend",
            "LOG_LEVEL": "WARNING",
            "PYTHONUNBUFFERED": "1",
        }
    )
    return env


def static_fingerprint() -> str:
    """What the collected files depend on: the project's own static files and the pinned
    packages (the admin's, the API browser's and Swagger's files come from them)."""
    digest = hashlib.sha256((ROOT / "requirements.txt").read_bytes())
    for path in sorted((ROOT / "static").rglob("*")):
        if path.is_file():
            digest.update(str(path.relative_to(ROOT)).encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()


def collect_static(env: dict) -> None:
    """`collectstatic` for the production storage (hashed names, compressed copies): minutes
    on two cores, so kept in bench/.static and done again only when its inputs change."""
    fingerprint = static_fingerprint()
    stamp = STATIC_CACHE / ".fingerprint"
    if stamp.exists() and stamp.read_text() == fingerprint:
        return
    shutil.rmtree(STATIC_CACHE, ignore_errors=True)
    run_python(["manage.py", "collectstatic", "--noinput", "-v0"], env, timeout=900)
    stamp.write_text(fingerprint)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@contextlib.contextmanager
def process(command: list[str], env: dict, log: Path, *, stop_signal=signal.SIGTERM, grace: float = 15):
    """A child in a process group of its own; on exit, stopped (then killed) with its children."""
    with log.open("w") as output:
        child = subprocess.Popen(
            command, cwd=ROOT, env=env, stdout=output, stderr=subprocess.STDOUT, start_new_session=True
        )
    try:
        yield child
    finally:
        if child.poll() is None:
            os.killpg(child.pid, stop_signal)
            try:
                child.wait(grace)
            except subprocess.TimeoutExpired:
                os.killpg(child.pid, signal.SIGKILL)
                child.wait()
        with contextlib.suppress(ProcessLookupError):
            os.killpg(child.pid, signal.SIGKILL)  # a grandchild left behind


def wait_until_up(url: str, child: subprocess.Popen, log: Path, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if child.poll() is not None:
            raise RuntimeError(f"gunicorn exited ({child.returncode}):\n{tail(log)}")
        with contextlib.suppress(OSError), urllib.request.urlopen(url, timeout=2) as response:
            if response.status == 200:
                return
        time.sleep(0.3)
    raise RuntimeError(f"gunicorn did not answer {url} within {timeout:.0f} s:\n{tail(log)}")


def tail(log: Path, lines: int = 30) -> str:
    return "\n".join(log.read_text(errors="replace").splitlines()[-lines:]) if log.exists() else ""


def celery_command(node: str) -> list[str]:
    options = "-A config worker -Q default,reports --concurrency=1 --loglevel=WARNING"
    return [sys.executable, "-m", "celery", *options.split(), "-n", node]


def gunicorn_command(port: int, workers: int) -> list[str]:
    """As in docker-compose.yml (sync workers), on the loopback; no control socket, whose
    default path is shared by every gunicorn of the machine."""
    options = "--timeout 60 --graceful-timeout 20 --no-control-socket"
    return [sys.executable, "-m", "gunicorn", "config.wsgi:application", "-b", f"127.0.0.1:{port}",
            "--workers", str(workers), *options.split()]  # fmt: skip


def redis_answers(url: str) -> bool:
    import redis

    try:
        return bool(redis.Redis.from_url(url, socket_connect_timeout=2).ping())
    except redis.RedisError:
        return False


@contextlib.contextmanager
def redis_for_the_run(work: Path):
    """BENCH_REDIS_URL when given; otherwise a redis-server of the run's own on a free port,
    so that the worker can take no task of anyone else's (CI or a developer's on db 15)."""
    if REDIS_URL:
        if not redis_answers(REDIS_URL):
            raise RuntimeError(f"Redis at BENCH_REDIS_URL={REDIS_URL} does not answer")
        yield REDIS_URL
        return
    binary = shutil.which("redis-server")
    if binary is None:
        raise RuntimeError("redis-server is not installed: install it, or set BENCH_REDIS_URL")
    port = free_port()
    url = f"redis://127.0.0.1:{port}/0"
    command = [
        binary,
        "--port",
        str(port),
        "--bind",
        "127.0.0.1",
        "--save",
        "",
        "--appendonly",
        "no",
        "--dir",
        str(work),
    ]
    with process(command, dict(os.environ), work / "redis.log"):
        deadline = time.monotonic() + 20
        while not redis_answers(url):
            if time.monotonic() > deadline:
                raise RuntimeError(f"redis-server did not start:\n{tail(work / 'redis.log')}")
            time.sleep(0.2)
        yield url


def redis_version() -> str:
    """The version of the Redis the load test uses, for the description of the machine."""
    if REDIS_URL:
        import redis

        try:
            return redis.Redis.from_url(REDIS_URL, socket_connect_timeout=2).info("server")["redis_version"]
        except redis.RedisError:
            return "not reachable"
    binary = shutil.which("redis-server")
    if binary is None:
        return "not installed"
    output = subprocess.run([binary, "--version"], capture_output=True, text=True).stdout
    return next((part[2:] for part in output.split() if part.startswith("v=")), output.strip())


def run_python(args: list[str], env: dict, *, timeout: float) -> str:
    result = subprocess.run([sys.executable, *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=timeout)
    if result.returncode:
        raise RuntimeError(f"{' '.join(args)} failed:\n{result.stdout[-2000:]}{result.stderr[-3000:]}")
    return result.stdout


def worker_answers(env: dict, node: str) -> bool:
    with contextlib.suppress(RuntimeError, subprocess.TimeoutExpired):
        output = run_python(
            ["-m", "celery", "-A", "config", "inspect", "ping", "-d", node, "--timeout", "10"], env, timeout=60
        )
        return "pong" in output
    return False


# --- the figures -----------------------------------------------------------------------------


def percentile(values: list[float], share: float) -> float:
    """Nearest rank: the smallest value at or above `share` of them."""
    if not values:
        return 0.0
    ordered = sorted(values)
    return ordered[max(math.ceil(share * len(ordered)) - 1, 0)]


def steady_from(samples: list) -> float:
    """When the last user had signed in: the ramp-up (every user's Argon2 sign-in within a few
    seconds, a burst no office sees) is over and the steady load begins."""
    sign_ins = [started + milliseconds / 1000 for name, started, milliseconds, _ok in samples if name == "sign-in"]
    return max(sign_ins, default=0.0)


def summarize(report: dict, outcome: LoadOutcome) -> None:
    samples = report["samples"]
    steady = steady_from(samples)
    # Failures count over the whole run; timings over the steady part.
    every_page = [s for s in samples if s[0] not in NOT_PAGES]
    pages = [s for s in every_page if s[1] >= steady]
    outcome.ramp_up_pages = len(every_page) - len(pages)
    times = [s[2] for s in pages]
    outcome.requests = len(samples)
    outcome.failures = report["failures"]
    outcome.p50, outcome.p95 = percentile(times, 0.5), percentile(times, 0.95)
    health = [s[2] for s in samples if s[0] == "health" and s[1] >= steady]
    outcome.health_p50, outcome.health_p95 = percentile(health, 0.5), percentile(health, 0.95)
    outcome.sign_in_p95 = percentile([s[2] for s in samples if s[0] == "sign-in"], 0.95)
    if pages:
        span = max(s[1] + s[2] / 1000 for s in pages) - min(s[1] for s in pages)
        outcome.rps = len(pages) / span if span > 0 else 0.0
    by_name: dict[str, list[float]] = {}
    for name, _started, milliseconds, _ok in pages:
        by_name.setdefault(name, []).append(milliseconds)
    outcome.pages = [
        Page(name, len(values), percentile(values, 0.5), percentile(values, 0.95))
        for name, values in sorted(by_name.items())
    ]
    outcome.submitted, outcome.refused = report["submitted"], report["refused"]
    outcome.exhausted, outcome.unfinished = report["exhausted"], report["unfinished"]


# --- the run ---------------------------------------------------------------------------------


def run_load(
    source_url: str = DATABASE_URL,
    *,
    year: int,
    seconds: int = SECONDS,
    secretaries: int = SECRETARIES,
    reviewers: int = REVIEWERS,
    workers: int = WORKERS,
) -> LoadOutcome:
    """The whole load test on `year`, the demo's year under way (`bench.run.demo_year()`); the
    source database must hold `seed_demo` data and have no session open (close Django's
    connections first)."""
    # A plain kill would leave the server, the worker and the copy behind: unwind instead.
    previous = signal.signal(signal.SIGTERM, _exit_on_sigterm)
    try:
        return _run_load(
            source_url, year=year, seconds=seconds, secretaries=secretaries, reviewers=reviewers, workers=workers
        )
    finally:
        signal.signal(signal.SIGTERM, previous)


def _exit_on_sigterm(signum, frame):
    raise SystemExit(128 + signum)


def _run_load(
    source_url: str, *, year: int, seconds: int, secretaries: int, reviewers: int, workers: int
) -> LoadOutcome:
    outcome = LoadOutcome(seconds=seconds, secretaries=secretaries, reviewers=reviewers, workers=workers)
    with tempfile.TemporaryDirectory(prefix="lamtheobac-load-") as directory, database_copy(source_url) as copy_url:
        work = Path(directory)
        env = server_environment(copy_url, work)
        plan = json.loads(
            run_python(
                [str(Path(__file__)), "prepare", str(secretaries), str(reviewers), str(year)], env, timeout=300
            ).splitlines()[-1]
        )
        collect_static(env)
        (work / "plan.json").write_text(json.dumps(plan))
        port = free_port()
        host = f"http://127.0.0.1:{port}"
        node = f"bench-load-{os.getpid()}@{socket.gethostname()}"
        with contextlib.ExitStack() as stack:
            env["REDIS_URL"] = stack.enter_context(redis_for_the_run(work))
            stack.enter_context(process(celery_command(node), env, work / "celery.log"))
            server = stack.enter_context(process(gunicorn_command(port, workers), env, work / "gunicorn.log", grace=30))
            wait_until_up(f"{host}/suc-khoe/", server, work / "gunicorn.log")
            report = run_locust(host, work, seconds=seconds, users=secretaries + reviewers + 1)
            outcome.worker_answered = worker_answers(env, node)
        if report["failures"]:
            outcome.server_log = tail(work / "gunicorn.log", 40)
        # The server has stopped (gracefully: requests under way were finished): count now.
        written, people = _psql(
            copy_url,
            f"SELECT count(*), count(DISTINCT person_id) FROM pledges_pledge WHERE id > {int(plan['last_pledge_id'])}",
        ).split("|")
        outcome.pledges_written, outcome.people_with_new_pledge = int(written), int(people)
        outcome.figures_differ = json.loads(
            run_python([str(Path(__file__)), "figures", str(year)], env, timeout=600).splitlines()[-1]
        )
        summarize(report, outcome)
    return outcome


def run_locust(host: str, work: Path, *, seconds: int, users: int) -> dict:
    env = {**os.environ, "LOAD_PLAN": str(work / "plan.json"), "LOAD_SAMPLES": str(work / "samples.json")}
    log = work / "locust.log"
    command = [
        sys.executable,
        "-m",
        "locust",
        "-f",
        str(ROOT / "bench" / "locustfile.py"),
        "--headless",
        "--host",
        host,
        "--users",
        str(users),
        "--spawn-rate",
        str(SPAWN_RATE),
        "--run-time",
        f"{seconds}s",
        "--stop-timeout",
        str(STOP_TIMEOUT),
        "--only-summary",
        "--exit-code-on-error",
        "0",
        "--loglevel",
        "WARNING",
    ]
    with process(command, env, log) as child:
        try:
            child.wait(seconds + STOP_TIMEOUT + 120)  # bounded even if locust hangs
        except subprocess.TimeoutExpired:
            raise RuntimeError(f"locust did not stop in time:\n{tail(log)}") from None
    if child.returncode or not (work / "samples.json").exists():
        raise RuntimeError(f"locust failed ({child.returncode}):\n{tail(log)}")
    return json.loads((work / "samples.json").read_text())


def describe(outcome: LoadOutcome) -> str:
    lines = [
        f"{outcome.secretaries} secretaries + {outcome.reviewers} reviewers for {outcome.seconds} s, "
        f"{outcome.workers} gunicorn workers: {outcome.requests} requests, {outcome.failed} failed",
        f"pages: {outcome.rps:.1f} requests/s, p50 {outcome.p50:.0f} ms, p95 {outcome.p95:.0f} ms "
        f"(health: p50 {outcome.health_p50:.1f} ms, p95 {outcome.health_p95:.1f} ms; sign-in p95 {outcome.sign_in_p95:.0f} ms)",
        f"timings after the last sign-in; {outcome.ramp_up_pages} pages of the ramp-up left out of them",
        f"pledges: {outcome.submitted} submissions accepted, {outcome.pledges_written} written "
        f"({outcome.people_with_new_pledge} people), {outcome.refused} refused, {outcome.unfinished} cut off, "
        f"{outcome.exhausted} rosters found empty",
        f"Celery worker answered a ping: {'yes' if outcome.worker_answered else 'NO'}; "
        f"figures kept through the run equal a fresh count: {'no' if outcome.figures_differ else 'yes'}",
    ]
    lines += [f"  {p.name:<28} {p.count:>6}  p50 {p.p50:>7.0f} ms  p95 {p.p95:>7.0f} ms" for p in outcome.pages]
    failures = sorted(outcome.failures.items(), key=lambda item: -item[1])
    lines += [f"  failure ×{count}: {text}" for text, count in failures[:10]]
    if len(failures) > 10:
        lines.append(f"  … and {len(failures) - 10} other kinds of failure")
    if outcome.server_log:
        lines += ["end of the server's log:", outcome.server_log]
    return "\n".join(lines)


def _prepare_main(secretaries: str, reviewers: str, year: str) -> None:
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    plan = prepare_copy(secretaries=int(secretaries), reviewers=int(reviewers), year=int(year))
    print(json.dumps(plan))


def _figures_main(year: str) -> None:
    """The bloc's figures as kept by the tally store through the run's concurrent writes and
    reads, against the same figures counted afresh: prints the names of those that differ."""
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from committees.demo.province import BLOC_NAME
    from committees.models import Organization
    from reports import tallies
    from reports.statistics import organization_year_figures

    bloc = Organization.objects.get(name=BLOC_NAME)
    kept = organization_year_figures(organization=bloc, year=int(year)).to_dict()
    tallies.invalidate([int(year)])
    fresh = organization_year_figures(organization=bloc, year=int(year)).to_dict()
    print(json.dumps(sorted(key for key in fresh if fresh[key] != kept.get(key))))


def main() -> int:
    sys.path.insert(0, str(ROOT))
    from bench import run as bench

    bench.ensure_database()
    bench.setup_django()
    bench.seed()
    year = bench.demo_year()
    from django.db import connections

    connections.close_all()
    outcome = run_load(year=year)
    print(describe(outcome))
    for problem in outcome.problems:
        print(f"FAILED: {problem}")
    return 1 if outcome.problems else 0


if __name__ == "__main__":
    if sys.argv[1:2] == ["prepare"]:
        _prepare_main(*sys.argv[2:5])
    elif sys.argv[1:2] == ["figures"]:
        _figures_main(sys.argv[2])
    else:
        sys.exit(main())
