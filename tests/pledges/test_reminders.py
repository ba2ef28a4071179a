"""Daily reminders to cell secretaries: pledges not handed in, thematic meeting not held."""

import datetime
import re
import smtplib
import zoneinfo
from contextlib import contextmanager
from unittest import mock
from urllib.parse import urlsplit

import pytest
import time_machine
from django.core import mail
from django.db import IntegrityError, connection
from django.test.utils import CaptureQueriesContext
from django.urls import resolve

from committees.models import Organization, Role
from config.celery import app
from pledges import reminders
from pledges.models import ReminderLog, SessionKind
from pledges.services.plans import plan_close, plan_save
from pledges.services.pledges import ItemInput, pledge_create
from pledges.services.records import SessionInput, session_create
from pledges.tasks import ReminderDeliveryError, send_daily_reminders, send_reminder_chunk
from tests.factories import PersonFactory, UserFactory, grant, make_organization

pytestmark = pytest.mark.django_db

HCM = zoneinfo.ZoneInfo("Asia/Ho_Chi_Minh")
ITEMS = [ItemInput(content="Đi làm đúng giờ", area="workplace")]
WINDOW_OPENS = datetime.date(2024, 4, 16)  # default deadline 30/04/2024, minus 14 days


@contextmanager
def on(day: datetime.date):
    with time_machine.travel(datetime.datetime(day.year, day.month, day.day, 7, 0, tzinfo=HCM), tick=False):
        yield


def mails_to(user) -> list:
    return [message for message in mail.outbox if message.to == [user.email]]


def only_mail_to(user):
    messages = mails_to(user)
    assert len(messages) == 1, [m.subject for m in mail.outbox]
    return messages[0]


@pytest.fixture
def cell_a1_states(world):
    """In cell A1 (made on 15/03/2024): An submitted, Bình a draft, Chi nothing, Dũng exempt."""
    an, binh, chi = world.people_a1
    pledge_create(person=an, year=2024, items=ITEMS, submit=True)
    pledge_create(person=binh, year=2024, items=ITEMS)
    dung = PersonFactory(
        organization=world.cell_a1, full_name="Lê Văn Dũng", exemption="retired", exemption_reason="Hưu trí"
    )
    return {"an": an, "binh": binh, "chi": chi, "dung": dung}


# --- the pledge window -------------------------------------------------------------------


def test_before_the_window_nothing_is_sent_or_logged(world, cell_a1_states):
    for day in (datetime.date(2024, 3, 15), WINDOW_OPENS - datetime.timedelta(days=1)):
        with on(day):
            result = reminders.reminders_send()
        assert result.sent == 0
    assert mail.outbox == []
    assert not ReminderLog.objects.exists()


def test_inside_the_window_the_secretary_gets_the_missing_and_draft_people(world, cell_a1_states):
    with on(WINDOW_OPENS):
        result = reminders.reminders_send()

    assert result.sent == 3  # a1, a2 and b1 secretaries
    message = only_mail_to(world.a1_secretary)
    assert message.subject == "[Làm theo Bác] Nhắc việc ngày 16/04/2024 – Chi bộ Văn phòng Sở"
    assert message.from_email == "lamtheobac@localhost"
    assert "30/04/2024 (còn 14 ngày)" in message.body
    assert "   - Trần Thị Bình\n" in message.body  # draft counts as not handed in
    assert "   - Trần Thị Chi\n" in message.body
    assert "Trần Thị An" not in message.body  # submitted
    assert "Lê Văn Dũng" not in message.body  # exempt
    assert "Phòng Quản lý Thương mại" not in message.body  # another secretary's cell
    assert "sinh hoạt chuyên đề nào" not in message.body  # not the end of a quarter
    log = ReminderLog.objects.get(user=world.a1_secretary)
    assert (log.organization, log.sent_on, log.people_count) == (world.cell_a1, WINDOW_OPENS, 2)
    assert (log.subject, log.body) == (message.subject, message.body)


