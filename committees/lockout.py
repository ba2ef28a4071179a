"""Login lockout after repeated failures (django-axes): the client address and the lockout page.

A lockout holds one user name from one address (settings.AXES_LOCKOUT_PARAMETERS); the page
says how long to wait, in minutes, and who can lift it sooner.
"""

import datetime
import ipaddress
import math

from axes.helpers import get_client_username, get_cool_off
from axes.models import AccessAttempt
from django.conf import settings
from django.contrib.auth.forms import AuthenticationForm
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _

LOGIN_TEMPLATE = "registration/login.html"


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
    redirect_to = request.POST.get("next", request.GET.get("next", ""))
    if not url_has_allowed_host_and_scheme(
        redirect_to, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        redirect_to = ""
    context = {
        "form": AuthenticationForm(request, initial={"username": username}),
        "next": redirect_to,
        "lockout_message": lockout_message(lockout_minutes(remaining)),
    }
    response = render(request, LOGIN_TEMPLATE, context, status=429)
    response["Retry-After"] = str(math.ceil(remaining.total_seconds()))
    return response
