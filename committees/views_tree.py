"""The tree from the pages: a clerk founds, renames, moves, merges and dissolves the units of
its subtree. Each page: ask the door (committees.permissions), bind the form, call one service.
A refused request comes back as the form, filled, with the service's reason."""

from collections.abc import Callable

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from committees import selectors, services
from committees.forms import attach_errors
from committees.forms_tree import (
    OrganizationCreateForm,
    OrganizationDissolveForm,
    OrganizationMergeForm,
    OrganizationMoveForm,
    OrganizationRenameForm,
)
from committees.models import Organization, Person
from committees.permissions import Perm, get_organization_for_user_or_404, get_organization_to_reorganize_or_404

FORM_TEMPLATE = "committees/tree/form.html"


def _submit(request: HttpRequest, form, action: Callable[[dict], Organization]) -> Organization | None:
    """On a valid POST, run the service; its refusal goes onto the form (and nothing was written)."""
    if request.method != "POST" or not form.is_valid():
        return None
    try:
        return action(form.cleaned_data)
    except ValidationError as error:
        attach_errors(form, error)
        return None


def _page(request: HttpRequest, organization: Organization, form, title: str, template: str = FORM_TEMPLATE, **extra):
    context = {
        "form": form,
        "organization": organization,
        "title": title,
        "crumbs": selectors.organization_breadcrumbs(organization=organization, scope=request.scope),
        "crumb_tail": title,
        **extra,
    }
    return render(request, template, context)


def _what_goes_along(organization: Organization) -> dict:
    """What a merge moves and what stops a dissolution: the active units and people of the unit."""
    return {
        "active_units": Organization.objects.get_children(organization).filter(dissolved_on__isnull=True).count(),
        "active_people": Person.objects.filter(organization=organization, left_on__isnull=True).count(),
    }


@login_required
@require_http_methods(["GET", "POST"])
def organization_create(request: HttpRequest, pk: int) -> HttpResponse:
    parent = get_organization_for_user_or_404(request.user, pk, Perm.ORGANIZE)
    form = OrganizationCreateForm(request.POST or None, parent=parent)
    unit = _submit(request, form, lambda data: services.organization_create(parent=parent, by=request.user, **data))
    if unit is not None:
        messages.success(request, _("Đã thành lập “%(name)s”.") % {"name": unit.name})
        return redirect("committees:organization_detail", parent.pk)
    return _page(request, parent, form, _("Thành lập tổ chức trực thuộc"))


@login_required
@require_http_methods(["GET", "POST"])
def organization_rename(request: HttpRequest, pk: int) -> HttpResponse:
    organization = get_organization_to_reorganize_or_404(request.user, pk)
    old_name = organization.name
    form = OrganizationRenameForm(request.POST or None, organization=organization)
    renamed = _submit(
        request, form, lambda data: services.organization_rename(organization=organization, by=request.user, **data)
    )
    if renamed is not None:
        messages.success(request, _("Đã đổi tên “%(old)s” thành “%(new)s”.") % {"old": old_name, "new": renamed.name})
        return redirect("committees:organization_detail", renamed.pk)
    return _page(request, organization, form, _("Đổi tên"))


@login_required
@require_http_methods(["GET", "POST"])
def organization_move(request: HttpRequest, pk: int) -> HttpResponse:
    organization = get_organization_to_reorganize_or_404(request.user, pk)
    form = OrganizationMoveForm(request.POST or None, organization=organization, user=request.user)
    moved = _submit(
        request,
        form,
        lambda data: services.organization_move(
            organization=organization, new_parent=data["new_parent"], on=data["effective_on"], by=request.user
        ),
    )
    if moved is not None:
        messages.success(
            request,
            _("Đã chuyển “%(name)s” về trực thuộc “%(parent)s”.")
            % {"name": moved.name, "parent": form.cleaned_data["new_parent"].name},
        )
        return redirect("committees:organization_detail", moved.pk)
    return _page(request, organization, form, _("Chuyển trực thuộc"))


@login_required
@require_http_methods(["GET", "POST"])
def organization_merge(request: HttpRequest, pk: int) -> HttpResponse:
    organization = get_organization_to_reorganize_or_404(request.user, pk)
    form = OrganizationMergeForm(request.POST or None, organization=organization, user=request.user)
    target = _submit(
        request,
        form,
        lambda data: services.organization_merge(
            source=organization, target=data["target"], on=data["effective_on"], by=request.user
        ),
    )
    if target is not None:
        messages.success(
            request, _("Đã sáp nhập “%(name)s” vào “%(target)s”.") % {"name": organization.name, "target": target.name}
        )
        return redirect("committees:organization_detail", organization.pk)
    extra = _what_goes_along(organization)
    return _page(request, organization, form, _("Sáp nhập vào tổ chức khác"), "committees/tree/merge.html", **extra)


@login_required
@require_http_methods(["GET", "POST"])
def organization_dissolve(request: HttpRequest, pk: int) -> HttpResponse:
    organization = get_organization_to_reorganize_or_404(request.user, pk)
    form = OrganizationDissolveForm(request.POST or None, organization=organization)
    dissolved = _submit(
        request,
        form,
        lambda data: services.organization_dissolve(
            organization=organization, on=data["effective_on"], by=request.user
        ),
    )
    if dissolved is not None:
        messages.success(request, _("Đã giải thể “%(name)s”.") % {"name": dissolved.name})
        return redirect("committees:organization_detail", dissolved.pk)
    extra = _what_goes_along(organization)
    return _page(request, organization, form, _("Giải thể"), "committees/tree/dissolve.html", **extra)
