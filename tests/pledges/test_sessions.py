"""Study-session screens (học tập, sinh hoạt chuyên đề): list, entry with the tick list, detail."""

import datetime
import re

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from committees import services as committee_services
from committees.models import Membership, PersonCategory
from pledges.models import SessionKind, StudySession
from pledges.selectors_records import year_sessions
from pledges.services import plans as plan_services
from pledges.services.records import SessionInput, session_create
from tests.factories import PersonFactory
from tests.pledges.factories_plans import make_theme

pytestmark = pytest.mark.django_db


def make_session(
    organization, *, held_on=datetime.date(2024, 3, 1), kind=SessionKind.STUDY, topic="Quán triệt chuyên đề", **fields
):
    return session_create(
        organization=organization, data=SessionInput(held_on=held_on, kind=kind, topic=topic, **fields)
    )


def list_url(organization, year=2024):
    return reverse("pledges:session_list", args=[organization.pk, year])


def create_url(organization):
    return reverse("pledges:session_create", args=[organization.pk])


def detail_url(session):
    return reverse("pledges:session_detail", args=[session.pk])


def update_url(session):
    return reverse("pledges:session_update", args=[session.pk])


def post_data(**overrides):
    data = {
        "held_on": "2024-03-10",
        "kind": "thematic",
        "topic": "Sinh hoạt chuyên đề quý I",
        "theme": "",
        "extra_party_members": "0",
        "extra_union_members": "0",
        "extra_others": "0",
        "bridge_points": "0",
        "note": "",
    }
    data.update(overrides)
    return data


def close_year(organization, year=2024):
    plan = plan_services.plan_save(organization=organization, year=year)
    plan_services.plan_close(plan=plan)


def ticked_ids(body: str) -> list[int]:
    return [int(pk) for pk in re.findall(r'<input type="checkbox" name="attendee_ids" value="(\d+)"[^>]*checked', body)]


def listed_ids(body: str) -> list[int]:
    return [int(pk) for pk in re.findall(r'<input type="checkbox" name="attendee_ids" value="(\d+)"', body)]


# --- entry --------------------------------------------------------------------------------


def test_create_form_lists_the_cell_members_unticked_with_the_year_theme(world, login):
    theme = make_theme(2024)
    make_theme(2023, "Chuyên đề năm trước")
    response = login(world.a1_secretary).get(create_url(world.cell_a1))
    assert response.status_code == 200
    body = response.content.decode()
    assert sorted(listed_ids(body)) == sorted(p.pk for p in world.people_a1)
    assert ticked_ids(body) == []  # nobody ticked by default
    assert f'value="{world.people_b1[0].pk}"' not in body
    # Official-list order: An, Bình, Chi.
    positions = [body.index(p.full_name) for p in world.people_a1]
    assert positions == sorted(positions)
    assert "Chọn tất cả" in body
    assert "js/attendance.js" in body
    form = response.context["form"]
    assert form.initial["theme"] == theme.pk
    assert form.initial["held_on"] == datetime.date(2024, 3, 15)
    assert form.year == 2024


def test_create_form_for_a_previous_year_lists_that_years_members(world, login):
    newcomer = PersonFactory(organization=world.cell_a1, full_name="Lê Văn Mới", joined_on=datetime.date(2024, 1, 10))
    client = login(world.a1_secretary)
    this_year = client.get(create_url(world.cell_a1))
    assert newcomer.pk in listed_ids(this_year.content.decode())
    last_year = client.get(create_url(world.cell_a1), {"nam": "2023"})
    assert last_year.context["form"].year == 2023
    assert last_year.context["form"].initial["held_on"] is None
    assert newcomer.pk not in listed_ids(last_year.content.decode())
    assert sorted(listed_ids(last_year.content.decode())) == sorted(p.pk for p in world.people_a1)


def test_secretary_records_a_session_with_ticked_attendees(world, login):
    theme = make_theme(2024)
    client = login(world.a1_secretary)
    an, binh, _chi = world.people_a1
    response = client.post(
        create_url(world.cell_a1),
        post_data(theme=str(theme.pk), attendee_ids=[an.pk, binh.pk], extra_others="2", note="Mời  báo cáo viên"),
    )
    session = StudySession.objects.get()
    assert response.status_code == 302
    assert response["Location"] == detail_url(session)
    assert session.organization == world.cell_a1
    assert session.held_on == datetime.date(2024, 3, 10)
    assert session.kind == SessionKind.THEMATIC
    assert session.topic == "Sinh hoạt chuyên đề quý I"
    assert session.theme == theme
    assert set(session.attendees.all()) == {an, binh}
    assert session.extra_others == 2
    assert session.created_by == world.a1_secretary
    assert session.history.first().history_user == world.a1_secretary
    page = client.get(response["Location"])
    assert "Đã ghi buổi" in page.content.decode()


