"""Accounts and roles, delegated: a clerk manages the accounts of its subtree.

A clerk (who holds `accounts` on an organization) creates accounts for the secretaries and
clerks below it, grants and revokes roles inside its subtree, deactivates accounts; the
superuser alone grants at a root of the tree. Who may do what is asked of
committees.permissions; the refusals are here, with their messages.

Each service runs in one transaction, takes keyword arguments and refuses a bad request with a
ValidationError a user can read; a refused request writes nothing. Every account creation,
grant, revocation, deactivation and reactivation writes a RoleEvent in the same transaction.
Mails (invitations) leave after commit, from a task (committees.tasks).
"""

import logging
import re
from collections.abc import Iterable

from django.contrib.auth import get_user_model
from django.contrib.auth.base_user import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.db.models.functions import Lower
from django.utils.crypto import get_random_string
from django.utils.translation import gettext as _

from committees.api_tokens import api_tokens_revoke_all
from committees.models import AccountProfile, Organization, Role, RoleAssignment, RoleEvent
from committees.permissions import manages_accounts_at, may_manage_accounts_on, scope_for
from committees.text import normalize_text

logger = logging.getLogger(__name__)
User = get_user_model()

GRANTABLE_ROLES = (Role.SECRETARY, Role.CLERK, Role.REVIEWER)
USERNAME_PATTERN = re.compile(r"^[a-z0-9][a-z0-9._-]{1,38}[a-z0-9]$")
FULL_NAME_MAX_LENGTH = 150  # User.first_name
# Unambiguous when read aloud or copied from a screen: no 0/o, 1/l/i.
PASSWORD_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"
INVITATION_CHUNK = 50  # mails per task, sent over one SMTP connection
# Set at sign-in for an account that must still choose its password (committees.middleware).
MUST_SET_PASSWORD_SESSION_KEY = "account_must_set_password"


# --- checks shared by the services and the import ------------------------------------------------


def username_normalize(value: str) -> str:
    return normalize_text(value).lower()


def username_error(username: str) -> str | None:
    """Why `username` (already normalized) cannot be used, or None."""
    if not username:
        return _("Hãy nhập tên đăng nhập.")
    if not USERNAME_PATTERN.match(username):
        return _(
            "Tên đăng nhập “%(value)s” không hợp lệ: chỉ gồm chữ thường không dấu (a–z), chữ số và các dấu . _ -, "
            "dài từ 3 đến 40 ký tự, bắt đầu và kết thúc bằng chữ hoặc số."
        ) % {"value": username}
    return None


def username_taken_error(username: str) -> str:
    return _("Tên đăng nhập “%(value)s” đã được dùng cho một tài khoản khác.") % {"value": username}


def email_normalize(value: str) -> str:
    return normalize_text(value).lower()


def email_error(email: str) -> str | None:
    try:
        validate_email(email)
    except ValidationError:
        return _("“%(value)s” không phải địa chỉ e-mail hợp lệ.") % {"value": email}
    return None


def email_taken_error(email: str) -> str:
    return _("E-mail “%(value)s” đã được dùng cho một tài khoản khác.") % {"value": email}


def usernames_taken(usernames: Iterable[str]) -> set[str]:
    """Those of `usernames` (lowercase) already used, ignoring case."""
    return set(
        User.objects.annotate(key=Lower("username")).filter(key__in=list(usernames)).values_list("key", flat=True)
    )


def emails_taken(emails: Iterable[str]) -> set[str]:
    """Those of `emails` (lowercase) already used by an account, ignoring case."""
    return set(User.objects.annotate(key=Lower("email")).filter(key__in=list(emails)).values_list("key", flat=True))


def grant_error(*, by, organization: Organization, role: str) -> dict[str, str]:
    """Why `by` may not grant `role` on `organization`, as {field: message}; empty when it may."""
    if role not in GRANTABLE_ROLES:
        return {"role": _("Vai trò không hợp lệ: chỉ được cấp Bí thư, Văn phòng hoặc Theo dõi.")}
    if organization.is_dissolved:
        return {
            "organization": _("“%(name)s” đã giải thể hoặc sáp nhập: không thể phân quyền trên tổ chức này.")
            % {"name": organization.name}
        }
    if may_manage_accounts_on(by, organization):
        return {}
    if organization.depth == 1 and scope_for(by).covers(organization.path):
        return {"organization": root_error(organization)}
    return {
        "organization": _(
            "“%(name)s” nằm ngoài phạm vi quản lý tài khoản của đồng chí: chỉ được phân quyền trong các tổ chức "
            "mình phụ trách."
        )
        % {"name": organization.name}
    }


