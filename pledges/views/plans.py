"""The yearly plan of an organization (with closing and reopening the year) and the directive registry."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from committees import selectors as committee_selectors
from committees.forms import attach_errors
from committees.permissions import Perm
from committees.text import normalize_text
from committees.years import year_in_range
from pledges.forms.plans import DirectiveForm, PlanForm, ReopenForm
from pledges.history import record_history
from pledges.models import Plan, default_deadline
from pledges.selectors_directives import (
    closing_plan,
    directive_cascade,
    directive_registry,
    directive_years,
    term_theme_for_year,
)
from pledges.services import plans as services
from pledges.views.common import (
    check_year,
    follow_year_picker,
    org_for,
    org_year_context,
)

REGISTRY_PAGE_SIZE = 50

# --- the plan of a year --------------------------------------------------------------------


def _plan_initial(own: Plan | None, governing: Plan | None, year: int) -> dict:
    """The form starts from the organization's own plan, else from the superior's terms."""
    if own is not None:
        return {
            "directive": own.directive_id,
            "theme": own.theme_id,
            "pledge_deadline": own.pledge_deadline,
            "required_thematic_meetings": own.required_thematic_meetings,
        }
    if governing is not None:
        return {
            "theme": governing.theme_id,
            "pledge_deadline": governing.pledge_deadline,
            "required_thematic_meetings": governing.required_thematic_meetings,
        }
    return {"pledge_deadline": default_deadline(year), "required_thematic_meetings": 2}


def _plan_page(request: HttpRequest, organization, year: int, *, form: PlanForm | None = None) -> HttpResponse:
    context = org_year_context(request, organization, year, tab="plan")
    perms = context["perms"]
    governing: Plan | None = context["plan"]
    # plan_for returns the nearest plan: when it is a superior's, the organization has none of its own.
    own = governing if governing is not None and governing.organization_id == organization.pk else None
    cascade = directive_cascade(governing.directive) if governing is not None and governing.directive_id else []
    closed_by = closing_plan(organization=organization, year=year) if context["year_closed"] else None
    can_edit = Perm.PLAN in perms and context["year_open"] and not context["year_closed"]
    if form is None and can_edit:
        form = PlanForm(user=request.user, year=year, initial=_plan_initial(own, governing, year))
    context.update(
        {
            "own_plan": own,
            "inherited": governing is not None and governing.organization_id != organization.pk,
            "governing_reachable": governing is not None and request.scope.covers(governing.organization.path),
            "theme": governing.theme if governing is not None and governing.theme_id else services.theme_for_year(year),
            "term_theme": term_theme_for_year(year),
            "cascade": cascade,
            "deadline": governing.pledge_deadline if governing is not None else default_deadline(year),
            "required_meetings": governing.required_thematic_meetings if governing is not None else 2,
            "closed_by": closed_by,
            "closed_here": closed_by is not None and closed_by.organization_id == organization.pk,
            "closer_reachable": closed_by is not None and request.scope.covers(closed_by.organization.path),
            "can_edit": can_edit,
            "form": form,
            "can_reopen": Perm.REOPEN in perms and context["year_open"],
            "reopen_form": ReopenForm(),
            "history": record_history(own, _("kế hoạch năm")) if Perm.HISTORY in perms else None,
        }
    )
    return render(request, "pledges/plans/detail.html", context)


@login_required
@follow_year_picker
def plan_detail(request: HttpRequest, pk: int, year: int) -> HttpResponse:
    """The plan governing the organization this year; its secretaries edit the organization's own."""
    organization = org_for(request, pk, Perm.PLAN if request.method == "POST" else Perm.VIEW)
    check_year(year)
    if request.method != "POST":
        return _plan_page(request, organization, year)
    form = PlanForm(request.POST, user=request.user, year=year)
    if form.is_valid():
        data = form.cleaned_data
        try:
            services.plan_save(
                organization=organization,
                year=year,
                directive=data["directive"],
                theme=data["theme"],
                pledge_deadline=data["pledge_deadline"],
                required_thematic_meetings=data["required_thematic_meetings"],
                new_theme=data.get("new_theme", ""),
                by=request.user,
            )
        except ValidationError as error:
            attach_errors(form, error)
        else:
            messages.success(
                request, _("Đã lưu kế hoạch năm %(year)s của %(name)s.") % {"year": year, "name": organization.name}
            )
            return redirect("pledges:plan_detail", organization.pk, year)
    return _plan_page(request, organization, year, form=form)


