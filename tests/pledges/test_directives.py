import datetime

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError
from django.shortcuts import resolve_url
from django.urls import reverse

from pledges.models import Directive
from pledges.selectors_directives import directive_cascade, directives_visible_to
from pledges.services.plans import Symbol, directive_create, symbol_parse
from tests.pledges.factories_plans import make_cascade

pytestmark = pytest.mark.django_db

LIST_URL = reverse("pledges:directive_list")


def create_url(organization, year=None):
    url = reverse("pledges:directive_create", args=[organization.pk])
    return f"{url}?nam={year}" if year else url


# --- parsing the number and symbol -----------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("52-KH/TU", Symbol(52, "KH", "TU")),
        ("58 - KH/HU", Symbol(58, "KH", "HU")),
        ("  01-KL/TW ", Symbol(1, "KL", "TW")),
        ("475-CV/ĐUK", Symbol(475, "CV", "ĐUK")),
        ("12-QĐi/TU", Symbol(12, "QĐi", "TU")),
        ("3-QĐ/ĐU", Symbol(3, "QĐ", "ĐU")),
        ("7-CTr/TU", Symbol(7, "CTr", "TU")),
    ],
)
def test_symbol_parse_accepts_party_symbols(text, expected):
    assert symbol_parse(text) == expected


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("52/KH-TU", "không đúng dạng"),
        ("-KH/TU", "không đúng dạng"),
        ("KH/TU", "không đúng dạng"),
        ("52-KH", "không đúng dạng"),
        ("", "không đúng dạng"),
        ("52-XYZ/TU", "Không có loại văn bản ký hiệu “XYZ”"),
        ("12-QyĐ/UBND", "văn bản của Nhà nước"),
        ("0-KH/TU", "lớn hơn 0"),
    ],
)
def test_symbol_parse_refuses_bad_symbols(text, message):
    with pytest.raises(ValidationError, match=message):
        symbol_parse(text)


# --- the service -----------------------------------------------------------------------------


def test_directive_create_stores_parsed_parts_and_link(world):
    chain = make_cascade(world)
    directive = chain["du"]
    directive.refresh_from_db()
    assert (directive.number, directive.doc_type.code, directive.issuer_code) == (20, "KH", "ĐU")
    assert directive.symbol == "20-KH/ĐU"
    assert directive.implements == chain["duk"]
    assert directive.issuing_organization == world.committee_a
    assert chain["ct"].symbol == "05-CT/TW"


def test_directive_create_normalizes_spaces_in_the_symbol(world):
    directive = directive_create(symbol="58 - KH/HU", issued_on=datetime.date(2023, 1, 5), title="  Kế hoạch   huyện ")
    assert directive.symbol == "58-KH/HU"
    assert directive.title == "Kế hoạch huyện"


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"symbol": "52/KH-TU"}, "không đúng dạng"),
        ({"symbol": "12-QyĐ/UBND"}, "Nhà nước"),
        ({"issued_on": datetime.date(2024, 3, 16)}, "tương lai"),
        ({"title": "   "}, "trích yếu"),
    ],
)
def test_directive_create_refuses_bad_input(world, kwargs, message):
    data = {"symbol": "10-KH/ĐU", "issued_on": datetime.date(2024, 3, 1), "title": "Kế hoạch"} | kwargs
    with pytest.raises(ValidationError, match=message):
        directive_create(**data)
    assert not Directive.objects.exists()


def test_directive_create_refuses_a_duplicate_and_a_later_superior(world):
    first = directive_create(symbol="10-KH/ĐU", issued_on=datetime.date(2024, 3, 1), title="Kế hoạch")
    with pytest.raises(ValidationError, match="đã có trong sổ"):
        directive_create(symbol="10 - KH/ĐU", issued_on=datetime.date(2024, 3, 1), title="Bản khác")
    with pytest.raises(ValidationError, match="ban hành trước"):
        directive_create(symbol="11-KH/CB", issued_on=datetime.date(2024, 2, 1), title="Sớm hơn", implements=first)
    assert Directive.objects.count() == 1


