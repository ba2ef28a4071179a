"""Token and session authentication. (The tokens' life: tests/security/test_api_tokens.py.)"""

import datetime

from knox.crypto import hash_token
from knox.models import AuthToken
from rest_framework.test import APIClient

from tests.api.conftest import make_pledge, url
from tests.conftest import TODAY
from tests.factories import api_token


def test_a_token_is_obtained_with_username_and_password(world, settings):
    client = APIClient()
    response = client.post(url("token/"), {"username": "a1_secretary", "password": "matkhau-thu-nghiem"}, format="json")
    assert response.status_code == 200
    body = response.json()
    assert set(body) == {"token", "expiry"}
    token = AuthToken.objects.get(user=world.a1_secretary)
    # Only the digest is kept: the token itself is nowhere in the database.
    assert token.digest == hash_token(body["token"]) and body["token"] not in (token.digest, token.token_key)
    assert token.expiry == TODAY + settings.API_TOKEN_TTL
    assert datetime.datetime.fromisoformat(body["expiry"]) == token.expiry
    response = client.post(url("token/"), {"username": "a1_secretary", "password": "sai"}, format="json")
    assert response.status_code == 400
    assert response.json() == {"non_field_errors": ["Không thể đăng nhập với thông tin đã nhập."]}
    response = client.post(url("token/"), {"username": "a1_secretary"}, format="json")
    assert response.status_code == 400
    assert response.json() == {"password": ["Trường này là bắt buộc."]}


def test_a_token_client_sees_only_its_own_subtree(world):
    mine = make_pledge(world.people_a1[0])
    theirs = make_pledge(world.people_b1[0])
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {api_token(world.a1_secretary)}")
    organizations = client.get(url("organizations/")).json()["results"]
    assert [row["id"] for row in organizations] == [world.cell_a1.pk]
    assert [row["id"] for row in client.get(url("pledges/")).json()["results"]] == [mine.pk]
    assert client.get(url(f"pledges/{theirs.pk}/")).status_code == 404
    # Writes with a token need no CSRF token.
    response = client.post(url(f"pledges/{mine.pk}/submit/"), {}, format="json")
    assert response.status_code == 200


def test_a_wrong_or_inactive_token_is_401(world):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION="Token khong-dung")
    response = client.get(url("pledges/"))
    assert response.status_code == 401
    assert response["WWW-Authenticate"] == "Token"
    assert "Xác thực không thành công" in response.json()["detail"]
    token = api_token(world.b1_secretary)
    world.b1_secretary.is_active = False
    world.b1_secretary.save()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    assert client.get(url("pledges/")).status_code == 401


def test_session_clients_must_send_the_csrf_token_on_writes(world):
    pledge = make_pledge(world.people_a1[0])
    client = APIClient(enforce_csrf_checks=True)
    client.force_login(world.a1_secretary)
    assert client.get(url("pledges/")).status_code == 200
    response = client.post(url(f"pledges/{pledge.pk}/submit/"), {}, format="json")
    assert response.status_code == 403
    assert response.json()["detail"].startswith("Thiếu hoặc sai mã CSRF")
    pledge.refresh_from_db()
    assert pledge.state == "draft"
