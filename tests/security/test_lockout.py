"""Repeated failed logins lock one user name from one address for a while (django-axes).

A committee office goes out through one address: the lockout must never hold the address
alone, nor the user everywhere. The world's users all have the password PASSWORD.
"""

import datetime

import pytest
import time_machine
from axes.models import AccessAttempt
from django.test import Client
from django.urls import reverse
from knox.models import AuthToken
from rest_framework.test import APIClient

from tests.conftest import TODAY

pytestmark = pytest.mark.django_db

PASSWORD = "matkhau-thu-nghiem"
OFFICE, HOME = "203.0.113.10", "198.51.100.7"
LOCKED = "tạm thời bị khóa đăng nhập"


@pytest.fixture
def limit(settings) -> int:
    return settings.AXES_FAILURE_LIMIT


def attempt(username: str, password: str, address: str = OFFICE, client: Client | None = None):
    """One try on the login page, from `address`, with a fresh browser unless one is given."""
    client = client or Client()
    return client.post(reverse("login"), {"username": username, "password": password}, REMOTE_ADDR=address)


def logged_in(response) -> bool:
    return response.status_code == 302 and response.url == reverse("home")


def fail(username: str, times: int, address: str = OFFICE):
    for _ in range(times):
        response = attempt(username, "sai-mat-khau", address)
    return response


def test_the_settings_are_five_failures_and_fifteen_minutes(settings):
    assert settings.AXES_FAILURE_LIMIT == 5
    assert settings.AXES_COOLOFF_TIME.total_seconds() == 15 * 60
    assert settings.AXES_LOCKOUT_PARAMETERS == [["username", "ip_address"]]


def test_failures_below_the_limit_only_say_the_password_is_wrong(world, limit):
    response = fail("a1_secretary", limit - 1)
    assert response.status_code == 200
    assert LOCKED not in response.content.decode()
    assert logged_in(attempt("a1_secretary", PASSWORD))


def test_the_limit_th_failure_locks_that_user_from_that_address(world, limit):
    response = fail("a1_secretary", limit)
    assert response.status_code == 429
    page = response.content.decode()
    # The login page again, with the reason, the wait and who can help.
    assert 'id="lockout-message"' in page
    assert LOCKED in page
    assert "Hãy thử lại sau 15 phút" in page
    assert "liên hệ quản trị hệ thống" in page
    assert 'name="password"' in page
    assert 'value="a1_secretary"' in page
    assert response["Retry-After"] == str(15 * 60)
    # Even the right password is refused now, from that address.
    refused = attempt("a1_secretary", PASSWORD)
    assert refused.status_code == 429
    assert LOCKED in refused.content.decode()


def test_the_same_user_from_another_address_still_logs_in(world, limit):
    fail("a1_secretary", limit, OFFICE)
    assert logged_in(attempt("a1_secretary", PASSWORD, HOME))


def test_another_user_from_the_same_address_still_logs_in(world, limit):
    fail("a1_secretary", limit, OFFICE)
    assert logged_in(attempt("a2_secretary", PASSWORD, OFFICE))
    # ... and has failures of their own counted apart.
    assert fail("a2_secretary", limit - 1, OFFICE).status_code == 200


def test_failures_of_several_users_from_one_address_do_not_add_up(world, limit):
    for username in ("a1_secretary", "a2_secretary", "b1_secretary"):
        fail(username, limit - 1, OFFICE)
    for username in ("a1_secretary", "a2_secretary", "b1_secretary"):
        assert logged_in(attempt(username, PASSWORD, OFFICE)), username


def test_a_successful_login_resets_the_count(world, limit):
    fail("a1_secretary", limit - 1)
    assert logged_in(attempt("a1_secretary", PASSWORD))
    assert not AccessAttempt.objects.filter(username="a1_secretary").exists()
    assert fail("a1_secretary", limit - 1).status_code == 200
    assert logged_in(attempt("a1_secretary", PASSWORD))


def test_the_lockout_ends_after_the_cool_off(world, limit):
    fail("a1_secretary", limit)
    with time_machine.travel(TODAY + datetime.timedelta(minutes=14, seconds=1), tick=False):
        response = attempt("a1_secretary", PASSWORD)
        assert response.status_code == 429
        assert "Hãy thử lại sau 1 phút" in response.content.decode()
    with time_machine.travel(TODAY + datetime.timedelta(minutes=15, seconds=1), tick=False):
        assert logged_in(attempt("a1_secretary", PASSWORD))


def test_tries_during_the_lockout_neither_count_nor_extend_it(world, limit):
    fail("a1_secretary", limit)
    with time_machine.travel(TODAY + datetime.timedelta(minutes=10), tick=False):
        response = attempt("a1_secretary", "sai-mat-khau")
        assert response.status_code == 429
        assert "Hãy thử lại sau 5 phút" in response.content.decode()
    assert AccessAttempt.objects.get(username="a1_secretary").failures_since_start == limit
    with time_machine.travel(TODAY + datetime.timedelta(minutes=15, seconds=1), tick=False):
        assert logged_in(attempt("a1_secretary", PASSWORD))


