"""Texts being typed, kept as drafts: a new request, or a reply, a note or a reason on a
request's page.
"""

from __future__ import annotations

from datetime import timedelta

from django.core.exceptions import PermissionDenied
from django.utils import timezone
from django.utils.translation import gettext as _

from coopdesk.accounts.models import User
from coopdesk.conflicts import Conflict
from coopdesk.rendering import MESSAGE_MAX_CHARS, NOTE_MAX_CHARS
from helpdesk.models import Category, Draft, DraftKind, Ticket, is_team_agent

# --- drafts --------------------------------------------------------------------------------------


def save_draft(
    *, owner: User, key: str, subject: str, body: str, category: Category | None
) -> Draft | None:
    """Keep what the member typed, keyed by the form's page so racing saves share one draft.

    An untouched, empty form leaves no draft behind.
    """
    existing = Draft.objects.filter(owner=owner, key=key)
    if not (subject.strip() or body.strip()) and not existing.exists():
        return None
    # update_or_create retries on the unique (owner, key) when two saves race.
    draft, _created = Draft.objects.update_or_create(
        owner=owner,
        key=key,
        defaults={"subject": subject[:200], "body": body, "category": category,
                  "updated_at": timezone.now()},
    )
    return draft


def text_draft_key(kind: str, ticket: Ticket) -> str:
    return f"{kind}-{ticket.pk}"


# What may be typed on a request's page and kept as a draft, with who may type it: "all"
# who may reply, "team" (the request's team), "requester" (the member's own steps). The
# limits are the fields' own, so that a draft always fits back into its form.
TICKET_DRAFTS = {
    DraftKind.REPLY: ("all", MESSAGE_MAX_CHARS),
    DraftKind.NOTE: ("team", MESSAGE_MAX_CHARS),
    DraftKind.REOPEN: ("requester", NOTE_MAX_CHARS),
    DraftKind.WITHDRAW: ("requester", NOTE_MAX_CHARS),
    DraftKind.TRANSFER: ("team", NOTE_MAX_CHARS),
    DraftKind.CATEGORY: ("team", NOTE_MAX_CHARS),
    DraftKind.PRIORITY: ("team", NOTE_MAX_CHARS),
    DraftKind.MERGE: ("team", NOTE_MAX_CHARS),
}
# Drafts nobody touched for this long are deleted by a worker job.
DRAFT_KEEP_DAYS = 30


def forget_draft(owner: User, kind: str, ticket: Ticket) -> None:
    """The text was sent: its draft goes (inside the action's transaction, so a refused
    step keeps it)."""
    Draft.objects.filter(owner=owner, key=text_draft_key(kind, ticket)).delete()


def may_draft_on(ticket: Ticket, user: User, kind: str) -> bool:
    """May this person type a draft of `kind` on this request (which they may open)?"""
    who = TICKET_DRAFTS[kind][0]
    if who == "team":
        return is_team_agent(ticket, user)
    if who == "requester":
        return ticket.requester_id == user.pk
    return True


def save_text_draft(*, owner: User, ticket: Ticket, kind: str, body: str) -> Draft | None:
    """Keep a reply, an internal note, a step note or a reason being typed on a request.
    An emptied box deletes its draft."""
    if kind not in TICKET_DRAFTS:
        raise Conflict(_("Unknown kind of draft."))
    if not may_draft_on(ticket, owner, kind):
        raise PermissionDenied("this person does not write this on this request")
    return keep_text(owner=owner, key=text_draft_key(kind, ticket), kind=kind, body=body,
                     ticket=ticket)


def keep_text(
    *, owner: User, key: str, kind: str, body: str, subject: str = "", ticket: Ticket | None = None,
    category: Category | None = None,
) -> Draft | None:
    """The one way a text being typed is kept (requests' boxes, articles): by owner and
    key, so that racing saves (typing, leaving the page) update one draft; emptied, it
    goes."""
    if not (body.strip() or subject.strip()):
        forget_text(owner=owner, key=key)
        return None
    draft, _created = Draft.objects.update_or_create(
        owner=owner, key=key,
        defaults={"kind": kind, "ticket": ticket, "subject": subject, "body": body,
                  "category": category, "updated_at": timezone.now()},
    )
    return draft


def forget_text(*, owner: User, key: str) -> None:
    """The text was sent, or emptied: its draft goes (in the sender's transaction)."""
    Draft.objects.filter(owner=owner, key=key).delete()


def forget_old_drafts(now=None) -> int:
    """Worker job: drafts untouched for DRAFT_KEEP_DAYS go (a form left for good)."""
    cutoff = (now or timezone.now()) - timedelta(days=DRAFT_KEEP_DAYS)
    deleted, _by_model = Draft.objects.filter(updated_at__lt=cutoff).delete()
    return deleted
