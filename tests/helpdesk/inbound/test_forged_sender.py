"""A forged From (security review): the member hears of a request opened in her name, and
with INBOUND_TRUSTED_AUTHSERV_ID set, only an e-mail her domain vouches for opens one."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from coopdesk import outbox
from helpdesk import inbound, notices
from helpdesk.inbound import Outcome
from helpdesk.models import InboundEmail, Ticket, TicketEvent
from tests.helpdesk.inbound.test_hostile import mail


@pytest.fixture
def team_address(team, category):
    team.email = "recouvrement@coop.example"
    team.save()
    return team.email


def test_the_member_is_told_of_a_request_opened_from_her_address(
    member, agent, team_address, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        result = inbound.process(mail(member.email, team_address, subject="Mon IBAN"))
    assert result.outcome == Outcome.OPENED

    event = TicketEvent.objects.get(kind="created")
    assert event.actor == member
    assert member in notices.ticket_recipients(event)
    with django_capture_on_commit_callbacks(execute=True):
        outbox.send_pending(now=timezone.now() + timedelta(minutes=5))
    [told] = [m for m in mailoutbox if m.to == [member.email]]
    with_her_words = told.body.replace("\n", " ")
    assert "withdraw" in with_her_words or "retirez" in with_her_words, told.body


def test_a_request_opened_on_the_site_does_not_tell_its_author(member, category):
    from helpdesk import actions

    actions.create_ticket(requester=member, category=category, subject="S", body="B")
    event = TicketEvent.objects.get(kind="created")
    assert member not in notices.ticket_recipients(event)



# --- INBOUND_TRUSTED_AUTHSERV_ID: the trusted mail server's verdict ------------------------------

TRUSTED = "mx.coop.example"


@pytest.fixture
def trusted(settings):
    settings.INBOUND_TRUSTED_AUTHSERV_ID = TRUSTED


def results(*values: str) -> list[str]:
    return [f"Authentication-Results: {value}" for value in values]


def domain_of(person) -> str:
    return person.email.rpartition("@")[2]


@pytest.mark.parametrize("verdict", [
    "{id}; spf=pass smtp.mailfrom={d}; dkim=pass header.d={d}; dmarc=pass header.from={d}",
    "{id} 1; dmarc=pass (p=none dis=none) header.from={d}",
    "{id}; dkim=pass (2048-bit key; unprotected) header.d=\"{d}\" header.s=s1",
    "{id}; dkim=pass header.i=@{d}",
    "{ID}; dkim=fail header.d=evil.test; dkim=pass header.d={d}",
])
def test_an_e_mail_the_trusted_server_vouches_for_opens_a_request(
    verdict, trusted, member, team_address
):
    header = verdict.format(id=TRUSTED, ID=TRUSTED.upper(), d=domain_of(member))
    result = inbound.process(mail(member.email, team_address, extra=results(header)))
    assert result.outcome == Outcome.OPENED, result


@pytest.mark.parametrize("verdicts", [
    [],  # nobody checked
    ["{id}; none"],
    ["{id}; spf=pass smtp.mailfrom={d}"],  # SPF alone says nothing of the From
    ["{id}; dkim=pass header.d=evil.test; dmarc=fail header.from={d}"],
    ["{id}; dkim=pass header.d=not{d}"],
    ["{id}; dkim=pass header.i=someone@evil.test"],
    ["{id}; dmarc=pass header.from=evil.test"],
    ["{id}; dkim=fail (bad signature) header.d={d}"],
    ["other.example; dmarc=pass header.from={d}"],  # someone else's word
    # Only the topmost from the trusted server counts: the sender wrote the ones below.
    ["{id}; dmarc=fail header.from={d}", "{id}; dmarc=pass header.from={d}"],
    ["{id}; dkim=pass header.d=(comment) evil.test; dmarc=none"],
])
def test_an_e_mail_it_does_not_vouch_for_opens_nothing_and_gets_no_answer(
    verdicts, trusted, member, team_address, mailoutbox, django_capture_on_commit_callbacks
):
    headers = results(*(v.format(id=TRUSTED, d=domain_of(member)) for v in verdicts))
    with django_capture_on_commit_callbacks(execute=True):
        result = inbound.process(mail(member.email, team_address, extra=headers))

    assert result.outcome == Outcome.UNVERIFIED_SENDER and result.refused
    assert not Ticket.objects.exists() and mailoutbox == []
    assert InboundEmail.objects.get().outcome == Outcome.UNVERIFIED_SENDER


def test_two_from_addresses_are_not_vouched_for(trusted, member, team_address):
    d = domain_of(member)
    raw = mail(f"{member.email}, other@{d}", team_address,
               extra=results(f"{TRUSTED}; dmarc=pass header.from={d}"))
    assert inbound.process(raw).outcome == Outcome.UNVERIFIED_SENDER


def test_a_reply_by_its_reply_address_needs_no_verdict(trusted, ticket, member, agent):
    from coopdesk import replies
    from helpdesk import actions

    actions.wait_for_member(ticket, by=agent, note="La facture ?")
    result = inbound.process(mail(member.email, replies.reply_address("t", ticket.pk, member)))
    assert result.outcome == Outcome.POSTED


def test_the_pipe_does_not_bounce_an_unverified_sender(trusted, member, team_address, monkeypatch):
    import io
    import sys

    from django.core.management import call_command

    raw = mail(member.email, team_address)
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(raw)))
    call_command("inbound_email", stdout=io.StringIO(), stderr=io.StringIO())  # exit 0
    assert InboundEmail.objects.get().outcome == Outcome.UNVERIFIED_SENDER


# --- answers to unknown senders: backscatter ---------------------------------------------------


def test_an_unknown_sender_is_answered_only_when_vouched_for(
    trusted, team_address, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        forged = inbound.process(mail("victim@else.test", team_address, msgid="<f@x>"))
        real = inbound.process(mail("stranger@else.test", team_address, msgid="<r@x>",
                                    extra=results(f"{TRUSTED}; dmarc=pass header.from=else.test")))

    assert forged.outcome == Outcome.UNKNOWN_SENDER
    assert real.outcome == Outcome.UNKNOWN_SENDER_ANSWERED
    assert [m.to for m in mailoutbox] == [["stranger@else.test"]]


def test_answers_to_unknown_senders_stop_at_the_daily_cap(
    settings, team_address, mailoutbox, django_capture_on_commit_callbacks
):
    settings.INBOUND_UNKNOWN_ANSWERS_PER_DAY = 2
    with django_capture_on_commit_callbacks(execute=True):
        outcomes = [
            inbound.process(mail(f"s{n}@else.test", team_address, msgid=f"<c{n}@x>")).outcome
            for n in range(4)
        ]

    assert outcomes == [Outcome.UNKNOWN_SENDER_ANSWERED] * 2 + [Outcome.UNKNOWN_SENDER] * 2
    assert len(mailoutbox) == 2
