"""A province's year from its own pages, on a fresh demo with the clock in the current year:
the clerk of Đảng ủy Sở Công Thương opens next year, writes its plan, founds a chi bộ and
makes its secretary's account; the secretary signs in, sets a password, adds a member and
enters the member's pledge; the bloc's reviewer sees it counted. No admin page, no shell."""

import datetime
import re
from importlib import import_module

import pytest
import time_machine
from django.apps import apps
from django.core.management import call_command
from django.utils import timezone

from committees.demo.province import TRADE_NAME
from committees.demo.users import DEMO_PASSWORD
from committees.formatting import number
from committees.models import Organization, YearOpening
from pledges.models import Pledge, PledgeState
from reports.statistics import REGISTERED_STATES
from tests.browser.conftest import log_in

pytestmark = pytest.mark.django_db(transaction=True)

NEW_PASSWORD = "Chi-bo-moi-2026!"


def present_day() -> datetime.datetime:
    """A working day of the real current year (the suite's clock is frozen in 2024 otherwise)."""
    real_year = datetime.datetime.fromtimestamp(time_machine.escape_hatch.time.time(), tz=datetime.UTC).year
    return datetime.datetime(real_year, 6, 16, 9, 0, tzinfo=datetime.UTC)


def restore_migration_rows() -> None:
    """A transactional test run before this one flushed the rows the migrations wrote (the
    Party's document types), which a real database always has and the demo needs."""
    import_module("pledges.migrations.0002_document_types").add_types(apps, None)


def sign_out(page) -> None:
    page.context.clear_cookies()


def test_clerk_opens_next_year_and_a_new_cell_reports_to_the_bloc(page):
    restore_migration_rows()
    with time_machine.travel(present_day(), tick=False):
        call_command("seed_demo", members=120, allow_demo_users=True, verbosity=0)
        this_year = timezone.localdate().year
        next_year = this_year + 1
        trade = Organization.objects.get(name=TRADE_NAME)

        # The clerk opens next year for its committee and writes the plan of that year.
        log_in(page, "vanthu", DEMO_PASSWORD)
        page.goto(page.base_url + f"/to-chuc/{trade.pk}/")
        page.get_by_role("link", name="Mở năm công tác").click()
        page.get_by_label("Năm công tác").select_option(str(next_year))
        page.get_by_role("button", name="Mở năm").click()
        page.wait_for_url("**/mo-nam/*/")
        assert f"Đã mở năm {next_year}" in page.content()
        assert YearOpening.objects.get(year=next_year, organization=trade).state == YearOpening.State.DONE
        page.get_by_role("link", name=f"Lập kế hoạch năm {next_year}").click()
        page.get_by_label("Chuyên đề năm mới").fill(f"Chuyên đề năm {next_year} về nêu gương")
        page.get_by_label("Hạn nộp bản đăng ký cá nhân").fill(f"{next_year}-04-20")
        page.get_by_role("button", name="Lưu kế hoạch").click()
        assert f"Đã lưu kế hoạch năm {next_year}" in page.content()

        # It founds a chi bộ and makes the account of its secretary.
        page.goto(page.base_url + f"/to-chuc/{trade.pk}/")
        page.get_by_role("button", name="Sắp xếp tổ chức").click()
        page.get_by_role("link", name="Thành lập tổ chức trực thuộc").click()
        page.get_by_label("Tên đầy đủ").fill("Chi bộ Phòng Kinh tế số")
        page.get_by_role("button", name=re.compile("Thành lập")).click()
        cell = Organization.objects.get(name="Chi bộ Phòng Kinh tế số")
        assert Organization.objects.get_parent(cell) == trade
        page.goto(page.base_url + f"/to-chuc/{trade.pk}/")
        page.get_by_role("link", name="Tài khoản").first.click()
        page.get_by_role("link", name="Thêm tài khoản").click()
        page.get_by_label("Họ và tên").fill("Đỗ Thị Lan")
        page.get_by_label("Tên đăng nhập").fill("dothilan.ktso")
        page.get_by_label("Tổ chức").select_option(str(cell.pk))
        page.get_by_label("Vai trò").select_option("secretary")
        page.get_by_role("button", name="Tạo tài khoản").click()
        temporary = page.locator("#temporary-password").inner_text().strip()
        assert temporary
        sign_out(page)

        # The new secretary signs in, must choose a password, then records the cell's work.
        log_in(page, "dothilan.ktso", temporary)
        page.wait_for_url("**/dat-mat-khau-moi/")
        page.locator("[name=new_password1]").fill(NEW_PASSWORD)
        page.locator("[name=new_password2]").fill(NEW_PASSWORD)
        page.get_by_role("button", name="Lưu mật khẩu mới").click()
        page.wait_for_url(f"**/to-chuc/{cell.pk}/nam/{this_year}/**")
        page.goto(page.base_url + f"/to-chuc/{cell.pk}/ca-nhan/them/")
        page.get_by_label("Họ và tên").fill("Vũ Văn Minh")
        page.get_by_label("Đối tượng").select_option("party_full")
        page.get_by_role("button", name="Lưu").click()
        page.goto(page.base_url + f"/to-chuc/{cell.pk}/nam/{this_year}/")
        page.locator("tr", has_text="Vũ Văn Minh").get_by_role("link", name="Nhập").click()
        page.locator("[name=items-0-content]").fill("Đúng giờ, tận tụy với công việc")
        page.get_by_role("button", name="Nộp bản đăng ký").click()
        page.wait_for_url(f"**/to-chuc/{cell.pk}/nam/{this_year}/")
        pledge = Pledge.objects.get(person__full_name="Vũ Văn Minh", year=this_year)
        assert pledge.state == PledgeState.SUBMITTED and pledge.organization == cell
        sign_out(page)

        # The bloc's reviewer sees the new cell and its pledge in this year's figures.
        log_in(page, "khoi", DEMO_PASSWORD)
        bloc = Organization.objects.get_parent(trade)
        page.goto(page.base_url + f"/to-chuc/{trade.pk}/nam/{this_year}/tong-quan/")
        row = page.locator("#children-table tr", has_text="Chi bộ Phòng Kinh tế số")
        assert row.count() == 1
        cells = [text.strip() for text in row.locator("th, td").all_inner_texts()]
        assert cells[1:3] == ["1", "1"], cells  # required, registered
        page.goto(page.base_url + f"/to-chuc/{bloc.pk}/nam/{this_year}/tong-quan/")
        trade_row = page.locator("#children-table tr", has_text=TRADE_NAME)
        registered = Pledge.objects.filter(
            kind=Pledge.Kind.PERSONAL,
            year=this_year,
            state__in=REGISTERED_STATES,
            organization__path__startswith=trade.path,
        )
        assert registered.filter(pk=pledge.pk).exists()
        # The committee's row on the bloc's dashboard counts every pledge of its subtree, the new cell's included.
        shown = trade_row.locator("th, td").nth(2).inner_text().strip()
        assert shown == number(registered.count())