def test_cascade_runs_from_the_top_down(world):
    chain = make_cascade(world)
    assert [d.symbol for d in directive_cascade(chain["du"])] == [
        "05-CT/TW",
        "01-KL/TW",
        "52-KH/TU",
        "30-KH/ĐUK",
        "20-KH/ĐU",
    ]
    assert directive_cascade(None) == []


# --- who sees which directive ------------------------------------------------------------------


def test_visibility_follows_scope_and_ancestors(world):
    chain = make_cascade(world)
    other = directive_create(
        symbol="9-KH/ĐU",
        issued_on=datetime.date(2024, 1, 9),
        title="Sở Tài chính",
        issuing_organization=world.committee_b,
    )
    own = directive_create(
        symbol="2-KH/CB", issued_on=datetime.date(2024, 1, 10), title="Chi bộ A1", issuing_organization=world.cell_a1
    )
    central = {chain["ct"], chain["kl"]}
    a1 = set(directives_visible_to(world.a1_secretary))
    assert a1 == central | {chain["tu"], chain["duk"], chain["du"], own}
    b1 = set(directives_visible_to(world.b1_secretary))
    assert b1 == central | {chain["tu"], chain["duk"], other}
    assert set(directives_visible_to(world.bloc_reviewer)) == set(Directive.objects.all())
    assert set(directives_visible_to(world.outsider)) == central
    assert set(directives_visible_to(world.admin)) == set(Directive.objects.all())


# --- the registry page -------------------------------------------------------------------------


def test_registry_lists_visible_directives_with_their_details(world, login):
    chain = make_cascade(world)
    directive_create(
        symbol="9-KH/ĐU",
        issued_on=datetime.date(2024, 1, 9),
        title="Của Sở Tài chính",
        issuing_organization=world.committee_b,
    )
    response = login(world.a1_secretary).get(LIST_URL)
    assert response.status_code == 200
    body = response.content.decode()
    assert "20-KH/ĐU" in body and "15/04/2022" in body and "Kế hoạch" in body
    assert "Bộ Chính trị" in body and world.committee_a.name in body
    assert "Của Sở Tài chính" not in body
    assert list(response.context["directives"])[0] == chain["du"]
    assert reverse("pledges:directive_create", args=[world.cell_a1.pk]) in body


def test_registry_search_and_year_filter(world, login):
    make_cascade(world)
    client = login(world.bloc_reviewer)
    found = client.get(LIST_URL, {"q": "52-KH/TU"})
    assert [d.symbol for d in found.context["directives"]] == ["52-KH/TU"]
    by_title = client.get(LIST_URL, {"q": "Chỉ thị số 05"})
    assert [d.symbol for d in by_title.context["directives"]] == ["01-KL/TW"]
    in_2022 = client.get(LIST_URL, {"nam": "2022"})
    assert {d.symbol for d in in_2022.context["directives"]} == {"52-KH/TU", "30-KH/ĐUK", "20-KH/ĐU"}
    assert in_2022.context["years"] == [2022, 2021, 2016]
    assert client.get(LIST_URL, {"nam": "abcd"}).status_code == 200
    # A reviewer may read the registry but has nowhere to add a document.
    assert "Thêm văn bản" not in found.content.decode()


def test_registry_is_open_to_any_logged_in_user_and_closed_to_anonymous(world, client, login):
    response = client.get(LIST_URL)
    assert response.status_code == 302 and response.url.startswith(resolve_url(settings.LOGIN_URL))
    make_cascade(world)
    outsider = login(world.outsider).get(LIST_URL)
    assert {d.symbol for d in outsider.context["directives"]} == {"05-CT/TW", "01-KL/TW"}


def test_registry_query_count_does_not_grow_with_rows(world, login, django_assert_max_num_queries):
    make_cascade(world)
    client = login(world.a1_secretary)
    client.get(LIST_URL)  # warm the session
    with django_assert_max_num_queries(12) as few:
        client.get(LIST_URL)
    for number in range(100, 140):
        directive_create(
            symbol=f"{number}-CV/CB",
            issued_on=datetime.date(2023, 6, 1),
            title=f"Công văn {number}",
            issuing_organization=world.cell_a1,
            implements=Directive.objects.get(symbol="20-KH/ĐU"),
        )
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(LIST_URL)
    assert len(response.context["directives"]) == 45


