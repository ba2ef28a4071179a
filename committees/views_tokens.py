"""The "Khóa truy cập API" page: a user's own API tokens, listed and revoked (committees.api_tokens)."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from committees import api_tokens


@login_required
@require_GET
def api_tokens_page(request: HttpRequest) -> HttpResponse:
    context = {"tokens": api_tokens.api_tokens_of(user=request.user), "ttl_days": settings.API_TOKEN_TTL.days}
    return render(request, "committees/api_tokens.html", context)


@login_required
@require_POST
def api_token_revoke(request: HttpRequest) -> HttpResponse:
    """POST `token=<digest>` revokes that token of the user's (404 for anyone else's), `all=1` every one."""
    if request.POST.get("all") == "1":
        count = api_tokens.api_tokens_revoke_all(user=request.user)
        messages.success(request, _("Đã thu hồi %(count)s khóa truy cập API.") % {"count": count})
    elif api_tokens.api_token_revoke(user=request.user, digest=request.POST.get("token", "")):
        messages.success(request, _("Đã thu hồi khóa truy cập API: khóa này không dùng được nữa."))
    else:
        raise Http404
    return redirect("committees:api_tokens")
