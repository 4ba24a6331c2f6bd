"""A form sent twice (a double click, a resend after a slow network) does its work once:
the request's, reply's and note's forms carry a key made when the page is shown, and the
same key with the same words and files (and category, and reply step) gives back what the
first one made, without a second notice. With anything changed, it is kept as new."""

from __future__ import annotations

import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from helpdesk import actions
from helpdesk.models import Channel, EventKind, Message, State, Ticket, TicketEvent
from tests.concurrency import needs_postgresql, run_together
from tests.factories import CategoryFactory

KEY = "0123456789abcdef0123456789abcdef"


def pdf(name: str = "facture.pdf", content: bytes = b"%PDF-1.4 facture") -> SimpleUploadedFile:
    """A file as the browser sends it, a fresh upload each time the form is sent."""
    return SimpleUploadedFile(name, content, content_type="application/pdf")


def shown_key(page: str, form_id: str = "") -> str:
    start = page.index(f'id="{form_id}"') if form_id else 0
    return re.search(r'name="key" value="([0-9a-f]{32})"', page[start:]).group(1)


def test_the_same_form_twice_opens_one_request(member, category):
    first = actions.create_ticket(requester=member, category=category, subject="Impayé",
                                  body="Mon client ne paie pas.", form_key=KEY)
    again = actions.create_ticket(requester=member, category=category, subject="Impayé",
                                  body="Mon client ne paie pas.", form_key=KEY)
    assert again == first
    assert Ticket.objects.count() == 1
    assert TicketEvent.objects.filter(kind=EventKind.CREATED).count() == 1


def test_the_same_form_sent_back_with_other_words_opens_a_new_request(member, category):
    """Back in the browser after sending, she changes the text and sends: nothing lost."""
    first = actions.create_ticket(requester=member, category=category, subject="Impayé",
                                  body="Mon client ne paie pas.", form_key=KEY)
    other = actions.create_ticket(requester=member, category=category, subject="Autre",
                                  body="Une autre question.", form_key=KEY)
    assert other != first and other.body == "Une autre question."
    assert Ticket.objects.count() == 2


def test_another_member_with_the_same_key_has_her_own_request(member, other_member, category):
    first = actions.create_ticket(requester=member, category=category, subject="Impayé",
                                  body="Texte", form_key=KEY)
    hers = actions.create_ticket(requester=other_member, category=category, subject="Impayé",
                                 body="Texte", form_key=KEY)
    assert hers != first and hers.requester == other_member


def test_the_new_request_page_sent_twice_leads_to_the_one_request(
    member_client, category, sent_mail
):
    page = member_client.get(reverse("helpdesk:ticket-create")).content.decode()
    form = {"category": category.pk, "subject": "Impayé", "body": "Mon client ne paie pas.",
            "key": shown_key(page)}
    url = reverse("helpdesk:ticket-create")
    first, second = member_client.post(url, form), member_client.post(url, form)
    ticket = Ticket.objects.get()
    assert first.status_code == second.status_code == 302
    assert first["Location"] == second["Location"] == ticket.get_absolute_url()
    assert ticket.events.count() == 1


def test_a_page_without_the_key_still_posts(member_client, category):
    url = reverse("helpdesk:ticket-create")
    form = {"category": category.pk, "subject": "Impayé", "body": "Texte"}
    member_client.post(url, form)
    member_client.post(url, form)
    assert Ticket.objects.count() == 2  # no key, nothing to tell them apart


def test_the_record_form_sent_twice_records_one_request(agent_client, member, category):
    url = reverse("helpdesk:ticket-record")
    key = shown_key(agent_client.get(url).content.decode())
    form = {"member": member.email, "channel": "phone", "category": category.pk,
            "subject": "Relance client", "body": "Camille a appelé.", "key": key}
    assert agent_client.post(url, form).status_code == 302
    assert agent_client.post(url, form).status_code == 302
    ticket = Ticket.objects.get()
    assert ticket.channel == Channel.PHONE and ticket.events.count() == 1


def test_the_same_reply_twice_posts_one_message(member_client, ticket):
    page = member_client.get(ticket.get_absolute_url()).content.decode()
    form = {"body": "Voici la facture.", "key": shown_key(page, "reply-form")}
    url = reverse("helpdesk:ticket-reply", args=[ticket.pk])
    assert member_client.post(url, form).status_code == 302
    assert member_client.post(url, form).status_code == 302
    assert Message.objects.count() == 1
    assert ticket.events.filter(message__isnull=False).count() == 1


def test_a_reply_with_the_key_but_other_words_is_posted_too(member, ticket):
    first = actions.add_reply(ticket, by=member, body="Voici la facture.", form_key=KEY)
    other = actions.add_reply(ticket, by=member, body="Et le devis.", form_key=KEY)
    assert other != first and Message.objects.count() == 2


def test_a_key_from_another_request_posts_the_reply_there_too(member, ticket, category):
    second = actions.create_ticket(requester=member, category=category, subject="Autre",
                                   body="Autre")
    actions.add_reply(ticket, by=member, body="Même texte", form_key=KEY)
    actions.add_reply(second, by=member, body="Même texte", form_key=KEY)
    assert second.messages.count() == 1 and ticket.messages.count() == 1


def test_the_same_note_twice_saves_one_note(agent, ticket):
    first = actions.add_note(ticket, by=agent, body="Appelé le client.", form_key=KEY)
    again = actions.add_note(ticket, by=agent, body="Appelé le client.", form_key=KEY)
    assert again == first and Message.objects.filter(is_internal=True).count() == 1


