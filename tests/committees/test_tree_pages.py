"""The tree from the pages: a clerk founds, renames, moves, merges and dissolves the units of its
subtree. Each refusal comes back on the form, in Vietnamese, with nothing written; a unit founded
or moved on a date counts in the figures of the open years from that date on."""

import datetime

import pytest
import time_machine
from django.urls import reverse

from committees import services
from committees.models import (
    Membership,
    Organization,
    OrganizationEvent,
    OrganizationYear,
    Person,
)
from pledges.models import Pledge
from pledges.services import pledges as pledge_services
from pledges.services.pledges import ItemInput
from reports.statistics import organization_years_figures
from tests.factories import PersonFactory, make_organization

pytestmark = pytest.mark.django_db

D = datetime.date


def url(name: str, organization: Organization) -> str:
    return reverse(f"committees:{name}", args=[organization.pk])


def fresh(organization: Organization) -> Organization:
    return Organization.objects.get(pk=organization.pk)


def live_parent(organization: Organization) -> Organization | None:
    return Organization.objects.get_parent(fresh(organization))


def snapshot() -> tuple:
    """What a reorganization may write: the tree, its history, the year trees, people, records."""
    return (
        list(Organization.objects.order_by("pk").values_list()),
        list(OrganizationEvent.objects.order_by("pk").values_list()),
        list(OrganizationYear.objects.order_by("pk").values_list()),
        list(Person.objects.order_by("pk").values_list("pk", "organization_id", "left_on")),
        list(Membership.objects.order_by("pk").values_list()),
        list(Pledge.objects.order_by("pk").values_list("pk", "organization_id")),
    )


def assert_refused(client, name: str, organization: Organization, data: dict, message: str) -> None:
    """The form comes back (200) with the message, and nothing was written."""
    before = snapshot()
    response = client.post(url(name, organization), data)
    assert response.status_code == 200
    assert message in response.content.decode(), response.content.decode()
    assert snapshot() == before


def messages_of(response) -> list[str]:
    return [str(message) for message in response.context["messages"]] if response.context else []


@pytest.fixture
def clerk(login, world):
    """The clerk of committee A, signed in."""
    return login(world.a_clerk)


@pytest.fixture
def unit_with_child(world):
    """A đảng bộ bộ phận of committee A with a chi bộ of its own."""
    sub = make_organization(world.committee_a, name="Đảng bộ bộ phận Khối Văn phòng", kind="sub")
    child = make_organization(sub, name="Chi bộ Tổ Tổng hợp")
    return sub, child


@pytest.fixture
def dissolved(world):
    empty = make_organization(world.committee_a, name="Chi bộ đã giải thể")
    services.organization_dissolve(organization=empty, on=D(2024, 2, 1))
    return fresh(empty)


# --- the organization page ----------------------------------------------------------------------


def test_the_organization_page_offers_what_the_user_may_do(login, world):
    client = login(world.a_clerk)
    page = client.get(url("organization_detail", world.cell_a1)).content.decode()
    for name in ("organization_create", "organization_rename", "organization_move", "organization_merge"):
        assert url(name, world.cell_a1) in page
    assert url("organization_dissolve", world.cell_a1) in page
    # On its own organization the clerk founds units, but does not reorganize it.
    page = client.get(url("organization_detail", world.committee_a)).content.decode()
    assert url("organization_create", world.committee_a) in page
    assert url("organization_rename", world.committee_a) not in page
    assert url("organization_move", world.committee_a) not in page

    page = login(world.a1_secretary).get(url("organization_detail", world.cell_a1)).content.decode()
    assert "Sắp xếp tổ chức" not in page


def test_the_organization_page_lists_the_dated_events_with_renames(clerk, world):
    services.organization_rename(organization=world.cell_a1, name="Chi bộ Văn phòng Sở Công Thương")
    services.organization_move(organization=world.cell_a1, new_parent=world.cell_a2, on=D(2024, 3, 1))
    page = clerk.get(url("organization_detail", world.cell_a1)).content.decode()
    assert "Lịch sử sắp xếp tổ chức" in page
    assert "15/03/2024 · Đổi tên: Chi bộ Văn phòng Sở → Chi bộ Văn phòng Sở Công Thương" in page
    assert "01/03/2024 · Chuyển trực thuộc từ Đảng ủy Sở Công Thương → Chi bộ Phòng Quản lý Thương mại" in page


