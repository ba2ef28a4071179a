"""The account pages, the first sign-in of a new account and the password reset by e-mail."""

import datetime
import re

import pytest
import time_machine
from django.contrib.auth import get_user_model
from django.core import mail
from django.test import Client
from django.urls import reverse

from committees import accounts
from committees.models import AccountProfile, Role, RoleAssignment, RoleEvent
from tests.factories import UserFactory, api_token

pytestmark = pytest.mark.django_db
User = get_user_model()

PASSWORD = "matkhau-thu-nghiem"
NEW_PASSWORD = "Lam-theo-Bac-2024!"
SITE_URL = "https://lamtheobac.example.vn"


@pytest.fixture(autouse=True)
def _site_url(settings):
    settings.SITE_URL = SITE_URL


def sign_in(client: Client, username: str, password: str):
    return client.post(reverse("login"), {"username": username, "password": password})


def page(response) -> str:
    return response.content.decode()


def created_account(world, client, **fields) -> tuple[object, str]:
    """A new account made on the page by a_clerk: the account and the temporary password shown."""
    client.force_login(world.a_clerk)
    data = {
        "full_name": "Phạm Thị Hồng Nhung",
        "username": "phamthihongnhung",
        "email": "",
        "organization": world.cell_a1.pk,
        "role": Role.SECRETARY,
    } | fields
    response = client.post(reverse("committees:account_create", args=[world.committee_a.pk]), data)
    assert response.status_code == 200, response.content
    password = response.context["password"]
    client.post(reverse("logout"))
    return User.objects.get(username=data["username"]), password


# --- from the new account to its own password ----------------------------------------------------


def test_create_then_first_sign_in_then_set_password(world, client):
    client.force_login(world.a_clerk)
    form_page = client.get(reverse("committees:account_create", args=[world.committee_a.pk]))
    choices = list(form_page.context["form"].fields["organization"].queryset)
    assert choices == [world.committee_a, world.cell_a1, world.cell_a2]
    assert "\u2003Chi bộ Văn phòng Sở</option>" in page(form_page)  # indented under its đảng ủy

    response = client.post(
        reverse("committees:account_create", args=[world.committee_a.pk]),
        {
            "full_name": "Phạm Thị Hồng Nhung",
            "username": "PhamThiHongNhung",
            "email": "",
            "organization": world.cell_a1.pk,
            "role": Role.SECRETARY,
        },
    )
    assert response.status_code == 200
    password = response.context["password"]
    assert re.fullmatch(r"[a-z2-9]{4}-[a-z2-9]{4}-[a-z2-9]{4}", password)
    assert f'<code class="fs-5" id="temporary-password">{password}</code>' in page(response)
    assert "no-store" in response["Cache-Control"]
    account = User.objects.get(username="phamthihongnhung")
    # Shown once: the account's page does not show it again.
    detail = client.get(reverse("committees:account_detail", args=[world.committee_a.pk, account.pk]))
    assert password not in page(detail) and "Chưa đặt mật khẩu" in page(detail)
    client.post(reverse("logout"))

    # Signing in with it leads to the set-password page, from everywhere.
    response = sign_in(client, "phamthihongnhung", password)
    assert response.status_code == 302
    set_url = reverse("committees:password_set")
    for url in (reverse("home"), f"/to-chuc/{world.cell_a1.pk}/", reverse("password_change")):
        response = client.get(url)
        assert (response.status_code, response.url) == (302, set_url), url
    response = client.get("/api/v1/organizations/")
    assert response.status_code == 403
    assert "đặt mật khẩu mới" in response.json()["detail"]
    htmx = client.get(f"/to-chuc/{world.cell_a1.pk}/", HTTP_HX_REQUEST="true")
    assert htmx["HX-Redirect"] == set_url
    assert client.get(reverse("health")).status_code == 200
    assert "Đặt mật khẩu mới" in page(client.get(set_url))

    # Django's validators apply, the temporary password may not be kept, and both must match.
    for first, second, error in (
        ("12345678", "12345678", "hoàn toàn là số"),
        (NEW_PASSWORD, NEW_PASSWORD + "x", ""),
        (password, password, "khác mật khẩu tạm thời"),
    ):
        response = client.post(set_url, {"new_password1": first, "new_password2": second})
        assert response.status_code == 200 and response.context["form"].errors
        assert error in page(response)
    assert accounts.password_must_be_set(user=account)

    response = client.post(set_url, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})
    assert (response.status_code, response.url) == (302, reverse("home"))
    assert not AccountProfile.objects.get(user=account).must_set_password
    # Still signed in, and the pages open now.
    assert client.get(f"/to-chuc/{world.cell_a1.pk}/").status_code == 200
    assert client.get(reverse("home")).status_code == 302
    assert client.get(set_url).url == reverse("home")
    client.post(reverse("logout"))
    assert sign_in(client, "phamthihongnhung", password).status_code == 200  # the temporary one is gone
    assert sign_in(client, "phamthihongnhung", NEW_PASSWORD).url == reverse("home")
    assert client.get(f"/to-chuc/{world.cell_a1.pk}/").status_code == 200


