"""The named test world, reused everywhere.

    Tỉnh ủy (province)
    └── Đảng ủy Khối (bloc)                    reviewer: bloc_reviewer, clerk: bloc_clerk
        ├── Đảng ủy A (committee_a)             clerk: a_clerk
        │   ├── Chi bộ A1 (cell_a1)             secretary: a1_secretary
        │   └── Chi bộ A2 (cell_a2)             secretary: a2_secretary
        └── Đảng ủy B (committee_b)
            └── Chi bộ B1 (cell_b1)             secretary: b1_secretary
    outsider: a user with no role; admin: a superuser.
Years 2023 and 2024 are open; today is frozen at 15/03/2024 unless a test says otherwise.
"""

import datetime
from dataclasses import dataclass

import pytest
import time_machine

from committees import services
from committees.models import OrganizationKind, Role
from tests.factories import PersonFactory, UserFactory, grant, make_organization

TODAY = datetime.datetime(2024, 3, 15, 9, 0, tzinfo=datetime.UTC)


def pytest_addoption(parser):
    parser.addoption(
        "--faults",
        action="store_true",
        help="run only the fault tests (tests/faults: they stop and restart services; see `make test-faults`)",
    )


def pytest_collection_modifyitems(config, items):
    """The fault tests stop Redis and restart PostgreSQL: never part of an ordinary run,
    whatever -m or -k says, and run alone with --faults."""
    wanted = config.getoption("--faults")
    kept, dropped = [], []
    for item in items:
        (kept if bool(item.get_closest_marker("faults")) == wanted else dropped).append(item)
    if dropped:
        config.hook.pytest_deselected(items=dropped)
        items[:] = kept


@pytest.fixture(autouse=True)
def _frozen_today():
    with time_machine.travel(TODAY, tick=False):
        yield


@pytest.fixture(autouse=True)
def _media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture(autouse=True)
def _eager_celery(request):
    """Tasks run in-process, even when REDIS_URL is set, except in tests of real workers."""
    from config.celery import app

    if request.node.get_closest_marker("worker") or request.node.get_closest_marker("faults"):
        yield
        return
    previous = app.conf.task_always_eager, app.conf.task_eager_propagates
    app.conf.task_always_eager, app.conf.task_eager_propagates = True, True
    yield
    app.conf.task_always_eager, app.conf.task_eager_propagates = previous


@dataclass
class World:
    province: object
    bloc: object
    committee_a: object
    cell_a1: object
    cell_a2: object
    committee_b: object
    cell_b1: object
    bloc_reviewer: object
    bloc_clerk: object
    a_clerk: object
    a1_secretary: object
    a2_secretary: object
    b1_secretary: object
    outsider: object
    admin: object
    people_a1: list
    people_a2: list
    people_b1: list


def build_world() -> World:
    services.reporting_year_open(year=2023)
    services.reporting_year_open(year=2024)
    province = make_organization(None, name="Tỉnh ủy Thanh Hóa", kind=OrganizationKind.PROVINCIAL, issuer_code="TU")
    # The tree was recorded for 2023 and 2024 when the years opened: add the nodes to both.
    bloc = make_organization(
        province,
        name="Đảng ủy Khối các Cơ quan và Doanh nghiệp tỉnh",
        kind=OrganizationKind.UPPER_GRASSROOTS,
        issuer_code="ĐUK",
    )
    committee_a = make_organization(
        bloc, name="Đảng ủy Sở Công Thương", kind=OrganizationKind.GRASSROOTS, issuer_code="ĐU"
    )
    cell_a1 = make_organization(committee_a, name="Chi bộ Văn phòng Sở")
    cell_a2 = make_organization(committee_a, name="Chi bộ Phòng Quản lý Thương mại")
    committee_b = make_organization(
        bloc, name="Đảng ủy Sở Tài chính", kind=OrganizationKind.GRASSROOTS, issuer_code="ĐU"
    )
    cell_b1 = make_organization(committee_b, name="Chi bộ Phòng Ngân sách")
    users = {
        name: UserFactory(username=name)
        for name in (
            "bloc_reviewer",
            "bloc_clerk",
            "a_clerk",
            "a1_secretary",
            "a2_secretary",
            "b1_secretary",
            "outsider",
        )
    }
    grant(users["bloc_reviewer"], bloc, Role.REVIEWER)
    grant(users["bloc_clerk"], bloc, Role.CLERK)
    grant(users["a_clerk"], committee_a, Role.CLERK)
    grant(users["a1_secretary"], cell_a1, Role.SECRETARY)
    grant(users["a2_secretary"], cell_a2, Role.SECRETARY)
    grant(users["b1_secretary"], cell_b1, Role.SECRETARY)
    admin = UserFactory(username="admin", is_superuser=True, is_staff=True)
    people = {
        cell: [PersonFactory(organization=cell, full_name=f"Trần Thị {label}") for label in ("An", "Bình", "Chi")]
        for cell in (cell_a1, cell_a2, cell_b1)
    }
    return World(
        province=province,
        bloc=bloc,
        committee_a=committee_a,
        cell_a1=cell_a1,
        cell_a2=cell_a2,
        committee_b=committee_b,
        cell_b1=cell_b1,
        admin=admin,
        people_a1=people[cell_a1],
        people_a2=people[cell_a2],
        people_b1=people[cell_b1],
        **users,
    )


@pytest.fixture
def world(db) -> World:
    return build_world()


@pytest.fixture
def login(client):
    """Log a user in on the test client and return the client."""

    def _login(user):
        client.force_login(user)
        return client

    return _login