def test_names_follow_the_official_order(world, cell_a1_states):
    PersonFactory(organization=world.cell_a1, full_name="Nguyễn Văn Ba")
    PersonFactory(organization=world.cell_a1, full_name="Hoàng Thị Ánh")
    with on(WINDOW_OPENS):
        reminders.reminders_send()
    body = only_mail_to(world.a1_secretary).body
    names = ["Hoàng Thị Ánh", "Nguyễn Văn Ba", "Trần Thị Bình", "Trần Thị Chi"]
    assert [body.index(name) for name in names] == sorted(body.index(name) for name in names)


def test_after_the_deadline_reminders_go_on_and_say_it_is_overdue(world, cell_a1_states):
    with on(datetime.date(2024, 5, 2)):
        reminders.reminders_send()
    assert "30/04/2024 (đã quá hạn 2 ngày)" in only_mail_to(world.a1_secretary).body


def test_the_window_follows_the_plan_deadline(world):
    plan_save(organization=world.committee_a, year=2024, pledge_deadline=datetime.date(2024, 5, 15))
    with on(WINDOW_OPENS):
        reminders.reminders_send()
    assert mails_to(world.a1_secretary) == [] and mails_to(world.a2_secretary) == []
    assert len(mails_to(world.b1_secretary)) == 1  # committee B keeps the default 30/04
    with on(datetime.date(2024, 5, 1)):
        reminders.reminders_send()
    assert "15/05/2024 (còn 14 ngày)" in only_mail_to(world.a1_secretary).body


def test_a_cell_where_everyone_handed_in_gets_no_mail(world):
    for person in world.people_a1:
        pledge_create(person=person, year=2024, items=ITEMS, submit=True)
    with on(WINDOW_OPENS):
        reminders.reminders_send()
    assert mails_to(world.a1_secretary) == []
    assert not ReminderLog.objects.filter(user=world.a1_secretary).exists()
    assert len(mails_to(world.a2_secretary)) == 1


# --- links to the page to act on --------------------------------------------------------

LINK = re.compile(r"\bhttps?://\S+")
SITES = ["https://lamtheobac.example.vn", "http://10.1.2.3:8080"]


def links_in(body: str) -> list[str]:
    return LINK.findall(body)


def page_of(link: str, site: str):
    """The page an absolute link of the mail opens, checked to be on the configured site."""
    parts = urlsplit(link)
    assert f"{parts.scheme}://{parts.netloc}" == site, link
    assert not parts.query and not parts.fragment
    return resolve(parts.path)


@pytest.mark.parametrize("site", SITES)
def test_a_pledge_reminder_links_to_the_roster_of_the_cell_and_year(world, cell_a1_states, settings, login, site):
    settings.SITE_URL = site
    with on(WINDOW_OPENS):
        reminders.reminders_send()
    body = only_mail_to(world.a1_secretary).body
    [link] = links_in(body)  # no thematic meeting is due in April
    assert f"Danh sách đăng ký của chi bộ: {link}\n" in body
    page = page_of(link, site)
    assert page.view_name == "pledges:roster"
    assert page.kwargs == {"pk": world.cell_a1.pk, "year": 2024}
    # The secretary opens it and finds the people the mail names.
    response = login(world.a1_secretary).get(urlsplit(link).path)
    assert response.status_code == 200
    assert "Trần Thị Chi" in response.content.decode()
    assert ReminderLog.objects.get(user=world.a1_secretary).body == body


def test_a_meeting_reminder_links_to_the_sessions_of_the_year(world, settings, login):
    settings.SITE_URL = SITES[0]
    with on(datetime.date(2024, 3, 25)):  # before the pledge window: the meeting only
        reminders.reminders_send()
    body = only_mail_to(world.a1_secretary).body
    [link] = links_in(body)
    assert f"Ghi nhận buổi sinh hoạt chuyên đề: {link}\n" in body
    page = page_of(link, SITES[0])
    assert page.view_name == "pledges:session_list"
    assert page.kwargs == {"pk": world.cell_a1.pk, "year": 2024}
    assert login(world.a1_secretary).get(urlsplit(link).path).status_code == 200


