"""Services for year-end reports and their render jobs.

The render row is the truth: a request creates it and enqueues the task after commit; the
task claims it with a conditional UPDATE, so a re-delivered task never makes a second file.
"""

import datetime
import hashlib
import logging

from celery.exceptions import SoftTimeLimitExceeded
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import OperationalError, transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from committees import years as reporting_years
from committees.models import Organization
from committees.text import normalize_multiline, normalize_text
from pledges.services.common import plan_for
from reports.content import REVIEWS, build_document, default_summary, superior_of
from reports.models import NARRATIVE_MAX_LENGTH, RenderBatch, Report, ReportRender
from reports.sentences import Period
from reports.statistics import Figures, figures_over_span, organization_years_figures

logger = logging.getLogger(__name__)

QUEUED_TOO_LONG = datetime.timedelta(minutes=5)
NARRATIVE_FIELDS = (
    "opening",
    "general_situation",
    "deployment",
    "propaganda",
    "study",
    "emulation",
    "strengths",
    "weaknesses",
    "remedies",
    "directions",
    "recipients",
)
TEXT_FIELDS = ("title_summary", "place_name", "signer_authority", "signer_title", "signer_name")


class QueueUnavailable(Exception):
    """The broker could not be reached; the job row is kept and can be sent again."""


class TransientRenderError(Exception):
    """A failure worth retrying (the database went away for a moment)."""


# --- reports ----------------------------------------------------------------------------


def _default_narrative(organization: Organization, period: Period, review: str = "tong_ket") -> dict:
    superior = superior_of(organization, period.last)
    superior_name = superior.name if superior else "cấp trên"
    ahead = "phương hướng, nhiệm vụ thời gian tới" if period.is_span else f"phương hướng nhiệm vụ năm {period.last + 1}"
    return {
        "title_summary": default_summary(period, review),
        "opening": (
            f"Thực hiện chỉ đạo của {superior_name} về việc {REVIEWS[review].lower()} phong trào thi đua “Làm theo Bác” "
            f"{period.name} và xây dựng {ahead}, {organization.name} báo cáo kết quả thực hiện "
            f"phong trào thi đua “Làm theo Bác” {period.name}. Cụ thể như sau:"
        ),
        "directions": (
            "Tiếp tục thực hiện Chỉ thị số 05-CT/TW ngày 15/5/2016 của Bộ Chính trị và Kết luận số 01-KL/TW ngày "
            "18/5/2021 của Bộ Chính trị; tổ chức học tập chuyên đề năm mới gắn với nhiệm vụ chính trị của cơ quan, đơn vị."
        ),
        "recipients": f"- Ban Thường vụ {superior_name} (b/c),\n- Các chi bộ trực thuộc,\n- Lưu Văn phòng.",
    }


@transaction.atomic
def report_open(*, organization: Organization, year: int, by=None) -> Report:
    """The draft report of an organization and year, created prefilled the first time."""
    existing = Report.objects.filter(organization=organization, year=year, first_year__isnull=True).first()
    if existing is not None:
        return existing
    if plan_for(organization=organization, year=year) is None:
        raise ValidationError(
            _("Chưa có kế hoạch năm %(year)s của %(name)s hoặc cấp trên: hãy lập kế hoạch năm trước khi làm báo cáo.")
            % {"year": year, "name": organization.name}
        )
    return Report.objects.create(
        organization=organization,
        year=year,
        place_name=organization.place_name,
        signer_authority="T/M CHI BỘ" if organization.is_cell else "T/M ĐẢNG ỦY",
        **_default_narrative(organization, Period(year, year)),
    )


def _check_span(organization: Organization, first_year: int, last_year: int) -> None:
    for year in (first_year, last_year):
        reporting_years.ensure_year_in_range(year)
    if first_year >= last_year:
        raise ValidationError(
            _("Giai đoạn phải gồm ít nhất hai năm: năm đầu (%(first)s) phải trước năm cuối (%(last)s).")
            % {"first": first_year, "last": last_year}
        )
    opened = set(reporting_years.years_of(organization))
    missing = [year for year in range(first_year, last_year + 1) if year not in opened]
    if missing:
        raise ValidationError(
            _(
                "Không lập được báo cáo giai đoạn %(span)s: %(name)s không có số liệu năm %(years)s "
                "(năm chưa được mở cho tổ chức). Hãy chọn giai đoạn gồm các năm đã mở."
            )
            % {
                "span": f"{first_year}–{last_year}",
                "name": organization.name,
                "years": ", ".join(str(year) for year in missing),
            }
        )


