"""E-mails through the outbox: sent once, in the reader's language, retried, never twice."""

from __future__ import annotations

import threading
import time
from datetime import date, timedelta

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone
from notifications.models import Notification

from coopdesk import notify, outbox
from coopdesk.models import Delivery, OutboxEmail, OutboxKind, OutboxStatus
from helpdesk import actions
from tests.concurrency import needs_postgresql, run_together


def later(**delta) -> timezone.datetime:
    return timezone.now() + timedelta(**delta)


def tomorrow_at(hour: int):
    local = timezone.localtime(timezone.now() + timedelta(days=1))
    return local.replace(hour=hour, minute=0, second=0, microsecond=0)


@pytest.fixture
def resolved(ticket, agent):
    actions.claim_ticket(ticket, by=agent)
    actions.add_reply(ticket, by=agent, body="Relance envoyée au client.", then="resolve")
    return ticket


def test_member_gets_the_resolution_once_in_french_with_a_link(resolved, member, mailoutbox,
                                                               settings):
    settings.SITE_URL = "https://coop.example"
    assert outbox.send_pending(now=later(seconds=1)) == 1
    assert outbox.send_pending(now=later(minutes=5)) == 0
    [mail] = mailoutbox
    assert mail.to == [member.email]
    assert mail.subject == f"[{resolved.reference}] Demande résolue – {resolved.subject}"
    assert f"https://coop.example/demandes/{resolved.pk}/" in mail.body
    assert "Relance envoyée au client." in mail.body
    assert "Confirmez-le" in mail.body
    html, mimetype = mail.alternatives[0]
    assert mimetype == "text/html" and 'lang="fr"' in html
    row = OutboxEmail.objects.get()
    assert row.status == OutboxStatus.SENT and row.attempts == 1
    assert Notification.objects.get(pk=row.notification_id).emailed


def test_english_reader_gets_english(ticket, member, agent, mailoutbox):
    member.language = "en"
    member.save()
    actions.add_reply(ticket, by=agent, body="What is the amount?", then="wait")
    outbox.send_pending(now=later(seconds=1))
    [mail] = mailoutbox
    assert "A question for you" in mail.subject
    assert mail.body.startswith(f"Hello {member.first_name},")
    assert "Answer on the request's page" in mail.body


def test_failed_send_is_retried_with_backoff_then_sent_once(resolved, flaky_mail):
    flaky_mail.failures = 2
    start = timezone.now()
    assert outbox.send_pending(now=start) == 0
    row = OutboxEmail.objects.get()
    assert (row.status, row.attempts) == (OutboxStatus.PENDING, 1)
    assert row.next_attempt_at == start + timedelta(minutes=1)
    assert "SMTP server unreachable" in row.last_error

    assert outbox.send_pending(now=start + timedelta(seconds=30)) == 0  # not due yet
    assert outbox.send_pending(now=start + timedelta(minutes=1)) == 0  # second failure
    row.refresh_from_db()
    assert row.attempts == 2
    assert row.next_attempt_at == start + timedelta(minutes=3)

    assert outbox.send_pending(now=start + timedelta(minutes=3)) == 1
    assert outbox.send_pending(now=start + timedelta(hours=1)) == 0
    assert len(flaky_mail.sent) == 1
    row.refresh_from_db()
    assert (row.status, row.last_error) == (OutboxStatus.SENT, "")


def test_gives_up_after_the_last_attempt(resolved, flaky_mail):
    flaky_mail.failures = 1000
    now = timezone.now()
    for _ in range(outbox.MAX_ATTEMPTS + 2):
        outbox.send_pending(now=now)
        now += timedelta(hours=3)
    row = OutboxEmail.objects.get()
    assert (row.status, row.attempts) == (OutboxStatus.FAILED, outbox.MAX_ATTEMPTS)
    assert flaky_mail.sent == []


