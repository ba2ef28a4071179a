"""The health check `/suc-khoe/`: the one page open to anyone (see docs/permissions.md)."""

import pytest
from django.urls import reverse


@pytest.mark.django_db
def test_health_answers_ok_to_anonymous_without_a_query(client, django_assert_num_queries):
    with django_assert_num_queries(0):
        response = client.get(reverse("health"))
    assert response.status_code == 200
    assert response.content == b"ok"
    assert response["Content-Type"].startswith("text/plain")
    assert "no-cache" in response["Cache-Control"]
    assert "sessionid" not in response.cookies


@pytest.mark.django_db
def test_health_reveals_nothing_to_a_signed_in_user(client, world):
    client.force_login(world.a1_secretary)
    response = client.get(reverse("health"))
    assert response.content == b"ok"


@pytest.mark.django_db
def test_health_is_read_only(client):
    assert client.post(reverse("health")).status_code == 405


@pytest.mark.django_db
def test_health_is_the_only_page_spared_the_https_redirect(client, settings):
    """Probes call the process over plain HTTP; everything else still goes to HTTPS."""
    settings.SECURE_SSL_REDIRECT = True
    assert client.get(reverse("health")).status_code == 200
    response = client.get(reverse("login"))
    assert response.status_code == 301
    assert response.url.startswith("https://")
