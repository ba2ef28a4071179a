"""Pages of accounts and roles: a clerk manages the accounts of its subtree; the password pages.

Every page is under an organization where the user holds `accounts` (404 outside the scope,
403 without the permission); an account is reached through that organization
(committees.permissions.get_account_for_user_or_404). The services of committees/accounts.py
decide and refuse; the pages bind forms, call one service and redirect or render.
"""

from django.contrib import messages
from django.contrib.auth import update_session_auth_hash
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.cache import patch_cache_control
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from committees import accounts, selectors, selectors_accounts
from committees.forms import attach_errors
from committees.forms_accounts import (
    AccountCreateForm,
    AccountSearchForm,
    FirstPasswordForm,
    PasswordResetForm,
    RoleGrantForm,
    RoleLogFilterForm,
)
from committees.models import Organization, RoleAssignment
from committees.permissions import (
    Perm,
    accounts_under,
    get_account_for_user_or_404,
    get_organization_for_user_or_404,
    manages_accounts_at,
    organizations_for_accounts,
)

PAGE_SIZE = 50


def _organization(request: HttpRequest, pk: int) -> Organization:
    return get_organization_for_user_or_404(request.user, pk, Perm.ACCOUNTS)


def _crumbs(request: HttpRequest, organization: Organization, tail: str) -> dict:
    return {
        "organization": organization,
        "crumbs": selectors.organization_breadcrumbs(organization=organization, scope=request.scope),
        "crumb_tail": tail,
    }


def _error_text(error: ValidationError) -> str:
    return " ".join(error.messages)


# --- the list, a new account ---------------------------------------------------------------------


@login_required
@require_GET
def account_list(request: HttpRequest, pk: int) -> HttpResponse:
    organization = _organization(request, pk)
    form = AccountSearchForm(request.GET or None)
    query = form.cleaned_data["q"] if form.is_valid() else ""
    accounts_page = Paginator(
        selectors_accounts.accounts_list(user=request.user, organization=organization, query=query), PAGE_SIZE
    ).get_page(request.GET.get("trang"))
    context = _crumbs(request, organization, _("Tài khoản")) | {
        "form": form,
        "page": accounts_page,
        "may_create": organizations_for_accounts(request.user, within=organization).exists(),
    }
    return render(request, "committees/accounts/list.html", context)


