"""Year-end reports and their renders. The render row is the truth of a job."""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from committees.models import PATH_MAX_LENGTH, Organization
from reports.profiles import DEFAULT_PROFILE, profile_choices

NARRATIVE_MAX_LENGTH = 50_000


def render_upload_to(instance: "ReportRender", filename: str) -> str:
    # A random name: the file is never reachable by guessing, only through the checked view.
    return f"renders/{instance.created_at:%Y/%m}/{uuid.uuid4().hex}{instance.extension}"


class Report(models.Model):
    """The year-end report (báo cáo tổng kết) a clerk edits and finalizes; with `first_year`,
    a report over a span of years (sơ kết / tổng kết giai đoạn `first_year`–`year`)."""

    class State(models.TextChoices):
        DRAFT = "draft", _("Dự thảo")
        FINALIZED = "finalized", _("Đã hoàn thành")

    organization = models.ForeignKey(
        Organization, verbose_name=_("tổ chức"), on_delete=models.PROTECT, related_name="reports"
    )
    year = models.PositiveSmallIntegerField(_("năm"))  # of a span: its last year
    first_year = models.PositiveSmallIntegerField(
        _("từ năm"), null=True, blank=True, help_text=_("Năm đầu của giai đoạn; để trống với báo cáo một năm.")
    )
    state = models.CharField(_("trạng thái"), max_length=10, choices=State.choices, default=State.DRAFT)
    number = models.PositiveIntegerField(_("số văn bản"), null=True, blank=True)
    place_name = models.CharField(_("địa danh"), max_length=100, blank=True)
    document_date = models.DateField(_("ngày văn bản"), null=True, blank=True)
    title_summary = models.CharField(_("trích yếu"), max_length=300, blank=True)
    opening = models.TextField(_("mở đầu"), max_length=NARRATIVE_MAX_LENGTH, blank=True)
    general_situation = models.TextField(_("I. Khái quát tình hình"), max_length=NARRATIVE_MAX_LENGTH, blank=True)
    deployment = models.TextField(
        _("1. Công tác triển khai học tập, quán triệt"), max_length=NARRATIVE_MAX_LENGTH, blank=True
    )
    propaganda = models.TextField(_("2. Công tác tuyên truyền"), max_length=NARRATIVE_MAX_LENGTH, blank=True)
    study = models.TextField(
        _("3. Công tác tổ chức, tham gia học tập chuyên đề"), max_length=NARRATIVE_MAX_LENGTH, blank=True
    )
    emulation = models.TextField(_("4. Kết quả thi đua"), max_length=NARRATIVE_MAX_LENGTH, blank=True)
    strengths = models.TextField(_("Ưu điểm"), max_length=NARRATIVE_MAX_LENGTH, blank=True)
    weaknesses = models.TextField(_("Tồn tại, hạn chế"), max_length=NARRATIVE_MAX_LENGTH, blank=True)
    remedies = models.TextField(_("Hướng khắc phục"), max_length=NARRATIVE_MAX_LENGTH, blank=True)
    directions = models.TextField(_("III. Phương hướng nhiệm vụ năm sau"), max_length=NARRATIVE_MAX_LENGTH, blank=True)
    recipients = models.TextField(_("Nơi nhận"), max_length=2000, blank=True)
    signer_authority = models.CharField(_("thẩm quyền ký"), max_length=100, default="T/M ĐẢNG ỦY")
    signer_title = models.CharField(_("chức vụ người ký"), max_length=100, default="BÍ THƯ")
    signer_name = models.CharField(_("họ tên người ký"), max_length=120, blank=True)
    layout_profile = models.CharField(_("thể thức"), max_length=30, choices=profile_choices(), default=DEFAULT_PROFILE)
    version = models.PositiveIntegerField(_("phiên bản"), default=1)
    finalized_at = models.DateTimeField(_("hoàn thành lúc"), null=True, blank=True)
    finalized_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("người hoàn thành"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    final_render = models.ForeignKey(
        "ReportRender",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("bản chính thức"),
    )
    created_at = models.DateTimeField(_("tạo lúc"), auto_now_add=True)
    updated_at = models.DateTimeField(_("sửa lúc"), auto_now=True)
    history = HistoricalRecords(excluded_fields=["version", "updated_at"])

    class Meta:
        verbose_name = _("báo cáo tổng kết")
        verbose_name_plural = _("báo cáo tổng kết")
        ordering = ["-year", "organization__path"]
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "year"], condition=Q(first_year__isnull=True), name="report_one_per_org_year"
            ),
            models.UniqueConstraint(
                fields=["organization", "first_year", "year"],
                condition=Q(first_year__isnull=False),
                name="report_one_per_org_span",
            ),
            models.CheckConstraint(
                condition=Q(first_year__isnull=True) | Q(first_year__lt=models.F("year")), name="report_span_in_order"
            ),
        ]

    def __str__(self) -> str:
        return f"Báo cáo {self.period_label} – {self.organization}"

    @property
    def is_span(self) -> bool:
        return self.first_year is not None

    @property
    def years(self) -> list[int]:
        """The years the report covers, in order."""
        return list(range(self.first_year or self.year, self.year + 1))

    @property
    def period_label(self) -> str:
        """ "2024", or "2021–2025" for a span."""
        return f"{self.first_year}–{self.year}" if self.first_year else str(self.year)

    @property
    def is_finalized(self) -> bool:
        return self.state == self.State.FINALIZED


