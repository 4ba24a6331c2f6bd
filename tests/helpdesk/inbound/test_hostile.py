"""Hostile e-mails (security review): none stops the mailbox, none reaches the database
with what PostgreSQL refuses, none is taken for what it is not."""

from __future__ import annotations

from unittest import mock

import pytest
from django.db import OperationalError

from coopdesk import replies
from helpdesk import actions, inbound
from helpdesk.inbound import Outcome
from helpdesk.models import InboundEmail, Message, Ticket


def mail(frm, to, *, subject="Bonjour", body="Bonjour", filename=None, msgid="<x1@ex.test>",
         extra=()):
    parts = [f"From: {frm}", f"To: {to}", f"Subject: {subject}", f"Message-ID: {msgid}",
             *extra, "MIME-Version: 1.0"]
    if filename is None:
        parts += ["Content-Type: text/plain; charset=utf-8", "", body]
    else:
        parts += ['Content-Type: multipart/mixed; boundary="b1"', "", "--b1",
                  "Content-Type: text/plain; charset=utf-8", "", body, "--b1",
                  f'Content-Type: application/pdf; name="{filename}"',
                  f'Content-Disposition: attachment; filename="{filename}"',
                  "Content-Transfer-Encoding: base64", "", "JVBERi0xLjQK", "--b1--"]
    return "\r\n".join(parts).encode()


@pytest.fixture
def team_address(team, category):
    team.email = "recouvrement@coop.example"
    team.save()
    return team.email


# --- file names ------------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["..", ".", "/", "../..", "a/../.."])
def test_a_file_named_like_a_directory_is_kept_as_attachment(name, member, team_address):
    result = inbound.process(mail(member.email, team_address, filename=name, body="Voici"))

    assert result.outcome == Outcome.OPENED, result
    [attachment] = Ticket.objects.get().attachments.all()
    assert attachment.name not in ("", ".", "..", "/")
    assert "/" not in attachment.name and ".." != attachment.name


def test_a_file_name_with_a_path_keeps_its_last_part(ticket, member, agent):
    actions.wait_for_member(ticket, by=agent, note="La facture ?")
    to = replies.reply_address("t", ticket.pk, member)
    result = inbound.process(mail(member.email, to, filename="../../etc/facture.pdf"))

    assert result.outcome == Outcome.POSTED, result
    assert ticket.attachments.get().name == "facture.pdf"


def test_a_refused_upload_name_is_a_bad_attachment_not_a_crash(ticket, member, agent):
    from django.core.exceptions import SuspiciousFileOperation

    actions.wait_for_member(ticket, by=agent, note="La facture ?")
    to = replies.reply_address("t", ticket.pk, member)
    with mock.patch.object(inbound, "SimpleUploadedFile",
                           side_effect=SuspiciousFileOperation("no")):
        result = inbound.process(mail(member.email, to, filename="f.pdf"))

    assert result.outcome == Outcome.BAD_ATTACHMENT
    assert InboundEmail.objects.get().outcome == Outcome.BAD_ATTACHMENT


# --- NUL and control characters (PostgreSQL refuses NUL in text) --------------------------------


def test_nul_in_an_encoded_subject_is_dropped(member, team_address):
    result = inbound.process(mail(member.email, team_address, subject="=?utf-8?q?a=00b?="))

    assert result.outcome == Outcome.OPENED, result
    assert Ticket.objects.get().subject == "ab"


def test_nul_in_a_quoted_printable_body_is_dropped(ticket, member, agent):
    actions.wait_for_member(ticket, by=agent, note="La facture ?")
    raw = (f"From: {member.email}\r\nTo: {replies.reply_address('t', ticket.pk, member)}\r\n"
           "Subject: re\r\nMessage-ID: <nul2@x>\r\nContent-Type: text/plain; charset=utf-8\r\n"
           "Content-Transfer-Encoding: quoted-printable\r\n\r\nhello=00world=07\tok\r\n").encode()
    result = inbound.process(raw)

    assert result.outcome == Outcome.POSTED, result
    assert Message.objects.filter(ticket=ticket, author=member).get().body == "helloworld\tok"


