"""Every endpoint × role × in/out of scope, and bad bodies on every write.

Roles: a1_secretary (secretary of cell_a1: view, enter, approve there), a_clerk (clerk of
committee_a: view, report), bloc_reviewer (view over the whole bloc), outsider (no role),
anonymous. Records exist in cell_a1 (`inside`) and cell_b1 (`outside`, beyond a1_secretary's
and a_clerk's scope). Each attempt runs in a savepoint rolled back afterwards, so the attempts of
one test do not see each other's writes.
"""

from collections.abc import Callable
from contextlib import contextmanager
from dataclasses import dataclass

import pytest
from django.db import transaction

from tests.api.conftest import counts, url

SUCCESS = {200, 201, 202}


@contextmanager
def rolled_back():
    with transaction.atomic():
        yield
        transaction.set_rollback(True)


def call(client, method: str, path: str, body=None):
    return (
        getattr(client, method)(url(path), body, format="json")
        if body is not None
        else getattr(client, method)(url(path))
    )


# --- reads ---------------------------------------------------------------------------------

DETAILS: dict[str, Callable] = {
    "organizations": lambda side: side.organization.pk,
    "people": lambda side: side.person.pk,
    "pledges": lambda side: side.draft.pk,
    "sessions": lambda side: side.session.pk,
    "exemplars": lambda side: side.exemplar.pk,
    "commendations": lambda side: side.commendation.pk,
    "reports": lambda side: side.report.pk,
    "renders": lambda side: side.render.pk,
}


@pytest.mark.parametrize("kind", DETAILS)
def test_detail_in_scope_200_out_of_scope_404(world, records, api, kind):
    pk_of = DETAILS[kind]
    expected = {
        # user: (inside, outside)
        "a1_secretary": (200, 404),
        "a_clerk": (200, 404),
        "a2_secretary": (404, 404),
        "bloc_reviewer": (200, 200),
        "outsider": (404, 404),
        "admin": (200, 200),
    }
    for name, (inside, outside) in expected.items():
        client = api(getattr(world, name))
        for side, status in ((records.inside, inside), (records.outside, outside)):
            response = client.get(url(f"{kind}/{pk_of(side)}/"))
            assert response.status_code == status, (name, side.organization.name, response.content)
    response = api().get(url(f"{kind}/{pk_of(records.inside)}/"))
    assert response.status_code == 401
    assert response["WWW-Authenticate"] == "Token"
    assert "Chưa xác thực" in response.json()["detail"]


@pytest.mark.parametrize("kind", DETAILS)
def test_unknown_or_malformed_ids_are_404(world, api, kind):
    client = api(world.admin)
    for pk in ("999999", "9999999999999999999", "99999999999999999999", "abc", "0"):
        assert client.get(url(f"{kind}/{pk}/")).status_code == 404, pk


LISTS = {
    "organizations": lambda side: {side.organization.pk},
    "people": lambda side: {side.person.pk},
    "pledges": lambda side: {side.draft.pk, side.submitted.pk},
    "sessions": lambda side: {side.session.pk},
    "exemplars": lambda side: {side.exemplar.pk},
    "commendations": lambda side: {side.commendation.pk},
    "reports": lambda side: {side.report.pk},
}


def ids(response) -> set[int]:
    assert response.status_code == 200, response.content
    return {row["id"] for row in response.json()["results"]}


