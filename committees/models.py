"""The party-organization tree, the tree of each year, people and roles."""

from django.conf import settings
from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from treebeard.mp_tree import MP_Node

from committees.text import normalize_text, search_key

PATH_MAX_LENGTH = 255

# Who performs a service call: a signed-in user, or None for the system (a command, a task).
Actor = User | None


class OrganizationKind(models.TextChoices):
    PROVINCIAL = "provincial", _("Tỉnh ủy / Thành ủy")
    UPPER_GRASSROOTS = "upper", _("Đảng ủy cấp trên cơ sở")
    DISTRICT = "district", _("Huyện ủy")
    GRASSROOTS = "grassroots", _("Đảng bộ cơ sở")
    SUB_COMMITTEE = "sub", _("Đảng bộ bộ phận")
    GRASSROOTS_CELL = "grassroots_cell", _("Chi bộ cơ sở")
    CELL = "cell", _("Chi bộ trực thuộc")


CELL_KINDS = (OrganizationKind.GRASSROOTS_CELL, OrganizationKind.CELL)


class Organization(MP_Node):
    """A node of the party tree. Archived with `dissolved_on`, never deleted."""

    name = models.CharField(_("tên đầy đủ"), max_length=255)
    short_name = models.CharField(_("tên viết tắt"), max_length=100, blank=True)
    kind = models.CharField(_("loại tổ chức"), max_length=20, choices=OrganizationKind.choices)
    issuer_code = models.CharField(
        _("ký hiệu cơ quan ban hành"), max_length=20, blank=True, help_text=_("Ví dụ: ĐUK, ĐU, CB")
    )
    place_name = models.CharField(
        _("địa danh ghi trên văn bản"), max_length=100, blank=True, help_text=_("Ví dụ: Thanh Hoá")
    )
    founded_on = models.DateField(_("ngày thành lập"), null=True, blank=True)
    dissolved_on = models.DateField(_("ngày giải thể / sáp nhập"), null=True, blank=True)
    merged_into = models.ForeignKey(
        "self",
        verbose_name=_("sáp nhập vào"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="merged_from",
    )
    search_key = models.CharField(_("khóa tìm kiếm"), max_length=255, editable=False, db_index=True)

    node_order_by: list[str] = []

    class Meta:
        verbose_name = _("tổ chức đảng")
        verbose_name_plural = _("tổ chức đảng")
        ordering = ["path"]

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs):
        self.name = normalize_text(self.name)
        self.short_name = normalize_text(self.short_name)
        self.search_key = search_key(self.name)
        super().save(*args, **kwargs)

    @property
    def is_cell(self) -> bool:
        return self.kind in CELL_KINDS

    @property
    def is_dissolved(self) -> bool:
        return self.dissolved_on is not None

    @property
    def display_name(self) -> str:
        return self.short_name or self.name


def subtree_q(path: str, *, field: str = "path") -> Q:
    """Rows whose `field` lies in the subtree rooted at `path`, as an index-friendly range.

    Paths use the alphabet 0-9A-Z, so every descendant sorts between the path itself and the
    path padded with 'Z'. A range uses the btree index under any collation, where LIKE does not.
    """
    upper = path + "Z" * (PATH_MAX_LENGTH - len(path))
    return Q(**{f"{field}__gte": path, f"{field}__lte": upper})


def ancestor_paths(path: str) -> list[str]:
    """The path itself and the paths of every superior, nearest first: "00010002" → ["00010002", "0001"]."""
    step = Organization.steplen
    return [path[:end] for end in range(len(path), 0, -step)]


def superior_paths(path: str) -> list[str]:
    """The paths of every superior of the node at `path`, nearest first (itself excluded)."""
    return ancestor_paths(path)[1:]


class ReportingYear(models.Model):
    """A year of the movement. Opening it records the tree as it stands; closing freezes it."""

    year = models.PositiveSmallIntegerField(_("năm"), unique=True)
    is_closed = models.BooleanField(_("đã khóa sổ"), default=False)
    closed_at = models.DateTimeField(_("thời điểm khóa sổ"), null=True, blank=True)

    class Meta:
        verbose_name = _("năm công tác")
        verbose_name_plural = _("năm công tác")
        ordering = ["-year"]

    def __str__(self) -> str:
        return str(self.year)


