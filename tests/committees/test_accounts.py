"""Accounts and roles, delegated (committees/accounts.py): every rule, and every refusal writing nothing.

The world (tests/conftest.py): a_clerk manages the accounts of Đảng ủy A (its two chi bộ),
bloc_clerk those of the whole Đảng ủy Khối; the province is the root, where only the
superuser grants.
"""

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.core.exceptions import ValidationError

from committees import accounts
from committees.models import AccountProfile, Role, RoleAssignment, RoleEvent
from committees.permissions import (
    accounts_under,
    manages_accounts_at,
    may_manage_accounts_on,
    organizations_for_accounts,
    scope_for,
)
from tests.factories import UserFactory, grant, make_organization

pytestmark = pytest.mark.django_db
User = get_user_model()


def counts() -> tuple[int, int, int, int, int]:
    """Everything a refused request must leave as it was."""
    return (
        User.objects.count(),
        User.objects.filter(is_active=True).count(),
        AccountProfile.objects.count(),
        RoleAssignment.objects.count(),
        RoleEvent.objects.count(),
    )


def refused(call, *, contains: str, field: str | None = None) -> ValidationError:
    """`call` raises a ValidationError saying `contains` (on `field`), and writes nothing."""
    before = counts()
    with pytest.raises(ValidationError) as caught:
        call()
    error = caught.value
    messages = error.message_dict[field] if field else error.messages
    assert any(contains in message for message in messages), messages
    assert counts() == before
    return error


def fresh(user):
    """A new object for `user`: the scope is cached per object, as per request."""
    return User.objects.get(pk=user.pk)


def create(by, organization, **fields):
    values = {
        "full_name": "Phạm Thị Hồng Nhung",
        "username": "phamthihongnhung",
        "email": "nhung@example.invalid",
        "organization": organization,
        "role": Role.SECRETARY,
    }
    values.update(fields)
    return accounts.account_create(by=by, **values)


@pytest.fixture
def province_clerk(world):
    """A clerk of the root of the tree: it manages everything below the root, not the root."""
    user = UserFactory(username="province_clerk")
    grant(user, world.province, Role.CLERK)
    return user


# --- the door: who manages accounts where -------------------------------------------------------


def test_accounts_scope_is_the_clerks_subtree_below_the_root(world, province_clerk):
    assert may_manage_accounts_on(world.a_clerk, world.committee_a)
    assert may_manage_accounts_on(world.a_clerk, world.cell_a2)
    assert not may_manage_accounts_on(world.a_clerk, world.bloc)
    assert not may_manage_accounts_on(world.a_clerk, world.cell_b1)
    assert not may_manage_accounts_on(world.a1_secretary, world.cell_a1)  # a secretary has no `accounts`
    assert not may_manage_accounts_on(world.bloc_reviewer, world.cell_a1)
    assert may_manage_accounts_on(province_clerk, world.bloc)
    assert not may_manage_accounts_on(province_clerk, world.province)  # the root: superuser only
    assert manages_accounts_at(province_clerk, world.bloc.path)
    assert not manages_accounts_at(province_clerk, world.province.path)
    assert may_manage_accounts_on(world.admin, world.province)
    assert list(organizations_for_accounts(world.a_clerk)) == [world.committee_a, world.cell_a1, world.cell_a2]
    assert world.province not in organizations_for_accounts(province_clerk)
    assert world.province in organizations_for_accounts(world.admin)
    assert not organizations_for_accounts(world.a1_secretary).exists()


def test_accounts_seen_from_an_organization(world):
    seen = set(accounts_under(world.a_clerk, world.committee_a))
    assert seen == {world.a_clerk, world.a1_secretary, world.a2_secretary}
    assert world.b1_secretary in accounts_under(world.bloc_clerk, world.bloc)
    # An account without a role: seen by whoever created it (and the superuser), nobody else.
    user, _password = create(world.a_clerk, world.cell_a1)
    RoleAssignment.objects.filter(user=user).delete()
    assert user in accounts_under(fresh(world.a_clerk), world.committee_a)
    assert user not in accounts_under(world.bloc_clerk, world.bloc)
    assert user in accounts_under(world.admin, world.province)
    assert world.outsider not in accounts_under(world.bloc_clerk, world.bloc)