@transaction.atomic
def report_open_span(
    *, organization: Organization, first_year: int, last_year: int, review: str = "tong_ket", by=None
) -> Report:
    """The draft report over the years `first_year`–`last_year` (sơ kết or tổng kết giai
    đoạn), created prefilled the first time. Every year of the span must be open for the
    organization: its figures are each year's, summed."""
    if review not in REVIEWS:
        raise ValidationError(_("Hãy chọn sơ kết hoặc tổng kết."))
    _check_span(organization, first_year, last_year)
    existing = Report.objects.filter(organization=organization, first_year=first_year, year=last_year).first()
    if existing is not None:
        return existing
    return Report.objects.create(
        organization=organization,
        first_year=first_year,
        year=last_year,
        place_name=organization.place_name,
        signer_authority="T/M CHI BỘ" if organization.is_cell else "T/M ĐẢNG ỦY",
        **_default_narrative(organization, Period(first_year, last_year), review),
    )


@transaction.atomic
def report_update(*, report: Report, data: dict, expected_version: int | None, by=None) -> Report:
    report = Report.objects.select_for_update().get(pk=report.pk)
    if report.is_finalized:
        raise ValidationError(_("Báo cáo đã hoàn thành: không sửa được nữa."))
    if expected_version is not None and expected_version != report.version:
        raise ValidationError(_("Báo cáo vừa được người khác sửa. Hãy tải lại trang rồi sửa lại."))
    for name in NARRATIVE_FIELDS:
        if name in data:
            text = normalize_multiline(data[name])
            if len(text) > NARRATIVE_MAX_LENGTH:
                raise ValidationError({name: _("Nội dung dài quá %(max)s ký tự.") % {"max": NARRATIVE_MAX_LENGTH}})
            setattr(report, name, text)
    for name in TEXT_FIELDS:
        if name in data:
            setattr(report, name, normalize_text(data[name]))
    for name in ("number", "document_date", "layout_profile"):
        if name in data:
            setattr(report, name, data[name])
    if report.document_date and report.document_date.year < report.year:
        raise ValidationError({"document_date": _("Ngày báo cáo không thể trước năm được báo cáo.")})
    report.version = F("version") + 1
    report.full_clean(exclude=["version"])
    report.save()
    report.refresh_from_db()
    return report


@transaction.atomic
def report_finalize(*, report: Report, by=None) -> Report:
    """Lock the report: its latest ready PDF becomes the official file with its figures."""
    report = Report.objects.select_for_update().get(pk=report.pk)
    if report.is_finalized:
        raise ValidationError(_("Báo cáo đã hoàn thành trước đó."))
    final = (
        report.renders.filter(format=ReportRender.Format.PDF, state=ReportRender.State.READY)
        .order_by("-finished_at")
        .first()
    )
    if final is None or final.finished_at < report.updated_at:
        raise ValidationError(_("Hãy tạo bản PDF từ nội dung mới nhất rồi mới hoàn thành báo cáo."))
    report.state = Report.State.FINALIZED
    report.final_render = final
    report.finalized_at = timezone.now()
    report.finalized_by = by
    report.save(update_fields=["state", "final_render", "finalized_at", "finalized_by"])
    return report


# --- render jobs ---------------------------------------------------------------------------


def _enqueue(render_ids: list[int]) -> None:
    from reports.tasks import render_report_task

    try:
        for render_id in render_ids:
            render_report_task.apply_async(args=[render_id])
    except Exception as error:  # kombu raises several types when the broker is down
        if _is_broker_error(error):
            logger.warning("Report queue unavailable: %s", type(error).__name__)
            raise QueueUnavailable from error
        raise


def _is_broker_error(error: Exception) -> bool:
    from kombu.exceptions import OperationalError as KombuOperationalError

    return isinstance(error, KombuOperationalError | ConnectionError | OSError)


def render_request(*, report: Report, format: str, by=None, batch: RenderBatch | None = None) -> ReportRender:
    """Queue a render; a render of the same report and format already under way is returned
    (and sent again, which is harmless), never duplicated. Raises QueueUnavailable after
    saving the job when the broker cannot be reached."""
    if format not in ReportRender.Format.values:
        raise ValidationError(_("Định dạng không hợp lệ."))
    if report.is_finalized:
        raise ValidationError(_("Báo cáo đã hoàn thành: hãy tải bản chính thức."))
    with transaction.atomic():
        Report.objects.select_for_update().filter(pk=report.pk).first()
        active = report.renders.filter(
            format=format, state__in=(ReportRender.State.QUEUED, ReportRender.State.RENDERING)
        ).first()
        render = active or ReportRender.objects.create(report=report, format=format, requested_by=by, batch=batch)
        if render.state == ReportRender.State.QUEUED:
            # After commit, or the worker may look for a row that is not there yet.
            transaction.on_commit(lambda: _enqueue([render.pk]))
    return render


def _stale_after() -> datetime.timedelta:
    """How long a render may stay "rendering" before its worker counts as dead (the hard time
    limit is shorter, so a live worker has finished or been stopped by then)."""
    return datetime.timedelta(seconds=settings.REPORT_RENDER_STALE_AFTER)


