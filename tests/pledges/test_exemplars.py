"""Exemplar screens (mô hình, điển hình tiên tiến): list, entry, detail with history."""

import datetime
import re

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from committees.models import Role
from pledges.models import Exemplar
from pledges.selectors_records import year_exemplars
from pledges.services import plans as plan_services
from pledges.services import records as services
from tests.factories import PersonFactory, UserFactory, grant

pytestmark = pytest.mark.django_db


def make_exemplar(organization, *, year=2024, name="Mô hình “Dân vận khéo”", status="registered", people=None, unit=""):
    return services.exemplar_save(
        organization=organization, year=year, name=name, status=status, people=people or [], unit=unit
    )


def list_url(organization, year=2024):
    return reverse("pledges:exemplar_list", args=[organization.pk, year])


def create_url(organization):
    return reverse("pledges:exemplar_create", args=[organization.pk])


def post_data(**overrides):
    data = {
        "year": "2024",
        "name": "Mô hình “Ngày thứ Bảy văn minh”",
        "description": "Dọn vệ sinh khu dân cư\nmỗi sáng thứ Bảy",
        "unit": "Tổ Văn thư",
        "status": "registered",
    }
    data.update(overrides)
    return data


def close_year(organization, year=2024):
    plan = plan_services.plan_save(organization=organization, year=year)
    plan_services.plan_close(plan=plan)


# --- entry --------------------------------------------------------------------------------


def test_secretary_adds_an_exemplar_with_people_of_the_cell(world, login):
    client = login(world.a1_secretary)
    people = world.people_a1[:2]
    response = client.post(create_url(world.cell_a1), {**post_data(), "people": [p.pk for p in people]})
    assert response.status_code == 302
    assert response["Location"] == list_url(world.cell_a1)
    exemplar = Exemplar.objects.get()
    assert exemplar.organization == world.cell_a1
    assert exemplar.year == 2024
    assert exemplar.name == "Mô hình “Ngày thứ Bảy văn minh”"
    assert exemplar.description == "Dọn vệ sinh khu dân cư\nmỗi sáng thứ Bảy"
    assert set(exemplar.people.all()) == set(people)
    assert exemplar.history.first().history_user == world.a1_secretary


def test_create_form_for_a_cell_lists_its_members_as_checkboxes(world, login):
    response = login(world.a1_secretary).get(create_url(world.cell_a1))
    assert response.status_code == 200
    body = response.content.decode()
    checkboxes = re.findall(r'<input type="checkbox"[^>]*name="people" value="(\d+)"', body)
    assert sorted(int(pk) for pk in checkboxes) == sorted(p.pk for p in world.people_a1)
    for person in world.people_a1:
        assert person.full_name in body
    assert f'value="{world.people_b1[0].pk}"' not in body
    assert response.context["form"].initial["year"] == 2024


def test_create_form_for_a_committee_groups_people_of_its_subtree(world, login):
    secretary = UserFactory(username="a_secretary")
    grant(secretary, world.committee_a, Role.SECRETARY)
    response = login(secretary).get(create_url(world.committee_a))
    body = response.content.decode()
    assert re.search(r'<select name="people"[^>]*multiple', body)
    assert f'<optgroup label="{world.cell_a1.display_name}">' in body
    assert f'<optgroup label="{world.cell_a2.display_name}">' in body
    assert f'value="{world.people_b1[0].pk}"' not in body
    person = world.people_a2[1]
    response = login(secretary).post(create_url(world.committee_a), {**post_data(), "people": [person.pk]})
    assert response.status_code == 302
    assert list(Exemplar.objects.get().people.all()) == [person]


