"""API test helpers: clients authenticated as a world user, and one record of each kind on
each side of the scope line (cell_a1 inside a1_secretary's scope, cell_b1 outside it)."""

import datetime
from dataclasses import dataclass

import pytest
from rest_framework.test import APIClient

from committees.models import Membership, Person
from pledges.models import Commendation, Exemplar, Pledge, PledgeItem, StudySession
from pledges.services import pledges as pledge_services
from pledges.services import records as record_services
from pledges.services.plans import plan_save
from reports import services as report_services
from reports.models import Report, ReportRender

ITEMS = [
    pledge_services.ItemInput(content="Đi làm đúng giờ, không bỏ vị trí công tác", area="workplace"),
    pledge_services.ItemInput(content="Tiết kiệm điện, nước, văn phòng phẩm", area="thrift", target="Giảm 10%"),
]
COUNTED = (Person, Membership, Pledge, PledgeItem, StudySession, Exemplar, Commendation, Report, ReportRender)


@pytest.fixture
def api():
    """A fresh API client authenticated as `user` (anonymous when None)."""

    def _api(user=None) -> APIClient:
        client = APIClient()
        if user is not None:
            client.force_authenticate(user)
        return client

    return _api


def url(path: str) -> str:
    return f"/api/v1/{path}"


def make_pledge(person, *, year=2024, submit=False, items=ITEMS):
    return pledge_services.pledge_create(person=person, year=year, items=list(items), submit=submit)


def counts() -> dict[str, int]:
    """Rows of every model the API writes: compared before and after a refused request."""
    return {model.__name__: model.objects.count() for model in COUNTED}


@dataclass
class Side:
    """The records of one cell."""

    organization: object
    person: object
    draft: object  # a draft pledge of `person`
    submitted: object  # a submitted pledge of another member
    session: object
    exemplar: object
    commendation: object
    report: object
    render: object


def build_side(organization, people) -> Side:
    session = record_services.session_create(
        organization=organization,
        data=record_services.SessionInput(
            held_on=datetime.date(2024, 3, 1),
            kind="study",
            topic="Quán triệt chuyên đề năm 2024",
            attendee_ids=[people[0].pk, people[1].pk],
            extra_others=2,
        ),
    )
    report = report_services.report_open(organization=organization, year=2024)
    return Side(
        organization=organization,
        person=people[0],
        draft=make_pledge(people[0]),
        submitted=make_pledge(people[1], submit=True),
        session=session,
        exemplar=record_services.exemplar_save(
            organization=organization, year=2024, name="Mô hình “Dân vận khéo”", status="registered", people=[people[0]]
        ),
        commendation=record_services.commendation_save(
            organization=organization,
            data=record_services.CommendationInput(year=2024, form="praise", recipient_person=people[0]),
        ),
        report=report,
        render=ReportRender.objects.create(report=report, format="pdf"),
    )


@dataclass
class Records:
    inside: Side  # cell_a1: a1_secretary's own cell
    outside: Side  # cell_b1


@pytest.fixture
def records(world) -> Records:
    plan_save(organization=world.bloc, year=2024)
    return Records(
        inside=build_side(world.cell_a1, world.people_a1), outside=build_side(world.cell_b1, world.people_b1)
    )
