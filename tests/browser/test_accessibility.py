"""axe-core on every main page, on a phone (390 px) and at a desk (1366 px): no serious or
critical violation. axe runs in the page through the browser's developer protocol (the page's
Content-Security-Policy applies to the page's own scripts, not to what the test evaluates);
the file is test-only (tests/browser/vendor/VERSIONS.txt), never served by the application."""

import datetime
from pathlib import Path

import pytest

from pledges.services import pledges as pledge_services
from pledges.services.plans import plan_save
from pledges.services.pledges import ItemInput, pledge_create
from pledges.services.records import SessionInput, session_create
from tests.browser.conftest import log_in
from tests.conftest import build_world

pytestmark = pytest.mark.django_db(transaction=True)

AXE = (Path(__file__).parent / "vendor" / "axe.min.js").read_text(encoding="utf-8")
WIDTHS = {"phone": (390, 844), "desk": (1366, 900)}
BLOCKING = ("serious", "critical")


def axe_violations(page) -> list[dict]:
    """The serious and critical violations axe finds on the page as it is now."""
    if not page.evaluate("() => typeof window.axe === 'object'"):
        page.evaluate(AXE)
    result = page.evaluate("() => axe.run(document, {resultTypes: ['violations']})")
    return [violation for violation in result["violations"] if violation["impact"] in BLOCKING]


def describe(violations: list[dict]) -> str:
    lines = []
    for violation in violations:
        lines.append(f"{violation['impact']} {violation['id']}: {violation['help']} ({len(violation['nodes'])} nodes)")
        lines += [f"    {node['target']} {node['html'][:160]}" for node in violation["nodes"][:4]]
    return "\n".join(lines)


def audit(page, path: str) -> dict[str, list[dict]]:
    """axe's blocking violations of `path` at each width, by width."""
    found = {}
    for name, (width, height) in WIDTHS.items():
        page.set_viewport_size({"width": width, "height": height})
        page.goto(page.base_url + path)
        page.wait_for_load_state("networkidle")
        found[name] = axe_violations(page)
    return found


def assert_clean(found: dict[str, list[dict]]) -> None:
    report = "\n".join(f"[{width}]\n{describe(violations)}" for width, violations in found.items() if violations)
    assert not report, "axe found serious or critical violations:\n" + report


@pytest.fixture
def records():
    """The world with a plan, pledges in several states (one accepted, to evaluate) and a session."""
    world = build_world()
    plan_save(organization=world.bloc, year=2024)
    people = world.people_a1
    accepted = pledge_create(person=people[0], year=2024, items=[ItemInput("Đi làm đúng giờ")], submit=True)
    pledge_services.pledge_accept(pledge=accepted)
    pledge_create(person=people[1], year=2024, items=[ItemInput("Tiết kiệm điện")])
    session_create(
        organization=world.cell_a1,
        data=SessionInput(
            held_on=datetime.date(2024, 3, 1),
            kind="thematic",
            topic="Sinh hoạt chuyên đề quý I",
            attendee_ids=[people[0].pk, people[1].pk],
        ),
    )
    return world


SECRETARY_PAGES = {
    "roster": lambda w: f"/to-chuc/{w.cell_a1.pk}/nam/2024/",
    "pledge-entry": lambda w: f"/ca-nhan/{w.people_a1[2].pk}/nam/2024/ke-hoach/",
    "sessions": lambda w: f"/to-chuc/{w.cell_a1.pk}/nam/2024/hoc-tap/",
    "attendance": lambda w: f"/to-chuc/{w.cell_a1.pk}/hoc-tap/them/?nam=2024",
    "evaluation": lambda w: f"/to-chuc/{w.cell_a1.pk}/nam/2024/danh-gia-cuoi-nam/",
}


@pytest.mark.parametrize("name", list(SECRETARY_PAGES))
def test_secretary_pages(page, records, name):
    log_in(page, "a1_secretary")
    assert_clean(audit(page, SECRETARY_PAGES[name](records)))


def test_reviewer_dashboard(page, records):
    log_in(page, "bloc_reviewer")
    assert_clean(audit(page, f"/to-chuc/{records.bloc.pk}/nam/2024/tong-quan/"))


def test_cell_overview(page, records):
    """A chi bộ's overview: no children, so no chart of them (words instead)."""
    log_in(page, "bloc_reviewer")
    assert_clean(audit(page, f"/to-chuc/{records.cell_a1.pk}/nam/2024/tong-quan/"))


@pytest.mark.parametrize("path", ["/to-chuc/{pk}/nhap-du-lieu/", "/to-chuc/{pk}/nam/2024/bao-cao/"])
def test_clerk_pages(page, records, path):
    log_in(page, "a_clerk")
    assert_clean(audit(page, path.format(pk=records.committee_a.pk)))


def test_sign_in_page(page, records):
    assert_clean(audit(page, "/dang-nhap/"))