def test_nul_in_the_message_id_is_dropped(db):
    raw = (b"From: stranger@evil.test\r\nTo: nobody@elsewhere.test\r\nSubject: hi\r\n"
           b"Message-ID: <a\x00b@x>\r\nContent-Type: text/plain\r\n\r\nhello\r\n")
    result = inbound.process(raw)

    assert result.outcome == Outcome.NO_ADDRESS
    assert InboundEmail.objects.get().message_id == "<ab@x>"


def test_nul_in_the_recipients_and_sender_is_dropped(db):
    raw = (b"From: stran\x00ger@evil.test\r\n"
           b"To: =?utf-8?q?a=00?= <no\x00body@elsewhere.test>\r\nSubject: hi\r\n"
           b"Message-ID: <ok1@x>\r\nContent-Type: text/plain\r\n\r\nhello\r\n")
    result = inbound.process(raw)

    assert result.outcome == Outcome.NO_ADDRESS
    record = InboundEmail.objects.get()
    assert "\x00" not in record.sender + record.detail


def test_nul_in_a_file_name_is_dropped(member, team_address):
    result = inbound.process(mail(member.email, team_address, filename="fac=00ture.pdf"))

    assert result.outcome == Outcome.OPENED, result
    assert "\x00" not in Ticket.objects.get().attachments.get().name


# --- whatever else goes wrong --------------------------------------------------------------------


def test_an_unexpected_error_is_recorded_as_unreadable(member, team_address):
    with mock.patch.object(inbound, "_route", side_effect=RuntimeError("boom")):
        result = inbound.process(mail(member.email, team_address, msgid="<boom@x>"))

    assert result.outcome == Outcome.UNREADABLE and result.refused
    assert InboundEmail.objects.get().message_id == "<boom@x>"
    # Recorded once: delivered again, it is a duplicate, not a second failure.
    assert inbound.process(mail(member.email, team_address, msgid="<boom@x>")).outcome == (
        Outcome.DUPLICATE)


def test_the_database_unreachable_is_left_to_the_caller(member, team_address):
    with mock.patch.object(inbound, "_route", side_effect=OperationalError("down")), \
            pytest.raises(OperationalError):
        inbound.process(mail(member.email, team_address))
    assert not InboundEmail.objects.exists()


# --- the hourly limit ----------------------------------------------------------------------------


def test_forged_junk_in_a_members_name_does_not_block_her_replies(ticket, member, agent, settings):
    from tests.helpdesk.inbound.conftest import DOMAIN

    settings.INBOUND_MAX_PER_HOUR = 3
    actions.wait_for_member(ticket, by=agent, note="La facture ?")
    forged = f"reply+t1.1.abcd.{'a' * 26}@{DOMAIN}"
    for n in range(settings.INBOUND_MAX_PER_HOUR + 2):
        assert inbound.process(mail(member.email, forged, msgid=f"<junk{n}@evil>")).refused
    to = replies.reply_address("t", ticket.pk, member)
    result = inbound.process(mail(member.email, to, msgid="<legit@x>"))
    assert result.outcome == Outcome.POSTED, result


# --- erasure -------------------------------------------------------------------------------------


def test_an_erased_members_e_mails_keep_neither_her_address_nor_her_words(
    ticket, member, agent, admin_user
):
    from coopdesk.accounts.erasure import ask_erasure, erase_account

    actions.wait_for_member(ticket, by=agent, note="La facture ?")
    address = member.email
    inbound.process(mail(address, replies.reply_address("t", ticket.pk, member), msgid="<a@x>"))
    inbound.process(mail(address, "nobody@elsewhere.test", msgid="<b@x>"))  # refused
    assert InboundEmail.objects.filter(sender=address).count() == 2

    ask_erasure(member)
    erase_account(member, by=admin_user)

    rows = list(InboundEmail.objects.values_list("message_id", "sender", "detail"))
    assert sorted(message_id for message_id, _s, _d in rows) == ["<a@x>", "<b@x>"]
    assert not any(address in sender + detail for _m, sender, detail in rows)
    # Delivered again, still known as processed.
    assert inbound.process(mail(address, "nobody@elsewhere.test", msgid="<b@x>")).outcome == (
        Outcome.DUPLICATE
    )
