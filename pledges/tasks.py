"""Celery tasks of the records: thin wrappers around services."""

import datetime

from celery import shared_task
from django.conf import settings
from django.utils import timezone

from pledges import reminders


class ReminderDeliveryError(Exception):
    """Some reminders could not be mailed; their logs were removed so a retry sends them."""


@shared_task(acks_late=True, soft_time_limit=300, time_limit=360)
def send_daily_reminders() -> int:
    """Work out who is to be reminded today (for every cell at once) and hand them to chunk
    tasks; returns how many secretaries were handed over. Safe to run twice: the chunks skip
    whoever was already reminded today."""
    today = timezone.localdate()
    user_ids = reminders.recipients_due(today=today)
    size = settings.REMINDER_CHUNK_SIZE
    for start in range(0, len(user_ids), size):
        send_reminder_chunk.delay(user_ids[start : start + size], today.isoformat())
    return len(user_ids)


@shared_task(bind=True, max_retries=3, default_retry_delay=15 * 60, acks_late=True, soft_time_limit=240, time_limit=300)
def send_reminder_chunk(self, user_ids: list[int], day: str) -> int:
    """Mail one chunk of the day's reminders over one connection; retried later for the mails
    that failed (the others are logged, so a retry does not send them twice)."""
    result = reminders.reminders_send(today=datetime.date.fromisoformat(day), user_ids=user_ids)
    if result.failed:
        raise self.retry(exc=ReminderDeliveryError(f"{len(result.failed)} reminder(s) not sent"))
    return result.sent
