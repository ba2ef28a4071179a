"""The tree in scope, and people through the API."""

import datetime

from committees.models import Membership, Person
from tests.api.conftest import counts, url


def results(response) -> list[dict]:
    assert response.status_code == 200, response.content
    return response.json()["results"]


def test_the_tree_in_scope_with_parents_and_children(world, api):
    rows = results(api(world.bloc_reviewer).get(url("organizations/")))
    assert [row["name"] for row in rows] == [
        world.bloc.name,
        world.committee_a.name,
        world.cell_a1.name,
        world.cell_a2.name,
        world.committee_b.name,
        world.cell_b1.name,
    ]
    by_id = {row["id"]: row for row in rows}
    assert by_id[world.bloc.pk]["parent"] == world.province.pk  # the parent may lie above the scope
    assert by_id[world.cell_a1.pk] == {
        "id": world.cell_a1.pk,
        "name": "Chi bộ Văn phòng Sở",
        "short_name": "",
        "kind": "cell",
        "issuer_code": "CB",
        "parent": world.committee_a.pk,
        "depth": 4,
        "dissolved_on": None,
    }
    children = results(api(world.a_clerk).get(url(f"organizations/?parent={world.committee_a.pk}")))
    assert [row["id"] for row in children] == [world.cell_a1.pk, world.cell_a2.pk]
    assert api(world.a_clerk).get(url(f"organizations/?parent={world.bloc.pk}")).status_code == 404
    assert (
        results(api(world.admin).get(url("organizations/?parent=" + str(world.province.pk))))[0]["id"] == world.bloc.pk
    )
    assert [row["id"] for row in results(api(world.a1_secretary).get(url("organizations/")))] == [world.cell_a1.pk]


def test_organizations_are_read_only(world, api):
    client = api(world.admin)
    assert client.post(url("organizations/"), {"name": "Mới"}, format="json").status_code == 405
    response = client.delete(url(f"organizations/{world.cell_a1.pk}/"))
    assert response.status_code == 405
    assert response.json() == {"detail": "Phương thức “DELETE” không được chấp nhận."}


def test_person_created_with_membership_then_updated(world, api):
    client = api(world.a1_secretary)
    body = {
        "organization": world.cell_a1.pk,
        "full_name": "  Lê   Văn Mới ",
        "gender": "male",
        "birth_year": 1990,
        "position": "Chuyên viên",
        "category": "youth_union",
        "joined_on": "2024-02-01",
    }
    response = client.post(url("people/"), body, format="json")
    assert response.status_code == 201, response.content
    created = response.json()
    assert created["full_name"] == "Lê Văn Mới" and created["pledge_form"] == "2A"
    person = Person.objects.get(pk=created["id"])
    assert Membership.objects.filter(
        person=person, organization=world.cell_a1, start_on=datetime.date(2024, 2, 1)
    ).exists()

    response = client.patch(url(f"people/{person.pk}/"), {"exemption": "retired"}, format="json")
    assert response.status_code == 400
    assert response.json() == {"exemption_reason": ["Hãy ghi lý do miễn viết kế hoạch cá nhân."]}
    response = client.patch(
        url(f"people/{person.pk}/"), {"exemption": "retired", "exemption_reason": "Nghỉ hưu"}, format="json"
    )
    assert response.status_code == 200 and response.json()["exemption"] == "retired"
    response = client.patch(url(f"people/{person.pk}/"), {"left_on": "2024-01-15"}, format="json")
    assert response.status_code == 400
    assert "Ngày rời tổ chức không thể trước" in response.json()["left_on"][0]
    response = client.put(url(f"people/{person.pk}/"), {"full_name": "Lê Văn Mới"}, format="json")
    assert response.status_code == 400 and response.json() == {"category": ["Trường này là bắt buộc."]}
    person.refresh_from_db()
    assert person.left_on is None and person.category == "youth_union"


CONTROL_CHARACTER = (
    "Có ký tự điều khiển không hợp lệ (%s), thường lẫn vào khi sao chép từ tệp khác. "
    "Hãy xóa ký tự đó (hoặc gõ lại nội dung) rồi gửi lại."
)


def test_person_input_is_checked(world, api):
    client = api(world.a1_secretary)
    before = counts()
    good = {"organization": world.cell_a1.pk, "full_name": "Lê Văn Mới", "category": "party_full"}
    cases = [
        ({"birth_year": 1850}, {"birth_year": ["Giá trị không được nhỏ hơn 1900."]}),
        ({"full_name": "A" * 121}, {"full_name": ["Không được dài quá 120 ký tự."]}),
        ({"full_name": "Lê\x00Văn"}, {"full_name": [CONTROL_CHARACTER % "U+0000"]}),
        ({"full_name": "Lê\x07Văn"}, {"full_name": [CONTROL_CHARACTER % "U+0007"]}),
        ({"category": None}, {"category": ["Trường này không nhận giá trị null."]}),
        ({"organization": True}, {"organization": ["Cần một số nguyên."]}),
        ({"organization": 2**70}, {"organization": ["Không tìm thấy (mã 1180591620717411303424)."]}),
        ({"joined_on": "2024-02-30"}, {"joined_on": ["Ngày không hợp lệ: dùng dạng YYYY-MM-DD."]}),
    ]
    for change, errors in cases:
        response = client.post(url("people/"), {**good, **change}, format="json")
        assert response.status_code == 400, change
        assert response.json() == errors, change
    assert counts() == before
    # A numeric string is a fine id.
    response = client.post(url("people/"), {**good, "organization": str(world.cell_a1.pk)}, format="json")
    assert response.status_code == 201


def test_people_filtered_by_year_of_membership(world, api):
    gone = world.people_a1[2]
    gone.left_on = datetime.date(2023, 6, 30)
    gone.save()
    client = api(world.a1_secretary)
    in_2024 = {row["id"] for row in results(client.get(url("people/?year=2024")))}
    in_2023 = {row["id"] for row in results(client.get(url("people/?year=2023")))}
    assert gone.pk in in_2023 and gone.pk not in in_2024
    assert {p.pk for p in world.people_a1[:2]} <= in_2024


def test_people_search_ignores_marks_and_case_and_stays_in_scope(world, api):
    client = api(world.a1_secretary)
    response = client.get("/api/v1/people/", {"q": "tran thi BINH"})
    assert response.status_code == 200
    names = [row["full_name"] for row in response.json()["results"]]
    assert names == [world.people_a1[1].full_name]
