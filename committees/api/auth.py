"""Token authentication of the API: django-rest-knox's, with the token's form checked first.

`Authorization: Token <token>`: a token is 64 hexadecimal characters (committees.api_tokens). A
header holding anything else is refused before a query is made, so that a NUL or a megabyte in
it is a 401 like any wrong token, never a database error.
"""

from django.conf import settings
from django.utils.translation import gettext_lazy as _
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from drf_spectacular.plumbing import build_bearer_security_scheme_object
from knox import auth
from rest_framework import exceptions

from committees.api_tokens import TOKEN_PATTERN


class TokenAuthentication(auth.TokenAuthentication):
    def authenticate_credentials(self, token: bytes):
        try:
            text = token.decode("ascii")
        except UnicodeDecodeError:
            text = ""
        if not TOKEN_PATTERN.fullmatch(text):
            raise exceptions.AuthenticationFailed()
        return super().authenticate_credentials(token)


class TokenScheme(OpenApiAuthenticationExtension):
    target_class = "committees.api.auth.TokenAuthentication"
    name = "tokenAuth"

    def get_security_definition(self, auto_schema):
        scheme = build_bearer_security_scheme_object(header_name="Authorization", token_prefix="Token")
        scheme["description"] = str(
            _(
                "Lấy khóa tại POST /api/v1/token/ (tên đăng nhập và mật khẩu), rồi gửi kèm mọi yêu cầu tiêu đề "
                "“Authorization: Token <khóa>”. Khóa hết hạn sau %(days)s ngày, bị thu hồi khi mật khẩu đổi "
                "hoặc tài khoản bị khóa; chủ tài khoản xem và thu hồi khóa ở trang “Khóa truy cập API”."
            )
            % {"days": settings.API_TOKEN_TTL.days}
        )
        return scheme