# --- creating an account -------------------------------------------------------------------------


def test_a_clerk_creates_an_account_below_it(world, django_capture_on_commit_callbacks, settings):
    settings.SITE_URL = "https://lamtheobac.example.vn"
    with django_capture_on_commit_callbacks(execute=True):
        user, password = create(
            world.a_clerk,
            world.cell_a1,
            full_name="  Phạm   Thị Hồng Nhung ",
            username=" PhamThiHongNhung ",
            email="Nhung@Example.INVALID",
        )
    user = fresh(user)
    assert (user.username, user.email) == ("phamthihongnhung", "nhung@example.invalid")
    assert user.get_full_name() == "Phạm Thị Hồng Nhung"
    assert user.is_active and not user.is_staff and not user.is_superuser
    assert len(password) == 14 and user.check_password(password)
    profile = user.account_profile
    assert profile.must_set_password and profile.created_by == world.a_clerk
    assert [(a.organization, a.role) for a in user.roles.all()] == [(world.cell_a1, Role.SECRETARY)]
    events = list(RoleEvent.objects.filter(user=user).order_by("pk"))
    assert [(e.kind, e.actor, e.organization, e.role) for e in events] == [
        (RoleEvent.Kind.ACCOUNT_CREATED, world.a_clerk, world.cell_a1, ""),
        (RoleEvent.Kind.GRANTED, world.a_clerk, world.cell_a1, Role.SECRETARY),
    ]
    # The invitation left after commit, with an absolute link on SITE_URL.
    (message,) = mail.outbox
    assert message.to == ["nhung@example.invalid"]
    assert "phamthihongnhung" in message.body and "Chi bộ Văn phòng Sở" in message.body
    assert "https://lamtheobac.example.vn/dat-lai-mat-khau/" in message.body


