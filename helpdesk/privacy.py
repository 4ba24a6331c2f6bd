"""A person's requests and invoices: what they download, and what their erasure removes.

Registered from HelpdeskConfig.ready() (see coopdesk/accounts/privacy.py).
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import PurePath

from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from coopdesk.accounts.models import User
from coopdesk.accounts.privacy import ERASED, Export, delete_files, register
from coopdesk.rendering import render_markdown
from helpdesk.models import (
    Attachment,
    CollectionCase,
    CollectionEvent,
    CollectionSettings,
    Draft,
    InboundEmail,
    Message,
    Satisfaction,
    Ticket,
    TicketEvent,
)
from helpdesk.spelling import forget_vocabularies


def _who(person: User | None) -> str:
    return person.first_name if person else ""


def export_requests(user: User) -> Export:
    """The person's requests with their public timeline: never an internal note, nor a file
    sent with one."""
    export = Export()
    tickets = Ticket.objects.filter(requester=user).select_related("category", "team")
    answers = {
        answer.ticket_id: answer for answer in Satisfaction.objects.filter(member=user)
    }
    for ticket in tickets.order_by("created_at", "pk"):
        files = []
        public_files = ticket.attachments.filter(
            Q(message__isnull=True) | Q(message__is_internal=False)
        )
        for attachment in public_files:
            path = f"files/{ticket.reference}/{attachment.pk}-{PurePath(attachment.name).name}"
            export.files.append((path, attachment.file))
            files.append({"name": attachment.name, "file": path})
        export.records.append({
            "reference": ticket.reference,
            "subject": ticket.subject,
            "body": ticket.body,
            "category": str(ticket.category),
            "team": str(ticket.team),
            "state": ticket.get_state_display(),
            "created_at": ticket.created_at.isoformat(),
            "timeline": [
                {"at": event.created_at.isoformat(), "what": event.get_kind_display(),
                 "by": _who(event.actor), "from": event.from_state, "to": event.to_state,
                 "note": event.note}
                for event in ticket.events.public().select_related("actor")
            ],
            "messages": [
                {"at": message.created_at.isoformat(), "by": _who(message.author),
                 "body": message.body}
                for message in ticket.messages.public().select_related("author")
            ],
            "files": files,
            # Her own answer to "How were you served?" (the team's timeline line is internal).
            "satisfaction": {
                "score": answers[ticket.pk].score, "comment": answers[ticket.pk].comment,
                "at": answers[ticket.pk].changed_at.isoformat(),
            } if ticket.pk in answers else None,
        })
    return export


def export_invoices(user: User) -> Export:
    export = Export()
    cases = CollectionCase.objects.filter(member=user).prefetch_related("events__actor")
    for case in cases.order_by("created_at", "pk"):
        export.records.append({
            "invoice_number": case.invoice_number,
            "client": case.client_name,
            "amount": str(case.amount),
            "due_date": case.due_date.isoformat(),
            "step": case.get_state_display(),
            "your_choices": case.overrides,
            "timeline": [
                {"at": event.created_at.isoformat(), "what": event.get_kind_display(),
                 "by": _who(event.actor), "step": event.step, "note": event.note}
                for event in case.events.all()
            ],
        })
    return export


def erase_requests(user: User) -> Iterable[QuerySet]:
    """Blank the free texts of and about the person, delete the files they sent and their
    drafts; the requests keep their shape (dates, states, teams, timeline kinds)."""
    tickets = Ticket.objects.filter(requester=user)
    sent = Attachment.objects.filter(uploaded_by=user)
    delete_files(attachment.file for attachment in sent)
    sent.delete()
    erased_html = render_markdown(ERASED)
    # Every message on their requests (a reply quotes them, a note is about them), and
    # whatever they wrote elsewhere.
    Message.objects.filter(Q(ticket__in=tickets) | Q(author=user)).update(
        body=ERASED, body_html=erased_html
    )
    TicketEvent.objects.filter(Q(ticket__in=tickets) | Q(actor=user)).exclude(note="").update(
        note=ERASED
    )
    tickets.update(subject=ERASED, body=ERASED, body_html=erased_html)
    # Her subjects and name leave the queues' "did you mean" words (kept in the cache under
    # the requests' count and last update, which erasing leaves as they were).
    forget_vocabularies(tickets.order_by().values_list("team", flat=True).distinct())
    # A merged duplicate's subject travels in the kept request's timeline.
    merged = list(TicketEvent.objects.filter(ticket__in=tickets, data__has_key="subject"))
    for event in merged:
        event.data = {**event.data, "subject": ERASED}
    TicketEvent.objects.bulk_update(merged, ["data"])
    Satisfaction.objects.filter(member=user).exclude(comment="").update(comment=ERASED)
    # Their drafts, and the team's drafts on their requests (a reason typed about them).
    Draft.objects.filter(Q(owner=user) | Q(ticket__in=tickets)).delete()
    # The e-mails she sent in (her address, and in the detail perhaps her words): the rows
    # stay, without them, so that a message delivered again is still known as processed.
    InboundEmail.objects.filter(Q(sender__iexact=user.email) | Q(ticket__in=tickets)).update(
        sender="", detail=""
    )
    return [tickets]


def erase_invoices(user: User) -> Iterable[QuerySet]:
    """The client's name and the notes go; invoice number, amount and steps stay."""
    cases = CollectionCase.objects.filter(member=user)
    CollectionEvent.objects.filter(Q(case__in=cases) | Q(actor=user)).exclude(note="").update(
        note=ERASED
    )
    cases.update(client_name=ERASED)
    CollectionSettings.objects.filter(member=user).delete()
    return [cases]


def register_privacy() -> None:
    register("requests", title=_("My requests"), export=export_requests, erase=erase_requests)
    register("invoices", title=_("My invoices"), export=export_invoices, erase=erase_invoices)