# --- access ------------------------------------------------------------------------------------

PAGES = [
    "organization_create",
    "organization_rename",
    "organization_move",
    "organization_merge",
    "organization_dissolve",
]
REORGANIZE = PAGES[1:]


@pytest.mark.parametrize("name", PAGES)
def test_out_of_scope_is_404_and_without_organize_403(login, world, name):
    assert login(world.a_clerk).get(url(name, world.cell_b1)).status_code == 404
    assert login(world.a_clerk).post(url(name, world.cell_b1), {"name": "X"}).status_code == 404
    assert login(world.bloc_reviewer).get(url(name, world.cell_a1)).status_code == 403
    assert login(world.a1_secretary).get(url(name, world.cell_a1)).status_code == 403


@pytest.mark.parametrize("name", REORGANIZE)
def test_a_clerk_does_not_reorganize_its_own_organization(login, world, name):
    before = snapshot()
    client = login(world.a_clerk)
    assert client.get(url(name, world.committee_a)).status_code == 403
    data = {"name": "Đảng ủy khác", "new_parent": world.cell_a1.pk, "target": world.cell_a1.pk}
    data |= {"effective_on": "2024-03-01", "confirm": "on"}
    assert client.post(url(name, world.committee_a), data).status_code == 403
    # ...which its superiors' clerk may; a root only the superuser.
    assert login(world.bloc_clerk).get(url(name, world.committee_a)).status_code == 200
    assert login(world.bloc_clerk).get(url(name, world.bloc)).status_code == 403
    assert login(world.admin).get(url(name, world.province)).status_code == 200
    assert snapshot() == before


@pytest.mark.parametrize("name", REORGANIZE)
def test_a_dissolved_unit_is_not_reorganized(clerk, dissolved, name):
    assert clerk.get(url(name, dissolved)).status_code == 403


@pytest.mark.parametrize("name", PAGES)
def test_a_get_writes_nothing(clerk, world, name):
    before = snapshot()
    response = clerk.get(url(name, world.cell_a2))
    assert response.status_code == 200
    assert 'method="post"' in response.content.decode()
    assert snapshot() == before


# --- found -------------------------------------------------------------------------------------


def create_data(**overrides) -> dict:
    data = {
        "name": "Chi bộ  Phòng Kế hoạch ",
        "short_name": "CB KH",
        "kind": "cell",
        "issuer_code": "CB",
        "place_name": "Thanh Hoá",
        "founded_on": "2024-02-01",
    }
    return data | overrides


def test_found_a_unit(clerk, world):
    response = clerk.post(url("organization_create", world.committee_a), create_data())
    assert response.status_code == 302
    assert response.url == url("organization_detail", world.committee_a)
    unit = Organization.objects.get(name="Chi bộ Phòng Kế hoạch")
    assert live_parent(unit) == world.committee_a
    assert (unit.short_name, unit.kind, unit.founded_on) == ("CB KH", "cell", D(2024, 2, 1))
    event = OrganizationEvent.objects.get(organization=unit)
    assert (event.kind, event.effective_on, event.to_organization, event.by) == (
        OrganizationEvent.Kind.CREATE,
        D(2024, 2, 1),
        world.committee_a,
        world.a_clerk,
    )
    page = clerk.get(response.url)
    assert "Đã thành lập “Chi bộ Phòng Kế hoạch”." in messages_of(page)
    assert "Chi bộ Phòng Kế hoạch" in page.content.decode()


def test_found_a_unit_under_a_unit_below(clerk, world):
    response = clerk.post(url("organization_create", world.cell_a1), create_data(name="Tổ đảng 1", kind="cell"))
    assert response.status_code == 302
    assert live_parent(Organization.objects.get(name="Tổ đảng 1")) == world.cell_a1


