"""One path for every e-mail that comes in: what each real-world message becomes."""

from __future__ import annotations

import base64
from datetime import timedelta

import pytest
from django.utils import timezone

from coopdesk.replies import b36
from helpdesk import actions, inbound
from helpdesk.inbound import Outcome
from helpdesk.models import EventKind, InboundEmail, Message, State, Ticket
from tests.factories import UserFactory
from tests.helpdesk.inbound.conftest import fill, message

MARKER = "Write your answer above this line"


def posted(ticket) -> list[Message]:
    return list(Message.objects.filter(ticket=ticket).exclude(body__startswith="Pouvez"))


# --- real mail clients -----------------------------------------------------------------------

CLIENTS = [
    # fixture, words kept, words cut (quoted history, signature, our own e-mail), files
    ("gmail_fr.eml", ["Voici le numéro de la facture : F-12", 'paierait "bientôt"'],
     ["a écrit", "Bonjour Camille", "##"], 0),
    ("outlook_en.eml", ["the client promised to pay “soon”"],
     ["From: Coopdesk", "Sent:", "Hello Camille", "##"], 0),  # the signature's logo is no file
    ("apple_mail_fr.eml", ["Je vous joins la facture F-12 et la relance"],
     ["a écrit", "Bonjour Camille"], 1),
    ("thunderbird_en.eml", ["Here is a screenshot", "- sent on 1 November", "- no answer since"],
     ["wrote:", "Graphic design", "06 12 34 56 78"], 1),
    ("android_fr.eml", ["le client a payé ce matin, merci !"],
     ["Galaxy", "Message d'origine", "Objet", "Bonjour Camille"], 0),
    ("iphone_en.eml", ["Thanks, I'll call the client tomorrow."],
     ["Sent from my iPhone", "wrote:", "Hello Camille"], 0),
    ("html_only_fr.eml",
     ["Le client a enfin répondu", "paiement le 10", "par virement", "mon lien"],
     ["alert", "color:red", "javascript", "steal", "pixel", "Bonjour Camille", "a écrit"], 0),
]


@pytest.mark.parametrize(("name", "kept", "cut", "files"), CLIENTS)
def test_a_reply_from_a_real_mail_client_lands_in_the_request(
    name, kept, cut, files, ticket, member, agent
):
    actions.wait_for_member(ticket, by=agent, note="Pouvez-vous envoyer la facture ?")
    result = inbound.process(message(name, sender=member, ticket=ticket))

    assert result.outcome == Outcome.POSTED, result
    [reply] = posted(ticket)
    assert reply.author == member and not reply.is_internal
    for words in kept:
        assert words in reply.body
    for words in cut:
        assert words not in reply.body, reply.body
    assert reply.attachments.count() == files
    # The member's answer to a question resumes the request, as the web form does.
    ticket.refresh_from_db()
    assert ticket.state == State.OPEN
    assert ticket.events.latest("pk").kind == EventKind.ANSWERED
    assert InboundEmail.objects.get().outcome == Outcome.POSTED


def test_attachment_keeps_its_name_and_goes_through_the_form_checks(ticket, member):
    inbound.process(message("apple_mail_fr.eml", sender=member, ticket=ticket))
    [file] = ticket.attachments.all()
    assert file.name == "facture-F-12 décembre.pdf"
    assert file.content_type == "application/pdf"
    assert file.file.read().startswith(b"%PDF-1.4")


def test_an_agents_reply_by_email_is_a_public_reply(ticket, agent, member):
    result = inbound.process(message("thunderbird_en.eml", sender=agent, ticket=ticket))
    assert result.outcome == Outcome.POSTED
    [reply] = posted(ticket)
    assert reply.author == agent and not reply.is_internal
    ticket.refresh_from_db()
    assert ticket.state == State.OPEN  # acknowledged by the answer, as on the page
    assert ticket.first_response_at is not None


def test_the_same_message_twice_is_posted_once(ticket, member):
    raw = message("gmail_fr.eml", sender=member, ticket=ticket)
    assert inbound.process(raw).outcome == Outcome.POSTED
    assert inbound.process(raw).outcome == Outcome.DUPLICATE
    assert len(posted(ticket)) == 1
    assert InboundEmail.objects.count() == 1


def test_a_message_without_message_id_is_still_processed_once(ticket, member):
    raw = message("iphone_en.eml", sender=member, ticket=ticket).replace(b"Message-Id:", b"X-Old:")
    assert inbound.process(raw).outcome == Outcome.POSTED
    assert inbound.process(raw).outcome == Outcome.DUPLICATE
    assert len(posted(ticket)) == 1


# --- hostile and automatic mail --------------------------------------------------------------


