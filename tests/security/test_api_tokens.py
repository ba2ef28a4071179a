"""API tokens as a bank would issue them (django-rest-knox, committees/api_tokens.py).

Kept as a digest, with an expiry, at most API_TOKEN_LIMIT in force per account; listed and
revoked by their owner on the "Khóa truy cập API" page; all revoked when the password changes
(whichever way) and when the account is deactivated.
"""

import datetime

import pytest
import time_machine
from django.contrib.auth import get_user_model
from django.contrib.auth.tokens import default_token_generator
from django.core.management import call_command
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from knox.models import AuthToken
from rest_framework.test import APIClient

from committees import accounts
from tests.conftest import TODAY
from tests.factories import api_token

pytestmark = pytest.mark.django_db

PASSWORD = "matkhau-thu-nghiem"
NEW_PASSWORD = "Lam-theo-Bac-2024!"


def works(token: str) -> bool:
    """Does the API accept this token? (401 otherwise.)"""
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    status = client.get("/api/v1/organizations/").status_code
    assert status in (200, 401), status
    return status == 200


def obtain(username: str = "a1_secretary", password: str = PASSWORD):
    return APIClient().post("/api/v1/token/", {"username": username, "password": password}, format="json")


# --- at rest, expiry, limit ---------------------------------------------------------------------


def test_the_database_holds_no_token_in_clear(world):
    token = obtain().json()["token"]
    assert len(token) == 64
    (row,) = AuthToken.objects.filter(user=world.a1_secretary).values()
    assert all(token not in str(value) for value in row.values())
    assert works(token)


def test_a_token_expires_after_api_token_ttl(world, settings):
    token = obtain().json()["token"]
    with time_machine.travel(TODAY + settings.API_TOKEN_TTL - datetime.timedelta(minutes=1), tick=False):
        assert works(token)
    with time_machine.travel(TODAY + settings.API_TOKEN_TTL + datetime.timedelta(minutes=1), tick=False):
        assert not works(token)
        # An expired token is gone, not merely refused.
        assert not AuthToken.objects.filter(user=world.a1_secretary).exists()


def test_at_most_api_token_limit_tokens_are_in_force(world, settings):
    settings.API_TOKEN_LIMIT = 2
    assert obtain().status_code == 200
    assert obtain().status_code == 200
    refused = obtain()
    assert refused.status_code == 403
    assert "Khóa truy cập API" in refused.json()["detail"] and "2 khóa" in refused.json()["detail"]
    assert AuthToken.objects.filter(user=world.a1_secretary).count() == 2
    # Expired ones do not count.
    with time_machine.travel(TODAY + settings.API_TOKEN_TTL + datetime.timedelta(days=1), tick=False):
        assert obtain().status_code == 200
        assert AuthToken.objects.filter(user=world.a1_secretary).count() == 1


@pytest.mark.parametrize(
    "header", ["Token \x00", "Token " + "a" * 63 + "\x00", "Token " + "g" * 64, "Token " + "a" * 5000]
)
def test_a_malformed_token_is_a_401_without_a_query(world, header, django_assert_num_queries):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=header)
    with django_assert_num_queries(0):
        response = client.get("/api/v1/organizations/")
    assert response.status_code == 401


# --- the owner's page ---------------------------------------------------------------------------


def test_the_page_lists_only_the_users_tokens_in_force(world, login):
    mine = api_token(world.a1_secretary)
    api_token(world.b1_secretary)
    with time_machine.travel(TODAY - datetime.timedelta(days=60), tick=False):
        api_token(world.a1_secretary)  # expired by now
    client = login(world.a1_secretary)
    page = client.get(reverse("committees:api_tokens"))
    assert page.status_code == 200
    html = page.content.decode()
    assert "Khóa truy cập API" in html
    (listed,) = page.context["tokens"]
    assert listed.token_key == mine[:15]
    assert f"<code>{mine[:8]}…</code>" in html and mine not in html
    assert "15/03/2024" in html and "14/04/2024" in html  # issued, expires
    # The account menu links to it.
    menu = client.get(reverse("password_change")).content.decode()
    assert f'href="{reverse("committees:api_tokens")}">Khóa truy cập API<' in menu


