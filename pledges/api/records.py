"""Study sessions with their attendance, exemplars and commendations."""

import datetime
from abc import abstractmethod

from django.db.models import Prefetch, QuerySet
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, serializers, status
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response

from committees.api import fields
from committees.api.common import (
    DownloadLoggedList,
    OrganizationYearFilter,
    ScopedViewSet,
    StrictSerializer,
    require_perm,
    resolve_ids,
    service_errors,
)
from committees.api.fields import (
    ScopedRelatedField,
    choice_field,
    count_field,
    date_field,
    id_field,
    id_list_field,
    organization_field,
    text_field,
    year_field,
)
from committees.models import Organization, Person, superior_paths
from committees.permissions import Perm, scope_filter
from pledges.models import Commendation, Exemplar, SessionKind, StudySession, Theme
from pledges.services import records as services

COUNT_MAX = 100_000
BRIDGE_POINTS_MAX = 10_000


class RecordViewSet(DownloadLoggedList, mixins.ListModelMixin, mixins.RetrieveModelMixin, ScopedViewSet):
    # List, detail, create and update of one kind of record; each subclass says how to save.
    # Every kind names people (attendees, people of a model, recipients): lists are logged.

    http_method_names = ["get", "post", "put", "head", "options"]
    write_perms = {"create": Perm.ENTER, "update": Perm.ENTER}
    create_serializer: type[serializers.Serializer]
    update_serializer: type[serializers.Serializer]

    def create(self, request):
        data = self.validated(self.create_serializer)
        organization = data.pop("organization")
        require_perm(request.user, organization, Perm.ENTER)
        with service_errors():
            record = self.save(organization, data, None)
        return Response(self.get_serializer(self.get_queryset().get(pk=record.pk)).data, status=status.HTTP_201_CREATED)

    def update(self, request, pk=None):
        record = self.get_object()
        require_perm(request.user, record.organization, Perm.ENTER)
        data = self.validated(self.update_serializer)
        with service_errors():
            record = self.save(record.organization, data, record)
        return Response(self.get_serializer(self.get_queryset().get(pk=record.pk)).data)

    @abstractmethod
    def save(self, organization: Organization, data: dict, record):
        """Create (record None) or update the record through its service."""


def record_schema(noun: str, tag: str, filter_class, output, create, update):
    def decorate(viewset):
        viewset = extend_schema(tags=[tag])(viewset)
        return extend_schema_view(
            list=extend_schema(summary=f"Danh sách {noun}", parameters=[filter_class]),
            retrieve=extend_schema(summary=f"Một {noun}"),
            create=extend_schema(summary=f"Ghi {noun}", request=create, responses={201: output}),
            update=extend_schema(summary=f"Sửa {noun}", request=update, responses=output),
        )(viewset)

    return decorate


# --- study sessions -----------------------------------------------------------------------


class AttendeeSerializer(serializers.ModelSerializer):
    class Meta:
        model = Person
        fields = ["id", "full_name", "category"]
        read_only_fields = fields


class StudySessionSerializer(serializers.ModelSerializer):
    year = serializers.IntegerField(read_only=True)
    attendees = AttendeeSerializer(many=True, read_only=True)
    attendance_total = serializers.SerializerMethodField(help_text=gettext_lazy("Người dự có tên cộng số đếm thêm."))

    class Meta:
        model = StudySession
        fields = [
            "id",
            "organization",
            "held_on",
            "year",
            "kind",
            "topic",
            "theme",
            "attendees",
            "extra_party_members",
            "extra_union_members",
            "extra_others",
            "bridge_points",
            "attendance_total",
            "note",
            "created_at",
        ]
        read_only_fields = fields

    def get_attendance_total(self, session: StudySession) -> int:
        extras = session.extra_party_members + session.extra_union_members + session.extra_others
        return len(session.attendees.all()) + extras