def batch_zip_upload_to(instance: "RenderBatch", filename: str) -> str:
    return f"batches/{timezone.now():%Y/%m}/{uuid.uuid4().hex}.zip"


class RenderBatch(models.Model):
    """Reports of every organization of a subtree rendered at once (one ZIP).

    The request only creates this row: a worker plans the renders in chunks (`planned` once
    every organization has its render), the renders run as usual, and a worker writes the
    ZIP to storage on request (`zip_state`)."""

    class ZipState(models.TextChoices):
        NONE = "", _("Chưa tạo")
        QUEUED = "queued", _("Đang chờ")
        READY = "ready", _("Sẵn sàng")
        FAILED = "failed", _("Lỗi")

    organization = models.ForeignKey(
        Organization, verbose_name=_("tổ chức"), on_delete=models.PROTECT, related_name="render_batches"
    )
    year = models.PositiveSmallIntegerField(_("năm"))
    format = models.CharField(_("định dạng"), max_length=10, default="pdf")
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("người yêu cầu"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("yêu cầu lúc"), auto_now_add=True)
    planned = models.BooleanField(_("đã lập danh sách"), default=False)
    total = models.PositiveIntegerField(_("số báo cáo"), default=0)
    zip_state = models.CharField(_("tệp ZIP"), max_length=10, choices=ZipState.choices, blank=True, default="")
    zip_file = models.FileField(upload_to=batch_zip_upload_to, blank=True, max_length=255)
    zip_files = models.PositiveIntegerField(_("số tệp trong ZIP"), default=0)
    zip_error = models.CharField(_("lỗi tạo ZIP"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("lượt xuất hàng loạt")
        verbose_name_plural = _("lượt xuất hàng loạt")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.organization} {self.year} ({self.created_at:%d/%m/%Y %H:%M})"


class ReportRender(models.Model):
    """One render of a report to a file: queued → rendering → ready | failed."""

    class Format(models.TextChoices):
        PDF = "pdf", "PDF"
        DOCX = "docx", "Word (.docx)"
        XLSX = "xlsx", "Excel (.xlsx)"

    class State(models.TextChoices):
        QUEUED = "queued", _("Đang chờ")
        RENDERING = "rendering", _("Đang tạo")
        READY = "ready", _("Sẵn sàng")
        FAILED = "failed", _("Lỗi")

    report = models.ForeignKey(Report, verbose_name=_("báo cáo"), on_delete=models.PROTECT, related_name="renders")
    batch = models.ForeignKey(
        RenderBatch,
        verbose_name=_("lượt xuất hàng loạt"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="renders",
    )
    format = models.CharField(_("định dạng"), max_length=5, choices=Format.choices)
    state = models.CharField(_("trạng thái"), max_length=10, choices=State.choices, default=State.QUEUED)
    file = models.FileField(_("tệp"), upload_to=render_upload_to, blank=True, max_length=255)
    size = models.PositiveIntegerField(_("kích thước (byte)"), default=0)
    sha256 = models.CharField(_("mã SHA-256"), max_length=64, blank=True)
    figures = models.JSONField(_("số liệu"), null=True, blank=True)
    error = models.CharField(_("lỗi"), max_length=1000, blank=True)
    attempts = models.PositiveSmallIntegerField(_("số lần chạy"), default=0)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("người yêu cầu"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("yêu cầu lúc"), auto_now_add=True)
    started_at = models.DateTimeField(_("bắt đầu lúc"), null=True, blank=True)
    finished_at = models.DateTimeField(_("xong lúc"), null=True, blank=True)
    # Not stored: set for the pages by reports.workers when the job waits with no worker running.
    no_worker = False

    class Meta:
        verbose_name = _("bản xuất báo cáo")
        verbose_name_plural = _("bản xuất báo cáo")
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["state", "created_at"], name="render_state_created")]
        constraints = [
            models.CheckConstraint(condition=~Q(state="ready") | ~Q(sha256=""), name="render_ready_has_hash"),
        ]

    def __str__(self) -> str:
        return f"{self.report} ({self.format}, {self.get_state_display()})"

    @property
    def extension(self) -> str:
        return f".{self.format}"

    @property
    def is_finished(self) -> bool:
        return self.state in (self.State.READY, self.State.FAILED)

    def download_name(self) -> str:
        years = "-".join(str(year) for year in (self.report.first_year, self.report.year) if year)
        return f"bao-cao-{years}-{self.report.organization_id}-{self.pk}{self.extension}"


