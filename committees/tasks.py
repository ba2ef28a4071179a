"""Celery tasks of the tree: thin wrappers that take primary keys and call services."""

from celery import shared_task

from committees import services


@shared_task(acks_late=True, reject_on_worker_lost=True, soft_time_limit=900, time_limit=960)
def year_opening_run_task(opening_id: int) -> None:
    # Idempotent: the service claims the opening first and the sync writes only what is missing.
    services.year_opening_run(opening_id=opening_id)