def test_found_the_form_shows_sensible_defaults(clerk, world):
    form = clerk.get(url("organization_create", world.committee_a)).context["form"]
    assert form["kind"].value() == "cell"
    assert form["place_name"].value() == "Thanh Hoá"
    assert form["founded_on"].value() == D(2024, 3, 15)


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"name": "   "}, "Hãy nhập tên tổ chức."),
        ({"founded_on": ""}, "Hãy nhập ngày."),
        ({"founded_on": "31/02/2024"}, "Ngày không hợp lệ"),
        ({"founded_on": "2026-01-01"}, "Ngày không được sau năm 2025."),
        ({"kind": "chi-bo"}, "Hãy chọn loại tổ chức trong danh sách."),
    ],
)
def test_found_refuses_bad_input(clerk, world, overrides, message):
    assert_refused(clerk, "organization_create", world.committee_a, create_data(**overrides), message)


def test_found_refuses_a_date_in_a_closed_year(clerk, world):
    services.reporting_year_close(year=2023)
    data = create_data(founded_on="2023-06-01")
    assert_refused(clerk, "organization_create", world.committee_a, data, "Năm 2023 đã khóa sổ")
    # The form comes back filled.
    response = clerk.post(url("organization_create", world.committee_a), data)
    assert response.context["form"]["name"].value() == "Chi bộ  Phòng Kế hoạch "


# --- rename ------------------------------------------------------------------------------------


def rename_data(**overrides) -> dict:
    return {
        "name": "Chi bộ Văn phòng Sở Công Thương",
        "short_name": "CBVP",
        "issuer_code": "CB",
        "place_name": "Thanh Hoá",
    } | overrides


def test_rename(clerk, world):
    form = clerk.get(url("organization_rename", world.cell_a1)).context["form"]
    assert form["name"].value() == "Chi bộ Văn phòng Sở"
    response = clerk.post(url("organization_rename", world.cell_a1), rename_data())
    assert response.status_code == 302
    assert response.url == url("organization_detail", world.cell_a1)
    cell = fresh(world.cell_a1)
    assert (cell.name, cell.short_name) == ("Chi bộ Văn phòng Sở Công Thương", "CBVP")
    event = OrganizationEvent.objects.get(organization=cell, kind=OrganizationEvent.Kind.RENAME)
    assert event.details == "Chi bộ Văn phòng Sở → Chi bộ Văn phòng Sở Công Thương; tên viết tắt: – → CBVP"
    assert event.by == world.a_clerk
    page = clerk.get(response.url)
    assert "Đã đổi tên “Chi bộ Văn phòng Sở” thành “Chi bộ Văn phòng Sở Công Thương”." in messages_of(page)


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"name": ""}, "Hãy nhập tên tổ chức."),
        ({"name": "  "}, "Hãy nhập tên tổ chức."),
        ({"name": "Chi bộ Văn phòng Sở", "short_name": ""}, "Không có thay đổi nào"),
    ],
)
def test_rename_refuses_bad_input(clerk, world, overrides, message):
    assert_refused(clerk, "organization_rename", world.cell_a1, rename_data(**overrides), message)


# --- move --------------------------------------------------------------------------------------


def test_move(clerk, world, unit_with_child):
    sub, child = unit_with_child
    form = clerk.get(url("organization_move", world.cell_a1)).context["form"]
    offered = set(form.fields["new_parent"].queryset)
    # Where the clerk may organize, active, not the unit, not below it, not its parent already.
    assert offered == {world.cell_a2, sub, child}
    response = clerk.post(url("organization_move", world.cell_a1), {"new_parent": sub.pk, "effective_on": "2024-03-01"})
    assert response.status_code == 302
    assert response.url == url("organization_detail", world.cell_a1)
    assert live_parent(world.cell_a1) == sub
    event = OrganizationEvent.objects.get(organization=world.cell_a1, kind=OrganizationEvent.Kind.MOVE)
    assert (event.from_parent, event.to_organization, event.effective_on, event.by) == (
        world.committee_a,
        sub,
        D(2024, 3, 1),
        world.a_clerk,
    )
    assert OrganizationYear.objects.get(organization=world.cell_a1, year=2024).parent == sub
    assert OrganizationYear.objects.get(organization=world.cell_a1, year=2023).parent == world.committee_a