def root_error(organization: Organization) -> str:
    return _(
        "“%(name)s” là tổ chức cấp cao nhất: chỉ quản trị hệ thống mới được phân quyền hoặc thu hồi quyền tại đây."
    ) % {"name": organization.name}


def temporary_password() -> str:
    """A random password to be read from the screen once: three groups of four, about 59 bits."""
    return "-".join(get_random_string(4, PASSWORD_ALPHABET) for _group in range(3))


def full_name_parts(full_name: str) -> dict[str, str]:
    """The whole name goes to first_name: get_full_name() then reads it in the Vietnamese order,
    and no compound family or middle name is ever split wrong."""
    return {"first_name": full_name, "last_name": ""}


def _event(kind: str, *, by, user, organization: Organization | None = None, role: str = "") -> RoleEvent:
    return RoleEvent.objects.create(
        kind=kind, actor=by if by is not None and by.pk else None, user=user, organization=organization, role=role
    )


def _refuse(errors: dict[str, str | list[str]]) -> None:
    if errors:
        raise ValidationError(errors)


def _locked_user(user) -> AbstractBaseUser:
    """The user's row, locked until the end of the transaction (serializes changes of access)."""
    return User.objects.select_for_update().get(pk=user.pk)


# --- accounts ------------------------------------------------------------------------------------


@transaction.atomic
def account_create(
    *, by, full_name: str, username: str, email: str, organization: Organization, role: str
) -> tuple[AbstractBaseUser, str]:
    """Create an account with one role and a temporary password, returned to be shown once.

    The account must choose its own password at first sign-in (AccountProfile.must_set_password).
    With an e-mail, an invitation to set its password is mailed after commit. Refuses, with
    errors by field: a blank or overlong name, a bad or used username, a bad or used e-mail
    (both ignoring case), and a grant `by` may not make (`grant_error`).
    """
    full_name = normalize_text(full_name)
    username = username_normalize(username)
    email = email_normalize(email)
    errors: dict[str, str] = {}
    if not full_name:
        errors["full_name"] = _("Hãy nhập họ và tên.")
    elif len(full_name) > FULL_NAME_MAX_LENGTH:
        errors["full_name"] = _("Họ và tên dài quá %(max)s ký tự.") % {"max": FULL_NAME_MAX_LENGTH}
    problem = username_error(username)
    if problem is None and usernames_taken([username]):
        problem = username_taken_error(username)
    if problem:
        errors["username"] = problem
    if email:
        problem = email_error(email)
        if problem is None and emails_taken([email]):
            problem = email_taken_error(email)
        if problem:
            errors["email"] = problem
    errors.update(grant_error(by=by, organization=organization, role=role))
    _refuse(errors)

    password = temporary_password()
    user = User(username=username, email=email, **full_name_parts(full_name))
    user.set_password(password)
    try:
        with transaction.atomic():
            user.save()
    except IntegrityError:  # created by someone else a moment ago
        raise ValidationError({"username": username_taken_error(username)}) from None
    AccountProfile.objects.create(user=user, must_set_password=True, created_by=by)
    RoleAssignment.objects.create(user=user, organization=organization, role=role)
    _event(RoleEvent.Kind.ACCOUNT_CREATED, by=by, user=user, organization=organization)
    _event(RoleEvent.Kind.GRANTED, by=by, user=user, organization=organization, role=role)
    if email:
        invitations_queue(user_ids=[user.pk])
    return user, password