def test_online_conference_with_head_counts_and_bridge_points(world, login):
    client = login(world.a1_secretary)
    response = client.post(
        create_url(world.cell_a1),
        post_data(
            kind="online",
            topic="Hội nghị trực tuyến toàn tỉnh",
            attendee_ids=[world.people_a1[0].pk],
            extra_party_members="40",
            extra_union_members="25",
            extra_others="5",
            bridge_points="12",
        ),
    )
    assert response.status_code == 302
    session = StudySession.objects.get()
    assert (session.extra_party_members, session.extra_union_members, session.extra_others, session.bridge_points) == (
        40,
        25,
        5,
        12,
    )


def _assert_refused(response, message):
    assert response.status_code == 200
    body = response.content.decode()
    assert message in body
    assert not StudySession.objects.exists()
    return body


def test_future_date_is_refused_and_the_form_comes_back_filled(world, login):
    client = login(world.a1_secretary)
    an = world.people_a1[0]
    response = client.post(create_url(world.cell_a1), post_data(held_on="2024-03-16", attendee_ids=[an.pk]))
    body = _assert_refused(response, "Ngày tổ chức không thể ở tương lai.")
    assert 'value="Sinh hoạt chuyên đề quý I"' in body
    assert ticked_ids(body) == [an.pk]
    assert 'value="2024-03-16"' in body


def test_empty_topic_is_refused(world, login):
    response = login(world.a1_secretary).post(
        create_url(world.cell_a1), post_data(topic="   ", attendee_ids=[world.people_a1[1].pk])
    )
    body = _assert_refused(response, "Hãy nhập nội dung buổi học tập, sinh hoạt.")
    assert ticked_ids(body) == [world.people_a1[1].pk]


def test_bad_date_and_negative_count_are_refused(world, login):
    client = login(world.a1_secretary)
    _assert_refused(
        client.post(create_url(world.cell_a1), post_data(held_on="31/02/2024")), "Ngày tổ chức không hợp lệ"
    )
    _assert_refused(client.post(create_url(world.cell_a1), post_data(extra_others="-3")), "Số người không thể âm.")


def test_attendee_from_another_cell_is_refused(world, login):
    client = login(world.a1_secretary)
    an = world.people_a1[0]
    outsider = world.people_b1[0]
    response = client.post(create_url(world.cell_a1), post_data(attendee_ids=[an.pk, outsider.pk]))
    body = _assert_refused(response, "không thuộc danh sách của Chi bộ Văn phòng Sở năm 2024")
    assert 'value="Sinh hoạt chuyên đề quý I"' in body
    assert f'value="{outsider.pk}"' not in body  # the tampered id is not put back on the list
    assert ticked_ids(body) == [an.pk]


def test_service_refuses_a_person_of_another_cell(world):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError) as refused:
        make_session(world.cell_a1, attendee_ids=[world.people_a1[0].pk, world.people_b1[0].pk])
    assert "attendee_ids" in refused.value.message_dict
    assert not StudySession.objects.exists()


def test_bridge_points_on_a_session_that_is_not_online_are_refused(world, login):
    response = login(world.a1_secretary).post(create_url(world.cell_a1), post_data(kind="study", bridge_points="3"))
    body = _assert_refused(response, "Chỉ hội nghị trực tuyến mới có điểm cầu.")
    assert response.context["form"].show_counts  # the head-count part is open where the error is
    assert '<details class="card shadow-sm mb-3" data-counts open>' in body


def test_a_closed_year_refuses_new_sessions(world, login):
    close_year(world.cell_a1)
    client = login(world.a1_secretary)
    page = client.get(create_url(world.cell_a1))
    assert "đã khóa sổ" in page.content.decode()
    _assert_refused(client.post(create_url(world.cell_a1), post_data()), "Năm 2024 đã khóa sổ")
    # The previous year stays open.
    response = client.post(create_url(world.cell_a1), post_data(held_on="2023-11-20"))
    assert response.status_code == 302


def test_a_person_who_moved_away_later_still_counts_for_the_old_cell(world, login):
    mover = world.people_a1[2]
    committee_services.person_transfer(person=mover, organization=world.cell_a2, on=datetime.date(2024, 3, 1))
    client = login(world.a1_secretary)
    form_page = client.get(create_url(world.cell_a1))
    assert mover.pk in listed_ids(form_page.content.decode())
    response = client.post(create_url(world.cell_a1), post_data(held_on="2024-02-20", attendee_ids=[mover.pk]))
    assert response.status_code == 302
    assert list(StudySession.objects.get().attendees.all()) == [mover]


