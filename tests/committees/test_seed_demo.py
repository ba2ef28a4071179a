"""The demo province command. These tests build their own data: the world fixture opens years
that the command would find already there."""

import math
from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command
from django.test import RequestFactory

from committees.demo import province
from committees.demo.users import DEMO_PASSWORD, DEMO_USERS
from committees.models import (
    CELL_KINDS,
    Membership,
    Organization,
    OrganizationYear,
    Person,
    ReportingYear,
    Role,
    RoleAssignment,
    subtree_q,
)
from pledges.models import Pledge

pytestmark = pytest.mark.django_db

User = get_user_model()


def seed(*args: str) -> str:
    out = StringIO()
    call_command("seed_demo", *args, stdout=out)
    return out.getvalue()


def counts() -> dict[str, int]:
    return {
        "organizations": Organization.objects.count(),
        "people": Person.objects.count(),
        "memberships": Membership.objects.count(),
        "years": OrganizationYear.objects.count(),
        "reporting_years": ReportingYear.objects.count(),
        "users": User.objects.count(),
        "roles": RoleAssignment.objects.count(),
        "pledges": Pledge.objects.count(),
    }


def roles_of(username: str) -> set[tuple[str, str]]:
    return set(RoleAssignment.objects.filter(user__username=username).values_list("role", "organization__name"))


def test_refused_without_debug_or_allow_flag(settings):
    settings.DEBUG = False
    with pytest.raises(CommandError, match="--allow-demo-users"):
        seed("--members", "200")
    assert not Organization.objects.exists()
    assert not User.objects.exists()


def test_refuses_a_non_positive_member_count(settings):
    settings.DEBUG = True
    with pytest.raises(CommandError, match="--members"):
        seed("--members", "0", "--no-users")
    assert not Organization.objects.exists()


def test_builds_the_province_with_demo_users(settings, client):
    settings.DEBUG = False
    output = seed("--members", "200", "--allow-demo-users")
    assert "Built the demo province" in output
    assert DEMO_PASSWORD in output

    assert roles_of("khoi") == {(Role.REVIEWER, province.BLOC_NAME)}
    assert roles_of("vanthukhoi") == {(Role.CLERK, province.BLOC_NAME)}
    assert roles_of("vanthu") == {(Role.CLERK, province.TRADE_NAME)}
    assert roles_of("bithu") == {(Role.SECRETARY, province.SECRETARY_CELL_NAME)}
    assert province.TRADE_NAME == "Đảng ủy Sở Công Thương"
    assert province.SECRETARY_CELL_NAME == "Chi bộ Văn phòng Sở Công Thương"

    admin = User.objects.get(username="admin")
    assert admin.is_superuser and admin.is_staff
    # django-axes checks each authenticate() against the request it comes with.
    for username in ("admin", *DEMO_USERS):
        user = User.objects.get(username=username)
        assert user.has_usable_password()
        request = RequestFactory().post("/dang-nhap/")
        assert client.login(request=request, username=username, password=DEMO_PASSWORD), username
        client.logout()
    assert not client.login(request=RequestFactory().post("/dang-nhap/"), username="khoi", password="sai-mat-khau")

    # the secretary is a member of the cell they lead
    bithu = User.objects.get(username="bithu")
    assert bithu.person.organization.name == province.SECRETARY_CELL_NAME
    assert bithu.person.full_name == "Nguyễn Văn Hùng"


def test_people_and_cells_follow_the_member_count(settings):
    settings.DEBUG = False
    seed("--members", "200", "--no-users")
    assert Person.objects.count() == 200
    cells = Organization.objects.filter(kind__in=CELL_KINDS)
    named_cells = len(province._cells(province._named_tree()))
    # about 20 people per chi bộ: the named tree already holds more cells than 200 people need
    assert cells.count() == max(named_cells, math.ceil(200 / province.PEOPLE_PER_CELL))
    assert cells.count() >= 10
    root = Organization.objects.get(depth=1)
    assert root.name == province.ROOT_NAME
    assert Organization.objects.filter(subtree_q(root.path)).count() == Organization.objects.count()
    problems = Organization.objects.find_problems()
    assert all(items == [] for items in problems)


def test_a_bigger_province_grows_generated_cells(settings):
    settings.DEBUG = False
    members = 1000
    seed("--members", str(members), "--no-users")
    assert Person.objects.count() == members
    cells = Organization.objects.filter(kind__in=CELL_KINDS).count()
    assert cells >= math.ceil(members / province.PEOPLE_PER_CELL)
    per_cell = Person.objects.count() / cells
    assert 15 <= per_cell <= 25


def test_years_and_the_replayed_merge(settings):
    settings.DEBUG = False
    seed("--members", "200", "--no-users")
    years = dict(ReportingYear.objects.values_list("year", "is_closed"))
    assert years == {2022: True, 2023: True, 2024: False}
    merged = Organization.objects.get(name=province.MERGED_CELL_NAME)
    assert merged.is_dissolved
    assert merged.merged_into.name == "Chi bộ Phòng Quản lý Thương mại"
    names_by_year = {
        year: set(OrganizationYear.objects.filter(year=year).values_list("organization__name", flat=True))
        for year in (2022, 2023, 2024)
    }
    assert province.MERGED_CELL_NAME in names_by_year[2022]
    assert province.MERGED_CELL_NAME in names_by_year[2023]  # it existed until mid-2023
    assert province.MERGED_CELL_NAME not in names_by_year[2024]
    assert not Person.objects.filter(organization=merged, left_on__isnull=True).exists()


def test_running_twice_creates_nothing_new(settings):
    settings.DEBUG = False
    seed("--members", "200", "--allow-demo-users")
    first = counts()
    output = seed("--members", "200", "--allow-demo-users")
    assert "already present" in output
    assert counts() == first


def test_running_again_resets_the_demo_password(settings, client):
    settings.DEBUG = False
    seed("--members", "200", "--allow-demo-users")
    user = User.objects.get(username="khoi")
    user.set_password("mat-khau-khac")
    user.save()
    seed("--members", "200", "--allow-demo-users")
    assert client.login(request=RequestFactory().post("/dang-nhap/"), username="khoi", password=DEMO_PASSWORD)


def test_no_users_creates_no_users(settings):
    settings.DEBUG = False
    output = seed("--members", "200", "--no-users")
    assert not User.objects.exists()
    assert not RoleAssignment.objects.exists()
    assert "Demo users" not in output
    assert Person.objects.count() == 200


def test_debug_allows_demo_users_without_the_flag(settings):
    settings.DEBUG = True
    seed("--members", "200")
    assert set(DEMO_USERS) <= set(User.objects.values_list("username", flat=True))
