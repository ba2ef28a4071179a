"""Pages of the spreadsheet imports: people and pledges (the upload page, the two templates, the
two uploads), and the accounts of secretaries and clerks (page, template, upload)."""

import datetime

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from committees import selectors
from committees.formatting import number
from committees.forms import NormalizedFormMixin
from committees.models import Organization
from committees.permissions import Perm, get_organization_for_user_or_404
from committees.years import default_year, years_of
from transfers.imports import ImportRejected, people_import, people_template
from transfers.imports_accounts import accounts_import, accounts_template
from transfers.imports_pledges import pledges_import, pledges_template
from transfers.spreadsheets import MAX_BYTES, MAX_ROWS, XLSX_CONTENT_TYPE

TEMPLATE = "transfers/import/page.html"
ERRORS_SHOWN = 300  # a 50,000-row file may have more errors than a page can show


class UploadForm(NormalizedFormMixin, forms.Form):
    file = forms.FileField(
        label=gettext_lazy("Tệp Excel (.xlsx)"),
        error_messages={"required": gettext_lazy("Hãy chọn tệp .xlsx để tải lên.")},
        widget=forms.ClearableFileInput(attrs={"accept": f".xlsx,{XLSX_CONTENT_TYPE}"}),
    )


class PeopleUploadForm(UploadForm):
    """The people's upload, with what to do about a row without a join date: an error (the
    default), or the person belongs from the start of a year open for the organization."""

    joined_default = forms.TypedChoiceField(
        label=gettext_lazy("Người không ghi ngày vào"),
        required=False,
        coerce=int,
        empty_value=None,
        help_text=gettext_lazy(
            "Ngày vào quyết định người đó được tính trong những năm nào. Danh sách thiếu ngày vào: chọn năm "
            "đang nhập, người thiếu ngày vào được tính từ ngày 01/01 của năm đó."
        ),
    )

    def __init__(self, *args, organization: Organization, **kwargs):
        super().__init__(*args, **kwargs)
        this_year = timezone.localdate().year
        years = [year for year in years_of(organization) if year <= this_year] or [this_year]
        self.fields["joined_default"].choices = [
            ("", _("Báo lỗi ở dòng đó (để ghi ngày vào)")),
            *((year, _("Tính từ đầu năm: 01/01/%(year)s") % {"year": year}) for year in years),
        ]

    def joined_default_date(self) -> datetime.date | None:
        year = self.cleaned_data.get("joined_default")
        return datetime.date(year, 1, 1) if year else None


RESULT_SESSION_KEY = "transfers_people_result"

# kind → (slug of the template URL, service, template builder, file name)
KINDS = {
    "people": ("ca-nhan", people_import, people_template, "mau-nhap-ca-nhan"),
    "pledges": ("ke-hoach", pledges_import, pledges_template, "mau-nhap-ke-hoach-ca-nhan"),
}
KIND_BY_SLUG = {slug: kind for kind, (slug, *_rest) in KINDS.items()}


def _context(request: HttpRequest, organization: Organization, **extra) -> dict:
    context = {
        "organization": organization,
        "crumbs": selectors.organization_breadcrumbs(organization=organization, scope=request.scope),
        "crumb_tail": _("Nhập từ Excel"),
        "people_form": PeopleUploadForm(organization=organization),
        "pledges_form": UploadForm(),
        "max_mb": MAX_BYTES // 1024 // 1024,
        "max_rows": MAX_ROWS,
        "kind": None,
    }
    context.update(extra)
    return context


@login_required
@require_GET
def import_page(request: HttpRequest, pk: int) -> HttpResponse:
    organization = get_organization_for_user_or_404(request.user, pk, Perm.IMPORT)
    result = request.session.pop(RESULT_SESSION_KEY, None)
    if result is not None and result.get("organization") != organization.pk:
        result = None  # the result of an import from another organization's page
    return render(request, TEMPLATE, _context(request, organization, people_result=result))