def test_logout_stays_open_to_an_account_that_must_set_its_password(world, client):
    _account, password = created_account(world, client)
    sign_in(client, "phamthihongnhung", password)
    response = client.post(reverse("logout"))
    assert (response.status_code, response.url) == (302, reverse("login"))
    assert "_auth_user_id" not in client.session


def test_an_api_token_of_an_account_that_must_set_its_password_is_refused(world, client):
    account, _password = created_account(world, client)
    api = Client(HTTP_AUTHORIZATION=f"Token {api_token(account)}")
    response = api.get("/api/v1/organizations/")
    assert response.status_code == 403 and "đặt mật khẩu mới" in response.json()["detail"]
    accounts.account_password_set(user=account, password=NEW_PASSWORD)
    # Choosing the password revoked the token; a new one works.
    assert api.get("/api/v1/organizations/").status_code == 401
    api = Client(HTTP_AUTHORIZATION=f"Token {api_token(account)}")
    assert api.get("/api/v1/organizations/").status_code == 200


def test_the_set_password_page_sends_others_home(world, login):
    client = login(world.a1_secretary)
    response = client.get(reverse("committees:password_set"))
    assert (response.status_code, response.url) == (302, reverse("home"))
    response = client.post(reverse("committees:password_set"), {"new_password1": "x", "new_password2": "x"})
    assert response.status_code == 302
    assert User.objects.get(pk=world.a1_secretary.pk).check_password(PASSWORD)


def test_the_create_page_explains_refusals_and_writes_nothing(world, login):
    client = login(world.a_clerk)
    before = User.objects.count(), RoleEvent.objects.count()
    url = reverse("committees:account_create", args=[world.committee_a.pk])
    response = client.post(
        url,
        {
            "full_name": "Lê Văn Trùng",
            "username": "A2_secretary",
            "email": "A1_SECRETARY@example.invalid",
            "organization": world.cell_a1.pk,
            "role": Role.SECRETARY,
        },
    )
    assert response.status_code == 200
    assert "Tên đăng nhập “a2_secretary” đã được dùng" in page(response)
    assert "E-mail “a1_secretary@example.invalid” đã được dùng" in page(response)
    # An organization outside the scope is not even a choice.
    response = client.post(
        url,
        {"full_name": "Lê Văn Ngoài", "username": "levanngoai", "organization": world.cell_b1.pk, "role": "secretary"},
    )
    assert "Hãy chọn một tổ chức trong phạm vi quản lý" in page(response)
    assert (User.objects.count(), RoleEvent.objects.count()) == before


def test_a_clerk_at_the_root_cannot_choose_the_root(world, login):
    province_clerk = UserFactory(username="province_clerk")
    RoleAssignment.objects.create(user=province_clerk, organization=world.province, role=Role.CLERK)
    client = login(province_clerk)
    url = reverse("committees:account_create", args=[world.province.pk])
    choices = [
        str(pk) for pk in client.get(url).context["form"].fields["organization"].queryset.values_list("pk", flat=True)
    ]
    assert str(world.province.pk) not in choices and str(world.bloc.pk) in choices
    response = client.post(
        url, {"full_name": "Lê Văn Gốc", "username": "levangoc", "organization": world.province.pk, "role": "clerk"}
    )
    assert "Hãy chọn một tổ chức trong phạm vi quản lý" in page(response)
    assert not User.objects.filter(username="levangoc").exists()


# --- the list, one account, the log --------------------------------------------------------------


def test_the_organization_page_links_the_accounts_for_clerks_only(world, login):
    url = reverse("committees:account_list", args=[world.committee_a.pk])
    assert url in page(login(world.a_clerk).get(f"/to-chuc/{world.committee_a.pk}/"))
    assert url not in page(login(world.bloc_reviewer).get(f"/to-chuc/{world.committee_a.pk}/"))


def test_the_list_shows_the_subtrees_accounts_and_searches(world, login):
    client = login(world.bloc_clerk)
    url = reverse("committees:account_list", args=[world.committee_a.pk])
    listed = [account.username for account in client.get(url).context["page"].object_list]
    assert listed == ["a1_secretary", "a2_secretary", "a_clerk"]
    listed = [account.username for account in client.get(url, {"q": "A2"}).context["page"].object_list]
    assert listed == ["a2_secretary"]
    listed = {a.username for a in client.get(reverse("committees:account_list", args=[world.bloc.pk])).context["page"]}
    assert {"b1_secretary", "bloc_reviewer", "bloc_clerk"} <= listed and "outsider" not in listed


