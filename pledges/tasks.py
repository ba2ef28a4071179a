"""Celery tasks of the records: thin wrappers around services."""

from celery import shared_task

from pledges import reminders


class ReminderDeliveryError(Exception):
    """Some reminders could not be mailed; their logs were removed so a retry sends them."""


@shared_task(bind=True, max_retries=3, default_retry_delay=15 * 60, acks_late=True)
def send_daily_reminders(self) -> int:
    """Mail today's reminders to cell secretaries; retried later when some mails failed."""
    result = reminders.reminders_send()
    if result.failed:
        raise self.retry(exc=ReminderDeliveryError(f"{len(result.failed)} reminder(s) not sent"))
    return result.sent
