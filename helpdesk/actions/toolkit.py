"""An agent's tools on requests: merging duplicates, linking related requests, saved
replies, watchers.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import F
from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _

from coopdesk import lifecycle, notify
from coopdesk.accounts.models import Role, User
from coopdesk.conflicts import Conflict
from helpdesk.actions.drafts import forget_draft
from helpdesk.models import (
    Attachment,
    DraftKind,
    EventKind,
    Message,
    SavedReply,
    State,
    Team,
    Ticket,
    is_team_agent,
)

# --- duplicates and related requests ----------------------------------------------------------


def _lock_pair(first: Ticket, second: Ticket) -> tuple[Ticket, Ticket]:
    """Both rows locked, the lower id first, so that two merges of the same pair in
    opposite directions cannot deadlock."""
    if first.pk == second.pk:
        raise Conflict(_("A request cannot be merged into, or linked to, itself."))
    locked = {}
    for ticket in sorted((first, second), key=lambda ticket: ticket.pk):
        locked[ticket.pk] = lifecycle.lock(ticket)
    return locked[first.pk], locked[second.pk]


@transaction.atomic
def merge_tickets(
    duplicate: Ticket, *, into: Ticket, by: User, reason: str = "",
    expected_version: int | None = None,
) -> Ticket:
    """Close `duplicate` and continue it in `into`: its opening message, messages and files
    move to `into`'s timeline (each marked as coming from the duplicate), its watchers
    follow, the two are linked, and its member is told in plain words. Only the requests of
    one member: merging two members' requests would show each the other's words."""
    duplicate, into = _lock_pair(duplicate, into)
    if expected_version is not None and duplicate.version != expected_version:
        duplicate = lifecycle.lock(duplicate, expected_version)  # raises the stale message
    if not (is_team_agent(duplicate, by) and is_team_agent(into, by)):
        raise PermissionDenied("only an agent of both teams merges two requests")
    if duplicate.requester_id != into.requester_id:
        raise Conflict(_(
            "These requests are from two different members: each would read the other's "
            "messages. Link them instead."
        ))
    if into.state in (State.CLOSED, State.WITHDRAWN):
        raise Conflict(_("The request to keep is closed: choose one still open."))
    before = duplicate.state
    # Recorded for her by the team (phone, e-mail, counter): she did not ask twice, and is
    # not told she did.
    recorded = duplicate.events.filter(kind=EventKind.CREATED, data__has_key="channel").exists()
    lifecycle.run(duplicate, duplicate.close, by)
    duplicate.merged_into = into
    reference = duplicate.reference
    marked = {"merged_from": reference, "merged_from_id": duplicate.pk}
    opening = Message.objects.create(
        ticket=into, author=duplicate.requester, body=duplicate.body,
        created_at=duplicate.created_at,
    )
    Attachment.objects.filter(ticket=duplicate, message__isnull=True).update(
        ticket=into, message=opening
    )
    into.events.create(
        kind=EventKind.REPLIED, actor=duplicate.requester, to_state=into.state,
        message=opening, created_at=duplicate.created_at,
        data={**marked, "opening": True, "subject": duplicate.subject},
    )
    Message.objects.filter(ticket=duplicate).update(ticket=into)
    Attachment.objects.filter(ticket=duplicate).update(ticket=into)
    for event in duplicate.events.filter(message__isnull=False):
        event.ticket, event.data = into, {**event.data, **marked}
        event.save(update_fields=["ticket", "data"])
    into.watchers.add(*duplicate.watchers.all())
    into.related_requests.add(duplicate)
    lifecycle.save(duplicate)
    lifecycle.save(into)  # open pages of the kept request reload their timeline
    closed = lifecycle.record(
        duplicate, EventKind.MERGED, by=by, from_state=before, note=reason,
        data={"into": into.reference, "into_id": into.pk,
              **({"recorded": True} if recorded else {})},
    )
    notify.event(closed)
    kept = lifecycle.record(
        into, EventKind.MERGED_IN, by=by, note=reason,
        data={"from": reference, "from_id": duplicate.pk},
    )
    forget_draft(by, DraftKind.MERGE, duplicate)
    notify.event(kept)
    return into


@transaction.atomic
def link_tickets(ticket: Ticket, *, other: Ticket, by: User) -> Ticket:
    """Mark two requests as related. The member reads the link only between her own
    requests: a link to someone else's stays among the team."""
    if not is_team_agent(ticket, by):
        raise PermissionDenied("only the team links requests")
    if not Ticket.objects.visible_to(by).filter(pk=other.pk).exists():
        raise PermissionDenied("a request this agent may not open")
    ticket, other = _lock_pair(ticket, other)
    if ticket.related_requests.filter(pk=other.pk).exists():
        return ticket
    ticket.related_requests.add(other)
    internal = ticket.requester_id != other.requester_id
    for one, two in ((ticket, other), (other, ticket)):
        event = lifecycle.record(
            one, EventKind.LINKED, by=by, is_internal=internal,
            data={"other": two.reference, "other_id": two.pk},
        )
        notify.event(event)
    return ticket