@login_required
@require_GET
def import_template(request: HttpRequest, pk: int, kind: str) -> HttpResponse:
    organization = get_organization_for_user_or_404(request.user, pk, Perm.IMPORT)
    if kind not in KIND_BY_SLUG:
        raise Http404
    _slug, _service, builder, filename = KINDS[KIND_BY_SLUG[kind]]
    response = HttpResponse(builder(organization), content_type=XLSX_CONTENT_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{filename}-{organization.pk}.xlsx"'
    return response


@login_required
@require_POST
def import_people(request: HttpRequest, pk: int) -> HttpResponse:
    return _upload(request, pk, "people")


@login_required
@require_POST
def import_pledges(request: HttpRequest, pk: int) -> HttpResponse:
    return _upload(request, pk, "pledges")


def _upload(request: HttpRequest, pk: int, kind: str) -> HttpResponse:
    organization = get_organization_for_user_or_404(request.user, pk, Perm.IMPORT)
    _slug, service, _builder, _filename = KINDS[kind]
    options = {}
    if kind == "people":
        form = PeopleUploadForm(request.POST, request.FILES, organization=organization)
    else:
        form = UploadForm(request.POST, request.FILES)
    row_errors = []
    if form.is_valid():
        if kind == "people":
            options["joined_default"] = form.joined_default_date()
        try:
            result = service(organization=organization, upload=form.cleaned_data["file"], by=request.user, **options)
        except ImportRejected as error:
            row_errors = error.row_errors
            form.add_error(None, error.messages[0])
        except ValidationError as error:
            form.add_error("file", error)
        else:
            if kind == "people":
                text = _("Đã thêm %(added)s cá nhân (bỏ qua %(skipped)s dòng đã có)")
            else:
                text = _("Đã thêm %(added)s bản đăng ký với %(items)s việc làm theo (bỏ qua %(skipped)s dòng đã có)")
            counts = {"added": number(result.added), "items": number(result.items), "skipped": number(result.skipped)}
            messages.success(request, text % counts)
            if kind == "people":
                request.session[RESULT_SESSION_KEY] = _people_result(organization, result, options["joined_default"])
            return redirect("transfers:import_page", organization.pk)
    context = _context(
        request,
        organization,
        kind=kind,
        row_errors=row_errors[:ERRORS_SHOWN],
        errors_hidden=max(len(row_errors) - ERRORS_SHOWN, 0),
        **{f"{kind}_form": form},
    )
    return render(request, TEMPLATE, context)


def _people_result(organization: Organization, result, joined_default: datetime.date | None) -> dict:
    """What the page shows after the redirect (kept in the session): where the people went,
    with the year whose lists the links open."""
    return {
        "organization": organization.pk,
        "added": result.added,
        "skipped": result.skipped,
        "year": joined_default.year if joined_default else default_year(organization),
        "defaulted": result.joined_defaulted,
        "default_date": joined_default.strftime("%d/%m/%Y") if joined_default else "",
        "places": [{"id": org.pk, "name": org.name, "count": count} for org, count in result.per_organization],
    }


# --- import from .xlsx ---------------------------------------------------------------------------


@login_required
@require_GET
def account_import(request: HttpRequest, pk: int) -> HttpResponse:
    organization = get_organization_for_user_or_404(request.user, pk, Perm.ACCOUNTS)
    return _import_page(request, organization, UploadForm())


@login_required
@require_POST
def account_import_upload(request: HttpRequest, pk: int) -> HttpResponse:
    organization = get_organization_for_user_or_404(request.user, pk, Perm.ACCOUNTS)
    form = UploadForm(request.POST, request.FILES)
    row_errors = []
    if form.is_valid():
        try:
            result = accounts_import(by=request.user, organization=organization, upload=form.cleaned_data["file"])
        except ImportRejected as error:
            row_errors = error.row_errors
            form.add_error(None, error.messages[0])
        except ValidationError as error:
            form.add_error("file", error)
        else:
            messages.success(
                request,
                _("Đã tạo %(added)s tài khoản; thư mời đặt mật khẩu đang được gửi tới từng người.")
                % {"added": number(result.added)},
            )
            return redirect("committees:account_list", organization.pk)
    return _import_page(request, organization, form, row_errors)


def _import_page(request: HttpRequest, organization: Organization, form, row_errors=()) -> HttpResponse:
    context = {
        "organization": organization,
        "crumbs": selectors.organization_breadcrumbs(organization=organization, scope=request.scope),
        "crumb_tail": _("Nhập tài khoản từ Excel"),
        "form": form,
        "row_errors": row_errors[:ERRORS_SHOWN],
        "errors_hidden": max(len(row_errors) - ERRORS_SHOWN, 0),
        "max_mb": MAX_BYTES // 1024 // 1024,
        "max_rows": MAX_ROWS,
    }
    return render(request, "transfers/import/accounts.html", context)


@login_required
@require_GET
def account_import_template(request: HttpRequest, pk: int) -> HttpResponse:
    organization = get_organization_for_user_or_404(request.user, pk, Perm.ACCOUNTS)
    response = HttpResponse(
        accounts_template(by=request.user, organization=organization), content_type=XLSX_CONTENT_TYPE
    )
    response["Content-Disposition"] = f'attachment; filename="mau-nhap-tai-khoan-{organization.pk}.xlsx"'
    return response
