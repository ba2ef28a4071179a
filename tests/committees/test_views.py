"""The committees pages as each role sees them: sign-in, landing, role switch, people."""

import datetime
import unicodedata

import pytest
from django.urls import reverse

from committees.models import Membership, Person, Role, RoleAssignment
from committees.views import ACTIVE_ROLE_SESSION_KEY, LANDING_URL_NAMES
from tests.factories import PersonFactory, UserFactory, grant

pytestmark = pytest.mark.django_db

PASSWORD = "matkhau-thu-nghiem"  # tests.factories.UserFactory
WORKING_YEAR = 2024  # the latest open year not after today (15/03/2024) in the world


def landing(role: str, organization) -> str:
    url_name, with_year = LANDING_URL_NAMES[role]
    args = [organization.pk, WORKING_YEAR] if with_year else [organization.pk]
    return reverse(url_name, args=args)


def person_data(**overrides) -> dict:
    data = {
        "full_name": "Nguyễn Văn Hoà",
        "gender": "male",
        "birth_year": "1985",
        "position": "Chuyên viên",
        "category": "party_full",
        "joined_on": "2020-01-15",
        "exemption": "",
        "exemption_reason": "",
    }
    data.update(overrides)
    return data


# --- sign-in and landing -------------------------------------------------------------------


def test_login_page_renders(client):
    response = client.get(reverse("login"))
    assert response.status_code == 200
    page = response.content.decode()
    assert "Đăng nhập" in page
    assert 'name="username"' in page and 'name="password"' in page


def test_wrong_password_stays_on_the_login_page(client, world):
    response = client.post(reverse("login"), {"username": "a1_secretary", "password": "sai"})
    assert response.status_code == 200
    assert "_auth_user_id" not in client.session


def test_anonymous_home_goes_to_login(client, world):
    response = client.get("/")
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


@pytest.mark.parametrize(
    ("username", "role", "organization"),
    [
        ("a1_secretary", Role.SECRETARY, "cell_a1"),
        ("b1_secretary", Role.SECRETARY, "cell_b1"),
        ("a_clerk", Role.CLERK, "committee_a"),
        ("bloc_clerk", Role.CLERK, "bloc"),
        ("bloc_reviewer", Role.REVIEWER, "bloc"),
    ],
)
def test_login_lands_each_role_on_its_page(client, world, username, role, organization):
    response = client.post(reverse("login"), {"username": username, "password": PASSWORD})
    assert response.status_code == 302
    assert response.url == reverse("home")
    home = client.get(response.url)
    assert home.status_code == 302
    assert home.url == landing(role, getattr(world, organization))


def test_landing_targets_point_where_the_roles_work(world):
    """Whatever page LANDING_URL_NAMES picks, it is a page of the granted organization
    (under /to-chuc/<pk>/), never someone else's."""
    for role in (Role.SECRETARY, Role.CLERK, Role.REVIEWER):
        assert landing(role, world.cell_a1).startswith(
            reverse("committees:organization_detail", args=[world.cell_a1.pk])
        )


def test_user_without_role_sees_an_explanation(login, world):
    response = login(world.outsider).get("/")
    assert response.status_code == 200
    assert [t.name for t in response.templates][0] == "committees/no_role.html"


def test_superuser_without_grant_goes_to_the_organization_list(login, world):
    response = login(world.admin).get("/")
    assert response.status_code == 302
    assert response.url == reverse("committees:organization_list")


# --- switching roles -------------------------------------------------------------------------


@pytest.fixture
def two_hats(world):
    user = UserFactory(username="hai_vai")
    first = grant(user, world.cell_a2, Role.SECRETARY)
    second = grant(user, world.committee_b, Role.REVIEWER)
    return user, first, second


def test_user_with_two_roles_switches_and_lands_on_the_other(login, world, two_hats):
    user, first, second = two_hats
    client = login(user)
    assert client.get("/").url == landing(Role.SECRETARY, world.cell_a2)

    response = client.post(reverse("committees:role_switch", args=[second.pk]))
    assert response.status_code == 302
    assert response.url == landing(Role.REVIEWER, world.committee_b)
    assert client.session[ACTIVE_ROLE_SESSION_KEY] == second.pk
    assert client.get("/").url == landing(Role.REVIEWER, world.committee_b)

    client.post(reverse("committees:role_switch", args=[first.pk]))
    assert client.get("/").url == landing(Role.SECRETARY, world.cell_a2)


def test_switching_to_someone_elses_assignment_is_not_found(login, world, two_hats):
    user, first, _ = two_hats
    client = login(user)
    other = RoleAssignment.objects.get(user=world.b1_secretary)
    response = client.post(reverse("committees:role_switch", args=[other.pk]))
    assert response.status_code == 404
    assert ACTIVE_ROLE_SESSION_KEY not in client.session
    assert client.get("/").url == landing(Role.SECRETARY, world.cell_a2)


