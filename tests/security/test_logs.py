"""No personal data in the logs: names, passwords, mail addresses stay out of every log line."""

import logging
import smtplib
from unittest import mock

import pytest
from axes.models import AccessAttempt
from django.test import Client
from django.urls import reverse

from pledges import reminders
from tests.factories import UserFactory
from tests.transfers.test_import_people import person_row, xlsx

pytestmark = pytest.mark.django_db

SECRET = "Mat-khau-rat-bi-mat-2024"


@pytest.fixture
def everything(caplog):
    """Every record of every logger, down to DEBUG (axes is set to WARNING in the settings)."""
    caplog.set_level(logging.DEBUG)
    caplog.set_level(logging.DEBUG, logger="axes")
    return caplog


def logged_text(caplog) -> str:
    return "\n".join(f"{record.getMessage()} {record.exc_text or ''}" for record in caplog.records)


def test_a_failed_login_logs_neither_the_user_nor_the_password(world, everything, settings):
    UserFactory(username="nguyenvanan", first_name="An", last_name="Nguyễn Văn")
    client = Client()
    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post(reverse("login"), {"username": "nguyenvanan", "password": SECRET}, REMOTE_ADDR="203.0.113.10")
    text = logged_text(everything)
    assert "AXES: Locking out" in text  # the lockout itself is logged...
    for personal in ("nguyenvanan", "Nguyễn Văn", SECRET, "203.0.113.10"):
        assert personal not in text, personal  # ... but not who, from where, or with what
    # The failure record kept for the cool-off does not hold the password either.
    attempt = AccessAttempt.objects.get(username="nguyenvanan")
    assert SECRET not in attempt.post_data
    assert "password=****" in attempt.post_data


def test_a_successful_login_logs_no_user(world, everything):
    Client().post(reverse("login"), {"username": "a1_secretary", "password": "matkhau-thu-nghiem"})
    text = logged_text(everything)
    assert "Successful login" in text
    assert "a1_secretary" not in text
    assert "matkhau-thu-nghiem" not in text


def test_an_import_error_logs_no_name(world, login, everything):
    name = "Hoàng Thị Bí Mật"
    rows = [person_row(**{"Họ và tên": name, "Tổ chức đảng": "Chi bộ Không Tồn Tại"})]
    response = login(world.a_clerk).post(
        reverse("transfers:import_people", args=[world.committee_a.pk]), {"file": xlsx(rows)}
    )
    assert response.status_code == 200
    assert response.context["row_errors"]  # the page tells the clerk...
    assert name not in logged_text(everything)  # ... the log does not


def test_a_refused_reminder_mail_logs_the_user_id_not_the_address(world, everything):
    refusal = smtplib.SMTPRecipientsRefused({world.a1_secretary.email: (550, b"5.1.1 no such user")})
    reminder = mock.Mock(user=world.a1_secretary)
    with (
        mock.patch("pledges.reminders.reminders_due", return_value=[reminder]),
        mock.patch("pledges.reminders.reminder_send", side_effect=refusal),
    ):
        result = reminders.reminders_send()
    assert result.failed == [world.a1_secretary.pk]
    text = logged_text(everything)
    assert f"Reminder to user {world.a1_secretary.pk} could not be sent: SMTPRecipientsRefused" in text
    assert world.a1_secretary.email not in text
