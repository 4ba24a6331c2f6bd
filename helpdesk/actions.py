"""Every change to a request goes through one of these functions.

Each one reads as the same steps of coopdesk.lifecycle: lock the row (refusing a form that
showed an older version), run the model transition (403 or a plain 409), save the changed
columns, record the timeline event, and hand the event to coopdesk.notify. Views, admin
actions and commands call these; nothing else writes a ticket's state.
"""

from __future__ import annotations

import secrets
from collections.abc import Iterable
from datetime import timedelta
from pathlib import Path

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _
from django_fsm import has_transition_perm

from coopdesk import lifecycle, notify
from coopdesk.accounts.models import Role, User
from coopdesk.conflicts import Conflict
from coopdesk.rendering import MESSAGE_MAX_CHARS, NOTE_MAX_CHARS
from helpdesk import assignment
from helpdesk import satisfaction as questions
from helpdesk.models import (
    ACTIVE_STATES,
    LADDER,
    Assignment,
    Attachment,
    Category,
    Channel,
    CollectionCase,
    CollectionEventKind,
    CollectionSettings,
    Consent,
    Draft,
    DraftKind,
    Escalation,
    EventKind,
    Message,
    Priority,
    Satisfaction,
    SatisfactionOptOut,
    SavedReply,
    Score,
    State,
    Team,
    Ticket,
    is_team_agent,
)

# --- helpers ---------------------------------------------------------------------------


def validate_upload(upload: UploadedFile) -> None:
    suffix = Path(upload.name or "").suffix.lower()
    if suffix not in settings.ATTACHMENT_CONTENT_TYPES:
        allowed = ", ".join(sorted(settings.ATTACHMENT_CONTENT_TYPES))
        raise ValidationError(
            _("“%(name)s”: this type of file is not accepted (accepted: %(allowed)s).")
            % {"name": upload.name, "allowed": allowed}
        )
    if upload.size > settings.ATTACHMENT_MAX_BYTES:
        raise ValidationError(
            _("“%(name)s” is too large (%(size)d MB at most).")
            % {"name": upload.name, "size": settings.ATTACHMENT_MAX_BYTES // (1024 * 1024)}
        )


def shown_name(upload_name: str) -> str:
    """The file's name as people will see it, cut to fit its column but keeping its extension:
    downloaded, "contrat….pdf" still opens as a PDF."""
    name = Path(upload_name).name
    limit = Attachment._meta.get_field("name").max_length
    if len(name) <= limit:
        return name
    suffix = Path(name).suffix  # checked against the accepted types: a few characters
    return name[: limit - len(suffix) - 1] + "…" + suffix


def _attach(ticket: Ticket, message: Message | None, files: Iterable[UploadedFile], by: User):
    for upload in files:
        validate_upload(upload)
        suffix = Path(upload.name).suffix.lower()
        attachment = Attachment(
            ticket=ticket,
            message=message,
            token=secrets.token_hex(16),
            name=shown_name(upload.name),
            size=upload.size,
            content_type=settings.ATTACHMENT_CONTENT_TYPES[suffix],
            uploaded_by=by,
        )
        attachment.file.save(upload.name, upload, save=False)
        attachment.save()


def may_reply(ticket: Ticket, user: User) -> bool:
    """Whether add_reply would let this person write on this request now."""
    if ticket.state in (State.CLOSED, State.WITHDRAWN):
        return False
    try:
        _check_can_reply(ticket, user)
    except PermissionDenied:
        return False
    return True


def _check_can_reply(ticket: Ticket, by: User) -> None:
    if is_team_agent(ticket, by):
        return
    if ticket.requester_id == by.pk or by.follows_member(ticket.requester):
        return
    raise PermissionDenied("not a participant")


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
    by: User | None = None,
    channel: str = Channel.WEB,
) -> Ticket:
    """A new request. `by` an agent of the category's team: one taken on the member's
    behalf (by phone, e-mail, at the counter); she is its requester and is told."""
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
    return _open(requester=requester, category=category, subject=subject, body=body,
                 files=files, draft_key=draft_key, by=by, channel=channel)


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
    by: User,
    channel: str,
) -> Ticket:
    """Open the request `by` its member (on the site or by e-mail), or by an agent who
    took it on her behalf (`channel` says how it came in)."""
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
    )
    ticket.start_clock(now)
    ticket.save()
    if requester.advisor_id:
        ticket.watchers.add(requester.advisor_id)
    _attach(ticket, None, files, by)
    if draft_key and not recorded:
        Draft.objects.filter(owner=requester, key=draft_key).delete()
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


