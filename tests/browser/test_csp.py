"""The strict Content-Security-Policy in a real browser: charts, htmx, Bootstrap, the API
documentation and the admin run with it, and the browser refuses nothing on the way."""

import pytest
from django.utils import timezone

from pledges.services.plans import plan_save
from pledges.services.pledges import ItemInput, pledge_create
from reports import services as report_services
from reports.models import RenderBatch, ReportRender
from tests.browser.conftest import log_in
from tests.conftest import build_world

pytestmark = pytest.mark.django_db(transaction=True)

# Recorded by the page itself: the event the browser fires for each refused resource.
LISTEN = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", function (event) {
  window.__cspViolations.push(event.violatedDirective + " " + (event.blockedURI || "inline"));
});
"""


@pytest.fixture
def watched(page):
    """The page, with every CSP refusal (console message or violation event) collected."""
    page.refused = []
    page.add_init_script(LISTEN)

    def on_console(message):
        text = message.text
        if "Content Security Policy" in text or text.startswith("Refused to"):
            page.refused.append(text)

    page.on("console", on_console)
    page.on("pageerror", lambda error: page.refused.append(f"page error: {error}"))
    return page


def refusals(page) -> list[str]:
    return page.refused + page.evaluate("window.__cspViolations || []")


def test_the_dashboard_draws_its_charts(watched):
    world = build_world()
    plan_save(organization=world.bloc, year=2024)
    pledge_create(person=world.people_a1[0], year=2024, items=[ItemInput("Đi làm đúng giờ")], submit=True)
    log_in(watched, "bloc_reviewer")
    assert "/tong-quan/" in watched.url
    watched.wait_for_function("() => window.Chart && Chart.getChart(document.getElementById('chart-registrations'))")
    drawn = watched.evaluate(
        "() => ['chart-registrations', 'chart-coverage', 'chart-commendations']"
        ".filter(id => document.getElementById(id)).every(id => Chart.getChart(document.getElementById(id)))"
    )
    assert drawn
    # Bootstrap's dropdown (its script sets styles through the DOM, which the policy allows).
    watched.locator(".navbar .dropdown-toggle").last.click()
    watched.get_by_role("link", name="Đổi mật khẩu").wait_for()
    assert refusals(watched) == []


def test_pledge_entry_adds_a_row_and_people_search_uses_htmx(watched):
    world = build_world()
    plan_save(organization=world.bloc, year=2024)
    person = world.people_a1[1]
    log_in(watched, "a1_secretary")
    watched.goto(watched.base_url + f"/ca-nhan/{person.pk}/nam/2024/ke-hoach/")
    watched.get_by_role("button", name="Thêm việc làm theo").click()
    watched.locator("[name=items-3-content]").wait_for()
    assert watched.evaluate("() => document.activeElement.name") == "items-3-content"
    # htmx swaps the results in as one types; its indicator style is ours, not injected.
    watched.goto(watched.base_url + "/ca-nhan/tim/")
    assert watched.locator("head style").count() == 0
    watched.locator("input[hx-get]").fill("Bình")
    watched.locator("#results", has_text=world.people_a1[1].full_name).wait_for()
    assert watched.locator("head style").count() == 0
    assert refusals(watched) == []


def finish(render: ReportRender) -> None:
    ReportRender.objects.filter(pk=render.pk).update(
        state=ReportRender.State.READY, sha256="x" * 64, finished_at=timezone.now()
    )


def test_the_batch_progress_bar_gets_its_width_from_the_script(watched):
    world = build_world()
    plan_save(organization=world.province, year=2024)
    batch = RenderBatch.objects.create(organization=world.committee_a, year=2024)
    renders = [
        ReportRender.objects.create(
            report=report_services.report_open(organization=organization, year=2024),
            batch=batch,
            format=ReportRender.Format.PDF,
        )
        for organization in (world.cell_a1, world.cell_a2)
    ]
    finish(renders[0])
    log_in(watched, "a_clerk")
    watched.goto(watched.base_url + f"/xuat-hang-loat/{batch.pk}/")
    bar = watched.locator(".progress-bar")
    assert bar.get_attribute("data-progress") == "50"
    watched.wait_for_function("() => document.querySelector('.progress-bar').style.width === '50%'")
    # htmx polls and swaps the rows in again: the new bar gets its width too.
    finish(renders[1])
    watched.wait_for_function("() => document.querySelector('.progress-bar').style.width === '100%'")
    assert refusals(watched) == []


def test_the_api_docs_page_runs_swagger_ui_and_the_browsable_api_too(watched):
    build_world()
    log_in(watched, "a1_secretary")
    watched.goto(watched.base_url + "/api/docs/")
    watched.locator(".swagger-ui .info .title", has_text="Làm theo Bác API").wait_for()
    watched.locator(".opblock").first.wait_for()
    assert refusals(watched) == []
    # The browsable API, DRF's own page.
    watched.goto(watched.base_url + "/api/v1/organizations/")
    watched.locator(".response-info").wait_for()
    assert refusals(watched) == []


def test_the_admin_runs_under_the_policy(watched):
    world = build_world()
    log_in(watched, "admin")
    watched.goto(watched.base_url + f"/quan-tri/committees/person/{world.people_a1[0].pk}/change/")
    watched.locator("#person_form").wait_for()
    watched.goto(watched.base_url + "/quan-tri/committees/organization/")
    watched.locator("#result_list").wait_for()
    assert refusals(watched) == []