# --- saved replies ---------------------------------------------------------------------------


def may_manage_saved_reply(reply: SavedReply, user: User) -> bool:
    return SavedReply.objects.managed_by(user).filter(pk=reply.pk).exists()


def may_keep_team_replies(user: User, team: Team) -> bool:
    """A team's saved replies are kept by its lead (and admins)."""
    return user.is_active and (user.role == Role.ADMIN or team.lead_id == user.pk)


@transaction.atomic
def save_saved_reply(
    *, by: User, title: str, body: str, team: Team | None, articles: Iterable = (),
    reply: SavedReply | None = None,
) -> SavedReply:
    """Create or change a saved reply: a personal one for any agent, a team's for its lead."""
    if not by.is_support_staff:
        raise PermissionDenied("saved replies are for the teams")
    if reply is not None and not may_manage_saved_reply(reply, by):
        raise PermissionDenied("not this person's saved reply")
    if team is not None and not may_keep_team_replies(by, team):
        raise PermissionDenied("only the team lead keeps the team's saved replies")
    reply = reply or SavedReply()
    reply.title, reply.body = title, body
    reply.team, reply.owner = (team, None) if team is not None else (None, by)
    reply.updated_at = timezone.now()
    reply.save()
    reply.articles.set(articles)
    return reply


@transaction.atomic
def delete_saved_reply(reply: SavedReply, *, by: User) -> None:
    if not may_manage_saved_reply(reply, by):
        raise PermissionDenied("not this person's saved reply")
    reply.delete()


def use_saved_reply(reply: SavedReply, *, ticket: Ticket, by: User) -> str:
    """The reply's text for this request, variables filled and the linked articles the
    member may read listed at the end; counted as one use."""
    if not is_team_agent(ticket, by):
        raise PermissionDenied("saved replies are for the team handling the request")
    if not SavedReply.objects.for_ticket(ticket, by).filter(pk=reply.pk).exists():
        raise PermissionDenied("another team's saved reply")
    from kb.models import Article  # kb builds on helpdesk: read at call time

    # Sending this reply meets the first response (or the update she waited for): its
    # {promised_date} is the promise that still holds afterwards, not the one it meets.
    due = ticket.promise_after_answer()
    # What the member reads is in her language, whatever language the agent reads.
    member_language = ticket.requester.language
    promised = ""
    if due:
        with translation.override(member_language):
            promised = formats.date_format(timezone.localtime(due), "SHORT_DATETIME_FORMAT")
    values = {
        "first_name": ticket.requester.first_name,
        "reference": ticket.reference,
        "team": ticket.team.name,
        "agent_first_name": by.first_name,
        "promised_date": promised or _("[no date can be promised here: write one or rephrase]"),
    }
    text = reply.filled(values)
    readable = Article.objects.readable_by(ticket.requester)
    links = [
        f"- [{_markdown_label(article.title)}]({article.get_absolute_url()})"
        for article in reply.articles.filter(pk__in=readable.values("pk")).only("title", "slug")
    ]
    if links:
        with translation.override(member_language):
            heading = _("To read:")
        text = "\n\n".join([text.rstrip(), heading, "\n".join(links)])
    SavedReply.objects.filter(pk=reply.pk).update(usage_count=F("usage_count") + 1)
    return text


def _markdown_label(text: str) -> str:
    """An article's title as the words of a Markdown link: brackets would end it early."""
    return text.replace("\\", "\\\\").replace("[", "\\[").replace("]", "\\]")


# --- watchers ----------------------------------------------------------------------------------


