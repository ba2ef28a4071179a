import datetime

import pytest

from pledges.services.plans import plan_save
from pledges.services.pledges import ItemInput, pledge_create
from tests.browser.conftest import log_in
from tests.conftest import build_world
from tests.factories import PersonFactory, make_organization

pytestmark = pytest.mark.django_db(transaction=True)

# Every cell of the table against the box the table sits in: (cells cut off on the right or the
# left, the box's scrolling width, its visible width).
CLIPPED_CELLS = """() => {
  const box = document.querySelector('#children-table').closest('.table-responsive');
  const edge = box.getBoundingClientRect();
  const cut = Array.from(document.querySelectorAll('#children-table th, #children-table td')).filter(cell => {
    const r = cell.getBoundingClientRect();
    return r.right > edge.right + 0.5 || r.left < edge.left - 0.5;
  }).map(cell => cell.textContent.trim().slice(0, 30));
  return [cut, box.scrollWidth, box.clientWidth];
}"""


def busy_bloc():
    """A bloc whose table is crowded: long names, flags in every row (the deadline is past)."""
    world = build_world()
    plan_save(organization=world.bloc, year=2024, pledge_deadline=datetime.date(2024, 3, 1))
    for number in range(3):
        unit = make_organization(
            world.bloc, name=f"Đảng bộ Công ty Cổ phần Đầu tư Phát triển Hạ tầng Khu công nghiệp số {number}"
        )
        PersonFactory(organization=make_organization(unit, name=f"Chi bộ Phân xưởng {number}"))
    pledge_create(person=world.people_a1[0], year=2024, items=[ItemInput("Đi làm đúng giờ")], submit=True)
    return world


def test_reviewer_drills_down_from_the_bloc_to_a_cell(page):
    world = build_world()
    plan_save(organization=world.bloc, year=2024)
    pledge_create(person=world.people_a1[0], year=2024, items=[ItemInput("Đi làm đúng giờ")], submit=True)
    log_in(page, "bloc_reviewer")
    assert "/tong-quan/" in page.url
    page.get_by_role("link", name=world.committee_a.name).click()
    page.wait_for_url(f"**/to-chuc/{world.committee_a.pk}/nam/2024/tong-quan/")
    page.get_by_role("link", name=world.cell_a1.name).click()
    page.wait_for_url(f"**/to-chuc/{world.cell_a1.pk}/nam/2024/tong-quan/")
    assert page.locator("h1").inner_text() == world.cell_a1.name
    # Breadcrumbs lead back up.
    page.locator(".breadcrumb").get_by_role("link", name=world.bloc.name).click()
    page.wait_for_url(f"**/to-chuc/{world.bloc.pk}/nam/2024/tong-quan/")
    with page.expect_download() as download:
        page.get_by_role("link", name="Xuất Excel").click()
    assert download.value.suggested_filename.endswith(".xlsx")


def test_at_a_desk_every_column_of_the_dashboard_shows(page):
    world = busy_bloc()
    page.set_viewport_size({"width": 1366, "height": 900})
    log_in(page, "bloc_reviewer")
    page.goto(page.base_url + f"/to-chuc/{world.bloc.pk}/nam/2024/tong-quan/")
    assert page.locator("#children-table tbody tr").count() == 5
    assert page.locator("#children-table .dashboard-flags .badge").count() >= 5
    cut, scrolling, visible = page.evaluate(CLIPPED_CELLS)
    assert cut == []
    assert scrolling <= visible
    # Wider still, the same.
    page.set_viewport_size({"width": 1920, "height": 1000})
    assert page.evaluate(CLIPPED_CELLS)[0] == []


def test_on_a_phone_the_table_scrolls_under_a_fixed_name_column(page):
    world = busy_bloc()
    page.set_viewport_size({"width": 390, "height": 844})
    log_in(page, "bloc_reviewer")
    page.goto(page.base_url + f"/to-chuc/{world.bloc.pk}/nam/2024/tong-quan/")
    box = page.locator("#children-table").locator("xpath=ancestor::div[contains(@class, 'table-responsive')]")
    left = box.bounding_box()["x"]
    box.evaluate("e => { e.scrollLeft = e.scrollWidth; }")
    names = page.locator("#children-table tbody .dashboard-name")
    for index in range(names.count()):
        assert abs(names.nth(index).bounding_box()["x"] - left) < 1.5  # stayed in place
    flags = page.locator("#children-table tbody .dashboard-flags").first
    assert flags.bounding_box()["x"] + flags.bounding_box()["width"] <= 390 + 0.5  # reached by scrolling
    # The row of tabs says it scrolls: more tabs to the right, none to the left.
    tabs = page.locator("[data-tabs-scroll]")
    assert "more-right" in tabs.get_attribute("class")
    assert "more-left" not in tabs.get_attribute("class")


def test_the_tab_row_on_a_phone_shows_the_current_tab(page):
    world = busy_bloc()
    page.set_viewport_size({"width": 390, "height": 844})
    log_in(page, "bloc_reviewer")
    page.goto(page.base_url + f"/to-chuc/{world.bloc.pk}/nam/2024/bao-cao/")
    current = page.locator("[data-tabs-scroll] [aria-current=page]")
    assert current.inner_text() == "Báo cáo tổng kết"
    box = current.bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= 390
    assert "more-left" in page.locator("[data-tabs-scroll]").get_attribute("class")


def test_a_cell_overview_draws_no_empty_chart(page):
    world = busy_bloc()
    log_in(page, "bloc_reviewer")
    page.goto(page.base_url + f"/to-chuc/{world.cell_a1.pk}/nam/2024/tong-quan/")
    assert page.locator("#chart-coverage").count() == 0
    assert "không có tổ chức trực thuộc: không có biểu đồ này" in page.locator(".chart-empty").first.inner_text()
    page.wait_for_function("() => window.Chart && Chart.getChart(document.getElementById('chart-registrations'))")


def test_charts_write_numbers_the_vietnamese_way(page):
    world = busy_bloc()
    log_in(page, "bloc_reviewer")
    page.goto(page.base_url + f"/to-chuc/{world.bloc.pk}/nam/2024/tong-quan/")
    page.wait_for_function("() => window.Chart && Chart.getChart(document.getElementById('chart-coverage'))")
    chart = "Chart.getChart(document.getElementById('chart-coverage'))"
    assert page.evaluate("() => Chart.defaults.locale") == "vi-VN"
    label = page.evaluate(f"() => {chart}.options.plugins.tooltip.callbacks.label({{parsed: {{x: 36.4}}}})")
    assert label == "36,4%"
    ticks = page.evaluate(f"() => {chart}.scales.x.ticks.map(t => t.label)")
    assert ticks[-1] == "100%"
    legend = page.evaluate(
        "() => Chart.getChart(document.getElementById('chart-registrations')).data.datasets.map(d => d.label)"
    )
    assert legend == ["Đã nộp (lũy kế)", "Phải đăng ký (hạn 01/03)"]
