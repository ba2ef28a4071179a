"""Batches: the reports of every organization of a subtree, rendered at once, and their ZIP.

Nothing that grows with the subtree runs in the request: `batch_request` creates one row and
returns; a worker plans the renders chunk by chunk (`batch_plan`), each chunk sent to the
render workers as soon as it is written; the progress is a handful of counts
(`batch_progress`); the ZIP is written to storage by a worker (`batch_zip_build`) and
streamed to the clerk from there. Each step is safe to run twice.
"""

import logging
import tempfile
import zipfile
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.core.files import File
from django.db import transaction
from django.db.models import Count
from django.utils.translation import gettext as _

from committees.models import Actor, Organization, OrganizationYear, subtree_q
from reports.models import RenderBatch, ReportRender
from reports.services import QueueUnavailable, _is_broker_error, _send_group, report_open

logger = logging.getLogger(__name__)

PLAN_CHUNK = 200  # organizations planned per transaction (and sent to the workers together)
FAILURES_SHOWN = 50
UNFINISHED = (ReportRender.State.QUEUED, ReportRender.State.RENDERING)


@transaction.atomic
def batch_request(
    *, organization: Organization, year: int, format: str = ReportRender.Format.PDF, by: Actor = None
) -> RenderBatch:
    """Ask for the reports of the organization's subtree in that year's tree; returns at once.
    A batch of the same subtree, year and format still under way is returned instead of a
    second one (a double click makes one batch)."""
    if not OrganizationYear.objects.filter(organization=organization, year=year).exists():
        raise ValidationError(
            _("%(name)s không có trong cây tổ chức năm %(year)s.") % {"name": organization.name, "year": year}
        )
    running = _running_batch(organization, year, format)
    if running is not None:
        return running
    batch = RenderBatch.objects.create(organization=organization, year=year, format=format, requested_by=by)
    transaction.on_commit(lambda: _enqueue_plan(batch.pk))
    return batch


def _running_batch(organization: Organization, year: int, format: str) -> RenderBatch | None:
    batches = RenderBatch.objects.select_for_update().filter(organization=organization, year=year, format=format)
    for batch in batches.order_by("-created_at")[:3]:
        if not batch.planned or batch.renders.filter(state__in=UNFINISHED).exists():
            return batch
    return None


def _enqueue_plan(batch_id: int) -> None:
    from reports.tasks import batch_plan_task

    try:
        batch_plan_task.delay(batch_id)
    except Exception as error:
        if _is_broker_error(error):
            raise QueueUnavailable from error
        raise


def batch_plan(*, batch_id: int) -> RenderBatch:
    """The worker's side: a render for every organization of the subtree, chunk by chunk."""
    batch = RenderBatch.objects.select_related("organization", "requested_by").get(pk=batch_id)
    if batch.planned:
        return batch
    root = OrganizationYear.objects.get(organization=batch.organization, year=batch.year)
    members = list(
        Organization.objects.filter(
            pk__in=OrganizationYear.objects.filter(subtree_q(root.path), year=batch.year).values("organization_id")
        ).order_by("path")
    )
    # A redelivered task resumes: organizations already planned are skipped.
    done = set(batch.renders.values_list("report__organization_id", flat=True))
    todo = [member for member in members if member.pk not in done]
    for start in range(0, len(todo), PLAN_CHUNK):
        _plan_chunk(batch, todo[start : start + PLAN_CHUNK])
    RenderBatch.objects.filter(pk=batch.pk).update(planned=True, total=batch.renders.count())
    batch.refresh_from_db()
    return batch


@transaction.atomic
def _plan_chunk(batch: RenderBatch, members: list[Organization]) -> None:
    render_ids = []
    for member in members:
        try:
            report = report_open(organization=member, year=batch.year, by=batch.requested_by)
        except ValidationError:
            continue
        if report.is_finalized and report.final_render_id:
            ReportRender.objects.filter(pk=report.final_render_id, batch__isnull=True).update(batch=batch)
            continue
        render = ReportRender.objects.create(
            report=report, format=batch.format, requested_by=batch.requested_by, batch=batch
        )
        render_ids.append(render.pk)
    RenderBatch.objects.filter(pk=batch.pk).update(total=batch.renders.count())
    transaction.on_commit(lambda: _send_group(render_ids))


