"""What the ground floor needs from the helpdesk, registered at start-up (apps.py):
who hears of a request's or an unpaid invoice's step, how to name and word it, where its
e-mail links, the live socket's "ticket" and "team" watches, and the demo loaders."""

from __future__ import annotations

from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from coopdesk import notify, outbox
from coopdesk.accounts.models import Role, User
from coopdesk.models import Delivery, NoticeKind, Subscription, TicketSubscription
from coopdesk.notify import registry
from helpdesk import satisfaction
from helpdesk.actions import may_reply
from helpdesk.models import (
    CollectionCase,
    CollectionEvent,
    CollectionEventKind,
    Consent,
    EventKind,
    Score,
    State,
    Step,
    Team,
    Ticket,
    TicketEvent,
)

STAFF = {Role.AGENT, Role.LEAD, Role.ADMIN}

# --- requests ----------------------------------------------------------------------------------

# The one wording of a request's events: the timeline, the notification centre, the header
# menu and the e-mails all say these (the timeline after the actor's name).
TICKET_LABELS = {
    "created": gettext_lazy("New request"),
    "recorded": gettext_lazy("Request recorded for the member ({channel})"),
    "recorded_you": gettext_lazy("Request recorded for you by the team ({channel})"),
    "by_email": gettext_lazy("New request, sent by e-mail"),
    "by_email_you": gettext_lazy(
        "Request opened by an e-mail from your address: if you did not send it, withdraw "
        "it and tell the team"
    ),
    "acknowledged": gettext_lazy("Request acknowledged"),
    "assigned": gettext_lazy("Now handled by {name}"),
    "assigned_answering": gettext_lazy("Now handled by {name}, who answered"),
    "unassigned": gettext_lazy("Back in the team's queue"),
    "assigned_auto": gettext_lazy("Assigned automatically to {name}"),
    "covering": gettext_lazy("{name} takes over while {away} is away"),
    "unassigned_away": gettext_lazy("Back in the team's queue while {away} is away"),
    "replied": gettext_lazy("New message"),
    "note": gettext_lazy("Internal note"),
    "waiting": gettext_lazy("Waiting for the member's answer"),
    "waiting_you": gettext_lazy("A question for you: the team needs your answer"),
    "answered": gettext_lazy("The member answered"),
    "answered_you": gettext_lazy("You answered"),
    "transferred": gettext_lazy("Moved to the {team} team"),
    "resolved": gettext_lazy("Request resolved"),
    "reopened": gettext_lazy("Request reopened"),
    "closed": gettext_lazy("Request closed"),
    "confirmed": gettext_lazy("Resolution confirmed"),
    "withdrawn": gettext_lazy("Request withdrawn by the member"),
    "withdrawn_you": gettext_lazy("You withdrew the request"),
    "priority": gettext_lazy("Priority changed"),
    "rescheduled": gettext_lazy("Promised date moved"),
    "category": gettext_lazy("Category changed to “{category}”"),
    "merged": gettext_lazy("Closed as a duplicate: it continues in {into}, with its messages"),
    "merged_you": gettext_lazy(
        "You had asked the same thing in {into}: this request is closed and continues "
        "there, with your messages and files"
    ),
    "merged_recorded_you": gettext_lazy(
        "This request duplicated {into}: it is closed and continues there, with its messages "
        "and files"
    ),
    "merged_in": gettext_lazy("{from} was merged into this request: its messages are here"),
    "linked": gettext_lazy("Linked to {other}"),
    "watcher": gettext_lazy("{name} now follows this request"),
    "watcher_removed": gettext_lazy("{name} no longer follows this request"),
    "at_risk": gettext_lazy("At risk: most of the promised time is used"),
    "late": gettext_lazy("Late: the promised time has passed; the team lead is alerted"),
    "reminded": gettext_lazy("Reminder: the team still needs the member's answer"),
    "reminded_you": gettext_lazy("Reminder: the team still needs your answer"),
    "rated": gettext_lazy("How the member was served: {score}/5, “{words}”"),
    "rated_again": gettext_lazy("The member changed the answer: {score}/5, “{words}”"),
    "rated_you": gettext_lazy("How you were served: {score}/5, “{words}”"),
    "rated_again_you": gettext_lazy("You changed your answer: {score}/5, “{words}”"),
    "low_score": gettext_lazy("Low score ({score}/5, “{words}”): the team lead is alerted"),
}