@pytest.mark.parametrize("kind", LISTS)
def test_lists_hold_only_the_scope_and_filter_by_organization_and_year(world, records, api, kind):
    ids_of = LISTS[kind]
    inside, outside = ids_of(records.inside), ids_of(records.outside)

    secretary = api(world.a1_secretary)
    seen = ids(secretary.get(url(f"{kind}/")))
    assert inside <= seen and not outside & seen
    assert ids(api(world.outsider).get(url(f"{kind}/"))) == set()

    reviewer = api(world.bloc_reviewer)
    assert inside | outside <= ids(reviewer.get(url(f"{kind}/")))
    by_organization = ids(reviewer.get(url(f"{kind}/?organization={world.committee_b.pk}")))
    assert outside <= by_organization and not inside & by_organization
    assert inside <= ids(reviewer.get(url(f"{kind}/?organization={world.bloc.pk}&year=2024")))
    if kind != "people":  # (people who joined in 2015 belonged in every later year)
        # Records are of 2024; organizations are in the trees of the open years 2023 and 2024 only.
        other_year = 2022 if kind == "organizations" else 2023
        assert not inside & ids(reviewer.get(url(f"{kind}/?year={other_year}")))

    # An organization outside the scope is not found, whether it exists or not.
    assert secretary.get(url(f"{kind}/?organization={world.cell_b1.pk}")).status_code == 404
    assert secretary.get(url(f"{kind}/?organization=987654")).status_code == 404

    response = secretary.get(url(f"{kind}/?organization=abc&year=1999"))
    assert response.status_code == 400
    body = response.json()
    assert body["organization"] == ["Cần một số nguyên."]
    assert body["year"] == ["Giá trị không được nhỏ hơn 2000."]
    assert secretary.get(url(f"{kind}/?page=99")).status_code == 404
    assert api().get(url(f"{kind}/")).status_code == 401


# --- writes --------------------------------------------------------------------------------


@dataclass
class Write:
    method: str
    path: Callable  # (side) -> path
    body: Callable  # (world, side) -> dict
    perm: str  # "enter", "approve" or "report"
    id_field: str | None = None  # for creates: the body field naming the record's owner


ITEM = {"content": "Gương mẫu trong sinh hoạt chi bộ", "area": "example"}

WRITES = {
    "person-create": Write(
        "post",
        lambda s: "people/",
        lambda w, s: {"organization": s.organization.pk, "full_name": "Lê Văn Mới", "category": "party_full"},
        "enter",
        "organization",
    ),
    "person-update": Write(
        "put",
        lambda s: f"people/{s.person.pk}/",
        lambda w, s: {"full_name": "Trần Thị An", "category": "party_full", "position": "Trưởng phòng"},
        "enter",
    ),
    "person-patch": Write("patch", lambda s: f"people/{s.person.pk}/", lambda w, s: {"position": "Phó phòng"}, "enter"),
    "pledge-create": Write(
        "post",
        lambda s: "pledges/",
        lambda w, s: {"person": spare(w, s).pk, "year": 2024, "items": [ITEM]},
        "enter",
        "person",
    ),
    "pledge-update": Write(
        "put", lambda s: f"pledges/{s.draft.pk}/", lambda w, s: {"items": [ITEM], "version": s.draft.version}, "enter"
    ),
    "pledge-submit": Write("post", lambda s: f"pledges/{s.draft.pk}/submit/", lambda w, s: {}, "enter"),
    "pledge-accept": Write(
        "post", lambda s: f"pledges/{s.submitted.pk}/accept/", lambda w, s: {"comment": "Cụ thể, đo được"}, "approve"
    ),
    "pledge-return": Write(
        "post", lambda s: f"pledges/{s.submitted.pk}/return/", lambda w, s: {"comment": "Bổ sung chỉ tiêu"}, "approve"
    ),
    "session-create": Write(
        "post",
        lambda s: "sessions/",
        lambda w, s: {
            "organization": s.organization.pk,
            "held_on": "2024-03-10",
            "kind": "thematic",
            "topic": "Sinh hoạt chuyên đề quý I",
            "attendee_ids": [s.person.pk],
        },
        "enter",
        "organization",
    ),
    "session-update": Write(
        "put",
        lambda s: f"sessions/{s.session.pk}/",
        lambda w, s: {"held_on": "2024-03-01", "kind": "study", "topic": "Quán triệt chuyên đề", "extra_others": 5},
        "enter",
    ),
    "exemplar-create": Write(
        "post",
        lambda s: "exemplars/",
        lambda w, s: {"organization": s.organization.pk, "year": 2024, "name": "Ngày thứ Bảy văn minh"},
        "enter",
        "organization",
    ),
    "exemplar-update": Write(
        "put",
        lambda s: f"exemplars/{s.exemplar.pk}/",
        lambda w, s: {"year": 2024, "name": "Dân vận khéo", "status": "implemented", "people": [s.person.pk]},
        "enter",
    ),
    "commendation-create": Write(
        "post",
        lambda s: "commendations/",
        lambda w, s: {
            "organization": s.organization.pk,
            "year": 2024,
            "form": "praise",
            "recipient_person": spare(w, s).pk,
        },
        "enter",
        "organization",
    ),
    "commendation-update": Write(
        "put",
        lambda s: f"commendations/{s.commendation.pk}/",
        lambda w, s: {"year": 2024, "form": "praise", "recipient_person": s.person.pk, "reason": "Gương người tốt"},
        "enter",
    ),
    "report-open": Write(
        "post",
        lambda s: "reports/",
        lambda w, s: {"organization": s.organization.pk, "year": 2024},
        "report",
        "organization",
    ),
    "render-request": Write(
        "post", lambda s: f"reports/{s.report.pk}/renders/", lambda w, s: {"format": "xlsx"}, "report"
    ),
}