def test_the_account_page_grants_revokes_and_locks(world, login):
    client = login(world.a_clerk)
    detail = reverse("committees:account_detail", args=[world.committee_a.pk, world.a1_secretary.pk])
    response = client.get(detail)
    assert response.status_code == 200
    assignment = world.a1_secretary.roles.get()
    revoke = reverse("committees:role_revoke", args=[world.committee_a.pk, world.a1_secretary.pk, assignment.pk])
    assert revoke in page(response)

    response = client.post(
        reverse("committees:role_grant", args=[world.committee_a.pk, world.a1_secretary.pk]),
        {"organization": world.cell_a2.pk, "role": Role.REVIEWER},
        follow=True,
    )
    assert "Đã phân quyền" in page(response)
    assert world.a1_secretary.roles.filter(organization=world.cell_a2, role=Role.REVIEWER).exists()
    # Out of its scope: refused with a message, nothing written.
    response = client.post(
        reverse("committees:role_grant", args=[world.committee_a.pk, world.a1_secretary.pk]),
        {"organization": world.cell_b1.pk, "role": Role.REVIEWER},
        follow=True,
    )
    assert "Hãy chọn một tổ chức trong phạm vi quản lý" in page(response)
    assert world.a1_secretary.roles.count() == 2

    response = client.post(revoke, follow=True)
    assert "Đã thu hồi vai trò" in page(response)
    response = client.post(
        reverse("committees:account_deactivate", args=[world.committee_a.pk, world.a1_secretary.pk]), follow=True
    )
    assert "Đã khóa tài khoản" in page(response) and "Đã khóa" in page(response)
    assert not User.objects.get(pk=world.a1_secretary.pk).is_active
    events = response.context["events"]
    assert [event.kind for event in events] == [
        RoleEvent.Kind.DEACTIVATED,
        RoleEvent.Kind.REVOKED,
        RoleEvent.Kind.GRANTED,
    ]


def test_own_roles_have_no_revoke_button_and_a_forged_revoke_is_refused(world, login):
    client = login(world.a_clerk)
    own = world.a_clerk.roles.get()
    detail = reverse("committees:account_detail", args=[world.committee_a.pk, world.a_clerk.pk])
    response = client.get(detail)
    revoke = reverse("committees:role_revoke", args=[world.committee_a.pk, world.a_clerk.pk, own.pk])
    assert revoke not in page(response) and response.context["grant_form"] is None
    response = client.post(revoke, follow=True)
    assert "Không thể tự thu hồi quyền của chính mình" in page(response)
    assert RoleAssignment.objects.filter(pk=own.pk).exists() and not RoleEvent.objects.exists()


def test_an_account_outside_the_organization_is_not_found(world, login):
    client = login(world.bloc_clerk)
    assert (
        client.get(reverse("committees:account_detail", args=[world.committee_a.pk, world.b1_secretary.pk])).status_code
        == 404
    )
    assignment = world.b1_secretary.roles.get()
    url = reverse("committees:role_revoke", args=[world.committee_a.pk, world.a1_secretary.pk, assignment.pk])
    assert client.post(url).status_code == 404
    assert RoleAssignment.objects.filter(pk=assignment.pk).exists()


def test_the_role_log_shows_who_did_what_to_whom_and_filters_by_date(world, login):
    with time_machine.travel(datetime.datetime(2024, 1, 10, 8, 0, tzinfo=datetime.UTC), tick=False):
        accounts.role_grant(by=world.a_clerk, user=world.a2_secretary, organization=world.cell_a1, role=Role.REVIEWER)
    accounts.role_revoke(by=world.bloc_clerk, assignment=world.b1_secretary.roles.get())
    client = login(world.a_clerk)
    url = reverse("committees:role_log", args=[world.committee_a.pk])
    response = client.get(url)
    rows = list(response.context["page"].object_list)
    assert [(e.kind, e.actor, e.user, e.organization) for e in rows] == [
        (RoleEvent.Kind.GRANTED, world.a_clerk, world.a2_secretary, world.cell_a1)
    ]
    assert "10/01/2024" in page(response) and "Chi bộ Văn phòng Sở" in page(response)
    assert not client.get(url, {"tu": "2024-02-01"}).context["page"].object_list
    assert len(client.get(url, {"tu": "10/01/2024", "den": "10/01/2024"}).context["page"].object_list) == 1
    bloc_log = login(world.bloc_clerk).get(reverse("committees:role_log", args=[world.bloc.pk]))
    assert len(bloc_log.context["page"].object_list) == 2