# How a request recorded by an agent came in (Channel), said in the timeline and notices.
CHANNEL_WORDS = {
    "phone": gettext_lazy("by phone"),
    "email": gettext_lazy("by e-mail"),
    "counter": gettext_lazy("at the counter"),
}

# Why a promised date moved, said after it.
RESCHEDULED_WHY = {
    "transfer": gettext_lazy("the request moved to another team, whose target starts now"),
    "priority": gettext_lazy("the team reassessed how urgent the request is"),
    "paused": gettext_lazy("the clock was paused while the team waited for your answer"),
}


def ticket_detail(kind: str, data: dict) -> dict:
    """What an event's words need from its data (names and numbers, no sentence)."""
    if "promise" in data:  # the step moved the first answer's promised date
        promise = data["promise"]
        return {**ticket_detail(kind, {k: v for k, v in data.items() if k != "promise"}),
                "promise": {key: promise[key] for key in ("due", "why", "what", "late")
                            if key in promise}}
    if kind == "assigned":
        return {"name": data.get("assignee") or "",
                **{key: data[key] for key in ("auto", "away", "by_answering")
                   if data.get(key)}}
    if kind == "transferred":
        return {"team": data.get("to_team", "")}
    if kind == "category":
        return {"category": data.get("to", "")}
    if kind == "merged":
        return {"into": data.get("into", ""),
                **({"recorded": True} if data.get("recorded") else {})}
    if kind == "merged_in":
        return {"from": data.get("from", "")}
    if kind == "linked":
        return {"other": data.get("other", "")}
    if kind == "watcher":
        return {"name": data.get("name", ""), **({"removed": True} if data.get("removed") else {})}
    if kind == "created" and data.get("channel"):
        return {"channel": data["channel"]}
    if kind == "created" and data.get("by_email"):
        return {"by_email": True}
    if kind == "closed":
        return {
            key: data[key] for key in ("automatic", "days", "confirmed", "unanswered")
            if key in data
        }
    if kind == "reminded":
        return {"closes": data.get("closes", "")}
    if kind in ("rated", "low_score") and data.get("score") in Score.values:
        return {"score": data["score"], **({"again": True} if data.get("was") else {})}
    return {}


def ticket_label_key(detail: dict, verb: str, *, for_requester: bool) -> str:
    if verb == "waiting" and for_requester:
        return "waiting_you"
    if verb == "reminded" and for_requester:
        return "reminded_you"
    if verb in ("answered", "withdrawn") and for_requester:  # she reads her own steps
        return f"{verb}_you"

    if verb == "created" and detail.get("channel"):
        return "recorded_you" if for_requester else "recorded"
    if verb == "created" and detail.get("by_email"):
        return "by_email_you" if for_requester else "by_email"
    if verb == "merged" and for_requester:  # recorded for her by the team: she asked once
        return "merged_recorded_you" if detail.get("recorded") else "merged_you"
    if verb == "assigned" and detail.get("away"):
        return "covering" if detail.get("name") else "unassigned_away"
    if verb == "assigned" and not detail.get("name"):
        return "unassigned"
    if verb == "assigned" and detail.get("auto"):
        return "assigned_auto"
    if verb == "assigned" and detail.get("by_answering"):
        return "assigned_answering"
    if verb == "watcher" and detail.get("removed"):
        return "watcher_removed"
    if verb == "closed" and detail.get("confirmed"):
        return "confirmed"
    if verb == "rated":
        key = "rated_again" if detail.get("again") else "rated"
        return f"{key}_you" if for_requester else key
    return verb if verb in TICKET_LABELS else "replied"