def spare(world, side):
    """A member of the side's cell without a pledge."""
    return (world.people_a1 if side.organization == world.cell_a1 else world.people_b1)[2]


@pytest.mark.parametrize("name", WRITES)
def test_write_by_role_and_scope(world, records, api, name):
    case = WRITES[name]
    may = {"a1_secretary": {"enter", "approve"}, "a_clerk": {"report"}, "bloc_reviewer": set(), "outsider": set()}
    for user_name, perms in may.items():
        client = api(getattr(world, user_name))
        for side, in_scope in ((records.inside, user_name in ("a1_secretary", "a_clerk")), (records.outside, False)):
            label = (user_name, side.organization.name)
            with rolled_back():
                before = counts()
                response = call(client, case.method, case.path(side), case.body(world, side))
                if case.perm not in perms:
                    # A role without the right anywhere: 403 before anything is looked up.
                    assert response.status_code == 403, (label, response.content)
                    assert response.json() == {"detail": "Bạn không có quyền thực hiện thao tác này."}
                elif in_scope:
                    assert response.status_code in SUCCESS, (label, response.content)
                    continue
                elif case.id_field:
                    # Naming an owner outside the scope reads as "does not exist".
                    assert response.status_code == 400, (label, response.content)
                    assert "Không tìm thấy" in response.json()[case.id_field][0]
                else:
                    assert response.status_code == 404, (label, response.content)
                assert counts() == before, label
    with rolled_back():
        before = counts()
        response = call(api(), case.method, case.path(records.inside), case.body(world, records.inside))
        assert response.status_code == 401
        assert counts() == before


@pytest.mark.parametrize("name", WRITES)
def test_write_by_admin_succeeds(world, records, api, name):
    case = WRITES[name]
    response = call(api(world.admin), case.method, case.path(records.outside), case.body(world, records.outside))
    assert response.status_code in SUCCESS, response.content


# --- bad bodies ------------------------------------------------------------------------------

# For each write: a string field to overflow and a field to give the wrong type.
BAD_BODIES = {
    "person-create": ("full_name", "birth_year"),
    "person-update": ("position", "category"),
    "person-patch": ("exemption_reason", "birth_year"),
    "pledge-create": ("items", "year"),
    "pledge-update": ("items", "version"),
    "pledge-accept": ("comment", "comment"),
    "pledge-return": ("comment", "comment"),
    "session-create": ("topic", "attendee_ids"),
    "session-update": ("note", "extra_others"),
    "exemplar-create": ("name", "people"),
    "exemplar-update": ("description", "year"),
    "commendation-create": ("reason", "recipient_person"),
    "commendation-update": ("decision_number", "decision_date"),
    "report-open": (None, "year"),
    "render-request": (None, "format"),
}
WRONG_TYPES = [["một", "danh sách"], {"một": "đối tượng"}, "chữ", 3.5, True]


def writer(world, case: Write):
    return world.a_clerk if case.perm == "report" else world.a1_secretary


