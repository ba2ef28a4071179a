"""Sign-in limits: the client address, the lockouts and their pages.

Two limits, both counted on django-axes' failures (AccessAttempt rows, kept for the cool-off):

* one user name from one address: after AXES_FAILURE_LIMIT failures that pair is locked for
  AXES_COOLOFF_TIME (django-axes itself, AXES_LOCKOUT_PARAMETERS);
* one address across user names: once the failures from an address within the cool-off reach
  LOGIN_ADDRESS_FAILURE_LIMIT, every sign-in from it (the login page, the admin's, the API token
  endpoint) is refused by `SignInAddressLimitMiddleware` before the view runs, so before
  authenticate() and its password hash. A spray of ever-new user names costs one query per try
  from then on and adds no row; the address may try again as its failures age out.

The pages say how long to wait, in minutes, and who can lift the lock sooner.
"""

import datetime
import ipaddress
import math

from axes.helpers import get_client_username, get_cool_off
from axes.models import AccessAttempt
from django.conf import settings
from django.contrib.auth.forms import AuthenticationForm
from django.core.cache import cache
from django.db.models import Sum
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _

LOGIN_TEMPLATE = "registration/login.html"
PAUSED_TEMPLATE = "registration/sign_in_paused.html"
ADDRESS_LOCK_MEMORY = 10  # seconds


def client_ip(request: HttpRequest) -> str | None:
    """The address a request came from, as the trusted proxies in front of us saw it.

    Each of the settings.TRUSTED_PROXY_COUNT proxies appends the address it was reached from
    to X-Forwarded-For, so the client is that many entries from the right; anything further
    left was written by the client and proves nothing.
    """
    count = settings.TRUSTED_PROXY_COUNT
    if count:
        forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
        forwarded = [part for part in forwarded if part]
        if len(forwarded) >= count and _is_ip(forwarded[-count]):
            return forwarded[-count]
    return request.META.get("REMOTE_ADDR") or None


def _is_ip(text: str) -> bool:
    try:
        ipaddress.ip_address(text)
    except ValueError:
        return False
    return True


def lockout_remaining(*, username: str | None, ip_address: str | None) -> datetime.timedelta:
    """How long the lockout of this user name from this address still lasts."""
    cool_off = get_cool_off()
    last = (
        AccessAttempt.objects.filter(username=username, ip_address=ip_address)
        .order_by("-attempt_time")
        .values_list("attempt_time", flat=True)
        .first()
    )
    if last is None or cool_off is None:
        return cool_off or datetime.timedelta(0)
    return max(last + cool_off - timezone.now(), datetime.timedelta(0))


def lockout_minutes(remaining: datetime.timedelta) -> int:
    """Whole minutes to wait, rounded up: "1 minute" rather than "0 minutes" near the end."""
    return max(1, math.ceil(remaining.total_seconds() / 60))


def lockout_message(minutes: int) -> str:
    return _(
        "Tài khoản này tạm thời bị khóa đăng nhập từ máy này vì nhập sai mật khẩu %(limit)s lần liên tiếp. "
        "Hãy thử lại sau %(minutes)s phút, hoặc liên hệ quản trị hệ thống để được mở khóa ngay."
    ) % {"limit": settings.AXES_FAILURE_LIMIT, "minutes": minutes}


def lockout_response(request: HttpRequest, original_response=None, credentials: dict | None = None) -> HttpResponse:
    """The login page again, with the lockout explained (AXES_LOCKOUT_CALLABLE), status 429."""
    username = get_client_username(request, credentials)
    remaining = lockout_remaining(username=username, ip_address=getattr(request, "axes_ip_address", None))
    return _refusal_page(request, username, lockout_message(lockout_minutes(remaining)), remaining)


def _refusal_page(request: HttpRequest, username, message: str, remaining: datetime.timedelta) -> HttpResponse:
    redirect_to = request.POST.get("next", request.GET.get("next", ""))
    if not url_has_allowed_host_and_scheme(
        redirect_to, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        redirect_to = ""
    context = {
        "form": AuthenticationForm(request, initial={"username": username}),
        "next": redirect_to,
        "lockout_message": message,
    }
    response = render(request, LOGIN_TEMPLATE, context, status=429)
    response["Retry-After"] = str(math.ceil(remaining.total_seconds()))
    return response


# --- one address across user names ------------------------------------------------------------


def address_lockout_remaining(ip_address: str | None) -> datetime.timedelta | None:
    """How long sign-ins from this address stay refused; None when they are not.

    One aggregate query in the usual case; the rows are read only past the limit, to tell when
    enough of them have aged out of the cool-off for the address to try again. A refusal is
    remembered by the process for a few seconds (ADDRESS_LOCK_MEMORY), so that a spray costs
    no query at all: short enough for a lock lifted by the administrator to end at once.
    """
    cool_off = get_cool_off()
    if ip_address is None or cool_off is None:
        return None
    now = timezone.now()
    key = f"sign-in-address-lock:{ip_address}"
    until = cache.get(key)
    if until is not None and until > now:
        return until - now
    recent = AccessAttempt.objects.filter(ip_address=ip_address, attempt_time__gt=now - cool_off)
    limit = settings.LOGIN_ADDRESS_FAILURE_LIMIT
    total = recent.aggregate(total=Sum("failures_since_start"))["total"] or 0
    if total < limit:
        return None
    remaining = cool_off
    for attempt_time, failures in recent.order_by("attempt_time").values_list("attempt_time", "failures_since_start"):
        total -= failures
        if total < limit:
            remaining = max(attempt_time + cool_off - now, datetime.timedelta(0))
            break
    cache.set(key, now + remaining, timeout=min(ADDRESS_LOCK_MEMORY, remaining.total_seconds()))
    return remaining


def address_lockout_message(minutes: int) -> str:
    return _(
        "Có quá nhiều lần đăng nhập sai từ địa chỉ mạng này (%(limit)s lần, ở nhiều tên đăng nhập khác nhau). "
        "Để bảo vệ các tài khoản, mọi lần đăng nhập từ địa chỉ này tạm dừng: hãy thử lại sau %(minutes)s phút, "
        "hoặc liên hệ quản trị hệ thống."
    ) % {"limit": settings.LOGIN_ADDRESS_FAILURE_LIMIT, "minutes": minutes}


class SignInAddressLimitMiddleware:
    """Refuses a sign-in from an address past LOGIN_ADDRESS_FAILURE_LIMIT before its view runs:
    429 with Retry-After, the login page with the reason, or for the API a JSON `detail`."""

    SIGN_IN_VIEWS = {"login", "admin:login", "api-token"}

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        match = request.resolver_match
        if request.method != "POST" or match is None or match.view_name not in self.SIGN_IN_VIEWS:
            return None
        remaining = address_lockout_remaining(client_ip(request))
        if remaining is None:
            return None
        message = address_lockout_message(lockout_minutes(remaining))
        if match.view_name == "api-token":
            response: HttpResponse = JsonResponse({"detail": message}, status=429)
            response["Retry-After"] = str(math.ceil(remaining.total_seconds()))
            return response
        # A page of its own, without the form: nothing can be tried from here until the wait
        # is over, and it costs a fraction of the login page.
        response = render(request, PAUSED_TEMPLATE, {"message": message}, status=429)
        response["Retry-After"] = str(math.ceil(remaining.total_seconds()))
        return response