@pytest.mark.parametrize(("name", "outcome"), [
    ("auto_reply_fr.eml", Outcome.AUTO_REPLY),
    ("out_of_office_exchange.eml", Outcome.AUTO_REPLY),
    ("list_bulk.eml", Outcome.AUTO_REPLY),
    ("bounce.eml", Outcome.BOUNCE),
    ("bare_bounce.eml", Outcome.BOUNCE),
    ("loop.eml", Outcome.LOOP),
])
def test_automatic_mail_is_ignored_never_posted_nor_answered(
    name, outcome, ticket, member, mailoutbox
):
    result = inbound.process(message(name, sender=member, ticket=ticket))
    assert result.outcome == outcome
    assert not result.refused  # the pipe exits 0: no bounce to a bounce
    assert posted(ticket) == []
    assert mailoutbox == []


def test_a_stolen_reply_address_used_from_another_address_is_refused(
    ticket, member, other_member
):
    raw = message("gmail_fr.eml", sender=other_member, ticket=ticket, token_for=member)
    result = inbound.process(raw)
    assert result.outcome == Outcome.SENDER_MISMATCH and result.refused
    assert posted(ticket) == []
    assert InboundEmail.objects.get().outcome == Outcome.SENDER_MISMATCH


def test_a_forged_token_is_refused(ticket, member, other_member, category):
    """A person changes the request's id in their own address: the signature fails."""
    theirs = actions.create_ticket(requester=other_member, category=category, subject="À moi",
                                   body="Ma demande")
    raw = message("gmail_fr.eml", sender=other_member, ticket=theirs)
    forged = raw.replace(f"reply+t{b36(theirs.pk)}.".encode(), f"reply+t{b36(ticket.pk)}.".encode())
    assert forged != raw
    assert inbound.process(forged).outcome == Outcome.BAD_TOKEN
    assert posted(ticket) == []


def test_a_token_for_someone_no_longer_permitted_is_refused(ticket, member, advisor, office):
    """The advisor watched the request; the member changed advisor since."""
    raw = message("thunderbird_en.eml", sender=advisor, ticket=ticket)
    member.advisor = UserFactory(role=advisor.role, office=office)
    member.save()
    ticket.watchers.remove(advisor)
    assert inbound.process(raw).outcome == Outcome.NOT_PERMITTED
    assert posted(ticket) == []


def test_a_token_stops_working_when_the_person_changes_address(ticket, member):
    raw = message("gmail_fr.eml", sender=member, ticket=ticket)
    member.email = "camille.nouvelle@example.test"
    member.save()
    assert inbound.process(fill_sender(raw, member.email)).outcome == Outcome.SENDER_MISMATCH


def fill_sender(raw: bytes, address: str) -> bytes:
    lines = raw.split(b"\n")
    return b"\n".join(
        f"From: <{address}>".encode() if line.startswith(b"From:") else line for line in lines
    )


def test_a_reply_to_a_closed_request_is_refused_with_the_reason(ticket, member, agent):
    actions.resolve_ticket(ticket, by=agent)
    actions.confirm_resolution(ticket, by=member)
    result = inbound.process(message("gmail_fr.eml", sender=member, ticket=ticket))
    assert result.outcome == Outcome.CLOSED
    assert "ouvrir une nouvelle demande" in result.detail  # in her language, for the bounce
    assert posted(ticket) == []


def test_a_refused_attachment_refuses_the_whole_message(ticket, member):
    result = inbound.process(message("exe_attachment.eml", sender=member, ticket=ticket))
    assert result.outcome == Outcome.BAD_ATTACHMENT
    assert "facture.exe" in result.detail
    assert posted(ticket) == [] and ticket.attachments.count() == 0


def test_thirty_megabytes_are_refused_before_parsing(ticket, member, settings):
    raw = message("gmail_fr.eml", sender=member, ticket=ticket)
    raw += b"\n" + b"A" * (30 * 1024 * 1024)
    result = inbound.process(raw)
    assert result.outcome == Outcome.TOO_LARGE and "30 MB" in result.detail
    assert posted(ticket) == []
    assert InboundEmail.objects.get().outcome == Outcome.TOO_LARGE


def test_broken_mime_and_unknown_charsets_do_not_crash(ticket, member):
    result = inbound.process(message("broken_mime.eml", sender=member, ticket=ticket))
    # Readable text is posted; the cut attachment is a file the form refuses anyway.
    assert result.outcome in {Outcome.POSTED, Outcome.BAD_ATTACHMENT}, result
    if result.outcome == Outcome.POSTED:
        [reply] = posted(ticket)
        assert "je vous tiens au courant" in reply.body


@pytest.mark.parametrize("raw", [b"", b"\x00\xff garbage", b"From: nobody\n\n", b"\r\n\r\n"])
def test_garbage_is_refused_never_a_crash(raw, db):
    assert inbound.process(raw).refused


def test_a_sender_writing_too_often_is_slowed_down(ticket, member, settings):
    settings.INBOUND_MAX_PER_HOUR = 2
    raw = message("iphone_en.eml", sender=member, ticket=ticket)
    outcomes = [
        inbound.process(raw.replace(b"F1E2D3C4", f"{n:08X}".encode())).outcome for n in range(3)
    ]
    assert outcomes == [Outcome.POSTED, Outcome.POSTED, Outcome.RATE_LIMITED]
    assert len(posted(ticket)) == 2