def away_refusal(person: User) -> str:
    if person.away_until:
        return _(
            "%(name)s is away until %(until)s: assign the request to someone who is in, or "
            "leave it in the queue."
        ) % {"name": person.first_name, "until": formats.date_format(person.away_until)}
    return _(
        "%(name)s is away: assign the request to someone who is in, or leave it in the queue."
    ) % {"name": person.first_name}


# --- automatic assignment and absences -------------------------------------------------------


def _next_agent(team_id: int) -> User | None:
    """The team's rule's choice, under the team row's lock: requests arriving at the same
    moment take turns (the round-robin pointer moves before the lock is released)."""
    # FOR NO KEY UPDATE: the request's own insert holds a key-share lock on the team row
    # (its foreign key), which a plain FOR UPDATE would wait on, deadlocking two arrivals.
    team = Team.objects.select_for_update(no_key=True).get(pk=team_id)
    agent = assignment.choose(team)
    if agent is not None:
        team.last_assigned = agent
        team.save(update_fields=["last_assigned"])
    return agent


@transaction.atomic
def auto_assign(ticket: Ticket) -> Ticket:
    """A request new in its team (opened, or transferred in), given to an agent who is in
    by the team's rule (round robin or least loaded); a manual team's stays in the queue,
    as does one when nobody is in with room. The timeline says "assigned automatically"."""
    if ticket.team.assignment == Assignment.MANUAL or ticket.assignee_id is not None:
        return ticket
    agent = _next_agent(ticket.team_id)
    if agent is None:
        return ticket
    ticket = lifecycle.lock(ticket)
    if ticket.assignee_id is not None or not ticket.is_active:
        return ticket
    return _assign(ticket, by=None, to=agent, why={"auto": True})


@transaction.atomic
def hand_over(agent: User) -> int:
    """An absent agent's open requests move to their backup colleague (when the backup
    works for the request's team and is in), else to whoever the team's rule picks, else
    back to the queue; each with a timeline line naming who is away. Returns how many."""
    backup = agent.backup_advisor
    if backup is not None and (not backup.is_active or backup.is_away()):
        backup = None
    moved = 0
    tickets = Ticket.objects.filter(assignee=agent, state__in=ACTIVE_STATES).order_by("pk")
    for ticket in tickets.select_related("team"):
        ticket = lifecycle.lock(ticket)
        if ticket.assignee_id != agent.pk or not ticket.is_active:
            continue
        to = backup if backup and backup.works_for_team(ticket.team_id) else None
        why = {"away": agent.first_name, "away_id": agent.pk}
        if to is None and ticket.team.assignment != Assignment.MANUAL:
            to = _next_agent(ticket.team_id)
            why["auto"] = to is not None
        _assign(ticket, by=None, to=to, why=why)
        moved += 1
    return moved


def hand_over_absent() -> int:
    """The worker's: the open requests of everyone away today move on (hand_over). Also
    catches a request given to them by hand before their absence started."""
    day = timezone.localdate()
    away = User.objects.filter(
        User.away_q(day), assigned_requests__state__in=ACTIVE_STATES
    ).distinct()
    return sum(hand_over(person) for person in away)