@dataclass(frozen=True)
class BatchProgress:
    """What the batch page shows and polls: counts, never the list of every render."""

    planned: bool
    total: int
    by_state: dict[str, int]
    failures: list[ReportRender]

    @property
    def done(self) -> int:
        return self.by_state.get(ReportRender.State.READY, 0) + self.by_state.get(ReportRender.State.FAILED, 0)

    @property
    def ready(self) -> int:
        return self.by_state.get(ReportRender.State.READY, 0)

    @property
    def finished(self) -> bool:
        return self.planned and self.done >= self.total


def batch_progress(batch: RenderBatch) -> BatchProgress:
    """Two queries whatever the size of the subtree."""
    by_state = dict(batch.renders.order_by().values_list("state").annotate(n=Count("pk")))
    failures = list(
        batch.renders.filter(state=ReportRender.State.FAILED)
        .select_related("report__organization")
        .order_by("report__organization__path")[:FAILURES_SHOWN]
    )
    total = batch.total if batch.planned else sum(by_state.values())
    return BatchProgress(planned=batch.planned, total=total, by_state=by_state, failures=failures)


# --- the ZIP ---------------------------------------------------------------------------------


@transaction.atomic
def batch_zip_request(*, batch: RenderBatch) -> RenderBatch:
    """Have a worker write the ZIP of the batch's ready files (again, if more are ready now)."""
    batch = RenderBatch.objects.select_for_update().get(pk=batch.pk)
    if batch.zip_state == RenderBatch.ZipState.QUEUED:
        return batch
    if not batch.renders.filter(state=ReportRender.State.READY).exists():
        raise ValidationError(_("Chưa có tệp báo cáo nào sẵn sàng để đóng gói."))
    batch.zip_state, batch.zip_error = RenderBatch.ZipState.QUEUED, ""
    batch.save(update_fields=["zip_state", "zip_error"])
    transaction.on_commit(lambda: _enqueue_zip(batch.pk))
    return batch


def _enqueue_zip(batch_id: int) -> None:
    from reports.tasks import batch_zip_task

    try:
        batch_zip_task.delay(batch_id)
    except Exception as error:
        if _is_broker_error(error):
            raise QueueUnavailable from error
        raise


def batch_zip_build(*, batch_id: int) -> RenderBatch:
    """The worker's side: the ready files, one by one, into a ZIP on disk, then to storage."""
    batch = RenderBatch.objects.get(pk=batch_id)
    ready = batch.renders.filter(state=ReportRender.State.READY).select_related("report__organization")
    files = 0
    with tempfile.TemporaryFile() as spool:
        with zipfile.ZipFile(spool, "w", zipfile.ZIP_DEFLATED) as archive:
            for render in ready.iterator():
                try:
                    with render.file.open("rb") as handle, archive.open(zip_name(render), "w") as entry:
                        for chunk in iter(lambda handle=handle: handle.read(1 << 20), b""):
                            entry.write(chunk)
                except OSError:
                    logger.warning("Render %s missing from the ZIP of batch %s", render.pk, batch.pk)
                    continue
                files += 1
        spool.seek(0)
        old = batch.zip_file.name
        batch.zip_file.save("batch.zip", File(spool), save=False)
    batch.zip_state, batch.zip_files = RenderBatch.ZipState.READY, files
    batch.save(update_fields=["zip_file", "zip_state", "zip_files"])
    if old:
        batch.zip_file.storage.delete(old)
    return batch


def batch_zip_failed(*, batch_id: int, error: str) -> None:
    RenderBatch.objects.filter(pk=batch_id).update(zip_state=RenderBatch.ZipState.FAILED, zip_error=error[:500])


def zip_name(render: ReportRender) -> str:
    organization: Organization = render.report.organization
    safe = "".join(ch if ch.isalnum() or ch in " -_" else "_" for ch in organization.name).strip()
    return f"{render.report.year} - {safe} - {render.pk}{render.extension}"