@pytest.mark.parametrize("name", BAD_BODIES)
def test_bad_bodies_are_400_with_field_messages_and_write_nothing(world, records, api, name):
    case = WRITES[name]
    long_field, typed_field = BAD_BODIES[name]
    client = api(writer(world, case))
    path = case.path(records.inside)
    good = case.body(world, records.inside)
    before = counts()

    response = call(client, case.method, path, {**good, "bi_danh": "x", "id": 5})
    assert response.status_code == 400, response.content
    assert response.json() == {"bi_danh": ["Trường này không được hỗ trợ."], "id": ["Trường này không được hỗ trợ."]}

    if long_field == "items":
        response = call(client, case.method, path, {**good, "items": [{**ITEM, "content": "x" * 1001}]})
        assert response.status_code == 400, response.content
        assert response.json()["items"] == {"0": {"content": ["Không được dài quá 1000 ký tự."]}}
        response = call(client, case.method, path, {**good, "items": [{**ITEM, "ghi_chu": "?"}]})
        assert response.json()["items"] == {"0": {"ghi_chu": ["Trường này không được hỗ trợ."]}}
        response = call(client, case.method, path, {**good, "items": [ITEM] * 31})
        assert response.json()["items"] == {"non_field_errors": ["Danh sách không được quá 30 phần tử."]}
    elif long_field:
        response = call(client, case.method, path, {**good, long_field: "Lê" * 200_000})
        assert response.status_code == 400, response.content
        assert response.json()[long_field][0].startswith("Không được dài quá ")

    # A number is a fine string ("3.5"): strings are only refused lists, objects and booleans.
    wrong_types = (
        WRONG_TYPES if typed_field != "comment" else [w for w in WRONG_TYPES if not isinstance(w, str | float)]
    )
    for wrong in wrong_types:
        response = call(client, case.method, path, {**good, typed_field: wrong})
        assert response.status_code == 400, (wrong, response.content)
        assert typed_field in response.json(), (wrong, response.json())

    for not_an_object in ([good], "chuỗi", 42):
        response = call(client, case.method, path, not_an_object)
        assert response.status_code == 400, response.content

    response = client.generic(case.method.upper(), url(path), "{không phải json", content_type="application/json")
    assert response.status_code == 400
    assert response.json() == {"detail": "Nội dung gửi lên không phải JSON hợp lệ."}
    response = client.generic(case.method.upper(), url(path), "a=1", content_type="application/x-www-form-urlencoded")
    assert response.status_code == 415
    assert counts() == before


def test_malformed_or_oversized_bodies_are_refused(world, api):
    client = api(world.a1_secretary)
    before = counts()
    deep = "[" * 100_000 + "]" * 100_000
    for path in ("people/", "token/"):
        response = client.generic("POST", url(path), deep, content_type="application/json")
        assert response.status_code == 400, path
        assert response.json() == {"detail": "Nội dung gửi lên không phải JSON hợp lệ."}
    # Over the upload limit (5 MB): Django refuses to read it.
    huge = '{"full_name": "' + "a" * (6 * 1024 * 1024) + '"}'
    response = client.generic("POST", url("people/"), huge, content_type="application/json")
    assert response.status_code == 400
    assert counts() == before


def test_every_method_on_every_endpoint_answers_without_a_server_error(world, records, api):
    side = records.inside
    paths = [
        "",
        "token/",
        "statistics/",
        "organizations/",
        f"organizations/{side.organization.pk}/",
        "people/",
        f"people/{side.person.pk}/",
        "pledges/",
        f"pledges/{side.draft.pk}/",
        f"pledges/{side.draft.pk}/submit/",
        f"pledges/{side.submitted.pk}/accept/",
        f"pledges/{side.submitted.pk}/return/",
        "sessions/",
        f"sessions/{side.session.pk}/",
        "exemplars/",
        f"exemplars/{side.exemplar.pk}/",
        "commendations/",
        f"commendations/{side.commendation.pk}/",
        "reports/",
        f"reports/{side.report.pk}/",
        f"reports/{side.report.pk}/renders/",
        f"renders/{side.render.pk}/",
        f"renders/{side.render.pk}/download/",
    ]
    for user in (None, world.bloc_reviewer, world.a1_secretary, world.admin):
        client = api(user)
        for path in paths:
            for method in ("get", "post", "put", "patch", "delete", "options", "head"):
                with rolled_back():
                    response = getattr(client, method)(url(path), {}, format="json")
                assert response.status_code < 500, (user, method, path, response.status_code)
                if user is None and path != "token/" and method != "options":
                    assert response.status_code == 401, (method, path)