def ticket_words(verb: str, detail: dict, *, for_requester: bool) -> str:
    """A request event's words, in the active language."""
    if verb == "closed" and detail.get("automatic"):
        days = detail.get("days") or 0
        if detail.get("unanswered"):
            return ngettext(
                "Closed automatically: the team's question stayed unanswered %(days)d day",
                "Closed automatically: the team's question stayed unanswered %(days)d days",
                days,
            ) % {"days": days}
        return ngettext(
            "Closed automatically %(days)d day after resolution",
            "Closed automatically %(days)d days after resolution", days,
        ) % {"days": days}
    if verb == "rescheduled":  # the moved promise is the whole news
        return promise_words(detail.get("promise") or {})
    if "promise" in detail:
        detail = dict(detail)
        step = ticket_words(verb, {k: v for k, v in detail.items() if k != "promise"},
                            for_requester=for_requester)
        return f"{step}. {promise_words(detail['promise'])}"
    text = str(TICKET_LABELS[ticket_label_key(detail, verb, for_requester=for_requester)])
    if verb == "reminded":
        closes = parse_datetime(detail.get("closes") or "")
        if closes:
            text = _("%(what)s; without it, the request closes by itself on %(when)s") % {
                "what": text, "when": _day(closes)
            }
        return text
    if "score" in detail:
        detail = {**detail, "words": Score(detail["score"]).label}

    if "channel" in detail:
        detail = {**detail, "channel": CHANNEL_WORDS.get(detail["channel"], "")}
    for key, value in detail.items():
        text = text.replace("{" + key + "}", str(value))
    return text


def promise_words(promise: dict) -> str:
    """ "First answer now expected by 7 December 10:00: its priority changed." A promise
    already used up is said to be late, not given a date in the past."""
    when = parse_datetime(promise.get("due") or "")
    first = promise.get("what", "first") == "first"
    if promise.get("late"):
        text = _("The first answer is now late") if first else _("The next update is now late")
    else:
        text = (
            _("First answer now expected by %(when)s") if first
            else _("Next update now expected by %(when)s")
        ) % {"when": _when(when)}
    why = RESCHEDULED_WHY.get(promise.get("why") or "")
    return _("%(what)s: %(why)s.") % {"what": text, "why": why} if why else text + "."


def _when(moment) -> str:
    return date_format(timezone.localtime(moment), "DATETIME_FORMAT") if moment else "—"


def _day(moment) -> str:
    return date_format(timezone.localtime(moment), "DATE_FORMAT") if moment else "—"


def next_step(ticket: Ticket) -> str:
    """What happens next, with who and when: the request page and every e-mail about it
    say it (one count for the place in line, while nobody has answered yet). Each date is
    one the system keeps: the worker's reminder and closing jobs, the escalation job."""
    if ticket.state == State.WAITING:
        paused = _("The team needs an answer to go on: its response times are paused "
                   "until then.")
        if ticket.closes_on is None:
            return paused
        if ticket.member_reminded_at:
            then = _("A reminder was sent on %(reminded)s; without an answer, the request "
                     "closes by itself on %(closes)s.")
        else:
            then = _("Without an answer, a reminder goes out on %(reminds)s and the request "
                     "closes by itself on %(closes)s.")
        return f"{paused} " + then % {
            "reminded": _day(ticket.member_reminded_at), "reminds": _day(ticket.reminds_on),
            "closes": _day(ticket.closes_on),
        }
    if ticket.state == State.RESOLVED:
        closes = ticket.closes_on
        return _("Without an answer, it closes by itself on %(when)s.") % {"when": _day(closes)}
    if not ticket.is_active:
        return ""
    if not ticket.first_response_at and not ticket.assignee_id:  # once taken, who has it
        place = ticket.place_in_line() or 1
        expected = ticket.expected_first_answer(place)
        line = ngettext(
            "%(team)s takes requests up in order: this one is next in line.",
            "%(team)s takes requests up in order: this one is number %(place)s in line.",
            place,
        ) % {"team": ticket.team.name, "place": place}
        # Two dates, the promise and the team's estimate: said as one, so that neither
        # reads as contradicting the other (the estimate is never later while the promise
        # holds: Ticket.expected_first_answer).
        if expected < ticket.first_response_due:
            then = _("At the team's current pace, the first answer should come by %(when)s, "
                     "earlier than promised.")
        elif expected == ticket.first_response_due:
            then = _("The first answer should come by %(when)s, as promised.")
        else:
            then = _("At the team's current pace, the first answer should come by %(when)s.")
        return f"{line} " + then % {"when": _when(expected)}
    who = ticket.assignee.first_name if ticket.assignee_id else None
    late = ticket.late_promise
    if late:
        if late == "next_update":
            text = _("The update promised by %(when)s is late.")
        else:
            text = _("The resolution promised by %(when)s is late.")
        text = text % {"when": _when(ticket.due_at)}
        if ticket.lead_alerted_at:
            text += " " + _("The team lead was alerted on %(when)s.") % {
                "when": _when(ticket.lead_alerted_at)
            }
        on_it = (_("%(name)s is on it.") % {"name": who} if who
                 else _("The %(team)s team is on it.") % {"team": ticket.team.name})
        return f"{on_it} {text}"
    if who:
        return _("%(name)s is on it; next update by %(when)s.") % {
            "name": who, "when": _when(ticket.due_at)
        }
    return _("The %(team)s team is on it; next update by %(when)s.") % {
        "team": ticket.team.name, "when": _when(ticket.due_at)
    }