# --- adding a directive ------------------------------------------------------------------------


def form_data(**overrides):
    return {
        "symbol": "20-KH/CB",
        "issued_on": "2024-03-01",
        "title": "Kế hoạch học tập chuyên đề năm 2024 của chi bộ",
        "implements": "",
        "issuer_name": "",
    } | overrides


def test_secretary_adds_a_directive_of_the_cell(world, login):
    chain = make_cascade(world)
    client = login(world.a1_secretary)
    assert client.get(create_url(world.cell_a1)).status_code == 200
    response = client.post(create_url(world.cell_a1), form_data(symbol="20 - KH/CB", implements=chain["du"].pk))
    assert response.status_code == 302 and response.url == LIST_URL
    directive = Directive.objects.get(symbol="20-KH/CB")
    assert directive.issuing_organization == world.cell_a1
    assert directive.implements == chain["du"]
    assert directive.issued_on == datetime.date(2024, 3, 1)


def test_adding_from_the_plan_page_returns_there(world, login):
    response = login(world.a1_secretary).post(create_url(world.cell_a1, 2024), form_data(issued_on="01/03/2024"))
    assert response.status_code == 302
    assert response.url == reverse("pledges:plan_detail", args=[world.cell_a1.pk, 2024])


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"symbol": "52/KH-TU"}, "không đúng dạng"),
        ({"symbol": "-KH/TU"}, "không đúng dạng"),
        ({"symbol": "52-XYZ/TU"}, "Không có loại văn bản ký hiệu “XYZ”"),
        ({"symbol": "12-QyĐ/UBND"}, "là ký hiệu văn bản của Nhà nước"),
        ({"issued_on": "2024-03-16"}, "Ngày ban hành không thể ở tương lai."),
        ({"issued_on": "31/02/2024"}, "Ngày không hợp lệ"),
        ({"title": ""}, "Hãy nhập trích yếu."),
    ],
)
def test_bad_directive_input_comes_back_filled(world, login, overrides, message):
    data = form_data(**overrides)
    response = login(world.a1_secretary).post(create_url(world.cell_a1), data)
    assert response.status_code == 200
    body = response.content.decode()
    assert message in body
    assert data["title"] in body
    if overrides.get("symbol"):
        assert f'value="{overrides["symbol"]}"' in body
    assert not Directive.objects.exists()


def test_duplicate_and_invisible_superior_are_refused(world, login):
    other = directive_create(
        symbol="9-KH/ĐU",
        issued_on=datetime.date(2024, 1, 9),
        title="Sở Tài chính",
        issuing_organization=world.committee_b,
    )
    client = login(world.a1_secretary)
    client.post(create_url(world.cell_a1), form_data())
    duplicate = client.post(create_url(world.cell_a1), form_data(title="Bản trùng"))
    assert duplicate.status_code == 200
    assert "đã có trong sổ" in duplicate.content.decode()
    hidden = client.post(create_url(world.cell_a1), form_data(symbol="21-KH/CB", implements=other.pk))
    assert hidden.status_code == 200
    assert "không có trong sổ văn bản" in hidden.content.decode()
    assert Directive.objects.filter(issuing_organization=world.cell_a1).count() == 1


def test_directive_create_permissions(world, client, login):
    url = create_url(world.cell_a1)
    anonymous = client.post(url, form_data())
    assert anonymous.status_code == 302 and anonymous.url.startswith(resolve_url(settings.LOGIN_URL))
    assert login(world.b1_secretary).post(url, form_data()).status_code == 404
    assert login(world.outsider).get(url).status_code == 404
    assert login(world.bloc_reviewer).post(url, form_data()).status_code == 403
    assert login(world.bloc_reviewer).get(url).status_code == 403
    assert not Directive.objects.exists()
    # The clerk of the committee registers the directives of its subtree (the `plan` permission).
    assert login(world.a_clerk).post(url, form_data()).status_code == 302
    assert Directive.objects.count() == 1
    assert login(world.admin).post(url, form_data(symbol="21-KH/CB")).status_code == 302
