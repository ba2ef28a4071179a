import time

from django.conf import settings
from django.http import HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.functional import SimpleLazyObject
from django.utils.translation import gettext as _

from committees.accounts import MUST_SET_PASSWORD_SESSION_KEY, password_must_be_set
from committees.api_tokens import api_token_find
from committees.permissions import scope_for
from committees.text import control_character_error


class ScopeMiddleware:
    """Expose the user's scope as `request.scope`, computed at most once per request."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.scope = SimpleLazyObject(lambda: scope_for(request.user))
        return self.get_response(request)


class SessionActivityMiddleware:
    """Sessions expire after a period of inactivity. Rather than write the session on every
    request, refresh its expiry at most once a minute: the same effect, three queries fewer."""

    REFRESH_SECONDS = 60

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        session = getattr(request, "session", None)
        if session is not None and request.user.is_authenticated:
            now = int(time.time())
            if now - session.get("seen", 0) >= self.REFRESH_SECONDS:
                session["seen"] = now
        return self.get_response(request)


class PermissionsPolicyMiddleware:
    """Switch off browser features no page uses, so injected content cannot use them either.

    (X-Frame-Options, nosniff, Referrer-Policy and Cross-Origin-Opener-Policy come from
    Django's own middleware and settings; the Content-Security-Policy from django-csp.)
    """

    POLICY = (
        "accelerometer=(), camera=(), geolocation=(), gyroscope=(), magnetometer=(), microphone=(), payment=(), usb=()"
    )

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        response.setdefault("Permissions-Policy", self.POLICY)
        return response


class PasswordSetRequiredMiddleware:
    """A new account chooses its own password before anything else.

    A signed-in account whose profile says `must_set_password` (remembered in its session at
    sign-in: committees.accounts.session_flag_on_login, so no query per request) is sent to the
    "Đặt mật khẩu mới" page from every page but that one, sign-out, static and media files and
    the health probe. The REST API answers 403 with a Vietnamese detail instead of redirecting;
    an API token of such an account is refused the same way (two queries, on token requests only).
    """

    API_PREFIX = "/api/"

    def __init__(self, get_response):
        self.get_response = get_response
        self._exempt: tuple[str, ...] | None = None

    def __call__(self, request):
        path = request.path_info
        if self._must_set_password(request, path) and not path.startswith(self.exempt_paths()):
            if path.startswith(self.API_PREFIX):
                detail = _("Tài khoản phải đặt mật khẩu mới trước khi dùng hệ thống: hãy đăng nhập trên trang web.")
                return JsonResponse({"detail": detail}, status=403)
            url = reverse("committees:password_set")
            if request.headers.get("HX-Request"):
                response = HttpResponse(status=204)
                response["HX-Redirect"] = url
                return response
            return redirect(url)
        return self.get_response(request)

    def exempt_paths(self) -> tuple[str, ...]:
        if self._exempt is None:
            self._exempt = (
                reverse("committees:password_set"),
                reverse("logout"),
                reverse("health"),
                "/" + settings.STATIC_URL.lstrip("/"),
                "/" + settings.MEDIA_URL.lstrip("/"),
            )
        return self._exempt

    def _must_set_password(self, request, path: str) -> bool:
        session = getattr(request, "session", None)
        if session is not None and session.get(MUST_SET_PASSWORD_SESSION_KEY) and request.user.is_authenticated:
            return True
        authorization = request.headers.get("Authorization", "")
        if path.startswith(self.API_PREFIX) and authorization.startswith("Token "):
            token = api_token_find(authorization.removeprefix("Token ").strip())
            return token is not None and password_must_be_set(user=token.user)
        return False


class InputCharactersMiddleware:
    """Refuse a request whose query parameters or form fields hold a control character.

    One check for every page, the admin's and the API's (committees.text): such a character is
    never stored nor searched for (PostgreSQL refuses NUL, XML the others), and the answer says
    what is wrong, in Vietnamese: 400 with a page, a JSON `detail` for the API, and for htmx a
    fragment its target shows (htmx swaps no error). Uploaded files are the imports' business;
    JSON bodies are checked by the API's fields.
    """

    FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        problem = self._problem(request)
        if problem is None:
            return self.get_response(request)
        if request.path_info.startswith(PasswordSetRequiredMiddleware.API_PREFIX):
            return JsonResponse({"detail": problem}, status=400)
        if request.headers.get("HX-Request"):
            return render(request, "includes/input_refused.html", {"message": problem})
        return render(request, "400_input.html", {"message": problem}, status=400)

    def _problem(self, request) -> str | None:
        sources = [request.GET]
        if request.method == "POST" and request.content_type in self.FORM_TYPES:
            sources.append(request.POST)
        for data in sources:
            for key, values in data.lists():
                problem = control_character_error(key) or next(
                    (error for value in values if (error := control_character_error(value, field=key))), None
                )
                if problem:
                    return problem
        return None