def ticket_label(data: dict, verb: str, recipient_id: int) -> str:
    return ticket_words(
        verb, data.get("detail") or {}, for_requester=recipient_id == data.get("requester")
    )


def ticket_about(data: dict, recipient_id: int) -> str:
    return f"{data.get('reference', '')} {data.get('subject', '')}".strip()


def ticket_recipients(event: TicketEvent) -> list[User]:
    """The member, the handler (or, while nobody is assigned, the team's agents), the
    member's advisors, watchers and followers (checked like the page checks them), muted
    people out. Internal notes reach the team handling the request only. The member does
    not hear of a request taken by answering her: the answer tells her."""
    ticket = event.ticket
    if event.kind in ESCALATIONS:
        return escalation_recipients(event)
    if event.kind == "reminded":
        return reminder_recipients(event)
    if event.kind == EventKind.LOW_SCORE:
        return lead_recipients(event)
    people: set[int] = set()
    to_check: set[int] = set()  # may have lost sight of the request since: checked
    if not event.is_internal:
        people.add(ticket.requester_id)
        # Its watchers, and the agents of the teams watching it: one query.
        watching = Ticket.watching_teams.through.objects.filter(ticket=ticket).values("team_id")
        to_check.update(User.objects.filter(
            Q(pk__in=Ticket.watchers.through.objects.filter(ticket=ticket).values("user_id"))
            | Q(pk__in=Team.agents.through.objects.filter(team__in=watching).values("user_id"))
        ).values_list("pk", flat=True))
        to_check.update(ticket.requester.following_advisor_ids())
    if ticket.assignee_id:
        people.add(ticket.assignee_id)
    else:
        people.update(ticket.team.agents.values_list("pk", flat=True))
    modes = dict(
        TicketSubscription.objects.filter(ticket=ticket).values_list("user_id", "mode")
    )
    to_check |= {pk for pk, mode in modes.items() if mode == Subscription.FOLLOW}
    to_check -= people
    people |= to_check
    people -= {pk for pk, mode in modes.items() if mode == Subscription.MUTE}
    if taken_by_answering(event):  # the answer, recorded next, tells her: once is enough
        people.discard(ticket.requester_id)
    if not opened_by_email(event):
        people.discard(event.actor_id)
    users = [
        user for user in notify.active_users(people)
        if user.pk not in to_check
        or Ticket.objects.visible_to(user).filter(pk=ticket.pk).exists()
    ]
    if event.is_internal:  # the team handling it: not its member, even an agent elsewhere
        handlers = set(User.objects.working_for_team(ticket.team_id).values_list("pk", flat=True))
        users = [
            user for user in users if user.pk in handlers and user.pk != ticket.requester_id
        ]
    return users


def opened_by_email(event: TicketEvent) -> bool:
    """An e-mail's From is easily forged: the member hears of a request opened by e-mail in
    her name (the event's actor), so that she can withdraw one she did not send."""
    return event.kind == EventKind.CREATED and bool((event.data or {}).get("by_email"))