# --- password reset by e-mail --------------------------------------------------------------------


def reset_link(message) -> str:
    (link,) = re.findall(r"https?://\S+/dat-lai-mat-khau/\S+/", message.body)
    return link


def test_a_reset_link_is_absolute_on_site_url_and_works_once(world, client):
    response = client.get(reverse("login"))
    assert reverse("password_reset") in page(response) and "Quên mật khẩu?" in page(response)
    response = client.post(reverse("password_reset"), {"email": "A1_Secretary@example.invalid"})
    assert (response.status_code, response.url) == (302, reverse("password_reset_done"))
    (message,) = mail.outbox
    assert message.to == ["a1_secretary@example.invalid"]
    assert message.subject == "[Làm theo Bác] Đặt lại mật khẩu"
    link = reset_link(message)
    assert link.startswith(SITE_URL + "/dat-lai-mat-khau/")
    path = link.removeprefix(SITE_URL)

    response = client.get(path)
    assert response.status_code == 302  # Django moves the token out of the address
    form_url = response.url
    assert client.get(form_url).context["validlink"]
    response = client.post(form_url, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})
    assert (response.status_code, response.url) == (302, reverse("password_reset_complete"))
    assert "Mật khẩu mới đã được lưu" in page(client.get(response.url))
    assert User.objects.get(pk=world.a1_secretary.pk).check_password(NEW_PASSWORD)

    # Used once: the same link is refused, with the Vietnamese page.
    again = Client().get(path)
    assert again.status_code == 200 and not again.context["validlink"]
    assert "Đường liên kết không còn dùng được" in page(again)


def test_an_unknown_address_gets_the_same_answer_and_no_mail(world):
    known = Client().post(reverse("password_reset"), {"email": "a1_secretary@example.invalid"}, follow=True)
    unknown = Client().post(reverse("password_reset"), {"email": "khong-ai@example.invalid"}, follow=True)
    assert known.redirect_chain == unknown.redirect_chain == [(reverse("password_reset_done"), 302)]
    without_token = re.compile(r'"X-CSRFToken": "[^"]+"')
    assert without_token.sub("", page(known)) == without_token.sub("", page(unknown))
    assert len(mail.outbox) == 1


def test_a_deactivated_account_gets_no_reset_mail(world, client):
    accounts.account_deactivate(by=world.a_clerk, user=world.a1_secretary)
    client.post(reverse("password_reset"), {"email": "a1_secretary@example.invalid"})
    assert mail.outbox == []


def test_an_expired_or_forged_link_is_refused(world, client, settings):
    client.post(reverse("password_reset"), {"email": "a1_secretary@example.invalid"})
    path = reset_link(mail.outbox[0]).removeprefix(SITE_URL)
    later = datetime.datetime(2024, 3, 15, 9, 0, tzinfo=datetime.UTC) + datetime.timedelta(
        seconds=settings.PASSWORD_RESET_TIMEOUT + 60
    )
    with time_machine.travel(later, tick=False):
        response = client.get(path)
    assert response.status_code == 200 and "Đường liên kết không còn dùng được" in page(response)
    forged = re.sub(r"/[^/]+/$", "/abc-123/", path)
    assert "Đường liên kết không còn dùng được" in page(client.get(forged))


def test_the_invitation_link_sets_the_first_password_and_lifts_the_obligation(
    world, client, django_capture_on_commit_callbacks
):
    client.force_login(world.a_clerk)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("committees:account_create", args=[world.committee_a.pk]),
            {
                "full_name": "Trịnh Văn Mời",
                "username": "trinhvanmoi",
                "email": "moi@example.invalid",
                "organization": world.cell_a2.pk,
                "role": Role.REVIEWER,
            },
        )
    client.post(reverse("logout"))
    (message,) = mail.outbox
    assert message.subject == "[Làm theo Bác] Tài khoản của đồng chí đã được tạo"
    assert "Kính gửi đồng chí Trịnh Văn Mời" in message.body and "Chi bộ Phòng Quản lý Thương mại" in message.body
    path = reset_link(message).removeprefix(SITE_URL)
    form_url = client.get(path).url
    client.post(form_url, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})
    account = User.objects.get(username="trinhvanmoi")
    assert account.check_password(NEW_PASSWORD)
    assert not accounts.password_must_be_set(user=account)
    # Signing in now goes straight to the pages.
    assert sign_in(client, "trinhvanmoi", NEW_PASSWORD).url == reverse("home")
    assert client.get(f"/to-chuc/{world.cell_a2.pk}/").status_code == 200