def may_set_absence(by: User, person: User) -> bool:
    """Oneself (an advisor or an agent), the lead of one of the person's teams, an admin."""
    if not by.is_active or not (person.is_advisor or person.is_support_staff):
        return False
    if by.pk == person.pk or by.role == Role.ADMIN:
        return True
    return person.is_support_staff and Team.objects.filter(lead=by, agents=person).exists()


@transaction.atomic
def set_absence(
    person: User, *, by: User, away_from, away_until, backup: User | None,
    capacity: int | None | bool = False,
) -> int:
    """Record an absence (or clear it, with no dates) and, when it has started, hand the
    person's open requests over at once. `capacity` False leaves the limit as it is.
    Returns how many requests moved."""
    if not may_set_absence(by, person):
        raise PermissionDenied("not this person's absence to set")
    person = User.objects.select_for_update().get(pk=person.pk)
    person.away_from, person.away_until, person.backup_advisor = away_from, away_until, backup
    fields = ["away_from", "away_until", "backup_advisor"]
    if capacity is not False:
        person.capacity = capacity
        fields.append("capacity")
    try:
        person.full_clean(validate_unique=False, exclude=["password"])
    except ValidationError as error:
        raise Conflict(" ".join(error.messages)) from error
    person.save(update_fields=fields)
    if person.is_support_staff and person.is_away():
        return hand_over(person)
    return 0


def may_set_team_rules(user: User, team: Team) -> bool:
    return may_keep_team_replies(user, team)


@transaction.atomic
def set_team_assignment(
    team: Team, *, by: User, assignment: str, agent_capacity: int | None
) -> Team:
    if not may_set_team_rules(by, team):
        raise PermissionDenied("only the team lead sets how its requests are assigned")
    if assignment not in Assignment.values:
        raise Conflict(_("Unknown way of assigning."))
    team = Team.objects.select_for_update().get(pk=team.pk)
    team.assignment, team.agent_capacity = assignment, agent_capacity
    team.save(update_fields=["assignment", "agent_capacity"])
    return team


def _assign(
    ticket: Ticket, *, by: User | None, to: User | None, note: str = "", why: dict | None = None
) -> Ticket:
    """The assign step; `by` None is Coopdesk itself (`why` says: automatically, or while
    someone is away)."""
    lifecycle.run(ticket, ticket.assign, by, to=to)
    lifecycle.save(ticket)
    data = {"assignee": to.first_name if to else None, "assignee_id": to.pk if to else None,
            **(why or {})}
    event = lifecycle.record(
        ticket, EventKind.ASSIGNED, by=by, note=note, data=data
    )
    notify.event(event)
    return ticket


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
) -> Message:
    """A public message. From the member it answers a question; from the team it is a response."""
    ticket = lifecycle.lock(ticket, expected_version)
    _check_can_reply(ticket, by)
    if ticket.state in (State.CLOSED, State.WITHDRAWN):
        raise Conflict(
            _("This request is closed. Please open a new request, it can mention this one.")
        )
    before = ticket.state
    message = Message.objects.create(ticket=ticket, author=by, body=body)
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


@transaction.atomic
def add_note(
    ticket: Ticket, *, by: User, body: str, files: Iterable[UploadedFile] = ()
) -> Message:
    """An internal note: for the team handling the request, never shown to the member or
    the advisor (nor to an agent of another team who filed the request)."""
    ticket = lifecycle.lock(ticket)
    if not is_team_agent(ticket, by):
        raise PermissionDenied("internal notes are for the team")
    message = Message.objects.create(ticket=ticket, author=by, body=body, is_internal=True)
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


# --- how the member was served ---------------------------------------------------------------


