"""Cases of the reports app (reports:*): dashboards, year-end reports, renders, batch exports.

Render jobs are never run here: the test database transaction is never committed, so the
`on_commit` that sends a job to the queue does not fire. Files are made by hand instead.
"""

from django.core.files.base import ContentFile
from django.forms.models import model_to_dict
from django.utils import timezone

from committees.permissions import Perm
from pledges.models import Plan, PledgeState
from pledges.services.plans import plan_save
from reports import services
from reports.forms import ReportForm
from reports.models import RenderBatch, Report, ReportRender
from tests.permission_cases.base import Case, Ctx, organization_year, organization_year_with, pk_of
from tests.permission_cases.records import make_pledge, pledge_in


def root_plan(c: Ctx) -> Plan:
    """A plan at the top of the tree: report_open needs a plan governing the organization."""
    province = c.world.province
    return Plan.objects.filter(organization=province, year=c.year).first() or plan_save(
        organization=province, year=c.year
    )


def make_report(c: Ctx) -> Report:
    root_plan(c)
    return services.report_open(organization=c.organization, year=c.year)


def make_render(report: Report, *, batch: RenderBatch | None = None) -> ReportRender:
    """A ready PDF with a file behind it (saved through the field, in the test MEDIA_ROOT)."""
    render = ReportRender.objects.create(
        report=report,
        batch=batch,
        format=ReportRender.Format.PDF,
        state=ReportRender.State.READY,
        sha256="x" * 64,
        size=9,
        finished_at=timezone.now(),
    )
    render.file.save("render.pdf", ContentFile(b"%PDF-1.4\n"), save=True)
    return render


def make_batch(c: Ctx) -> RenderBatch:
    batch = RenderBatch.objects.create(organization=c.organization, year=c.year, planned=True, total=1)
    make_render(make_report(c), batch=batch)
    return batch


def make_zipped_batch(c: Ctx) -> RenderBatch:
    """A batch whose ZIP a worker already wrote."""
    batch = make_batch(c)
    batch.zip_file.save("batch.zip", ContentFile(b"PK\x05\x06" + b"\x00" * 18), save=False)
    batch.zip_state, batch.zip_files = RenderBatch.ZipState.READY, 1
    batch.save()
    return batch


def report_form(c: Ctx, inside: bool) -> dict:
    report = Report.objects.get(pk=c.kwargs["pk"])
    data = {
        name: "" if value is None else value for name, value in model_to_dict(report, ReportForm.Meta.fields).items()
    }
    return data | {"opening": "Mở đầu đã sửa.", "version": report.version}


CASES: dict[str, Case] = {
    "reports:dashboard": Case(perm=Perm.VIEW, target=organization_year),
    "reports:dashboard_xlsx": Case(perm=Perm.VIEW, target=organization_year, logs_download=True),
    "reports:report_page": Case(perm=Perm.VIEW, target=organization_year_with(make_report)),
    "reports:report_open": Case(
        perm=Perm.REPORT, methods=("POST",), writes=True, target=organization_year_with(root_plan)
    ),
    # a report over the two open years (2023–2024): opening it writes the draft
    "reports:span_report_open": Case(
        perm=Perm.REPORT,
        methods=("POST",),
        writes=True,
        target=organization_year,
        data=lambda c, inside: {"review": "tong_ket", "first_year": c.year - 1, "last_year": c.year},
    ),
    "reports:batch_request": Case(
        perm=Perm.REPORT, methods=("POST",), writes=True, target=organization_year_with(root_plan)
    ),
    "reports:report_edit": Case(
        perm=Perm.NARRATIVE,
        methods=("GET", "POST"),
        writes=True,
        target=pk_of(make_report),
        data=report_form,
    ),
    "reports:render_request": Case(
        perm=Perm.REPORT,
        methods=("POST",),
        writes=True,
        target=pk_of(make_report),
        data=lambda c, inside: {"format": ReportRender.Format.DOCX},
    ),
    # a ready PDF at least as new as the report: finalizing succeeds
    "reports:report_finalize": Case(
        perm=Perm.REPORT,
        methods=("POST",),
        writes=True,
        target=pk_of(lambda c: make_render(make_report(c)).report),
    ),
    "reports:render_status": Case(perm=Perm.VIEW, target=pk_of(lambda c: make_render(make_report(c)))),
    "reports:render_download": Case(
        perm=Perm.VIEW,
        target=pk_of(lambda c: make_render(make_report(c))),
        logs_download=True,
    ),
    "reports:batch_detail": Case(perm=Perm.VIEW, target=pk_of(make_batch)),
    "reports:batch_zip": Case(perm=Perm.VIEW, target=pk_of(make_zipped_batch), logs_download=True),
    "reports:batch_zip_request": Case(perm=Perm.REPORT, methods=("POST",), target=pk_of(make_batch), writes=True),
    # printable pledge forms (reports/views_forms.py)
    "reports:pledge_pdf": Case(perm=Perm.VIEW, target=pledge_in(PledgeState.SUBMITTED), logs_download=True),
    "reports:cell_pledges_pdf": Case(
        perm=Perm.VIEW,
        target=organization_year_with(lambda c: make_pledge(c.member())),
        logs_download=True,
    ),
}