def test_no_mail_is_sent_before_the_transaction_commits_nor_without_an_email(world, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        create(world.a_clerk, world.cell_a1)
    assert len(callbacks) == 1 and mail.outbox == []
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        create(world.a_clerk, world.cell_a2, username="khongcothu", email="")
    assert callbacks == [] and mail.outbox == []


def test_each_temporary_password_is_new(world):
    _user, first = create(world.a_clerk, world.cell_a1)
    _user, second = create(world.a_clerk, world.cell_a1, username="nguoithuhai", email="")
    assert first != second


@pytest.mark.parametrize(
    ("organization", "message"),
    [
        ("cell_b1", "ngoài phạm vi quản lý tài khoản"),  # a cousin
        ("bloc", "ngoài phạm vi quản lý tài khoản"),  # above its own grant
        ("province", "ngoài phạm vi quản lý tài khoản"),
    ],
)
def test_a_clerk_cannot_create_outside_or_above_its_subtree(world, organization, message):
    refused(lambda: create(world.a_clerk, getattr(world, organization)), contains=message, field="organization")


def test_only_the_superuser_creates_at_the_root(world, province_clerk):
    refused(lambda: create(province_clerk, world.province), contains="chỉ quản trị hệ thống", field="organization")
    user, _password = create(province_clerk, world.bloc)
    assert user.roles.get().organization == world.bloc
    user, _password = create(world.admin, world.province, username="bithutinh", email="")
    assert user.roles.get().organization == world.province


def test_roles_without_accounts_permission_create_nothing(world):
    for user in (world.a1_secretary, world.bloc_reviewer, world.outsider):
        refused(lambda user=user: create(user, world.cell_a1), contains="ngoài phạm vi", field="organization")


@pytest.mark.parametrize("role", ["admin", "superuser", "staff", ""])
def test_only_the_three_roles_can_be_granted(world, role):
    refused(lambda: create(world.a_clerk, world.cell_a1, role=role), contains="Vai trò không hợp lệ", field="role")


def test_a_username_already_used_is_refused_ignoring_case(world):
    refused(
        lambda: create(world.a_clerk, world.cell_a1, username="A1_Secretary"),
        contains="Tên đăng nhập “a1_secretary” đã được dùng",
        field="username",
    )


def test_an_email_already_used_is_refused_ignoring_case(world):
    refused(
        lambda: create(world.a_clerk, world.cell_a1, email="B1_SECRETARY@example.INVALID"),
        contains="E-mail “b1_secretary@example.invalid” đã được dùng",
        field="email",
    )


@pytest.mark.parametrize("username", ["Nguyễn", "ab", "có dấu cách", "-dau-gach", "a" * 41, "ten@mien"])
def test_a_bad_username_is_refused(world, username):
    refused(lambda: create(world.a_clerk, world.cell_a1, username=username), contains="không hợp lệ", field="username")


def test_every_bad_field_is_reported_at_once(world):
    error = refused(
        lambda: create(world.a_clerk, world.cell_b1, full_name=" ", username="a1_secretary", email="khong-phai-email"),
        contains="Hãy nhập họ và tên",
        field="full_name",
    )
    assert set(error.message_dict) == {"full_name", "username", "email", "organization"}


def test_no_account_on_a_dissolved_organization(world):
    gone = make_organization(world.committee_a, name="Chi bộ sắp giải thể")
    gone.dissolved_on = world.cell_a1.founded_on
    gone.save()
    refused(lambda: create(world.a_clerk, gone), contains="đã giải thể", field="organization")


# --- granting ------------------------------------------------------------------------------------


def test_a_clerk_grants_inside_its_subtree(world):
    assignment = accounts.role_grant(
        by=world.a_clerk, user=world.a1_secretary, organization=world.cell_a2, role=Role.REVIEWER
    )
    assert (assignment.user, assignment.organization, assignment.role) == (
        world.a1_secretary,
        world.cell_a2,
        Role.REVIEWER,
    )
    event = RoleEvent.objects.get()
    assert (event.kind, event.actor, event.user, event.organization, event.role) == (
        RoleEvent.Kind.GRANTED,
        world.a_clerk,
        world.a1_secretary,
        world.cell_a2,
        Role.REVIEWER,
    )
    # A clerk can make clerks below it: the same powers, on a smaller subtree.
    accounts.role_grant(by=world.a_clerk, user=world.a2_secretary, organization=world.cell_a2, role=Role.CLERK)
    assert scope_for(fresh(world.a2_secretary)).has_role(Role.CLERK)


@pytest.mark.parametrize("organization", ["cell_b1", "committee_b", "bloc", "province"])
def test_a_grant_outside_or_above_the_scope_is_refused(world, organization):
    refused(
        lambda: accounts.role_grant(
            by=world.a_clerk, user=world.a1_secretary, organization=getattr(world, organization), role=Role.REVIEWER
        ),
        contains="ngoài phạm vi quản lý tài khoản",
    )


def test_a_grant_at_the_root_is_for_the_superuser_only(world, province_clerk):
    refused(
        lambda: accounts.role_grant(
            by=province_clerk, user=world.a1_secretary, organization=world.province, role=Role.REVIEWER
        ),
        contains="chỉ quản trị hệ thống",
    )
    accounts.role_grant(by=world.admin, user=world.a1_secretary, organization=world.province, role=Role.REVIEWER)
    assert RoleEvent.objects.filter(kind=RoleEvent.Kind.GRANTED, organization=world.province).count() == 1


def test_a_grant_by_someone_without_accounts_is_refused(world):
    refused(
        lambda: accounts.role_grant(
            by=world.a1_secretary, user=world.a2_secretary, organization=world.cell_a1, role=Role.SECRETARY
        ),
        contains="ngoài phạm vi",
    )


def test_a_role_held_already_is_refused(world):
    refused(
        lambda: accounts.role_grant(
            by=world.a_clerk, user=world.a1_secretary, organization=world.cell_a1, role=Role.SECRETARY
        ),
        contains="đã có vai trò",
    )


def test_nobody_grants_a_role_to_themselves(world):
    refused(
        lambda: accounts.role_grant(
            by=world.a_clerk, user=world.a_clerk, organization=world.cell_a1, role=Role.SECRETARY
        ),
        contains="Không thể tự phân quyền",
    )


def test_a_deactivated_account_gets_no_role(world):
    accounts.account_deactivate(by=world.a_clerk, user=world.a1_secretary)
    refused(
        lambda: accounts.role_grant(
            by=world.a_clerk, user=world.a1_secretary, organization=world.cell_a2, role=Role.REVIEWER
        ),
        contains="đang bị khóa",
    )


# --- revoking ------------------------------------------------------------------------------------


def test_a_clerk_revokes_inside_its_subtree(world):
    assignment = world.a1_secretary.roles.get()
    accounts.role_revoke(by=world.a_clerk, assignment=assignment)
    assert not RoleAssignment.objects.filter(pk=assignment.pk).exists()
    event = RoleEvent.objects.get()
    assert (event.kind, event.actor, event.user, event.organization, event.role) == (
        RoleEvent.Kind.REVOKED,
        world.a_clerk,
        world.a1_secretary,
        world.cell_a1,
        Role.SECRETARY,
    )
    # The bloc's clerk manages the clerk of Đảng ủy A.
    accounts.role_revoke(by=world.bloc_clerk, assignment=world.a_clerk.roles.get())
    assert not world.a_clerk.roles.exists()


def test_a_revocation_outside_the_scope_is_refused(world):
    refused(
        lambda: accounts.role_revoke(by=world.a_clerk, assignment=world.b1_secretary.roles.get()),
        contains="ngoài phạm vi",
    )
    refused(
        lambda: accounts.role_revoke(by=world.a_clerk, assignment=world.bloc_clerk.roles.get()),
        contains="ngoài phạm vi",
    )


def test_nobody_revokes_their_own_role(world):
    refused(
        lambda: accounts.role_revoke(by=world.a_clerk, assignment=world.a_clerk.roles.get()),
        contains="Không thể tự thu hồi quyền của chính mình",
    )


def test_a_revocation_at_the_root_is_for_the_superuser_only(world, province_clerk):
    root_reviewer = UserFactory(username="root_reviewer")
    assignment = grant(root_reviewer, world.province, Role.REVIEWER)
    refused(lambda: accounts.role_revoke(by=province_clerk, assignment=assignment), contains="chỉ quản trị hệ thống")
    accounts.role_revoke(by=world.admin, assignment=assignment)
    assert not root_reviewer.roles.exists()


# --- deactivating --------------------------------------------------------------------------------


def test_a_clerk_deactivates_and_reactivates_an_account_of_its_subtree(world, client):
    accounts.account_deactivate(by=world.a_clerk, user=world.a1_secretary)
    user = fresh(world.a1_secretary)
    assert not user.is_active and User.objects.filter(pk=user.pk).exists()  # never deleted
    assert user.roles.exists()  # the roles stay, they give nothing while it is locked
    assert scope_for(user).is_empty
    response = client.post("/dang-nhap/", {"username": "a1_secretary", "password": "matkhau-thu-nghiem"})
    assert response.status_code == 200  # refused: the login page again
    accounts.account_reactivate(by=world.a_clerk, user=user)
    assert fresh(user).is_active
    kinds = list(RoleEvent.objects.filter(user=user).order_by("pk").values_list("kind", "actor", "organization"))
    assert kinds == [
        (RoleEvent.Kind.DEACTIVATED, world.a_clerk.pk, world.cell_a1.pk),
        (RoleEvent.Kind.REACTIVATED, world.a_clerk.pk, world.cell_a1.pk),
    ]


def test_a_session_of_a_deactivated_account_ends(world, login):
    client = login(world.a1_secretary)
    assert client.get(f"/to-chuc/{world.cell_a1.pk}/").status_code == 200
    accounts.account_deactivate(by=world.a_clerk, user=world.a1_secretary)
    response = client.get(f"/to-chuc/{world.cell_a1.pk}/")
    assert response.status_code == 302 and response.url.startswith("/dang-nhap/")


def test_an_account_with_a_role_outside_the_scope_is_not_deactivated(world):
    accounts.role_grant(by=world.bloc_clerk, user=world.a1_secretary, organization=world.cell_b1, role=Role.REVIEWER)
    refused(
        lambda: accounts.account_deactivate(by=world.a_clerk, user=world.a1_secretary),
        contains="có vai trò ở tổ chức ngoài phạm vi quản lý tài khoản",
    )
    # The bloc's clerk holds both: it may.
    accounts.account_deactivate(by=world.bloc_clerk, user=world.a1_secretary)
    assert not fresh(world.a1_secretary).is_active


def test_an_account_with_a_role_at_the_root_is_the_superusers(world, province_clerk):
    root_reviewer = UserFactory(username="root_reviewer")
    grant(root_reviewer, world.province, Role.REVIEWER)
    refused(lambda: accounts.account_deactivate(by=province_clerk, user=root_reviewer), contains="ngoài phạm vi")
    accounts.account_deactivate(by=world.admin, user=root_reviewer)
    assert not fresh(root_reviewer).is_active


def test_nobody_deactivates_themselves_or_a_superuser(world):
    refused(lambda: accounts.account_deactivate(by=world.a_clerk, user=world.a_clerk), contains="chính mình")
    grant(world.admin, world.cell_a1, Role.REVIEWER)
    refused(lambda: accounts.account_deactivate(by=world.a_clerk, user=world.admin), contains="quản trị hệ thống")
    refused(lambda: accounts.account_deactivate(by=world.admin, user=world.admin), contains="chính mình")


def test_deactivating_twice_or_reactivating_an_active_account_is_refused(world):
    refused(lambda: accounts.account_reactivate(by=world.a_clerk, user=world.a1_secretary), contains="đang hoạt động")
    accounts.account_deactivate(by=world.a_clerk, user=world.a1_secretary)
    refused(lambda: accounts.account_deactivate(by=world.a_clerk, user=world.a1_secretary), contains="đã bị khóa")


def test_an_account_without_a_role_is_its_creators(world):
    user, _password = create(world.a_clerk, world.cell_a1)
    accounts.role_revoke(by=world.a_clerk, assignment=user.roles.get())
    refused(lambda: accounts.account_deactivate(by=world.bloc_clerk, user=user), contains="chỉ người tạo tài khoản")
    accounts.account_deactivate(by=fresh(world.a_clerk), user=user)
    # Recorded where it was last dealt with.
    assert RoleEvent.objects.filter(user=user).first().organization == world.cell_a1
    refused(lambda: accounts.account_deactivate(by=world.outsider, user=world.outsider), contains="chính mình")


# --- passwords -----------------------------------------------------------------------------------


def test_setting_the_password_lifts_the_obligation(world):
    user, _password = create(world.a_clerk, world.cell_a1)
    assert accounts.password_must_be_set(user=user)
    accounts.account_password_set(user=user, password="Lam-theo-Bac-2024!")
    assert fresh(user).check_password("Lam-theo-Bac-2024!")
    assert not accounts.password_must_be_set(user=user)


def test_reset_links_go_to_active_accounts_with_a_password_or_waiting_for_one(world):
    assert accounts.accounts_for_password_reset(email="A1_Secretary@Example.invalid") == [world.a1_secretary]
    assert accounts.accounts_for_password_reset(email="nobody@example.invalid") == []
    assert accounts.accounts_for_password_reset(email="") == []
    world.a2_secretary.set_unusable_password()
    world.a2_secretary.save()
    assert accounts.accounts_for_password_reset(email="a2_secretary@example.invalid") == []
    AccountProfile.objects.create(user=world.a2_secretary, must_set_password=True)
    assert accounts.accounts_for_password_reset(email="a2_secretary@example.invalid") == [world.a2_secretary]
    accounts.account_deactivate(by=world.a_clerk, user=world.a1_secretary)
    assert accounts.accounts_for_password_reset(email="a1_secretary@example.invalid") == []