@transaction.atomic
def rate_ticket(
    ticket: Ticket, *, by: User, score: int, comment: str = "", now=None
) -> Satisfaction:
    """The member says how she was served, or changes what she said, while the question is
    open (helpdesk/satisfaction.py). The team hears of it on the timeline (internal: the
    comment is hers to the team, not a message of the request); a low score alerts the
    team lead, once per request."""
    ticket = lifecycle.lock(ticket)  # one answer at a time per request
    now = now or timezone.now()
    if ticket.requester_id != by.pk:
        raise PermissionDenied("only the member says how she was served")
    if score not in Score.values:
        raise Conflict(_("Choose how you were served, from 1 to 5."))
    if not questions.is_open(ticket, now=now):
        raise Conflict(_("The time to say how you were served is over for this request."))
    comment = comment.strip()
    answer = Satisfaction.objects.filter(ticket=ticket).first()
    if answer is not None and (answer.score, answer.comment) == (score, comment):
        return answer  # the same answer again (a second click): nothing new to tell
    was = answer.score if answer else None
    if answer is None:
        answer = Satisfaction(
            ticket=ticket, member=by, team_id=ticket.team_id, created_at=now
        )
    answer.score, answer.comment, answer.changed_at = score, comment, now
    answer.save()
    event = lifecycle.record(
        ticket, EventKind.RATED, by=by, from_state=ticket.state, is_internal=True,
        note=comment, data={"score": score, "was": was}, created_at=now,
    )
    notify.event(event)
    if answer.is_low and answer.lead_alerted_at is None and ticket.team.lead_id:
        answer.lead_alerted_at = now
        answer.save(update_fields=["lead_alerted_at"])
        event = lifecycle.record(
            ticket, EventKind.LOW_SCORE, by=None, from_state=ticket.state, is_internal=True,
            note=comment, data={"score": score}, created_at=now,
        )
        notify.event(event)
    return answer


def set_satisfaction_question(member: User, *, ask: bool) -> None:
    """A member's choice: whether she is asked how she was served when a request closes."""
    if ask:
        SatisfactionOptOut.objects.filter(member=member).delete()
    else:
        SatisfactionOptOut.objects.get_or_create(member=member)


# --- periodic ------------------------------------------------------------------------------------


def auto_close_resolved(now=None) -> int:
    """Close requests resolved more than TICKET_AUTO_CLOSE_DAYS ago that nobody reopened."""
    now = now or timezone.now()
    cutoff = now - timedelta(days=settings.TICKET_AUTO_CLOSE_DAYS)
    closed = 0
    due = Ticket.objects.filter(state=State.RESOLVED, resolved_at__lte=cutoff).only("pk")
    for ticket in list(due):
        with transaction.atomic():
            ticket = lifecycle.lock(ticket)
            if ticket.state != State.RESOLVED:
                continue
            lifecycle.run(ticket, ticket.auto_close, None)
            lifecycle.save(ticket, at=now)
            event = lifecycle.record(
                ticket, EventKind.CLOSED, by=None, from_state=State.RESOLVED,
                data={"automatic": True, "days": settings.TICKET_AUTO_CLOSE_DAYS},
            )
            notify.event(event)
            closed += 1
    return closed


def remind_waiting(now=None) -> int:
    """Worker job: a request waiting TICKET_WAITING_REMIND_DAYS for the member's answer
    reminds her, once per question (the date her page announced: `Ticket.reminds_on`)."""
    now = now or timezone.now()
    cutoff = now - timedelta(days=settings.TICKET_WAITING_REMIND_DAYS)
    due = Ticket.objects.filter(
        state=State.WAITING, paused_at__lte=cutoff, member_reminded_at=None
    ).only("pk")
    reminded = 0
    for ticket in list(due):
        with transaction.atomic():
            ticket = lifecycle.lock(ticket)
            if ticket.state != State.WAITING or ticket.member_reminded_at is not None:
                continue
            if ticket.reminds_on is None or ticket.reminds_on > now:
                continue
            # Not a step: open forms stay valid and the request keeps its place in lists.
            ticket.member_reminded_at = now
            ticket.save(update_fields=["member_reminded_at"])
            event = lifecycle.record(
                ticket, EventKind.REMINDED, by=None, created_at=now,
                data={"closes": ticket.closes_on.isoformat()},
            )
            notify.event(event)
            reminded += 1
    return reminded


