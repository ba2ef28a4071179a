"""Mail that works: the test mail command, and server errors mailed to ADMINS without the
personal data of the request that failed."""

import pytest
from django.core import mail
from django.core.management import call_command
from django.test import Client
from django.urls import path

from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

ADMINS = [("Quản trị Tỉnh ủy", "quantri@example.gov.vn"), ("", "trucban@example.gov.vn")]
SMTP_PASSWORD = "Mat-khau-SMTP-2024"
DATABASE_PASSWORD = "Mat-khau-CSDL-2024"


def test_sendtestemail_sends_one_mail(settings):
    assert settings.EMAIL_BACKEND == "django.core.mail.backends.locmem.EmailBackend"
    call_command("sendtestemail", "x@example.vn")
    [message] = mail.outbox
    assert message.to == ["x@example.vn"]
    assert message.from_email == settings.DEFAULT_FROM_EMAIL


def test_sendtestemail_to_the_admins(settings):
    settings.ADMINS = ADMINS
    settings.SERVER_EMAIL = "loi-he-thong@example.gov.vn"
    call_command("sendtestemail", "--admins")
    [message] = mail.outbox
    assert message.to == ["quantri@example.gov.vn", "trucban@example.gov.vn"]
    assert message.from_email == "loi-he-thong@example.gov.vn"
    assert message.subject.startswith("[Làm theo Bác] ")


# --- server errors -------------------------------------------------------------------------


def failing_view(request, pk):
    raise RuntimeError(f"hồ sơ số {pk} không đọc được")


urlpatterns = [path("loi/<int:pk>/", failing_view)]


@pytest.fixture
def failing_site(settings):
    settings.ROOT_URLCONF = __name__
    settings.ADMINS = ADMINS
    settings.SERVER_EMAIL = "loi-he-thong@example.gov.vn"
    settings.EMAIL_HOST_PASSWORD = SMTP_PASSWORD
    settings.DATABASE_URL = f"postgres://lamtheobac:{DATABASE_PASSWORD}@db:5432/lamtheobac"
    user = UserFactory(username="nguyenvanan", first_name="An", last_name="Nguyễn Văn", email="an@example.vn")
    client = Client(raise_request_exception=False)
    client.force_login(user)
    client.cookies["ghi-nho"] = "an@example.vn"
    return client, user


def test_a_server_error_is_mailed_to_the_admins_without_personal_data(failing_site, settings):
    client, user = failing_site
    response = client.post(
        "/loi/42/?q=Nguyễn+Văn+An",
        {"full_name": "Nguyễn Văn An", "email": "an@example.vn"},
        REMOTE_ADDR="203.0.113.7",
        HTTP_X_FORWARDED_FOR="198.51.100.9",
        HTTP_USER_AGENT="Trình duyệt của An",
    )
    assert response.status_code == 500
    [message] = mail.outbox
    assert message.to == ["quantri@example.gov.vn", "trucban@example.gov.vn"]
    assert message.from_email == "loi-he-thong@example.gov.vn"
    assert message.subject.startswith("[Làm theo Bác] ERROR")
    assert "Internal Server Error: /loi/42/" in message.subject
    body = message.body
    # What the operator needs: the error, where, in which view, by which user id.
    assert "RuntimeError" in body and "hồ sơ số 42 không đọc được" in body
    assert "in failing_view" in body
    assert "Request Method: POST" in body
    assert f"USER: id {user.pk}" in body
    assert "full_name = '********************'" in body  # the field's name, not its value
    # What it must not carry: who asked, from where, what they sent, and secrets.
    for personal in (
        "nguyenvanan",
        "Nguyễn Văn",
        "an@example.vn",
        "203.0.113.7",
        "198.51.100.9",
        "Trình duyệt của An",
        client.cookies[settings.SESSION_COOKIE_NAME].value,
        SMTP_PASSWORD,
        DATABASE_PASSWORD,
        "quantri@example.gov.vn",
    ):
        assert personal not in body, personal


def test_no_error_mail_in_development(failing_site, settings):
    client, _user = failing_site
    settings.DEBUG = True
    assert client.get("/loi/42/").status_code == 500
    assert mail.outbox == []


def test_no_error_mail_without_admins(failing_site, settings):
    client, _user = failing_site
    settings.ADMINS = []
    assert client.get("/loi/42/").status_code == 500
    assert mail.outbox == []
