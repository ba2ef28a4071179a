"""Every benchmark of the project, at the scale each issue names, in one table.

    make bench            (PostgreSQL; BENCH_DATABASE_URL overrides the default local database)

Builds the demo province with --members 60000 in a database of its own the first time,
then measures and prints: figure, target, measured, ratio (measured / target; ≤ 1 meets it).
Writes the same table to bench/results.md with a description of the machine.

The last section is the load test (bench/load.py: gunicorn, Redis, a Celery worker, locust);
it needs redis-server installed, or BENCH_REDIS_URL. Its knobs: BENCH_LOAD_SECONDS (120;
0 skips it), BENCH_LOAD_SECRETARIES (50), BENCH_LOAD_REVIEWERS (10), BENCH_LOAD_WORKERS (3).
"""

import os
import platform
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
MEMBERS = int(os.environ.get("BENCH_MEMBERS", "60000"))
DATABASE_URL = os.environ.get("BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/lamtheobac_bench")
# The demo's year under way in the benchmark database, read once it is seeded (main): the
# current year on the day `seed_demo` built it, which a reused database may predate.
YEAR = 0
REPEAT = int(os.environ.get("BENCH_REPEAT", "20"))


@dataclass
class Result:
    figure: str
    target: str
    measured: str
    ratio: float | None
    note: str = ""


def setup_django() -> None:
    os.environ["DATABASE_URL"] = DATABASE_URL
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    os.environ.setdefault("TESTING", "1")  # MD5 passwords: login is not what is measured
    os.environ.setdefault("ALLOWED_HOSTS", "testserver,127.0.0.1,localhost")
    os.environ.pop("REDIS_URL", None)  # renders run in-process: the figure is the render itself
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()