def test_limit_and_cool_off_come_from_the_settings(world, settings):
    settings.AXES_FAILURE_LIMIT = 2
    settings.AXES_COOLOFF_TIME = datetime.timedelta(minutes=30)
    response = fail("a1_secretary", 2)
    assert response.status_code == 429
    assert "sai mật khẩu 2 lần" in response.content.decode()
    assert "Hãy thử lại sau 30 phút" in response.content.decode()


def test_the_admin_login_is_covered_too(world, limit):
    client = Client()
    for _ in range(limit):
        response = client.post(
            "/quan-tri/login/", {"username": "admin", "password": "sai-mat-khau"}, REMOTE_ADDR=OFFICE
        )
    assert response.status_code == 429
    response = client.post("/quan-tri/login/", {"username": "admin", "password": PASSWORD}, REMOTE_ADDR=OFFICE)
    assert response.status_code == 429
    assert "_auth_user_id" not in client.session


def test_the_lockout_page_keeps_a_safe_next_and_drops_a_foreign_one(world, limit):
    client = Client()
    for _ in range(limit):
        response = client.post(
            reverse("login") + "?next=/to-chuc/",
            {"username": "a1_secretary", "password": "sai", "next": "https://evil.example/"},
            REMOTE_ADDR=OFFICE,
        )
    assert "evil.example" not in response.content.decode()
    response = client.post(
        reverse("login"), {"username": "a1_secretary", "password": "sai", "next": "/to-chuc/"}, REMOTE_ADDR=OFFICE
    )
    assert 'name="next" value="/to-chuc/"' in response.content.decode()


# --- behind a reverse proxy -----------------------------------------------------------------


def test_behind_one_proxy_the_client_address_is_the_one_the_proxy_appended(world, settings, limit):
    settings.TRUSTED_PROXY_COUNT = 1
    proxy = "127.0.0.1"
    client = Client()
    for _ in range(limit):
        # Whatever the client wrote itself (the left part) changes nothing.
        response = client.post(
            reverse("login"),
            {"username": "a1_secretary", "password": "sai"},
            REMOTE_ADDR=proxy,
            HTTP_X_FORWARDED_FOR=f"10.9.9.{_}, {OFFICE}",
        )
    assert response.status_code == 429
    assert AccessAttempt.objects.get(username="a1_secretary").ip_address == OFFICE
    # Another client reaching the same proxy is not locked.
    response = Client().post(
        reverse("login"),
        {"username": "a1_secretary", "password": PASSWORD},
        REMOTE_ADDR=proxy,
        HTTP_X_FORWARDED_FOR=HOME,
    )
    assert logged_in(response)


def test_without_a_trusted_proxy_the_forwarded_header_is_ignored(world, settings, limit):
    assert settings.TRUSTED_PROXY_COUNT == 0
    for number in range(limit):
        response = Client().post(
            reverse("login"),
            {"username": "a1_secretary", "password": "sai"},
            REMOTE_ADDR=OFFICE,
            HTTP_X_FORWARDED_FOR=f"10.9.9.{number}",
        )
    assert response.status_code == 429


def test_a_forwarded_value_that_is_not_an_address_falls_back_to_the_peer(world, settings):
    settings.TRUSTED_PROXY_COUNT = 1
    Client().post(
        reverse("login"),
        {"username": "a1_secretary", "password": "sai"},
        REMOTE_ADDR=OFFICE,
        HTTP_X_FORWARDED_FOR="không-phải-địa-chỉ",
    )
    assert AccessAttempt.objects.get(username="a1_secretary").ip_address == OFFICE


# --- the API token endpoint -------------------------------------------------------------------


def token_attempt(username: str, password: str, address: str = OFFICE):
    return APIClient().post(
        "/api/v1/token/", {"username": username, "password": password}, format="json", REMOTE_ADDR=address
    )


def test_the_token_endpoint_counts_failures_and_locks_the_same_way(world, limit):
    for _ in range(limit - 1):
        assert token_attempt("a1_secretary", "sai").status_code == 400
    response = token_attempt("a1_secretary", "sai")
    assert response.status_code == 429
    assert LOCKED in response.json()["detail"]
    assert "15 phút" in response.json()["detail"]
    assert response["Retry-After"] == str(15 * 60)
    response = token_attempt("a1_secretary", PASSWORD)
    assert response.status_code == 429
    assert not AuthToken.objects.filter(user=world.a1_secretary).exists()
    # Elsewhere, or another user: a token as usual.
    assert token_attempt("a1_secretary", PASSWORD, HOME).status_code == 200
    assert token_attempt("a2_secretary", PASSWORD, OFFICE).status_code == 200


def test_page_and_token_failures_count_together(world, limit):
    fail("a1_secretary", limit - 1)
    assert token_attempt("a1_secretary", "sai").status_code == 429
    assert attempt("a1_secretary", PASSWORD).status_code == 429
