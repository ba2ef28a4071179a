from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.middleware.csrf import REASON_NO_CSRF_COOKIE
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from committees import selectors, services
from committees.forms import PersonForm, PersonSearchForm, attach_errors
from committees.models import Organization, Role
from committees.permissions import (
    Grant,
    Perm,
    get_organization_for_user_or_404,
    get_person_for_user_or_404,
    may_reorganize,
    perms_for,
)
from committees.years import default_year

ACTIVE_ROLE_SESSION_KEY = "active_assignment_id"

# Where each role starts its day: (url name, whether it takes the working year).
LANDING_URL_NAMES = {
    Role.SECRETARY: ("pledges:roster", True),
    Role.REVIEWER: ("reports:dashboard", True),
    Role.CLERK: ("reports:report_page", True),
}


def active_grant(request: HttpRequest) -> Grant | None:
    grants = request.scope.grants
    if not grants:
        return None
    chosen = request.session.get(ACTIVE_ROLE_SESSION_KEY)
    return next((g for g in grants if g.assignment_id == chosen), grants[0])


def landing_url(grant: Grant) -> str:
    url_name, with_year = LANDING_URL_NAMES[grant.role]
    organization = Organization.objects.get(pk=grant.organization_id)
    args = [grant.organization_id, default_year(organization)] if with_year else [grant.organization_id]
    return reverse(url_name, args=args)


@login_required
def home(request: HttpRequest) -> HttpResponse:
    grant = active_grant(request)
    if grant is not None:
        return redirect(landing_url(grant))
    if request.user.is_superuser:
        return redirect("committees:organization_list")
    return render(request, "committees/no_role.html")


@login_required
@require_POST
def role_switch(request: HttpRequest, assignment_id: int) -> HttpResponse:
    grant = next((g for g in request.scope.grants if g.assignment_id == assignment_id), None)
    if grant is None:
        raise Http404
    request.session[ACTIVE_ROLE_SESSION_KEY] = grant.assignment_id
    return redirect(landing_url(grant))


@login_required
def organization_list(request: HttpRequest) -> HttpResponse:
    roots = selectors.scope_root_organizations(scope=request.scope)
    if len(roots) == 1:
        return redirect("committees:organization_detail", roots[0].pk)
    return render(request, "committees/organization_list.html", {"roots": roots})


@login_required
def organization_detail(request: HttpRequest, pk: int) -> HttpResponse:
    organization = get_organization_for_user_or_404(request.user, pk, Perm.VIEW)
    context = {
        "organization": organization,
        "perms": perms_for(request.user, organization),
        "may_reorganize": may_reorganize(request.user, organization),
        "crumbs": selectors.organization_breadcrumbs(organization=organization, scope=request.scope),
        "children": selectors.organization_children_with_counts(organization=organization),
        "people": selectors.organization_people(organization=organization),
        "events": organization.events.select_related("from_parent", "to_organization")[:10],
        "working_year": default_year(organization),
    }
    return render(request, "committees/organization_detail.html", context)


@login_required
def person_create(request: HttpRequest, pk: int) -> HttpResponse:
    organization = get_organization_for_user_or_404(request.user, pk, Perm.ENTER)
    form = PersonForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            person = services.person_create(organization=organization, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            attach_errors(form, error)
        else:
            messages.success(request, _("Đã thêm “%(name)s”.") % {"name": person.full_name})
            return redirect("committees:organization_detail", organization.pk)
    context = {
        "form": form,
        "organization": organization,
        "crumbs": selectors.organization_breadcrumbs(organization=organization, scope=request.scope),
        "title": _("Thêm cá nhân"),
    }
    return render(request, "committees/person_form.html", context)


@login_required
def person_detail(request: HttpRequest, pk: int) -> HttpResponse:
    person = get_person_for_user_or_404(request.user, pk, Perm.VIEW)
    context = {
        "person": person,
        "perms": perms_for(request.user, person.organization),
        "memberships": person.memberships.select_related("organization"),
        "crumbs": selectors.organization_breadcrumbs(organization=person.organization, scope=request.scope),
    }
    return render(request, "committees/person_detail.html", context)


@login_required
def person_update(request: HttpRequest, pk: int) -> HttpResponse:
    person = get_person_for_user_or_404(request.user, pk, Perm.ENTER)
    form = PersonForm(request.POST or None, instance=person)
    if request.method == "POST" and form.is_valid():
        try:
            services.person_update(person=person, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            attach_errors(form, error)
        else:
            messages.success(request, _("Đã lưu thay đổi."))
            return redirect("committees:person_detail", person.pk)
    context = {
        "form": form,
        "organization": person.organization,
        "crumbs": selectors.organization_breadcrumbs(organization=person.organization, scope=request.scope),
        "title": _("Sửa thông tin cá nhân"),
    }
    return render(request, "committees/person_form.html", context)


@login_required
def people_search(request: HttpRequest) -> HttpResponse:
    form = PersonSearchForm(request.GET or None)
    results = []
    if form.is_valid():
        results = selectors.people_search(user=request.user, query=form.cleaned_data["q"])
    template = "committees/partials/people_results.html" if request.htmx else "committees/people_search.html"
    return render(request, template, {"form": form, "results": results})


def permission_denied_view(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return render(request, "403.html", status=403)


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    """A form refused by the CSRF check (CSRF_FAILURE_VIEW), explained in Vietnamese: usually a
    page left open past the end of its session, or a browser that keeps no cookie."""
    context = {"no_cookie": reason == REASON_NO_CSRF_COOKIE}
    return render(request, "403_csrf.html", context, status=403)