def test_create_link_keeps_the_year_of_the_list(world, login):
    response = login(world.a1_secretary).get(create_url(world.cell_a1), {"nam": "2023"})
    assert response.context["form"].initial["year"] == 2023


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"name": "   "}, "Hãy nhập tên mô hình, điển hình."),
        ({"name": "x" * 301}, "300"),
        ({"status": "famous"}, "Trạng thái không hợp lệ."),
        ({"year": "1999"}, "Năm đã chọn không hợp lệ."),
    ],
)
def test_bad_input_comes_back_filled_and_nothing_is_saved(world, login, overrides, message):
    response = login(world.a1_secretary).post(create_url(world.cell_a1), post_data(**overrides))
    assert response.status_code == 200
    body = response.content.decode()
    assert message in body
    assert "Tổ Văn thư" in body
    assert not Exemplar.objects.exists()


def test_person_of_another_subtree_is_refused(world, login):
    outsider = world.people_b1[0]
    data = {**post_data(), "people": [world.people_a1[0].pk, outsider.pk]}
    response = login(world.a1_secretary).post(create_url(world.cell_a1), data)
    assert response.status_code == 200
    assert f"Người được chọn không thuộc {world.cell_a1.name}" in response.content.decode()
    assert not Exemplar.objects.exists()


def test_person_who_left_cannot_be_added_by_tampering(world, login):
    person = PersonFactory(organization=world.cell_a1, full_name="Lê Văn Rời")
    person.left_on = person.joined_on
    person.save()
    response = login(world.a1_secretary).post(create_url(world.cell_a1), {**post_data(), "people": [person.pk]})
    assert response.status_code == 200
    assert not Exemplar.objects.exists()


def test_closed_year_is_refused(world, login):
    close_year(world.committee_a)
    response = login(world.a1_secretary).post(create_url(world.cell_a1), post_data())
    assert response.status_code == 200
    assert "Năm 2024 đã khóa sổ" in response.content.decode()
    assert not Exemplar.objects.exists()
    # Another open year still works.
    assert login(world.a1_secretary).post(create_url(world.cell_a1), post_data(year="2023")).status_code == 302


def test_update_changes_status_and_people(world, login):
    exemplar = make_exemplar(world.cell_a1, people=[world.people_a1[0]])
    client = login(world.a1_secretary)
    url = reverse("pledges:exemplar_update", args=[exemplar.pk])
    response = client.get(url)
    assert response.status_code == 200
    assert response.context["form"].initial["people"] == [world.people_a1[0].pk]
    data = post_data(name=exemplar.name, status="implemented")
    data["people"] = [world.people_a1[1].pk, world.people_a1[2].pk]
    response = client.post(url, data)
    assert response.status_code == 302
    assert response["Location"] == reverse("pledges:exemplar_detail", args=[exemplar.pk])
    exemplar.refresh_from_db()
    assert exemplar.status == Exemplar.Status.IMPLEMENTED
    assert set(exemplar.people.all()) == {world.people_a1[1], world.people_a1[2]}


def test_update_in_a_closed_year_is_read_only(world, login):
    exemplar = make_exemplar(world.cell_a1)
    close_year(world.cell_a1)
    client = login(world.a1_secretary)
    url = reverse("pledges:exemplar_update", args=[exemplar.pk])
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"] == reverse("pledges:exemplar_detail", args=[exemplar.pk])
    response = client.post(url, post_data(name="Đổi tên", status="replicated"))
    assert response.status_code == 200
    assert "đã khóa sổ" in response.content.decode()
    exemplar.refresh_from_db()
    assert exemplar.status == Exemplar.Status.REGISTERED
    detail = client.get(reverse("pledges:exemplar_detail", args=[exemplar.pk]))
    assert detail.context["can_enter"] is False
    assert "exemplar_update" not in detail.content.decode()
    assert url not in detail.content.decode()


# --- access -------------------------------------------------------------------------------


