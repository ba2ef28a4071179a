"""What every API view shares.

Authorization goes through committees.permissions only: querysets start from `scope_filter`
(an object out of scope is simply not found: 404), writes need the action's permission on the
record's organization (403 otherwise). Input is strict: unknown keys, wrong types and over-long
strings are refused with field messages, and a service's ValidationError becomes a 400 in the
same shape.
"""

from abc import ABCMeta, abstractmethod
from collections.abc import Iterable, Mapping
from contextlib import contextmanager

from django.core.exceptions import NON_FIELD_ERRORS
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _
from rest_framework import exceptions, parsers, serializers, views
from rest_framework.authentication import SessionAuthentication
from rest_framework.exceptions import PermissionDenied, ValidationError
from rest_framework.pagination import PageNumberPagination
from rest_framework.permissions import SAFE_METHODS, BasePermission, IsAuthenticated
from rest_framework.settings import api_settings
from rest_framework.viewsets import GenericViewSet

from committees.api import fields
from committees.api.auth import TokenAuthentication
from committees.api.fields import id_field, year_field
from committees.audit import list_download_record
from committees.models import Organization, subtree_q
from committees.permissions import (
    ROLE_PERMISSIONS,
    Perm,
    get_organization_for_user_or_404,
    perms_for,
    scope_filter,
    scope_for,
)

UNKNOWN_FIELD = _("Trường này không được hỗ trợ.")
NO_PERMISSION = _("Bạn không có quyền thực hiện thao tác này.")


# --- strict input -------------------------------------------------------------------------


# (Comments, not docstrings, on these base classes: drf-spectacular would show a base class's
# docstring as the description of every schema component and operation built on it.)


class StrictSerializer(serializers.Serializer):
    # An input serializer that refuses keys it does not know: a typo is never silently ignored.

    default_error_messages = {
        **fields.BASE_MESSAGES,
        "invalid": _("Dữ liệu không hợp lệ: cần một đối tượng JSON."),
    }

    class Meta:
        list_serializer_class = fields.ListSerializer

    def to_internal_value(self, data):
        if isinstance(data, Mapping):
            writable = {name for name, field in self.fields.items() if not field.read_only}
            unknown = sorted(str(key) for key in data if key not in writable)
            if unknown:
                raise ValidationError({name: [UNKNOWN_FIELD] for name in unknown})
        return super().to_internal_value(data)


class QuerySerializer(serializers.Serializer):
    # Query parameters. Others (page, format) belong to the framework and are not read here.

    default_error_messages = StrictSerializer.default_error_messages


def resolve_ids(queryset: QuerySet, ids: Iterable[int], *, field: str) -> list:
    """The rows of `queryset` with these ids, in the given order; a missing id is a field error."""
    ids = list(dict.fromkeys(ids))
    rows = {row.pk: row for row in queryset.filter(pk__in=ids)}
    missing = [pk for pk in ids if pk not in rows]
    if missing:
        raise ValidationError({field: [_("Không tìm thấy: %(ids)s.") % {"ids": ", ".join(str(pk) for pk in missing)}]})
    return [rows[pk] for pk in ids]


# --- service errors -----------------------------------------------------------------------


def api_errors(error: DjangoValidationError) -> dict:
    """A service's ValidationError as the API's error body: field messages, or non-field ones."""
    if hasattr(error, "error_dict"):
        return {
            (api_settings.NON_FIELD_ERRORS_KEY if field == NON_FIELD_ERRORS else field): messages
            for field, messages in error.message_dict.items()
        }
    return {api_settings.NON_FIELD_ERRORS_KEY: error.messages}


@contextmanager
def service_errors():
    """Turn a service's refusal into a 400 with the service's own words."""
    try:
        yield
    except DjangoValidationError as error:
        raise ValidationError(api_errors(error)) from None


# --- permissions --------------------------------------------------------------------------


def require_perm(user, organization: Organization, perm: Perm) -> None:
    """In scope (the caller found the record through its scope) but without `perm`: 403."""
    if perm not in perms_for(user, organization):
        raise PermissionDenied(NO_PERMISSION)


def holds_anywhere(user, perm: Perm) -> bool:
    scope = scope_for(user)
    return scope.is_superuser or any(perm in ROLE_PERMISSIONS[grant.role] for grant in scope.grants)


class ActionPermission(BasePermission):
    """A write needs the action's permission somewhere in the user's scope, checked before the
    body is read: a read-only role gets 403 whatever it sends. The organization-level check
    happens in the view, once the record is known."""

    message = NO_PERMISSION

    def has_permission(self, request, view) -> bool:
        if request.method in SAFE_METHODS:
            return True
        perm = getattr(view, "write_perms", {}).get(getattr(view, "action", None))
        return perm is None or holds_anywhere(request.user, perm)


# --- filters ------------------------------------------------------------------------------


class OrganizationYearFilter(QuerySerializer):
    # The lists' filters: an organization (its whole subtree) and a year.

    organization = id_field(required=False, help_text=_("Mã tổ chức: lọc theo cả cây trực thuộc tổ chức đó."))
    year = year_field(required=False, help_text=_("Năm."))


# --- framework errors in Vietnamese -------------------------------------------------------