def close_unanswered(now=None) -> int:
    """Worker job: close the requests whose question stayed unanswered
    TICKET_WAITING_CLOSE_DAYS (the date announced: `Ticket.closes_on`)."""
    now = now or timezone.now()
    cutoff = now - timedelta(days=settings.TICKET_WAITING_CLOSE_DAYS)
    due = Ticket.objects.filter(state=State.WAITING, paused_at__lte=cutoff).only("pk")
    closed = 0
    for ticket in list(due):
        with transaction.atomic():
            ticket = lifecycle.lock(ticket)
            if ticket.state != State.WAITING or not ticket.closes_on or ticket.closes_on > now:
                continue
            lifecycle.run(ticket, ticket.close_unanswered, None)
            lifecycle.save(ticket, at=now)
            event = lifecycle.record(
                ticket, EventKind.CLOSED, by=None, from_state=State.WAITING,
                data={"automatic": True, "unanswered": True,
                      "days": settings.TICKET_WAITING_CLOSE_DAYS},
            )
            notify.event(event)
            closed += 1
    return closed


# How many of a team's latest first answers measure its pace, and how few are too few.
PACE_ANSWERS = 20
PACE_AT_LEAST = 3


def answer_pace(team: Team) -> float | None:
    """The median business minutes a first answer took once the team could turn to it:
    from the later of the request's arrival and the answer before it. While a line waits
    that is the time between answers (several agents answer faster); on a quiet day, the
    time from arrival. A place in line times this is the expected wait."""
    rows = list(
        Ticket.objects.filter(team=team, first_response_at__isnull=False)
        .order_by("-first_response_at").values_list("created_at", "first_response_at")
        [: PACE_ANSWERS + 1]
    )
    rows.reverse()
    calendar, spans = team.calendar, []
    for (_before, answered_before), (arrived, answered) in zip(rows, rows[1:], strict=False):
        spans.append(max(0.0, calendar.minutes_between(max(arrived, answered_before), answered)))
    if len(spans) < PACE_AT_LEAST:
        return None
    spans.sort()
    middle = len(spans) // 2
    return spans[middle] if len(spans) % 2 else (spans[middle - 1] + spans[middle]) / 2


def measure_answer_pace() -> int:
    """Worker job: each team's pace, stored on the team (`Team.answer_minutes`) so that a
    request page reads it with the team. Returns how many teams' pace changed."""
    changed = 0
    for team in Team.objects.prefetch_related("opening_ranges", "closures"):
        minutes = answer_pace(team)
        if minutes != team.answer_minutes:
            Team.objects.filter(pk=team.pk).update(answer_minutes=minutes)
            changed += 1
    return changed


def escalate(now=None) -> int:
    """Worker job: a promise at risk (RISK_SHARE of its business time used) is told to the
    handler, or to the team while nobody handles it; a late one to them and the team
    lead. Each once per promise (a new promise starts again, see Ticket.save), each a line
    of the team's timeline. Returns how many alerts were sent."""
    now = now or timezone.now()
    candidates = Ticket.objects.filter(
        Q(escalation=Escalation.NONE) | Q(due_at__lte=now),
        risk_at__lte=now, escalation__lt=Escalation.LATE,
    ).only("pk")
    sent = 0
    for ticket in list(candidates):
        with transaction.atomic():
            ticket = lifecycle.lock(ticket)
            if ticket.due_at is None or ticket.risk_at is None or ticket.risk_at > now:
                continue
            level = Escalation.LATE if ticket.due_at <= now else Escalation.AT_RISK
            if level <= ticket.escalation:
                continue
            # Not a step of the request: neither its version (open forms stay valid) nor
            # its last update (the queue's order) move.
            ticket.escalation = level
            if level == Escalation.LATE:
                ticket.lead_alerted_at = now
            ticket.save(update_fields=["escalation", "lead_alerted_at"])
            kind = EventKind.LATE if level == Escalation.LATE else EventKind.AT_RISK
            event = lifecycle.record(
                ticket, kind, by=None, is_internal=True,
                data={"due": ticket.due_at.isoformat()}, created_at=now,
            )
            notify.event(event)
            sent += 1
    return sent


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
        Draft.objects.filter(owner=owner, key=key).delete()
        return None
    draft, _created = Draft.objects.update_or_create(
        owner=owner, key=key,
        defaults={"kind": kind, "ticket": ticket, "subject": subject, "body": body,
                  "category": category, "updated_at": timezone.now()},
    )
    return draft


