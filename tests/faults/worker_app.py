"""The project's Celery app with two knobs for the fault tests (`celery -A tests.faults.worker_app`).

FAULTS_VISIBILITY_TIMEOUT=<seconds>: Redis hands an unacknowledged task back after that long,
    and this worker looks for such tasks every second (production: 900 s, every ~100 s).
FAULTS_RENDER_PAUSE=<seconds>: a render's first attempt pauses that long before rendering, so
    a test can kill the worker while the job is "rendering".

Nothing here is imported by the project itself.
"""

import os
import time

from celery.signals import worker_init

from config.celery import app

if os.environ.get("FAULTS_VISIBILITY_TIMEOUT"):
    app.conf.broker_transport_options = {
        **app.conf.broker_transport_options,
        "visibility_timeout": int(os.environ["FAULTS_VISIBILITY_TIMEOUT"]),
        "unacked_restore_interval": 1,
        "unacked_restore_throttle": 1,
    }


@worker_init.connect
def _pause_first_attempts(**kwargs) -> None:
    pause = float(os.environ.get("FAULTS_RENDER_PAUSE") or 0)
    if not pause:
        return
    import django

    django.setup()
    from reports import services

    render_bytes = services._render_bytes

    def paused(render):
        if render.attempts == 1:
            time.sleep(pause)
        return render_bytes(render)

    services._render_bytes = paused
