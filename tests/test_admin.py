"""Every model of the project has an admin page that opens, with a Vietnamese label."""

import pytest
from django.apps import apps
from django.contrib import admin
from django.urls import reverse

pytestmark = pytest.mark.django_db

OUR_APPS = ("committees", "pledges", "reports")


def our_models():
    return [m for m in apps.get_models() if m._meta.app_label in OUR_APPS and not m.__name__.startswith("Historical")]


@pytest.mark.parametrize("model", our_models(), ids=lambda m: m.__name__)
def test_model_is_in_the_admin_and_its_list_opens(world, client, model):
    assert admin.site.is_registered(model), f"{model.__name__} has no admin"
    client.force_login(world.admin)
    url = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")
    assert client.get(url).status_code == 200
    assert model._meta.verbose_name != model.__name__.lower()


def test_non_staff_users_are_sent_to_the_admin_login(world, client):
    client.force_login(world.bloc_clerk)
    response = client.get(reverse("admin:index"))
    assert response.status_code == 302 and "/quan-tri/login/" in response.url
