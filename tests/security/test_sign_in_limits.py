"""A spray of sign-ins from one address, each with a new user name, is stopped before hashing.

django-axes locks one user name from one address (tests/security/test_lockout.py); that never
catches a spray that tries each name once. Past LOGIN_ADDRESS_FAILURE_LIMIT failures within the
cool-off, every sign-in from the address is refused before authenticate() runs: no password is
hashed, nothing is written, and the other users' pages keep their speed.
"""

import datetime
import statistics
import time

import pytest
import time_machine
from axes.models import AccessAttempt
from django.contrib.auth.hashers import MD5PasswordHasher
from django.core.cache import cache
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from rest_framework.test import APIClient

from tests.conftest import TODAY

pytestmark = pytest.mark.django_db

PASSWORD = "matkhau-thu-nghiem"
SPRAYER, OFFICE = "203.0.113.66", "198.51.100.7"
REFUSED = "Có quá nhiều lần đăng nhập sai từ địa chỉ mạng này"
LIMIT = 8


class CountingHasher(MD5PasswordHasher):
    """The test suite's hasher, counting its work and made as slow as a real one is, relatively.

    Argon2 takes tens of milliseconds of a core per hash, far more than a page; MD5 takes none.
    `cost` seconds of busy work per hash give the spray its real weight in this test.
    """

    calls = 0
    cost = 0.0

    def encode(self, password, salt):
        CountingHasher.calls += 1
        deadline = time.perf_counter() + CountingHasher.cost
        while time.perf_counter() < deadline:
            pass
        return super().encode(password, salt)


@pytest.fixture(autouse=True)
def _limits(settings, world):  # after the world: its users' passwords are not the spray's hashes
    settings.LOGIN_ADDRESS_FAILURE_LIMIT = LIMIT
    settings.PASSWORD_HASHERS = [f"{__name__}.CountingHasher"]
    CountingHasher.calls, CountingHasher.cost = 0, 0.0
    cache.clear()  # a refusal is remembered for a few seconds
    yield
    cache.clear()


def sign_in(username: str, password: str = "sai-mat-khau", address: str = SPRAYER, path: str = "/dang-nhap/"):
    return Client().post(path, {"username": username, "password": password}, REMOTE_ADDR=address)


def token(username: str, password: str = "sai-mat-khau", address: str = SPRAYER):
    data = {"username": username, "password": password}
    return APIClient().post("/api/v1/token/", data, format="json", REMOTE_ADDR=address)


def spray(count: int, start: int = 0) -> list[int]:
    return [sign_in(f"khong-co-{number}").status_code for number in range(start, start + count)]


def test_a_spray_is_refused_past_the_limit_before_any_password_is_hashed(world):
    assert spray(LIMIT) == [200] * LIMIT  # "wrong user name or password", each hashed once
    assert CountingHasher.calls == LIMIT
    rows = AccessAttempt.objects.count()

    response = sign_in("khong-co-nua")
    assert response.status_code == 429
    page = response.content.decode()
    assert REFUSED in page and "Hãy thử lại sau 15 phút" not in page and "thử lại sau 15 phút" in page
    assert response["Retry-After"] == str(15 * 60)
    assert reverse("login") in page
    assert spray(40, start=100) == [429] * 40
    # ... by the right password too, on the admin's login and on the API token endpoint:
    assert sign_in("a1_secretary", PASSWORD).status_code == 429
    assert sign_in("admin", PASSWORD, path="/quan-tri/login/").status_code == 429
    refused = token("a1_secretary", PASSWORD)
    assert refused.status_code == 429 and REFUSED in refused.json()["detail"]
    assert refused["Retry-After"] == str(15 * 60)

    assert CountingHasher.calls == LIMIT  # not one hash after the limit
    assert AccessAttempt.objects.count() == rows  # nor a row: the refusals neither count nor extend