# --- the tally store (reports/tallies.py) ------------------------------------------------------


class Tally(models.Model):
    """One organization's counts in one year: its own, and the sum over its subtree in that
    year's tree. Derived data, kept current by reports/tallies.py and rebuilt at will."""

    organization = models.ForeignKey(
        Organization, verbose_name=_("tổ chức"), on_delete=models.CASCADE, related_name="+"
    )
    year = models.PositiveSmallIntegerField(_("năm"))
    path = models.CharField(_("vị trí trong cây"), max_length=PATH_MAX_LENGTH)
    depth = models.PositiveIntegerField(_("cấp"))
    # JSON text, not a JSON column: decoding text is several times faster through the
    # PostgreSQL driver, and nothing queries inside these values.
    own = models.TextField(_("số đếm của riêng tổ chức"), default="{}")
    total = models.TextField(_("số đếm cả cây con"), default="{}")
    # The subtree's hand-in days, apart: only the organization being viewed needs them, not
    # each of its hundreds of children.
    total_registrations = models.TextField(_("số đăng ký theo ngày, cả cây con"), default="{}")

    class Meta:
        verbose_name = _("số đếm của tổ chức")
        verbose_name_plural = _("số đếm của tổ chức")
        constraints = [models.UniqueConstraint(fields=["year", "organization"], name="tally_one_per_org_year")]
        indexes = [
            models.Index(fields=["year", "path"], name="tally_year_path"),
            # Children of a row: one depth of one subtree, without reading the levels below.
            models.Index(fields=["year", "depth", "path"], name="tally_year_depth_path"),
        ]

    def __str__(self) -> str:
        return f"{self.organization_id} ({self.year})"


class TallyYear(models.Model):
    """State of a year in the tally store: built or to rebuild, and the day its members were
    counted at. Its row is also the lock that orders the store's writers of that year."""

    year = models.PositiveSmallIntegerField(_("năm"), primary_key=True)
    built = models.BooleanField(_("đã đếm"), default=False)
    as_of = models.DateField(_("số người tính đến ngày"), null=True)
    # When the stored figures last took in every change marked before it: readers show it.
    counted_at = models.DateTimeField(_("số liệu tính đến"), null=True)

    class Meta:
        verbose_name = _("năm của bảng số đếm")
        verbose_name_plural = _("năm của bảng số đếm")

    def __str__(self) -> str:
        return str(self.year)


class TallyMark(models.Model):
    """An organization whose records of a year changed since its counts were taken. Written
    in the same transaction as the change, so a committed change is never missed."""

    organization_id = models.PositiveBigIntegerField(_("mã tổ chức"))
    year = models.PositiveSmallIntegerField(_("năm"))
    marked_at = models.DateTimeField(_("đánh dấu lúc"))

    class Meta:
        verbose_name = _("tổ chức cần đếm lại")
        verbose_name_plural = _("tổ chức cần đếm lại")
        constraints = [models.UniqueConstraint(fields=["organization_id", "year"], name="tallymark_one_per_org_year")]

    def __str__(self) -> str:
        return f"{self.organization_id} ({self.year})"


# Derived from the records and rebuilt at will: reading figures may write them.
DERIVED_MODELS = (Tally, TallyYear, TallyMark)