def _account_change_error(*, by, user, roles: list[RoleAssignment]) -> str | None:
    """Why `by` may not deactivate or reactivate `user`, or None."""
    if user.pk == by.pk:
        return _("Không thể tự khóa hoặc mở khóa tài khoản của chính mình.")
    if user.is_superuser:
        return _("Không thể khóa hoặc mở khóa tài khoản quản trị hệ thống từ trang này.")
    if not roles:
        profile = AccountProfile.objects.filter(user=user).first()
        if not scope_for(by).is_superuser and (profile is None or profile.created_by_id != by.pk):
            return _("Tài khoản chưa có vai trò: chỉ người tạo tài khoản hoặc quản trị hệ thống mới khóa được.")
        return None
    if not all(manages_accounts_at(by, assignment.organization.path) for assignment in roles):
        return _(
            "Tài khoản “%(username)s” có vai trò ở tổ chức ngoài phạm vi quản lý tài khoản của đồng chí: "
            "chỉ cấp quản lý chung của các tổ chức đó mới khóa hoặc mở khóa được."
        ) % {"username": user.get_username()}
    return None


def account_active_change_error(*, by, user) -> str | None:
    """Why `by` may not deactivate or reactivate `user` (None when it may), for the pages to show."""
    roles = list(RoleAssignment.objects.filter(user=user).select_related("organization"))
    return _account_change_error(by=by, user=user, roles=roles)


def _event_organization(user, roles: list[RoleAssignment]) -> Organization | None:
    """Where an event about the whole account is shown: its highest role's organization, else
    where it was last dealt with."""
    if roles:
        return min(roles, key=lambda a: (a.organization.depth, a.organization.path)).organization
    last = RoleEvent.objects.filter(user=user, organization__isnull=False).select_related("organization").first()
    return last.organization if last else None


def _set_active(*, by, user, active: bool) -> AbstractBaseUser:
    user = _locked_user(user)
    roles = list(RoleAssignment.objects.filter(user=user).select_related("organization"))
    problem = _account_change_error(by=by, user=user, roles=roles)
    if problem is None and user.is_active == active:
        if active:
            problem = _("Tài khoản “%(username)s” đang hoạt động.") % {"username": user.get_username()}
        else:
            problem = _("Tài khoản “%(username)s” đã bị khóa trước đó.") % {"username": user.get_username()}
    if problem:
        raise ValidationError(problem)
    user.is_active = active
    user.save(update_fields=["is_active"])
    if not active:
        api_tokens_revoke_all(user=user)
    kind = RoleEvent.Kind.REACTIVATED if active else RoleEvent.Kind.DEACTIVATED
    _event(kind, by=by, user=user, organization=_event_organization(user, roles))
    return user


@transaction.atomic
def account_deactivate(*, by, user) -> AbstractBaseUser:
    """Lock an account out (is_active=False; never deleted): its sessions stop working and its API
    tokens are revoked.

    Only when every role of the account lies in `by`'s ACCOUNTS scope (a root: superuser only),
    the account is not a superuser and is not `by` itself. An account without a role: its
    creator or the superuser.
    """
    return _set_active(by=by, user=user, active=False)


@transaction.atomic
def account_reactivate(*, by, user) -> AbstractBaseUser:
    """Let a deactivated account sign in again; the same rule as `account_deactivate`."""
    return _set_active(by=by, user=user, active=True)


# --- roles ---------------------------------------------------------------------------------------


@transaction.atomic
def role_grant(*, by, user, organization: Organization, role: str) -> RoleAssignment:
    """Grant `role` on `organization` (and so its subtree) to `user`.

    `by` needs ACCOUNTS on the organization (a root: superuser only); refuses a dissolved
    organization, a role other than secretary, clerk or reviewer, a role the account already
    holds there, a deactivated account, and a grant to oneself (someone else grants it).
    """
    user = _locked_user(user)
    organization = Organization.objects.get(pk=organization.pk)
    errors = grant_error(by=by, organization=organization, role=role)
    _refuse(errors)
    if user.pk == by.pk and not scope_for(by).is_superuser:
        raise ValidationError(
            _("Không thể tự phân quyền cho chính mình: hãy đề nghị người quản lý tài khoản cấp trên.")
        )
    if not user.is_active:
        raise ValidationError(
            _("Tài khoản “%(username)s” đang bị khóa: hãy mở khóa trước khi phân quyền.")
            % {"username": user.get_username()}
        )
    if RoleAssignment.objects.filter(user=user, organization=organization, role=role).exists():
        raise ValidationError(
            _("Tài khoản “%(username)s” đã có vai trò “%(role)s” tại “%(name)s”.")
            % {"username": user.get_username(), "role": Role(role).label, "name": organization.name}
        )
    assignment = RoleAssignment(user=user, organization=organization, role=role)
    assignment.full_clean()
    assignment.save()
    _event(RoleEvent.Kind.GRANTED, by=by, user=user, organization=organization, role=role)
    return assignment


