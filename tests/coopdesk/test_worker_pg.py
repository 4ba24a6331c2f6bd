"""Three real worker processes on PostgreSQL: one stopped, one killed, no e-mail lost.

Runs in `make test-pg` only: the workers are `manage.py worker` subprocesses that need a
database they can share with the test (pytest's SQLite one lives in memory).
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection
from notifications.models import Notification

from coopdesk import notify
from coopdesk.models import Delivery, OutboxEmail, OutboxStatus
from helpdesk import actions

pytestmark = [
    pytest.mark.skipif(connection.vendor != "postgresql",
                       reason="worker processes share the database: PostgreSQL only"),
    pytest.mark.django_db(transaction=True),  # the workers see only committed rows
]

EMAILS = 600
BATCH = 20  # outbox.BATCH_SIZE


def queue_emails(ticket, member, agent, count: int) -> set[str]:
    """One real e-mail notification, then copies of it, each with its outbox row."""
    notify.save_preferences(member, {"replied": Delivery.EMAIL})
    actions.add_reply(ticket, by=agent, body="Le montant, s'il vous plaît ?")
    [first] = OutboxEmail.objects.all()
    model = first.notification
    copies = []
    for _ in range(count - 1):
        model.pk = None
        copies.append(Notification(**{
            field.attname: getattr(model, field.attname) for field in Notification._meta.fields
        }))
    copies = Notification.objects.bulk_create(copies)
    OutboxEmail.objects.bulk_create(
        OutboxEmail(recipient=member, notification=copy, next_attempt_at=first.next_attempt_at)
        for copy in copies
    )
    return {str(pk) for pk in OutboxEmail.objects.values_list("pk", flat=True)}


def database_url_for_workers() -> str:
    db = connection.settings_dict
    password = f":{db['PASSWORD']}" if db["PASSWORD"] else ""
    return f"postgres://{db['USER']}{password}@{db['HOST']}:{db['PORT'] or 5432}/{db['NAME']}"


def sent_by(folder: Path, process: subprocess.Popen) -> list[str]:
    record = folder / f"{process.pid}.txt"
    return record.read_text().split() if record.exists() else []


def wait_until(condition, seconds: float) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.02)


def wait_mid_batch(folder: Path, process: subprocess.Popen, after: int) -> None:
    """Until the process has sent `after` e-mails and is in the middle of a batch."""
    wait_until(lambda: (n := len(sent_by(folder, process))) >= after and 3 <= n % BATCH <= 15,
               30)


def test_three_workers_one_stopped_one_killed_send_every_email_once(
        ticket, member, agent, tmp_path):
    expected = queue_emails(ticket, member, agent, EMAILS)
    assert len(expected) == EMAILS
    env = {
        **os.environ,
        "DEBUG": "true",  # the development secret key, which the checks refuse otherwise
        "DATABASE_URL": database_url_for_workers(),
        "EMAIL_BACKEND": "tests.coopdesk.recording_mail.RecordingBackend",
        "RECORD_SENT_DIR": str(tmp_path),
        "RECORD_SEND_SECONDS": "0.005",
        "OUTBOX_LEASE_SECONDS": "6",
        "LOG_LEVEL": "INFO",
    }
    logs = [open(tmp_path / f"worker-{n}.log", "w") for n in range(3)]
    workers = [
        subprocess.Popen(
            [sys.executable, "manage.py", "worker", "--tick", "0.2"],
            cwd=settings.BASE_DIR, env=env, stdout=log, stderr=subprocess.STDOUT,
        )
        for log in logs
    ]
    stopped, killed, survivor = workers
    try:
        wait_mid_batch(tmp_path, stopped, 100)
        stopped.send_signal(signal.SIGTERM)
        wait_mid_batch(tmp_path, killed, 100)
        killed.send_signal(signal.SIGKILL)
        assert stopped.wait(20) == 0
        assert killed.wait(20) == -signal.SIGKILL
        # The survivor sends the rest, the killed one's batch once its lease ran out.
        wait_until(lambda: not OutboxEmail.objects.exclude(status=OutboxStatus.SENT).exists(),
                   45)
        survivor.send_signal(signal.SIGTERM)
        assert survivor.wait(20) == 0
    finally:
        for process in workers:
            if process.poll() is None:
                process.kill()
                process.wait()
        for log in logs:
            log.close()

    sends = Counter(sent for process in workers for sent in sent_by(tmp_path, process))
    twice = [pk for pk, times in sends.items() if times > 1]
    stopped_log, _, survivor_log = (
        (tmp_path / f"worker-{n}.log").read_text() for n in range(3))
    print(f"{len(sends)} of {EMAILS} e-mails sent, {sends.total()} sends, twice: {twice}, "
          f"by process: {[len(sent_by(tmp_path, process)) for process in workers]}")
    # None lost. The workers also run the periodic jobs, and one of them may queue an
    # e-mail of its own meanwhile (the advisors' morning digest, when the test runs then):
    # those are not the test's, and only the 600 are counted.
    assert expected <= set(sends)
    # Only the e-mail in flight when the worker was killed may have left twice.
    assert len(twice) <= 1
    assert all(pk in sent_by(tmp_path, killed) and sends[pk] == 2 for pk in twice)
    # Stopped mid-batch, it gave its untried e-mails back at once; the killed one's came
    # back when their lease ran out.
    assert "gave back" in stopped_log and "stopped on SIGTERM" in stopped_log
    assert "held by a stopped worker back in the queue" in survivor_log