class YearOpening(models.Model):
    """A reporting year opened for an organization's subtree (or, without one, the whole tree).

    Opening copies the live subtree into the year's tree, with the organization's superiors so
    that the year's figures roll up to the root. The row is the truth of the job: the copy
    runs in a worker (`committees.tasks.year_opening_run_task`) and the page follows its state.
    """

    class State(models.TextChoices):
        QUEUED = "queued", _("Đang chờ")
        RUNNING = "running", _("Đang mở")
        DONE = "done", _("Đã mở")
        FAILED = "failed", _("Không mở được")

    year = models.PositiveSmallIntegerField(_("năm"))
    organization = models.ForeignKey(
        Organization,
        verbose_name=_("tổ chức"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="year_openings",
        help_text=_("Để trống: toàn bộ cây tổ chức."),
    )
    state = models.CharField(_("trạng thái"), max_length=10, choices=State.choices, default=State.QUEUED)
    rows_added = models.PositiveIntegerField(_("số tổ chức được thêm"), default=0)
    error = models.CharField(_("lỗi"), max_length=500, blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("người mở"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("thời điểm yêu cầu"), default=timezone.now)
    started_at = models.DateTimeField(_("bắt đầu lúc"), null=True, blank=True)
    finished_at = models.DateTimeField(_("xong lúc"), null=True, blank=True)

    class Meta:
        verbose_name = _("lượt mở năm công tác")
        verbose_name_plural = _("lượt mở năm công tác")
        ordering = ["-year", "-created_at"]
        constraints = [
            models.UniqueConstraint(fields=["year", "organization"], name="yearopening_one_per_org"),
            models.UniqueConstraint(
                fields=["year"], condition=Q(organization__isnull=True), name="yearopening_one_whole_tree"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.year} – {self.organization or _('toàn bộ cây tổ chức')}"


class OrganizationYear(models.Model):
    """One organization in the tree of one year.

    Figures of year Y roll up along these rows, not along the live tree, so a move or merge
    after Y does not change Y's numbers.
    """

    organization = models.ForeignKey(
        Organization, verbose_name=_("tổ chức"), on_delete=models.PROTECT, related_name="years"
    )
    year = models.PositiveSmallIntegerField(_("năm"))
    parent = models.ForeignKey(
        Organization,
        verbose_name=_("tổ chức cấp trên"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    path = models.CharField(_("vị trí trong cây"), max_length=PATH_MAX_LENGTH)
    depth = models.PositiveIntegerField(_("cấp"))

    class Meta:
        verbose_name = _("cây tổ chức theo năm")
        verbose_name_plural = _("cây tổ chức theo năm")
        ordering = ["year", "path"]
        constraints = [
            models.UniqueConstraint(fields=["organization", "year"], name="orgyear_one_row_per_year"),
            models.UniqueConstraint(fields=["year", "path"], name="orgyear_unique_path"),
        ]

    def __str__(self) -> str:
        return f"{self.organization} ({self.year})"


class Gender(models.TextChoices):
    MALE = "male", _("Nam")
    FEMALE = "female", _("Nữ")


class PersonCategory(models.TextChoices):
    PARTY_FULL = "party_full", _("Đảng viên chính thức")
    PARTY_PROBATIONARY = "party_probationary", _("Đảng viên dự bị")
    STAFF = "staff", _("Cán bộ, công chức, viên chức, người lao động (ngoài Đảng)")
    YOUTH_UNION = "youth_union", _("Đoàn viên")
    ASSOCIATION = "association", _("Hội viên")
    OTHER = "other", _("Khác")


PARTY_CATEGORIES = (PersonCategory.PARTY_FULL, PersonCategory.PARTY_PROBATIONARY)


class PledgeForm(models.TextChoices):
    FORM_01 = "01", _("Mẫu 01 (đảng viên)")
    FORM_2A = "2A", _("Mẫu 2A (cán bộ, công chức, viên chức, đoàn viên, hội viên ngoài Đảng)")
    FORM_2B = "2B", _("Mẫu 2B (cá nhân khác)")


PLEDGE_FORM_BY_CATEGORY = {
    PersonCategory.PARTY_FULL: PledgeForm.FORM_01,
    PersonCategory.PARTY_PROBATIONARY: PledgeForm.FORM_01,
    PersonCategory.STAFF: PledgeForm.FORM_2A,
    PersonCategory.YOUTH_UNION: PledgeForm.FORM_2A,
    PersonCategory.ASSOCIATION: PledgeForm.FORM_2A,
    PersonCategory.OTHER: PledgeForm.FORM_2B,
}


class Exemption(models.TextChoices):
    NONE = "", _("Không miễn")
    EXEMPT_FROM_ACTIVITIES = "exempt_activities", _("Miễn sinh hoạt đảng")
    RETIRED = "retired", _("Đảng viên hưu trí")
    ELDERLY_ETHNIC = "elderly_ethnic", _("Cao tuổi là người dân tộc thiểu số")


class Person(models.Model):
    """Someone who takes part in the movement; only the data the movement needs."""

    full_name = models.CharField(_("họ và tên"), max_length=120)
    search_key = models.CharField(_("khóa tìm kiếm"), max_length=120, editable=False, db_index=True)
    gender = models.CharField(_("giới tính"), max_length=10, choices=Gender.choices, blank=True)
    birth_year = models.PositiveSmallIntegerField(_("năm sinh"), null=True, blank=True)
    position = models.CharField(_("chức vụ"), max_length=200, blank=True)
    category = models.CharField(_("đối tượng"), max_length=30, choices=PersonCategory.choices)
    organization = models.ForeignKey(
        Organization, verbose_name=_("tổ chức đảng"), on_delete=models.PROTECT, related_name="people"
    )
    joined_on = models.DateField(_("ngày vào tổ chức"), null=True, blank=True)
    left_on = models.DateField(_("ngày rời tổ chức"), null=True, blank=True)
    exemption = models.CharField(
        _("miễn viết kế hoạch cá nhân"), max_length=30, choices=Exemption.choices, blank=True, default=""
    )
    exemption_reason = models.CharField(_("lý do miễn"), max_length=255, blank=True)
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("tài khoản"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="person",
    )
    created_at = models.DateTimeField(_("tạo lúc"), auto_now_add=True)
    updated_at = models.DateTimeField(_("sửa lúc"), auto_now=True)

    class Meta:
        verbose_name = _("cá nhân")
        verbose_name_plural = _("cá nhân")
        ordering = ["organization", "search_key"]
        constraints = [
            models.CheckConstraint(
                condition=Q(left_on__isnull=True) | Q(joined_on__isnull=True) | Q(left_on__gte=models.F("joined_on")),
                name="person_left_after_joined",
            ),
            models.CheckConstraint(
                condition=Q(exemption="") | ~Q(exemption_reason=""), name="person_exemption_has_reason"
            ),
        ]

    def __str__(self) -> str:
        return self.full_name

    def save(self, *args, **kwargs):
        self.full_name = normalize_text(self.full_name)
        self.search_key = search_key(self.full_name)
        super().save(*args, **kwargs)

    def clean(self):
        self.full_name = normalize_text(self.full_name)
        self.position = normalize_text(self.position)
        self.exemption_reason = normalize_text(self.exemption_reason)
        if self.exemption and not self.exemption_reason:
            raise ValidationError({"exemption_reason": _("Hãy ghi lý do miễn viết kế hoạch cá nhân.")})
        if self.left_on and self.joined_on and self.left_on < self.joined_on:
            raise ValidationError({"left_on": _("Ngày rời tổ chức không thể trước ngày vào.")})

    @property
    def pledge_form(self) -> str:
        return PLEDGE_FORM_BY_CATEGORY[self.category]

    @property
    def is_party_member(self) -> bool:
        return self.category in PARTY_CATEGORIES

    @property
    def is_exempt(self) -> bool:
        return bool(self.exemption)


class Membership(models.Model):
    """A stint of a person in an organization: who belonged where in any given year."""

    person = models.ForeignKey(Person, verbose_name=_("cá nhân"), on_delete=models.CASCADE, related_name="memberships")
    organization = models.ForeignKey(
        Organization, verbose_name=_("tổ chức"), on_delete=models.PROTECT, related_name="memberships"
    )
    start_on = models.DateField(_("từ ngày"))
    end_on = models.DateField(_("đến ngày"), null=True, blank=True)

    class Meta:
        verbose_name = _("quá trình sinh hoạt")
        verbose_name_plural = _("quá trình sinh hoạt")
        ordering = ["person", "start_on"]
        indexes = [models.Index(fields=["organization", "start_on"], name="membership_org_start")]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_on__isnull=True) | Q(end_on__gte=models.F("start_on")),
                name="membership_end_after_start",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.person} – {self.organization}"


class Role(models.TextChoices):
    SECRETARY = "secretary", _("Bí thư / Phó Bí thư (nhập và duyệt)")
    CLERK = "clerk", _("Văn phòng (báo cáo)")
    REVIEWER = "reviewer", _("Theo dõi (chỉ xem)")


class RoleAssignment(models.Model):
    """A user's role on an organization; it covers the organization's whole subtree."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("người dùng"), on_delete=models.CASCADE, related_name="roles"
    )
    organization = models.ForeignKey(
        Organization, verbose_name=_("tổ chức đảng"), on_delete=models.PROTECT, related_name="role_assignments"
    )
    role = models.CharField(_("vai trò"), max_length=20, choices=Role.choices)
    created_at = models.DateTimeField(_("cấp lúc"), auto_now_add=True)

    class Meta:
        verbose_name = _("phân quyền")
        verbose_name_plural = _("phân quyền")
        ordering = ["user", "organization__path", "role"]
        constraints = [
            models.UniqueConstraint(fields=["user", "organization", "role"], name="role_unique_per_user_org"),
        ]

    def __str__(self) -> str:
        return f"{self.user} – {self.get_role_display()} – {self.organization}"

    def clean(self):
        if self.organization_id and self.organization.is_dissolved:
            raise ValidationError({"organization": _("Không thể phân quyền trên tổ chức đã giải thể hoặc sáp nhập.")})


class AccountProfile(models.Model):
    """What the application keeps about an account beyond Django's user: who created it and
    whether its owner must still choose a password (a new account signs in with a temporary one)."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, verbose_name=_("tài khoản"), on_delete=models.CASCADE, related_name="account_profile"
    )
    must_set_password = models.BooleanField(_("phải đặt mật khẩu khi đăng nhập"), default=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("người tạo"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("thời điểm tạo"), default=timezone.now)

    class Meta:
        verbose_name = _("hồ sơ tài khoản")
        verbose_name_plural = _("hồ sơ tài khoản")

    def __str__(self) -> str:
        return str(self.user)


class RoleEvent(models.Model):
    """One change of access, kept for good: an account created, a role granted or revoked, an
    account deactivated or reactivated. Who did it, to whom, what, on which organization, when."""

    class Kind(models.TextChoices):
        ACCOUNT_CREATED = "account_created", _("Tạo tài khoản")
        GRANTED = "granted", _("Phân quyền")
        REVOKED = "revoked", _("Thu hồi quyền")
        DEACTIVATED = "deactivated", _("Khóa tài khoản")
        REACTIVATED = "reactivated", _("Mở lại tài khoản")

    kind = models.CharField(_("loại"), max_length=20, choices=Kind.choices)
    # PROTECT: whoever changed access stays on record; deactivate the account instead.
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("người thực hiện"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("tài khoản"), on_delete=models.PROTECT, related_name="role_events"
    )
    organization = models.ForeignKey(
        Organization, verbose_name=_("tổ chức"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    role = models.CharField(_("vai trò"), max_length=20, choices=Role.choices, blank=True)
    created_at = models.DateTimeField(_("thời điểm"), default=timezone.now, editable=False)

    class Meta:
        verbose_name = _("thay đổi phân quyền")
        verbose_name_plural = _("nhật ký phân quyền")
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["organization", "created_at"], name="roleevent_org_created")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} – {self.user} ({self.created_at:%d/%m/%Y %H:%M})"


class OrganizationEvent(models.Model):
    """A dated reorganization, kept as history (the live tree only shows today)."""

    class Kind(models.TextChoices):
        CREATE = "create", _("Thành lập")
        RENAME = "rename", _("Đổi tên")
        MOVE = "move", _("Chuyển trực thuộc")
        MERGE = "merge", _("Sáp nhập")
        DISSOLVE = "dissolve", _("Giải thể")

    kind = models.CharField(_("loại"), max_length=20, choices=Kind.choices)
    organization = models.ForeignKey(
        Organization, verbose_name=_("tổ chức"), on_delete=models.PROTECT, related_name="events"
    )
    effective_on = models.DateField(_("ngày hiệu lực"))
    from_parent = models.ForeignKey(
        Organization, null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name=_("trực thuộc cũ")
    )
    to_organization = models.ForeignKey(
        Organization,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("trực thuộc mới / sáp nhập vào"),
    )
    details = models.CharField(_("chi tiết"), max_length=500, blank=True, help_text=_("Ví dụ: tên cũ khi đổi tên."))
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("người thực hiện"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("ghi lúc"), auto_now_add=True)

    class Meta:
        verbose_name = _("sự kiện sắp xếp tổ chức")
        verbose_name_plural = _("sự kiện sắp xếp tổ chức")
        ordering = ["-effective_on", "-created_at"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} – {self.organization} ({self.effective_on:%d/%m/%Y})"


class DownloadLog(models.Model):
    """One download or export of personal data: who took what, of which organization, when.

    It names the file or the list, never the people in it (no names, no search terms): the
    log must not become a second copy of the data it watches over. Written by
    committees.audit after the request was authorized and the content produced; never edited.
    """

    class Kind(models.TextChoices):
        REPORT_FILE = "report_file", _("Tệp báo cáo năm (PDF, Word, Excel)")
        REPORT_BATCH = "report_batch", _("Báo cáo xuất hàng loạt (ZIP)")
        PLEDGE_FORM = "pledge_form", _("Bản đăng ký cá nhân in theo mẫu 01/2A/2B")
        PLEDGE_FORMS = "pledge_forms", _("Bản đăng ký của tổ chức in theo mẫu 01/2A/2B")
        DASHBOARD = "dashboard_xlsx", _("Bảng tổng quan (Excel)")
        API_LIST = "api_list", _("Danh sách qua API")

    # PROTECT: whoever downloaded personal data stays on record; deactivate the account instead.
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("người tải"), on_delete=models.PROTECT, related_name="+"
    )
    organization = models.ForeignKey(
        Organization,
        verbose_name=_("dữ liệu của tổ chức"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("Tổ chức (cùng cây trực thuộc) có dữ liệu được tải; để trống: toàn hệ thống."),
    )
    year = models.PositiveSmallIntegerField(_("năm"), null=True, blank=True)
    kind = models.CharField(_("loại dữ liệu"), max_length=20, choices=Kind.choices)
    description = models.CharField(_("nội dung"), max_length=200, blank=True)
    path = models.CharField(_("địa chỉ"), max_length=255, blank=True)
    row_count = models.PositiveIntegerField(_("số dòng"), null=True, blank=True)
    created_at = models.DateTimeField(_("thời điểm"), default=timezone.now, editable=False)

    class Meta:
        verbose_name = _("lượt tải dữ liệu")
        verbose_name_plural = _("nhật ký tải dữ liệu")
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["organization", "created_at"], name="downloadlog_org_created")]

    def __str__(self) -> str:
        return f"{self.user} – {self.get_kind_display()} – {self.created_at:%d/%m/%Y %H:%M}"
