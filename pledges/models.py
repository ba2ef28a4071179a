"""Records of the movement: themes, directives, plans, pledges, study sessions, exemplars
and commendations. Every record points at the organization it was made in."""

import datetime

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from committees.models import Organization, Person, PledgeForm

CONTENT_MAX_LENGTH = 1000
NOTE_MAX_LENGTH = 2000


class Theme(models.Model):
    """The year's theme (chuyên đề năm) or the whole-term theme (chuyên đề toàn khóa)."""

    class Kind(models.TextChoices):
        YEARLY = "yearly", _("Chuyên đề năm")
        TERM = "term", _("Chuyên đề toàn khóa")

    kind = models.CharField(_("loại"), max_length=10, choices=Kind.choices, default=Kind.YEARLY)
    year = models.PositiveSmallIntegerField(_("năm"), null=True, blank=True)
    term_start = models.PositiveSmallIntegerField(_("nhiệm kỳ từ năm"), null=True, blank=True)
    term_end = models.PositiveSmallIntegerField(_("đến năm"), null=True, blank=True)
    title = models.TextField(_("tên chuyên đề"), max_length=CONTENT_MAX_LENGTH)

    class Meta:
        verbose_name = _("chuyên đề")
        verbose_name_plural = _("chuyên đề")
        ordering = ["-year", "-term_start"]
        constraints = [
            models.UniqueConstraint(fields=["year"], condition=Q(kind="yearly"), name="theme_one_per_year"),
            models.CheckConstraint(
                condition=(Q(kind="yearly", year__isnull=False))
                | (
                    Q(
                        kind="term",
                        term_start__isnull=False,
                        term_end__isnull=False,
                        term_end__gte=models.F("term_start"),
                    )
                ),
                name="theme_year_or_term",
            ),
        ]

    def __str__(self) -> str:
        period = self.year if self.kind == self.Kind.YEARLY else f"{self.term_start}–{self.term_end}"
        return f"{self.get_kind_display()} {period}: {self.title[:80]}"


class DocumentType(models.Model):
    """A document type code (KH, CV, BC, ...). Kept as data: a new guidance adds rows, not code."""

    code = models.CharField(_("ký hiệu"), max_length=10, unique=True)
    name = models.CharField(_("tên loại văn bản"), max_length=100)
    is_party = models.BooleanField(_("dùng trên văn bản của Đảng"), default=True)

    class Meta:
        verbose_name = _("loại văn bản")
        verbose_name_plural = _("loại văn bản")
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.code} – {self.name}"


