"""Study sessions (học tập, sinh hoạt chuyên đề): the list of an organization in a year,
entry with the members' tick list, detail with attendance split and history."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from committees import selectors as committee_selectors
from committees.forms import attach_errors
from committees.permissions import Perm, get_in_scope_or_404, perms_for
from committees.text import vietnamese_sort_key
from pledges import selectors_records as selectors
from pledges.forms.sessions import SessionForm
from pledges.history import record_history
from pledges.models import SessionKind, StudySession
from pledges.services import records as services
from pledges.services.common import year_is_closed
from pledges.views.common import (
    check_year,
    follow_year_picker,
    org_for,
    org_year_context,
    year_from_query,
)

KIND_BADGES = {
    SessionKind.STUDY: "primary",
    SessionKind.THEMATIC: "success",
    SessionKind.ONLINE: "info",
    SessionKind.OTHER: "secondary",
}


# --- list ----------------------------------------------------------------------------------


@login_required
@follow_year_picker
def session_list(request: HttpRequest, pk: int, year: int) -> HttpResponse:
    organization = org_for(request, pk)
    check_year(year)
    kind = request.GET.get("hinh-thuc") or None
    if kind not in SessionKind.values:
        kind = None
    listed = selectors.year_sessions(organization=organization, year=year, kind=kind)
    context = org_year_context(request, organization, year, tab="sessions")
    plan = context["plan"]
    context.update(
        {
            "sessions": listed.sessions,
            "kind": kind,
            "total": listed.total,
            "kind_choices": [(value, label, listed.counts.get(value, 0)) for value, label in SessionKind.choices],
            "badges": KIND_BADGES,
            "thematic_held": listed.counts.get(SessionKind.THEMATIC, 0),
            "thematic_required": plan.required_thematic_meetings if plan else None,
            "attendance_total": listed.attendance_total,
        }
    )
    return render(request, "pledges/sessions/list.html", context)


# --- entry ---------------------------------------------------------------------------------


def _form_page(request, organization, form: SessionForm, *, session: StudySession | None = None) -> HttpResponse:
    context = {
        "organization": organization,
        "form": form,
        "session": session,
        "year": form.year,
        "year_closed": year_is_closed(organization=organization, year=form.year),
        "attendee_rows": form.attendee_rows(),
        "crumbs": committee_selectors.organization_breadcrumbs(organization=organization, scope=request.scope),
        "crumb_tail": _("Sửa buổi học tập, sinh hoạt") if session else _("Thêm buổi học tập, sinh hoạt"),
    }
    return render(request, "pledges/sessions/form.html", context)


@login_required
def session_create(request: HttpRequest, pk: int) -> HttpResponse:
    organization = org_for(request, pk, Perm.ENTER)
    year = year_from_query(request, organization)
    form = SessionForm(
        request.POST if request.method == "POST" else None,
        organization=organization,
        year=year,
        initial=SessionForm.initial_for_new(year),
    )
    if request.method == "POST" and form.is_valid():
        try:
            session = services.session_create(organization=organization, data=form.to_input(), by=request.user)
        except ValidationError as error:
            attach_errors(form, error)
        else:
            messages.success(
                request, _("Đã ghi buổi “%(topic)s” ngày %(date)s.") % {"topic": session.topic, "date": _date(session)}
            )
            return redirect("pledges:session_detail", session.pk)
    return _form_page(request, organization, form)


@login_required
def session_update(request: HttpRequest, pk: int) -> HttpResponse:
    session = get_in_scope_or_404(StudySession.objects.prefetch_related("attendees"), request.user, pk, Perm.ENTER)
    organization = session.organization
    if request.method != "POST" and year_is_closed(organization=organization, year=session.year):
        messages.error(request, _("Năm %(year)s đã khóa sổ: hồ sơ chỉ còn xem được.") % {"year": session.year})
        return redirect("pledges:session_detail", session.pk)
    form = SessionForm(
        request.POST if request.method == "POST" else None,
        organization=organization,
        session=session,
        year=session.year,
        initial=SessionForm.initial_for(session),
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.session_update(session=session, data=form.to_input(), by=request.user)
        except ValidationError as error:
            attach_errors(form, error)
        else:
            messages.success(
                request, _("Đã lưu buổi “%(topic)s” ngày %(date)s.") % {"topic": session.topic, "date": _date(session)}
            )
            return redirect("pledges:session_detail", session.pk)
    return _form_page(request, organization, form, session=session)


def _date(session: StudySession) -> str:
    return session.held_on.strftime("%d/%m/%Y")


# --- detail --------------------------------------------------------------------------------


@login_required
def session_detail(request: HttpRequest, pk: int) -> HttpResponse:
    session = get_in_scope_or_404(
        StudySession.objects.select_related("theme").prefetch_related("attendees"), request.user, pk, Perm.VIEW
    )
    organization = session.organization
    perms = perms_for(request.user, organization)
    closed = year_is_closed(organization=organization, year=session.year)
    attendees = sorted(session.attendees.all(), key=lambda person: vietnamese_sort_key(person.full_name))
    ticked_party = sum(1 for person in attendees if person.is_party_member)
    party = ticked_party + session.extra_party_members
    others = (len(attendees) - ticked_party) + session.extra_union_members + session.extra_others
    context = {
        "session": session,
        "organization": organization,
        "year": session.year,
        "year_closed": closed,
        "can_enter": Perm.ENTER in perms and not closed,
        "badge": KIND_BADGES.get(session.kind, "secondary"),
        "attendees": attendees,
        "party_total": party,
        "others_total": others,
        "attendance_total": party + others,
        "history": record_history(session, _("buổi học tập, sinh hoạt")) if Perm.HISTORY in perms else None,
        "crumbs": committee_selectors.organization_breadcrumbs(organization=organization, scope=request.scope),
        "crumb_tail": _("Buổi ngày %(date)s") % {"date": _date(session)},
    }
    return render(request, "pledges/sessions/detail.html", context)