class SessionUpdateSerializer(StrictSerializer):
    held_on = fields.DateField()
    kind = choice_field(StudySession, "kind")
    topic = text_field(StudySession, "topic")
    theme = fields.PrimaryKeyRelatedField(queryset=Theme.objects.all(), allow_null=True, required=False, default=None)
    attendee_ids = id_list_field(help_text=gettext_lazy("Mã những người dự có tên trong danh sách của tổ chức."))
    extra_party_members = count_field(COUNT_MAX)
    extra_union_members = count_field(COUNT_MAX)
    extra_others = count_field(COUNT_MAX)
    bridge_points = count_field(BRIDGE_POINTS_MAX)
    note = text_field(StudySession, "note")


class SessionCreateSerializer(SessionUpdateSerializer):
    organization = organization_field()


class SessionFilter(OrganizationYearFilter):
    kind = fields.ChoiceField(choices=SessionKind.choices, required=False)


@record_schema(
    "buổi học tập, sinh hoạt",
    "Học tập, sinh hoạt",
    SessionFilter,
    StudySessionSerializer,
    SessionCreateSerializer,
    SessionUpdateSerializer,
)
class StudySessionViewSet(RecordViewSet):
    """Buổi học tập, sinh hoạt chuyên đề kèm danh sách người dự và số đếm thêm."""

    download_label = gettext_lazy("Danh sách buổi học tập, sinh hoạt chuyên đề")
    serializer_class = StudySessionSerializer
    filter_class = SessionFilter
    create_serializer = SessionCreateSerializer
    update_serializer = SessionUpdateSerializer

    def base_queryset(self) -> QuerySet:
        return (
            StudySession.objects.select_related("organization")
            .prefetch_related(Prefetch("attendees", queryset=Person.objects.order_by("search_key", "pk")))
            .order_by("-held_on", "-pk")
        )

    def filter_year(self, queryset: QuerySet, year: int) -> QuerySet:
        return queryset.filter(held_on__range=(datetime.date(year, 1, 1), datetime.date(year, 12, 31)))

    def apply_filters(self, queryset: QuerySet, filters: dict) -> QuerySet:
        queryset = super().apply_filters(queryset, filters)
        return queryset.filter(kind=filters["kind"]) if "kind" in filters else queryset

    def save(self, organization, data, record):
        session_input = services.SessionInput(**data)
        if record is None:
            return services.session_create(organization=organization, data=session_input, by=self.request.user)
        return services.session_update(session=record, data=session_input, by=self.request.user)


# --- exemplars ----------------------------------------------------------------------------


class ExemplarSerializer(serializers.ModelSerializer):
    people = serializers.PrimaryKeyRelatedField(many=True, read_only=True)

    class Meta:
        model = Exemplar
        fields = ["id", "organization", "year", "name", "description", "unit", "status", "people", "created_at"]
        read_only_fields = fields


class ExemplarUpdateSerializer(StrictSerializer):
    year = year_field()
    name = text_field(Exemplar, "name")
    description = text_field(Exemplar, "description")
    unit = text_field(Exemplar, "unit")
    status = choice_field(Exemplar, "status")
    people = id_list_field(help_text=gettext_lazy("Mã các cá nhân thực hiện."))


class ExemplarCreateSerializer(ExemplarUpdateSerializer):
    organization = organization_field()


class ExemplarFilter(OrganizationYearFilter):
    status = fields.ChoiceField(choices=Exemplar.Status.choices, required=False)


def status_filtered(queryset: QuerySet, filters: dict) -> QuerySet:
    return queryset.filter(status=filters["status"]) if "status" in filters else queryset