def test_switching_to_an_unknown_assignment_is_not_found(login, world):
    response = login(world.a1_secretary).post(reverse("committees:role_switch", args=[999999]))
    assert response.status_code == 404


def test_role_switch_needs_post(login, world):
    own = RoleAssignment.objects.get(user=world.a1_secretary)
    response = login(world.a1_secretary).get(reverse("committees:role_switch", args=[own.pk]))
    assert response.status_code == 405


def test_a_removed_active_role_falls_back_to_the_first(login, world, two_hats):
    user, first, second = two_hats
    client = login(user)
    client.post(reverse("committees:role_switch", args=[second.pk]))
    second.delete()
    assert client.get("/").url == landing(Role.SECRETARY, world.cell_a2)


# --- organization pages ----------------------------------------------------------------------


def test_organization_detail_shows_children_with_counts(login, world):
    response = login(world.bloc_reviewer).get(reverse("committees:organization_detail", args=[world.bloc.pk]))
    assert response.status_code == 200
    names = [row.organization.name for row in response.context["children"]]
    assert names == [world.committee_a.name, world.committee_b.name]
    page = response.content.decode()
    assert world.committee_a.name in page
    # a reviewer may not add people: no link to the form
    assert reverse("committees:person_create", args=[world.bloc.pk]) not in page


def test_cell_page_lists_people_in_official_order_with_add_link_for_secretary(login, world):
    PersonFactory(organization=world.cell_a1, full_name="Vũ Văn Anh")
    response = login(world.a1_secretary).get(reverse("committees:organization_detail", args=[world.cell_a1.pk]))
    assert response.status_code == 200
    given_names = [p.full_name.split()[-1] for p in response.context["people"]]
    assert given_names == ["An", "Anh", "Bình", "Chi"]
    assert reverse("committees:person_create", args=[world.cell_a1.pk]) in response.content.decode()


def test_organization_list_redirects_to_a_single_root(login, world):
    response = login(world.a_clerk).get(reverse("committees:organization_list"))
    assert response.status_code == 302
    assert response.url == reverse("committees:organization_detail", args=[world.committee_a.pk])


def test_organization_list_lists_several_roots(login, world, two_hats):
    user, _, _ = two_hats
    response = login(user).get(reverse("committees:organization_list"))
    assert response.status_code == 200
    assert {org.pk for org in response.context["roots"]} == {world.cell_a2.pk, world.committee_b.pk}


# --- people ----------------------------------------------------------------------------------


def test_secretary_creates_a_person_with_a_normalized_name(login, world):
    typed = unicodedata.normalize("NFD", "  Nguyễn   Văn Hoà ")
    response = login(world.a1_secretary).post(
        reverse("committees:person_create", args=[world.cell_a1.pk]), person_data(full_name=typed)
    )
    assert response.status_code == 302
    assert response.url == reverse("committees:organization_detail", args=[world.cell_a1.pk])
    person = Person.objects.get(search_key="nguyen van hoa")
    assert person.full_name == "Nguyễn Văn Hoà"
    assert unicodedata.is_normalized("NFC", person.full_name)
    assert person.organization == world.cell_a1
    assert person.birth_year == 1985
    assert list(Membership.objects.filter(person=person).values_list("organization", "start_on", "end_on")) == [
        (world.cell_a1.pk, datetime.date(2020, 1, 15), None)
    ]


def test_person_form_renders_for_secretary(login, world):
    response = login(world.a1_secretary).get(reverse("committees:person_create", args=[world.cell_a1.pk]))
    assert response.status_code == 200
    assert 'name="full_name"' in response.content.decode()


