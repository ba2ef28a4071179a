"""Celery tasks of the tree: thin wrappers that take primary keys and call services."""

from celery import shared_task

from committees import account_mails, services


@shared_task(acks_late=True, reject_on_worker_lost=True, soft_time_limit=900, time_limit=960)
def year_opening_run_task(opening_id: int) -> None:
    # Idempotent: the service claims the opening first and the sync writes only what is missing.
    services.year_opening_run(opening_id=opening_id)


class InvitationDeliveryError(Exception):
    """Some invitations of a chunk could not be mailed; the retry sends only those."""


@shared_task(bind=True, max_retries=3, default_retry_delay=10 * 60, soft_time_limit=240, time_limit=300)
def account_invitations_send_task(self, user_ids: list[int]) -> int:
    # Not acks_late: a redelivered chunk would mail twice. A retry carries only the failed ids,
    # and the service skips accounts that have meanwhile chosen their password.
    result = account_mails.invitations_send(user_ids=user_ids)
    if result.failed:
        raise self.retry(args=[result.failed], exc=InvitationDeliveryError(f"{len(result.failed)} not sent"))
    return result.sent


@shared_task(autoretry_for=(OSError,), retry_backoff=30, max_retries=3, soft_time_limit=60, time_limit=90)
def password_reset_mail_task(user_id: int) -> bool:
    return account_mails.password_reset_mail_send(user_id=user_id)