def test_reviewer_reads_but_cannot_write(world, login):
    exemplar = make_exemplar(world.cell_a1)
    client = login(world.bloc_reviewer)
    assert client.get(list_url(world.cell_a1)).status_code == 200
    assert client.get(reverse("pledges:exemplar_detail", args=[exemplar.pk])).status_code == 200
    assert client.get(create_url(world.cell_a1)).status_code == 403
    assert client.post(create_url(world.cell_a1), post_data()).status_code == 403
    response = client.post(reverse("pledges:exemplar_update", args=[exemplar.pk]), post_data(status="replicated"))
    assert response.status_code == 403
    exemplar.refresh_from_db()
    assert exemplar.status == Exemplar.Status.REGISTERED
    assert Exemplar.objects.count() == 1
    assert "exemplar_create" not in client.get(list_url(world.cell_a1)).content.decode()


def test_secretary_of_another_cell_gets_404(world, login):
    exemplar = make_exemplar(world.cell_a1)
    client = login(world.b1_secretary)
    assert client.get(list_url(world.cell_a1)).status_code == 404
    assert client.get(reverse("pledges:exemplar_detail", args=[exemplar.pk])).status_code == 404
    assert client.get(reverse("pledges:exemplar_update", args=[exemplar.pk])).status_code == 404
    response = client.post(reverse("pledges:exemplar_update", args=[exemplar.pk]), post_data(status="replicated"))
    assert response.status_code == 404
    assert client.post(create_url(world.cell_a1), post_data()).status_code == 404
    exemplar.refresh_from_db()
    assert exemplar.status == Exemplar.Status.REGISTERED
    assert Exemplar.objects.count() == 1


def test_anonymous_is_sent_to_login(world, client):
    exemplar = make_exemplar(world.cell_a1)
    for url in (
        list_url(world.cell_a1),
        create_url(world.cell_a1),
        reverse("pledges:exemplar_detail", args=[exemplar.pk]),
        reverse("pledges:exemplar_update", args=[exemplar.pk]),
    ):
        response = client.get(url)
        assert response.status_code == 302
        assert "/login" in response["Location"] or "dang-nhap" in response["Location"]


# --- list ---------------------------------------------------------------------------------


def test_list_shows_the_subtree_with_counts_and_status_filter(world, login):
    make_exemplar(world.cell_a1, name="Mô hình A1", status="implemented", people=[world.people_a1[0]])
    make_exemplar(world.cell_a2, name="Mô hình A2", status="replicated", unit="Tổ Kế toán")
    make_exemplar(world.committee_a, name="Mô hình của Đảng ủy")
    make_exemplar(world.cell_b1, name="Mô hình B1")
    make_exemplar(world.cell_a1, name="Mô hình năm trước", year=2023)
    client = login(world.admin)
    response = client.get(list_url(world.committee_a))
    assert response.status_code == 200
    body = response.content.decode()
    names = [e.name for e in response.context["page"].object_list]
    assert sorted(names) == ["Mô hình A1", "Mô hình A2", "Mô hình của Đảng ủy"]
    assert "Mô hình B1" not in body
    assert world.people_a1[0].full_name in body
    assert "Tổ Kế toán" in body
    assert world.cell_a2.name in body  # a row of another organization names it
    assert response.context["total"] == 3
    counts = {value: count for value, _label, count, _badge in response.context["status_choices"]}
    assert counts == {"registered": 1, "implemented": 1, "replicated": 1}

    filtered = client.get(list_url(world.committee_a), {"trang-thai": "replicated"})
    assert [e.name for e in filtered.context["page"].object_list] == ["Mô hình A2"]
    assert filtered.context["total"] == 3
    ignored = client.get(list_url(world.committee_a), {"trang-thai": "bogus"})
    assert len(ignored.context["page"].object_list) == 3

    cell = client.get(list_url(world.cell_a1))
    assert [e.name for e in cell.context["page"].object_list] == ["Mô hình A1"]
    previous = client.get(list_url(world.cell_a1, 2023))
    assert [e.name for e in previous.context["page"].object_list] == ["Mô hình năm trước"]