def test_each_cell_of_a_mail_links_to_its_own_pages(world, cell_a1_states, settings):
    settings.SITE_URL = SITES[0]
    grant(world.a1_secretary, world.cell_a2, Role.SECRETARY)
    with on(datetime.date(2024, 6, 20)):  # pledges overdue and the quarter's meeting missing
        reminders.reminders_send()
    body = only_mail_to(world.a1_secretary).body
    second = body.index("2. Chi bộ Phòng Quản lý")
    for cell, section in ((world.cell_a1, body[:second]), (world.cell_a2, body[second:])):
        pages = [page_of(link, SITES[0]) for link in links_in(section)]
        assert [(page.view_name, page.kwargs) for page in pages] == [
            ("pledges:roster", {"pk": cell.pk, "year": 2024}),
            ("pledges:session_list", {"pk": cell.pk, "year": 2024}),
        ]


# --- once a day --------------------------------------------------------------------------


def test_running_twice_the_same_day_sends_one_mail(world, cell_a1_states):
    with on(WINDOW_OPENS):
        first = reminders.reminders_send()
        second = reminders.reminders_send()
    assert (first.sent, second.sent) == (3, 0)
    assert len(mails_to(world.a1_secretary)) == 1
    assert ReminderLog.objects.filter(user=world.a1_secretary).count() == 1


def test_the_next_day_sends_again(world, cell_a1_states):
    with on(WINDOW_OPENS):
        reminders.reminders_send()
    with on(WINDOW_OPENS + datetime.timedelta(days=1)):
        reminders.reminders_send()
    subjects = [m.subject for m in mails_to(world.a1_secretary)]
    assert subjects == [
        "[Làm theo Bác] Nhắc việc ngày 16/04/2024 – Chi bộ Văn phòng Sở",
        "[Làm theo Bác] Nhắc việc ngày 17/04/2024 – Chi bộ Văn phòng Sở",
    ]
    assert list(
        ReminderLog.objects.filter(user=world.a1_secretary).order_by("sent_on").values_list("sent_on", flat=True)
    ) == [WINDOW_OPENS, WINDOW_OPENS + datetime.timedelta(days=1)]


def test_a_reminder_computed_twice_is_sent_once(world, cell_a1_states):
    """Two runs racing: both computed the reminder, the log lets only one mail out."""
    with on(WINDOW_OPENS):
        due = [r for r in reminders.reminders_due() if r.user == world.a1_secretary]
        assert reminders.reminder_send(reminder=due[0], today=WINDOW_OPENS) is True
        assert reminders.reminder_send(reminder=due[0], today=WINDOW_OPENS) is False
    assert len(mails_to(world.a1_secretary)) == 1


def test_the_database_refuses_a_second_log_the_same_day(world):
    ReminderLog.objects.create(
        user=world.a1_secretary, organization=world.cell_a1, sent_on=WINDOW_OPENS, subject="x", body="x"
    )
    with pytest.raises(IntegrityError):
        ReminderLog.objects.create(
            user=world.a1_secretary, organization=world.cell_a2, sent_on=WINDOW_OPENS, subject="y", body="y"
        )


def test_a_secretary_of_two_cells_gets_one_mail_covering_both(world, cell_a1_states):
    grant(world.a1_secretary, world.cell_a2, Role.SECRETARY)
    with on(WINDOW_OPENS):
        reminders.reminders_send()
    message = only_mail_to(world.a1_secretary)
    assert message.subject.endswith("– Chi bộ Văn phòng Sở, Chi bộ Phòng Quản lý Thương mại")
    first, second = message.body.index("1. Chi bộ Văn phòng Sở"), message.body.index("2. Chi bộ Phòng Quản lý")
    assert first < second
    for person in world.people_a2:  # nobody in A2 has a pledge
        assert f"   - {person.full_name}\n" in message.body[second:]
    log = ReminderLog.objects.get(user=world.a1_secretary)
    assert log.people_count == 2 + 3
    assert ReminderLog.objects.count() == 3  # a1, a2, b1