def taken_by_answering(event: TicketEvent) -> bool:
    """An agent took the request by answering the member (helpdesk.actions.add_reply): the
    member hears of the answer, which names who wrote it, and not twice of one step."""
    return event.kind == EventKind.ASSIGNED and bool((event.data or {}).get("by_answering"))


ESCALATIONS = ("at_risk", "late")


def escalation_recipients(event: TicketEvent) -> list[User]:
    """The handler, or the team's agents while nobody handles it; and, once late, the
    team lead. Those who muted the request hear nothing of it."""
    ticket = event.ticket
    if ticket.assignee_id:
        people = {ticket.assignee_id}
    else:
        people = set(ticket.team.agents.values_list("pk", flat=True))
    if event.kind == "late" and ticket.team.lead_id:
        people.add(ticket.team.lead_id)
    people -= set(
        TicketSubscription.objects.filter(ticket=ticket, mode=Subscription.MUTE)
        .values_list("user_id", flat=True)
    )
    return [user for user in notify.active_users(people) if user.works_for_team(ticket.team_id)]


def reminder_recipients(event: TicketEvent) -> list[User]:
    """A reminder of the team's question: for the member (and the advisors following her,
    checked like the page checks them), not for the team that asked."""
    ticket = event.ticket
    muted = set(
        TicketSubscription.objects.filter(ticket=ticket, mode=Subscription.MUTE)
        .values_list("user_id", flat=True)
    )
    advisors = set(ticket.requester.following_advisor_ids()) - muted - {ticket.requester_id}
    people = ({ticket.requester_id} - muted) | advisors
    return [
        user for user in notify.active_users(people)
        if user.pk == ticket.requester_id
        or Ticket.objects.visible_to(user).filter(pk=ticket.pk).exists()
    ]


def lead_recipients(event: TicketEvent) -> list[User]:
    """The team lead of the team that served the member, while she leads it."""
    team = event.ticket.team
    return [
        user for user in notify.active_users([team.lead_id])
        if user.works_for_team(team.pk)
    ]


def ticket_data(event: TicketEvent) -> dict:
    ticket = event.ticket
    return registry.timeline_data(
        event, domain="ticket", ticket=ticket.pk, reference=ticket.reference,
        subject=ticket.subject, requester=ticket.requester_id,
        detail=ticket_detail(event.kind, event.data),
    )


def ticket_messages(event: TicketEvent) -> list[tuple[str, dict]]:
    """What the open request pages and team queues hear: ids and states, never content."""
    ticket = event.ticket
    body = {
        "type": "ticket.event",
        "ticket": ticket.pk,
        "reference": ticket.reference,
        "event": event.pk,
        "kind": event.kind,
        "state": ticket.state,
        "version": ticket.version,
        "team": ticket.team_id,
        "assignee": ticket.assignee_id,
    }
    ticket_groups = [notify.ticket_group(ticket.pk, staff=True)]
    if not event.is_internal:
        ticket_groups.append(notify.ticket_group(ticket.pk))
    team_groups = [notify.team_group(ticket.team_id)]
    from_team = event.data.get("from_team_id")
    if from_team:
        team_groups.append(notify.team_group(from_team))
        body["from_team"] = from_team
    # After a transfer, pages open in the old team may no longer see the request: their
    # sockets ask again before relaying (`recheck`, see coopdesk/consumers.py).
    watched = {**body, "recheck": True} if event.kind == "transferred" else body
    return [(group, watched) for group in ticket_groups] + [(group, body) for group in team_groups]