@login_required
@require_POST
def plan_close(request: HttpRequest, pk: int, year: int) -> HttpResponse:
    """Close the year for the organization and its subtree (its own plan is made if missing)."""
    organization = org_for(request, pk, Perm.REOPEN)
    check_year(year)
    try:
        with transaction.atomic():
            plan = Plan.objects.filter(organization=organization, year=year).first()
            if plan is None:
                plan = services.plan_save(organization=organization, year=year, by=request.user)
            services.plan_close(plan=plan, by=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(
            request,
            _("Đã khóa sổ năm %(year)s của %(name)s: hồ sơ của tổ chức và các tổ chức trực thuộc chỉ còn xem được.")
            % {"year": year, "name": organization.name},
        )
    return redirect("pledges:plan_detail", organization.pk, year)


@login_required
@require_POST
def plan_reopen(request: HttpRequest, pk: int, year: int) -> HttpResponse:
    """Reopen a closed year; the reason is required and kept in the plan's history."""
    organization = org_for(request, pk, Perm.REOPEN)
    check_year(year)
    form = ReopenForm(request.POST)
    if not form.is_valid():
        messages.error(request, " ".join(form.errors.get("reason", [])) or _("Hãy ghi lý do mở lại năm đã khóa sổ."))
        return redirect("pledges:plan_detail", organization.pk, year)
    plan = Plan.objects.filter(organization=organization, year=year).first()
    if plan is None:
        messages.error(request, _("Năm %(year)s chưa khóa sổ ở tổ chức này.") % {"year": year})
        return redirect("pledges:plan_detail", organization.pk, year)
    try:
        services.plan_reopen(plan=plan, reason=form.cleaned_data["reason"], by=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("Đã mở lại năm %(year)s của %(name)s.") % {"year": year, "name": organization.name})
    return redirect("pledges:plan_detail", organization.pk, year)


# --- the directive registry ----------------------------------------------------------------


def _year_param(value: str) -> int | None:
    """A year from the query string (?nam=2024), or None when absent or out of range."""
    if not value.isdigit() or len(value) != 4:
        return None
    year = int(value)
    return year if year_in_range(year) else None


@login_required
def directive_list(request: HttpRequest) -> HttpResponse:
    """The registry of directives the user may see, searchable, by year of issue."""
    query = normalize_text(request.GET.get("q", ""))[:100]
    year = _year_param(request.GET.get("nam", ""))
    directives = directive_registry(user=request.user, query=query, year=year)
    page = Paginator(directives, REGISTRY_PAGE_SIZE).get_page(request.GET.get("trang"))
    writable = [grant for grant in request.scope.grants if Perm.PLAN in request.scope.perms_for_path(grant.path)]
    context = {
        "page": page,
        "directives": page.object_list,
        "query": query,
        "year": year,
        "years": directive_years(request.user),
        "writable_grants": writable,
    }
    return render(request, "pledges/directives/list.html", context)


@login_required
def directive_create(request: HttpRequest, pk: int) -> HttpResponse:
    """Register a directive issued by the organization."""
    organization = org_for(request, pk, Perm.PLAN)
    back_year = _year_param(request.GET.get("nam", ""))
    form = DirectiveForm(request.POST or None, user=request.user, organization=organization)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            directive = services.directive_create(
                symbol=data["symbol"],
                issued_on=data["issued_on"],
                title=data["title"],
                issuing_organization=form.issuing_organization(),
                issuer_name=data["issuer_name"],
                implements=data["implements"],
            )
        except ValidationError as error:
            attach_errors(form, error)
        else:
            messages.success(request, _("Đã thêm văn bản %(symbol)s vào sổ.") % {"symbol": directive.symbol})
            if back_year is not None:
                return redirect("pledges:plan_detail", organization.pk, back_year)
            return redirect("pledges:directive_list")
    context = {
        "organization": organization,
        "form": form,
        "back_year": back_year,
        "crumbs": committee_selectors.organization_breadcrumbs(organization=organization, scope=request.scope),
    }
    return render(request, "pledges/directives/form.html", context)
