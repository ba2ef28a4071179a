"""Commendations (khen thưởng): the list of a subtree in a year, proposals and decisions, detail with history."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from committees import selectors as committee_selectors
from committees.forms import attach_errors
from committees.permissions import Perm, get_in_scope_or_404, perms_for
from pledges import selectors_records as selectors
from pledges.forms.commendations import CommendationEntryForm, RecipientType
from pledges.history import record_history
from pledges.models import Commendation
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
    Commendation.Status.PROPOSED: "warning",
    Commendation.Status.GRANTED: "success",
    Commendation.Status.DECLINED: "secondary",
}
# The recipient filter's values in the address → the selector's.
RECIPIENTS = {RecipientType.PERSON: selectors.PERSON, RecipientType.COLLECTIVE: selectors.COLLECTIVE}

# --- list ----------------------------------------------------------------------------------


@login_required
@follow_year_picker
def commendation_list(request: HttpRequest, pk: int, year: int) -> HttpResponse:
    organization = org_for(request, pk)
    check_year(year)
    status = request.GET.get("trang-thai") or None
    if status not in Commendation.Status.values:
        status = None
    recipient = request.GET.get("doi-tuong") or None
    if recipient not in RECIPIENTS:
        recipient = None
    listed = selectors.year_commendations(
        organization=organization, year=year, status=status, recipient=RECIPIENTS.get(recipient)
    )
    page = Paginator(listed.rows, PAGE_SIZE).get_page(request.GET.get("trang"))
    context = {
        **org_year_context(request, organization, year, tab="commendations"),
        "page": page,
        "status": status,
        "recipient": recipient,
        "total": listed.total,
        "status_choices": [
            (value, label, listed.by_status.get(value, 0), STATUS_BADGES[value])
            for value, label in Commendation.Status.choices
        ],
        "recipient_choices": [
            (value, label, listed.by_recipient[RECIPIENTS[value]]) for value, label in RecipientType.CHOICES
        ],
        "form_rows": listed.form_rows,
        "people_count": listed.by_recipient[selectors.PERSON],
        "collective_count": listed.by_recipient[selectors.COLLECTIVE],
        "badges": STATUS_BADGES,
    }
    return render(request, "pledges/commendations/list.html", context)


# --- entry ---------------------------------------------------------------------------------


def _form_page(request, organization, form, *, commendation=None, year=None) -> HttpResponse:
    context = {
        "organization": organization,
        "form": form,
        "commendation": commendation,
        "year": commendation.year if commendation else year,
        "crumbs": committee_selectors.organization_breadcrumbs(organization=organization, scope=request.scope),
        "crumb_tail": _("Sửa khen thưởng") if commendation else _("Thêm khen thưởng"),
    }
    return render(request, "pledges/commendations/form.html", context)


def _save(request, form, organization, commendation=None) -> Commendation | None:
    try:
        return services.commendation_save(
            organization=organization, data=form.to_input(), commendation=commendation, by=request.user
        )
    except ValidationError as error:
        attach_errors(form, error)
        return None


@login_required
def commendation_create(request: HttpRequest, pk: int) -> HttpResponse:
    organization = org_for(request, pk, Perm.ENTER)
    year = year_from_query(request, organization)
    form = CommendationEntryForm(request.POST or None, organization=organization, initial={"year": year})
    if request.method == "POST" and form.is_valid():
        commendation = _save(request, form, organization)
        if commendation is not None:
            messages.success(
                request,
                _("Đã ghi khen thưởng: %(what)s.") % {"what": str(commendation)},
            )
            return redirect("pledges:commendation_list", organization.pk, commendation.year)
    return _form_page(request, organization, form, year=year)


@login_required
def commendation_update(request: HttpRequest, pk: int) -> HttpResponse:
    commendation = get_in_scope_or_404(Commendation.objects.all(), request.user, pk, Perm.ENTER)
    organization = commendation.organization
    if request.method != "POST" and year_is_closed(organization=organization, year=commendation.year):
        messages.error(request, _("Năm %(year)s đã khóa sổ: hồ sơ chỉ còn xem được.") % {"year": commendation.year})
        return redirect("pledges:commendation_detail", commendation.pk)
    form = CommendationEntryForm(
        request.POST or None,
        organization=organization,
        commendation=commendation,
        initial=CommendationEntryForm.initial_for(commendation),
    )
    if request.method == "POST" and form.is_valid() and _save(request, form, organization, commendation):
        messages.success(request, _("Đã lưu khen thưởng."))
        return redirect("pledges:commendation_detail", commendation.pk)
    return _form_page(request, organization, form, commendation=commendation)


# --- detail --------------------------------------------------------------------------------


@login_required
def commendation_detail(request: HttpRequest, pk: int) -> HttpResponse:
    commendation = get_in_scope_or_404(
        Commendation.objects.select_related(
            "recipient_person__organization", "recipient_organization", "proposed_to", "proposed_by"
        ),
        request.user,
        pk,
        Perm.VIEW,
    )
    organization = commendation.organization
    perms = perms_for(request.user, organization)
    closed = year_is_closed(organization=organization, year=commendation.year)
    context = {
        "commendation": commendation,
        "organization": organization,
        "year_closed": closed,
        "can_enter": Perm.ENTER in perms and not closed,
        "badge": STATUS_BADGES.get(commendation.status, "secondary"),
        "history": record_history(commendation, _("khen thưởng")) if Perm.HISTORY in perms else None,
        "crumbs": committee_selectors.organization_breadcrumbs(organization=organization, scope=request.scope),
        "crumb_tail": _("Khen thưởng"),
    }
    return render(request, "pledges/commendations/detail.html", context)
