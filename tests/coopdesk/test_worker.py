"""The worker: jobs registered by the apps, each periodic one run once, e-mails given back."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.mail.backends.locmem import EmailBackend
from django.core.management import call_command
from django.utils import timezone

from coopdesk import jobs, notify, outbox
from coopdesk.models import Delivery, OutboxEmail, OutboxStatus, PeriodicJob
from helpdesk import actions


@pytest.fixture(autouse=True)
def _not_stopping():
    jobs.reset_stop()
    yield
    jobs.reset_stop()


@pytest.fixture
def three_emails(ticket, member, agent) -> list[int]:
    notify.save_preferences(member, {"replied": Delivery.EMAIL})
    for n in range(3):
        actions.add_reply(ticket, by=agent, body=f"Message {n}")
    return list(OutboxEmail.objects.order_by("pk").values_list("pk", flat=True))


class StopDuringFirstSend(EmailBackend):
    """Delivers, like locmem, and asks for a stop while the first e-mail is in hand."""

    def send_messages(self, messages) -> int:
        jobs.stop()
        return super().send_messages(messages)


def test_the_apps_register_their_jobs_and_the_sender_runs_last():
    names = [job.name for job in jobs.registered()]
    assert names[-1] == "send e-mails"
    assert names.index("queue daily summaries") < names.index("send e-mails")
    for name in ("auto-close resolved requests", "take announced collection steps",
                 "journey task reminders", "CAPE ending reminders",
                 "information meeting reminders", "tell owners of articles due for a check"):
        assert name in names
    assert [job.name for job in jobs.registered() if job.every_worker] == ["send e-mails"]


def test_a_periodic_job_runs_once_when_two_workers_tick_together(db):
    job = jobs.Job("count the stars", 60, lambda: None)
    now = timezone.now()
    assert [jobs.claim(job, now), jobs.claim(job, now)] == [True, False]  # its first run
    assert not jobs.claim(job, now + timedelta(seconds=59))
    later = now + timedelta(seconds=60)
    assert [jobs.claim(job, later), jobs.claim(job, later)] == [True, False]
    row = PeriodicJob.objects.get(name="count the stars")
    assert row.next_run_at == later + timedelta(seconds=60)
    assert row.last_run_by == jobs.worker_name()


def test_due_lists_the_periodic_jobs_whose_time_has_come(db):
    now = timezone.now()
    due = {job.name for job in jobs.due(now)}
    assert "auto-close resolved requests" in due  # never ran
    assert "send e-mails" not in due  # runs in every worker, on its own clock
    [auto_close] = [job for job in jobs.registered() if job.name == "auto-close resolved requests"]
    assert jobs.claim(auto_close, now)
    assert "auto-close resolved requests" not in {job.name for job in jobs.due(now)}


def test_a_stopping_worker_finishes_the_email_in_hand_and_gives_back_the_rest(
        three_emails, settings):
    settings.EMAIL_BACKEND = "tests.coopdesk.test_worker.StopDuringFirstSend"
    first, *rest = three_emails
    assert outbox.send_pending() == 1
    assert OutboxEmail.objects.get(pk=first).status == OutboxStatus.SENT
    for row in OutboxEmail.objects.filter(pk__in=rest):
        # Due at once, not after the lease; the attempt that did not happen is not counted.
        assert (row.status, row.attempts, row.claimed_by, row.lease_until) == (
            OutboxStatus.PENDING, 0, "", None)
    assert outbox.send_pending() == 0  # a stopping worker claims nothing more

    jobs.reset_stop()  # the next worker
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    assert outbox.send_pending() == 2


def test_a_batch_is_given_back_before_its_lease_could_run_out(three_emails, settings,
                                                              mailoutbox):
    settings.OUTBOX_LEASE_SECONDS = 0  # half of it is gone before the first e-mail
    assert outbox.send_pending() == 0
    assert mailoutbox == []
    assert set(OutboxEmail.objects.values_list("status", "attempts")) == {
        (OutboxStatus.PENDING, 0)}


def test_a_claim_holds_the_rows_for_the_lease(three_emails, settings):
    settings.OUTBOX_LEASE_SECONDS = 120
    now = timezone.now()
    assert outbox.claim(now=now, limit=2, by="worker-a") == three_emails[:2]
    assert outbox.expire_leases(now + timedelta(seconds=119)) == 0
    assert outbox.claim(now=now + timedelta(seconds=60), limit=5, by="worker-b") == (
        three_emails[2:])
    # Worker a died: its rows are due again once its lease ran out, the attempt counted.
    assert outbox.expire_leases(now + timedelta(seconds=121)) == 2
    assert set(OutboxEmail.objects.filter(pk__in=three_emails[:2]).values_list(
        "status", "attempts", "claimed_by")) == {(OutboxStatus.PENDING, 1, "")}
    # Worker b cannot give back rows it does not hold.
    assert outbox.release(three_emails[:2], by="worker-b") == 0


def test_worker_once_runs_every_job_and_sends_what_they_wrote(three_emails, mailoutbox,
                                                              settings):
    settings.DIGEST_HOUR = 24  # no summary due in this test
    call_command("worker", "--once")
    assert len(mailoutbox) == 3
    call_command("worker", "--once")  # whatever the schedule says
    assert len(mailoutbox) == 3
