"""Year-end report pages: open, edit, render, follow progress, download, finalize, batch."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from committees.audit import download_record
from committees.forms import attach_errors
from committees.models import DownloadLog
from committees.permissions import Perm, get_in_scope_or_404, perms_for
from pledges.views.common import check_year, follow_year_picker, org_for, org_year_context
from reports import batches, selectors, services, workers
from reports.common import QUEUE_DOWN, record_render_download
from reports.forms import RenderForm, ReportForm, SpanReportForm
from reports.models import RenderBatch, Report, ReportRender


@login_required
@follow_year_picker
def report_page(request: HttpRequest, pk: int, year: int) -> HttpResponse:
    organization = org_for(request, pk)
    check_year(year)
    report = Report.objects.filter(organization=organization, year=year, first_year__isnull=True).first()
    perms = perms_for(request.user, organization)
    renders = selectors.renders_of(report) if report else []
    workers.mark_waiting_without_worker(renders)
    context = {
        **org_year_context(request, organization, year, tab="report"),
        "report": report,
        "renders": renders,
        "can_report": Perm.REPORT in perms,
        "can_write": Perm.NARRATIVE in perms,
        "children": selectors.children_reports(organization=organization, year=year),
        "batches": RenderBatch.objects.filter(organization=organization, year=year)[:5],
        "render_form": RenderForm(),
        "span_reports": selectors.span_reports(organization=organization),
        "span_form": SpanReportForm(organization=organization),
    }
    return render(request, "reports/report_page.html", context)


@login_required
@require_POST
def report_open(request: HttpRequest, pk: int, year: int) -> HttpResponse:
    organization = org_for(request, pk, Perm.REPORT)
    check_year(year)
    try:
        report = services.report_open(organization=organization, year=year, by=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("reports:report_page", organization.pk, year)
    return redirect("reports:report_edit", report.pk)


@login_required
@require_POST
def span_report_open(request: HttpRequest, pk: int, year: int) -> HttpResponse:
    """Open a report over a span of years (sơ kết / tổng kết giai đoạn), from a year's page."""
    organization = org_for(request, pk, Perm.REPORT)
    check_year(year)
    form = SpanReportForm(request.POST, organization=organization)
    if not form.is_valid():
        messages.error(request, _("Hãy chọn loại báo cáo, năm đầu và năm cuối trong danh sách các năm đã mở."))
        return redirect("reports:report_page", organization.pk, year)
    try:
        report = services.report_open_span(
            organization=organization,
            first_year=form.cleaned_data["first_year"],
            last_year=form.cleaned_data["last_year"],
            review=form.cleaned_data["review"],
            by=request.user,
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("reports:report_page", organization.pk, year)
    return redirect("reports:report_edit", report.pk)


@login_required
def report_edit(request: HttpRequest, pk: int) -> HttpResponse:
    report = get_in_scope_or_404(Report.objects.all(), request.user, pk, Perm.NARRATIVE)
    if report.is_finalized:
        messages.info(request, _("Báo cáo đã hoàn thành: không sửa được nữa."))
        return redirect("reports:report_page", report.organization_id, report.year)
    form = ReportForm(request.POST or None, instance=report)
    if request.method == "POST" and form.is_valid():
        data = {name: form.cleaned_data[name] for name in form.Meta.fields}
        try:
            services.report_update(
                report=report, data=data, expected_version=form.cleaned_data["version"], by=request.user
            )
        except ValidationError as error:
            attach_errors(form, error)
        else:
            messages.success(request, _("Đã lưu nội dung báo cáo."))
            return redirect("reports:report_page", report.organization_id, report.year)
    context = {
        **org_year_context(request, report.organization, report.year, tab="report"),
        "report": report,
        "form": form,
    }
    return render(request, "reports/report_edit.html", context)


@login_required
@require_POST
def render_request(request: HttpRequest, pk: int) -> HttpResponse:
    report = get_in_scope_or_404(Report.objects.all(), request.user, pk, Perm.REPORT)
    form = RenderForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Định dạng không hợp lệ."))
    else:
        try:
            render_job = services.render_request(report=report, format=form.cleaned_data["format"], by=request.user)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        except services.QueueUnavailable:
            messages.warning(request, QUEUE_DOWN)
        else:
            messages.info(request, _("Đã gửi yêu cầu tạo tệp %(f)s.") % {"f": render_job.get_format_display()})
    return redirect("reports:report_page", report.organization_id, report.year)


@login_required
def render_status(request: HttpRequest, pk: int) -> HttpResponse:
    """One render's row; htmx polls it until the job is finished."""
    render_job = get_in_scope_or_404(
        ReportRender.objects.all(), request.user, pk, Perm.VIEW, via="report__organization"
    )
    workers.mark_waiting_without_worker([render_job])
    return render(request, "reports/partials/render_row.html", {"render": render_job})


@login_required
def render_download(request: HttpRequest, pk: int) -> HttpResponse:
    render_job = get_in_scope_or_404(
        ReportRender.objects.all(), request.user, pk, Perm.VIEW, via="report__organization"
    )
    if render_job.state != ReportRender.State.READY or not render_job.file:
        raise Http404
    try:
        handle = render_job.file.open("rb")
    except OSError:
        raise Http404 from None
    record_render_download(request, render_job)
    return FileResponse(handle, as_attachment=True, filename=render_job.download_name())


@login_required
@require_POST
def report_finalize(request: HttpRequest, pk: int) -> HttpResponse:
    report = get_in_scope_or_404(Report.objects.all(), request.user, pk, Perm.REPORT)
    try:
        services.report_finalize(report=report, by=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("Báo cáo đã hoàn thành và được khóa."))
    return redirect("reports:report_page", report.organization_id, report.year)


@login_required
@require_POST
def batch_request(request: HttpRequest, pk: int, year: int) -> HttpResponse:
    """Ask for the reports of the whole subtree: one row now, the rest in a worker."""
    organization = org_for(request, pk, Perm.REPORT)
    check_year(year)
    try:
        batch = batches.batch_request(organization=organization, year=year, by=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("reports:report_page", organization.pk, year)
    except services.QueueUnavailable:
        messages.warning(request, QUEUE_DOWN)
        return redirect("reports:report_page", organization.pk, year)
    return redirect("reports:batch_detail", batch.pk)


@login_required
def batch_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """The batch's progress: counts and failures (the page polls the small part)."""
    batch = get_in_scope_or_404(RenderBatch.objects.all(), request.user, pk, Perm.VIEW)
    progress = batches.batch_progress(batch)
    template = "reports/partials/batch_rows.html" if request.htmx else "reports/batch_detail.html"
    context = {
        **org_year_context(request, batch.organization, batch.year, tab="report"),
        "batch": batch,
        "progress": progress,
        "no_worker": workers.batch_waiting_without_worker(batch, progress),
    }
    return render(request, template, context)


@login_required
@require_POST
def batch_zip_request(request: HttpRequest, pk: int) -> HttpResponse:
    """Have a worker write the ZIP of the ready files."""
    batch = get_in_scope_or_404(RenderBatch.objects.all(), request.user, pk, Perm.REPORT)
    try:
        batches.batch_zip_request(batch=batch)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    except services.QueueUnavailable:
        messages.warning(request, QUEUE_DOWN)
    return redirect("reports:batch_detail", batch.pk)


@login_required
def batch_zip(request: HttpRequest, pk: int) -> HttpResponse:
    """The ZIP a worker wrote, streamed from storage."""
    batch = get_in_scope_or_404(RenderBatch.objects.all(), request.user, pk, Perm.VIEW)
    if batch.zip_state != RenderBatch.ZipState.READY or not batch.zip_file:
        raise Http404
    try:
        handle = batch.zip_file.open("rb")
    except OSError:
        raise Http404 from None
    filename = f"bao-cao-{batch.year}-{batch.organization_id}.zip"
    download_record(
        request=request,
        organization=batch.organization,
        kind=DownloadLog.Kind.REPORT_BATCH,
        description=filename,
        year=batch.year,
        row_count=batch.zip_files,
    )
    return FileResponse(handle, as_attachment=True, filename=filename)