def test_email_of_a_worker_that_died_is_sent_once_its_lease_runs_out(resolved, mailoutbox):
    OutboxEmail.objects.update(status=OutboxStatus.SENDING, claimed_at=later(minutes=-1),
                               claimed_by="gone:1:x", lease_until=later(minutes=4), attempts=1)
    assert outbox.send_pending() == 0  # still held
    assert outbox.send_pending(now=later(minutes=5)) == 1
    row = OutboxEmail.objects.get()
    assert (row.status, row.attempts) == (OutboxStatus.SENT, 2)  # the lost try counted
    assert len(mailoutbox) == 1


def test_email_whose_worker_died_at_the_last_attempt_is_given_up(resolved, mailoutbox):
    OutboxEmail.objects.update(status=OutboxStatus.SENDING, lease_until=later(minutes=-1),
                               attempts=outbox.MAX_ATTEMPTS)
    assert outbox.send_pending() == 0
    assert OutboxEmail.objects.get().status == OutboxStatus.FAILED
    assert mailoutbox == []


def test_undeliverable_email_is_given_up_at_once(resolved, member, mailoutbox):
    member.is_active = False
    member.save()
    assert outbox.send_pending(now=later(seconds=1)) == 0
    assert OutboxEmail.objects.get().status == OutboxStatus.FAILED
    assert mailoutbox == []


def test_daily_summary_once_a_day_with_what_was_not_read(ticket, advisor, agent, mailoutbox,
                                                         settings):
    settings.DIGEST_HOUR = 7
    actions.claim_ticket(ticket, by=agent)
    actions.add_reply(ticket, by=agent, body="Question", then="wait")
    actions.resolve_ticket(ticket, by=agent)
    mine = Notification.objects.filter(recipient=advisor).order_by("pk")
    assert [n.verb for n in mine] == ["created", "assigned", "waiting", "resolved"]
    assert {n.data["delivery"] for n in mine} == {Delivery.DIGEST}
    notify.mark_read(advisor, [mine[0].pk])  # seen in the app: not in the e-mail

    assert outbox.queue_digests(now=tomorrow_at(6)) == 0  # too early
    assert outbox.queue_digests(now=tomorrow_at(8)) == 1
    assert outbox.queue_digests(now=tomorrow_at(9)) == 0  # once a day
    digest = OutboxEmail.objects.get(kind=OutboxKind.DIGEST)
    assert digest.notification_ids == [mine[1].pk, mine[2].pk, mine[3].pk]
    assert outbox.send_pending(now=tomorrow_at(9)) == 3  # with the member's two e-mails
    [mail] = [mail for mail in mailoutbox if mail.to == [advisor.email]]
    assert "3 nouvelles étapes" in mail.subject
    assert mail.body.count(ticket.reference) == 1  # grouped by request
    for phrase in ("Désormais prise en charge par", "En attente de la réponse", "Demande résolue"):
        assert phrase in mail.body
    assert "Nouvelle demande" not in mail.body

    # The next day's summary has only what came after.
    actions.add_reply(ticket, by=ticket.requester, body="Merci !")
    assert outbox.queue_digests(now=tomorrow_at(9)) == 0
    assert outbox.queue_digests(now=tomorrow_at(9) + timedelta(days=1)) == 1


def test_worker_once_sends_what_is_due(resolved, mailoutbox, settings):
    settings.DIGEST_HOUR = 24  # no summary due in this test
    call_command("worker", "--once")
    assert len(mailoutbox) == 1
    call_command("worker", "--once")
    assert len(mailoutbox) == 1