@transaction.atomic
def role_revoke(*, by, assignment: RoleAssignment) -> None:
    """Take a role away. `by` needs the assignment's organization in its ACCOUNTS scope (a root:
    superuser only) and may not revoke its own roles (nobody locks themselves out)."""
    assignment = RoleAssignment.objects.select_for_update().select_related("organization", "user").get(pk=assignment.pk)
    organization = assignment.organization
    if assignment.user_id == by.pk:
        raise ValidationError(
            _(
                "Không thể tự thu hồi quyền của chính mình (để không tự khóa mình khỏi hệ thống): "
                "hãy đề nghị người quản lý tài khoản cấp trên."
            )
        )
    if not manages_accounts_at(by, organization.path):
        if organization.depth == 1 and scope_for(by).covers(organization.path):
            raise ValidationError(root_error(organization))
        raise ValidationError(
            _("“%(name)s” nằm ngoài phạm vi quản lý tài khoản của đồng chí.") % {"name": organization.name}
        )
    _event(RoleEvent.Kind.REVOKED, by=by, user=assignment.user, organization=organization, role=assignment.role)
    assignment.delete()


# --- passwords -----------------------------------------------------------------------------------


def password_must_be_set(*, user) -> bool:
    return AccountProfile.objects.filter(user_id=user.pk, must_set_password=True).exists()


@transaction.atomic
def account_password_set(*, user, password: str) -> AbstractBaseUser:
    """The account chose its password (first sign-in): store it, lift the obligation."""
    user.set_password(password)
    user.save(update_fields=["password"])
    account_password_chosen(user=user)
    return user


def account_password_chosen(*, user) -> None:
    """Lift the obligation to choose a password (the password was just set, e.g. by a reset link)."""
    AccountProfile.objects.filter(user_id=user.pk, must_set_password=True).update(must_set_password=False)


def accounts_for_password_reset(*, email: str) -> list[AbstractBaseUser]:
    """The active accounts a reset link for `email` goes to: those with a password, and those
    still to choose their first one (an imported account has none yet)."""
    email = email_normalize(email)
    if not email:
        return []
    users = User.objects.annotate(key=Lower("email")).filter(key=email, is_active=True)
    waiting = set(
        AccountProfile.objects.filter(user__in=users, must_set_password=True).values_list("user_id", flat=True)
    )
    return [user for user in users if user.has_usable_password() or user.pk in waiting]


def session_flag_on_login(sender, request, user, **kwargs) -> None:
    """user_logged_in: remember in the session that this account must choose its password, so the
    middleware asks the database nothing on later requests."""
    if request is not None and hasattr(request, "session") and password_must_be_set(user=user):
        request.session[MUST_SET_PASSWORD_SESSION_KEY] = True


# --- mails ---------------------------------------------------------------------------------------


def invitations_queue(*, user_ids: list[int]) -> None:
    """After commit, mail the invitations in chunks, one task (and one SMTP connection) each."""
    chunks = [user_ids[start : start + INVITATION_CHUNK] for start in range(0, len(user_ids), INVITATION_CHUNK)]
    transaction.on_commit(lambda: _enqueue_invitations(chunks))


def _enqueue_invitations(chunks: list[list[int]]) -> None:
    from committees.tasks import account_invitations_send_task

    for chunk in chunks:
        try:
            account_invitations_send_task.delay(chunk)
        except Exception:  # noqa: BLE001 - the broker is down: the accounts exist; a reset link still works
            logger.warning("Could not queue %s account invitation(s)", len(chunk))


def password_reset_queue(*, user_ids: list[int]) -> None:
    """Queue a reset mail for each account (nothing was written: no need to wait for a commit)."""
    from committees.tasks import password_reset_mail_task

    for user_id in user_ids:
        try:
            password_reset_mail_task.delay(user_id)
        except Exception:  # noqa: BLE001 - the broker is down: the answer must stay the same
            logger.warning("Could not queue a password reset mail")