class Directive(models.Model):
    """A document of the registry, e.g. Kế hoạch 52-KH/TU of 04/3/2022."""

    number = models.PositiveIntegerField(_("số"))
    doc_type = models.ForeignKey(DocumentType, verbose_name=_("loại văn bản"), on_delete=models.PROTECT)
    issuer_code = models.CharField(_("ký hiệu cơ quan ban hành"), max_length=20)
    symbol = models.CharField(_("số, ký hiệu"), max_length=50, editable=False)
    issued_on = models.DateField(_("ngày ban hành"))
    title = models.CharField(_("trích yếu"), max_length=500)
    issuing_organization = models.ForeignKey(
        Organization,
        verbose_name=_("tổ chức ban hành"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="directives",
        help_text=_("Để trống nếu là văn bản của cấp trên ngoài hệ thống (Trung ương...)."),
    )
    issuer_name = models.CharField(_("cơ quan ban hành"), max_length=200, blank=True)
    implements = models.ForeignKey(
        "self",
        verbose_name=_("thực hiện văn bản"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="implemented_by",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("văn bản chỉ đạo")
        verbose_name_plural = _("văn bản chỉ đạo")
        ordering = ["issued_on", "number"]
        constraints = [
            models.UniqueConstraint(fields=["symbol", "issued_on"], name="directive_unique_symbol_date"),
        ]

    def __str__(self) -> str:
        return f"{self.doc_type.name} số {self.symbol} ngày {self.issued_on:%d/%m/%Y}"

    def save(self, *args, **kwargs):
        self.symbol = f"{self.number:02d}-{self.doc_type.code}/{self.issuer_code}"
        super().save(*args, **kwargs)


def default_deadline(year: int) -> datetime.date:
    return datetime.date(year, 4, 30)


class Plan(models.Model):
    """An organization's plan for a year: deadline, required meetings, open or closed."""

    organization = models.ForeignKey(
        Organization, verbose_name=_("tổ chức"), on_delete=models.PROTECT, related_name="plans"
    )
    year = models.PositiveSmallIntegerField(_("năm"))
    directive = models.ForeignKey(
        Directive,
        verbose_name=_("văn bản kế hoạch"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="plans",
    )
    theme = models.ForeignKey(Theme, verbose_name=_("chuyên đề"), null=True, blank=True, on_delete=models.PROTECT)
    pledge_deadline = models.DateField(_("hạn nộp bản đăng ký cá nhân"))
    required_thematic_meetings = models.PositiveSmallIntegerField(_("số buổi sinh hoạt chuyên đề tối thiểu"), default=2)
    is_closed = models.BooleanField(_("đã khóa sổ"), default=False)
    closed_at = models.DateTimeField(_("khóa sổ lúc"), null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("kế hoạch năm")
        verbose_name_plural = _("kế hoạch năm")
        ordering = ["-year", "organization__path"]
        constraints = [
            models.UniqueConstraint(fields=["organization", "year"], name="plan_one_per_org_year"),
            models.CheckConstraint(condition=Q(required_thematic_meetings__lte=12), name="plan_meetings_at_most_12"),
        ]

    def __str__(self) -> str:
        return f"{self.organization} – {self.year}"


class PledgeState(models.TextChoices):
    DRAFT = "draft", _("Nháp")
    SUBMITTED = "submitted", _("Đã nộp")
    ACCEPTED = "accepted", _("Chi bộ đã duyệt")
    RETURNED = "returned", _("Trả lại để sửa")
    EVALUATED = "evaluated", _("Đã đánh giá cuối năm")


class Evaluation(models.TextChoices):
    EXCELLENT = "excellent", _("Hoàn thành xuất sắc nhiệm vụ")
    GOOD = "good", _("Hoàn thành tốt nhiệm vụ")
    COMPLETE = "complete", _("Hoàn thành nhiệm vụ")
    INCOMPLETE = "incomplete", _("Không hoàn thành nhiệm vụ")


class Pledge(models.Model):
    """A personal pledge (kế hoạch cá nhân) or a committee's collective pledge."""

    class Kind(models.TextChoices):
        PERSONAL = "personal", _("Cá nhân")
        COLLECTIVE = "collective", _("Tập thể cấp ủy")

    kind = models.CharField(_("loại"), max_length=12, choices=Kind.choices, default=Kind.PERSONAL)
    person = models.ForeignKey(
        Person, verbose_name=_("cá nhân"), null=True, blank=True, on_delete=models.PROTECT, related_name="pledges"
    )
    organization = models.ForeignKey(
        Organization, verbose_name=_("tổ chức"), on_delete=models.PROTECT, related_name="pledges"
    )
    year = models.PositiveSmallIntegerField(_("năm"))
    form = models.CharField(_("mẫu"), max_length=2, choices=PledgeForm.choices, blank=True)
    state = models.CharField(_("trạng thái"), max_length=12, choices=PledgeState.choices, default=PledgeState.DRAFT)
    submitted_on = models.DateField(_("ngày nộp"), null=True, blank=True)
    on_time = models.BooleanField(_("nộp đúng hạn"), null=True, blank=True)
    review_comment = models.CharField(_("ý kiến của chi bộ"), max_length=NOTE_MAX_LENGTH, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    reviewed_at = models.DateTimeField(null=True, blank=True)
    evaluation = models.CharField(_("xếp loại cuối năm"), max_length=12, choices=Evaluation.choices, blank=True)
    evaluation_comment = models.CharField(_("nhận xét cuối năm"), max_length=NOTE_MAX_LENGTH, blank=True)
    evaluated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    evaluated_at = models.DateTimeField(null=True, blank=True)
    version = models.PositiveIntegerField(default=1)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    history = HistoricalRecords(excluded_fields=["version", "updated_at"])

    class Meta:
        verbose_name = _("bản đăng ký làm theo")
        verbose_name_plural = _("bản đăng ký làm theo")
        ordering = ["-year", "organization__path"]
        indexes = [models.Index(fields=["year", "organization"], name="pledge_year_org")]
        constraints = [
            models.UniqueConstraint(
                fields=["person", "year"], condition=Q(kind="personal"), name="pledge_one_per_person_year"
            ),
            models.UniqueConstraint(
                fields=["organization", "year"],
                condition=Q(kind="collective"),
                name="pledge_one_collective_per_org_year",
            ),
            models.CheckConstraint(
                condition=(Q(kind="personal", person__isnull=False) & ~Q(form=""))
                | Q(kind="collective", person__isnull=True, form=""),
                name="pledge_kind_matches_owner",
            ),
            models.CheckConstraint(
                condition=Q(evaluation="") | Q(state="evaluated"), name="pledge_evaluation_only_when_evaluated"
            ),
        ]

    def __str__(self) -> str:
        owner = self.person if self.kind == self.Kind.PERSONAL else self.organization
        return f"{owner} – {self.year}"

    @property
    def is_personal(self) -> bool:
        return self.kind == self.Kind.PERSONAL


class PledgeArea(models.TextChoices):
    ETHICS = "ethics", _("Tu dưỡng, rèn luyện đạo đức, lối sống")
    THRIFT = "thrift", _("Thực hành tiết kiệm, chống lãng phí")
    WORKPLACE = "workplace", _("Văn hóa công sở, kỷ luật, kỷ cương giờ giấc")
    SERVICE = "service", _("Cải cách hành chính, phục vụ nhân dân")
    EXAMPLE = "example", _("Trách nhiệm nêu gương")
    CRITICISM = "criticism", _("Tự phê bình và phê bình")
    OTHER = "other", _("Khác")


class ItemResult(models.TextChoices):
    NONE = "", _("Chưa tự đánh giá")
    DONE = "done", _("Hoàn thành")
    PARTLY = "partly", _("Hoàn thành một phần")
    NOT_DONE = "not_done", _("Chưa hoàn thành")


class PledgeItem(models.Model):
    """One concrete commitment (việc làm theo) inside a pledge."""

    pledge = models.ForeignKey(Pledge, on_delete=models.CASCADE, related_name="items")
    position = models.PositiveSmallIntegerField(default=0)
    content = models.CharField(_("việc làm theo"), max_length=CONTENT_MAX_LENGTH)
    area = models.CharField(_("lĩnh vực"), max_length=12, choices=PledgeArea.choices, default=PledgeArea.ETHICS)
    target = models.CharField(_("chỉ tiêu đo được"), max_length=500, blank=True)
    due_on = models.DateField(_("thời hạn"), null=True, blank=True)
    result = models.CharField(_("tự đánh giá"), max_length=10, choices=ItemResult.choices, blank=True, default="")
    result_note = models.CharField(_("ghi chú kết quả"), max_length=NOTE_MAX_LENGTH, blank=True)
    assessed_on = models.DateField(_("ngày tự đánh giá"), null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("việc làm theo")
        verbose_name_plural = _("việc làm theo")
        ordering = ["pledge", "position", "pk"]
        constraints = [models.CheckConstraint(condition=~Q(content=""), name="pledgeitem_content_not_empty")]

    def __str__(self) -> str:
        return self.content[:80]


class SessionKind(models.TextChoices):
    STUDY = "study", _("Học tập, quán triệt chuyên đề")
    THEMATIC = "thematic", _("Sinh hoạt chuyên đề hàng quý")
    ONLINE = "online", _("Hội nghị trực tuyến")
    OTHER = "other", _("Khác")


class StudySession(models.Model):
    """A study session or thematic meeting, with ticked attendees and/or head counts."""

    organization = models.ForeignKey(
        Organization, verbose_name=_("tổ chức"), on_delete=models.PROTECT, related_name="study_sessions"
    )
    held_on = models.DateField(_("ngày tổ chức"))
    kind = models.CharField(_("hình thức"), max_length=10, choices=SessionKind.choices)
    topic = models.CharField(_("nội dung"), max_length=500)
    theme = models.ForeignKey(Theme, verbose_name=_("chuyên đề"), null=True, blank=True, on_delete=models.PROTECT)
    attendees = models.ManyToManyField(Person, verbose_name=_("người dự"), blank=True, related_name="study_sessions")
    extra_party_members = models.PositiveIntegerField(_("số đảng viên dự (ngoài danh sách)"), default=0)
    extra_union_members = models.PositiveIntegerField(_("số đoàn viên, hội viên dự"), default=0)
    extra_others = models.PositiveIntegerField(_("số người khác dự"), default=0)
    bridge_points = models.PositiveIntegerField(_("số điểm cầu"), default=0)
    note = models.CharField(_("ghi chú"), max_length=NOTE_MAX_LENGTH, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords(m2m_fields=[attendees])

    class Meta:
        verbose_name = _("buổi học tập, sinh hoạt chuyên đề")
        verbose_name_plural = _("buổi học tập, sinh hoạt chuyên đề")
        ordering = ["-held_on", "-pk"]
        indexes = [models.Index(fields=["organization", "held_on"], name="session_org_date")]

    def __str__(self) -> str:
        return f"{self.held_on:%d/%m/%Y} – {self.topic[:60]}"

    @property
    def year(self) -> int:
        return self.held_on.year


class Exemplar(models.Model):
    """A model or advanced example (mô hình, điển hình tiên tiến) of an organization."""

    class Status(models.TextChoices):
        REGISTERED = "registered", _("Đăng ký")
        IMPLEMENTED = "implemented", _("Đang thực hiện")
        REPLICATED = "replicated", _("Đã nhân rộng")

    organization = models.ForeignKey(
        Organization, verbose_name=_("tổ chức"), on_delete=models.PROTECT, related_name="exemplars"
    )
    year = models.PositiveSmallIntegerField(_("năm"))
    name = models.CharField(_("tên mô hình"), max_length=300)
    description = models.TextField(_("mô tả"), max_length=5000, blank=True)
    people = models.ManyToManyField(Person, verbose_name=_("cá nhân thực hiện"), blank=True, related_name="exemplars")
    unit = models.CharField(_("tập thể thực hiện"), max_length=300, blank=True)
    status = models.CharField(_("trạng thái"), max_length=12, choices=Status.choices, default=Status.REGISTERED)
    created_at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords(m2m_fields=[people])

    class Meta:
        verbose_name = _("mô hình, điển hình")
        verbose_name_plural = _("mô hình, điển hình")
        ordering = ["-year", "name"]

    def __str__(self) -> str:
        return self.name


class CommendationForm(models.TextChoices):
    PRAISE = "praise", _("Biểu dương, ghi danh “Người tốt, việc tốt”")
    CERTIFICATE = "certificate", _("Giấy khen")
    PROVINCE_CHAIR = "province_chair", _("Bằng khen của Chủ tịch UBND tỉnh")
    PRIME_MINISTER = "prime_minister", _("Bằng khen của Thủ tướng Chính phủ")
    LABOUR = "labour", _("Bằng khen của Tổng Liên đoàn Lao động Việt Nam")
    OTHER = "other", _("Hình thức khác")


# The authority that grants each form; "other" and certificates name theirs explicitly.
DEFAULT_AUTHORITY: dict[str, str] = {
    CommendationForm.PROVINCE_CHAIR: "Chủ tịch UBND tỉnh",
    CommendationForm.PRIME_MINISTER: "Thủ tướng Chính phủ",
    CommendationForm.LABOUR: "Tổng Liên đoàn Lao động Việt Nam",
}


class Commendation(models.Model):
    """A commendation of a person or a collective, from proposal to decision."""

    class Status(models.TextChoices):
        PROPOSED = "proposed", _("Đề nghị")
        GRANTED = "granted", _("Đã khen thưởng")
        DECLINED = "declined", _("Không được chấp thuận")

    class Occasion(models.TextChoices):
        BIRTHDAY = "19_5", _("Dịp 19/5")
        YEAR_END = "year_end", _("Tổng kết năm")
        FIVE_YEAR = "five_year", _("Sơ kết, tổng kết 5 năm")
        WEEKLY = "weekly", _("Chào cờ hàng tuần")
        OTHER = "other", _("Khác")

    organization = models.ForeignKey(
        Organization,
        verbose_name=_("tổ chức ghi nhận"),
        on_delete=models.PROTECT,
        related_name="commendations",
        help_text=_("Tổ chức nơi khen thưởng được ghi nhận (nơi sinh hoạt của cá nhân, hoặc chính tập thể)."),
    )
    year = models.PositiveSmallIntegerField(_("năm"))
    recipient_person = models.ForeignKey(
        Person, verbose_name=_("cá nhân"), null=True, blank=True, on_delete=models.PROTECT, related_name="commendations"
    )
    recipient_organization = models.ForeignKey(
        Organization,
        verbose_name=_("tập thể"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="received_commendations",
    )
    form = models.CharField(_("hình thức"), max_length=20, choices=CommendationForm.choices)
    authority = models.CharField(_("cấp khen"), max_length=200, blank=True)
    decision_number = models.CharField(_("số quyết định"), max_length=50, blank=True)
    decision_date = models.DateField(_("ngày quyết định"), null=True, blank=True)
    occasion = models.CharField(_("dịp"), max_length=12, choices=Occasion.choices, default=Occasion.YEAR_END)
    reason = models.CharField(_("thành tích"), max_length=NOTE_MAX_LENGTH, blank=True)
    status = models.CharField(_("trạng thái"), max_length=10, choices=Status.choices, default=Status.PROPOSED)
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("người đề nghị"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    proposed_to = models.ForeignKey(
        Organization,
        verbose_name=_("đề nghị lên"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="commendation_proposals",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("khen thưởng")
        verbose_name_plural = _("khen thưởng")
        ordering = ["-year", "-pk"]
        indexes = [models.Index(fields=["year", "organization"], name="commendation_year_org")]
        constraints = [
            models.CheckConstraint(
                condition=(Q(recipient_person__isnull=False) & Q(recipient_organization__isnull=True))
                | (Q(recipient_person__isnull=True) & Q(recipient_organization__isnull=False)),
                name="commendation_one_recipient",
            ),
            models.CheckConstraint(
                condition=~Q(status="granted") | Q(decision_date__isnull=False),
                name="commendation_granted_has_decision_date",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_form_display()} – {self.recipient_person or self.recipient_organization}"

    @property
    def is_collective(self) -> bool:
        return self.recipient_organization_id is not None


class ReminderLog(models.Model):
    """A reminder mailed to a secretary: at most one a day, the unique constraint is the backstop."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("người nhận"), on_delete=models.CASCADE, related_name="reminder_logs"
    )
    organization = models.ForeignKey(
        Organization, verbose_name=_("chi bộ"), on_delete=models.PROTECT, related_name="reminder_logs"
    )
    sent_on = models.DateField(_("ngày gửi"))
    subject = models.CharField(_("tiêu đề"), max_length=200)
    body = models.TextField(_("nội dung"))
    people_count = models.PositiveIntegerField(_("số người chưa nộp"), default=0)
    created_at = models.DateTimeField(_("thời điểm ghi"), auto_now_add=True)

    class Meta:
        verbose_name = _("thư nhắc việc")
        verbose_name_plural = _("thư nhắc việc")
        ordering = ["-sent_on", "user"]
        constraints = [
            models.UniqueConstraint(fields=["user", "sent_on"], name="reminder_one_per_user_day"),
        ]

    def __str__(self) -> str:
        return f"{self.user} – {self.sent_on:%d/%m/%Y}"
