"""Are the background workers running? Asked before telling a clerk why a render still waits.

A render that waits longer than NO_WORKER_AFTER while no worker answers a ping is marked
`no_worker`, and its row says that the workers are not running (instead of a spinner forever).
The ping (Celery's remote control, through the broker) waits at most PING_TIMEOUT and its answer
is kept ANSWER_SECONDS by each web process, so that rows polled every few seconds cost nothing.
With tasks run in-process (no REDIS_URL, and in tests) nothing is ever marked.
"""

import datetime
import logging
from collections.abc import Iterable

from django.core.cache import cache
from django.utils import timezone

from config.celery import app
from reports.models import ReportRender

logger = logging.getLogger(__name__)

NO_WORKER_AFTER = datetime.timedelta(minutes=1)
PING_TIMEOUT = 1.0  # seconds
ANSWER_SECONDS = 10
CACHE_KEY = "reports-workers-running"


def workers_running() -> bool:
    """Whether a worker answers (True when tasks run in-process); asked at most every ANSWER_SECONDS."""
    if app.conf.task_always_eager:
        return True
    answer = cache.get(CACHE_KEY)
    if answer is None:
        try:
            answer = bool(app.control.ping(timeout=PING_TIMEOUT, limit=1))
        except Exception:  # the broker itself is away: no worker can take anything either
            logger.warning("Workers: the broker did not answer the ping")
            answer = False
        cache.set(CACHE_KEY, answer, ANSWER_SECONDS)
    return answer


def mark_waiting_without_worker(renders: Iterable[ReportRender]) -> None:
    """Set `no_worker` on each render: still unfinished after NO_WORKER_AFTER, and no worker runs.

    Workers are pinged only when some render has waited that long.
    """
    renders = list(renders)
    threshold = timezone.now() - NO_WORKER_AFTER
    late = [render for render in renders if not render.is_finished and render.created_at <= threshold]
    stalled = bool(late) and not workers_running()
    for render in renders:
        render.no_worker = stalled and render in late


def batch_waiting_without_worker(batch, progress) -> bool:
    """A batch still under way after NO_WORKER_AFTER while no worker answers."""
    if progress.finished or batch.created_at > timezone.now() - NO_WORKER_AFTER:
        return False
    return not workers_running()