@record_schema(
    "mô hình, điển hình",
    "Mô hình, điển hình",
    ExemplarFilter,
    ExemplarSerializer,
    ExemplarCreateSerializer,
    ExemplarUpdateSerializer,
)
class ExemplarViewSet(RecordViewSet):
    """Mô hình, điển hình tiên tiến và các cá nhân thực hiện."""

    download_label = gettext_lazy("Danh sách mô hình, điển hình")
    serializer_class = ExemplarSerializer
    filter_class = ExemplarFilter
    create_serializer = ExemplarCreateSerializer
    update_serializer = ExemplarUpdateSerializer

    def base_queryset(self) -> QuerySet:
        return (
            Exemplar.objects.select_related("organization")
            .prefetch_related(Prefetch("people", queryset=Person.objects.order_by("search_key", "pk")))
            .order_by("-year", "organization__path", "name", "pk")
        )

    def apply_filters(self, queryset: QuerySet, filters: dict) -> QuerySet:
        return status_filtered(super().apply_filters(queryset, filters), filters)

    def save(self, organization, data, record):
        people_in_scope = scope_filter(Person.objects.select_related("organization"), self.request.user)
        data["people"] = resolve_ids(people_in_scope, data["people"], field="people")
        return services.exemplar_save(organization=organization, exemplar=record, by=self.request.user, **data)


# --- commendations ------------------------------------------------------------------------


class CommendationSerializer(serializers.ModelSerializer):
    class Meta:
        model = Commendation
        fields = [
            "id",
            "organization",
            "year",
            "recipient_person",
            "recipient_organization",
            "form",
            "authority",
            "decision_number",
            "decision_date",
            "occasion",
            "reason",
            "status",
            "proposed_to",
            "created_at",
        ]
        read_only_fields = fields


class CommendationUpdateSerializer(StrictSerializer):
    year = year_field()
    form = choice_field(Commendation, "form")
    recipient_person = ScopedRelatedField(
        Person.objects.select_related("organization"), allow_null=True, required=False, default=None
    )
    recipient_organization = organization_field(allow_null=True, required=False, default=None)
    authority = text_field(Commendation, "authority")
    decision_number = text_field(Commendation, "decision_number")
    decision_date = date_field()
    occasion = choice_field(Commendation, "occasion")
    reason = text_field(Commendation, "reason")
    status = choice_field(Commendation, "status")
    proposed_to = id_field(
        allow_null=True, required=False, default=None, help_text=gettext_lazy("Mã tổ chức cấp trên được đề nghị.")
    )


class CommendationCreateSerializer(CommendationUpdateSerializer):
    organization = organization_field(help_text=gettext_lazy("Tổ chức ghi nhận khen thưởng."))


class CommendationFilter(OrganizationYearFilter):
    status = fields.ChoiceField(choices=Commendation.Status.choices, required=False)


def superior(organization: Organization, pk: int | None) -> Organization | None:
    """`pk` must name a superior of `organization` (as the form's choices); any other id is refused
    alike, so that the answer says nothing of organizations out of scope. The service checks it too."""
    if pk is None:
        return None
    found = Organization.objects.filter(pk=pk, path__in=superior_paths(organization.path)).first()
    if found is None:
        raise ValidationError(
            {"proposed_to": [_("Chỉ đề nghị lên tổ chức cấp trên của %(name)s.") % {"name": organization.name}]}
        )
    return found


@record_schema(
    "khen thưởng",
    "Khen thưởng",
    CommendationFilter,
    CommendationSerializer,
    CommendationCreateSerializer,
    CommendationUpdateSerializer,
)
class CommendationViewSet(RecordViewSet):
    """Đề nghị và quyết định khen thưởng cá nhân, tập thể."""

    download_label = gettext_lazy("Danh sách khen thưởng")
    serializer_class = CommendationSerializer
    filter_class = CommendationFilter
    create_serializer = CommendationCreateSerializer
    update_serializer = CommendationUpdateSerializer

    def base_queryset(self) -> QuerySet:
        return Commendation.objects.select_related("organization").order_by("-year", "organization__path", "-pk")

    def apply_filters(self, queryset: QuerySet, filters: dict) -> QuerySet:
        return status_filtered(super().apply_filters(queryset, filters), filters)

    def save(self, organization, data, record):
        data["proposed_to"] = superior(organization, data["proposed_to"])
        return services.commendation_save(
            organization=organization,
            data=services.CommendationInput(**data),
            commendation=record,
            by=self.request.user,
        )
