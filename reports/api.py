"""Statistics of an organization and year, year-end reports and their renders."""

from functools import partial

from django.db.models import QuerySet
from django.http import FileResponse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view, inline_serializer
from rest_framework import mixins, serializers, status
from rest_framework.decorators import action
from rest_framework.exceptions import APIException, NotFound
from rest_framework.response import Response
from rest_framework.reverse import reverse
from rest_framework.views import APIView

from committees.api import fields
from committees.api.common import (
    ApiDefaults,
    OrganizationYearFilter,
    QuerySerializer,
    ScopedViewSet,
    StrictSerializer,
    require_perm,
    service_errors,
)
from committees.api.fields import id_field, organization_field, year_field
from committees.permissions import Perm, get_organization_for_user_or_404
from reports import services
from reports.common import QUEUE_DOWN, record_render_download
from reports.measures import MEASURES, Kind, Measure
from reports.models import Report, ReportRender
from reports.statistics import organization_year_figures

RENDERS_SHOWN = 30


class QueueDown(APIException):
    status_code = status.HTTP_503_SERVICE_UNAVAILABLE
    default_detail = QUEUE_DOWN
    default_code = "queue_unavailable"


# --- statistics ---------------------------------------------------------------------------


class StatisticsQuery(QuerySerializer):
    organization = id_field(help_text=gettext_lazy("Mã tổ chức."))
    year = year_field(help_text=gettext_lazy("Năm."))


def _measure_field(measure: Measure) -> serializers.Field:
    """How the snapshot writes a measure of this kind, for the schema."""
    if measure.kind == Kind.MAPPING:
        # Counts by category; without labelled parts, counts by category and recipient
        # (commendations by form).
        count = serializers.IntegerField()
        child = count if measure.parts else serializers.DictField(child=count)
        return serializers.DictField(child=child, help_text=measure.label)
    field = {
        Kind.COUNT: serializers.IntegerField,
        Kind.PERCENT: partial(serializers.FloatField, allow_null=True),
        Kind.DATE: serializers.DateField,
        Kind.TEXT: serializers.CharField,
    }[measure.kind]
    return field(help_text=measure.label)


# The schema of `Figures.to_dict`, from the same registry of measures.
FIGURES_SCHEMA = inline_serializer(
    name="Figures",
    fields={
        "organization_id": serializers.IntegerField(),
        "name": serializers.CharField(),
        "kind": serializers.CharField(),
        "dissolved": serializers.BooleanField(),
        "year": serializers.IntegerField(),
        **{key: _measure_field(measure) for key, measure in MEASURES.items()},
        "children": serializers.ListField(
            child=serializers.DictField(),
            help_text=gettext_lazy("Số liệu của từng tổ chức trực thuộc, cùng cấu trúc."),
        ),
    },
)


@extend_schema(tags=["Số liệu"])
class StatisticsView(ApiDefaults, APIView):
    """Số liệu như trang Tổng quan: cả cây trực thuộc tổ chức, theo cây tổ chức của năm đó."""

    @extend_schema(
        summary="Số liệu của một tổ chức trong một năm",
        parameters=[StatisticsQuery],
        responses={
            200: FIGURES_SCHEMA,
            404: OpenApiResponse(description="Ngoài phạm vi hoặc không có trong cây năm đó."),
        },
    )
    def get(self, request):
        query = StatisticsQuery(data=request.query_params)
        query.is_valid(raise_exception=True)
        organization = get_organization_for_user_or_404(request.user, query.validated_data["organization"])
        year = query.validated_data["year"]
        figures = organization_year_figures(organization=organization, year=year)
        if figures is None:
            raise NotFound(
                _("%(name)s không có trong cây tổ chức năm %(year)s.") % {"name": organization.name, "year": year}
            )
        return Response(figures.to_dict())


# --- reports ------------------------------------------------------------------------------


class RenderSerializer(serializers.ModelSerializer):
    download_url = serializers.SerializerMethodField()

    class Meta:
        model = ReportRender
        fields = [
            "id",
            "report",
            "format",
            "state",
            "size",
            "sha256",
            "error",
            "attempts",
            "created_at",
            "started_at",
            "finished_at",
            "download_url",
        ]
        read_only_fields = fields

    def get_download_url(self, render: ReportRender) -> str | None:
        if render.state != ReportRender.State.READY:
            return None
        return reverse("api-render-download", args=[render.pk], request=self.context.get("request"))


