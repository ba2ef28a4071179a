"""Opening a reporting year for an organization's subtree, and following the opening."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from committees import selectors, services
from committees.forms import attach_errors
from committees.permissions import (
    Perm,
    get_organization_for_user_or_404,
    get_year_opening_for_user_or_404,
    perms_for,
)
from committees.years import openable_years, years_of


class YearOpenForm(forms.Form):
    year = forms.TypedChoiceField(label=gettext_lazy("Năm công tác"), coerce=int)

    def __init__(self, *args, choices: list[int], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["year"].choices = [(year, year) for year in choices]
        self.fields["year"].error_messages["invalid_choice"] = _("Hãy chọn một năm trong danh sách.")


@login_required
def year_open(request: HttpRequest, pk: int) -> HttpResponse:
    """Open a year for the organization's subtree: the live tree is copied into the year's tree."""
    organization = get_organization_for_user_or_404(request.user, pk, Perm.PLAN)
    opened = years_of(organization)
    form = YearOpenForm(request.POST or None, choices=openable_years(), initial={"year": request.GET.get("nam")})
    if request.method == "POST" and form.is_valid():
        try:
            opening = services.year_opening_request(
                year=form.cleaned_data["year"], organization=organization, by=request.user
            )
        except ValidationError as error:
            attach_errors(form, error)
        else:
            messages.success(
                request,
                _("Đã yêu cầu mở năm %(year)s cho %(name)s.") % {"year": opening.year, "name": organization.name},
            )
            return redirect("committees:year_opening", opening.pk)
    context = {
        "organization": organization,
        "form": form,
        "opened": opened,
        "openings": selectors.year_openings_of(organization=organization),
        "crumbs": selectors.organization_breadcrumbs(organization=organization, scope=request.scope),
    }
    return render(request, "committees/years/open.html", context)


@login_required
def year_opening(request: HttpRequest, pk: int) -> HttpResponse:
    """The state of one opening; the page polls it while the worker copies the tree."""
    opening = get_year_opening_for_user_or_404(request.user, pk, Perm.VIEW)
    organization = opening.organization
    context = {
        "opening": opening,
        "organization": organization,
        "perms": perms_for(request.user, organization) if organization else frozenset(),
        "can_retry": services.year_opening_can_retry(opening=opening),
        "crumbs": selectors.organization_breadcrumbs(organization=organization, scope=request.scope)
        if organization
        else [],
    }
    if request.htmx:
        return render(request, "committees/years/partials/opening_state.html", context)
    return render(request, "committees/years/opening.html", context)


@login_required
@require_POST
def year_opening_retry(request: HttpRequest, pk: int) -> HttpResponse:
    """Send a failed opening, or one the worker never took, to the worker again."""
    opening = get_year_opening_for_user_or_404(request.user, pk, Perm.PLAN)
    try:
        services.year_opening_retry(opening=opening)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    return redirect("committees:year_opening", opening.pk)