def test_selector_counts_in_one_query_and_filters_the_rows(world, django_assert_num_queries):
    make_exemplar(world.cell_a1, name="Mô hình A1", status="implemented", people=[world.people_a1[0]])
    make_exemplar(world.cell_a2, name="Mô hình A2", status="implemented")
    make_exemplar(world.committee_a, name="Mô hình của Đảng ủy")
    make_exemplar(world.cell_b1, name="Mô hình B1")
    with django_assert_num_queries(1):
        listed = year_exemplars(organization=world.committee_a, year=2024)
    assert (listed.total, listed.counts) == (3, {"implemented": 2, "registered": 1})
    with django_assert_num_queries(2):  # the rows, then everyone's people at once
        rows = [(e.name, e.organization.name, [p.full_name for p in e.people.all()]) for e in listed.rows]
    assert rows[0] == ("Mô hình của Đảng ủy", world.committee_a.name, [])
    assert ("Mô hình A1", world.cell_a1.name, [world.people_a1[0].full_name]) in rows
    implemented = year_exemplars(organization=world.committee_a, year=2024, status="implemented")
    assert implemented.total == 3
    assert sorted(e.name for e in implemented.rows) == ["Mô hình A1", "Mô hình A2"]


def test_year_picker_without_javascript_redirects(world, login):
    response = login(world.a1_secretary).get(list_url(world.cell_a1), {"nam": "2023"})
    assert response.status_code == 302
    assert response["Location"] == list_url(world.cell_a1, 2023)


def _list_queries(client, url, expected_rows):
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    assert len(response.context["page"].object_list) == expected_rows
    return len(captured)


def test_list_query_count_does_not_grow_with_rows(world, login, django_assert_max_num_queries):
    client = login(world.bloc_reviewer)
    url = list_url(world.committee_a)
    client.get(url)  # warm up: the first request of a session does one-off work
    cells = [world.cell_a1, world.cell_a2]
    people = {world.cell_a1: world.people_a1[:2], world.cell_a2: world.people_a2[:2]}
    for index in range(3):
        cell = cells[index % 2]
        make_exemplar(cell, name=f"Mô hình {index}", people=people[cell])
    few = _list_queries(client, url, 3)
    for index in range(3, 30):
        cell = cells[index % 2]
        make_exemplar(cell, name=f"Mô hình {index}", people=people[cell], status="implemented")
    many = _list_queries(client, url, 30)
    assert many == few
    with django_assert_max_num_queries(15):
        client.get(url)


# --- detail and history ---------------------------------------------------------------------


def test_detail_shows_history_to_history_holders_only(world, login):
    client = login(world.a1_secretary)
    client.post(create_url(world.cell_a1), {**post_data(), "people": [world.people_a1[0].pk]})
    exemplar = Exemplar.objects.get()
    with time_machine.travel(datetime.datetime(2024, 3, 15, 9, 0, 30, tzinfo=datetime.UTC), tick=False):
        client.post(reverse("pledges:exemplar_update", args=[exemplar.pk]), post_data(status="replicated"))
    url = reverse("pledges:exemplar_detail", args=[exemplar.pk])

    secretary_view = client.get(url)
    assert secretary_view.status_code == 200
    assert secretary_view.context["history"] is None
    assert secretary_view.context["can_enter"] is True
    assert "Lịch sử thay đổi" not in secretary_view.content.decode()

    clerk_view = login(world.bloc_clerk).get(url)
    assert clerk_view.context["can_enter"] is False
    history = clerk_view.context["history"]
    assert history, "the clerk sees the change history"
    latest = history[0]
    assert latest["record"].history_user == world.a1_secretary
    assert "trạng thái" in latest["changed"]
    assert "cá nhân thực hiện" in latest["changed"]
    body = clerk_view.content.decode()
    assert "Lịch sử thay đổi" in body
    assert "a1_secretary" in body
    assert [entry["record"].history_type for entry in history] == ["~", "+"]  # one entry per save