def ensure_database() -> None:
    name = DATABASE_URL.rsplit("/", 1)[1]
    admin_url = DATABASE_URL.rsplit("/", 1)[0] + "/postgres"
    exists = subprocess.run(
        ["psql", admin_url, "-tAc", f"SELECT 1 FROM pg_database WHERE datname = '{name}'"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    if not exists:
        subprocess.run(["psql", admin_url, "-qc", f'CREATE DATABASE "{name}"'], check=True)


def seed() -> float | None:
    from django.core.management import call_command

    from committees.models import Person

    call_command("migrate", verbosity=0)
    if Person.objects.exists():
        return None
    started = time.perf_counter()
    call_command("seed_demo", members=MEMBERS, no_users=False, allow_demo_users=True, verbosity=0)
    print(f"seeded {MEMBERS} people", flush=True)
    return time.perf_counter() - started


def demo_year() -> int:
    from committees.demo.province import open_year

    year = open_year()
    if year is None:
        raise RuntimeError("the benchmark database has no year under way: drop it and run again to reseed")
    return year


def timed(function, repeat: int) -> list[float]:
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        function()
        times.append(time.perf_counter() - started)
    return times


def bench_report(
    name: str, label: str, target_seconds: float, *, memory_target_mb: float | None = None
) -> list[Result]:
    """End-to-end PDF of one organization's report through the command (a process of its own,
    so its peak memory is measured alone), and the share of time spent outside WeasyPrint."""
    from committees.models import Organization
    from reports.content import build_document
    from reports.rendering import render_pdf
    from reports.services import render_request, report_open
    from reports.statistics import organization_year_figures

    organization = Organization.objects.get(name=name)
    report = report_open(organization=organization, year=YEAR)
    report.renders.all().update(state="failed")  # a fresh render each run
    with tempfile.TemporaryDirectory() as media:
        from django.conf import settings

        settings.MEDIA_ROOT = media
        started = time.perf_counter()
        render = render_request(report=report, format="pdf")  # eager: the task runs here
        render.refresh_from_db()
        assert render.state == "ready", render.error
        elapsed = time.perf_counter() - started
        report.renders.all().update(state="failed")
        output = Path(media) / "report.pdf"
        env = {**os.environ, "MEDIA_ROOT": media}
        before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
        subprocess.run(
            [
                sys.executable,
                "manage.py",
                "render_report",
                "--organization",
                str(organization.pk),
                "--year",
                str(YEAR),
                "--format",
                "pdf",
                "--output",
                str(output),
            ],
            cwd=ROOT,
            env=env,
            check=True,
            capture_output=True,
        )
        peak_mb = max(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss, before) / 1024
    started = time.perf_counter()
    figures = organization_year_figures(organization=organization, year=YEAR)
    document = build_document(report, figures)
    prepare = time.perf_counter() - started
    started = time.perf_counter()
    render_pdf(document)
    layout = time.perf_counter() - started
    share = prepare / (prepare + layout)
    results = [
        Result(
            f"{label}: PDF end to end",
            f"< {target_seconds:g} s",
            f"{elapsed:.2f} s",
            elapsed / target_seconds,
            f"request → figures → PDF → stored file; {len(figures.children)} appendix rows, {figures.people_total} people",
        ),
        Result(
            f"{label}: time outside WeasyPrint",
            "< 25 %",
            f"{share * 100:.1f} %",
            share / 0.25,
            f"queries+content {prepare * 1000:.0f} ms, layout {layout * 1000:.0f} ms",
        ),
    ]
    if memory_target_mb:
        results.append(
            Result(
                f"{label}: peak memory",
                f"< {memory_target_mb:g} MB",
                f"{peak_mb:.0f} MB",
                peak_mb / memory_target_mb,
                "whole `render_report` process, Django included",
            )
        )
    return results


HAND_SQL = """
WITH tree AS (
    SELECT organization_id, path FROM committees_organizationyear
    WHERE year = %(year)s AND path >= %(root)s AND path <= %(root)s || repeat('Z', 255)
),
people AS (
    SELECT m.organization_id, count(*) AS total, count(*) FILTER (WHERE p.exemption = '') AS required
    FROM committees_membership m JOIN committees_person p ON p.id = m.person_id
    WHERE m.organization_id IN (SELECT organization_id FROM tree)
      AND m.start_on <= %(day)s AND (m.end_on IS NULL OR m.end_on >= %(day)s)
    GROUP BY m.organization_id
),
pledges AS (
    SELECT organization_id, count(*) FILTER (WHERE state <> 'draft') AS registered,
           count(*) FILTER (WHERE state <> 'draft' AND on_time) AS on_time
    FROM pledges_pledge WHERE year = %(year)s AND kind = 'personal'
      AND organization_id IN (SELECT organization_id FROM tree)
    GROUP BY organization_id
),
items AS (
    SELECT pl.organization_id, count(*) AS total, count(*) FILTER (WHERE i.result = 'done') AS done
    FROM pledges_pledgeitem i JOIN pledges_pledge pl ON pl.id = i.pledge_id
    WHERE pl.year = %(year)s AND pl.kind = 'personal' AND pl.organization_id IN (SELECT organization_id FROM tree)
    GROUP BY pl.organization_id
),
sessions AS (
    SELECT organization_id, count(*) FILTER (WHERE kind = 'thematic') AS thematic
    FROM pledges_studysession WHERE held_on BETWEEN %(start)s AND %(end)s
      AND organization_id IN (SELECT organization_id FROM tree)
    GROUP BY organization_id
),
studied AS (
    SELECT s.organization_id, count(DISTINCT a.person_id) AS participants
    FROM pledges_studysession_attendees a JOIN pledges_studysession s ON s.id = a.studysession_id
    WHERE s.held_on BETWEEN %(start)s AND %(end)s AND s.kind = 'study'
      AND s.organization_id IN (SELECT organization_id FROM tree)
    GROUP BY s.organization_id
),
exemplars AS (
    SELECT organization_id, count(*) AS total FROM pledges_exemplar
    WHERE year = %(year)s AND organization_id IN (SELECT organization_id FROM tree) GROUP BY organization_id
),
commendations AS (
    SELECT organization_id, count(*) FILTER (WHERE status = 'granted') AS granted FROM pledges_commendation
    WHERE year = %(year)s AND organization_id IN (SELECT organization_id FROM tree) GROUP BY organization_id
),
own AS (
    SELECT t.path, coalesce(pe.total, 0) AS people, coalesce(pe.required, 0) AS required,
           coalesce(pl.registered, 0) AS registered, coalesce(pl.on_time, 0) AS on_time,
           coalesce(i.total, 0) AS items, coalesce(i.done, 0) AS done, coalesce(s.thematic, 0) AS thematic,
           coalesce(st.participants, 0) AS participants, coalesce(e.total, 0) AS exemplars,
           coalesce(c.granted, 0) AS commendations
    FROM tree t
    LEFT JOIN people pe USING (organization_id) LEFT JOIN pledges pl USING (organization_id)
    LEFT JOIN items i USING (organization_id) LEFT JOIN sessions s USING (organization_id)
    LEFT JOIN studied st USING (organization_id) LEFT JOIN exemplars e USING (organization_id)
    LEFT JOIN commendations c USING (organization_id)
)
SELECT substr(path, 1, %(child_length)s) AS child, sum(people), sum(required), sum(registered), sum(on_time),
       sum(items), sum(done), sum(thematic), sum(participants), sum(exemplars), sum(commendations)
FROM own GROUP BY 1
"""


def bench_dashboard() -> list[Result]:
    import datetime

    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.test import Client
    from django.urls import reverse

    from committees.demo.province import BLOC_NAME
    from committees.models import Organization, OrganizationYear

    bloc = Organization.objects.get(name=BLOC_NAME)
    client = Client()
    client.force_login(get_user_model().objects.get(username="khoi"))
    url = reverse("reports:dashboard", args=[bloc.pk, YEAR])
    client.get(url)
    queries = []
    with connection.execute_wrapper(lambda execute, sql, *args: queries.append(sql) or execute(sql, *args)):
        response = client.get(url)
    assert response.status_code == 200
    server = statistics.median(timed(lambda: client.get(url), REPEAT))
    root = OrganizationYear.objects.get(organization=bloc, year=YEAR).path
    params = {
        "year": YEAR,
        "root": root,
        "day": datetime.date(YEAR, 12, 31),
        "start": datetime.date(YEAR, 1, 1),
        "end": datetime.date(YEAR, 12, 31),
        "child_length": len(root) + 4,
    }

    def hand_sql():
        with connection.cursor() as cursor:
            cursor.execute(HAND_SQL, params)
            cursor.fetchall()

    sql = statistics.median(timed(hand_sql, 5))
    after_change = statistics.median(dashboard_after_a_change(client, url) for _ in range(max(REPEAT // 2, 1)))
    from reports import tallies

    started = time.perf_counter()
    tallies.rebuild(YEAR)
    rebuild = time.perf_counter() - started
    return [
        Result(
            f"Bloc dashboard: server time (median of {REPEAT})",
            "< 150 ms",
            f"{server * 1000:.0f} ms",
            server / 0.150,
            "two years of figures, charts, child table",
        ),
        Result(
            "Bloc dashboard right after a change",
            "< 150 ms",
            f"{after_change * 1000:.0f} ms",
            after_change / 0.150,
            "a chi bộ's records changed: it is recounted and its sums carried up before the page",
        ),
        Result(
            "Bloc dashboard: queries", "≤ 15", str(len(queries)), len(queries) / 15, "whatever the size of the tree"
        ),
        Result(
            "Bloc dashboard / hand-written SQL",
            "≤ 2",
            f"{server / sql:.1f}",
            (server / sql) / 2,
            f"one SQL query counting the records for one year: {sql * 1000:.0f} ms; "
            "the dashboard reads the stored tallies",
        ),
        Result(
            f"Figures of {YEAR} counted afresh (rebuild)",
            "—",
            f"{rebuild:.1f} s",
            None,
            "after a reorganization or a bulk load; every organization of the year",
        ),
    ]


def dashboard_after_a_change(client, url: str) -> float:
    """One chi bộ marked as changed (as a save does), then the dashboard; rolled back."""
    from django.db import transaction

    from committees.models import Organization
    from reports import tallies

    cell = Organization.objects.filter(kind="cell", years__year=YEAR).order_by("?").values_list("pk", flat=True).first()
    with transaction.atomic():
        tallies.mark([(cell, YEAR)])
        started = time.perf_counter()
        client.get(url)
        elapsed = time.perf_counter() - started
        transaction.set_rollback(True)
    return elapsed


def bench_api_pledges() -> list[Result]:
    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.test import Client

    from committees.demo.province import BLOC_NAME
    from committees.models import Organization

    bloc = Organization.objects.get(name=BLOC_NAME)
    client = Client()
    client.force_login(get_user_model().objects.get(username="khoi"))
    url = f"/api/v1/pledges/?organization={bloc.pk}&year={YEAR}"
    client.get(url)
    queries = []
    with connection.execute_wrapper(lambda execute, sql, *args: queries.append(sql) or execute(sql, *args)):
        response = client.get(url)
    assert response.status_code == 200, response.status_code
    rows = len(response.json()["results"])
    median = statistics.median(timed(lambda: client.get(url), REPEAT))
    return [
        Result(
            f"API list page of {rows} pledges with items (median of {REPEAT})",
            "< 100 ms",
            f"{median * 1000:.0f} ms",
            median / 0.100,
            f"{len(queries)} queries, constant with the page size",
        ),
    ]


def bench_people_import() -> list[Result]:
    from bench.import_bench import bench_import

    seconds, added = bench_import(10_000)
    return [
        Result(
            "Import of 10.000 people (.xlsx)",
            "< 15 s",
            f"{seconds:.1f} s",
            seconds / 15,
            f"{added} added: read, validate, bulk write; rolled back afterwards",
        )
    ]


def bench_load() -> list[Result]:
    """The load test on the whole stack (bench/load.py); its own lines are printed as it ends."""
    from django.db import connections

    from bench.load import P95_TARGET_MS, SECONDS, describe, run_load

    if SECONDS <= 0:
        return []
    connections.close_all()  # the database is copied as a template: no session may stay open
    try:
        outcome = run_load(DATABASE_URL, year=YEAR)
    except RuntimeError as error:
        print(f"load test not run: {error}", flush=True)
        reason = str(error).splitlines()[0]
        return [Result("Load test", "runs", "not run", None, reason.replace("|", "/"))]
    print(describe(outcome), flush=True)
    who = f"{outcome.secretaries} secretaries + {outcome.reviewers} reviewers, {outcome.seconds} s"
    slowest = max(outcome.pages, key=lambda page: page.p95, default=None)
    health = f"`/suc-khoe/` p50 {outcome.health_p50:.1f} ms, p95 {outcome.health_p95:.1f} ms"
    written = outcome.pledges_written
    counted = written == outcome.submitted == outcome.people_with_new_pledge and not outcome.unfinished
    return [
        Result(
            f"Load ({who}): pages per second",
            "–",
            f"{outcome.rps:.1f} /s",
            None,
            f"{outcome.requests} requests; gunicorn ({outcome.workers} workers, DEBUG off), PostgreSQL, Redis, "
            f"Celery worker {'answering' if outcome.worker_answered else 'NOT answering'}",
        ),
        Result(
            f"Load ({who}): failed requests",
            "0",
            f"{outcome.failed} of {outcome.requests}",
            None,
            "; ".join(f"{n}× {text}" for text, n in sorted(outcome.failures.items(), key=lambda i: -i[1])[:3]).replace(
                "|", "/"
            ),
        ),
        Result(f"Load ({who}): p50 of pages", "–", f"{outcome.p50:.0f} ms", None, health),
        Result(
            f"Load ({who}): p95 of pages",
            f"< {P95_TARGET_MS} ms",
            f"{outcome.p95:.0f} ms",
            outcome.p95 / P95_TARGET_MS,
            f"slowest: {slowest.name} p95 {slowest.p95:.0f} ms" if slowest else "",
        ),
        Result(
            f"Load ({who}): p50 / p50 of a trivial view",
            "–",
            f"{outcome.p50 / outcome.health_p50:.1f}" if outcome.health_p50 else "–",
            None,
            f"p95 / p95: {outcome.p95 / outcome.health_p95:.1f}" if outcome.health_p95 else "",
        ),
        Result(
            f"Load ({who}): pledges written = submissions accepted",
            "equal",
            f"{outcome.pledges_written} {'=' if counted else '≠'} {outcome.submitted}",
            None,
            f"{outcome.people_with_new_pledge} people, {outcome.refused} refused, {outcome.unfinished} cut off"
            + ("; nothing lost or doubled" if counted else "; MISMATCH"),
        ),
        Result(
            f"Load ({who}): figures kept = counted afresh",
            "equal",
            "equal" if not outcome.figures_differ else "differ",
            None,
            "the bloc's figures from the tally store after the run's concurrent writes and reads"
            + ("" if not outcome.figures_differ else ": " + ", ".join(outcome.figures_differ)),
        ),
    ]


def machine() -> str:
    from bench.load import redis_version

    memory = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    server = subprocess.run(
        ["psql", DATABASE_URL, "-tAc", "SHOW server_version"], capture_output=True, text=True
    ).stdout.strip()
    cpu = next(
        (
            line.split(":", 1)[1].strip()
            for line in _read("/proc/cpuinfo").splitlines()
            if line.startswith("model name")
        ),
        platform.processor() or "unknown CPU",
    )
    system = next(
        (
            line.split("=", 1)[1].strip('"')
            for line in _read("/etc/os-release").splitlines()
            if line.startswith("PRETTY_NAME=")
        ),
        platform.system(),
    )
    return (
        f"{cpu}, {os.cpu_count()} cores, {memory:.0f} GiB RAM, {system} (kernel {platform.release()}), "
        f"Python {platform.python_version()}, PostgreSQL {server}, Redis {redis_version()}"
    )


def _read(path: str) -> str:
    try:
        return Path(path).read_text()
    except OSError:
        return ""


def table(results: list[Result]) -> str:
    lines = ["| figure | target | measured | ratio | note |", "|---|---|---|---|---|"]
    for r in results:
        ratio = f"{r.ratio:.2f}" if r.ratio is not None else "–"
        lines.append(f"| {r.figure} | {r.target} | {r.measured} | {ratio} | {r.note} |")
    return "\n".join(lines)


def main() -> None:
    global YEAR
    ensure_database()
    setup_django()
    seeded = seed()
    YEAR = demo_year()
    results = []
    if seeded is not None:
        results.append(Result(f"seed_demo --members {MEMBERS}", "a few minutes", f"{seeded:.0f} s", seeded / 300))
    from committees.demo.province import BLOC_NAME, LARGE_COMMITTEE_NAME

    for step in (
        lambda: bench_report(LARGE_COMMITTEE_NAME, "Report of a grassroots organization (25 chi bộ, 500 people)", 2),
        lambda: bench_report(BLOC_NAME, f"Report of the bloc at --members {MEMBERS}", 10, memory_target_mb=1024),
        bench_dashboard,
        bench_api_pledges,
        bench_people_import,
        bench_load,
    ):
        measured = step()
        for result in measured:
            print(f"{result.figure}: {result.measured} (target {result.target})", flush=True)
        results += measured
    text = table(results)
    print(text)
    stamp = time.strftime("%Y-%m-%d %H:%M")
    (ROOT / "bench" / "results.md").write_text(
        f"# Benchmark results\n\nRun {stamp} on: {machine()}.\n"
        f"Data: `seed_demo --members {MEMBERS}` on PostgreSQL. Ratio = measured / target (≤ 1 meets the target).\n\n"
        f"{text}\n"
    )


if __name__ == "__main__":
    main()