def ticket_place(ticket: Ticket, user: User, event) -> dict:
    if not isinstance(event, TicketEvent):
        raise outbox.Undeliverable("The request's event no longer exists.")
    # Checked again when sending: access may have ended since (transfer, new advisor).
    if event.is_internal and not user.works_for_team(ticket.team_id):
        raise outbox.Undeliverable("Internal notes are for the team only.")
    if not Ticket.objects.visible_to(user).filter(pk=ticket.pk).exists():
        raise outbox.Undeliverable("The person may no longer see this request.")
    message = event.message if event.message_id else None
    detail = ticket_detail(event.kind, event.data)
    for_requester = user.pk == ticket.requester_id
    return {
        "label": ticket_label_key(detail, event.kind, for_requester=for_requester),
        "survey": survey_links(ticket, user) if event.kind == EventKind.CLOSED else None,
        "ticket": ticket,
        "message": message.body if message else "",
        "message_html": message.body_html if message else "",  # sanitised when saved
        "note": event.note,
        "next_step": next_step(ticket),
        "url": ticket.get_absolute_url(),
        "link": "ticket",
        "group": ("ticket", ticket.pk),
        "thread": ("t", ticket.pk),
        # An answer by e-mail is a public reply: never offered under an internal note.
        "can_reply": not event.is_internal and may_reply(ticket, user),
    }


def survey_links(ticket: Ticket, user: User) -> dict | None:
    """The one-click answers of the e-mail telling the member her request is closed: each a
    link, with its token, to a page where she confirms the score she clicked."""
    if user.pk != ticket.requester_id or not satisfaction.is_open(ticket):
        return None
    if not satisfaction.wants_question(user):
        return None
    path = reverse("helpdesk:satisfaction-answer",
                   args=[ticket.pk, satisfaction.make_token(ticket)])
    return {
        "choices": [
            {"score": score, "label": label, "url": outbox.absolute(f"{path}?score={score}")}
            for score, label in reversed(Score.choices)
        ],
        "until": satisfaction.open_until(ticket),
    }


def ticket_groups(user: User, ticket_id: int) -> tuple[list[str], int | None]:
    """The groups a request's page lets this person join, and the request's version."""
    ticket = (
        Ticket.objects.visible_to(user).with_team_view(user)
        .filter(pk=ticket_id).only("version").first()
    )
    if ticket is None:
        return [], None
    groups = [notify.ticket_group(ticket.pk)]
    if ticket.team_view:  # internal notes' events: the team handling it only
        groups.append(notify.ticket_group(ticket.pk, staff=True))
    return groups, ticket.version


def team_groups(user: User, team_id: int) -> tuple[list[str], int | None]:
    """A team's queue: for the people who work for it."""
    if user.works_for_team(team_id):
        return [notify.team_group(team_id)], None
    return [], None


# --- unpaid invoices -------------------------------------------------------------------------


def case_recipients(event: CollectionEvent) -> list[User]:
    """The member always, and the advisors following them (the backup covering an absence
    included): they see the case."""
    member = event.case.member
    return notify.active_users({member.pk, *member.following_advisor_ids()})


def case_data(event: CollectionEvent) -> dict:
    case = event.case
    return registry.timeline_data(
        event, domain="collection", case=case.pk, member=case.member_id,
        invoice=case.invoice_number, client=case.client_name, step=event.step,
        consent=event.note if event.kind == CollectionEventKind.CONSENT else "",
    )


# The member reads her own case's steps spoken to her.
CASE_LABELS_YOURS = {
    CollectionEventKind.PROPOSED: gettext_lazy("Step proposed, waiting for your OK"),
    CollectionEventKind.CONSENT: gettext_lazy("Your choice"),
}


def case_label(data: dict, verb: str, recipient_id: int) -> str:
    kind = data.get("kind") or verb.removeprefix("collection.")
    text = str(CollectionEventKind(kind).label) if kind in CollectionEventKind.values else ""
    if recipient_id and data.get("member") == recipient_id and kind in CASE_LABELS_YOURS:
        text = str(CASE_LABELS_YOURS[kind])
    if data.get("step") in Step.values:
        text = _("%(what)s: %(step)s") % {"what": text, "step": Step(data["step"]).label}
    if data.get("consent") in Consent.values:  # in the words of her buttons and list
        text = _("%(what)s (“%(choice)s”)") % {
            "what": text, "choice": Consent(data["consent"]).label
        }
    return text


def case_about(data: dict, recipient_id: int) -> str:
    return _("Invoice %(number)s – %(client)s") % {
        "number": data.get("invoice", ""), "client": data.get("client", "")
    }