def test_bad_birth_year_keeps_the_input(login, world):
    before = Person.objects.count()
    response = login(world.a1_secretary).post(
        reverse("committees:person_create", args=[world.cell_a1.pk]),
        person_data(full_name="Phạm Thị Lý", birth_year="1800"),
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "Năm sinh không hợp lệ." in page
    assert "Phạm Thị Lý" in page
    assert Person.objects.count() == before


def test_exemption_without_reason_is_refused(login, world):
    before = Person.objects.count()
    response = login(world.a1_secretary).post(
        reverse("committees:person_create", args=[world.cell_a1.pk]),
        person_data(full_name="Đỗ Văn Hưu", exemption="retired", exemption_reason="  "),
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "Hãy ghi lý do miễn viết kế hoạch cá nhân." in page
    assert "Đỗ Văn Hưu" in page
    assert Person.objects.count() == before


def test_exemption_with_reason_is_accepted(login, world):
    response = login(world.a1_secretary).post(
        reverse("committees:person_create", args=[world.cell_a1.pk]),
        person_data(full_name="Đỗ Văn Hưu", exemption="retired", exemption_reason="Đã nghỉ hưu"),
    )
    assert response.status_code == 302
    assert Person.objects.get(full_name="Đỗ Văn Hưu").exemption == "retired"


@pytest.mark.parametrize("username", ["bloc_reviewer", "a_clerk"])
def test_roles_without_enter_cannot_create_people(login, world, username):
    before = Person.objects.count()
    response = login(getattr(world, username)).post(
        reverse("committees:person_create", args=[world.cell_a1.pk]), person_data(full_name="Người Lạ")
    )
    assert response.status_code == 403
    assert Person.objects.count() == before
    assert not Person.objects.filter(full_name="Người Lạ").exists()


def test_secretary_cannot_reach_a_person_of_another_cell(login, world):
    client = login(world.a1_secretary)
    other = world.people_b1[0]
    assert client.get(reverse("committees:person_detail", args=[other.pk])).status_code == 404
    assert client.get(reverse("committees:person_update", args=[other.pk])).status_code == 404
    response = client.post(reverse("committees:person_update", args=[other.pk]), person_data(full_name="Bị Sửa"))
    assert response.status_code == 404
    other.refresh_from_db()
    assert other.full_name == "Trần Thị An"


def test_secretary_cannot_add_people_to_another_cell(login, world):
    response = login(world.a1_secretary).post(
        reverse("committees:person_create", args=[world.cell_b1.pk]), person_data(full_name="Người Lạ")
    )
    assert response.status_code == 404
    assert not Person.objects.filter(full_name="Người Lạ").exists()


def test_secretary_updates_own_person(login, world):
    person = world.people_a1[0]
    response = login(world.a1_secretary).post(
        reverse("committees:person_update", args=[person.pk]),
        person_data(full_name="Trần Thị  Anh", category="staff"),
    )
    assert response.status_code == 302
    assert response.url == reverse("committees:person_detail", args=[person.pk])
    person.refresh_from_db()
    assert person.full_name == "Trần Thị Anh"
    assert person.search_key == "tran thi anh"
    assert person.category == "staff"


def test_person_detail_shows_memberships(login, world):
    person = world.people_a1[0]
    response = login(world.a_clerk).get(reverse("committees:person_detail", args=[person.pk]))
    assert response.status_code == 200
    assert person.full_name in response.content.decode()
    assert [m.organization for m in response.context["memberships"]] == [world.cell_a1]


# --- search ----------------------------------------------------------------------------------


@pytest.fixture
def searchable(world):
    return {
        "hoa_grave_o": PersonFactory(organization=world.cell_a1, full_name="Nguyễn Văn Hòa"),
        "hoa_grave_a": PersonFactory(organization=world.cell_a1, full_name=unicodedata.normalize("NFD", "Lê Thị Hoà")),
        "hoa_plain": PersonFactory(organization=world.cell_a2, full_name="Phan Thị Hoa"),
        "nguyen_out": PersonFactory(organization=world.cell_b1, full_name="Nguyễn Văn Nam"),
        "hoa_out": PersonFactory(organization=world.cell_b1, full_name="Đinh Văn Hoà"),
    }


def search(client, query: str, **headers):
    response = client.get(reverse("committees:people_search"), {"q": query}, **headers)
    assert response.status_code == 200
    return response


def found(response) -> list[str]:
    return [person.full_name for person in response.context["results"]]


def test_search_finds_names_without_marks_in_scope_only(login, world, searchable):
    response = search(login(world.a1_secretary), "nguyen van")
    assert found(response) == ["Nguyễn Văn Hòa"]
    page = response.content.decode()
    assert "Nguyễn Văn Hòa" in page
    assert "Nguyễn Văn Nam" not in page


def test_search_of_a_wider_scope_finds_more(login, world, searchable):
    assert sorted(found(search(login(world.bloc_reviewer), "nguyen van"))) == ["Nguyễn Văn Hòa", "Nguyễn Văn Nam"]


def test_search_matches_both_tone_placements(login, world, searchable):
    # same given name: the family name breaks the tie (Lê before Nguyễn)
    assert found(search(login(world.a1_secretary), "hoa")) == ["Lê Thị Hoà", "Nguyễn Văn Hòa"]
    assert found(search(login(world.a1_secretary), "Hoà")) == ["Lê Thị Hoà", "Nguyễn Văn Hòa"]
    assert set(found(search(login(world.a_clerk), "HÒA"))) == {"Nguyễn Văn Hòa", "Lê Thị Hoà", "Phan Thị Hoa"}


def test_search_of_outsider_finds_nothing(login, world, searchable):
    assert found(search(login(world.outsider), "nguyen")) == []


def test_search_needs_two_letters(login, world, searchable):
    assert found(search(login(world.bloc_reviewer), "n")) == []


def test_search_partial_for_htmx(login, world, searchable):
    client = login(world.a1_secretary)
    partial = search(client, "hoa", HTTP_HX_REQUEST="true")
    html = partial.content.decode()
    assert [t.name for t in partial.templates][0] == "committees/partials/people_results.html"
    assert "Nguyễn Văn Hòa" in html
    assert "<html" not in html
    assert "<form" not in html
    assert reverse("committees:person_detail", args=[searchable["hoa_grave_o"].pk]) in html

    full = search(client, "hoa").content.decode()
    assert "<html" in full
    assert "<form" in full
