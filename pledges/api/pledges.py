"""Pledges with their items: list, detail, entry, submission and review."""

from django.db.models import Prefetch, QuerySet
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, serializers, status
from rest_framework.decorators import action
from rest_framework.response import Response

from committees.api import fields
from committees.api.common import (
    DownloadLoggedList,
    OrganizationYearFilter,
    ScopedViewSet,
    StrictSerializer,
    require_perm,
    service_errors,
)
from committees.api.fields import (
    ScopedRelatedField,
    choice_field,
    date_field,
    id_field,
    organization_field,
    text_field,
    year_field,
)
from committees.models import Person
from committees.permissions import Perm, get_person_for_user_or_404
from pledges.models import NOTE_MAX_LENGTH, Pledge, PledgeItem, PledgeState
from pledges.services import pledges as services

MAX_ITEMS = 30  # as on the entry form


class PledgeItemSerializer(serializers.ModelSerializer):
    class Meta:
        model = PledgeItem
        fields = ["id", "position", "content", "area", "target", "due_on", "result", "result_note", "assessed_on"]
        read_only_fields = fields


class PledgeSerializer(serializers.ModelSerializer):
    person_name = serializers.CharField(source="person.full_name", read_only=True, allow_null=True)
    items = PledgeItemSerializer(many=True, read_only=True)

    class Meta:
        model = Pledge
        fields = [
            "id",
            "kind",
            "person",
            "person_name",
            "organization",
            "year",
            "form",
            "state",
            "submitted_on",
            "on_time",
            "review_comment",
            "reviewed_at",
            "evaluation",
            "evaluation_comment",
            "evaluated_at",
            "version",
            "items",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields


class ItemInputSerializer(StrictSerializer):
    content = text_field(PledgeItem, "content")
    area = choice_field(PledgeItem, "area")
    target = text_field(PledgeItem, "target")
    due_on = date_field()


def items_field() -> ItemInputSerializer:
    return ItemInputSerializer(many=True, allow_empty=False, max_length=MAX_ITEMS)


def to_items(data: list[dict]) -> list[services.ItemInput]:
    return [services.ItemInput(**item) for item in data]


class PledgeCreateSerializer(StrictSerializer):
    person = ScopedRelatedField(Person.objects.select_related("organization"), help_text=_("Mã cá nhân đăng ký."))
    year = year_field()
    items = items_field()
    submit = fields.BooleanField(default=False, help_text=_("Nộp ngay (mặc định: lưu nháp)."))


class PledgeUpdateSerializer(StrictSerializer):
    items = items_field()
    version = fields.IntegerField(
        min_value=1, max_value=2**31 - 1, help_text=_("Phiên bản đã đọc (chống ghi đè khi hai người cùng sửa).")
    )
    submit = fields.BooleanField(default=False)


class EmptySerializer(StrictSerializer):
    pass


class AcceptSerializer(StrictSerializer):
    comment = fields.CharField(max_length=NOTE_MAX_LENGTH, allow_blank=True, required=False, default="")


class ReturnSerializer(StrictSerializer):
    comment = fields.CharField(max_length=NOTE_MAX_LENGTH, help_text=_("Lý do trả lại."))


class CollectiveCreateSerializer(StrictSerializer):
    organization = organization_field(help_text=_("Mã tổ chức đăng ký tập thể."))
    year = year_field()
    items = items_field()


class AssessmentSerializer(StrictSerializer):
    item = id_field(help_text=_("Mã việc làm theo của bản đăng ký này."))
    result = fields.ChoiceField(choices=[c for c in PledgeItem._meta.get_field("result").choices if c[0]])
    note = text_field(PledgeItem, "result_note")


class SelfAssessSerializer(StrictSerializer):
    assessments = AssessmentSerializer(many=True, allow_empty=False, max_length=MAX_ITEMS)


class EvaluateSerializer(StrictSerializer):
    evaluation = fields.ChoiceField(choices=Pledge._meta.get_field("evaluation").choices)
    comment = text_field(Pledge, "evaluation_comment")


class PledgeFilter(OrganizationYearFilter):
    state = fields.ChoiceField(choices=PledgeState.choices, required=False, help_text=_("Trạng thái."))
    kind = fields.ChoiceField(choices=Pledge.Kind.choices, required=False, help_text=_("Cá nhân hoặc tập thể."))
    person = id_field(required=False, help_text=_("Mã cá nhân."))


@extend_schema_view(
    list=extend_schema(summary="Bản đăng ký (kèm việc làm theo)", parameters=[PledgeFilter]),
    retrieve=extend_schema(summary="Một bản đăng ký"),
    create=extend_schema(
        summary="Tạo bản đăng ký cá nhân", request=PledgeCreateSerializer, responses={201: PledgeSerializer}
    ),
    update=extend_schema(
        summary="Sửa việc làm theo của bản nháp hoặc bị trả lại",
        request=PledgeUpdateSerializer,
        responses=PledgeSerializer,
    ),
    submit=extend_schema(summary="Nộp bản đăng ký", request=EmptySerializer, responses=PledgeSerializer),
    accept=extend_schema(summary="Chi bộ duyệt", request=AcceptSerializer, responses=PledgeSerializer),
    return_=extend_schema(summary="Trả lại để sửa", request=ReturnSerializer, responses=PledgeSerializer),
    collective=extend_schema(
        summary="Tạo bản đăng ký tập thể của một tổ chức",
        request=CollectiveCreateSerializer,
        responses={201: PledgeSerializer},
    ),
    assess=extend_schema(
        summary="Tự đánh giá kết quả từng việc", request=SelfAssessSerializer, responses=PledgeSerializer
    ),
    evaluate=extend_schema(summary="Xếp loại cuối năm", request=EvaluateSerializer, responses=PledgeSerializer),
)
@extend_schema(tags=["Bản đăng ký"])
class PledgeViewSet(DownloadLoggedList, mixins.ListModelMixin, mixins.RetrieveModelMixin, ScopedViewSet):
    """Bản đăng ký làm theo kèm các việc làm theo. Nhập, sửa, nộp cần quyền nhập liệu; duyệt và
    trả lại cần quyền duyệt trên tổ chức của bản đăng ký."""

    download_label = _("Danh sách bản đăng ký làm theo")
    serializer_class = PledgeSerializer
    filter_class = PledgeFilter
    http_method_names = ["get", "post", "put", "head", "options"]
    write_perms = {
        "create": Perm.ENTER,
        "update": Perm.ENTER,
        "submit": Perm.ENTER,
        "accept": Perm.APPROVE,
        "return_": Perm.APPROVE,
        "collective": Perm.ENTER,
        "assess": Perm.ENTER,
        "evaluate": Perm.APPROVE,
    }

    def base_queryset(self) -> QuerySet:
        return (
            Pledge.objects.select_related("person", "organization")
            .prefetch_related(Prefetch("items", queryset=PledgeItem.objects.order_by("position", "pk")))
            .order_by("-year", "organization__path", "person__search_key", "pk")
        )

    def apply_filters(self, queryset: QuerySet, filters: dict) -> QuerySet:
        queryset = super().apply_filters(queryset, filters)
        for name in ("state", "kind"):
            if name in filters:
                queryset = queryset.filter(**{name: filters[name]})
        if "person" in filters:
            queryset = queryset.filter(person=get_person_for_user_or_404(self.request.user, filters["person"]))
        return queryset

    def _fresh(self, pledge: Pledge) -> Response:
        return Response(self.get_serializer(self.get_queryset().get(pk=pledge.pk)).data)

    def create(self, request):
        data = self.validated(PledgeCreateSerializer)
        person = data["person"]
        require_perm(request.user, person.organization, Perm.ENTER)
        with service_errors():
            pledge = services.pledge_create(
                person=person, year=data["year"], items=to_items(data["items"]), by=request.user, submit=data["submit"]
            )
        response = self._fresh(pledge)
        response.status_code = status.HTTP_201_CREATED
        return response

    def _writable(self, perm: Perm) -> Pledge:
        pledge = self.get_object()
        require_perm(self.request.user, pledge.organization, perm)
        return pledge

    def update(self, request, pk=None):
        pledge = self._writable(Perm.ENTER)
        data = self.validated(PledgeUpdateSerializer)
        with service_errors():
            services.pledge_update(
                pledge=pledge,
                items=to_items(data["items"]),
                expected_version=data["version"],
                by=request.user,
                submit=data["submit"],
            )
        return self._fresh(pledge)

    @action(detail=True, methods=["post"])
    def submit(self, request, pk=None):
        pledge = self._writable(Perm.ENTER)
        self.validated(EmptySerializer)
        with service_errors():
            services.pledge_submit(pledge=pledge, by=request.user)
        return self._fresh(pledge)

    @action(detail=True, methods=["post"])
    def accept(self, request, pk=None):
        pledge = self._writable(Perm.APPROVE)
        data = self.validated(AcceptSerializer)
        with service_errors():
            services.pledge_accept(pledge=pledge, comment=data["comment"], by=request.user)
        return self._fresh(pledge)

    @action(detail=True, methods=["post"], url_path="return", url_name="return")
    def return_(self, request, pk=None):
        pledge = self._writable(Perm.APPROVE)
        data = self.validated(ReturnSerializer)
        with service_errors():
            services.pledge_return(pledge=pledge, comment=data["comment"], by=request.user)
        return self._fresh(pledge)

    @action(detail=False, methods=["post"])
    def collective(self, request):
        data = self.validated(CollectiveCreateSerializer)
        organization = data["organization"]
        require_perm(request.user, organization, Perm.ENTER)
        with service_errors():
            pledge = services.collective_pledge_create(
                organization=organization, year=data["year"], items=to_items(data["items"]), by=request.user
            )
        response = self._fresh(pledge)
        response.status_code = status.HTTP_201_CREATED
        return response

    @action(detail=True, methods=["post"])
    def assess(self, request, pk=None):
        pledge = self._writable(Perm.ENTER)
        data = self.validated(SelfAssessSerializer)
        assessments = [
            services.AssessmentInput(item_id=row["item"], result=row["result"], note=row["note"])
            for row in data["assessments"]
        ]
        with service_errors():
            services.pledge_self_assess(pledge=pledge, assessments=assessments, by=request.user)
        return self._fresh(pledge)

    @action(detail=True, methods=["post"])
    def evaluate(self, request, pk=None):
        pledge = self._writable(Perm.APPROVE)
        data = self.validated(EvaluateSerializer)
        with service_errors():
            services.pledge_evaluate(
                pledge=pledge, evaluation=data["evaluation"], comment=data["comment"], by=request.user
            )
        return self._fresh(pledge)
