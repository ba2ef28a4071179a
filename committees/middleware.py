import time

from django.utils.functional import SimpleLazyObject

from committees.permissions import scope_for


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