def test_only_active_secretaries_of_live_cells_with_an_email_are_reminded(world):
    world.a2_secretary.email = ""
    world.a2_secretary.save()
    world.b1_secretary.is_active = False
    world.b1_secretary.save()
    grant(UserFactory(username="a_clerk_2"), world.cell_a1, Role.CLERK)
    grant(UserFactory(username="committee_secretary"), world.committee_a, Role.SECRETARY)
    with on(WINDOW_OPENS):
        reminders.reminders_send()
    assert [m.to for m in mail.outbox] == [[world.a1_secretary.email]]


def test_a_dissolved_cell_is_not_reminded(world):
    # Dissolving needs the people moved out first; the flag alone is what the selector reads.
    Organization.objects.filter(pk=world.cell_b1.pk).update(dissolved_on=datetime.date(2024, 4, 1))
    with on(WINDOW_OPENS):
        reminders.reminders_send()
    assert mails_to(world.b1_secretary) == []
    assert len(mails_to(world.a1_secretary)) == 1


# --- thematic meeting at the end of a quarter --------------------------------------------


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        (datetime.date(2024, 3, 17), False),
        (datetime.date(2024, 3, 18), True),
        (datetime.date(2024, 3, 31), True),
        (datetime.date(2024, 4, 1), False),
        (datetime.date(2024, 6, 16), False),
        (datetime.date(2024, 6, 17), True),
        (datetime.date(2024, 9, 17), True),
        (datetime.date(2024, 12, 17), False),
        (datetime.date(2024, 12, 18), True),
    ],
)
def test_meeting_window_is_the_last_14_days_of_the_quarter(day, expected):
    assert reminders.in_meeting_window(day) is expected


def test_quarter_end_reminds_of_a_missing_thematic_meeting_until_one_is_recorded(world):
    day = datetime.date(2024, 3, 25)
    with on(day):
        # A study session is not a thematic meeting.
        session_create(
            organization=world.cell_a1,
            data=SessionInput(held_on=datetime.date(2024, 3, 20), kind=SessionKind.STUDY, topic="Quán triệt"),
        )
        reminders.reminders_send()
    message = only_mail_to(world.a1_secretary)
    assert "chưa ghi nhận buổi sinh hoạt chuyên đề nào trong quý 1/2024" in message.body
    assert "31/03/2024" in message.body
    assert "Hạn nộp" not in message.body  # the pledge window is not open yet
    assert ReminderLog.objects.get(user=world.a1_secretary).people_count == 0

    with on(day + datetime.timedelta(days=1)):
        session_create(
            organization=world.cell_a1,
            data=SessionInput(held_on=day, kind=SessionKind.THEMATIC, topic="Sinh hoạt chuyên đề quý I"),
        )
        reminders.reminders_send()
    assert len(mails_to(world.a1_secretary)) == 1  # nothing left to say for A1
    assert len(mails_to(world.a2_secretary)) == 2  # A2 still has no meeting


def test_a_meeting_of_the_previous_quarter_does_not_count(world):
    with on(datetime.date(2024, 3, 20)):
        session_create(
            organization=world.cell_a1,
            data=SessionInput(held_on=datetime.date(2024, 3, 20), kind=SessionKind.THEMATIC, topic="Quý I"),
        )
    with on(datetime.date(2024, 6, 20)):
        reminders.reminders_send()
    assert "quý 2/2024" in only_mail_to(world.a1_secretary).body