# --- update --------------------------------------------------------------------------------


def test_update_form_is_prefilled_and_saves(world, login):
    an, binh, chi = world.people_a1
    session = make_session(world.cell_a1, attendee_ids=[an.pk, binh.pk])
    client = login(world.a1_secretary)
    page = client.get(update_url(session))
    assert page.status_code == 200
    body = page.content.decode()
    assert sorted(ticked_ids(body)) == sorted([an.pk, binh.pk])
    assert 'value="Quán triệt chuyên đề"' in body
    response = client.post(update_url(session), post_data(topic="Quán triệt chuyên đề năm 2024", attendee_ids=[chi.pk]))
    assert response.status_code == 302
    assert response["Location"] == detail_url(session)
    session.refresh_from_db()
    assert session.topic == "Quán triệt chuyên đề năm 2024"
    assert session.kind == SessionKind.THEMATIC
    assert list(session.attendees.all()) == [chi]


def test_update_refuses_a_tampered_attendee_and_keeps_the_record(world, login):
    an = world.people_a1[0]
    session = make_session(world.cell_a1, attendee_ids=[an.pk])
    response = login(world.a1_secretary).post(
        update_url(session), post_data(topic="Đổi nội dung", attendee_ids=[world.people_a2[0].pk])
    )
    assert response.status_code == 200
    assert "không thuộc danh sách của Chi bộ Văn phòng Sở" in response.content.decode()
    session.refresh_from_db()
    assert session.topic == "Quán triệt chuyên đề"
    assert list(session.attendees.all()) == [an]


def test_closed_year_update_is_read_only(world, login):
    session = make_session(world.cell_a1, attendee_ids=[world.people_a1[0].pk])
    close_year(world.cell_a1)
    client = login(world.a1_secretary)
    page = client.get(update_url(session))
    assert page.status_code == 302
    assert page["Location"] == detail_url(session)
    response = client.post(update_url(session), post_data(topic="Sửa sau khi khóa sổ"))
    assert response.status_code == 200
    assert "Năm 2024 đã khóa sổ" in response.content.decode()
    session.refresh_from_db()
    assert session.topic == "Quán triệt chuyên đề"
    detail = client.get(detail_url(session))
    assert detail.context["can_enter"] is False
    assert update_url(session) not in detail.content.decode()


def test_update_keeps_an_attendee_no_longer_on_the_roster(world, login):
    an, binh, _chi = world.people_a1
    session = make_session(world.cell_a1, attendee_ids=[an.pk, binh.pk])
    # The roster was corrected afterwards: Bình is recorded in another cell for the whole year.
    Membership.objects.filter(person=binh).update(organization=world.cell_a2)
    client = login(world.a1_secretary)
    page = client.get(update_url(session))
    assert sorted(ticked_ids(page.content.decode())) == sorted([an.pk, binh.pk])
    response = client.post(update_url(session), post_data(topic="Sửa nội dung", attendee_ids=[an.pk, binh.pk]))
    assert response.status_code == 302
    assert set(session.attendees.all()) == {an, binh}


# --- permissions --------------------------------------------------------------------------


def test_reviewer_reads_but_cannot_write(world, login):
    session = make_session(world.cell_a1)
    client = login(world.bloc_reviewer)
    assert client.get(list_url(world.cell_a1)).status_code == 200
    assert client.get(detail_url(session)).status_code == 200
    assert create_url(world.cell_a1) not in client.get(list_url(world.cell_a1)).content.decode()
    assert client.get(create_url(world.cell_a1)).status_code == 403
    assert client.post(create_url(world.cell_a1), post_data()).status_code == 403
    assert client.get(update_url(session)).status_code == 403
    assert client.post(update_url(session), post_data(topic="Sửa trộm")).status_code == 403
    assert StudySession.objects.count() == 1
    session.refresh_from_db()
    assert session.topic == "Quán triệt chuyên đề"


def test_secretary_of_another_cell_gets_404(world, login):
    session = make_session(world.cell_a1)
    client = login(world.b1_secretary)
    assert client.get(list_url(world.cell_a1)).status_code == 404
    assert client.get(create_url(world.cell_a1)).status_code == 404
    assert client.post(create_url(world.cell_a1), post_data()).status_code == 404
    assert client.get(detail_url(session)).status_code == 404
    assert client.get(update_url(session)).status_code == 404
    assert client.post(update_url(session), post_data(topic="Sửa trộm")).status_code == 404
    assert StudySession.objects.count() == 1


