"""Organizations (the tree in the user's scope, read-only), people, and the token endpoint."""

import datetime
import math

from axes.helpers import get_client_username
from django.contrib.auth import authenticate
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Length, Substr
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import exceptions, mixins, serializers, status
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.response import Response
from rest_framework.views import APIView

from committees import services
from committees.api import fields
from committees.api.common import (
    DownloadLoggedList,
    JSONParser,
    OrganizationYearFilter,
    ScopedViewSet,
    StrictSerializer,
    exception_handler,
    require_perm,
    service_errors,
)
from committees.api.fields import choice_field, date_field, id_field, organization_field, text_field, year_field
from committees.api_tokens import api_token_issue
from committees.lockout import lockout_message, lockout_minutes, lockout_remaining
from committees.models import Organization, Person, subtree_q
from committees.permissions import Perm, get_organization_for_user_or_404
from committees.text import search_key

BIRTH_YEAR_MIN, BIRTH_YEAR_MAX = 1900, 2015  # as on the person form


# --- organizations ------------------------------------------------------------------------


class OrganizationSerializer(serializers.ModelSerializer):
    parent = serializers.IntegerField(source="parent_id", read_only=True, allow_null=True)

    class Meta:
        model = Organization
        fields = ["id", "name", "short_name", "kind", "issuer_code", "parent", "depth", "dissolved_on"]
        read_only_fields = fields


class OrganizationFilter(OrganizationYearFilter):
    parent = id_field(required=False, help_text=_("Mã tổ chức cấp trên: chỉ các tổ chức trực thuộc trực tiếp."))
    year = year_field(required=False, help_text=_("Chỉ các tổ chức có trong cây tổ chức năm này."))


@extend_schema_view(
    list=extend_schema(summary="Tổ chức trong phạm vi", parameters=[OrganizationFilter]),
    retrieve=extend_schema(summary="Một tổ chức"),
)
@extend_schema(tags=["Tổ chức"])
class OrganizationViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ScopedViewSet):
    """Các tổ chức trong phạm vi của người dùng: tổ chức được phân quyền và toàn bộ cấp dưới."""

    serializer_class = OrganizationSerializer
    filter_class = OrganizationFilter
    scope_via = None

    def base_queryset(self) -> QuerySet:
        parent = Organization.objects.filter(
            path=Substr(OuterRef("path"), 1, Length(OuterRef("path")) - Organization.steplen)
        ).order_by()
        return Organization.objects.annotate(parent_id=Subquery(parent.values("pk")[:1])).order_by("path")

    def apply_filters(self, queryset: QuerySet, filters: dict) -> QuerySet:
        queryset = super().apply_filters(queryset, filters)
        if "parent" in filters:
            parent = get_organization_for_user_or_404(self.request.user, filters["parent"])
            queryset = queryset.filter(subtree_q(parent.path), depth=parent.depth + 1)
        return queryset

    def filter_year(self, queryset: QuerySet, year: int) -> QuerySet:
        return queryset.filter(years__year=year)


# --- people -------------------------------------------------------------------------------


class PersonSerializer(serializers.ModelSerializer):
    pledge_form = serializers.CharField(read_only=True)

    class Meta:
        model = Person
        fields = [
            "id",
            "full_name",
            "gender",
            "birth_year",
            "position",
            "category",
            "pledge_form",
            "organization",
            "joined_on",
            "left_on",
            "exemption",
            "exemption_reason",
        ]
        read_only_fields = fields


def birth_year_field() -> fields.IntegerField:
    return fields.IntegerField(
        min_value=BIRTH_YEAR_MIN, max_value=BIRTH_YEAR_MAX, allow_null=True, required=False, default=None
    )


class PersonUpdateSerializer(StrictSerializer):
    full_name = text_field(Person, "full_name")
    gender = choice_field(Person, "gender")
    birth_year = birth_year_field()
    position = text_field(Person, "position")
    category = choice_field(Person, "category")
    exemption = choice_field(Person, "exemption")
    exemption_reason = text_field(Person, "exemption_reason")
    left_on = date_field()


class PersonCreateSerializer(StrictSerializer):
    organization = organization_field(help_text=_("Mã tổ chức nơi cá nhân sinh hoạt."))
    full_name = text_field(Person, "full_name")
    gender = choice_field(Person, "gender")
    birth_year = birth_year_field()
    position = text_field(Person, "position")
    category = choice_field(Person, "category")
    joined_on = date_field()
    exemption = choice_field(Person, "exemption")
    exemption_reason = text_field(Person, "exemption_reason")


class PersonFilter(OrganizationYearFilter):
    year = year_field(required=False, help_text=_("Chỉ những người sinh hoạt trong năm này."))
    q = serializers.CharField(
        required=False, max_length=100, help_text=_("Tìm theo họ tên, không phân biệt dấu và chữ hoa.")
    )


