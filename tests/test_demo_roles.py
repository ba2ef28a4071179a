"""The demo users behave as the foundation promises: bithu reaches only his chi bộ, khoi
reads the bloc and writes nothing, each lands on the page of his role."""

import pytest
from django.core.management import call_command
from django.test import RequestFactory
from django.urls import reverse

from committees.demo.timeline import timeline
from committees.models import Organization, Person
from pledges.models import Pledge

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo(client):
    call_command("seed_demo", members=200, allow_demo_users=True, verbosity=0)
    cells = {o.name: o for o in Organization.objects.filter(kind__in=["cell", "grassroots_cell"])}
    return cells


def this_year() -> int:
    """The demo's year under way (the suite's frozen today's year)."""
    return timeline().open_year


def login(client, username):
    # django-axes checks each authenticate() against the request it comes with.
    assert client.login(request=RequestFactory().post("/dang-nhap/"), username=username, password="lamtheobac")
    return client


def test_each_demo_user_lands_on_the_page_of_their_role(client, demo):
    assert login(client, "bithu").get("/").url.endswith(f"/nam/{this_year()}/")
    client.logout()
    assert login(client, "khoi").get("/").url.endswith("/tong-quan/")
    client.logout()
    assert login(client, "vanthu").get("/").url.endswith("/bao-cao/")


def test_bithu_gets_404_on_another_cell(client, demo):
    other = demo["Chi bộ Phòng Quản lý Công nghiệp"]
    own = demo["Chi bộ Văn phòng Sở Công Thương"]
    login(client, "bithu")
    assert client.get(reverse("pledges:roster", args=[own.pk, this_year()])).status_code == 200
    assert client.get(reverse("pledges:roster", args=[other.pk, this_year()])).status_code == 404
    stranger = Person.objects.filter(organization=other).first()
    assert client.get(reverse("committees:person_detail", args=[stranger.pk])).status_code == 404


def test_khoi_gets_403_on_any_write(client, demo):
    cell = demo["Chi bộ Văn phòng Sở Công Thương"]
    year = this_year()
    person = Person.objects.filter(organization=cell, exemption="").exclude(pledges__year=year).first()
    login(client, "khoi")
    assert client.get(reverse("pledges:roster", args=[cell.pk, year])).status_code == 200
    before = Pledge.objects.count()
    data = {
        "items-TOTAL_FORMS": "1",
        "items-INITIAL_FORMS": "0",
        "items-0-content": "Một",
        "items-0-area": "ethics",
        "submit": "1",
    }
    assert client.post(reverse("pledges:pledge_entry", args=[person.pk, year]), data).status_code == 403
    assert client.post(reverse("committees:person_create", args=[cell.pk]), {"full_name": "X"}).status_code == 403
    pledge = Pledge.objects.filter(organization=cell, year=year, state="submitted").first()
    assert client.post(reverse("pledges:pledge_accept", args=[pledge.pk])).status_code == 403
    assert Pledge.objects.count() == before
