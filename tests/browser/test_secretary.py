import datetime

import pytest

from pledges.models import Evaluation, Pledge, PledgeState
from pledges.services import pledges as pledge_services
from pledges.services.plans import plan_save
from pledges.services.pledges import ItemInput, pledge_create
from tests.browser.conftest import log_in
from tests.conftest import build_world

pytestmark = pytest.mark.django_db(transaction=True)


class Keyboard:
    """The page's keyboard, counting the keys pressed besides the text typed (a chord such as
    Control+Enter counts each of its keys)."""

    def __init__(self, page):
        self.page = page
        self.pressed: list[str] = []

    def type(self, text: str) -> None:
        self.page.keyboard.type(text)

    def press(self, key: str) -> None:
        self.page.keyboard.press(key)
        self.pressed.append(key)

    @property
    def count(self) -> int:
        return sum(len(key.split("+")) for key in self.pressed)


def focused(page) -> str:
    return page.evaluate("() => document.activeElement.name || document.activeElement.id")


def not_found(page) -> list[str]:
    """Record every answer 404 the page gets (a missing icon, a stale link) from now on."""
    missing: list[str] = []
    page.on("response", lambda response: missing.append(response.url) if response.status == 404 else None)
    return missing


def test_secretary_enters_and_submits_a_pledge_with_the_keyboard(page):
    world = build_world()
    plan_save(organization=world.bloc, year=2024)
    person = world.people_a1[1]
    log_in(page, "a1_secretary")
    assert f"/to-chuc/{world.cell_a1.pk}/nam/2024/" in page.url
    row = page.locator("tr", has_text=person.full_name)
    row.get_by_role("link", name="Nhập").click()
    page.wait_for_url(f"**/ca-nhan/{person.pk}/nam/2024/ke-hoach/")
    # The cursor starts in the first item; Tab moves through area, target and date.
    page.keyboard.type("Đi làm đúng giờ, không đi muộn về sớm")
    page.keyboard.press("Tab")
    page.keyboard.press("Tab")
    page.keyboard.type("100% ngày công")
    page.locator("[name=items-1-content]").fill("Tiết kiệm điện, nước tại phòng làm việc")
    page.locator("[name=items-1-area]").select_option("thrift")
    page.get_by_role("button", name="Thêm việc làm theo").click()
    page.locator("[name=items-3-content]").wait_for()
    page.locator("[name=items-2-content]").fill("Giải quyết hồ sơ đúng hạn")
    page.locator("[name=items-3-content]").fill("Tham gia đầy đủ sinh hoạt chi bộ")
    page.get_by_role("button", name="Nộp bản đăng ký").click()
    page.wait_for_url(f"**/to-chuc/{world.cell_a1.pk}/nam/2024/")
    assert "Đã nộp bản đăng ký" in page.content()
    pledge = Pledge.objects.get(person=person, year=2024)
    assert pledge.state == PledgeState.SUBMITTED
    assert list(pledge.items.order_by("position").values_list("content", flat=True)) == [
        "Đi làm đúng giờ, không đi muộn về sớm",
        "Tiết kiệm điện, nước tại phòng làm việc",
        "Giải quyết hồ sơ đúng hạn",
        "Tham gia đầy đủ sinh hoạt chi bộ",
    ]
    assert pledge.items.get(position=1).target == "100% ngày công"


def test_secretary_records_a_meeting_and_ticks_attendance(page):
    from pledges.models import StudySession

    world = build_world()
    plan_save(organization=world.bloc, year=2024)
    log_in(page, "a1_secretary")
    page.goto(page.base_url + f"/to-chuc/{world.cell_a1.pk}/nam/2024/hoc-tap/")
    page.get_by_role("link", name="Thêm buổi").click()
    # The date is typed day first, digits only: the slashes come by themselves.
    page.fill("[name=held_on]", "")
    page.locator("[name=held_on]").press_sequentially("12032024")
    assert page.input_value("[name=held_on]") == "12/03/2024"
    page.get_by_label("Sinh hoạt chuyên đề hàng quý").check()
    page.fill("[name=topic]", "Sinh hoạt chuyên đề quý I")
    page.locator("[data-check-all]").click()
    page.get_by_label(world.people_a1[2].full_name).uncheck()
    page.locator("button[type=submit].btn-party").click()
    page.wait_for_url("**/hoc-tap/*/")
    session = StudySession.objects.get()
    assert set(session.attendees.values_list("pk", flat=True)) == {world.people_a1[0].pk, world.people_a1[1].pk}
    assert "Sinh hoạt chuyên đề quý I" in page.content()