@extend_schema_view(
    list=extend_schema(summary="Cá nhân trong phạm vi", parameters=[PersonFilter]),
    retrieve=extend_schema(summary="Một cá nhân"),
    create=extend_schema(summary="Thêm cá nhân", request=PersonCreateSerializer, responses={201: PersonSerializer}),
    update=extend_schema(summary="Sửa cá nhân", request=PersonUpdateSerializer, responses=PersonSerializer),
    partial_update=extend_schema(
        summary="Sửa một phần thông tin cá nhân", request=PersonUpdateSerializer, responses=PersonSerializer
    ),
)
@extend_schema(tags=["Cá nhân"])
class PersonViewSet(DownloadLoggedList, mixins.ListModelMixin, mixins.RetrieveModelMixin, ScopedViewSet):
    """Cá nhân thuộc các tổ chức trong phạm vi. Thêm, sửa cần quyền nhập liệu trên tổ chức."""

    download_label = _("Danh sách cá nhân")
    serializer_class = PersonSerializer
    filter_class = PersonFilter
    write_perms = {"create": Perm.ENTER, "update": Perm.ENTER, "partial_update": Perm.ENTER}

    def base_queryset(self) -> QuerySet:
        return Person.objects.select_related("organization").order_by("organization__path", "search_key", "pk")

    def apply_filters(self, queryset: QuerySet, filters: dict) -> QuerySet:
        queryset = super().apply_filters(queryset, filters)
        if filters.get("q"):
            queryset = queryset.filter(search_key__contains=search_key(filters["q"]))
        return queryset

    def filter_year(self, queryset: QuerySet, year: int) -> QuerySet:
        start, end = datetime.date(year, 1, 1), datetime.date(year, 12, 31)
        return queryset.filter(Q(joined_on__isnull=True) | Q(joined_on__lte=end)).filter(
            Q(left_on__isnull=True) | Q(left_on__gte=start)
        )

    def create(self, request):
        data = self.validated(PersonCreateSerializer)
        organization = data.pop("organization")
        require_perm(request.user, organization, Perm.ENTER)
        with service_errors():
            person = services.person_create(organization=organization, by=request.user, **data)
        return Response(self.get_serializer(person).data, status=status.HTTP_201_CREATED)

    def update(self, request, pk=None, partial=False):
        person = self.get_object()
        require_perm(request.user, person.organization, Perm.ENTER)
        data = self.validated(PersonUpdateSerializer, partial=partial)
        with service_errors():
            person = services.person_update(person=person, by=request.user, **data)
        return Response(self.get_serializer(person).data)

    def partial_update(self, request, pk=None):
        return self.update(request, pk, partial=True)


# --- token --------------------------------------------------------------------------------


class TokenSerializer(serializers.Serializer):
    token = serializers.CharField(read_only=True, help_text=_("Khóa truy cập, chỉ hiện một lần."))
    expiry = serializers.DateTimeField(read_only=True, help_text=_("Thời điểm khóa hết hạn."))


class LoginSerializer(serializers.Serializer):
    username = fields.CharField(label=_("Tên đăng nhập"), max_length=150, write_only=True)
    password = fields.CharField(
        label=_("Mật khẩu"), max_length=128, style={"input_type": "password"}, trim_whitespace=False, write_only=True
    )

    def validate(self, attrs):
        # django-axes runs inside authenticate(): it counts a failure, or refuses a locked-out
        # user name before the password is hashed (and marks the request, see TokenView).
        user = authenticate(request=self.context.get("request"), username=attrs["username"], password=attrs["password"])
        if user is None:
            raise serializers.ValidationError(_("Không thể đăng nhập với thông tin đã nhập."), code="authorization")
        return {"user": user}


@extend_schema(
    tags=["Xác thực"],
    summary="Lấy token từ tên đăng nhập và mật khẩu",
    request=LoginSerializer,
    responses=TokenSerializer,
    auth=[],
)
class TokenView(APIView):
    """Gửi kèm mọi yêu cầu sau đó tiêu đề `Authorization: Token <token>`. Token hết hạn sau số ngày
    ghi trong `expiry`, bị thu hồi khi đổi mật khẩu; xem và thu hồi token ở trang “Khóa truy cập API”.
    Đăng nhập sai nhiều lần bị tạm khóa (429, tiêu đề `Retry-After`)."""

    permission_classes: list = []
    throttle_classes: list = []
    parser_classes = [JSONParser, FormParser, MultiPartParser]

    def get_exception_handler(self):
        return exception_handler

    def post(self, request, *args, **kwargs):
        serializer = LoginSerializer(data=request.data, context={"request": request})
        try:
            serializer.is_valid(raise_exception=True)
        except exceptions.ValidationError:
            # django-axes refused the attempt (too many failures for this user from this
            # address) and marked the request: say so, and how long to wait, not "wrong password".
            if getattr(request, "axes_locked_out", False):
                username = get_client_username(request, getattr(request, "axes_credentials", None))
                remaining = lockout_remaining(username=username, ip_address=request.axes_ip_address)
                refused = exceptions.Throttled(detail=lockout_message(lockout_minutes(remaining)))
                refused.wait = math.ceil(remaining.total_seconds())  # the Retry-After header
                raise refused from None
            raise
        try:
            issued = api_token_issue(user=serializer.validated_data["user"])
        except DjangoValidationError as error:
            raise exceptions.PermissionDenied(" ".join(error.messages)) from None
        return Response(TokenSerializer(issued).data)
