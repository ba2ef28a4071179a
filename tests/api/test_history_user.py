"""Every write names its author in the history, through the page, the API or a job.

Pages and the API have a request the history middleware reads the user from; a job or a
command has none, so the services stamp the author they are given (`by`) themselves."""

import datetime

from rest_framework.test import APIClient

from pledges.models import StudySession
from pledges.services import pledges as pledge_services
from pledges.services.records import SessionInput, session_create
from tests.api.conftest import url
from tests.api.test_records import session_body
from tests.factories import api_token


def test_a_session_created_with_a_token_names_its_author_in_the_history(world):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {api_token(world.a1_secretary)}")
    response = client.post(url("sessions/"), session_body(world), format="json")
    assert response.status_code == 201
    assert StudySession.objects.get().history.earliest().history_user == world.a1_secretary


def test_services_called_outside_a_request_stamp_their_author(world):
    session = session_create(
        organization=world.cell_a1,
        data=SessionInput(held_on=datetime.date(2024, 3, 1), kind="study", topic="Học tập"),
        by=world.a1_secretary,
    )
    assert session.history.earliest().history_user == world.a1_secretary
    pledge = pledge_services.pledge_create(
        person=world.people_a1[0], year=2024, items=[pledge_services.ItemInput("Việc")], by=world.a1_secretary
    )
    pledge_services.pledge_submit(pledge=pledge, by=world.a2_secretary)
    assert [row.history_user for row in pledge.history.order_by("history_id")] == [
        world.a1_secretary,
        world.a2_secretary,
    ]