def test_move_offers_its_units_as_a_tree(clerk, world, unit_with_child):
    sub, child = unit_with_child
    page = clerk.get(url("organization_move", world.cell_a1)).content.decode()
    indent = "\u00a0" * 4
    assert f'<option value="{sub.pk}">{indent}{sub.name}</option>' in page
    assert f'<option value="{child.pk}">{indent * 2}{child.name}</option>' in page


def test_move_into_its_own_subtree_or_itself_is_refused(clerk, world, unit_with_child):
    sub, child = unit_with_child
    message = "Không thể chuyển một tổ chức vào chính nó hoặc vào tổ chức trực thuộc nó."
    for target in (child, sub):
        data = {"new_parent": target.pk, "effective_on": "2024-03-01"}
        assert_refused(clerk, "organization_move", sub, data, message)


@pytest.mark.parametrize(
    ("target", "date", "message"),
    [
        ("dissolved", "2024-03-01", "“Chi bộ đã giải thể” đã giải thể: không thể nhận tổ chức trực thuộc."),
        ("cell_b1", "2024-03-01", "Tổ chức này không thuộc phạm vi bạn được sắp xếp."),
        ("bloc", "2024-03-01", "Tổ chức này không thuộc phạm vi bạn được sắp xếp."),
        ("unknown", "2024-03-01", "Tổ chức này không thuộc phạm vi bạn được sắp xếp."),
        ("", "2024-03-01", "Hãy chọn tổ chức."),
        ("committee_a", "2024-03-01", "“Chi bộ Văn phòng Sở” đã trực thuộc “Đảng ủy Sở Công Thương”."),
        ("cell_a2", "", "Hãy nhập ngày."),
        ("cell_a2", "1999-12-31", "Ngày phải trong các năm từ 2000 đến 2025."),
    ],
)
def test_move_refuses_bad_input(clerk, world, dissolved, target, date, message):
    targets = {"dissolved": dissolved.pk, "unknown": 999999, "": ""}
    new_parent = targets[target] if target in targets else getattr(world, target).pk
    data = {"new_parent": new_parent, "effective_on": date}
    assert_refused(clerk, "organization_move", world.cell_a1, data, message)


def test_move_refuses_a_date_in_a_closed_year(clerk, world):
    services.reporting_year_close(year=2023)
    data = {"new_parent": world.cell_a2.pk, "effective_on": "2023-12-01"}
    assert_refused(clerk, "organization_move", world.cell_a1, data, "Năm 2023 đã khóa sổ")


def test_the_bloc_clerk_moves_a_unit_across_its_committees(login, world):
    client = login(world.bloc_clerk)
    data = {"new_parent": world.committee_b.pk, "effective_on": "2024-03-01"}
    assert client.post(url("organization_move", world.cell_a2), data).status_code == 302
    assert live_parent(world.cell_a2) == world.committee_b


# --- merge -------------------------------------------------------------------------------------


def test_merge(clerk, world):
    page = clerk.get(url("organization_merge", world.cell_a2)).content.decode()
    assert "3 cá nhân đang sinh hoạt" in page
    assert "0 tổ chức trực thuộc còn hoạt động" in page
    response = clerk.post(
        url("organization_merge", world.cell_a2), {"target": world.cell_a1.pk, "effective_on": "2024-03-01"}
    )
    assert response.status_code == 302
    assert response.url == url("organization_detail", world.cell_a2)
    cell_a2 = fresh(world.cell_a2)
    assert (cell_a2.dissolved_on, cell_a2.merged_into) == (D(2024, 3, 1), world.cell_a1)
    assert Person.objects.filter(organization=world.cell_a1).count() == 6
    assert not Person.objects.filter(organization=cell_a2).exists()
    event = OrganizationEvent.objects.get(organization=cell_a2, kind=OrganizationEvent.Kind.MERGE)
    assert (event.to_organization, event.effective_on, event.by) == (world.cell_a1, D(2024, 3, 1), world.a_clerk)
    page = clerk.get(response.url)
    assert "Đã sáp nhập “Chi bộ Phòng Quản lý Thương mại” vào “Chi bộ Văn phòng Sở”." in messages_of(page)


