"""Pledges through the API: the workflow through the services, filters, and the list's cost."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from pledges.models import Pledge, PledgeItem, PledgeState
from pledges.services import pledges as pledge_services
from tests.api.conftest import ITEMS as SERVICE_ITEMS
from tests.api.conftest import counts, make_pledge, url
from tests.factories import PersonFactory

ITEMS = [
    {"content": "  Đi làm đúng giờ  ", "area": "workplace", "target": "100% ngày công", "due_on": "2024-12-31"},
    {"content": "Tiết kiệm điện, nước", "area": "thrift"},
]


def test_secretary_creates_updates_submits_and_the_cell_accepts(world, api):
    client = api(world.a1_secretary)
    person = world.people_a1[0]

    response = client.post(url("pledges/"), {"person": person.pk, "year": 2024, "items": ITEMS}, format="json")
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["state"] == "draft" and body["form"] == "01" and body["person_name"] == person.full_name
    assert [(i["position"], i["content"], i["area"]) for i in body["items"]] == [
        (1, "Đi làm đúng giờ", "workplace"),
        (2, "Tiết kiệm điện, nước", "thrift"),
    ]
    pk, version = body["id"], body["version"]

    response = client.put(url(f"pledges/{pk}/"), {"items": ITEMS[:1], "version": version}, format="json")
    assert response.status_code == 200, response.content
    assert len(response.json()["items"]) == 1
    # The version read before the first save is stale now: refused, nothing replaced.
    response = client.put(url(f"pledges/{pk}/"), {"items": ITEMS, "version": version}, format="json")
    assert response.status_code == 400
    assert "vừa được người khác cập nhật" in response.json()["non_field_errors"][0]
    assert PledgeItem.objects.filter(pledge_id=pk).count() == 1

    response = client.post(url(f"pledges/{pk}/submit/"), {}, format="json")
    assert response.status_code == 200 and response.json()["state"] == "submitted"
    assert response.json()["submitted_on"] == "2024-03-15"
    response = client.post(url(f"pledges/{pk}/submit/"))
    assert response.status_code == 400
    assert response.json() == {"non_field_errors": ["Bản đăng ký này đã được nộp."]}

    response = client.post(url(f"pledges/{pk}/accept/"), {"comment": "Cụ thể"}, format="json")
    assert response.status_code == 200
    assert response.json()["state"] == "accepted" and response.json()["review_comment"] == "Cụ thể"
    pledge = Pledge.objects.get(pk=pk)
    assert pledge.reviewed_by == world.a1_secretary


def test_create_and_submit_at_once_and_one_pledge_per_person_and_year(world, api):
    client = api(world.a1_secretary)
    person = world.people_a1[1]
    body = {"person": person.pk, "year": 2024, "items": ITEMS, "submit": True}
    response = client.post(url("pledges/"), body, format="json")
    assert response.status_code == 201 and response.json()["state"] == "submitted"
    before = counts()
    response = client.post(url("pledges/"), body, format="json")
    assert response.status_code == 400
    assert response.json() == {"non_field_errors": [f"{person.full_name} đã có bản đăng ký năm 2024."]}
    assert counts() == before


def test_return_needs_a_reason_and_only_a_submitted_pledge_is_reviewed(world, api):
    client = api(world.a1_secretary)
    draft = make_pledge(world.people_a1[0])
    submitted = make_pledge(world.people_a1[1], submit=True)
    response = client.post(url(f"pledges/{submitted.pk}/return/"), {}, format="json")
    assert response.status_code == 400 and response.json() == {"comment": ["Trường này là bắt buộc."]}
    response = client.post(url(f"pledges/{submitted.pk}/return/"), {"comment": "   "}, format="json")
    assert response.status_code == 400 and response.json() == {"comment": ["Trường này không được để trống."]}
    response = client.post(url(f"pledges/{draft.pk}/accept/"), {}, format="json")
    assert response.status_code == 400
    assert response.json() == {"non_field_errors": ["Chỉ duyệt hoặc trả lại được bản đăng ký đã nộp."]}
    response = client.post(url(f"pledges/{submitted.pk}/return/"), {"comment": "Bổ sung chỉ tiêu"}, format="json")
    assert response.status_code == 200 and response.json()["state"] == "returned"


def test_service_rules_come_back_as_messages(world, api):
    client = api(world.a1_secretary)
    person = world.people_a1[0]
    before = counts()
    cases = [
        ({"items": []}, {"items": {"non_field_errors": ["Danh sách không được để trống."]}}),
        ({"items": [{"content": "   "}]}, {"items": {"0": {"content": ["Trường này không được để trống."]}}}),
        (
            {"items": [{"content": "Việc", "area": "khac"}]},
            {"items": {"0": {"area": ["Giá trị không nằm trong các lựa chọn cho phép."]}}},
        ),
        ({"year": 2026}, {"year": ["Năm 2026 không hợp lệ: chỉ nhận các năm từ 2000 đến 2025."]}),
        (
            {"items": [{"content": "Việc", "due_on": "2025-01-01"}]},
            {"non_field_errors": ["Thời hạn của việc thứ 1 (01/01/2025) phải nằm trong năm 2024."]},
        ),
        (
            {"items": [{"content": "Việc", "due_on": "31/12/2024"}]},
            {"items": {"0": {"due_on": ["Ngày không hợp lệ: dùng dạng YYYY-MM-DD."]}}},
        ),
    ]
    for change, errors in cases:
        response = client.post(
            url("pledges/"), {"person": person.pk, "year": 2024, "items": ITEMS, **change}, format="json"
        )
        assert response.status_code == 400, change
        assert response.json() == errors, change
    assert counts() == before


def test_a_closed_year_is_read_only(world, api):
    from pledges.services.plans import plan_close, plan_save

    pledge = make_pledge(world.people_a1[0])
    plan_close(plan=plan_save(organization=world.committee_a, year=2024))
    client = api(world.a1_secretary)
    assert client.get(url(f"pledges/{pledge.pk}/")).status_code == 200
    response = client.post(url(f"pledges/{pledge.pk}/submit/"), {}, format="json")
    assert response.status_code == 400
    assert "đã khóa sổ" in response.json()["non_field_errors"][0]
    assert Pledge.objects.get(pk=pledge.pk).state == PledgeState.DRAFT


def test_filters_by_state_kind_person_and_organization(world, api):
    draft = make_pledge(world.people_a1[0])
    submitted = make_pledge(world.people_a1[1], submit=True)
    other_cell = make_pledge(world.people_a2[0], submit=True)
    client = api(world.a_clerk)

    def ids(query: str) -> set[int]:
        response = client.get(url(f"pledges/?{query}"))
        assert response.status_code == 200, response.content
        return {row["id"] for row in response.json()["results"]}

    assert ids("") == {draft.pk, submitted.pk, other_cell.pk}
    assert ids("state=submitted") == {submitted.pk, other_cell.pk}
    assert ids(f"state=submitted&organization={world.cell_a1.pk}") == {submitted.pk}
    assert ids(f"organization={world.committee_a.pk}&year=2024&kind=personal") == {
        draft.pk,
        submitted.pk,
        other_cell.pk,
    }
    assert ids("kind=collective") == set()
    assert ids(f"person={world.people_a1[0].pk}") == {draft.pk}
    assert client.get(url(f"pledges/?person={world.people_b1[0].pk}")).status_code == 404
    response = client.get(url("pledges/?state=xong&kind=1"))
    assert response.status_code == 400
    assert set(response.json()) == {"state", "kind"}


def list_queries(client) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url("pledges/"))
    assert response.status_code == 200
    return len(queries)


def add_pledges(cell, number: int) -> None:
    for index in range(number):
        make_pledge(PersonFactory(organization=cell, full_name=f"Người thứ {index}"))


@pytest.mark.parametrize("user", ["a1_secretary", "bloc_reviewer"])
def test_pledge_list_runs_the_same_queries_for_3_or_30_pledges(world, api, django_assert_max_num_queries, user):
    client = api(getattr(world, user))
    add_pledges(world.cell_a1, 3)
    few = list_queries(client)
    add_pledges(world.cell_a1, 27)
    assert client.get(url("pledges/")).json()["count"] == 30
    with django_assert_max_num_queries(few):
        response = client.get(url("pledges/"))
    assert all(len(row["items"]) == 2 for row in response.json()["results"])
    # The scope (once per user), the count, the page, the items, the download log's entry.
    assert few <= 5


def test_a_page_of_100_pledges_with_items(world, api, django_assert_max_num_queries):
    # Its speed is measured in bench/ (make bench); here, that a full page comes back whole.
    people = [PersonFactory(organization=world.cell_a1, full_name=f"Người {n}") for n in range(100)]
    pledges = Pledge.objects.bulk_create(
        [Pledge(person=p, organization=world.cell_a1, year=2024, form="01") for p in people]
    )
    PledgeItem.objects.bulk_create(
        [
            PledgeItem(pledge=pledge, position=position, content=f"Việc làm theo số {position}", area="ethics")
            for pledge in pledges
            for position in (1, 2, 3)
        ]
    )
    client = api(world.a1_secretary)
    with django_assert_max_num_queries(10):
        response = client.get(url("pledges/"))
    results = response.json()["results"]
    assert len(results) == 100 and all(len(row["items"]) == 3 for row in results)


# --- collective pledges, self-assessment, evaluation ------------------------------------------


def test_collective_pledge_then_self_assessment_then_evaluation(world, api):
    client = api(world.a1_secretary)
    response = client.post(
        url("pledges/collective/"), {"organization": world.cell_a1.pk, "year": 2024, "items": ITEMS}, format="json"
    )
    assert response.status_code == 201, response.content
    assert response.json()["kind"] == "collective" and len(response.json()["items"]) == 2

    pledge = pledge_services.pledge_create(person=world.people_a1[0], year=2024, items=SERVICE_ITEMS, submit=True)
    pledge_services.pledge_accept(pledge=pledge)
    first, second = pledge.items.order_by("position")
    body = {
        "assessments": [{"item": first.pk, "result": "done", "note": "Đã làm"}, {"item": second.pk, "result": "partly"}]
    }
    response = client.post(url(f"pledges/{pledge.pk}/assess/"), body, format="json")
    assert response.status_code == 200, response.content
    assert [item["result"] for item in response.json()["items"]] == ["done", "partly"]

    response = client.post(
        url(f"pledges/{pledge.pk}/evaluate/"), {"evaluation": "good", "comment": "Tốt"}, format="json"
    )
    assert response.status_code == 200, response.content
    assert response.json()["state"] == "evaluated"
    assert Pledge.objects.get(pk=pledge.pk).evaluation == "good"


def test_assessment_of_an_item_of_another_pledge_is_refused(world, api):
    client = api(world.a1_secretary)
    pledge = pledge_services.pledge_create(person=world.people_a1[0], year=2024, items=SERVICE_ITEMS, submit=True)
    pledge_services.pledge_accept(pledge=pledge)
    other = pledge_services.pledge_create(person=world.people_a1[1], year=2024, items=SERVICE_ITEMS)
    foreign_item = other.items.first()
    body = {"assessments": [{"item": foreign_item.pk, "result": "done"}]}
    response = client.post(url(f"pledges/{pledge.pk}/assess/"), body, format="json")
    assert response.status_code == 400
    assert response.json() == {"non_field_errors": ["Việc làm theo không thuộc bản đăng ký này."]}
    assert not PledgeItem.objects.exclude(result="").exists()


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"evaluation": "brilliant"}, "evaluation"),
        ({"evaluation": "good", "comment": "x" * 5000}, "comment"),
        ({"evaluation": "good", "extra": 1}, "extra"),
    ],
)
def test_evaluation_bodies_are_validated(world, api, body, field):
    pledge = pledge_services.pledge_create(person=world.people_a1[0], year=2024, items=SERVICE_ITEMS, submit=True)
    pledge_services.pledge_accept(pledge=pledge)
    response = api(world.a1_secretary).post(url(f"pledges/{pledge.pk}/evaluate/"), body, format="json")
    assert response.status_code == 400 and field in response.json()
    assert Pledge.objects.get(pk=pledge.pk).state == "accepted"


def test_collective_pledge_out_of_scope_or_read_only(world, api):
    body = {"organization": world.cell_b1.pk, "year": 2024, "items": ITEMS}
    response = api(world.a1_secretary).post(url("pledges/collective/"), body, format="json")
    assert response.status_code == 400 and "organization" in response.json()
    body["organization"] = world.cell_a1.pk
    response = api(world.bloc_reviewer).post(url("pledges/collective/"), body, format="json")
    assert response.status_code == 403
    assert not Pledge.objects.filter(kind="collective", organization=world.cell_a1).exists()


def test_evaluation_of_a_pledge_out_of_scope_is_not_found(world, api):
    pledge = pledge_services.pledge_create(person=world.people_b1[0], year=2024, items=SERVICE_ITEMS, submit=True)
    pledge_services.pledge_accept(pledge=pledge)
    response = api(world.a1_secretary).post(
        url(f"pledges/{pledge.pk}/evaluate/"), {"evaluation": "good"}, format="json"
    )
    assert response.status_code == 404
    assert Pledge.objects.get(pk=pledge.pk).state == "accepted"
