"""E-mails about a request can be answered: reply address, threading, the line to write above."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core import signing
from django.utils import timezone

from coopdesk import outbox, replies
from coopdesk.models import Delivery, NoticeKind, NotificationPreference
from helpdesk import actions, inbound
from helpdesk.inbound import Outcome
from tests.helpdesk.inbound.conftest import answer_to


def send():
    outbox.send_pending(now=timezone.now() + timedelta(seconds=1))


def test_each_reader_gets_their_own_reply_address_and_one_thread(
    ticket, agent, member, mailoutbox
):
    actions.claim_ticket(ticket, by=agent)
    actions.add_reply(ticket, by=agent, then="wait", body="Pouvez-vous envoyer la facture ?")
    actions.add_reply(ticket, by=member, body="La voici.")
    send()
    to_member = [m for m in mailoutbox if m.to == [member.email]]
    to_agent = [m for m in mailoutbox if m.to == [agent.email]]
    assert to_member and to_agent
    root = replies.thread_id("t", ticket.pk)
    ids = set()
    for mail in mailoutbox:
        headers = mail.extra_headers
        assert headers["In-Reply-To"] == headers["References"] == root
        ids.add(headers["Message-ID"])
        assert replies.is_own_message_id(headers["Message-ID"])
    assert len(ids) == len(mailoutbox)  # one Message-ID per e-mail
    member_address = to_member[0].extra_headers["Reply-To"]
    agent_address = to_agent[0].extra_headers["Reply-To"]
    assert member_address != agent_address
    assert member_address == replies.reply_address("t", ticket.pk, member)
    local = member_address.split("@")[0]
    assert len(local) <= 64 and local == local.lower()
    token = replies.read_address(member_address)
    assert (token.kind, token.object_id, token.user_id) == ("t", ticket.pk, member.pk)


def test_the_line_to_write_above_is_in_the_readers_language(ticket, agent, member, mailoutbox):
    member.language = "fr"
    member.save()
    agent.language = "en"
    agent.save()
    actions.add_reply(ticket, by=agent, then="wait", body="Bonjour")
    actions.add_reply(ticket, by=member, body="Merci")
    send()
    [to_member] = [m for m in mailoutbox if m.to == [member.email]]
    [to_agent] = [m for m in mailoutbox if m.to == [agent.email]]
    assert to_member.body.startswith("## Écrivez votre réponse au-dessus de cette ligne")
    assert "au-dessus de cette ligne" in to_member.alternatives[0][0]
    assert to_agent.body.startswith("## Write your answer above this line to reply by e-mail. ##")
    assert "Répondez à cet e-mail, ou sur la page de la demande" in to_member.body


def test_no_reply_address_under_an_internal_note(ticket, agent, other_agent, mailoutbox):
    NotificationPreference.objects.create(user=agent, kind=NoticeKind.NOTE,
                                          delivery=Delivery.EMAIL)
    actions.claim_ticket(ticket, by=agent)
    actions.add_note(ticket, by=other_agent, body="Client connu pour payer en retard")
    send()
    [note] = [m for m in mailoutbox if "Client connu" in m.body]
    assert "Reply-To" not in note.extra_headers
    assert "##" not in note.body
    assert note.extra_headers["In-Reply-To"] == replies.thread_id("t", ticket.pk)


def test_without_reply_domain_no_reply_address(ticket, agent, mailoutbox, settings):
    settings.REPLY_DOMAIN = ""
    actions.add_reply(ticket, by=agent, then="wait", body="Bonjour")
    send()
    [mail] = mailoutbox
    assert "Reply-To" not in mail.extra_headers and "##" not in mail.body
    assert "Message-ID" in mail.extra_headers


def test_a_token_cannot_be_made_without_the_secret(ticket, member, settings):
    address = replies.reply_address("t", ticket.pk, member)
    settings.SECRET_KEY = "another-secret-key-entirely-0123456789"
    with pytest.raises(signing.BadSignature):
        replies.read_address(address)


def test_a_reply_to_a_real_notification_round_trips(ticket, agent, member, mailoutbox):
    """The member answers the very e-mail she got, quoting it, as her mail client does."""
    actions.claim_ticket(ticket, by=agent)
    actions.add_reply(ticket, by=agent, then="wait", body="Pouvez-vous envoyer la facture ?")
    send()
    [mail] = [m for m in mailoutbox if m.to == [member.email]]
    answer = answer_to(mail, "La voici, en pièce jointe demain.", sender=member.email,
                       message_id="round-trip@example.test")
    result = inbound.process(answer)
    assert result.outcome == Outcome.POSTED
    assert ticket.messages.latest("pk").body == "La voici, en pièce jointe demain."
    # Our own e-mail sent back unchanged is a loop, not a reply.
    assert inbound.process(mail.message().as_bytes()).outcome == Outcome.LOOP


def test_message_ids_name_a_host_never_a_port(settings):
    settings.REPLY_DOMAIN = ""
    settings.SITE_URL = "http://127.0.0.1:8000"
    assert replies.message_id("o1").endswith("@127.0.0.1>")
    assert replies.is_own_message_id(replies.message_id("o1"))
