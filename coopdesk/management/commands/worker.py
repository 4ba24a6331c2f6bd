"""The background worker: runs the jobs the apps registered in coopdesk.jobs.

`manage.py worker` is started by `make run`; in production run one or more next to the
web processes. Each periodic job runs once per period across all the workers (see
coopdesk.jobs); the e-mail sender runs in each of them.

SIGTERM or SIGINT: the job in hand finishes its item (the e-mail being sent), gives the
rest of its batch back, and the worker exits 0. A second signal stops it at once.
"""

from __future__ import annotations

import logging
import signal
import time

from django.core.management.base import BaseCommand
from django.db import DatabaseError, close_old_connections
from django.utils import timezone

from coopdesk import jobs

logger = logging.getLogger("coopdesk.worker")


class Command(BaseCommand):
    help = "Run the periodic jobs (auto-close, e-mail outbox, reminders)."

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--once", action="store_true",
            help="Run every job once, whatever its schedule, and exit.",
        )
        parser.add_argument("--tick", type=float, default=2.0, help="Seconds between checks.")

    def handle(self, *args, once: bool, tick: float, **options) -> None:
        jobs.reset_stop()
        if once:
            for job in jobs.registered():
                self.run_job(job)
            return
        self.stopped_by = ""
        for signum in (signal.SIGTERM, signal.SIGINT):
            signal.signal(signum, self.on_signal)
        logger.info("worker %s started with %d jobs", jobs.worker_name(), len(jobs.registered()))
        last_run: dict[str, float] = {}  # the jobs each worker runs, on its own clock
        while not jobs.stopping():
            try:
                self.run_round(last_run)
            except DatabaseError:  # the database went away: try again next round
                logger.exception("worker round failed")
            close_old_connections()
            self.pause(tick)
        logger.info("worker %s stopped on %s", jobs.worker_name(), self.stopped_by)

    def run_round(self, last_run: dict[str, float]) -> None:
        now = timezone.now()
        due = {job.name for job in jobs.due(now)}
        for job in jobs.registered():
            if jobs.stopping():
                return
            if job.every_worker:
                if time.monotonic() - last_run.get(job.name, -1e9) < job.every_seconds:
                    continue
                last_run[job.name] = time.monotonic()
            elif job.name not in due or not jobs.claim(job, now):
                continue  # not due, or another worker took this run
            self.run_job(job)

    def on_signal(self, signum: int, frame) -> None:
        # Only set flags here: logging from a signal handler may re-enter a stream write.
        self.stopped_by = signal.Signals(signum).name
        jobs.stop()
        signal.signal(signum, signal.SIG_DFL)  # a second one stops the worker at once

    def pause(self, seconds: float) -> None:
        """Sleep, waking up soon after a stop was asked."""
        until = time.monotonic() + seconds
        while not jobs.stopping() and (left := until - time.monotonic()) > 0:
            time.sleep(min(left, 0.1))

    def run_job(self, job: jobs.Job) -> None:
        try:
            result = job.run()
        except Exception:
            logger.exception("job %s failed", job.name)
            return
        if result:
            logger.info("%s: %s", job.name, result)