class ReportSerializer(serializers.ModelSerializer):
    class Meta:
        model = Report
        fields = [
            "id",
            "organization",
            "year",
            "first_year",
            "state",
            "number",
            "document_date",
            "place_name",
            "title_summary",
            "layout_profile",
            "version",
            "finalized_at",
            "final_render",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields


class ReportDetailSerializer(ReportSerializer):
    class Meta(ReportSerializer.Meta):
        fields = [
            *ReportSerializer.Meta.fields,
            *services.NARRATIVE_FIELDS,
            "signer_authority",
            "signer_title",
            "signer_name",
        ]
        read_only_fields = fields


class ReportOpenSerializer(StrictSerializer):
    organization = organization_field()
    year = year_field()


class RenderRequestSerializer(StrictSerializer):
    format = fields.ChoiceField(choices=ReportRender.Format.choices)


@extend_schema_view(
    list=extend_schema(summary="Báo cáo tổng kết", parameters=[OrganizationYearFilter]),
    retrieve=extend_schema(summary="Một báo cáo (kèm nội dung)", responses=ReportDetailSerializer),
    create=extend_schema(
        summary="Mở báo cáo của một tổ chức và năm (tạo dự thảo lần đầu)",
        request=ReportOpenSerializer,
        responses={200: ReportDetailSerializer, 201: ReportDetailSerializer},
    ),
)
@extend_schema(tags=["Báo cáo"])
class ReportViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ScopedViewSet):
    """Báo cáo tổng kết năm. Mở báo cáo và yêu cầu tạo tệp cần quyền báo cáo."""

    serializer_class = ReportSerializer
    http_method_names = ["get", "post", "head", "options"]
    write_perms = {"create": Perm.REPORT, "renders": Perm.REPORT}

    def base_queryset(self) -> QuerySet:
        return Report.objects.select_related("organization").order_by("-year", "organization__path", "pk")

    def get_serializer_class(self):
        return ReportDetailSerializer if self.action == "retrieve" else ReportSerializer

    def create(self, request):
        data = self.validated(ReportOpenSerializer)
        organization, year = data["organization"], data["year"]
        require_perm(request.user, organization, Perm.REPORT)
        existed = Report.objects.filter(organization=organization, year=year, first_year__isnull=True).exists()
        with service_errors():
            report = services.report_open(organization=organization, year=year, by=request.user)
        return Response(
            ReportDetailSerializer(report, context=self.get_serializer_context()).data,
            status=status.HTTP_200_OK if existed else status.HTTP_201_CREATED,
        )

    @extend_schema(methods=["GET"], summary="Các bản xuất của báo cáo", responses=RenderSerializer(many=True))
    @extend_schema(
        methods=["POST"],
        summary="Yêu cầu tạo tệp (PDF, Word, Excel)",
        request=RenderRequestSerializer,
        responses={202: RenderSerializer, 503: OpenApiResponse(description="Hàng đợi tạm thời không hoạt động.")},
    )
    @action(detail=True, methods=["get", "post"])
    def renders(self, request, pk=None):
        report = self.get_object()
        context = self.get_serializer_context()
        if request.method == "GET":
            renders = report.renders.order_by("-created_at")[:RENDERS_SHOWN]
            return Response(RenderSerializer(renders, many=True, context=context).data)
        require_perm(request.user, report.organization, Perm.REPORT)
        data = self.validated(RenderRequestSerializer)
        try:
            with service_errors():
                render_job = services.render_request(report=report, format=data["format"], by=request.user)
        except services.QueueUnavailable:
            raise QueueDown from None
        return Response(RenderSerializer(render_job, context=context).data, status=status.HTTP_202_ACCEPTED)


# --- renders ------------------------------------------------------------------------------


@extend_schema_view(retrieve=extend_schema(summary="Trạng thái một bản xuất"))
@extend_schema(tags=["Báo cáo"])
class RenderViewSet(mixins.RetrieveModelMixin, ScopedViewSet):
    """Bản xuất báo cáo: trạng thái và tải tệp khi đã sẵn sàng."""

    serializer_class = RenderSerializer
    scope_via = "report__organization"
    http_method_names = ["get", "head", "options"]

    def base_queryset(self) -> QuerySet:
        return ReportRender.objects.select_related("report__organization").order_by("-created_at", "-pk")

    @extend_schema(
        summary="Tải tệp (chỉ khi đã sẵn sàng)",
        responses={
            (200, "application/octet-stream"): OpenApiTypes.BINARY,
            404: OpenApiResponse(description="Không tìm thấy hoặc chưa sẵn sàng."),
        },
    )
    @action(detail=True, methods=["get"])
    def download(self, request, pk=None):
        render_job = self.get_object()
        if render_job.state != ReportRender.State.READY or not render_job.file:
            raise NotFound(_("Tệp chưa sẵn sàng."))
        try:
            handle = render_job.file.open("rb")
        except OSError:
            raise NotFound(_("Không đọc được tệp.")) from None
        record_render_download(request, render_job)
        return FileResponse(handle, as_attachment=True, filename=render_job.download_name())