def case_place(case: CollectionCase, user: User, event) -> dict:
    if not CollectionCase.objects.visible_to(user).filter(pk=case.pk).exists():
        raise outbox.Undeliverable("The person may no longer see this unpaid invoice.")
    is_event = isinstance(event, CollectionEvent)
    consent = event.note if is_event and event.kind == CollectionEventKind.CONSENT else ""
    # A step still waiting for the member's OK or wait: they may react.
    react = bool(
        is_event and case.member_id == user.pk and case.pending_step
        and event.step == case.pending_step
    )
    return {
        "case": case, "group": ("case", case.pk), "link": "case",
        "url": case.get_absolute_url(),
        "step": event.get_step_display() if is_event and event.step else "",
        "note": event.note if is_event and not consent else "",
        "react": react,
    }


# --- registration ----------------------------------------------------------------------------


def register() -> None:
    registry.register_source(TicketEvent, registry.timeline_source(
        notice_kind=lambda event: notify.notice_kind(event.kind), owner="requester",
        recipients=ticket_recipients, data=ticket_data, messages=ticket_messages,
        tells_actor=opened_by_email,
    ))
    registry.register_wording("ticket", registry.Wording(label=ticket_label, about=ticket_about))
    registry.register_place(Ticket, ticket_place)
    registry.register_watch("ticket", ticket_groups)
    registry.register_watch("team", team_groups)

    registry.register_source(CollectionEvent, registry.timeline_source(
        notice_kind=NoticeKind.COLLECTION, owner="member", domain="collection",
        recipients=case_recipients, data=case_data,
    ))
    registry.register_wording("collection", registry.Wording(label=case_label, about=case_about))
    registry.register_place(CollectionCase, case_place)

    # Members act on two steps of a request: a question for them, and a resolution to
    # confirm; their unpaid invoices (a formal notice about to reach their client) cannot
    # wait either. Agents live in the queue: e-mail only for what lands on them.
    # A request closed by itself asks her how she was served (its e-mail's one-click links).
    # A request opened in her name (by e-mail, whose sender is easily forged, or recorded
    # by the team) is worth an e-mail too: she withdraws one she never sent.
    registry.register_defaults(Role.MEMBER, {
        NoticeKind.CREATED: Delivery.EMAIL,
        NoticeKind.WAITING: Delivery.EMAIL,
        NoticeKind.RESOLVED: Delivery.EMAIL,
        NoticeKind.REMINDED: Delivery.EMAIL,
        NoticeKind.CLOSED: Delivery.EMAIL,
        NoticeKind.COLLECTION: Delivery.EMAIL,
    })
    registry.register_defaults(Role.AGENT, {
        NoticeKind.ASSIGNED: Delivery.EMAIL,
        NoticeKind.REPLIED: Delivery.EMAIL,
        NoticeKind.REOPENED: Delivery.EMAIL,
        NoticeKind.LATE: Delivery.EMAIL,  # a promise broken: worth an e-mail
        NoticeKind.LOW_SCORE: Delivery.EMAIL,  # a member poorly served: worth a call back
    })
    registry.register_concerned(NoticeKind.NOTE, STAFF)
    registry.register_concerned(NoticeKind.AT_RISK, STAFF)
    registry.register_concerned(NoticeKind.LATE, STAFF)
    registry.register_concerned(NoticeKind.REMINDED, {Role.MEMBER, Role.ADVISOR})
    registry.register_concerned(NoticeKind.RATED, STAFF)
    registry.register_concerned(NoticeKind.LOW_SCORE, {Role.LEAD, Role.ADMIN})
    registry.register_concerned(NoticeKind.COLLECTION, {Role.MEMBER, Role.ADVISOR})


def load_demo(people) -> None:
    from helpdesk import demo

    demo.load_teams(people)
    demo.load_tickets(people)
    demo.load_collections(people)
    demo.load_history(people)
    from helpdesk.actions import measure_answer_pace

    measure_answer_pace()  # the teams' pace from the demo's answers, as the worker would


def sum_demo_team_days(people) -> None:
    from helpdesk import demo

    demo.sum_team_days(people)


def register_demo() -> None:
    registry.register_demo(load_demo, order=10)
    registry.register_demo(sum_demo_team_days, order=100)  # after every app's data