def test_mail_to_an_address_we_do_not_handle_is_refused(member):
    raw = fill("gmail_fr.eml", **{"from": member.email, "reply": "someone@else.example",
                                  "root": "<x@y>", "domain": "y"})
    assert inbound.process(raw).outcome == Outcome.NO_ADDRESS


# --- new requests to a team's address --------------------------------------------------------


def test_a_member_writing_to_a_teams_address_opens_a_request(member, team, category):
    result = inbound.process(message("new_request_fr.eml", sender=member, team=team))
    assert result.outcome == Outcome.OPENED
    ticket = Ticket.objects.get(pk=result.ticket_id)
    assert (ticket.requester, ticket.team) == (member, team)
    assert ticket.subject == "Relance client Horizon"
    assert "ne paie pas la facture F-31" in ticket.body
    assert ticket.category.by_email and not ticket.category.is_active
    assert ticket.attachments.get().name == "F-31.pdf"
    assert ticket.events.get().kind == EventKind.CREATED
    # The category is the team's one triage category, not one per e-mail.
    again = message("new_request_fr.eml", sender=member, team=team).replace(b"0001@", b"0002@")
    second = Ticket.objects.get(pk=inbound.process(again).ticket_id)
    assert second.category == ticket.category


def test_an_unknown_sender_gets_one_polite_answer_a_day(
    team, mailoutbox, time_machine, django_capture_on_commit_callbacks
):
    time_machine.move_to(timezone.now().replace(hour=10), tick=False)
    raw = message("new_request_fr.eml", sender="inconnu@example.test", team=team)
    with django_capture_on_commit_callbacks(execute=True):
        first = inbound.process(raw)
        second = inbound.process(raw.replace(b"0001@", b"0002@"))
    assert (first.outcome, second.outcome) == (
        Outcome.UNKNOWN_SENDER_ANSWERED, Outcome.UNKNOWN_SENDER)
    [answer] = mailoutbox
    assert answer.to == ["inconnu@example.test"]
    assert answer.extra_headers["Auto-Submitted"] == "auto-replied"
    assert "/parcours/reunions/" in answer.body
    assert Ticket.objects.count() == 0
    time_machine.move_to(timezone.now() + timedelta(days=1))
    with django_capture_on_commit_callbacks(execute=True):
        inbound.process(raw.replace(b"0001@", b"0003@"))
    assert len(mailoutbox) == 2


def test_an_auto_reply_to_a_teams_address_gets_no_answer(team, mailoutbox):
    raw = fill("auto_reply_fr.eml", **{"from": "inconnu@example.test", "reply": team.email})
    assert inbound.process(raw).outcome == Outcome.AUTO_REPLY
    assert mailoutbox == []


def test_a_forwarded_e_mail_to_a_team_keeps_what_was_forwarded(member, team):
    raw = (
        f"From: {member.email}\nTo: {team.email}\nSubject: Fwd: Relance Horizon\n"
        "Message-ID: <fwd-0001@example.test>\nContent-Type: text/plain; charset=utf-8\n\n"
        "Voici ce que le client m'a répondu.\n\n"
        "---------- Forwarded message ---------\nFrom: Agence Horizon <compta@horizon.example>\n"
        "Date: Fri, 4 Dec 2026 at 17:02\nSubject: Relance\n\n"
        "Nous paierons la facture F-31 fin janvier.\n"
    ).encode()
    ticket = Ticket.objects.get(pk=inbound.process(raw).ticket_id)
    assert "Voici ce que le client m'a répondu." in ticket.body
    assert "Nous paierons la facture F-31 fin janvier." in ticket.body


def test_a_heading_the_person_wrote_is_not_taken_for_our_line(ticket, member):
    raw = message("iphone_en.eml", sender=member, ticket=ticket).replace(
        b"Thanks, I'll call the client tomorrow.",
        b"## Calendrier ##\n\nThanks, I'll call the client tomorrow.",
    )
    assert inbound.process(raw).outcome == Outcome.POSTED
    [reply] = posted(ticket)
    assert reply.body.startswith("## Calendrier ##")


def test_a_photo_pasted_in_the_text_is_kept_a_signature_logo_is_not(ticket, member):
    raw = message("outlook_en.eml", sender=member, ticket=ticket)
    photo = base64.encodebytes(b"\x89PNG\r\n\x1a\n" + b"\x00" * 40_000)
    raw = raw.replace(
        b"--_004_AM9PR07MB7140_--",
        b"--_004_AM9PR07MB7140_\nContent-Type: image/png; name=\"photo.png\"\n"
        b"Content-Disposition: inline; filename=\"photo.png\"\n"
        b"Content-ID: <photo.png@01DA2B3C>\nContent-Transfer-Encoding: base64\n\n"
        + photo + b"\n--_004_AM9PR07MB7140_--",
    ).replace(
        b"<img src=3D\"cid:image001",
        b"<img src=3D\"cid:photo.png@01DA2B3C\"><img src=3D\"cid:image001",
    )
    assert inbound.process(raw).outcome == Outcome.POSTED
    assert [a.name for a in ticket.attachments.all()] == ["photo.png"]
