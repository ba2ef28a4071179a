"""The secretary's pledge screens: roster, entry, review, self-assessment, evaluation."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from committees import selectors as committee_selectors
from committees.models import Organization
from committees.permissions import Perm, get_in_scope_or_404, get_person_for_user_or_404, perms_for, require
from committees.text import search_key
from pledges import selectors
from pledges.forms.pledges import (
    AssessmentFormSet,
    CellEvaluationFormSet,
    EvaluationForm,
    PledgeMetaForm,
    ReviewForm,
    item_formset,
)
from pledges.history import pledge_history
from pledges.models import Evaluation, Pledge, PledgeState
from pledges.selectors import RosterStatus
from pledges.services import pledges as services
from pledges.services.common import ensure_writable, year_is_closed
from pledges.views.common import check_year, follow_year_picker, org_for, org_year_context

# --- roster ------------------------------------------------------------------------------


@login_required
@follow_year_picker
def roster(request: HttpRequest, pk: int, year: int) -> HttpResponse:
    organization = org_for(request, pk)
    check_year(year)
    status = request.GET.get("trang-thai") or None
    if status not in RosterStatus.LABELS:
        status = None
    result = selectors.roster(organization=organization, year=year, status=status)
    query = search_key(request.GET.get("q", ""))
    rows = [row for row in result.rows if query in row.person.search_key] if query else result.rows
    context = {
        **org_year_context(request, organization, year, tab="roster"),
        "roster": result,
        "rows": rows,
        "status": status,
        "query": request.GET.get("q", ""),
        "status_choices": [(key, RosterStatus.LABELS[key], result.counts.get(key, 0)) for key in RosterStatus.ORDER],
        "children": []
        if organization.is_cell
        else Organization.objects.get_children(organization).filter(dissolved_on__isnull=True),
    }
    if request.htmx and not request.htmx.history_restore_request:
        # The search box filters as one types: only the table (and its count) comes back.
        response = render(request, "pledges/partials/roster_rows.html", context)
    else:
        response = render(request, "pledges/roster.html", context)
    patch_vary_headers(response, ["HX-Request"])
    return response


# --- entry -------------------------------------------------------------------------------


def _entry_context(request, person, year, pledge, formset, meta_form) -> dict:
    return {
        "person": person,
        "organization": person.organization,
        "year": year,
        "pledge": pledge,
        "formset": formset,
        "meta_form": meta_form,
        "crumbs": committee_selectors.organization_breadcrumbs(organization=person.organization, scope=request.scope),
        "deadline": services.pledge_deadline(organization=person.organization, year=year),
    }


@login_required
def pledge_entry(request: HttpRequest, person_pk: int, year: int) -> HttpResponse:
    """Enter or edit a personal pledge with its items; save as draft or submit."""
    person = get_person_for_user_or_404(request.user, person_pk, Perm.ENTER)
    check_year(year)
    pledge = (
        Pledge.objects.filter(person=person, year=year, kind=Pledge.Kind.PERSONAL)
        .select_related("organization")
        .first()
    )
    if pledge is not None:
        # A pledge stays in the organization it was made in (a transfer does not move it):
        # the right to edit it is the right on that organization.
        require(request.user, pledge.organization, Perm.ENTER)
    if pledge is not None and pledge.state not in services.EDITABLE_STATES:
        messages.info(request, _("Bản đăng ký đã nộp: không sửa nội dung được nữa."))
        return redirect("pledges:pledge_detail", pledge.pk)
    if request.method == "POST":
        return _entry_post(request, person, year, pledge)
    try:
        ensure_writable(organization=person.organization, year=year)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("pledges:roster", person.organization_id, year)
    formset = item_formset(items=list(pledge.items.all()) if pledge else None)
    meta_form = PledgeMetaForm(initial={"version": pledge.version if pledge else None})
    return render(
        request, "pledges/pledge_entry.html", _entry_context(request, person, year, pledge, formset, meta_form)
    )


def _entry_post(request, person, year, pledge) -> HttpResponse:
    add_rows = 1 if "add_row" in request.POST else 0
    formset = item_formset(request.POST, add_rows=add_rows)
    meta_form = PledgeMetaForm(request.POST)
    submit = "submit" in request.POST
    if not add_rows and formset.is_valid() and meta_form.is_valid():
        try:
            if pledge is None:
                pledge = services.pledge_create(
                    person=person, year=year, items=formset.items(), by=request.user, submit=submit
                )
            else:
                services.pledge_update(
                    pledge=pledge,
                    items=formset.items(),
                    expected_version=meta_form.cleaned_data["version"],
                    by=request.user,
                    submit=submit,
                )
        except ValidationError as error:
            formset._non_form_errors = formset.error_class(error.messages)
        else:
            if submit:
                messages.success(request, _("Đã nộp bản đăng ký của %(name)s.") % {"name": person.full_name})
            else:
                messages.success(request, _("Đã lưu nháp bản đăng ký của %(name)s.") % {"name": person.full_name})
            return redirect("pledges:roster", person.organization_id, year)
    elif add_rows:
        formset = _with_extra_row(request, formset)
    context = _entry_context(request, person, year, pledge, formset, meta_form)
    return render(request, "pledges/pledge_entry.html", context)


def _with_extra_row(request, formset):
    """Without JavaScript, "Thêm dòng" posts the form back with one more blank row."""
    data = request.POST.copy()
    total = int(data.get("items-TOTAL_FORMS", 0) or 0)
    data["items-TOTAL_FORMS"] = str(min(total + 1, 30))
    bound = item_formset(data)
    bound.is_valid()
    return bound


@login_required
def item_row(request: HttpRequest) -> HttpResponse:
    """One blank item row, for the "add a row" button (htmx)."""
    try:
        index = int(request.GET.get("index", "0"))
    except ValueError:
        index = 0
    if not 0 <= index < 60:
        raise Http404
    form = item_formset().empty_form
    form.prefix = f"items-{index}"
    return render(request, "pledges/partials/item_row.html", {"form": form, "index": index})


# --- detail, review, assessment, evaluation --------------------------------------------------


def _pledge_or_404(request, pk, perm) -> Pledge:
    pledge = get_in_scope_or_404(Pledge.objects.all(), request.user, pk, perm)
    return selectors.pledge_with_items(pledge_id=pledge.pk)


@login_required
def pledge_detail(request: HttpRequest, pk: int) -> HttpResponse:
    pledge = _pledge_or_404(request, pk, Perm.VIEW)
    perms = perms_for(request.user, pledge.organization)
    closed = year_is_closed(organization=pledge.organization, year=pledge.year)
    context = {
        "pledge": pledge,
        "organization": pledge.organization,
        "perms": perms,
        "year_closed": closed,
        "can_enter": Perm.ENTER in perms and not closed,
        "can_approve": Perm.APPROVE in perms and not closed,
        "review_form": ReviewForm(),
        "evaluation_form": EvaluationForm(
            initial={"evaluation": pledge.evaluation, "comment": pledge.evaluation_comment}
        ),
        "history": pledge_history(pledge) if Perm.HISTORY in perms else None,
        "crumbs": committee_selectors.organization_breadcrumbs(organization=pledge.organization, scope=request.scope),
    }
    return render(request, "pledges/pledge_detail.html", context)


def _run(request, pledge, action, success_message) -> HttpResponse:
    try:
        action()
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, success_message)
    return redirect("pledges:pledge_detail", pledge.pk)


@login_required
@require_POST
def pledge_submit(request: HttpRequest, pk: int) -> HttpResponse:
    pledge = _pledge_or_404(request, pk, Perm.ENTER)
    return _run(
        request, pledge, lambda: services.pledge_submit(pledge=pledge, by=request.user), _("Đã nộp bản đăng ký.")
    )


@login_required
@require_POST
def pledge_accept(request: HttpRequest, pk: int) -> HttpResponse:
    pledge = _pledge_or_404(request, pk, Perm.APPROVE)
    form = ReviewForm(request.POST)
    comment = form.cleaned_data["comment"] if form.is_valid() else ""
    return _run(
        request,
        pledge,
        lambda: services.pledge_accept(pledge=pledge, comment=comment, by=request.user),
        _("Chi bộ đã duyệt bản đăng ký."),
    )


@login_required
@require_POST
def pledge_return(request: HttpRequest, pk: int) -> HttpResponse:
    pledge = _pledge_or_404(request, pk, Perm.APPROVE)
    comment = request.POST.get("comment", "")
    return _run(
        request,
        pledge,
        lambda: services.pledge_return(pledge=pledge, comment=comment, by=request.user),
        _("Đã trả lại bản đăng ký để sửa."),
    )


@login_required
@require_POST
def pledge_evaluate(request: HttpRequest, pk: int) -> HttpResponse:
    pledge = _pledge_or_404(request, pk, Perm.APPROVE)
    form = EvaluationForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Hãy chọn mức xếp loại."))
        return redirect("pledges:pledge_detail", pledge.pk)
    return _run(
        request,
        pledge,
        lambda: services.pledge_evaluate(
            pledge=pledge,
            evaluation=form.cleaned_data["evaluation"],
            comment=form.cleaned_data["comment"],
            by=request.user,
        ),
        _("Đã lưu đánh giá cuối năm."),
    )


@login_required
def pledge_self_assess(request: HttpRequest, pk: int) -> HttpResponse:
    pledge = _pledge_or_404(request, pk, Perm.ENTER)
    items = list(pledge.items.all())
    initial = [{"item_id": i.pk, "result": i.result, "note": i.result_note} for i in items]
    formset = AssessmentFormSet(request.POST or None, initial=initial, prefix="assess")
    if request.method == "POST" and formset.is_valid():
        assessments = [
            services.AssessmentInput(
                item_id=f.cleaned_data["item_id"], result=f.cleaned_data["result"], note=f.cleaned_data["note"]
            )
            for f in formset.forms
        ]
        try:
            services.pledge_self_assess(pledge=pledge, assessments=assessments, by=request.user)
        except ValidationError as error:
            formset._non_form_errors = formset.error_class(error.messages)
        else:
            messages.success(request, _("Đã lưu kết quả tự đánh giá."))
            return redirect("pledges:pledge_detail", pledge.pk)
    context = {
        "pledge": pledge,
        "rows": list(zip(items, formset.forms, strict=False)),
        "formset": formset,
        "organization": pledge.organization,
        "crumbs": committee_selectors.organization_breadcrumbs(organization=pledge.organization, scope=request.scope),
    }
    return render(request, "pledges/pledge_self_assess.html", context)


@login_required
@follow_year_picker
def cell_evaluation(request: HttpRequest, pk: int, year: int) -> HttpResponse:
    """The whole cell's year-end evaluation on one screen."""
    organization = org_for(request, pk, Perm.APPROVE)
    check_year(year)
    pledges = selectors.cell_pledges_for_evaluation(organization=organization, year=year)
    initial = [{"pledge_id": p.pk, "evaluation": p.evaluation, "comment": p.evaluation_comment} for p in pledges]
    formset = CellEvaluationFormSet(request.POST or None, initial=initial, prefix="eval")
    if request.method == "POST" and formset.is_valid():
        entries = [
            services.EvaluationInput(
                pledge_id=f.cleaned_data["pledge_id"],
                evaluation=f.cleaned_data["evaluation"],
                comment=f.cleaned_data["comment"],
            )
            for f in formset.forms
        ]
        try:
            count = services.cell_evaluate(organization=organization, year=year, evaluations=entries, by=request.user)
        except ValidationError as error:
            formset._non_form_errors = formset.error_class(error.messages)
        else:
            messages.success(request, _("Đã lưu đánh giá của %(n)s bản đăng ký.") % {"n": count})
            return redirect("pledges:roster", organization.pk, year)
    context = {
        **org_year_context(request, organization, year, tab="roster"),
        "rows": list(zip(pledges, formset.forms, strict=False)),
        "formset": formset,
        "assessable": (PledgeState.ACCEPTED, PledgeState.EVALUATED),
        "levels": Evaluation.choices,
    }
    return render(request, "pledges/cell_evaluation.html", context)