def forget_old_drafts(now=None) -> int:
    """Worker job: drafts untouched for DRAFT_KEEP_DAYS go (a form left for good)."""
    cutoff = (now or timezone.now()) - timedelta(days=DRAFT_KEEP_DAYS)
    deleted, _by_model = Draft.objects.filter(updated_at__lt=cutoff).delete()
    return deleted


# --- collections ---------------------------------------------------------------------------------

ANNOUNCE_DAYS = 2


def _take_step(case: CollectionCase, *, by: User | None, note: str = "") -> None:
    lifecycle.run(case, case.take_step, None)
    lifecycle.save(case)
    event = lifecycle.record(
        case, CollectionEventKind.TAKEN, by=by, step=case.state, note=note
    )
    notify.event(event)


@transaction.atomic
def open_collection_case(
    *, by: User, member: User, team: Team, client_name: str, invoice_number: str, amount,
    due_date, ticket: Ticket | None = None,
) -> CollectionCase:
    if not by.works_for_team(team.pk):
        raise PermissionDenied("only the team's agents open collection cases")
    if not member.is_member:
        raise Conflict(_("Collection cases are opened for members only."))
    case = CollectionCase.objects.create(
        member=member, team=team, ticket=ticket, client_name=client_name,
        invoice_number=invoice_number, amount=amount, due_date=due_date,
    )
    event = lifecycle.record(case, CollectionEventKind.OPENED, by=by)
    notify.event(event)
    return case


@transaction.atomic
def propose_next_step(
    case: CollectionCase, *, by: User, note: str = "", expected_version: int | None = None
) -> CollectionCase:
    """The team wants to climb one step: taken, announced, or held for the member's OK."""
    case = lifecycle.lock(case, expected_version)
    step = case.next_step
    if step is None:
        raise Conflict(_("There is no further step for this invoice."))
    if not has_transition_perm(case.take_step, by):
        raise PermissionDenied("not an agent of this case's team")
    if case.pending_step:
        raise Conflict(
            _("“%(step)s” is already waiting for the member.")
            % {"step": case.get_pending_step_display()}
        )
    defaults = CollectionSettings.for_member(case.member)
    if case.consent_for(step, defaults) == Consent.HOLD:
        case.pending_step, case.pending_since = step, timezone.now()
        lifecycle.save(case)
        event = lifecycle.record(case, CollectionEventKind.PROPOSED, by=by, step=step, note=note)
        notify.event(event)
    elif defaults.tell_me_before:
        now = timezone.now()
        case.pending_step, case.pending_since = step, now
        case.scheduled_for = now + timedelta(days=ANNOUNCE_DAYS)
        lifecycle.save(case)
        event = lifecycle.record(
            case, CollectionEventKind.SCHEDULED, by=by, step=step, note=note
        )
        notify.event(event)
    else:
        _take_step(case, by=by, note=note)
    return case


@transaction.atomic
def set_collection_consent(
    case: CollectionCase, *, by: User, step: str, consent: str,
    expected_version: int | None = None,
) -> CollectionCase:
    """The member says OK or wait for one step of this invoice (Attente / OK)."""
    case = lifecycle.lock(case, expected_version)
    if case.member_id != by.pk:
        raise PermissionDenied("only the member decides")
    if step not in LADDER or consent not in Consent.values:
        raise Conflict(_("Unknown step or choice."))
    if not case.is_open or LADDER.index(step) < LADDER.index(case.next_step or step):
        raise Conflict(_("This step is already behind: it can no longer be changed."))
    case.overrides = {**case.overrides, step: consent}
    go_now = case.pending_step == step and consent == Consent.ALLOW
    if case.pending_step == step and consent == Consent.HOLD:
        case.scheduled_for = None
    lifecycle.save(case)
    event = lifecycle.record(case, CollectionEventKind.CONSENT, by=by, step=step, note=consent)
    notify.event(event)
    if go_now:
        _take_step(case, by=by)
    return case