def test_a_three_item_pledge_by_keyboard_within_a_keystroke_budget(page):
    """One tab stop per field (the date is one field, removing a row is not a stop), Enter goes
    to the next item, Ctrl+Enter submits: three items, one with a target and a date, in 9
    keys besides the text (the row of four fields with two stops for the date and one for
    "Xóa dòng này" took 26)."""
    world = build_world()
    plan_save(organization=world.bloc, year=2024)
    person = world.people_a1[1]
    log_in(page, "a1_secretary")
    missing = not_found(page)
    page.goto(page.base_url + f"/ca-nhan/{person.pk}/nam/2024/ke-hoach/")
    assert focused(page) == "items-0-content"
    keys = Keyboard(page)

    keys.type("Đi làm đúng giờ, không đi muộn về sớm")
    keys.press("Tab")
    keys.press("Tab")
    assert focused(page) == "items-0-target"
    keys.type("100% ngày công")
    keys.press("Tab")
    assert focused(page) == "items-0-due_on"
    keys.type("31122024")
    assert page.input_value("[name=items-0-due_on]") == "31/12/2024"
    keys.press("Enter")
    assert focused(page) == "items-1-content"

    keys.type("Tiết kiệm điện, nước tại phòng làm việc")
    keys.press("Tab")
    keys.press("ArrowDown")  # the next area
    keys.press("Enter")
    assert focused(page) == "items-2-content"

    keys.type("Tham gia đầy đủ sinh hoạt chi bộ")
    keys.press("Control+Enter")
    page.wait_for_url(f"**/to-chuc/{world.cell_a1.pk}/nam/2024/")

    assert keys.count == 9, keys.pressed
    assert keys.count < 15
    pledge = Pledge.objects.get(person=person, year=2024)
    assert pledge.state == PledgeState.SUBMITTED
    items = list(pledge.items.order_by("position"))
    assert [item.content for item in items] == [
        "Đi làm đúng giờ, không đi muộn về sớm",
        "Tiết kiệm điện, nước tại phòng làm việc",
        "Tham gia đầy đủ sinh hoạt chi bộ",
    ]
    assert (items[0].target, items[0].due_on) == ("100% ngày công", datetime.date(2024, 12, 31))
    assert items[1].area != items[0].area
    assert missing == []  # the icon included


def test_each_item_row_has_one_tab_stop_per_field(page):
    world = build_world()
    plan_save(organization=world.bloc, year=2024)
    log_in(page, "a1_secretary")
    page.goto(page.base_url + f"/ca-nhan/{world.people_a1[1].pk}/nam/2024/ke-hoach/")
    stops = [focused(page)]
    for _ in range(4):
        page.keyboard.press("Tab")
        stops.append(focused(page))
    assert stops == ["items-0-content", "items-0-area", "items-0-target", "items-0-due_on", "items-1-content"]


def test_enter_in_the_last_row_adds_one_and_alt_delete_removes_a_row(page):
    world = build_world()
    plan_save(organization=world.bloc, year=2024)
    person = world.people_a1[1]
    log_in(page, "a1_secretary")
    page.goto(page.base_url + f"/ca-nhan/{person.pk}/nam/2024/ke-hoach/")
    for index, text in enumerate(["Một", "Hai", "Ba"]):
        page.locator(f"[name=items-{index}-content]").fill(text)
    page.locator("[name=items-2-target]").focus()
    page.keyboard.press("Enter")
    page.locator("[name=items-3-content]").wait_for()
    assert focused(page) == "items-3-content"
    assert page.locator("[data-item-row]").nth(3).locator("legend").inner_text() == "Việc làm theo 4"
    page.keyboard.type("Bốn, rồi bỏ")
    # The row's box is out of the tab order; Alt+Delete marks the row, and again unmarks it.
    page.keyboard.press("Alt+Delete")
    assert page.locator("[name=items-3-DELETE]").is_checked()
    page.keyboard.press("Alt+Delete")
    assert not page.locator("[name=items-3-DELETE]").is_checked()
    page.keyboard.press("Alt+Delete")
    # Said to a screen reader: which row will go.
    page.wait_for_function(
        "() => document.querySelector('[data-announce]').textContent === 'Sẽ xóa khi lưu: Việc làm theo 4'"
    )
    # The sticky button submits, as Ctrl+Enter does.
    page.get_by_role("button", name="Nộp bản đăng ký").click()
    page.wait_for_url(f"**/to-chuc/{world.cell_a1.pk}/nam/2024/")
    pledge = Pledge.objects.get(person=person, year=2024)
    assert list(pledge.items.order_by("position").values_list("content", flat=True)) == ["Một", "Hai", "Ba"]


