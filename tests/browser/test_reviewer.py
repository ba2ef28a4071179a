import pytest

from pledges.services.plans import plan_save
from pledges.services.pledges import ItemInput, pledge_create
from tests.browser.conftest import log_in
from tests.conftest import build_world

pytestmark = pytest.mark.django_db(transaction=True)


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
