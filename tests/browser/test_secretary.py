import pytest

from pledges.models import Pledge, PledgeState
from pledges.services.plans import plan_save
from tests.browser.conftest import log_in
from tests.conftest import build_world

pytestmark = pytest.mark.django_db(transaction=True)


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
    page.fill("[name=held_on]", "2024-03-12")
    page.get_by_label("Sinh hoạt chuyên đề hàng quý").check()
    page.fill("[name=topic]", "Sinh hoạt chuyên đề quý I")
    page.locator("[data-check-all]").click()
    page.get_by_label(world.people_a1[2].full_name).uncheck()
    page.locator("button[type=submit].btn-party").click()
    page.wait_for_url("**/hoc-tap/*/")
    session = StudySession.objects.get()
    assert set(session.attendees.values_list("pk", flat=True)) == {world.people_a1[0].pk, world.people_a1[1].pk}
    assert "Sinh hoạt chuyên đề quý I" in page.content()