@login_required
def account_create(request: HttpRequest, pk: int) -> HttpResponse:
    organization = _organization(request, pk)
    form = AccountCreateForm(
        request.POST or None,
        organizations=organizations_for_accounts(request.user, within=organization),
        base_depth=organization.depth,
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            user, password = accounts.account_create(
                by=request.user,
                full_name=data["full_name"],
                username=data["username"],
                email=data["email"],
                organization=data["organization"],
                role=data["role"],
            )
        except ValidationError as error:
            attach_errors(form, error)
        else:
            # The temporary password is shown on this answer only: never stored, never cached.
            context = _crumbs(request, organization, _("Đã tạo tài khoản")) | {
                "account": user,
                "password": password,
                "granted_on": data["organization"],
                "role_label": dict(form.fields["role"].choices)[data["role"]],
            }
            response = render(request, "committees/accounts/created.html", context)
            patch_cache_control(response, no_store=True, no_cache=True, private=True)
            return response
    context = _crumbs(request, organization, _("Thêm tài khoản")) | {"form": form}
    return render(request, "committees/accounts/create.html", context)


# --- one account ---------------------------------------------------------------------------------


@login_required
@require_GET
def account_detail(request: HttpRequest, pk: int, user_id: int) -> HttpResponse:
    organization = _organization(request, pk)
    account = get_account_for_user_or_404(request.user, organization, user_id)
    roles = list(selectors_accounts.roles_in(organization).filter(user=account).order_by("organization__path"))
    for assignment in roles:
        assignment.revocable = account.pk != request.user.pk and manages_accounts_at(
            request.user, assignment.organization.path
        )
    grant_form = None
    if account.is_active and account.pk != request.user.pk:
        grant_form = RoleGrantForm(
            organizations=organizations_for_accounts(request.user, within=organization),
            base_depth=organization.depth,
        )
    context = _crumbs(request, organization, account.get_full_name() or account.get_username()) | {
        "account": account,
        "profile": getattr(account, "account_profile", None),
        "roles": roles,
        "other_roles": RoleAssignment.objects.filter(user=account).count() - len(roles),
        "grant_form": grant_form,
        "active_change_error": accounts.account_active_change_error(by=request.user, user=account),
        "events": selectors_accounts.account_events(account=account, organization=organization),
    }
    return render(request, "committees/accounts/detail.html", context)


def _back_to_account(request: HttpRequest, organization: Organization, account) -> HttpResponse:
    """To the account's page, or to the list when the account is no longer seen from here."""
    if accounts_under(request.user, organization).filter(pk=account.pk).exists():
        return redirect("committees:account_detail", organization.pk, account.pk)
    return redirect("committees:account_list", organization.pk)


@login_required
@require_POST
def role_grant(request: HttpRequest, pk: int, user_id: int) -> HttpResponse:
    organization = _organization(request, pk)
    account = get_account_for_user_or_404(request.user, organization, user_id)
    form = RoleGrantForm(request.POST, organizations=organizations_for_accounts(request.user))
    if not form.is_valid():
        messages.error(request, " ".join(error for errors in form.errors.values() for error in errors))
        return _back_to_account(request, organization, account)
    try:
        assignment = accounts.role_grant(
            by=request.user,
            user=account,
            organization=form.cleaned_data["organization"],
            role=form.cleaned_data["role"],
        )
    except ValidationError as error:
        messages.error(request, _error_text(error))
    else:
        messages.success(
            request,
            _("Đã phân quyền “%(role)s” tại “%(name)s”.")
            % {"role": assignment.get_role_display(), "name": assignment.organization.name},
        )
    return _back_to_account(request, organization, account)


@login_required
@require_POST
def role_revoke(request: HttpRequest, pk: int, user_id: int, assignment_id: int) -> HttpResponse:
    organization = _organization(request, pk)
    account = get_account_for_user_or_404(request.user, organization, user_id)
    assignment = selectors_accounts.roles_in(organization).filter(user=account, pk=assignment_id).first()
    if assignment is None:
        raise Http404
    try:
        accounts.role_revoke(by=request.user, assignment=assignment)
    except ValidationError as error:
        messages.error(request, _error_text(error))
    else:
        messages.success(
            request,
            _("Đã thu hồi vai trò “%(role)s” tại “%(name)s”.")
            % {"role": assignment.get_role_display(), "name": assignment.organization.name},
        )
    return _back_to_account(request, organization, account)


@login_required
@require_POST
def account_deactivate(request: HttpRequest, pk: int, user_id: int) -> HttpResponse:
    return _set_active(request, pk, user_id, active=False)


@login_required
@require_POST
def account_reactivate(request: HttpRequest, pk: int, user_id: int) -> HttpResponse:
    return _set_active(request, pk, user_id, active=True)


def _set_active(request: HttpRequest, pk: int, user_id: int, *, active: bool) -> HttpResponse:
    organization = _organization(request, pk)
    account = get_account_for_user_or_404(request.user, organization, user_id)
    service = accounts.account_reactivate if active else accounts.account_deactivate
    try:
        service(by=request.user, user=account)
    except ValidationError as error:
        messages.error(request, _error_text(error))
    else:
        text = _("Đã mở khóa tài khoản “%(username)s”.") if active else _("Đã khóa tài khoản “%(username)s”.")
        messages.success(request, text % {"username": account.get_username()})
    return _back_to_account(request, organization, account)


# --- the role log --------------------------------------------------------------------------------


@login_required
@require_GET
def role_log(request: HttpRequest, pk: int) -> HttpResponse:
    organization = _organization(request, pk)
    form = RoleLogFilterForm(request.GET or None)
    events = selectors_accounts.role_events(organization=organization, **form.filters())
    context = _crumbs(request, organization, _("Nhật ký phân quyền")) | {
        "form": form,
        "page": Paginator(events, PAGE_SIZE).get_page(request.GET.get("trang")),
    }
    return render(request, "committees/accounts/role_log.html", context)


# --- passwords -----------------------------------------------------------------------------------


@login_required
def password_set(request: HttpRequest) -> HttpResponse:
    """The first sign-in of a new account: it chooses its own password (the middleware sends it here)."""
    if not accounts.password_must_be_set(user=request.user):
        request.session.pop(accounts.MUST_SET_PASSWORD_SESSION_KEY, None)
        return redirect("home")
    form = FirstPasswordForm(request.user, request.POST or None)
    if request.method == "POST" and form.is_valid():
        accounts.account_password_set(user=request.user, password=form.cleaned_data["new_password1"])
        update_session_auth_hash(request, request.user)
        request.session.pop(accounts.MUST_SET_PASSWORD_SESSION_KEY, None)
        messages.success(request, _("Đã đặt mật khẩu mới. Từ nay đồng chí đăng nhập bằng mật khẩu này."))
        return redirect("home")
    return render(request, "committees/accounts/password_set.html", {"form": form})


class PasswordResetView(auth_views.PasswordResetView):
    """Django's view; the same answer for a known and an unknown address (the mail leaves from a task)."""

    form_class = PasswordResetForm


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    """Django's view; choosing a password here also lifts the obligation to choose one."""

    def form_valid(self, form):
        with transaction.atomic():
            response = super().form_valid(form)
            accounts.account_password_chosen(user=form.user)
        if self.request.user.is_authenticated and self.request.user.pk == form.user.pk:
            self.request.session.pop(accounts.MUST_SET_PASSWORD_SESSION_KEY, None)
        return response