FRAMEWORK_MESSAGES = {
    exceptions.NotAuthenticated: _(
        "Chưa xác thực: hãy gửi tiêu đề “Authorization: Token <token>” (lấy token tại /api/v1/token/) hoặc đăng nhập."
    ),
    exceptions.AuthenticationFailed: _(
        "Xác thực không thành công: token không đúng, đã hết hạn hoặc đã bị thu hồi (khi đổi mật khẩu), "
        "hoặc tài khoản không còn hoạt động. Lấy token mới tại /api/v1/token/."
    ),
    exceptions.ParseError: _("Nội dung gửi lên không phải JSON hợp lệ."),
    exceptions.UnsupportedMediaType: _("Chỉ nhận nội dung JSON (Content-Type: application/json)."),
    exceptions.NotAcceptable: _("Không có định dạng trả về phù hợp với tiêu đề Accept."),
}
CSRF_FAILED = _("Thiếu hoặc sai mã CSRF: khi dùng phiên đăng nhập hãy gửi kèm mã CSRF, hoặc dùng token.")


def exception_handler(exc, context):
    """The framework's handler, with its untranslated messages said in Vietnamese."""
    for exception_class, message in FRAMEWORK_MESSAGES.items():
        if isinstance(exc, exception_class):
            exc.detail = exceptions.ErrorDetail(str(message), code=exc.default_code)
            break
    else:
        if isinstance(exc, exceptions.PermissionDenied) and str(exc.detail).startswith("CSRF Failed"):
            exc.detail = exceptions.ErrorDetail(str(CSRF_FAILED), code="csrf_failed")
    return views.exception_handler(exc, context)


class JSONParser(parsers.JSONParser):
    # Deeply nested arrays exhaust the decoder's recursion: a malformed body, not a server error.

    def parse(self, stream, media_type=None, parser_context=None):
        try:
            return super().parse(stream, media_type, parser_context)
        except RecursionError:
            raise exceptions.ParseError() from None


class Pagination(PageNumberPagination):
    invalid_page_message = _("Trang không hợp lệ.")


class ApiDefaults:
    # Token first, so an anonymous call gets 401 with `WWW-Authenticate: Token`; JSON bodies only.

    authentication_classes = [TokenAuthentication, SessionAuthentication]
    permission_classes = [IsAuthenticated, ActionPermission]
    parser_classes = [JSONParser]
    pagination_class = Pagination

    def get_exception_handler(self):
        return exception_handler


class ScopedViewSet(ApiDefaults, GenericViewSet, metaclass=ABCMeta):
    # Base of every API viewset: scoped querysets, strict input and filters.

    lookup_value_regex = r"[0-9]{1,19}"
    scope_via: str | None = "organization"  # None: the rows are organizations themselves
    filter_class = OrganizationYearFilter
    write_perms: dict[str, Perm] = {}
    # What filter_queryset applied to a list: read by DownloadLoggedList.
    applied_filters: dict | None = None
    filtered_organization: Organization | None = None

    @abstractmethod
    def base_queryset(self) -> QuerySet:
        """The rows this endpoint lists, before the user's scope is applied."""

    def get_queryset(self) -> QuerySet:
        if self.scope_via is None:
            return self.base_queryset().filter(scope_for(self.request.user).q("path"))
        return scope_filter(self.base_queryset(), self.request.user, via=self.scope_via)

    @property
    def path_field(self) -> str:
        return "path" if self.scope_via is None else f"{self.scope_via}__path"

    def validated(self, serializer_class, **kwargs) -> dict:
        """The request body checked by `serializer_class` (400 with field messages otherwise)."""
        serializer = serializer_class(data=self.request.data, context=self.get_serializer_context(), **kwargs)
        serializer.is_valid(raise_exception=True)
        return dict(serializer.validated_data)

    def filters(self) -> dict:
        serializer = self.filter_class(data=self.request.query_params, context=self.get_serializer_context())
        serializer.is_valid(raise_exception=True)
        return serializer.validated_data

    def filter_queryset(self, queryset: QuerySet) -> QuerySet:
        if self.action != "list":
            return queryset
        self.applied_filters = self.filters()
        return self.apply_filters(queryset, self.applied_filters)

    def apply_filters(self, queryset: QuerySet, filters: dict) -> QuerySet:
        if "organization" in filters:
            organization = get_organization_for_user_or_404(self.request.user, filters["organization"])
            self.filtered_organization = organization
            queryset = queryset.filter(subtree_q(organization.path, field=self.path_field))
        if "year" in filters:
            queryset = self.filter_year(queryset, filters["year"])
        return queryset

    def filter_year(self, queryset: QuerySet, year: int) -> QuerySet:
        return queryset.filter(year=year)


class DownloadLoggedList:
    # For lists carrying personal data (people, pledges, records naming people): every list
    # request answered leaves its entry in the download log (committees.audit), one INSERT.
    # The organization is the list's filter, else the top of the caller's scope: the subtrees
    # the list covered. A refused request (401, 403, 404, 400) raises before this and logs nothing.

    download_label: str

    def list(self, request, *args, **kwargs):
        response = super().list(request, *args, **kwargs)
        filters = self.applied_filters or {}
        if self.filtered_organization is not None:
            organization_ids = [self.filtered_organization.pk]
        else:
            organization_ids = scope_for(request.user).root_organization_ids()
        list_download_record(
            request=request,
            organization_ids=organization_ids,
            description=str(self.download_label),
            year=filters.get("year"),
            row_count=len(response.data["results"]),
        )
        return response