def test_without_script_enter_saves_a_draft_instead_of_adding_a_row(browser, live_server):
    world = build_world()
    plan_save(organization=world.bloc, year=2024)
    person = world.people_a1[1]
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="vi-VN", java_script_enabled=False)
    page = context.new_page()
    page.base_url = live_server.url
    try:
        log_in(page, "a1_secretary")
        page.goto(page.base_url + f"/ca-nhan/{person.pk}/nam/2024/ke-hoach/")
        page.fill("[name=items-0-content]", "Đi làm đúng giờ")
        page.fill("[name=items-0-due_on]", "30/06/2024")
        page.locator("[name=items-0-target]").press("Enter")
        page.wait_for_url(f"**/to-chuc/{world.cell_a1.pk}/nam/2024/")
        pledge = Pledge.objects.get(person=person, year=2024)
        assert pledge.state == PledgeState.DRAFT
        assert pledge.items.get().due_on == datetime.date(2024, 6, 30)
    finally:
        context.close()


def test_a_date_that_cannot_exist_is_flagged_when_the_field_is_left(page):
    world = build_world()
    plan_save(organization=world.bloc, year=2024)
    log_in(page, "a1_secretary")
    page.goto(page.base_url + f"/ca-nhan/{world.people_a1[1].pk}/nam/2024/ke-hoach/")
    field = page.locator("[name=items-0-due_on]")
    field.press_sequentially("31022024")
    assert field.input_value() == "31/02/2024"
    page.keyboard.press("Tab")
    assert field.get_attribute("aria-invalid") == "true"
    assert "dd/mm/yyyy" in page.locator("#id_items-0-due_on_date_feedback").inner_text()
    field.fill("")
    field.press_sequentially("28022024")
    page.keyboard.press("Tab")
    assert field.get_attribute("aria-invalid") is None
    # Pasted the ISO way, it is written the Vietnamese way.
    field.fill("2024-03-05")
    assert field.input_value() == "05/03/2024"


def test_the_roster_filters_as_one_types(page):
    world = build_world()
    plan_save(organization=world.bloc, year=2024)
    log_in(page, "a1_secretary")
    rows = page.locator("#roster-results tbody tr")
    assert rows.count() == 3
    page.get_by_role("searchbox", name="Tìm theo tên").press_sequentially("binh")  # no Enter
    page.wait_for_function("() => document.querySelectorAll('#roster-results tbody tr').length === 1")
    assert world.people_a1[1].full_name in rows.first.inner_text()
    assert "q=binh" in page.url  # the address keeps the search (reload, back)
    assert "1 người có tên khớp “binh”" in page.locator("#roster-count").inner_text()


def test_the_year_end_evaluation_on_a_phone(page):
    """Full level names, targets a thumb can hit, the chosen level plainly marked."""
    world = build_world()
    plan_save(organization=world.bloc, year=2024)
    for person in world.people_a1[:2]:
        pledge = pledge_create(person=person, year=2024, items=[ItemInput("Đi làm đúng giờ")], submit=True)
        pledge_services.pledge_accept(pledge=pledge)
    page.set_viewport_size({"width": 390, "height": 844})
    log_in(page, "a1_secretary")
    page.goto(page.base_url + f"/to-chuc/{world.cell_a1.pk}/nam/2024/danh-gia-cuoi-nam/")
    card = page.locator(".eval-card", has_text=world.people_a1[0].full_name)
    labels = card.locator("label.eval-level")
    assert labels.all_inner_texts() == [str(label) for _value, label in Evaluation.choices]
    for index in range(labels.count()):
        label = labels.nth(index)
        box = label.bounding_box()
        assert box["height"] >= 44 and box["x"] >= 0 and box["x"] + box["width"] <= 390
        assert label.evaluate("e => e.scrollWidth <= e.clientWidth")  # nothing cut off
    card.get_by_text("Hoàn thành tốt nhiệm vụ", exact=True).click()
    assert card.get_by_role("radio", name="Hoàn thành tốt nhiệm vụ").is_checked()
    chosen, other = card.locator("label.eval-level-good"), card.locator("label.eval-level-excellent")
    background = "e => getComputedStyle(e).backgroundColor"
    assert chosen.evaluate(background) != other.evaluate(background)
    assert chosen.evaluate("e => getComputedStyle(e, '::before').content").startswith('"✓"')
    assert other.evaluate("e => getComputedStyle(e, '::before').content") in ("none", "normal")
    page.get_by_role("button", name="Lưu tất cả").click()
    page.wait_for_url(f"**/to-chuc/{world.cell_a1.pk}/nam/2024/")
    assert Pledge.objects.get(person=world.people_a1[0], year=2024).evaluation == "good"
    assert Pledge.objects.get(person=world.people_a1[1], year=2024).evaluation == ""