def watcher_side(ticket: Ticket, user: User) -> str | None:
    """Who manages the request's watchers (the watchers page and the actions below): its
    team ("team": colleagues, as an internal step) or its member ("member": the people she
    works with, said on the public thread); None for anyone else who sees it (her
    advisor, a watcher)."""
    if is_team_agent(ticket, user):
        return "team"
    if ticket.requester_id == user.pk:
        return "member"
    return None


def _watcher_side(ticket: Ticket, by: User) -> str:
    side = watcher_side(ticket, by)
    if side is None:
        raise PermissionDenied("only the request's member or its team manage watchers")
    return side


@transaction.atomic
def add_watcher(ticket: Ticket, *, by: User, person: User) -> Ticket:
    """Someone follows the request: a colleague added by the team (they see it as their
    teams' requests allow, internal notes only if they work for its team), or a member the
    requester works with, added by her, who sees the public thread only, as her advisor."""
    ticket = lifecycle.lock(ticket)
    side = _watcher_side(ticket, by)
    if not ticket.is_active:
        raise Conflict(_("This request is finished: nobody new can follow it."))
    # Each refusal says why, in the words of whoever typed the address.
    name = {"name": person.get_full_name() or person.email}
    if person.pk == by.pk:
        raise Conflict(_("You already follow this request."))
    if person.pk == ticket.requester_id:
        raise Conflict(_("%(name)s made this request and already follows it.") % name)
    if not person.is_active:
        raise Conflict(
            _("%(name)s's account is closed: they can no longer follow requests.") % name
        )
    if side == "team" and not person.is_support_staff:
        raise Conflict(_("The team adds colleagues; the member adds the people she works with."))
    if side == "member" and not person.is_member:
        raise Conflict(_("Add a member of the cooperative you work with."))
    if ticket.watchers.filter(pk=person.pk).exists():
        return ticket
    ticket.watchers.add(person)
    event = lifecycle.record(
        ticket, EventKind.WATCHER, by=by, from_state="", is_internal=side == "team",
        data={"name": person.first_name, "watcher_id": person.pk},
    )
    notify.event(event)
    return ticket


def may_remove_watcher(person: User, *, team_side: bool) -> bool:
    """The member's advisor follows her requests as long as they follow her; the member
    removes only the co-workers (members) she added; the team removes anyone else."""
    return not person.is_advisor and (team_side or person.is_member)


@transaction.atomic
def remove_watcher(ticket: Ticket, *, by: User, person: User) -> Ticket:
    """The member removes a co-worker she added; the team removes a colleague. The
    member's advisor follows her requests as long as they follow her: not removed here."""
    ticket = lifecycle.lock(ticket)
    side = _watcher_side(ticket, by)
    if not ticket.watchers.filter(pk=person.pk).exists():
        return ticket
    if not may_remove_watcher(person, team_side=side != "member"):
        raise Conflict(_("This person cannot be removed from this request here."))
    ticket.watchers.remove(person)
    event = lifecycle.record(
        ticket, EventKind.WATCHER, by=by, from_state="", is_internal=not person.is_member,
        data={"name": person.first_name, "watcher_id": person.pk, "removed": True},
    )
    notify.event(event)
    return ticket


@transaction.atomic
def set_watching_team(ticket: Ticket, *, by: User, team: Team, watching: bool = True) -> Ticket:
    """The team has another team follow the request (or stop): its agents see the public
    thread and hear of its steps; internal notes stay with the team handling it."""
    ticket = lifecycle.lock(ticket)
    if not is_team_agent(ticket, by):
        raise PermissionDenied("only the request's team adds a team as watcher")
    if team.pk == ticket.team_id:
        raise Conflict(_("This team already handles the request."))
    if watching and not ticket.is_active:
        raise Conflict(_("This request is finished: nobody new can follow it."))
    if ticket.watching_teams.filter(pk=team.pk).exists() == watching:
        return ticket
    if watching:
        ticket.watching_teams.add(team)
    else:
        ticket.watching_teams.remove(team)
    data = {"name": team.name, "team_id": team.pk, **({} if watching else {"removed": True})}
    event = lifecycle.record(
        ticket, EventKind.WATCHER, by=by, from_state="", is_internal=True, data=data
    )
    notify.event(event)
    return ticket
