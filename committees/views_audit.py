"""The download log page: who downloaded personal data of an organization and its subtree."""

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from committees import selectors
from committees.forms import DownloadLogFilterForm
from committees.permissions import Perm, get_organization_for_user_or_404

PAGE_SIZE = 50


@login_required
@require_GET
def download_log(request: HttpRequest, pk: int) -> HttpResponse:
    organization = get_organization_for_user_or_404(request.user, pk, Perm.AUDIT)
    form = DownloadLogFilterForm(request.GET or None)
    entries = selectors.download_log_entries(organization=organization, **form.filters())
    page = Paginator(entries, PAGE_SIZE).get_page(request.GET.get("trang"))
    crumbs = selectors.organization_breadcrumbs(organization=organization, scope=request.scope)
    parent = crumbs[-2].organization if len(crumbs) > 1 else None
    context = {
        "organization": organization,
        "crumbs": crumbs,
        "crumb_tail": _("Nhật ký tải dữ liệu"),
        "form": form,
        "page": page,
        # Up one level, when the user may read the parent's log too.
        "parent": parent if parent is not None and Perm.AUDIT in request.scope.perms_for(parent) else None,
    }
    return render(request, "committees/download_log.html", context)