@needs_postgresql
@pytest.mark.django_db(transaction=True)
def test_claim_skips_rows_another_worker_holds(ticket, agent):
    actions.add_reply(ticket, by=agent, body="Le montant ?", then="wait")
    actions.resolve_ticket(ticket, by=agent)
    first, second = OutboxEmail.objects.order_by("pk")
    held, release = threading.Event(), threading.Event()

    def other_worker() -> None:
        from django.db import connection as own_connection
        from django.db import transaction

        try:
            with transaction.atomic():
                list(OutboxEmail.objects.select_for_update().filter(pk=first.pk))
                held.set()
                release.wait(10)
        finally:
            own_connection.close()

    thread = threading.Thread(target=other_worker)
    thread.start()
    assert held.wait(10)
    try:
        claimed = outbox.claim(now=later(seconds=1), limit=10)  # this test's own connection
    finally:
        release.set()
        thread.join()
    assert claimed == [second.pk]  # did not wait for, nor take, the locked row


@needs_postgresql
@pytest.mark.django_db(transaction=True)
def test_two_workers_never_send_the_same_email(ticket, member, agent, flaky_mail):
    notify.save_preferences(member, {"replied": Delivery.EMAIL})
    for n in range(40):
        actions.add_reply(ticket, by=agent, body=f"Message {n}")
    assert OutboxEmail.objects.filter(status=OutboxStatus.PENDING).count() == 40

    def worker() -> None:
        idle = 0
        while idle < 3:
            idle = idle + 1 if outbox.send_pending(now=later(seconds=1), limit=3) == 0 else 0
            time.sleep(0.001)

    assert run_together(worker, [()] * 4, timeout=60) == []
    ids = [message.extra_headers["X-Coopdesk-Outbox"] for message in flaky_mail.sent]
    assert len(ids) == 40 and len(set(ids)) == 40
    assert set(OutboxEmail.objects.values_list("status", flat=True)) == {OutboxStatus.SENT}


def test_email_to_someone_who_lost_access_is_not_sent(ticket, agent, other_category,
                                                      mailoutbox):
    actions.claim_ticket(ticket, by=agent)
    actions.add_reply(ticket, by=ticket.requester, body="Voici la facture")  # agent: e-mail
    assert OutboxEmail.objects.filter(recipient=agent).exists()
    actions.transfer_ticket(ticket, by=agent, to_team=other_category.team,
                            to_category=other_category, reason="C'est un litige")
    outbox.send_pending(now=later(seconds=1))
    assert agent.email not in [address for mail in mailoutbox for address in mail.to]
    assert OutboxEmail.objects.get(recipient=agent).status == OutboxStatus.FAILED


# --- beyond requests: paths, unpaid invoices, tutorials --------------------------------------


@pytest.fixture
def case(agent, member, team):
    return actions.open_collection_case(
        by=agent, member=member, team=team, client_name="Agence Horizon",
        invoice_number="F-31", amount="1850.00", due_date=date(2026, 10, 1),
    )


def test_daily_summary_tells_of_requests_and_invoices_alike(ticket, case, advisor, agent,
                                                            mailoutbox, settings):
    settings.DIGEST_HOUR, settings.SITE_URL = 7, "https://coop.example"
    actions.claim_ticket(ticket, by=agent)
    actions.propose_next_step(case, by=agent)
    assert not OutboxEmail.objects.filter(recipient=advisor, kind=OutboxKind.EVENT).exists()
    assert outbox.queue_digests(now=tomorrow_at(8)) == 1
    outbox.send_pending(now=tomorrow_at(9))
    [mail] = [mail for mail in mailoutbox if mail.to == [advisor.email]]
    assert "4 nouvelles étapes" in mail.subject
    assert mail.body.count(ticket.reference) == 1 and mail.body.count("Facture F-31") == 1
    assert "Facture F-31 – Agence Horizon, 1\xa0850,00 €" in mail.body
    assert f"Étape annoncée\u00a0: Première relance ({agent.first_name})" in mail.body
    assert f"https://coop.example{case.get_absolute_url()}" in mail.body


def test_english_reader_gets_an_invoice_step_in_english(case, member, agent, mailoutbox):
    member.language = "en"
    member.save()
    OutboxEmail.objects.all().delete()
    actions.propose_next_step(case, by=agent)
    outbox.send_pending(now=later(seconds=1))
    [mail] = mailoutbox
    assert mail.subject == "Step announced: First reminder – Invoice F-31 – Agence Horizon"
    assert mail.body.startswith(f"Hello {member.first_name},")
    assert "Unless you answer, the team will take the step “First reminder”" in mail.body


