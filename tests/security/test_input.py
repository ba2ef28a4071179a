"""Every bad input a clear answer: control characters, formula cells, the CSRF page.

A NUL in a search or a comment answered 500 on PostgreSQL, which refuses it in any text. A
control character is now refused before any view runs, in every query parameter and form field
(committees.middleware.InputCharactersMiddleware), by the forms themselves (NormalizedFormMixin)
and by the API's text fields, always with the same Vietnamese message (committees.text).
"""

import pytest
from django.test import Client
from django.urls import reverse

from committees.forms import PersonForm
from committees.models import Person
from pledges.models import PledgeState
from tests.api.conftest import make_pledge

pytestmark = pytest.mark.django_db

REFUSED = "ký tự điều khiển không hợp lệ"


def refused_page(response, code: str = "U+0000") -> str:
    assert response.status_code == 400
    page = response.content.decode()
    assert REFUSED in page and code in page and "Chưa có gì được lưu" in page
    return page


@pytest.mark.parametrize(
    "path",
    [
        "/ca-nhan/tim/?q=L%C3%AA%00V%C4%83n",
        "/van-ban/?q=%00",
        "/to-chuc/{cell}/nam/2024/?q=An%00",
        "/to-chuc/{cell}/nam/2024/?trang-thai=%00",
        "/to-chuc/{cell}/nam/2024/?%00=1",
    ],
)
def test_a_nul_in_a_query_parameter_is_a_clear_400(world, login, path):
    response = login(world.a1_secretary).get(path.format(cell=world.cell_a1.pk))
    refused_page(response)


def test_other_control_characters_are_refused_too(world, login):
    client = login(world.a1_secretary)
    refused_page(client.get("/ca-nhan/tim/?q=a%07b"), "U+0007")
    refused_page(client.get("/ca-nhan/tim/?q=a%1Bb"), "U+001B")
    refused_page(client.get("/ca-nhan/tim/?q=a%C2%85b"), "U+0085")
    # Tab, line feed and carriage return are text, and so is everything else.
    assert client.get("/ca-nhan/tim/?q=Tr%E1%BA%A7n%09Th%E1%BB%8B").status_code == 200


def test_the_htmx_search_shows_the_message_in_its_results(world, login):
    response = login(world.a1_secretary).get("/ca-nhan/tim/?q=a%00", HTTP_HX_REQUEST="true")
    assert response.status_code == 200  # htmx swaps no error response into the page
    assert 'id="input-refused"' in response.content.decode() and REFUSED in response.content.decode()


def test_a_nul_in_a_comment_is_refused_and_nothing_changes(world, login):
    pledge = make_pledge(world.people_a1[0], submit=True)
    response = login(world.a1_secretary).post(
        reverse("pledges:pledge_return", args=[pledge.pk]), {"comment": "Cần sửa\x00 lại"}
    )
    page = refused_page(response)
    assert "“comment”" in page
    pledge.refresh_from_db()
    assert pledge.state == PledgeState.SUBMITTED


def test_a_control_character_in_a_form_field_writes_nothing(world, login):
    before = Person.objects.count()
    response = login(world.a_clerk).post(
        reverse("committees:person_create", args=[world.cell_a1.pk]),
        {"full_name": "Lê\x01Văn", "gender": "male", "category": "staff", "birth_year": "1990"},
    )
    refused_page(response, "U+0001")
    assert Person.objects.count() == before


def test_the_login_form_answers_too(world):
    response = Client().post(reverse("login"), {"username": "a1\x00secretary", "password": "x"})
    refused_page(response)


def test_the_forms_refuse_on_their_own(world):
    form = PersonForm(data={"full_name": "Lê\x00Văn", "gender": "male", "category": "staff"})
    assert not form.is_valid()
    assert REFUSED in form.errors["full_name"][0]


def test_the_api_refuses_a_query_parameter_with_a_json_detail(world, login):
    response = login(world.a1_secretary).get("/api/v1/people/?q=%00")
    assert response.status_code == 400
    assert REFUSED in response.json()["detail"]


def test_a_textarea_keeps_its_line_breaks_and_tabs(world, login):
    pledge = make_pledge(world.people_a1[0], submit=True)
    response = login(world.a1_secretary).post(
        reverse("pledges:pledge_return", args=[pledge.pk]), {"comment": "Dòng một\r\n\tDòng hai"}
    )
    assert response.status_code == 302
    pledge.refresh_from_db()
    assert pledge.state == PledgeState.RETURNED


# --- the CSRF failure page -------------------------------------------------------------------------


def test_a_form_without_its_csrf_token_gets_a_vietnamese_page(world):
    client = Client(enforce_csrf_checks=True)
    client.force_login(world.a1_secretary)
    client.get(reverse("committees:people_search"))  # the page sets the CSRF cookie
    response = client.post(reverse("logout"))
    assert response.status_code == 403
    page = response.content.decode()
    assert 'id="csrf-failure"' in page and "Trang đã mở quá lâu" in page and "tải lại trang" in page
    assert "CSRF verification failed" not in page


def test_a_browser_without_cookies_is_told_to_allow_them(world):
    response = Client(enforce_csrf_checks=True).post(reverse("login"), {"username": "a", "password": "b"})
    assert response.status_code == 403
    assert "bật cookie" in response.content.decode()