def render_claim(*, render_id: int) -> bool:
    """Take the job: queued, or rendering for so long that its worker must have died."""
    now = timezone.now()
    claimable = Q(state=ReportRender.State.QUEUED) | Q(
        state=ReportRender.State.RENDERING, started_at__lt=now - _stale_after()
    )
    return bool(
        ReportRender.objects.filter(claimable, pk=render_id).update(
            state=ReportRender.State.RENDERING, started_at=now, attempts=F("attempts") + 1
        )
    )


def report_figures(report: Report) -> Figures:
    """The figures a report states: those of its year, or of each year of its span summed
    (each year along its own tree)."""
    # A document states figures as they are: what is still pending is applied first (a worker).
    by_year = organization_years_figures(organization=report.organization, years=report.years, exact=True)
    missing = [year for year, figures in by_year.items() if figures is None]
    if missing:
        raise ValidationError(
            _("Tổ chức này không có trong cây tổ chức năm %(year)s.") % {"year": ", ".join(map(str, missing))}
        )
    figures = figures_over_span(by_year) if report.is_span else by_year[report.year]
    assert figures is not None
    return figures


def _render_bytes(render: ReportRender) -> tuple[bytes, dict]:
    report = render.report
    figures = report_figures(report)
    document = build_document(report, figures)
    if render.format == ReportRender.Format.PDF:
        from reports.rendering import render_pdf

        content = render_pdf(document)
    elif render.format == ReportRender.Format.DOCX:
        from reports.rendering_office import render_docx

        content = render_docx(document)
    else:
        from reports.rendering_office import render_xlsx

        content = render_xlsx(document, figures)
    snapshot = figures.to_dict()
    if report.is_span:
        snapshot["first_year"] = report.first_year
    return content, snapshot


def _fail(render_id: int, message: str) -> None:
    ReportRender.objects.filter(pk=render_id, state=ReportRender.State.RENDERING).update(
        state=ReportRender.State.FAILED, error=message[:1000], finished_at=timezone.now()
    )


def render_execute(*, render_id: int) -> None:
    """Do one render job. Safe to run twice: only the claimer writes a file."""
    if not render_claim(render_id=render_id):
        return
    render = ReportRender.objects.select_related("report__organization").get(pk=render_id)
    try:
        content, figures = _render_bytes(render)
    except OperationalError as error:
        ReportRender.objects.filter(pk=render_id).update(state=ReportRender.State.QUEUED)
        raise TransientRenderError(str(error)) from error
    except ValidationError as error:
        _fail(render_id, " ".join(error.messages))
        return
    except SoftTimeLimitExceeded:
        _fail(
            render_id,
            _("Quá thời gian cho phép khi tạo tệp. Hãy thử lại vào lúc ít người dùng hoặc báo quản trị hệ thống."),
        )
        return
    except Exception:
        logger.exception("Render %s failed", render_id)
        _fail(render_id, _("Không tạo được tệp do lỗi hệ thống. Hãy thử lại; nếu vẫn lỗi, báo quản trị hệ thống."))
        return
    _store(render, content, figures)


def _store(render: ReportRender, content: bytes, figures: dict) -> None:
    storage = ReportRender._meta.get_field("file").storage
    try:
        name = storage.save(render.file.field.generate_filename(render, "render"), ContentFile(content))
    except OSError:
        logger.exception("Render %s could not be stored", render.pk)
        _fail(
            render.pk,
            _(
                "Không lưu được tệp lên máy chủ (thư mục lưu trữ không ghi được). Hãy báo quản trị hệ thống rồi thử lại."
            ),
        )
        return
    stored = ReportRender.objects.filter(pk=render.pk, state=ReportRender.State.RENDERING).update(
        state=ReportRender.State.READY,
        file=name,
        size=len(content),
        sha256=hashlib.sha256(content).hexdigest(),
        figures=figures,
        error="",
        finished_at=timezone.now(),
    )
    if not stored:
        # Someone else finished or failed this job meanwhile: keep exactly one file.
        storage.delete(name)


def renders_requeue_stuck() -> int:
    """Send again jobs stuck in queued or rendering (a worker died, a broker lost a message)."""
    now = timezone.now()
    stuck = list(
        ReportRender.objects.filter(
            Q(state=ReportRender.State.QUEUED, created_at__lt=now - QUEUED_TOO_LONG)
            | Q(state=ReportRender.State.RENDERING, started_at__lt=now - _stale_after())
        ).values_list("pk", flat=True)[:500]
    )
    if stuck:
        _enqueue(stuck)
    return len(stuck)


# --- batches -------------------------------------------------------------------------------


def _send_group(render_ids: list[int]) -> None:
    from reports.tasks import render_group

    try:
        render_group(render_ids)
    except Exception as error:
        if _is_broker_error(error):
            raise QueueUnavailable from error
        raise