def test_pledges_and_meeting_in_one_mail(world, cell_a1_states):
    with on(datetime.date(2024, 6, 20)):
        reminders.reminders_send()
    body = only_mail_to(world.a1_secretary).body
    assert "Trần Thị Chi" in body
    assert "quý 2/2024" in body


# --- closed year -------------------------------------------------------------------------


def test_a_closed_year_gets_no_reminders(world, cell_a1_states):
    plan = plan_save(organization=world.committee_a, year=2024)
    plan_close(plan=plan)
    for day in (WINDOW_OPENS, datetime.date(2024, 6, 20)):
        with on(day):
            reminders.reminders_send()
    assert mails_to(world.a1_secretary) == [] and mails_to(world.a2_secretary) == []
    assert len(mails_to(world.b1_secretary)) == 2  # committee B's year is open
    assert not ReminderLog.objects.filter(user__in=[world.a1_secretary, world.a2_secretary]).exists()


# --- the task and failures ---------------------------------------------------------------


def test_the_task_sends_the_reminders(world, cell_a1_states):
    with on(WINDOW_OPENS):
        assert send_daily_reminders.delay().get() == 3
        assert send_daily_reminders.delay().get() == 0
    assert len(mail.outbox) == 3
    assert ReminderLog.objects.count() == 3


def test_the_task_is_scheduled_daily_at_seven(settings):
    entry = settings.CELERY_BEAT_SCHEDULE["send-daily-reminders"]
    assert entry["task"] == send_daily_reminders.name == "pledges.tasks.send_daily_reminders"
    assert entry["schedule"].hour == {7} and entry["schedule"].minute == {0}
    assert settings.CELERY_TIMEZONE == "Asia/Ho_Chi_Minh"
    assert "requeue-stuck-renders" in settings.CELERY_BEAT_SCHEDULE


def test_a_failing_mail_leaves_no_log_so_a_later_run_sends(world, cell_a1_states):
    with on(WINDOW_OPENS):
        with mock.patch("pledges.reminders.send_mail", side_effect=smtplib.SMTPException("down")):
            result = reminders.reminders_send()
        assert result.sent == 0
        assert sorted(result.failed) == sorted(
            u.pk for u in (world.a1_secretary, world.a2_secretary, world.b1_secretary)
        )
        assert not ReminderLog.objects.exists()
        assert mail.outbox == []

        retry = reminders.reminders_send()
    assert retry.sent == 3
    assert len(mails_to(world.a1_secretary)) == 1
    assert ReminderLog.objects.count() == 3


@pytest.fixture
def eager_retries():
    """As on a worker: a retry runs again (at once, eagerly) instead of surfacing as an error."""
    app.conf.task_eager_propagates = False  # the autouse _eager_celery fixture restores it


def test_the_task_retries_only_the_mails_that_failed(world, cell_a1_states, eager_retries):
    real_send_mail = reminders.send_mail
    failed_once = []

    def flaky(subject, body, from_email, to, **kwargs):
        if to == [world.a1_secretary.email] and not failed_once:
            failed_once.append(True)
            raise smtplib.SMTPException("temporary failure")
        return real_send_mail(subject, body, from_email, to, **kwargs)

    with on(WINDOW_OPENS), mock.patch("pledges.reminders.send_mail", side_effect=flaky):
        result = send_daily_reminders.delay()  # the chunk's retry runs at once and sends A1's mail
    assert result.get() == 3  # secretaries handed to the chunk tasks
    assert failed_once == [True]
    assert sorted(m.to[0] for m in mail.outbox) == sorted(
        u.email for u in (world.a1_secretary, world.a2_secretary, world.b1_secretary)
    )
    assert ReminderLog.objects.count() == 3


