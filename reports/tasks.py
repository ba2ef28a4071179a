"""Celery tasks: thin wrappers that take primary keys and call services."""

from celery import group, shared_task

from reports import batches, services, tallies


@shared_task(
    bind=True,
    acks_late=True,
    reject_on_worker_lost=True,
    autoretry_for=(services.TransientRenderError,),
    retry_backoff=5,
    retry_backoff_max=120,
    max_retries=5,
    soft_time_limit=240,
    time_limit=300,
)
def render_report_task(self, render_id: int) -> None:
    services.render_execute(render_id=render_id)


@shared_task
def requeue_stuck_renders() -> int:
    return services.renders_requeue_stuck()


def render_group(render_ids: list[int]) -> None:
    """Send a batch of renders as one Celery group."""
    if render_ids:
        group(render_report_task.s(render_id) for render_id in render_ids).apply_async()


@shared_task(acks_late=True, soft_time_limit=600, time_limit=660)
def tally_apply_task(year: int) -> None:
    """Apply the marked changes of a year to the tally store (or rebuild it if stale)."""
    tallies.apply_pending(year)


@shared_task(soft_time_limit=900, time_limit=960)
def tally_sweep_task() -> list[int]:
    """Apply whatever is pending in any year: a lost task, a new day for the member counts."""
    return tallies.sweep()


@shared_task(acks_late=True, soft_time_limit=900, time_limit=960)
def batch_plan_task(batch_id: int) -> None:
    """Plan the renders of a batch, chunk by chunk (idempotent: a redelivery resumes)."""
    batches.batch_plan(batch_id=batch_id)


@shared_task(bind=True, acks_late=True, soft_time_limit=1800, time_limit=1860)
def batch_zip_task(self, batch_id: int) -> None:
    """Write the ZIP of a batch to storage."""
    try:
        batches.batch_zip_build(batch_id=batch_id)
    except Exception as error:
        batches.batch_zip_failed(batch_id=batch_id, error=str(error) or type(error).__name__)
        raise
