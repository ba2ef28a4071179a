"""Permission cases: committees:* of accounts and roles (committees/urls_accounts.py). See tests/permission_cases/base.py.

Every account page is under an organization and asks for `accounts` on it; the account in the
URL has a role on that organization (made by the target), so that in scope with the permission
the page opens and a POST writes. The password reset pages are open to anyone and tested in
tests/committees/test_accounts_pages.py; `password_set` is for any signed-in user (a user who
need not choose a password is sent home).
"""

from knox.models import AuthToken

from committees.models import Role, RoleEvent
from committees.permissions import Perm
from tests.factories import UserFactory, api_token, grant
from tests.permission_cases.base import Case, Ctx, organization_pk
from tests.permission_cases.committees import xlsx_upload


def account_at(c: Ctx, *, active: bool = True):
    """An account with a role on the place's organization, and its assignment."""
    user = UserFactory(username=f"nguoi-dung-{c.organization.pk}", first_name="Hoàng Văn Thử", is_active=active)
    return user, grant(user, c.organization, Role.REVIEWER)


def api_token_body(c: Ctx, inside: bool) -> dict:
    """The digest of a token of the user's own (inside) or of someone else's (outside)."""
    owner = c.user if inside else UserFactory(username="chu-khoa-khac")
    api_token(owner)
    return {"token": AuthToken.objects.filter(user=owner).latest("created").digest}


def account_kwargs(c: Ctx, inside: bool) -> dict:
    user, _assignment = account_at(c)
    return {"pk": c.organization.pk, "user_id": user.pk}


def inactive_account_kwargs(c: Ctx, inside: bool) -> dict:
    user, _assignment = account_at(c, active=False)
    return {"pk": c.organization.pk, "user_id": user.pk}


def assignment_kwargs(c: Ctx, inside: bool) -> dict:
    user, assignment = account_at(c)
    return {"pk": c.organization.pk, "user_id": user.pk, "assignment_id": assignment.pk}


def account_form(c: Ctx, inside: bool) -> dict:
    return {
        "full_name": "Nguyễn Văn Kiểm Tra",
        "username": "kiemtra.quyen",
        "email": "kiemtra.quyen@example.invalid",
        "organization": c.organization.pk,
        "role": Role.SECRETARY,
    }


def accounts_upload(c: Ctx, inside: bool) -> dict:
    row = {
        "Họ và tên": "Lê Thị Nhập Khẩu",
        "Tên đăng nhập": "lethinhapkhau",
        "E-mail": "lethinhapkhau@example.invalid",
        "Tổ chức": c.organization.name,
        "Mã tổ chức": c.organization.pk,
        "Vai trò": "Bí thư",
    }
    return {"file": xlsx_upload("tai-khoan.xlsx", [row])}


def organization_with_role_event(c: Ctx, inside: bool) -> dict:
    """The organization, after a grant there was recorded: the log has a row to show."""
    user, _assignment = account_at(c)
    RoleEvent.objects.create(
        kind=RoleEvent.Kind.GRANTED, actor=c.world.admin, user=user, organization=c.organization, role=Role.REVIEWER
    )
    return {"pk": c.organization.pk}


CASES: dict[str, Case] = {
    "committees:account_list": Case(perm=Perm.ACCOUNTS, target=organization_with_role_event),
    "committees:account_create": Case(
        perm=Perm.ACCOUNTS, methods=("GET", "POST"), target=organization_pk, data=account_form, writes=True
    ),
    "committees:account_detail": Case(perm=Perm.ACCOUNTS, target=account_kwargs),
    "committees:role_grant": Case(
        perm=Perm.ACCOUNTS,
        methods=("POST",),
        target=account_kwargs,
        data=lambda c, inside: {"organization": c.organization.pk, "role": Role.SECRETARY},
        writes=True,
    ),
    "committees:role_revoke": Case(perm=Perm.ACCOUNTS, methods=("POST",), target=assignment_kwargs, writes=True),
    "committees:account_deactivate": Case(perm=Perm.ACCOUNTS, methods=("POST",), target=account_kwargs, writes=True),
    "committees:account_reactivate": Case(
        perm=Perm.ACCOUNTS, methods=("POST",), target=inactive_account_kwargs, writes=True
    ),
    "committees:role_log": Case(perm=Perm.ACCOUNTS, target=organization_with_role_event),
    "committees:password_set": Case(perm=None, methods=("GET", "POST")),
    # The user's own API tokens: anyone signed in sees theirs; a token of someone else's is 404.
    "committees:api_tokens": Case(perm=None),
    "committees:api_token_revoke": Case(perm=None, methods=("POST",), personal=True, data=api_token_body),
}