def test_a_chunk_gives_up_after_its_retries_and_leaves_no_log(world, cell_a1_states, eager_retries):
    secretaries = [world.a1_secretary.pk, world.a2_secretary.pk, world.b1_secretary.pk]
    with (
        on(WINDOW_OPENS),
        mock.patch("pledges.reminders.send_mail", side_effect=smtplib.SMTPException("down")) as send,
    ):
        result = send_reminder_chunk.delay(secretaries, WINDOW_OPENS.isoformat())
    with pytest.raises(ReminderDeliveryError):
        result.get()
    assert send.call_count == 3 * (1 + send_reminder_chunk.max_retries)
    assert not ReminderLog.objects.exists()


def test_the_day_is_split_in_chunks_and_one_failing_chunk_loses_no_other(
    world, cell_a1_states, eager_retries, settings
):
    settings.REMINDER_CHUNK_SIZE = 1
    real_send_mail = reminders.send_mail

    def refuse_a2(subject, body, from_email, to, **kwargs):
        if to == [world.a2_secretary.email]:
            raise smtplib.SMTPException("mailbox full")
        return real_send_mail(subject, body, from_email, to, **kwargs)

    with (
        on(WINDOW_OPENS),
        mock.patch("pledges.reminders.send_mail", side_effect=refuse_a2),
        mock.patch.object(send_reminder_chunk, "delay", wraps=send_reminder_chunk.delay) as chunks,
    ):
        assert send_daily_reminders.delay().get() == 3
    assert [call.args[0] for call in chunks.call_args_list] == [
        [u.pk] for u in sorted((world.a1_secretary, world.a2_secretary, world.b1_secretary), key=lambda u: u.pk)
    ]
    assert sorted(m.to[0] for m in mail.outbox) == sorted([world.a1_secretary.email, world.b1_secretary.email])
    assert set(ReminderLog.objects.values_list("user_id", flat=True)) == {world.a1_secretary.pk, world.b1_secretary.pk}


def test_each_chunk_mails_over_one_connection(world, cell_a1_states):
    with on(WINDOW_OPENS), mock.patch("pledges.reminders.get_connection", wraps=reminders.get_connection) as opened:
        assert reminders.reminders_send().sent == 3
    assert opened.call_count == 1


# --- bounded queries ---------------------------------------------------------------------


def _count_queries() -> int:
    with on(datetime.date(2024, 6, 20)), CaptureQueriesContext(connection) as queries:
        due = reminders.reminders_due()
    assert due
    return len(queries)


def test_queries_do_not_grow_with_the_number_of_people(world):
    few = _count_queries()
    for number in range(15):
        person = PersonFactory(organization=world.cell_a1, full_name=f"Phạm Văn Người{number}")
        if number % 3 == 0:
            pledge_create(person=person, year=2024, items=ITEMS)
    assert _count_queries() == few


def test_queries_do_not_grow_with_the_number_of_cells(world):
    few = _count_queries()
    for number in range(12):
        cell = make_organization(world.committee_b, name=f"Chi bộ số {number}")
        PersonFactory(organization=cell, full_name=f"Đỗ Văn Bí{number}")
        grant(UserFactory(username=f"bithu{number}"), cell, Role.SECRETARY)
    assert len(reminders.reminders_due(today=datetime.date(2024, 6, 20))) == 3 + 12
    assert _count_queries() == few


# --- the admin ---------------------------------------------------------------------------


def test_the_admin_lists_logs_read_only(world, login, cell_a1_states):
    from django.urls import reverse

    with on(WINDOW_OPENS):
        reminders.reminders_send()
    log = ReminderLog.objects.get(user=world.a1_secretary)
    client = login(world.admin)
    listing = client.get(reverse("admin:pledges_reminderlog_changelist"))
    assert listing.status_code == 200
    assert "a1_secretary" in listing.content.decode()
    change = client.get(reverse("admin:pledges_reminderlog_change", args=[log.pk]))
    assert change.status_code == 200 and 'name="subject"' not in change.content.decode()
    assert client.get(reverse("admin:pledges_reminderlog_add")).status_code == 403
    assert client.post(reverse("admin:pledges_reminderlog_change", args=[log.pk]), {}).status_code == 403