# --- collective pledge ---------------------------------------------------------------------


@login_required
@follow_year_picker
def collective_pledge(request: HttpRequest, pk: int, year: int) -> HttpResponse:
    """The committee's collective pledge: read by all in scope, written by its secretaries."""
    organization = org_for(request, pk, Perm.ENTER if request.method == "POST" else Perm.VIEW)
    check_year(year)
    pledge = Pledge.objects.filter(organization=organization, year=year, kind=Pledge.Kind.COLLECTIVE).first()
    context = org_year_context(request, organization, year, tab="collective")
    if request.method == "POST":
        formset = item_formset(request.POST, add_rows=1 if "add_row" in request.POST else 0)
        meta_form = PledgeMetaForm(request.POST)
        if "add_row" in request.POST:
            formset = _with_extra_row(request, formset)
        elif formset.is_valid() and meta_form.is_valid():
            try:
                if pledge is None:
                    services.collective_pledge_create(
                        organization=organization, year=year, items=formset.items(), by=request.user
                    )
                else:
                    services.pledge_update(
                        pledge=pledge,
                        items=formset.items(),
                        expected_version=meta_form.cleaned_data["version"],
                        by=request.user,
                    )
            except ValidationError as error:
                formset._non_form_errors = formset.error_class(error.messages)
            else:
                messages.success(request, _("Đã lưu việc làm theo của tập thể cấp ủy."))
                return redirect("pledges:collective_pledge", organization.pk, year)
    else:
        formset = item_formset(items=list(pledge.items.all()) if pledge else None)
        meta_form = PledgeMetaForm(initial={"version": pledge.version if pledge else None})
    context.update(
        {"pledge": pledge, "formset": formset, "meta_form": meta_form, "editing": request.GET.get("sua") == "1"}
    )
    return render(request, "pledges/collective_pledge.html", context)