def open_request(member, category, files=()):
    return actions.create_ticket(requester=member, category=category, subject="Impayé",
                                 body="Mon client ne paie pas.", files=files, form_key=KEY)


def test_the_same_form_sent_back_with_a_file_added_opens_a_new_request(member, category):
    """Back in the browser, she attaches the file she forgot and sends the same words: the
    file is not dropped (she is told it was sent)."""
    first = open_request(member, category)
    again = open_request(member, category, files=[pdf()])
    assert again != first and Ticket.objects.count() == 2
    assert [a.name for a in again.attachments.all()] == ["facture.pdf"]
    assert again.form_key == "" and first.form_key == KEY


def test_the_same_form_sent_back_with_another_category_opens_a_new_request(member, category):
    other = CategoryFactory(team=category.team, label="Un contrat")
    first = open_request(member, category)
    again = open_request(member, other)
    assert again != first and again.category == other and Ticket.objects.count() == 2


def test_the_same_form_with_its_file_sent_twice_opens_one_request(member, category):
    first = open_request(member, category, files=[pdf()])
    again = open_request(member, category, files=[pdf()])
    assert again == first and Ticket.objects.count() == 1
    assert first.attachments.count() == 1


def test_the_same_form_sent_back_with_another_file_of_the_same_name_opens_a_new_one(
    member, category
):
    open_request(member, category, files=[pdf()])
    open_request(member, category, files=[pdf(content=b"%PDF-1.4 la bonne facture")])
    assert Ticket.objects.count() == 2


def test_the_new_request_page_sent_back_with_a_file_keeps_both(member_client, category):
    page = member_client.get(reverse("helpdesk:ticket-create")).content.decode()
    form = {"category": category.pk, "subject": "Impayé", "body": "Mon client ne paie pas.",
            "key": shown_key(page)}
    url = reverse("helpdesk:ticket-create")
    assert member_client.post(url, form).status_code == 302
    assert member_client.post(url, {**form, "files": pdf()}).status_code == 302
    assert Ticket.objects.count() == 2
    assert Ticket.objects.filter(attachments__name="facture.pdf").count() == 1


def test_a_reply_sent_back_with_a_file_added_is_posted_with_it(member, ticket):
    first = actions.add_reply(ticket, by=member, body="Voici la facture.", form_key=KEY)
    again = actions.add_reply(ticket, by=member, body="Voici la facture.", files=[pdf()],
                              form_key=KEY)
    assert again != first and Message.objects.count() == 2
    assert again.attachments.count() == 1 and first.attachments.count() == 0


def test_the_same_reply_with_its_file_twice_posts_one_message(member_client, ticket):
    page = member_client.get(ticket.get_absolute_url()).content.decode()
    key = shown_key(page, "reply-form")
    url = reverse("helpdesk:ticket-reply", args=[ticket.pk])
    for _ in range(2):
        form = {"body": "Voici la facture.", "key": key, "files": pdf()}
        assert member_client.post(url, form).status_code == 302
    message = Message.objects.get()
    assert message.attachments.count() == 1


def test_a_reply_sent_back_to_resolve_resolves(agent, ticket):
    """She sent it, went back and picked "mark as resolved" with the same words: the step
    is taken, not dropped with the message said sent."""
    first = actions.add_reply(ticket, by=agent, body="C'est réglé.", form_key=KEY)
    again = actions.add_reply(ticket, by=agent, body="C'est réglé.", then="resolve",
                              form_key=KEY)
    ticket.refresh_from_db()
    assert again != first and ticket.state == State.RESOLVED
    assert TicketEvent.objects.get(message=again).kind == EventKind.RESOLVED


def test_a_reply_to_resolve_sent_twice_posts_once_and_resolves(agent, ticket):
    first = actions.add_reply(ticket, by=agent, body="C'est réglé.", then="resolve",
                              form_key=KEY)
    again = actions.add_reply(ticket, by=agent, body="C'est réglé.", then="resolve",
                              form_key=KEY)
    ticket.refresh_from_db()
    assert again == first and Message.objects.count() == 1
    assert ticket.state == State.RESOLVED


def test_a_reply_to_wait_sent_twice_posts_once(agent, ticket):
    first = actions.add_reply(ticket, by=agent, body="Il me faut le contrat.", then="wait",
                              form_key=KEY)
    again = actions.add_reply(ticket, by=agent, body="Il me faut le contrat.", then="wait",
                              form_key=KEY)
    assert again == first and Message.objects.count() == 1


def test_a_note_sent_back_with_a_file_added_is_saved_with_it(agent, ticket):
    first = actions.add_note(ticket, by=agent, body="Appelé le client.", form_key=KEY)
    again = actions.add_note(ticket, by=agent, body="Appelé le client.", files=[pdf()],
                             form_key=KEY)
    assert again != first and Message.objects.filter(is_internal=True).count() == 2
    assert again.attachments.count() == 1


@needs_postgresql
@pytest.mark.django_db(transaction=True)
def test_three_clicks_at_once_open_one_request(member, category):
    def send(_):
        actions.create_ticket(requester=member, category=category, subject="Impayé",
                              body="Mon client ne paie pas.", form_key=KEY)

    assert run_together(send, [(n,) for n in range(3)]) == []
    assert Ticket.objects.count() == 1
    assert TicketEvent.objects.filter(kind=EventKind.CREATED).count() == 1


@needs_postgresql
@pytest.mark.django_db(transaction=True)
def test_three_replies_at_once_post_one_message(member, ticket):
    def send(_):
        actions.add_reply(ticket, by=member, body="Voici la facture.", form_key=KEY)

    assert run_together(send, [(n,) for n in range(3)]) == []
    assert Message.objects.count() == 1
