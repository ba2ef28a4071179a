"""API tokens (django-rest-knox): issued with an expiry, stored as a hash, revocable by their owner.

A token is 64 hexadecimal characters shown once, when it is issued; the database keeps its
SHA-512 digest and its first 15 characters (to find the row), never the token itself. Every
token of an account is revoked (deleted) when its password changes, whichever way (the pages, a
reset link, the first-sign-in page, the admin, `manage.py changepassword`: see
`RevokeApiTokensOnPasswordChange`), and when the account is deactivated.
"""

import datetime
import re
from dataclasses import dataclass
from hmac import compare_digest

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from knox.crypto import hash_token
from knox.models import AuthToken
from knox.settings import CONSTANTS

TOKEN_PATTERN = re.compile(r"[0-9a-f]{64}")


@dataclass(frozen=True)
class IssuedToken:
    token: str  # shown once, never stored
    expiry: datetime.datetime


def _live(queryset: QuerySet) -> QuerySet:
    return queryset.filter(Q(expiry__isnull=True) | Q(expiry__gt=timezone.now()))


def api_tokens_of(*, user) -> list[AuthToken]:
    """The account's tokens still in force, newest first."""
    return list(_live(AuthToken.objects.filter(user=user)).order_by("-created"))


@transaction.atomic
def api_token_issue(*, user) -> IssuedToken:
    """A new token for `user`, valid for settings.API_TOKEN_TTL; refused past API_TOKEN_LIMIT live ones.

    Tokens past their expiry are deleted on the way (they no longer work anyway).
    """
    type(user).objects.select_for_update().filter(pk=user.pk).first()  # one issue at a time per account
    AuthToken.objects.filter(user=user, expiry__lte=timezone.now()).delete()
    if AuthToken.objects.filter(user=user).count() >= settings.API_TOKEN_LIMIT:
        raise ValidationError(
            _(
                "Tài khoản đã có %(limit)s khóa truy cập API còn hiệu lực, là số tối đa. Hãy thu hồi khóa "
                "không dùng nữa ở trang “Khóa truy cập API” (menu tài khoản) rồi lấy khóa mới."
            )
            % {"limit": settings.API_TOKEN_LIMIT},
            code="token_limit",
        )
    instance, token = AuthToken.objects.create(user=user, expiry=settings.API_TOKEN_TTL)
    return IssuedToken(token=token, expiry=instance.expiry)


def api_token_revoke(*, user, digest: str) -> bool:
    """Revoke one token of `user` (by its digest); False when `user` has no such token."""
    deleted, _rows = AuthToken.objects.filter(user=user, digest=digest).delete()
    return bool(deleted)


def api_tokens_revoke_all(*, user) -> int:
    """Revoke every token of `user`; returns how many there were."""
    deleted, _rows = AuthToken.objects.filter(user=user).delete()
    return deleted


def api_token_find(token: str) -> AuthToken | None:
    """The token in force whose text is `token`, or None (malformed, unknown, expired, revoked).

    The text is checked against the token's form before any query, so that anything a client
    sends (a NUL, a megabyte) costs nothing.
    """
    if not TOKEN_PATTERN.fullmatch(token):
        return None
    digest = hash_token(token)
    candidates = AuthToken.objects.filter(token_key=token[: CONSTANTS.TOKEN_KEY_LENGTH]).select_related("user")
    for candidate in _live(candidates):
        if compare_digest(candidate.digest, digest):
            return candidate
    return None


class RevokeApiTokensOnPasswordChange:
    """Revokes the account's API tokens whenever its password changes.

    Listed in AUTH_PASSWORD_VALIDATORS for its `password_changed` hook, which Django calls from
    `User.save()` after every `set_password()`: the password pages, a reset link, the first-
    sign-in page, the admin and `manage.py changepassword` all end there. It validates nothing.
    """

    def validate(self, password: str, user=None) -> None:
        return None

    def password_changed(self, password: str, user=None) -> None:
        if user is not None and user.pk is not None:
            api_tokens_revoke_all(user=user)

    def get_help_text(self) -> str:
        return _("Khi mật khẩu đổi, mọi khóa truy cập API của tài khoản bị thu hồi.")