def test_merge_moves_the_units_along(clerk, world, unit_with_child):
    sub, child = unit_with_child
    response = clerk.post(url("organization_merge", sub), {"target": world.cell_a1.pk, "effective_on": "2024-03-01"})
    assert response.status_code == 302
    assert live_parent(child) == world.cell_a1
    assert fresh(sub).is_dissolved


@pytest.mark.parametrize(
    ("target", "message"),
    [
        ("itself", "Không thể sáp nhập một tổ chức vào chính nó."),
        ("child", "Không thể sáp nhập một tổ chức vào tổ chức trực thuộc nó."),
        ("dissolved", "Không thể sáp nhập vào “Chi bộ đã giải thể” vì tổ chức này đã giải thể."),
        ("cell_b1", "Tổ chức này không thuộc phạm vi bạn được sắp xếp."),
        ("province", "Tổ chức này không thuộc phạm vi bạn được sắp xếp."),
    ],
)
def test_merge_refuses_bad_input(clerk, world, unit_with_child, dissolved, target, message):
    sub, child = unit_with_child
    targets = {"itself": sub, "child": child, "dissolved": dissolved}
    organization = targets.get(target) or getattr(world, target)
    data = {"target": organization.pk, "effective_on": "2024-03-01"}
    assert_refused(clerk, "organization_merge", sub, data, message)


def test_merge_refuses_a_date_in_a_closed_year(clerk, world):
    services.reporting_year_close(year=2023)
    data = {"target": world.cell_a1.pk, "effective_on": "2023-12-31"}
    assert_refused(clerk, "organization_merge", world.cell_a2, data, "Năm 2023 đã khóa sổ")


# --- dissolve ----------------------------------------------------------------------------------


def test_dissolve(clerk, world):
    empty = make_organization(world.committee_a, name="Chi bộ Tạm thời")
    page = clerk.get(url("organization_dissolve", empty)).content.decode()
    assert "Tổ chức giải thể được lưu trữ, không bị xóa" in page
    response = clerk.post(url("organization_dissolve", empty), {"effective_on": "2024-03-01", "confirm": "on"})
    assert response.status_code == 302
    assert response.url == url("organization_detail", empty)
    assert fresh(empty).dissolved_on == D(2024, 3, 1)
    event = OrganizationEvent.objects.get(organization=empty, kind=OrganizationEvent.Kind.DISSOLVE)
    assert (event.effective_on, event.by) == (D(2024, 3, 1), world.a_clerk)
    # It stays in 2024's tree, the year it was dissolved in.
    assert OrganizationYear.objects.filter(organization=empty, year=2024).exists()
    assert "Đã giải thể “Chi bộ Tạm thời”." in messages_of(clerk.get(response.url))


def test_dissolve_refuses_a_unit_with_people(clerk, world):
    page = clerk.get(url("organization_dissolve", world.cell_a1)).content.decode()
    assert "3 cá nhân đang sinh hoạt" in page
    data = {"effective_on": "2024-03-01", "confirm": "on"}
    assert_refused(
        clerk, "organization_dissolve", world.cell_a1, data, "“Chi bộ Văn phòng Sở” còn cá nhân đang sinh hoạt"
    )


def test_dissolve_refuses_a_unit_with_units(clerk, world, unit_with_child):
    sub, _child = unit_with_child
    data = {"effective_on": "2024-03-01", "confirm": "on"}
    assert_refused(clerk, "organization_dissolve", sub, data, "còn tổ chức trực thuộc: hãy chuyển hoặc giải thể")


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"effective_on": "2024-03-01"}, "Hãy đánh dấu xác nhận giải thể."),
        ({"effective_on": "", "confirm": "on"}, "Hãy nhập ngày."),
    ],
)
def test_dissolve_refuses_bad_input(clerk, world, data, message):
    empty = make_organization(world.committee_a, name="Chi bộ Tạm thời")
    assert_refused(clerk, "organization_dissolve", empty, data, message)


