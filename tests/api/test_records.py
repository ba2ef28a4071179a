"""Study sessions with attendance, exemplars and commendations through the API."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from pledges.models import Commendation, Exemplar, StudySession
from pledges.services import records as services
from tests.api.conftest import counts, url


def session_body(world, **change) -> dict:
    return {
        "organization": world.cell_a1.pk,
        "held_on": "2024-03-10",
        "kind": "thematic",
        "topic": "Sinh hoạt chuyên đề quý I",
        "attendee_ids": [world.people_a1[0].pk, world.people_a1[1].pk],
        "extra_union_members": 4,
        **change,
    }


def test_session_with_ticked_attendees_and_head_counts(world, api):
    client = api(world.a1_secretary)
    response = client.post(url("sessions/"), session_body(world), format="json")
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["year"] == 2024 and body["kind"] == "thematic"
    assert sorted(a["id"] for a in body["attendees"]) == sorted(p.pk for p in world.people_a1[:2])
    assert body["attendance_total"] == 6
    session = StudySession.objects.get(pk=body["id"])
    assert session.created_by == world.a1_secretary

    update = {k: v for k, v in session_body(world, attendee_ids=[world.people_a1[2].pk]).items() if k != "organization"}
    response = client.put(url(f"sessions/{session.pk}/"), update, format="json")
    assert response.status_code == 200, response.content
    assert [a["id"] for a in response.json()["attendees"]] == [world.people_a1[2].pk]
    # The organization of a session is not changed by an update.
    response = client.put(url(f"sessions/{session.pk}/"), {**update, "organization": world.cell_a2.pk}, format="json")
    assert response.json() == {"organization": ["Trường này không được hỗ trợ."]}


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        ({"held_on": "2024-04-01"}, "held_on", "Ngày tổ chức không thể ở tương lai."),
        ({"kind": "study", "bridge_points": 3}, "bridge_points", "Chỉ hội nghị trực tuyến mới có điểm cầu."),
        ({"topic": ""}, "topic", "Trường này không được để trống."),
        ({"extra_others": -1}, "extra_others", "Giá trị không được nhỏ hơn 0."),
        ({"attendee_ids": [2**63]}, "attendee_ids", "Giá trị không được lớn hơn 9223372036854775807."),
    ],
)
def test_session_rules_refuse_and_save_nothing(world, api, change, field, message):
    before = counts()
    response = api(world.a1_secretary).post(url("sessions/"), session_body(world, **change), format="json")
    assert response.status_code == 400, response.content
    errors = response.json()[field]
    assert message in (errors if isinstance(errors, list) else [m for ms in errors.values() for m in ms])
    assert counts() == before


def test_attendees_from_elsewhere_are_refused_without_saying_who_exists(world, api):
    client = api(world.a1_secretary)
    before = counts()
    for stranger in (world.people_b1[0].pk, world.people_a2[0].pk, 987654):
        response = client.post(url("sessions/"), session_body(world, attendee_ids=[stranger]), format="json")
        assert response.status_code == 400
        assert response.json() == {"attendee_ids": ["Có người dự không thuộc danh sách của Chi bộ Văn phòng Sở."]}
    assert counts() == before


def test_session_list_costs_the_same_for_few_or_many(world, api):
    client = api(world.a1_secretary)
    data = services.SessionInput
    client.get(url("sessions/"))  # the user's scope is read once

    def add(number):
        for day in range(number):
            services.session_create(
                organization=world.cell_a1,
                data=data(
                    held_on=datetime.date(2024, 1, 1 + day),
                    kind="study",
                    topic=f"Buổi {day}",
                    attendee_ids=[p.pk for p in world.people_a1],
                ),
            )

    add(2)
    with CaptureQueriesContext(connection) as few:
        client.get(url("sessions/?year=2024"))
    add(20)
    with CaptureQueriesContext(connection) as many:
        response = client.get(url("sessions/?year=2024"))
    assert response.json()["count"] == 22
    assert len(many) == len(few) == 4  # the count, the page, the attendees, the download log's entry


def test_exemplar_with_people_of_the_subtree(world, api):
    client = api(world.a_clerk)
    body = {
        "organization": world.committee_a.pk,
        "year": 2024,
        "name": "Dân vận khéo",
        "people": [world.people_a1[0].pk, world.people_a2[0].pk],
    }
    response = client.post(url("exemplars/"), body, format="json")
    assert response.status_code == 403  # a clerk does not enter records
    client = api(world.admin)
    response = client.post(url("exemplars/"), body, format="json")
    assert response.status_code == 201, response.content
    assert sorted(response.json()["people"]) == sorted([world.people_a1[0].pk, world.people_a2[0].pk])


def test_exemplar_people_out_of_scope_or_out_of_the_organization(world, api):
    client = api(world.a1_secretary)
    before = counts()
    body = {"organization": world.cell_a1.pk, "year": 2024, "name": "Mô hình"}
    response = client.post(url("exemplars/"), {**body, "people": [world.people_b1[0].pk, 987654]}, format="json")
    assert response.status_code == 400
    assert response.json() == {"people": [f"Không tìm thấy: {world.people_b1[0].pk}, 987654."]}
    response = client.post(url("exemplars/"), {**body, "status": "xong"}, format="json")
    assert response.json() == {"status": ["Giá trị không nằm trong các lựa chọn cho phép."]}
    response = client.post(url("exemplars/"), {**body, "year": 2031}, format="json")
    assert response.json() == {"year": ["Năm 2031 không hợp lệ: chỉ nhận các năm từ 2000 đến 2025."]}
    assert counts() == before
    assert not Exemplar.objects.exists()


def commendation_body(world, **change) -> dict:
    return {
        "organization": world.cell_a1.pk,
        "year": 2024,
        "form": "praise",
        "recipient_person": world.people_a1[0].pk,
        **change,
    }


def test_commendation_proposed_up_then_granted(world, api):
    client = api(world.a1_secretary)
    response = client.post(
        url("commendations/"),
        commendation_body(world, form="certificate", authority="Đảng ủy Sở", proposed_to=world.committee_a.pk),
        format="json",
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["status"] == "proposed" and body["proposed_to"] == world.committee_a.pk
    commendation = Commendation.objects.get(pk=body["id"])
    assert commendation.proposed_by == world.a1_secretary

    update = {k: v for k, v in commendation_body(world).items() if k != "organization"}
    response = client.put(url(f"commendations/{commendation.pk}/"), {**update, "status": "granted"}, format="json")
    assert response.status_code == 400
    assert response.json() == {"decision_date": ["Khen thưởng đã có quyết định cần ghi ngày quyết định."]}
    response = client.put(
        url(f"commendations/{commendation.pk}/"),
        {**update, "status": "granted", "decision_date": "2024-03-01", "decision_number": "12-QĐ/ĐU"},
        format="json",
    )
    assert response.status_code == 200, response.content
    assert response.json()["status"] == "granted"


def test_commendation_recipients_and_superiors_are_checked(world, api):
    client = api(world.a1_secretary)
    before = counts()
    superior_error = {"proposed_to": ["Chỉ đề nghị lên tổ chức cấp trên của Chi bộ Văn phòng Sở."]}
    # Not a superior, existing or not: the same answer.
    for proposed_to in (world.cell_b1.pk, world.cell_a2.pk, 987654):
        response = client.post(url("commendations/"), commendation_body(world, proposed_to=proposed_to), format="json")
        assert response.status_code == 400 and response.json() == superior_error
    response = client.post(
        url("commendations/"), commendation_body(world, recipient_organization=world.cell_a1.pk), format="json"
    )
    assert response.json() == {
        "non_field_errors": ["Hãy chọn đúng một đối tượng được khen: một cá nhân hoặc một tập thể."]
    }
    response = client.post(
        url("commendations/"),
        commendation_body(world, recipient_person=None, recipient_organization=world.cell_b1.pk),
        format="json",
    )
    assert response.json() == {"recipient_organization": [f"Không tìm thấy (mã {world.cell_b1.pk})."]}
    response = client.post(url("commendations/"), commendation_body(world, form="other"), format="json")
    assert response.json() == {"authority": ["Hãy ghi cấp khen (cơ quan ra quyết định)."]}
    assert counts() == before


def test_collective_commendation_is_recorded_on_the_collective(world, api):
    response = api(world.admin).post(
        url("commendations/"),
        commendation_body(
            world,
            organization=world.committee_a.pk,
            recipient_person=None,
            recipient_organization=world.cell_a2.pk,
            status="granted",
            decision_date="2024-02-01",
        ),
        format="json",
    )
    assert response.status_code == 201, response.content
    assert response.json()["organization"] == world.cell_a2.pk
    assert response.json()["authority"] == ""
