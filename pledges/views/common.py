"""What every organization-and-year page shares: access, year, tabs, breadcrumbs."""

from dataclasses import dataclass
from functools import wraps

from django.http import Http404, HttpRequest
from django.shortcuts import redirect
from django.utils.translation import gettext_lazy as _

from committees import selectors as committee_selectors
from committees.models import Organization
from committees.permissions import Perm, get_organization_for_user_or_404, perms_for
from committees.years import default_year, year_in_range, years_of
from pledges.services.common import plan_for, year_is_closed


@dataclass(frozen=True)
class Tab:
    key: str
    label: str
    url_name: str


TABS = [
    Tab("dashboard", _("Tổng quan"), "reports:dashboard"),
    Tab("roster", _("Kế hoạch cá nhân"), "pledges:roster"),
    Tab("collective", _("Kế hoạch tập thể"), "pledges:collective_pledge"),
    Tab("sessions", _("Học tập, sinh hoạt"), "pledges:session_list"),
    Tab("exemplars", _("Mô hình, điển hình"), "pledges:exemplar_list"),
    Tab("commendations", _("Khen thưởng"), "pledges:commendation_list"),
    Tab("plan", _("Kế hoạch năm"), "pledges:plan_detail"),
    Tab("report", _("Báo cáo tổng kết"), "reports:report_page"),
]


def check_year(year: int) -> int:
    """A year in a URL: outside the years the application accepts, the page does not exist."""
    if not year_in_range(year):
        raise Http404
    return year


def year_from_query(request: HttpRequest, organization: Organization) -> int:
    """The year a "Thêm …" link came from (?nam=), if open for the organization; else its default year."""
    picked = request.GET.get("nam", "")
    if picked.isdigit() and int(picked) in years_of(organization):
        return int(picked)
    return default_year(organization)


def org_for(request: HttpRequest, pk: int, perm: Perm = Perm.VIEW) -> Organization:
    return get_organization_for_user_or_404(request.user, pk, perm)


def org_year_context(request: HttpRequest, organization: Organization, year: int, *, tab: str) -> dict:
    """Context for a page about one organization in one year (a few queries, fixed)."""
    open_years = years_of(organization)
    year_open = year in open_years
    closed = year_is_closed(organization=organization, year=year)
    perms = perms_for(request.user, organization)
    return {
        "organization": organization,
        "year": year,
        "years": sorted({*open_years, year}, reverse=True),
        "year_open": year_open,
        "can_open_year": Perm.PLAN in perms and not year_open,
        "perms": perms,
        "can_enter": Perm.ENTER in perms and year_open and not closed,
        "can_approve": Perm.APPROVE in perms and year_open and not closed,
        "can_see_history": Perm.HISTORY in perms,
        "year_closed": closed,
        "plan": plan_for(organization=organization, year=year),
        "tabs": TABS,
        "active_tab": tab,
        "crumbs": committee_selectors.organization_breadcrumbs(organization=organization, scope=request.scope),
        # Going up the tree stays on the same kind of page, for the same year.
        "crumb_url_name": _same_page_for_another_organization(request),
    }


def _same_page_for_another_organization(request: HttpRequest) -> str | None:
    match = request.resolver_match
    if match is not None and set(match.kwargs) == {"pk", "year"}:
        return match.view_name
    return None


def follow_year_picker(view):
    """Without JavaScript the year picker submits ?nam=YYYY: send it to the same page of that year."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        picked = request.GET.get("nam", "")
        if picked.isdigit() and "year" in kwargs and int(picked) != kwargs["year"]:
            match = request.resolver_match
            return redirect(f"{match.namespace}:{match.url_name}", **{**kwargs, "year": check_year(int(picked))})
        return view(request, *args, **kwargs)

    return wrapper