mark_case_paid = lifecycle.plain_step("mark_paid", CollectionEventKind.PAID)


stop_case = lifecycle.plain_step("stop", CollectionEventKind.STOPPED)


def take_announced_steps(now=None) -> int:
    """Worker job: take the steps announced two days ago that the member did not hold."""
    now = now or timezone.now()
    due = CollectionCase.objects.filter(scheduled_for__lte=now).only("pk")
    taken = 0
    for case in list(due):
        with transaction.atomic():
            case = lifecycle.lock(case)
            if not case.scheduled_for or case.scheduled_for > now or not case.pending_step:
                continue
            if case.consent_for(case.pending_step) == Consent.HOLD:
                case.scheduled_for = None
                lifecycle.save(case)
                continue
            _take_step(case, by=None)
            taken += 1
    return taken


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
        data={"into": into.reference, "into_id": into.pk},
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

    due = ticket.due_at or ticket.resolution_due
    promised = formats.date_format(timezone.localtime(due), "SHORT_DATETIME_FORMAT") if due else ""
    values = {
        "first_name": ticket.requester.first_name,
        "reference": ticket.reference,
        "team": ticket.team.name,
        "agent_first_name": by.first_name,
        "promised_date": promised or _("[no date promised yet]"),
    }
    text = reply.filled(values)
    readable = Article.objects.readable_by(ticket.requester)
    links = [
        f"- [{_markdown_label(article.title)}]({article.get_absolute_url()})"
        for article in reply.articles.filter(pk__in=readable.values("pk")).only("title", "slug")
    ]
    if links:
        text = "\n\n".join([text.rstrip(), _("To read:"), "\n".join(links)])
    SavedReply.objects.filter(pk=reply.pk).update(usage_count=F("usage_count") + 1)
    return text


def _markdown_label(text: str) -> str:
    """An article's title as the words of a Markdown link: brackets would end it early."""
    return text.replace("\\", "\\\\").replace("[", "\\[").replace("]", "\\]")


# --- watchers ----------------------------------------------------------------------------------


def _watcher_side(ticket: Ticket, by: User) -> str:
    """Who adds watchers: the team (colleagues, as an internal step) or the request's
    member (the people she works with, said on the public thread)."""
    if is_team_agent(ticket, by):
        return "team"
    if ticket.requester_id == by.pk:
        return "member"
    raise PermissionDenied("only the request's member or its team add watchers")


@transaction.atomic
def add_watcher(ticket: Ticket, *, by: User, person: User) -> Ticket:
    """Someone follows the request: a colleague added by the team (they see it as their
    teams' requests allow, internal notes only if they work for its team), or a member the
    requester works with, added by her, who sees the public thread only, as her advisor."""
    ticket = lifecycle.lock(ticket)
    side = _watcher_side(ticket, by)
    if not ticket.is_active:
        raise Conflict(_("This request is finished: nobody new can follow it."))
    if not person.is_active or person.pk in (ticket.requester_id, by.pk):
        raise Conflict(_("This person cannot be added to this request."))
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


@transaction.atomic
def remove_watcher(ticket: Ticket, *, by: User, person: User) -> Ticket:
    """The member removes a co-worker she added; the team removes a colleague. The
    member's advisor follows her requests as long as they follow her: not removed here."""
    ticket = lifecycle.lock(ticket)
    side = _watcher_side(ticket, by)
    if not ticket.watchers.filter(pk=person.pk).exists():
        return ticket
    if person.is_advisor or (side == "member" and not person.is_member):
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