def test_outsider_gets_404(world, login):
    session = make_session(world.cell_a1)
    client = login(world.outsider)
    assert client.get(list_url(world.cell_a1)).status_code == 404
    assert client.get(detail_url(session)).status_code == 404


def test_anonymous_is_sent_to_login(world, client):
    session = make_session(world.cell_a1)
    for url in (list_url(world.cell_a1), create_url(world.cell_a1), detail_url(session), update_url(session)):
        response = client.get(url)
        assert response.status_code == 302
        assert "/login" in response["Location"] or "dang-nhap" in response["Location"]
    assert client.post(create_url(world.cell_a1), post_data()).status_code == 302
    assert StudySession.objects.count() == 1


# --- list ---------------------------------------------------------------------------------


def test_list_shows_the_years_sessions_newest_first_with_counts(world, login):
    plan_services.plan_save(organization=world.cell_a1, year=2024, required_thematic_meetings=4)
    an, binh, chi = world.people_a1
    study = make_session(world.cell_a1, held_on=datetime.date(2024, 1, 15), attendee_ids=[an.pk, binh.pk, chi.pk])
    thematic = make_session(
        world.cell_a1, held_on=datetime.date(2024, 3, 5), kind=SessionKind.THEMATIC, topic="Quý I", attendee_ids=[an.pk]
    )
    online = make_session(
        world.cell_a1,
        held_on=datetime.date(2024, 2, 1),
        kind=SessionKind.ONLINE,
        topic="Hội nghị trực tuyến",
        attendee_ids=[an.pk, binh.pk],
        extra_party_members=10,
        extra_union_members=5,
        extra_others=1,
        bridge_points=7,
    )
    make_session(world.cell_a1, held_on=datetime.date(2023, 6, 1), topic="Buổi năm trước")
    make_session(world.cell_a2, held_on=datetime.date(2024, 2, 2), topic="Buổi của chi bộ khác")
    client = login(world.a1_secretary)
    response = client.get(list_url(world.cell_a1))
    assert response.status_code == 200
    sessions = response.context["sessions"]
    assert sessions == [thematic, online, study]
    assert [s.attendance for s in sessions] == [1, 18, 3]
    assert response.context["total"] == 3
    assert response.context["thematic_held"] == 1
    assert response.context["thematic_required"] == 4
    assert response.context["attendance_total"] == 22
    body = response.content.decode()
    assert "Buổi năm trước" not in body
    assert "Buổi của chi bộ khác" not in body
    assert "Kế hoạch yêu cầu tối thiểu 4 buổi" in body
    assert f"{create_url(world.cell_a1)}?nam=2024" in body
    assert re.search(r'data-kind-count="online">1<', body)
    assert re.search(r'data-count="thematic">1<span[^>]*>/4<', body)

    filtered = client.get(list_url(world.cell_a1), {"hinh-thuc": "online"})
    assert filtered.context["sessions"] == [online]
    assert filtered.context["total"] == 3  # the counts at the top stay those of the year
    bogus = client.get(list_url(world.cell_a1), {"hinh-thuc": "bogus"})
    assert len(bogus.context["sessions"]) == 3

    previous = client.get(list_url(world.cell_a1, 2023))
    assert [s.topic for s in previous.context["sessions"]] == ["Buổi năm trước"]


def test_selector_reads_counts_and_rows_in_two_queries(world, django_assert_num_queries):
    an, binh, _chi = world.people_a1
    make_session(world.cell_a1, held_on=datetime.date(2024, 1, 15), attendee_ids=[an.pk, binh.pk])
    make_session(
        world.cell_a1, held_on=datetime.date(2024, 2, 1), kind=SessionKind.ONLINE, attendee_ids=[an.pk], extra_others=4
    )
    make_session(world.cell_a1, held_on=datetime.date(2023, 6, 1))
    with django_assert_num_queries(2):
        listed = year_sessions(organization=world.cell_a1, year=2024)
        shown = [(s.kind, s.ticked, s.attendance, s.theme) for s in listed.sessions]
    assert shown == [(SessionKind.ONLINE, 1, 5, None), (SessionKind.STUDY, 2, 2, None)]
    assert (listed.total, listed.counts, listed.attendance_total) == (2, {"online": 1, "study": 1}, 7)
    online = year_sessions(organization=world.cell_a1, year=2024, kind=SessionKind.ONLINE)
    assert (len(online.sessions), online.total, online.attendance_total) == (1, 2, 5)


