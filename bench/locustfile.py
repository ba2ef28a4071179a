"""The people of the load test, for locust (bench/load.py runs it headless; not meant alone).

Secretaries enter pledges for the members of their chi bộ who have none; reviewers browse the
bloc's dashboard and drill down; one probe asks for the trivial health page, the yardstick the
other figures are divided by. bench/load.py writes the plan (LOAD_PLAN, JSON: the accounts, the
year, the bloc) and reads back every request (LOAD_SAMPLES, JSON, written when locust quits).

The server runs with its production settings (DEBUG off, secure cookies, HTTPS redirect); the
users speak to it as the HTTPS proxy in front of it would (`X-Forwarded-Proto: https`) and send
back the cookies a browser would, secure ones included: here the loopback stands for the TLS hop.
"""

import itertools
import json
import os
import random
import re
import sys
import time
from collections import Counter
from pathlib import Path
from urllib.parse import urlsplit

from locust import HttpUser, between, constant, events, task

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from bench.pages import child_dashboards, entry_links, hidden_fields, pledge_items, static_assets  # noqa: E402

PLAN = json.loads(Path(os.environ["LOAD_PLAN"]).read_text())
YEAR = PLAN["year"]
LOGIN = "/dang-nhap/"
REQUEST_TIMEOUT = 60  # seconds; gunicorn's own worker timeout is the same (bench/load.py)
SECRETARIES = iter(PLAN["secretaries"])
REVIEWERS = itertools.cycle(PLAN["reviewers"])

# What bench/load.py reads back.
SAMPLES: list[tuple[str, float, float, bool]] = []  # (name, started at, milliseconds, succeeded)
FAILURES: Counter = Counter()
OUTCOME = {"submitted": 0, "refused": 0, "exhausted": 0, "unfinished": 0}
# When time is up, users finish the request under way (locust's stop timeout) but start no other.
RUN = {"stopping": False}


@events.request.add_listener
def _record(request_type, name, response_time, exception, start_time=None, **kwargs):
    SAMPLES.append((name, start_time or time.time(), response_time, exception is None))
    if exception is not None:
        FAILURES[re.sub(r"/\d+", "/N", f"{request_type} {name}: {exception}")[:300]] += 1  # one line per kind


@events.test_stopping.add_listener
def _stop_starting_requests(environment, **kwargs):
    RUN["stopping"] = True


@events.quitting.add_listener
def _write_samples(environment, **kwargs):
    report = {"samples": SAMPLES, "failures": dict(FAILURES), **OUTCOME}
    Path(os.environ["LOAD_SAMPLES"]).write_text(json.dumps(report))


class Visitor(HttpUser):
    """A browser behind the HTTPS proxy, signed in as one account."""

    abstract = True

    def on_start(self) -> None:
        self.client.headers["X-Forwarded-Proto"] = "https"
        self.origin = "https://" + urlsplit(self.host).netloc

    def cookies(self) -> dict[str, str]:
        # requests keeps `Secure` cookies but sends them over https only: send them ourselves.
        return {"Cookie": "; ".join(f"{cookie.name}={cookie.value}" for cookie in self.client.cookies)}

    def get(self, path: str, name: str):
        with self.client.get(
            path, name=name, headers=self.cookies(), timeout=REQUEST_TIMEOUT, allow_redirects=False, catch_response=True
        ) as r:
            if r.status_code != 200:
                r.failure(f"HTTP {r.status_code} {r.headers.get('Location', '')}")
            return r

    def post(self, path: str, data: dict, name: str):
        headers = {**self.cookies(), "Origin": self.origin, "Referer": self.origin + path}
        return self.client.post(
            path,
            data=data,
            headers=headers,
            name=name,
            timeout=REQUEST_TIMEOUT,
            allow_redirects=False,
            catch_response=True,
        )

    def sign_in(self, username: str) -> None:
        page = self.get(LOGIN, name="sign-in page")
        for asset in static_assets(page.text):
            self.get(asset, name="static file")  # an empty browser cache: whitenoise serves them
        data = {**hidden_fields(page.text), "username": username, "password": PLAN["password"]}
        with self.post(LOGIN, data, name="sign-in") as response:
            location = response.headers.get("Location", "")
            if response.status_code != 302 or location.startswith(LOGIN):
                response.failure(f"{username} could not sign in (HTTP {response.status_code})")


class Secretary(Visitor):
    """Opens the roster filtered to "not registered", enters the first person's pledge, submits."""

    fixed_count = len(PLAN["secretaries"])
    wait_time = between(2, 5)
    typing = (3, 6)  # seconds between opening the form and submitting it

    def on_start(self) -> None:
        super().on_start()
        account = next(SECRETARIES)
        self.roster = f"/to-chuc/{account['cell']}/nam/{YEAR}/"
        self.sign_in(account["username"])

    @task
    def enter_a_pledge(self) -> None:
        page = self.get(self.roster + "?trang-thai=missing", name="roster: not registered")
        links = entry_links(page.text, YEAR)
        if not links:
            OUTCOME["exhausted"] += 1
            return
        if RUN["stopping"]:
            return
        form = self.get(links[0], name="pledge entry: form")
        if form.status_code != 200:
            return
        time.sleep(random.uniform(*self.typing))  # gevent-patched: only this user waits
        if RUN["stopping"]:
            return
        data = {**hidden_fields(form.text), **pledge_items(form.text, YEAR), "submit": "1"}
        OUTCOME["unfinished"] += 1  # until the answer comes: a submission cut off is counted
        with self.post(links[0], data, name="pledge entry: submit") as response:
            OUTCOME["unfinished"] -= 1
            if response.status_code == 302 and response.headers.get("Location") == self.roster:
                OUTCOME["submitted"] += 1
            else:
                OUTCOME["refused"] += 1
                response.failure(f"submission not accepted (HTTP {response.status_code})")
                return
        if not RUN["stopping"]:
            self.get(self.roster, name="roster")  # where the browser lands after the redirect


class Reviewer(Visitor):
    """The bloc's dashboard, then an organization below it, then one below that (if any)."""

    fixed_count = len(PLAN["reviewers"])
    wait_time = between(2, 5)
    reading = (1, 3)  # seconds spent on a page before clicking through

    def on_start(self) -> None:
        super().on_start()
        self.sign_in(next(REVIEWERS))
        self.bloc = f"/to-chuc/{PLAN['bloc']}/nam/{YEAR}/tong-quan/"

    @task
    def drill_down(self) -> None:
        page = self.get(self.bloc, name="dashboard: bloc")
        for name in ("dashboard: one level down", "dashboard: two levels down"):
            children = child_dashboards(page.text)
            if not children:
                return
            time.sleep(random.uniform(*self.reading))
            if RUN["stopping"]:
                return
            page = self.get(random.choice(children), name=name)


class Probe(HttpUser):
    """The trivial request, measured under the same load: what any page costs at the least."""

    fixed_count = 1
    wait_time = constant(0.5)

    @task
    def health(self) -> None:
        with self.client.get("/suc-khoe/", name="health", timeout=REQUEST_TIMEOUT, catch_response=True) as r:
            if r.status_code != 200 or r.text != "ok":
                r.failure(f"HTTP {r.status_code}")
