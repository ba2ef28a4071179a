"""Exemplars (mô hình, điển hình tiên tiến): the list of a subtree in a year, entry, detail with history."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Prefetch
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from committees import selectors as committee_selectors
from committees.forms import attach_errors
from committees.models import Person
from committees.permissions import Perm, get_in_scope_or_404, perms_for
from pledges import selectors_records as selectors
from pledges.forms.exemplars import ExemplarForm
from pledges.history import record_history
from pledges.models import Exemplar
from pledges.services import records as services
from pledges.services.common import year_is_closed
from pledges.views.common import (
    check_year,
    follow_year_picker,
    org_for,
    org_year_context,
    year_from_query,
)

PAGE_SIZE = 100
STATUS_BADGES = {
    Exemplar.Status.REGISTERED: "secondary",
    Exemplar.Status.IMPLEMENTED: "info",
    Exemplar.Status.REPLICATED: "success",
}


# --- list ----------------------------------------------------------------------------------


@login_required
@follow_year_picker
def exemplar_list(request: HttpRequest, pk: int, year: int) -> HttpResponse:
    organization = org_for(request, pk)
    check_year(year)
    status = request.GET.get("trang-thai") or None
    if status not in Exemplar.Status.values:
        status = None
    listed = selectors.year_exemplars(organization=organization, year=year, status=status)
    page = Paginator(listed.rows, PAGE_SIZE).get_page(request.GET.get("trang"))
    context = {
        **org_year_context(request, organization, year, tab="exemplars"),
        "page": page,
        "status": status,
        "total": listed.total,
        "status_choices": [
            (value, label, listed.counts.get(value, 0), STATUS_BADGES[value])
            for value, label in Exemplar.Status.choices
        ],
        "badges": STATUS_BADGES,
    }
    return render(request, "pledges/exemplars/list.html", context)


# --- entry ---------------------------------------------------------------------------------


def _form_page(request, organization, form, *, exemplar=None, year=None) -> HttpResponse:
    context = {
        "organization": organization,
        "form": form,
        "exemplar": exemplar,
        "year": exemplar.year if exemplar else year,
        "crumbs": committee_selectors.organization_breadcrumbs(organization=organization, scope=request.scope),
        "crumb_tail": _("Sửa mô hình, điển hình") if exemplar else _("Thêm mô hình, điển hình"),
    }
    return render(request, "pledges/exemplars/form.html", context)


def _save(request, form, organization, exemplar=None) -> Exemplar | None:
    data = form.cleaned_data
    try:
        return services.exemplar_save(
            organization=organization,
            year=data["year"],
            name=data["name"],
            status=data["status"],
            description=data["description"],
            unit=data["unit"],
            people=list(data["people"].select_related("organization")),
            exemplar=exemplar,
            by=request.user,
        )
    except ValidationError as error:
        attach_errors(form, error)
        return None


@login_required
def exemplar_create(request: HttpRequest, pk: int) -> HttpResponse:
    organization = org_for(request, pk, Perm.ENTER)
    year = year_from_query(request, organization)
    form = ExemplarForm(request.POST or None, organization=organization, initial={"year": year})
    if request.method == "POST" and form.is_valid():
        exemplar = _save(request, form, organization)
        if exemplar is not None:
            messages.success(request, _("Đã thêm mô hình, điển hình “%(name)s”.") % {"name": exemplar.name})
            return redirect("pledges:exemplar_list", organization.pk, exemplar.year)
    return _form_page(request, organization, form, year=year)


@login_required
def exemplar_update(request: HttpRequest, pk: int) -> HttpResponse:
    exemplar = get_in_scope_or_404(Exemplar.objects.all(), request.user, pk, Perm.ENTER)
    organization = exemplar.organization
    if request.method != "POST" and year_is_closed(organization=organization, year=exemplar.year):
        messages.error(request, _("Năm %(year)s đã khóa sổ: hồ sơ chỉ còn xem được.") % {"year": exemplar.year})
        return redirect("pledges:exemplar_detail", exemplar.pk)
    form = ExemplarForm(
        request.POST or None, organization=organization, exemplar=exemplar, initial=ExemplarForm.initial_for(exemplar)
    )
    if request.method == "POST" and form.is_valid() and _save(request, form, organization, exemplar):
        messages.success(request, _("Đã lưu mô hình, điển hình “%(name)s”.") % {"name": exemplar.name})
        return redirect("pledges:exemplar_detail", exemplar.pk)
    return _form_page(request, organization, form, exemplar=exemplar)


# --- detail --------------------------------------------------------------------------------


@login_required
def exemplar_detail(request: HttpRequest, pk: int) -> HttpResponse:
    exemplar = get_in_scope_or_404(
        Exemplar.objects.prefetch_related(
            Prefetch("people", queryset=Person.objects.select_related("organization").order_by("search_key"))
        ),
        request.user,
        pk,
        Perm.VIEW,
    )
    organization = exemplar.organization
    perms = perms_for(request.user, organization)
    closed = year_is_closed(organization=organization, year=exemplar.year)
    context = {
        "exemplar": exemplar,
        "organization": organization,
        "year_closed": closed,
        "can_enter": Perm.ENTER in perms and not closed,
        "badge": STATUS_BADGES.get(exemplar.status, "secondary"),
        "history": record_history(exemplar, _("mô hình, điển hình")) if Perm.HISTORY in perms else None,
        "crumbs": committee_selectors.organization_breadcrumbs(organization=organization, scope=request.scope),
        "crumb_tail": exemplar.name,
    }
    return render(request, "pledges/exemplars/detail.html", context)
