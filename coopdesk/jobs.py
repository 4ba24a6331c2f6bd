"""The worker's jobs: each app registers its own in `AppConfig.ready()`.

    jobs.register("auto-close resolved requests", 300, auto_close_resolved)

`manage.py worker` runs what is registered here and imports no app. A job is a function
without arguments that returns a count (logged when not zero) or None.

Several workers may run at once. A periodic job runs once per period across all of them:
a `PeriodicJob` row per job holds its next run, and only the worker whose conditional
UPDATE moves it on runs the job (`claim`). A job registered with `every_worker=True` (the
outbox sender, safe by itself) runs in each worker on its own clock instead.

A job working through a batch checks `stopping()` between items, so that a worker asked
to stop (SIGTERM, SIGINT) ends the item in hand, gives back the rest and exits.
"""

from __future__ import annotations

import os
import socket
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from coopdesk.models import PeriodicJob


@dataclass(frozen=True)
class Job:
    name: str
    every_seconds: int
    run: Callable[[], int | None]
    every_worker: bool = False
    last: bool = False


_jobs: dict[str, Job] = {}
_stopping = False


def register(
    name: str,
    every_seconds: int,
    run: Callable[[], int | None],
    *,
    every_worker: bool = False,
    last: bool = False,
) -> None:
    """Add a job. `last`: run after the others in a round (the sender sends what they wrote).

    Registering a name again replaces the job, so a second `ready()` adds nothing.
    """
    _jobs[name] = Job(name, every_seconds, run, every_worker=every_worker, last=last)


def registered() -> list[Job]:
    """In registration order (the apps' order in INSTALLED_APPS), `last` ones at the end."""
    return sorted(_jobs.values(), key=lambda job: job.last)


def worker_name() -> str:
    """Who ran a job or holds an e-mail, for whoever reads the tables: host and process."""
    return f"{socket.gethostname()}:{os.getpid()}"


def claim(job: Job, now: datetime) -> bool:
    """True if this worker should run the job now; it has then moved the job's next run.

    On PostgreSQL a second UPDATE of the same row waits for the first to commit, then
    finds the condition false; SQLite runs one writer at a time. Either way one wins.
    """
    moved = PeriodicJob.objects.filter(name=job.name, next_run_at__lte=now).update(
        next_run_at=now + timedelta(seconds=job.every_seconds),
        last_run_at=now,
        last_run_by=worker_name(),
    )
    if moved:
        return True
    # Its first run: the unique name lets one worker create the row (get_or_create reads
    # the winner's row when its own INSERT fails).
    _, created = PeriodicJob.objects.get_or_create(
        name=job.name,
        defaults={
            "next_run_at": now + timedelta(seconds=job.every_seconds),
            "last_run_at": now,
            "last_run_by": worker_name(),
        },
    )
    return created


def due(now: datetime) -> list[Job]:
    """The periodic jobs whose next run has come, or that never ran: one query."""
    waiting = dict(PeriodicJob.objects.values_list("name", "next_run_at"))
    return [
        job
        for job in registered()
        if not job.every_worker and (job.name not in waiting or waiting[job.name] <= now)
    ]


def stop() -> None:
    """Ask the running jobs to end the item in hand and return (called from a signal)."""
    global _stopping
    _stopping = True


def stopping() -> bool:
    return _stopping


def reset_stop() -> None:
    """For tests, and for a worker started again in the same process."""
    global _stopping
    _stopping = False