def test_the_owner_revokes_one_token_then_all(world, login):
    first, second, third = (api_token(world.a1_secretary) for _ in range(3))
    client = login(world.a1_secretary)
    digest = AuthToken.objects.get(token_key=first[:15]).digest
    response = client.post(reverse("committees:api_token_revoke"), {"token": digest})
    assert (response.status_code, response.url) == (302, reverse("committees:api_tokens"))
    assert not works(first) and works(second) and works(third)
    client.post(reverse("committees:api_token_revoke"), {"all": "1"})
    assert not works(second) and not works(third)


def test_someone_elses_token_cannot_be_revoked(world, login):
    theirs = api_token(world.b1_secretary)
    client = login(world.a1_secretary)
    digest = AuthToken.objects.get(user=world.b1_secretary).digest
    assert client.post(reverse("committees:api_token_revoke"), {"token": digest}).status_code == 404
    assert client.post(reverse("committees:api_token_revoke"), {}).status_code == 404
    client.post(reverse("committees:api_token_revoke"), {"all": "1"})
    assert works(theirs)


# --- revoked when the password changes or the account is locked ---------------------------------


def test_changing_the_password_on_the_page_revokes_every_token(world, login):
    tokens = [api_token(world.a1_secretary), api_token(world.a1_secretary)]
    other = api_token(world.a2_secretary)
    client = login(world.a1_secretary)
    response = client.post(
        reverse("password_change"),
        {"old_password": PASSWORD, "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )
    assert response.status_code == 302
    assert not any(works(token) for token in tokens)
    assert works(other)


def test_a_password_reset_link_revokes_every_token(world, client):
    token = api_token(world.a1_secretary)
    uid = urlsafe_base64_encode(force_bytes(world.a1_secretary.pk))
    link = reverse("password_reset_confirm", args=[uid, default_token_generator.make_token(world.a1_secretary)])
    form_url = client.get(link).url
    response = client.post(form_url, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})
    assert response.status_code == 302
    assert not works(token)


def test_the_first_sign_in_password_page_revokes_every_token(world, client):
    account = get_user_model().objects.get(pk=world.a1_secretary.pk)
    accounts.AccountProfile.objects.create(user=account, must_set_password=True)
    token = api_token(account)
    client.post(reverse("login"), {"username": "a1_secretary", "password": PASSWORD})
    response = client.post(
        reverse("committees:password_set"), {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD}
    )
    assert response.status_code == 302
    assert not works(token)


def test_the_admin_and_the_command_revoke_too(world, client, monkeypatch):
    token = api_token(world.a1_secretary)
    client.force_login(world.admin)
    response = client.post(
        reverse("admin:auth_user_password_change", args=[world.a1_secretary.pk]),
        {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD, "usable_password": "true"},
    )
    assert response.status_code == 302
    assert not works(token)
    token = api_token(world.a1_secretary)
    monkeypatch.setattr("getpass.getpass", lambda prompt="": "Mot-mat-khau-khac-2024")
    call_command("changepassword", "a1_secretary", stdout=None)
    assert not works(token)


def test_deactivating_the_account_revokes_every_token(world):
    token = api_token(world.a1_secretary)
    accounts.account_deactivate(by=world.a_clerk, user=world.a1_secretary)
    assert not AuthToken.objects.filter(user=world.a1_secretary).exists()
    accounts.account_reactivate(by=world.a_clerk, user=world.a1_secretary)
    assert not works(token)


def test_signing_in_or_saving_the_user_otherwise_keeps_the_tokens(world, client):
    token = api_token(world.a1_secretary)
    client.post(reverse("login"), {"username": "a1_secretary", "password": PASSWORD})
    world.a1_secretary.first_name = "Tên mới"
    world.a1_secretary.save()
    assert works(token)


def test_the_admin_lists_and_revokes_but_never_issues(world, client):
    token = api_token(world.a1_secretary)
    row = AuthToken.objects.get(user=world.a1_secretary)
    client.force_login(world.admin)
    listing = client.get(reverse("admin:knox_authtoken_changelist")).content.decode()
    assert f"{token[:8]}…" in listing and token[:15] not in listing  # (the digest, its key, is no secret)
    assert client.get(reverse("admin:knox_authtoken_add")).status_code == 403
    response = client.post(reverse("admin:knox_authtoken_delete", args=[row.pk]), {"post": "yes"})
    assert response.status_code == 302
    assert not works(token)