def test_other_addresses_sign_in_as_usual(world):
    spray(LIMIT)
    response = sign_in("a1_secretary", PASSWORD, address=OFFICE)
    assert (response.status_code, response.url) == (302, reverse("home"))
    assert token("a2_secretary", PASSWORD, address=OFFICE).status_code == 200


def test_token_endpoint_failures_count_too(world):
    for number in range(LIMIT):
        assert token(f"khong-co-{number}").status_code == 400
    assert sign_in("a1_secretary", PASSWORD).status_code == 429
    assert token("a1_secretary", PASSWORD).status_code == 429


def test_a_few_failures_of_an_office_never_reach_the_limit(world):
    # Several users mistype, each fewer times than their own limit, then get in.
    for username in ("a1_secretary", "a2_secretary", "b1_secretary"):
        for _ in range(2):
            sign_in(username, address=OFFICE)
    for username in ("a1_secretary", "a2_secretary", "b1_secretary"):
        assert sign_in(username, PASSWORD, address=OFFICE).status_code == 302
    assert AccessAttempt.objects.filter(ip_address=OFFICE).count() == 0  # successes reset them


def test_the_address_may_try_again_as_its_failures_age_out(world, settings):
    spray(LIMIT // 2)
    with time_machine.travel(TODAY + datetime.timedelta(minutes=5), tick=False):
        spray(LIMIT - LIMIT // 2, start=50)
        response = sign_in("khong-co-nua")
        assert response.status_code == 429
        # The first half ages out 15 minutes after it was made: 10 minutes from now.
        assert response["Retry-After"] == str(10 * 60)
        assert "thử lại sau 10 phút" in response.content.decode()
    with time_machine.travel(TODAY + datetime.timedelta(minutes=15, seconds=1), tick=False):
        assert sign_in("a1_secretary", PASSWORD).status_code == 302


def test_the_administrator_lifts_the_lock_within_seconds(world):
    spray(LIMIT)
    assert sign_in("a1_secretary", PASSWORD).status_code == 429
    call_command("axes_reset_ip", SPRAYER)
    # Each process remembers a refusal for a few seconds, not longer.
    with time_machine.travel(TODAY + datetime.timedelta(seconds=11), tick=False):
        assert sign_in("a1_secretary", PASSWORD).status_code == 302


def test_the_limit_comes_from_the_settings(world, settings):
    settings.LOGIN_ADDRESS_FAILURE_LIMIT = 3
    assert spray(4) == [200, 200, 200, 429]


def test_a_spray_leaves_another_users_page_within_twice_its_time(world):
    """Coarse, on purpose (timings belong to bench/): a secretary's page after six spraying loops
    sent one more try each, against the page alone, in alternate rounds (so that the load of a
    shared machine weighs on both alike). Each hash costs as much as the page, as Argon2 does in
    production: before the limit a round costs about seven pages, after it less than two."""
    client = Client()
    client.force_login(world.a1_secretary)
    roster = reverse("pledges:roster", args=[world.cell_a1.pk, 2024])

    def page_time() -> float:
        started = time.perf_counter()
        assert client.get(roster, REMOTE_ADDR=OFFICE).status_code == 200
        return time.perf_counter() - started

    page_time()  # warm up
    CountingHasher.cost = statistics.median(page_time() for _ in range(5))
    hashed_round = time.perf_counter()
    spray(6)  # below the limit: six hashes
    hashed_round = time.perf_counter() - hashed_round + page_time()
    spray(LIMIT - 6, start=6)  # the limit is reached
    hashed = CountingHasher.calls

    alone, during = [], []
    for round_number in range(11):
        alone.append(page_time())
        started = time.perf_counter()
        spray(6, start=1000 + 6 * round_number)
        page_time()
        during.append(time.perf_counter() - started)
    assert CountingHasher.calls == hashed
    assert hashed_round > 4 * CountingHasher.cost  # what the spray cost before the limit
    assert statistics.median(during) < 2 * statistics.median(alone), (alone, during)
