"""A request's life: opened (on the site or by e-mail), acknowledged, assigned, answered,
noted, resolved, transferred, re-prioritised or re-categorised, confirmed, reopened,
withdrawn.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from coopdesk import lifecycle, notify
from coopdesk.accounts.models import Role, User
from coopdesk.conflicts import Conflict
from helpdesk.actions.absences import auto_assign, away_refusal
from helpdesk.actions.base import _assign, _attach, _check_can_reply, shown_name
from helpdesk.actions.drafts import forget_draft, forget_text
from helpdesk.models import (
    Category,
    Channel,
    DraftKind,
    EventKind,
    Message,
    Priority,
    State,
    Team,
    Ticket,
    is_team_agent,
)

# --- creating a request ------------------------------------------------------------------


@transaction.atomic
def create_ticket(
    *,
    requester: User,
    category: Category,
    subject: str,
    body: str,
    files: Iterable[UploadedFile] = (),
    draft_key: str = "",
    form_key: str = "",
    by: User | None = None,
    channel: str = Channel.WEB,
) -> Ticket:
    """A new request. `by` an agent of the category's team: one taken on the member's
    behalf (by phone, e-mail, at the counter); she is its requester and is told.

    `form_key` is the form's own key: the same form sent again (a double click, a resend)
    gives back the request it opened, without a second notice. The same means the same
    category, words and files (names and sizes); back in the browser with anything changed
    (a file she forgot, another category), it is a new request, so nothing she sent is lost."""
    by = by or requester
    recorded = by.pk != requester.pk
    if recorded:
        if not by.works_for_team(category.team_id):
            raise PermissionDenied("only the category's team records a request for a member")
        if not (requester.is_member and requester.is_active):
            raise Conflict(_("Requests are recorded for members only."))
        if channel not in Channel.values or channel == Channel.WEB:
            raise Conflict(_("Say how the request came in: by phone, by e-mail or at the counter."))
    else:
        channel = Channel.WEB
    if not category.is_active:
        raise Conflict(_("This category is no longer offered. Please choose another one."))
    files = list(files)
    if form_key:
        earlier = Ticket.objects.filter(requester=requester, form_key=form_key).first()
        if earlier is not None:
            if _same_request(earlier, category=category, subject=subject, body=body,
                             files=files):
                return earlier
            form_key = ""  # the form again with something changed (back in the browser)
    return _open(requester=requester, category=category, subject=subject, body=body,
                 files=files, draft_key=draft_key, form_key=form_key, by=by, channel=channel)


def _same_request(
    earlier: Ticket, *, category: Category, subject: str, body: str, files: list[UploadedFile]
) -> bool:
    """Whether the request this form opened is the one it would open now."""
    return (earlier.category_id, earlier.subject, earlier.body) == (
        category.pk, subject, body
    ) and _same_files(earlier.attachments.filter(message=None), files)


def _same_files(attachments, files: list[UploadedFile]) -> bool:
    """The files sent again are the ones kept the first time: a double click sends the same
    ones; a file added, removed or swapped (another size) is something new to keep."""
    return sorted(attachments.values_list("name", "size")) == sorted(
        (shown_name(upload.name), upload.size) for upload in files
    )


@transaction.atomic
def open_by_email(
    *, requester: User, team: Team, subject: str, body: str, files: Iterable[UploadedFile] = ()
) -> Ticket:
    """A request e-mailed to a team's address: filed under the team's "arrived by e-mail"
    category (not offered on forms) for the team to sort."""
    category = _by_email_category(team)
    return _open(requester=requester, category=category, subject=subject, body=body,
                 files=files, by=requester, channel=Channel.EMAIL)


def _by_email_category(team: Team) -> Category:
    """The team's "arrived by e-mail" category, made the first time; two e-mails at once
    make one (a partial unique constraint: the loser of the race reads the winner's)."""
    category = team.categories.filter(by_email=True).first()
    if category is not None:
        return category
    with translation.override(settings.LANGUAGE_CODE):  # a row, in the site's language
        label = _("Arrived by e-mail")
    try:
        with transaction.atomic():
            return Category.objects.create(
                team=team, label=label, by_email=True, is_active=False, position=10_000
            )
    except IntegrityError:
        return team.categories.get(by_email=True)


def _open(
    *,
    requester: User,
    category: Category,
    subject: str,
    body: str,
    files: Iterable[UploadedFile] = (),
    draft_key: str = "",
    form_key: str = "",
    by: User,
    channel: str,
) -> Ticket:
    """Open the request `by` its member (on the site or by e-mail), or by an agent who
    took it on her behalf (`channel` says how it came in)."""
    files = list(files)  # read twice when the same form arrives twice at once
    recorded = by.pk != requester.pk
    now = timezone.now()
    team = category.team
    ticket = Ticket(
        subject=subject,
        body=body,
        category=category,
        team=team,
        priority=category.default_priority,
        requester=requester,
        channel=channel,
        created_at=now,
        updated_at=now,
        form_key=form_key,
    )
    ticket.start_clock(now)
    if not form_key:
        ticket.save()
    else:
        try:
            with transaction.atomic():
                ticket.save()
        except IntegrityError:  # the same form sent twice at once: the constraint let one in
            earlier = Ticket.objects.get(requester=requester, form_key=form_key)
            if _same_request(earlier, category=category, subject=subject, body=body,
                             files=files):
                return earlier
            ticket.form_key = ""  # not the same after all: kept, without the key
            ticket.save()
    if requester.advisor_id:
        ticket.watchers.add(requester.advisor_id)
    _attach(ticket, None, files, by)
    if draft_key:  # the form's draft, kept for whoever typed it
        forget_text(owner=by or requester, key=draft_key)
    data = {"team": team.name}
    if recorded:
        data["channel"] = channel
    elif channel == Channel.EMAIL:  # e-mailed by the member, or in her name: she is told
        data["by_email"] = True
    event = lifecycle.record(ticket, EventKind.CREATED, by=by, data=data)
    notify.event(event)
    return auto_assign(ticket)


# --- the team's side ------------------------------------------------------------------------


@transaction.atomic
def acknowledge_ticket(
    ticket: Ticket, *, by: User, note: str = "", expected_version: int | None = None
) -> Ticket:
    ticket = lifecycle.lock(ticket, expected_version)
    lifecycle.run(ticket, ticket.acknowledge, by, by=by)
    if note.strip():  # words to the member: the team has answered her
        ticket.team_answered(timezone.now())
    lifecycle.save(ticket)
    event = lifecycle.record(ticket, EventKind.ACKNOWLEDGED, by=by, note=note)
    notify.event(event)
    return ticket


@transaction.atomic
def claim_ticket(
    ticket: Ticket, *, by: User, note: str = "", expected_version: int | None = None
) -> Ticket:
    """Take a request for oneself. Two agents at once: exactly one wins, the other is told who."""
    ticket = lifecycle.lock(ticket)
    if not lifecycle.may(ticket.assign, by):  # outsiders learn nothing, not even who took it
        raise PermissionDenied(f"{by} may not claim {ticket.reference}")
    if ticket.assignee_id == by.pk:
        return ticket
    if ticket.assignee_id is not None:
        raise Conflict(
            _("%(name)s has already taken this request.") % {"name": ticket.assignee.first_name}
        )
    if expected_version is not None and ticket.version != expected_version:
        ticket = lifecycle.lock(ticket, expected_version)  # raises the stale-form message
    return _assign(ticket, by=by, to=by, note=note)


@transaction.atomic
def assign_ticket(
    ticket: Ticket, *, by: User, to: User | None, expected_version: int | None = None
) -> Ticket:
    ticket = lifecycle.lock(ticket, expected_version)
    if to is not None and not to.works_for_team(ticket.team_id):
        raise Conflict(
            _("%(name)s is not a member of the %(team)s team.")
            % {"name": to.first_name, "team": ticket.team.name}
        )
    if ticket.assignee_id == (to.pk if to else None):
        return ticket
    if to is not None and to.is_away():
        raise Conflict(away_refusal(to))
    return _assign(ticket, by=by, to=to)


resolve_ticket = lifecycle.plain_step("resolve", EventKind.RESOLVED)


@transaction.atomic
def wait_for_member(
    ticket: Ticket, *, by: User, note: str = "", expected_version: int | None = None
) -> Ticket:
    ticket = lifecycle.lock(ticket, expected_version)
    if ticket.state == State.NEW:
        lifecycle.run(ticket, ticket.acknowledge, by, by=by)
    lifecycle.run(ticket, ticket.wait_for_member, by)
    now = timezone.now()
    if note.strip():  # a question to the member: the team has answered her
        ticket.team_answered(now)
    ticket.pause_clock(now)
    lifecycle.save(ticket)
    event = lifecycle.record(ticket, EventKind.WAITING, by=by, note=note)
    notify.event(event)
    return ticket


close_ticket = lifecycle.plain_step("close", EventKind.CLOSED)


@transaction.atomic
def transfer_ticket(
    ticket: Ticket,
    *,
    by: User,
    to_team: Team,
    reason: str,
    to_category: Category | None = None,
    expected_version: int | None = None,
) -> Ticket:
    ticket = lifecycle.lock(ticket, expected_version)
    if to_team.pk == ticket.team_id:
        raise Conflict(_("This request is already with the %(team)s team.") % {"team": to_team})
    if to_category is not None and to_category.team_id != to_team.pk:
        raise Conflict(_("That category belongs to another team."))
    if not reason.strip():
        raise Conflict(_("Say why the request is transferred: the member will read it."))
    from_team = ticket.team
    lifecycle.run(ticket, ticket.transfer, by, to_team=to_team)
    if to_category is not None:
        ticket.category = to_category
    promised = ticket.member_promise()
    ticket.first_response_at = None
    ticket.start_clock(timezone.now())  # the new team's targets, from now
    lifecycle.save(ticket)
    event = lifecycle.record(
        ticket,
        EventKind.TRANSFERRED,
        by=by,
        note=reason,
        data={"from_team": from_team.name, "to_team": to_team.name, "from_team_id": from_team.pk,
              **_promise_moved(ticket, promised, why="transfer")},
    )
    forget_draft(by, DraftKind.TRANSFER, ticket)
    notify.event(event)
    return auto_assign(ticket)


@transaction.atomic
def change_priority(
    ticket: Ticket, *, by: User, priority: int, reason: str = "",
    expected_version: int | None = None,
) -> Ticket:
    """A new priority: its targets replace the old ones, keeping the time already used.
    A step of the team's own (internal, with its reason); when it moves the date promised
    to the member, a second, public event tells her the new date and that the team
    reassessed how urgent her request is, never the priority or the team's reason."""
    ticket = lifecycle.lock(ticket, expected_version)
    if not is_team_agent(ticket, by):
        raise PermissionDenied("only the team sets a request's priority")
    if priority not in Priority.values:
        raise Conflict(_("Unknown priority."))
    if not ticket.is_active:
        raise Conflict(_("This request is finished: its priority no longer matters."))
    if priority == ticket.priority:
        return ticket
    before_targets, promised = ticket.team.targets_for(ticket.priority), ticket.member_promise()
    was = ticket.priority
    ticket.priority = priority
    ticket.retarget(timezone.now(), before_targets)
    lifecycle.save(ticket)
    event = lifecycle.record(
        ticket, EventKind.PRIORITY, by=by, note=reason, is_internal=True,
        data={"from": was, "to": priority},
    )
    forget_draft(by, DraftKind.PRIORITY, ticket)
    notify.event(event)
    moved = _promise_moved(ticket, promised, why="priority")
    if moved:
        notify.event(lifecycle.record(ticket, EventKind.RESCHEDULED, by=by, data=moved))
    return ticket


@transaction.atomic
def change_category(
    ticket: Ticket, *, by: User, category: Category, reason: str,
    expected_version: int | None = None,
) -> Ticket:
    """Another category of the same team, said to the member with why. Another team's
    category is a transfer (transfer_ticket), with its new promises."""
    ticket = lifecycle.lock(ticket, expected_version)
    if not is_team_agent(ticket, by):
        raise PermissionDenied("only the team changes a request's category")
    if category.team_id != ticket.team_id:
        raise Conflict(_("That category belongs to another team: transfer the request instead."))
    if not category.is_active:
        raise Conflict(_("This category is no longer offered. Please choose another one."))
    if not ticket.is_active:
        raise Conflict(_("This request is finished: its category can no longer change."))
    if not reason.strip():
        raise Conflict(_("Say why the category changes: the member will read it."))
    if category.pk == ticket.category_id:
        forget_draft(by, DraftKind.CATEGORY, ticket)
        return ticket
    was = ticket.category
    ticket.category = category
    lifecycle.save(ticket)
    event = lifecycle.record(
        ticket, EventKind.CATEGORY, by=by, note=reason,
        data={"from": was.label, "to": category.label, "from_id": was.pk, "to_id": category.pk},
    )
    forget_draft(by, DraftKind.CATEGORY, ticket)
    notify.event(event)
    return ticket


def _promise_moved(ticket: Ticket, promised, *, why: str) -> dict:
    """What the step's event adds when the date promised to the member moves (her first
    answer, or once answered the next update or resolution), and why (a transfer, a new
    priority, the pause while the team waited for her): the timeline and the
    notifications say it with the step. `promised` is `member_promise()` before the step.
    A promise already used up says so ("late") rather than naming a past date."""
    now_promised = ticket.member_promise()
    if now_promised is None or now_promised == promised:
        return {}
    if promised is None and why != "transfer":  # a first promise, not a moved one
        return {}
    return {"promise": {
        "why": why, "due": now_promised.isoformat(),
        "was": promised.isoformat() if promised else None,
        "what": "first" if ticket.first_response_at is None else "next",
        **({"late": True} if now_promised <= timezone.now() else {}),
    }}


def bulk_apply(action, tickets: Iterable[Ticket], **kwargs) -> tuple[int, list[str]]:
    """Run one action on many requests; each succeeds or fails on its own."""
    done, failures = 0, []
    for ticket in tickets:
        try:
            action(ticket, **kwargs)
            done += 1
        except (Conflict, PermissionDenied) as error:
            failures.append(f"{ticket.reference}: {getattr(error, 'message', _('not allowed'))}")
    return done, failures


# --- messages ---------------------------------------------------------------------------------


@transaction.atomic
def add_reply(
    ticket: Ticket,
    *,
    by: User,
    body: str,
    files: Iterable[UploadedFile] = (),
    then: str = "keep",
    expected_version: int | None = None,
    form_key: str = "",
) -> Message:
    """A public message. From the member it answers a question; from the team it is a
    response, and whoever of the team answers a request nobody handles yet takes it.
    The same form sent twice (`form_key`: same words, same files) posts it once, when what
    `then` asks is already done: a double click on "reply and resolve" finds the request
    resolved. Back in the browser to pick another `then` (or once the request has moved
    on since), the message is posted again with its step, rather than the step dropped."""
    ticket = lifecycle.lock(ticket, expected_version)
    _check_can_reply(ticket, by)
    files = list(files)
    earlier, form_key = _sent_before(
        ticket, by=by, form_key=form_key, body=body, files=files, done=_then_done(ticket, then)
    )
    if earlier is not None:
        return earlier
    if ticket.state in (State.CLOSED, State.WITHDRAWN):
        raise Conflict(
            _("This request is closed. Please open a new request, it can mention this one.")
        )
    if _takes_it_by_answering(ticket, by):
        # The claim's step and its timeline line; the member hears of it once, by the
        # answer that follows (helpdesk.notices.ticket_recipients).
        _assign(ticket, by=by, to=by, why={"by_answering": True})
    before = ticket.state
    message = _new_message(ticket=ticket, author=by, body=body, form_key=form_key)
    _attach(ticket, message, files, by)
    forget_draft(by, DraftKind.REPLY, ticket)
    kind = EventKind.REPLIED
    now = timezone.now()
    promised = ticket.member_promise()
    if ticket.requester_id == by.pk:
        if ticket.state == State.WAITING:
            lifecycle.run(ticket, ticket.member_answered, by)
            ticket.resume_clock(now)
            kind = EventKind.ANSWERED
        elif ticket.state == State.RESOLVED:
            lifecycle.run(ticket, ticket.reopen, by)
            kind = EventKind.REOPENED
        ticket.member_wrote(now)
    elif is_team_agent(ticket, by):
        if ticket.state == State.NEW:
            lifecycle.run(ticket, ticket.acknowledge, by, by=by)
        ticket.team_answered(now)
        if then == "wait" and ticket.state != State.WAITING:
            lifecycle.run(ticket, ticket.wait_for_member, by)
            ticket.pause_clock(now)
            kind = EventKind.WAITING
        elif then == "resolve":
            lifecycle.run(ticket, ticket.resolve, by)
            kind = EventKind.RESOLVED
    lifecycle.save(ticket)
    moved = _promise_moved(ticket, promised, why="paused") if kind == EventKind.ANSWERED else {}
    event = lifecycle.record(
        ticket, kind, by=by, from_state=before, message=message, data=moved
    )
    notify.event(event)
    return message


def _sent_before(
    ticket: Ticket,
    *,
    by: User,
    form_key: str,
    body: str,
    files: list[UploadedFile],
    is_internal: bool = False,
    done: bool = True,
) -> tuple[Message | None, str]:
    """The message this form already posted here with these words and files (the request
    is locked, so a second click waits for the first and finds it), and the key to store
    otherwise: none when the same form comes back with anything changed (back in the
    browser: other words, a file added, another step not `done` yet)."""
    if not form_key:
        return None, ""
    earlier = Message.objects.filter(author=by, form_key=form_key).first()
    if earlier is None:
        return None, form_key
    if (
        (earlier.ticket_id, earlier.body, earlier.is_internal) == (ticket.pk, body, is_internal)
        and _same_files(earlier.attachments.all(), files)
        and done
    ):
        return earlier, form_key
    return None, ""


_THEN_STATE = {"wait": State.WAITING, "resolve": State.RESOLVED}


def _then_done(ticket: Ticket, then: str) -> bool:
    """Whether the request already stands where a reply's `then` would put it ("keep"
    asks nothing)."""
    return then not in _THEN_STATE or ticket.state == _THEN_STATE[then]


def _new_message(**fields) -> Message:
    if not fields.get("form_key"):
        return Message.objects.create(**fields)
    try:
        with transaction.atomic():
            return Message.objects.create(**fields)
    except IntegrityError:  # the key sent at once on another request: kept without it
        return Message.objects.create(**{**fields, "form_key": ""})


def _takes_it_by_answering(ticket: Ticket, by: User) -> bool:
    """An agent or lead of the request's team answering the member on a request still in
    the queue: she sees who answered, so that person handles it (and colleagues see it
    taken). Nobody else's request is taken over; an admin answering does not take it."""
    return (
        ticket.assignee_id is None
        and ticket.is_active
        and ticket.requester_id != by.pk
        and by.role in (Role.AGENT, Role.LEAD)
        and is_team_agent(ticket, by)
    )


@transaction.atomic
def add_note(
    ticket: Ticket, *, by: User, body: str, files: Iterable[UploadedFile] = (),
    form_key: str = "",
) -> Message:
    """An internal note: for the team handling the request, never shown to the member or
    the advisor (nor to an agent of another team who filed the request)."""
    ticket = lifecycle.lock(ticket)
    if not is_team_agent(ticket, by):
        raise PermissionDenied("internal notes are for the team")
    files = list(files)
    earlier, form_key = _sent_before(ticket, by=by, form_key=form_key, body=body, files=files,
                                     is_internal=True)
    if earlier is not None:
        return earlier
    message = _new_message(ticket=ticket, author=by, body=body, is_internal=True,
                           form_key=form_key)
    _attach(ticket, message, files, by)
    forget_draft(by, DraftKind.NOTE, ticket)
    event = lifecycle.record(ticket, EventKind.NOTE, by=by, is_internal=True, message=message)
    notify.event(event)
    return message


# --- the member's side -----------------------------------------------------------------------


confirm_resolution = lifecycle.plain_step(
    "confirm", EventKind.CLOSED, doc="The member says the answer solved it: the request closes.",
    data={"confirmed": True},
)


@transaction.atomic
def reopen_ticket(
    ticket: Ticket, *, by: User, note: str = "", expected_version: int | None = None
) -> Ticket:
    ticket = lifecycle.lock(ticket, expected_version)
    lifecycle.run(ticket, ticket.reopen, by)
    ticket.member_wrote(timezone.now())
    lifecycle.save(ticket)
    event = lifecycle.record(ticket, EventKind.REOPENED, by=by, note=note)
    forget_draft(by, DraftKind.REOPEN, ticket)
    notify.event(event)
    return ticket


_withdraw = lifecycle.plain_step("withdraw", EventKind.WITHDRAWN)


@transaction.atomic
def withdraw_ticket(
    ticket: Ticket, *, by: User, note: str = "", expected_version: int | None = None
) -> Ticket:
    ticket = _withdraw(ticket, by=by, note=note, expected_version=expected_version)
    forget_draft(by, DraftKind.WITHDRAW, ticket)
    return ticket