def test_dissolve_refuses_a_date_in_a_closed_year(clerk, world):
    empty = make_organization(world.committee_a, name="Chi bộ Tạm thời")
    services.reporting_year_close(year=2023)
    data = {"effective_on": "2023-12-31", "confirm": "on"}
    assert_refused(clerk, "organization_dissolve", empty, data, "Năm 2023 đã khóa sổ")


# --- the tree of each year, and its figures ------------------------------------------------------


def test_a_unit_founded_in_2024_counts_in_2024_and_not_in_2023(clerk, world):
    response = clerk.post(url("organization_create", world.committee_a), create_data(founded_on="2024-02-01"))
    assert response.status_code == 302
    unit = Organization.objects.get(name="Chi bộ Phòng Kế hoạch")
    # Placed by the founding itself, before anything reads the figures (which would repair the trees).
    assert {row.year: row.parent for row in OrganizationYear.objects.filter(organization=unit)} == {
        2024: world.committee_a
    }
    person = PersonFactory(organization=unit, full_name="Hoàng Văn Mới", joined_on=D(2024, 2, 1))
    pledge_services.pledge_create(person=person, year=2024, items=[ItemInput("Tiết kiệm điện")], submit=True)

    own = organization_years_figures(organization=unit, years=[2023, 2024])
    assert own[2023] is None  # not in the tree of 2023
    assert (own[2024].people_total, own[2024].pledges_total) == (1, 1)

    committee = organization_years_figures(organization=world.committee_a, years=[2023, 2024])
    assert [child.name for child in committee[2024].children] == [world.cell_a1.name, world.cell_a2.name, unit.name]
    assert (committee[2024].cells, committee[2024].people_total, committee[2024].pledges_total) == (3, 7, 1)
    assert [child.name for child in committee[2023].children] == [world.cell_a1.name, world.cell_a2.name]
    assert (committee[2023].cells, committee[2023].pledges_total) == (2, 0)


def test_a_unit_moved_in_2024_counts_under_its_new_parent_in_2024_and_the_old_one_in_2023(login, world):
    a2_person = world.people_a2[0]
    with time_machine.travel(datetime.datetime(2023, 3, 1, tzinfo=datetime.UTC), tick=False):
        pledge_services.pledge_create(person=a2_person, year=2023, items=[ItemInput("Một")], submit=True)
    pledge_services.pledge_create(person=a2_person, year=2024, items=[ItemInput("Hai")], submit=True)

    client = login(world.bloc_clerk)
    data = {"new_parent": world.committee_b.pk, "effective_on": "2024-01-15"}
    assert client.post(url("organization_move", world.cell_a2), data).status_code == 302
    rows = OrganizationYear.objects.filter(organization=world.cell_a2)
    assert {row.year: row.parent for row in rows} == {2023: world.committee_a, 2024: world.committee_b}

    a = organization_years_figures(organization=world.committee_a, years=[2023, 2024])
    b = organization_years_figures(organization=world.committee_b, years=[2023, 2024])
    # 2023: cell A2 still under committee A, with its pledge of 2023.
    assert world.cell_a2.name in [child.name for child in a[2023].children]
    assert (a[2023].cells, a[2023].pledges_total, b[2023].cells, b[2023].pledges_total) == (2, 1, 1, 0)
    # 2024: under committee B, with its people and its pledge of 2024.
    assert world.cell_a2.name not in [child.name for child in a[2024].children]
    assert [child.name for child in b[2024].children] == [world.cell_b1.name, world.cell_a2.name]
    assert (a[2024].cells, a[2024].people_total, a[2024].pledges_total) == (1, 3, 0)
    assert (b[2024].cells, b[2024].people_total, b[2024].pledges_total) == (2, 6, 1)