def test_email_about_an_invoice_the_reader_no_longer_follows_is_not_sent(
    case, member, advisor, other_member, agent, mailoutbox
):
    notify.save_preferences(advisor, {"collection": Delivery.EMAIL})
    actions.propose_next_step(case, by=agent)
    assert OutboxEmail.objects.filter(recipient=advisor).count() == 1
    member.advisor = other_member.advisor  # another advisor follows the member now
    member.save()
    outbox.send_pending(now=later(seconds=1))
    assert advisor.email not in [address for mail in mailoutbox for address in mail.to]
    assert len(mailoutbox) == 2  # the member's own: case opened, step announced
    row = OutboxEmail.objects.get(recipient=advisor)
    assert row.status == OutboxStatus.FAILED and "no longer see" in row.last_error


def test_email_about_something_deleted_since_is_not_sent(case, member, agent, mailoutbox):
    actions.propose_next_step(case, by=agent)
    case.delete()
    outbox.send_pending(now=later(seconds=1))
    assert mailoutbox == []
    assert set(OutboxEmail.objects.values_list("status", flat=True)) == {OutboxStatus.FAILED}


# --- account e-mails (allauth's, written when asked for) -------------------------------------


def test_a_reset_asked_while_the_mail_server_is_down_is_sent_once_it_is_back(
    client, member, flaky_mail
):
    """The page answers as usual; the e-mail waits in the outbox, goes once the server is
    back, and its text (a link with a key) is not kept once sent."""
    flaky_mail.failures = 1
    response = client.post(reverse("account_reset_password"), {"email": member.email})
    assert response["Location"] == reverse("account_reset_password_done")
    row = OutboxEmail.objects.get(kind=OutboxKind.ACCOUNT)
    assert (row.recipient, row.to_email) == (member, member.email)

    start = timezone.now()
    assert outbox.send_pending(now=start) == 0
    assert outbox.send_pending(now=start + timedelta(minutes=1)) == 1
    [mail] = flaky_mail.sent
    assert mail.to == [member.email] and "/accounts/password/reset/key/" in mail.body
    assert mail.subject.startswith("Coopdesk – ")
    row.refresh_from_db()
    assert (row.status, row.written, row.to_email) == (OutboxStatus.SENT, {}, "")


def test_an_account_email_to_an_account_closed_since_is_not_sent(client, member, mailoutbox):
    client.post(reverse("account_reset_password"), {"email": member.email})
    member.is_active = False
    member.save(update_fields=["is_active"])
    outbox.send_pending()
    assert mailoutbox == []
    row = OutboxEmail.objects.get(kind=OutboxKind.ACCOUNT)
    assert (row.status, row.written, row.to_email) == (OutboxStatus.FAILED, {}, "")


def test_an_account_email_to_an_address_without_an_account_has_no_recipient(
    client, db, mailoutbox
):
    client.post(reverse("account_reset_password"), {"email": "personne@exemple.fr"})
    row = OutboxEmail.objects.get(kind=OutboxKind.ACCOUNT)
    assert (row.recipient, row.to_email) == (None, "personne@exemple.fr")
    outbox.send_pending()
    [mail] = mailoutbox
    assert mail.to == ["personne@exemple.fr"]


def test_an_account_email_given_up_keeps_no_key(client, member, flaky_mail):
    flaky_mail.failures = 1000
    client.post(reverse("account_reset_password"), {"email": member.email})
    now = timezone.now()
    for _ in range(outbox.MAX_ATTEMPTS):
        outbox.send_pending(now=now)
        now += timedelta(hours=3)
    row = OutboxEmail.objects.get(kind=OutboxKind.ACCOUNT)
    assert (row.status, row.written, row.to_email) == (OutboxStatus.FAILED, {}, "")