def test_list_without_plan_and_closed_year_hides_the_add_button(world, login):
    client = login(world.a1_secretary)
    response = client.get(list_url(world.cell_a1))
    assert response.context["thematic_required"] is None
    assert "Chưa có kế hoạch năm" in response.content.decode()
    close_year(world.cell_a1)
    closed = client.get(list_url(world.cell_a1))
    assert closed.context["can_enter"] is False
    assert create_url(world.cell_a1) not in closed.content.decode()


def test_year_picker_without_javascript_redirects(world, login):
    response = login(world.a1_secretary).get(list_url(world.cell_a1), {"nam": "2023"})
    assert response.status_code == 302
    assert response["Location"] == list_url(world.cell_a1, 2023)


def _list_queries(client, url, expected_rows):
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    assert len(response.context["sessions"]) == expected_rows
    return len(captured)


def test_list_query_count_does_not_grow_with_rows(world, login, django_assert_max_num_queries):
    make_theme(2024)
    client = login(world.a1_secretary)
    url = list_url(world.cell_a1)
    client.get(url)  # warm up: the first request of a session does one-off work
    ids = [p.pk for p in world.people_a1]
    kinds = list(SessionKind.values)
    theme = make_theme(2023)  # some sessions carry a theme (select_related)
    for index in range(3):
        make_session(world.cell_a1, held_on=datetime.date(2024, 1, 1 + index), kind=kinds[index % 4], attendee_ids=ids)
    few = _list_queries(client, url, 3)
    for index in range(3, 30):
        make_session(
            world.cell_a1,
            held_on=datetime.date(2024, 1, 1 + index),
            kind=kinds[index % 4],
            attendee_ids=ids[: index % 3 + 1],
            theme=theme if index % 2 else None,
            bridge_points=3 if kinds[index % 4] == "online" else 0,
        )
    many = _list_queries(client, url, 30)
    assert many == few
    with django_assert_max_num_queries(15):
        client.get(url)


# --- detail and history ---------------------------------------------------------------------


def test_detail_splits_party_members_from_others(world, login):
    union = PersonFactory(organization=world.cell_a1, full_name="Hồ Thị Em", category=PersonCategory.YOUTH_UNION)
    probation = PersonFactory(
        organization=world.cell_a1, full_name="Đỗ Văn Giang", category=PersonCategory.PARTY_PROBATIONARY
    )
    an = world.people_a1[0]
    session = make_session(
        world.cell_a1,
        kind=SessionKind.ONLINE,
        attendee_ids=[an.pk, union.pk, probation.pk],
        extra_party_members=10,
        extra_union_members=4,
        extra_others=2,
        bridge_points=3,
    )
    response = login(world.a1_secretary).get(detail_url(session))
    assert response.status_code == 200
    assert response.context["party_total"] == 12  # An + Giang ticked, plus 10
    assert response.context["others_total"] == 7  # Em ticked, plus 4 + 2
    assert response.context["attendance_total"] == 19
    assert [p.full_name for p in response.context["attendees"]] == [
        "Trần Thị An",
        "Hồ Thị Em",
        "Đỗ Văn Giang",
    ]  # by given name
    body = response.content.decode()
    assert re.search(r'data-total="party">12<', body)
    assert re.search(r'data-total="others">7<', body)
    assert "Số điểm cầu" in body
    assert update_url(session) in body


def test_detail_shows_history_to_history_holders_only(world, login):
    an, binh, _chi = world.people_a1
    client = login(world.a1_secretary)
    client.post(create_url(world.cell_a1), post_data(attendee_ids=[an.pk]))
    session = StudySession.objects.get()
    with time_machine.travel(datetime.datetime(2024, 3, 15, 9, 0, 30, tzinfo=datetime.UTC), tick=False):
        response = client.post(update_url(session), post_data(topic="Nội dung mới", attendee_ids=[an.pk, binh.pk]))
        assert response.status_code == 302

    secretary_view = client.get(detail_url(session))
    assert secretary_view.context["history"] is None
    assert "Lịch sử thay đổi" not in secretary_view.content.decode()

    clerk_view = login(world.a_clerk).get(detail_url(session))
    assert clerk_view.status_code == 200
    assert clerk_view.context["can_enter"] is False
    history = clerk_view.context["history"]
    assert [entry["record"].history_type for entry in history] == ["~", "+"]  # one entry per save
    latest = history[0]
    assert latest["record"].history_user == world.a1_secretary
    assert "nội dung" in latest["changed"]
    assert "người dự" in latest["changed"]
    assert "hình thức" not in latest["changed"]
    body = clerk_view.content.decode()
    assert "Lịch sử thay đổi" in body
    assert "a1_secretary" in body
