"""Commendation screens (khen thưởng): list, proposals and decisions, detail with history."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from committees.models import Role
from pledges.models import Commendation, CommendationForm
from pledges.selectors_records import COLLECTIVE, PERSON, year_commendations
from pledges.services import plans as plan_services
from pledges.services import records as services
from pledges.services.records import CommendationInput
from tests.factories import UserFactory, grant

pytestmark = pytest.mark.django_db


def make_commendation(
    organization, *, person=None, collective=None, year=2024, form="praise", status="proposed", **extra
):
    data = CommendationInput(
        year=year, form=form, recipient_person=person, recipient_organization=collective, status=status, **extra
    )
    return services.commendation_save(organization=organization, data=data)


def list_url(organization, year=2024):
    return reverse("pledges:commendation_list", args=[organization.pk, year])


def create_url(organization):
    return reverse("pledges:commendation_create", args=[organization.pk])


def post_data(**overrides):
    data = {
        "year": "2024",
        "recipient_type": "ca-nhan",
        "recipient_person": "",
        "recipient_organization": "",
        "form": "certificate",
        "authority": "Ban Thường vụ Đảng ủy Khối",
        "decision_number": "",
        "decision_date": "",
        "occasion": "19_5",
        "reason": "Gương mẫu trong học tập và làm theo",
        "status": "proposed",
        "proposed_to": "",
    }
    data.update(overrides)
    return data


def close_year(organization, year=2024):
    plan = plan_services.plan_save(organization=organization, year=year)
    plan_services.plan_close(plan=plan)


@pytest.fixture
def a_secretary(world):
    """A secretary of committee A: enters records for its whole subtree."""
    user = UserFactory(username="a_secretary")
    grant(user, world.committee_a, Role.SECRETARY)
    return user


# --- entry --------------------------------------------------------------------------------


def test_secretary_proposes_a_person_to_a_superior(world, login):
    person = world.people_a1[0]
    data = post_data(recipient_person=person.pk, proposed_to=world.committee_a.pk)
    response = login(world.a1_secretary).post(create_url(world.cell_a1), data)
    assert response.status_code == 302
    assert response["Location"] == list_url(world.cell_a1)
    commendation = Commendation.objects.get()
    assert commendation.recipient_person == person
    assert commendation.recipient_organization is None
    assert commendation.organization == world.cell_a1
    assert commendation.status == Commendation.Status.PROPOSED
    assert commendation.proposed_by == world.a1_secretary
    assert commendation.proposed_to == world.committee_a
    assert commendation.authority == "Ban Thường vụ Đảng ủy Khối"
    assert commendation.occasion == "19_5"


def test_granted_collective_gets_the_default_authority(world, a_secretary, login):
    data = post_data(
        recipient_type="tap-the",
        recipient_organization=world.cell_a2.pk,
        form="province_chair",
        authority="",
        decision_number="125/QĐ-UBND",
        decision_date="10/01/2024",
        occasion="five_year",
        status="granted",
    )
    response = login(a_secretary).post(create_url(world.committee_a), data)
    assert response.status_code == 302
    commendation = Commendation.objects.get()
    assert commendation.is_collective
    assert commendation.recipient_organization == world.cell_a2
    assert commendation.authority == "Chủ tịch UBND tỉnh"
    assert commendation.decision_date == datetime.date(2024, 1, 10)
    assert commendation.decision_number == "125/QĐ-UBND"
    # Recorded where the recipient belongs, so the cell's own list counts it too.
    assert commendation.organization == world.cell_a2
    assert commendation.proposed_by == a_secretary


def test_committee_commendation_of_a_member_shows_in_the_cell_and_the_committee(world, a_secretary, login):
    person = world.people_a1[1]
    response = login(a_secretary).post(create_url(world.committee_a), post_data(recipient_person=person.pk))
    assert response.status_code == 302
    commendation = Commendation.objects.get()
    assert commendation.organization == world.cell_a1
    client = login(world.bloc_reviewer)
    for organization in (world.cell_a1, world.committee_a, world.bloc):
        rows = client.get(list_url(organization)).context["page"].object_list
        assert [c.pk for c in rows] == [commendation.pk]
    assert not client.get(list_url(world.cell_a2)).context["page"].object_list


def test_create_form_offers_the_subtree_and_superiors_only(world, a_secretary, login):
    response = login(a_secretary).get(create_url(world.committee_a))
    assert response.status_code == 200
    form = response.context["form"]
    person_ids = {int(pk) for pk in form.fields["recipient_person"].queryset.values_list("pk", flat=True)}
    assert person_ids == {p.pk for p in world.people_a1 + world.people_a2}
    collectives = set(form.fields["recipient_organization"].queryset)
    assert collectives == {world.committee_a, world.cell_a1, world.cell_a2}
    assert list(form.fields["proposed_to"].queryset) == [world.province, world.bloc]
    body = response.content.decode()
    assert 'name="recipient_type"' in body
    assert 'name="recipient_person"' in body and 'name="recipient_organization"' in body


def test_dissolved_collective_is_not_offered(world, a_secretary, login):
    world.cell_a2.dissolved_on = datetime.date(2024, 1, 1)
    world.cell_a2.save()
    form = login(a_secretary).get(create_url(world.committee_a)).context["form"]
    assert world.cell_a2 not in set(form.fields["recipient_organization"].queryset)
    data = post_data(recipient_type="tap-the", recipient_organization=world.cell_a2.pk)
    response = login(a_secretary).post(create_url(world.committee_a), data)
    assert response.status_code == 200
    assert not Commendation.objects.exists()


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        (
            {"decision_date": "2024-03-16", "decision_number": "12/QĐ"},
            "Ngày quyết định không thể ở tương lai.",
        ),
        ({"status": "granted", "decision_number": "12/QĐ"}, "Khen thưởng đã có quyết định cần ghi ngày quyết định."),
        ({"form": "other", "authority": "  "}, "Hãy ghi cấp khen (cơ quan ra quyết định)."),
        ({"form": "certificate", "authority": ""}, "Hãy ghi cấp khen (cơ quan ra quyết định)."),
        ({"decision_date": "31/02/2024"}, "Ngày không hợp lệ"),
        ({"form": "medal"}, "Lựa chọn không hợp lệ."),
    ],
)
def test_bad_input_comes_back_filled_and_nothing_is_saved(world, login, overrides, message):
    data = post_data(recipient_person=world.people_a1[0].pk, **overrides)
    response = login(world.a1_secretary).post(create_url(world.cell_a1), data)
    assert response.status_code == 200
    body = response.content.decode()
    assert message in body
    assert "Gương mẫu trong học tập và làm theo" in body  # the form comes back filled
    assert not Commendation.objects.exists()


def test_both_recipients_chosen_is_refused(world, login):
    data = post_data(recipient_person=world.people_a1[0].pk, recipient_organization=world.cell_a1.pk)
    response = login(world.a1_secretary).post(create_url(world.cell_a1), data)
    assert response.status_code == 200
    assert "Hãy chọn đúng một đối tượng được khen" in response.content.decode()
    assert not Commendation.objects.exists()


def test_no_recipient_chosen_is_refused(world, login):
    response = login(world.a1_secretary).post(create_url(world.cell_a1), post_data())
    assert response.status_code == 200
    assert "Hãy chọn đúng một đối tượng được khen" in response.content.decode()
    assert not Commendation.objects.exists()


def test_recipient_contradicting_the_radio_is_refused(world, login):
    data = post_data(recipient_type="ca-nhan", recipient_organization=world.cell_a1.pk)
    response = login(world.a1_secretary).post(create_url(world.cell_a1), data)
    assert response.status_code == 200
    assert "Đã chọn khen cá nhân: hãy chọn cá nhân" in response.content.decode()
    assert not Commendation.objects.exists()


def test_tampered_person_of_another_subtree_is_refused(world, login):
    data = post_data(recipient_person=world.people_b1[0].pk)
    response = login(world.a1_secretary).post(create_url(world.cell_a1), data)
    assert response.status_code == 200
    assert f"Người được chọn không thuộc {world.cell_a1.name}" in response.content.decode()
    assert not Commendation.objects.exists()


def test_tampered_collective_or_superior_is_refused(world, login):
    client = login(world.a1_secretary)
    data = post_data(recipient_type="tap-the", recipient_organization=world.cell_b1.pk)
    response = client.post(create_url(world.cell_a1), data)
    assert response.status_code == 200
    assert "Tập thể được chọn không thuộc" in response.content.decode()
    data = post_data(recipient_person=world.people_a1[0].pk, proposed_to=world.committee_b.pk)
    response = client.post(create_url(world.cell_a1), data)
    assert response.status_code == 200
    assert "Chỉ đề nghị lên tổ chức cấp trên" in response.content.decode()
    assert not Commendation.objects.exists()


def test_closed_year_is_refused(world, login):
    close_year(world.committee_a)
    data = post_data(recipient_person=world.people_a1[0].pk)
    response = login(world.a1_secretary).post(create_url(world.cell_a1), data)
    assert response.status_code == 200
    assert "Năm 2024 đã khóa sổ" in response.content.decode()
    assert not Commendation.objects.exists()


def test_cell_closed_on_its_own_refuses_a_committee_entry_for_its_member(world, a_secretary, login):
    close_year(world.cell_a1)
    data = post_data(recipient_person=world.people_a1[0].pk)
    response = login(a_secretary).post(create_url(world.committee_a), data)
    assert response.status_code == 200
    assert "Năm 2024 đã khóa sổ" in response.content.decode()
    assert not Commendation.objects.exists()


# --- update: proposed → granted / declined -----------------------------------------------------


def test_proposal_becomes_granted_with_a_decision_date(world, login):
    commendation = make_commendation(world.cell_a1, person=world.people_a1[0], form="praise")
    client = login(world.a1_secretary)
    url = reverse("pledges:commendation_update", args=[commendation.pk])
    response = client.get(url)
    assert response.status_code == 200
    assert response.context["form"].initial["recipient_person"] == world.people_a1[0].pk
    data = post_data(recipient_person=world.people_a1[0].pk, form="praise", authority="", status="granted")
    response = client.post(url, data)
    assert response.status_code == 200
    assert "cần ghi ngày quyết định" in response.content.decode()
    commendation.refresh_from_db()
    assert commendation.status == Commendation.Status.PROPOSED

    data.update(decision_date="2024-03-15", decision_number="35-QĐ/ĐUK")
    response = client.post(url, data)
    assert response.status_code == 302
    commendation.refresh_from_db()
    assert commendation.status == Commendation.Status.GRANTED
    assert commendation.decision_date == datetime.date(2024, 3, 15)
    assert commendation.decision_number == "35-QĐ/ĐUK"


def test_proposal_can_be_declined(world, login):
    commendation = make_commendation(world.cell_a1, person=world.people_a1[0])
    data = post_data(recipient_person=world.people_a1[0].pk, form="praise", status="declined")
    response = login(world.a1_secretary).post(reverse("pledges:commendation_update", args=[commendation.pk]), data)
    assert response.status_code == 302
    commendation.refresh_from_db()
    assert commendation.status == Commendation.Status.DECLINED


def test_update_in_a_closed_year_is_read_only(world, login):
    commendation = make_commendation(world.cell_a1, person=world.people_a1[0])
    close_year(world.cell_a1)
    client = login(world.a1_secretary)
    url = reverse("pledges:commendation_update", args=[commendation.pk])
    assert client.get(url)["Location"] == reverse("pledges:commendation_detail", args=[commendation.pk])
    data = post_data(recipient_person=world.people_a1[0].pk, form="praise", status="declined")
    response = client.post(url, data)
    assert response.status_code == 200
    assert "đã khóa sổ" in response.content.decode()
    commendation.refresh_from_db()
    assert commendation.status == Commendation.Status.PROPOSED
    detail = client.get(reverse("pledges:commendation_detail", args=[commendation.pk]))
    assert detail.context["can_enter"] is False
    assert url not in detail.content.decode()


# --- access -------------------------------------------------------------------------------


def test_reviewer_reads_but_cannot_write(world, login):
    commendation = make_commendation(world.cell_a1, person=world.people_a1[0])
    client = login(world.bloc_reviewer)
    assert client.get(list_url(world.cell_a1)).status_code == 200
    assert client.get(reverse("pledges:commendation_detail", args=[commendation.pk])).status_code == 200
    assert client.get(create_url(world.cell_a1)).status_code == 403
    assert client.post(create_url(world.cell_a1), post_data(recipient_person=world.people_a1[1].pk)).status_code == 403
    data = post_data(recipient_person=world.people_a1[0].pk, form="praise", status="declined")
    assert client.post(reverse("pledges:commendation_update", args=[commendation.pk]), data).status_code == 403
    commendation.refresh_from_db()
    assert commendation.status == Commendation.Status.PROPOSED
    assert Commendation.objects.count() == 1


def test_secretary_of_another_cell_gets_404(world, login):
    commendation = make_commendation(world.cell_a1, person=world.people_a1[0])
    client = login(world.b1_secretary)
    assert client.get(list_url(world.cell_a1)).status_code == 404
    assert client.get(reverse("pledges:commendation_detail", args=[commendation.pk])).status_code == 404
    assert client.get(reverse("pledges:commendation_update", args=[commendation.pk])).status_code == 404
    data = post_data(recipient_person=world.people_a1[0].pk, form="praise", status="declined")
    assert client.post(reverse("pledges:commendation_update", args=[commendation.pk]), data).status_code == 404
    assert client.post(create_url(world.cell_a1), data).status_code == 404
    commendation.refresh_from_db()
    assert commendation.status == Commendation.Status.PROPOSED
    assert Commendation.objects.count() == 1


def test_anonymous_is_sent_to_login(world, client):
    commendation = make_commendation(world.cell_a1, person=world.people_a1[0])
    for url in (
        list_url(world.cell_a1),
        create_url(world.cell_a1),
        reverse("pledges:commendation_detail", args=[commendation.pk]),
        reverse("pledges:commendation_update", args=[commendation.pk]),
    ):
        response = client.get(url)
        assert response.status_code == 302
        assert "next=" in response["Location"]


# --- list ---------------------------------------------------------------------------------


def _seed(world):
    granted = {"status": "granted", "decision_date": datetime.date(2024, 1, 5)}
    make_commendation(world.cell_a1, person=world.people_a1[0], form="praise")
    make_commendation(world.cell_a1, person=world.people_a1[1], form="province_chair", **granted)
    make_commendation(world.committee_a, collective=world.cell_a2, form="province_chair", **granted)
    make_commendation(
        world.cell_a2, person=world.people_a2[0], form="other", authority="Công đoàn ngành", status="declined"
    )
    make_commendation(world.cell_b1, person=world.people_b1[0], form="praise")
    make_commendation(world.cell_a1, person=world.people_a1[2], form="praise", year=2023)


def test_list_counts_and_filters(world, login):
    _seed(world)
    client = login(world.bloc_reviewer)
    response = client.get(list_url(world.committee_a))
    assert response.status_code == 200
    context = response.context
    assert len(context["page"].object_list) == 4
    assert context["total"] == 4
    assert {v: n for v, _label, n, _badge in context["status_choices"]} == {"proposed": 1, "granted": 2, "declined": 1}
    assert context["people_count"] == 3
    assert context["collective_count"] == 1
    labels = dict(CommendationForm.choices)
    assert context["form_rows"] == [
        (labels["praise"], 1, 0),
        (labels["province_chair"], 1, 1),
        (labels["other"], 1, 0),
    ]
    body = response.content.decode()
    assert all(c.organization.path.startswith(world.committee_a.path) for c in context["page"].object_list)
    assert "Công đoàn ngành" in body

    granted = client.get(list_url(world.committee_a), {"trang-thai": "granted"}).context
    assert {c.status for c in granted["page"].object_list} == {"granted"}
    assert len(granted["page"].object_list) == 2
    assert granted["form_rows"] == [(labels["province_chair"], 1, 1)]
    assert granted["total"] == 4

    collectives = client.get(list_url(world.committee_a), {"doi-tuong": "tap-the"}).context
    assert [c.recipient_organization for c in collectives["page"].object_list] == [world.cell_a2]
    people = client.get(list_url(world.committee_a), {"doi-tuong": "ca-nhan", "trang-thai": "granted"}).context
    assert [c.recipient_person for c in people["page"].object_list] == [world.people_a1[1]]
    bogus = client.get(list_url(world.committee_a), {"doi-tuong": "x", "trang-thai": "y"}).context
    assert len(bogus["page"].object_list) == 4

    previous = client.get(list_url(world.cell_a1, 2023)).context
    assert [c.recipient_person for c in previous["page"].object_list] == [world.people_a1[2]]


def test_list_query_count_does_not_grow_with_rows(world, login, django_assert_max_num_queries):
    client = login(world.bloc_reviewer)
    url = list_url(world.committee_a)
    client.get(url)  # warm up: the first request of a session does one-off work
    people = world.people_a1 + world.people_a2

    def add(index):
        if index % 3 == 0:
            make_commendation(world.committee_a, collective=world.cell_a2, proposed_to=world.bloc)
        else:
            make_commendation(people[index % 6].organization, person=people[index % 6], proposed_to=world.committee_a)

    def measure(expected):
        with CaptureQueriesContext(connection) as captured:
            response = client.get(url)
        assert len(response.context["page"].object_list) == expected
        return len(captured)

    for index in range(3):
        add(index)
    few = measure(3)
    for index in range(3, 30):
        add(index)
    assert measure(30) == few
    with django_assert_max_num_queries(15):
        client.get(url)


def test_selector_counts_in_one_query_and_filters_the_rows(world, django_assert_num_queries):
    _seed(world)
    with django_assert_num_queries(1):
        listed = year_commendations(organization=world.committee_a, year=2024)
    assert (listed.total, listed.by_status) == (4, {"proposed": 1, "granted": 2, "declined": 1})
    assert listed.by_recipient == {PERSON: 3, COLLECTIVE: 1}
    labels = dict(CommendationForm.choices)
    assert listed.form_rows == [(labels["praise"], 1, 0), (labels["province_chair"], 1, 1), (labels["other"], 1, 0)]
    with django_assert_num_queries(1):  # the recipients and organizations come along
        rows = [(c.recipient_person, c.recipient_organization, c.organization.name) for c in listed.rows]
    assert len(rows) == 4
    granted = year_commendations(organization=world.committee_a, year=2024, status="granted", recipient=COLLECTIVE)
    assert granted.total == 4  # the counts by status stay those of the year
    assert granted.by_recipient == {PERSON: 1, COLLECTIVE: 1}  # within the chosen status
    assert [c.recipient_organization for c in granted.rows] == [world.cell_a2]


def test_year_picker_without_javascript_redirects(world, login):
    response = login(world.a1_secretary).get(list_url(world.cell_a1), {"nam": "2023", "trang-thai": "granted"})
    assert response.status_code == 302
    assert response["Location"] == list_url(world.cell_a1, 2023)


# --- detail and history ---------------------------------------------------------------------


def test_detail_shows_who_proposed_and_history_to_history_holders(world, login):
    client = login(world.a1_secretary)
    client.post(create_url(world.cell_a1), post_data(recipient_person=world.people_a1[0].pk, proposed_to=world.bloc.pk))
    commendation = Commendation.objects.get()
    url = reverse("pledges:commendation_detail", args=[commendation.pk])
    response = client.get(url)
    assert response.status_code == 200
    assert response.context["history"] is None
    body = response.content.decode()
    assert "a1_secretary" in body  # who proposed it
    assert world.bloc.name in body
    assert reverse("pledges:commendation_update", args=[commendation.pk]) in body

    client.post(
        reverse("pledges:commendation_update", args=[commendation.pk]),
        post_data(recipient_person=world.people_a1[0].pk, status="granted", decision_date="2024-03-01"),
    )
    clerk = login(world.bloc_clerk).get(url)
    history = clerk.context["history"]
    assert [entry["record"].history_type for entry in history] == ["~", "+"]
    assert history[0]["record"].history_user == world.a1_secretary
    assert "trạng thái" in history[0]["changed"]
    assert "ngày quyết định" in history[0]["changed"]
    assert "Lịch sử thay đổi" in clerk.content.decode()
