"""The background worker: runs the periodic jobs, forever or once.

`manage.py worker` is started by `make run`; in production run one or more next to the
web processes. Each job must be safe to run from several workers at once.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass

from django.core.management.base import BaseCommand
from django.db import close_old_connections

logger = logging.getLogger("coopdesk.worker")


@dataclass
class Job:
    name: str
    every_seconds: int
    run: Callable[[], int | None]


def jobs() -> list[Job]:
    from helpdesk.actions import auto_close_resolved, take_announced_steps
    from kb.actions import flag_stale_articles

    return [
        Job("auto-close resolved requests", 300, auto_close_resolved),
        Job("take announced collection steps", 300, take_announced_steps),
        Job("tell owners of articles due for a check", 3600, flag_stale_articles),
    ]


class Command(BaseCommand):
    help = "Run the periodic jobs (auto-close, e-mail outbox, reminders)."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--once", action="store_true", help="Run every job once and exit.")
        parser.add_argument("--tick", type=float, default=2.0, help="Seconds between checks.")

    def handle(self, *args, once: bool, tick: float, **options) -> None:
        last_run: dict[str, float] = {}
        while True:
            now = time.monotonic()
            for job in jobs():
                if once or now - last_run.get(job.name, -1e9) >= job.every_seconds:
                    self.run_job(job)
                    last_run[job.name] = now
            if once:
                return
            close_old_connections()
            time.sleep(tick)

    def run_job(self, job: Job) -> None:
        try:
            result = job.run()
        except Exception:
            logger.exception("job %s failed", job.name)
            return
        if result:
            logger.info("%s: %s", job.name, result)
